"""With DEBUG off and hashed (manifest) static files after collectstatic, every page renders.

A template naming a static file that collectstatic did not collect is a 500 only in
production, so this renders every admin page and every public page in that mode.
"""

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings

from tests.urlwalk import admin_urls, public_routes, url_for

pytestmark = pytest.mark.django_db

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(DEBUG=False, STATIC_ROOT=root, STORAGES=MANIFEST, WHITENOISE_USE_FINDERS=False,
                           WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield root


@pytest.fixture
def objects(make, superuser):
    from taggit.models import Tag

    article = make.article(tags=["walk"], author=superuser, body="<h2>A</h2><p>B [1]</p>")
    reviewer = make.reviewer()
    make.review(article, reviewer_=reviewer)
    make.cite(article, make.reference(source=make.source()))
    series = make.series()
    make.series_entry(series, article, 1)
    make.related(article, make.article())
    return {"article": article, "reviewer": reviewer, "series": series, "tag": Tag.objects.get(slug="walk")}


def test_collectstatic_wrote_a_manifest(production_static):
    assert (production_static / "staticfiles.json").exists()
    assert list(production_static.glob("css/site.*.css"))


def test_a_missing_static_file_would_fail_in_this_mode(production_static):
    """The control: the manifest storage refuses a file it does not know, so the walk below can fail."""
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        Template("{% load static %}{% static 'css/not-there.css' %}").render(Context())


def test_every_admin_page_renders_with_manifest_static(production_static, admin_client, objects):
    for target in admin_urls(lambda model: model._default_manager.first()):
        response = admin_client.get(target.url)
        if target.model is not None and target.action == "add":
            expected = {200, 403}  # axes' logs have no add form
        elif target.guessed:
            expected = {200, 302, 404}  # a custom view whose extra argument could only be guessed
        elif target.model is not None and target.action not in {"changelist", "change", "delete", "history"}:
            expected = {200, 302, 404, 405}  # custom views (405: a GET on a POST-only action; 404: a compare without revisions), e.g. merging tags without a selection goes back to the list
        else:
            expected = {200}
        assert response.status_code in expected, (target.url, response.status_code)
        if target.action in {"change", "add"} and response.status_code == 200 and target.name != "jsi18n":
            assert ".css" in response.content.decode()


def test_the_article_form_with_the_editor_renders_hashed_assets(production_static, admin_client, objects):
    html = admin_client.get(f"/admin/articles/article/{objects['article'].pk}/change/").content.decode()
    assert "django_prose_editor/editor." in html
    assert "/static/django_prose_editor/editor.js" not in html  # the hashed name, not the plain one


def test_login_page_renders_with_manifest_static(production_static, client):
    assert client.get("/admin/login/").status_code == 200


def test_every_public_page_renders_with_manifest_static(production_static, client, objects):
    seen = 0
    for route in public_routes():
        url = url_for(route, objects)
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code == (405 if url == "/search/log/" else 200), url  # the beacon takes POST only
        seen += 1
    assert seen >= 5
    assert client.get("/articles/no-such-article/").status_code == 404
