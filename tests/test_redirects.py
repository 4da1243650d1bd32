"""Moving an article never breaks a link: old addresses answer 301, chains collapse."""

import pytest
from django.urls import reverse

from articles.models import Article, Redirect
from articles.public.redirects import record_slug_change
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def _rename(client, article, slug):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, {**change_form_data(client.get(url)), "slug": slug})
    assert response.status_code == 302
    article.refresh_from_db()


def test_renaming_a_published_article_keeps_the_old_address_working(admin_client, client, make):
    article = make.article(slug="chemo-brain")
    _rename(admin_client, article, "cognitive-changes-after-chemotherapy")
    response = client.get("/articles/chemo-brain/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/cognitive-changes-after-chemotherapy/"
    assert client.get(response["Location"]).status_code == 200
    assert Redirect.objects.get().article == article


def test_chains_collapse(admin_client, client, make):
    """A -> B -> C: both A and B go straight to C."""
    article = make.article(slug="a")
    _rename(admin_client, article, "b")
    _rename(admin_client, article, "c")
    for old in ("/articles/a/", "/articles/b/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, "/articles/c/")


def test_renaming_back_drops_the_redirect_for_the_live_address(admin_client, client, make):
    article = make.article(slug="a")
    _rename(admin_client, article, "b")
    _rename(admin_client, article, "a")
    assert client.get("/articles/a/").status_code == 200
    assert (client.get("/articles/b/")["Location"]) == "/articles/a/"
    assert not Redirect.objects.filter(old_path="/articles/a/").exists()


def test_a_never_published_draft_leaves_no_redirect(make):
    article = make.article(slug="draft-one", status=Article.Status.DRAFT)
    article.slug = "draft-two"
    article.save()
    assert record_slug_change(article, "draft-one") is None
    assert not Redirect.objects.exists()


def test_redirect_to_an_unpublished_article_is_a_404(admin_client, client, make):
    article = make.article(slug="old")
    _rename(admin_client, article, "new")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ARCHIVED)
    assert client.get("/articles/old/").status_code == 404


def test_live_article_wins_over_a_redirect(make, client):
    moved = make.article(slug="moved")
    make.article(slug="taken")
    Redirect.objects.create(old_path="/articles/taken/", article=moved)
    assert client.get("/articles/taken/").status_code == 200


def test_redirects_are_listed_in_the_admin(admin_client, make):
    article = make.article(slug="x")
    _rename(admin_client, article, "y")
    page = admin_client.get(reverse("admin:articles_redirect_changelist")).content.decode()
    assert "/articles/x/" in page and "/articles/y/" in page


def test_unknown_article_path_is_still_a_plain_404(client):
    assert client.get("/articles/nothing-here/").status_code == 404
    assert client.get("/articles/%E2%9C%93/").status_code == 404


@pytest.mark.parametrize("path", ["/articles/%00/", "/articles/a%00b/", "/articles/" + "x" * 400 + "/"])
def test_odd_paths_under_articles_are_404_not_500(client, path):
    # A NUL anywhere in the address is refused up front with 400 (cms.middleware).
    assert client.get(path).status_code == (400 if "%00" in path else 404)
