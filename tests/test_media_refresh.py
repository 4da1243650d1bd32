"""An image's edits reach every page that shows it: the app's page cache and the edge.

Alt text, caption, credit, a new file, a moved focal point or new renditions change the pages of
the live articles showing the image (lead image or figure) and of the reviewers it portrays."""

import pytest
from django.core.management import call_command

from articles.media import services
from articles.media.models import Image
from articles.models import Article
from cms.pagecache import http as pagecache_http
from tests.media_files import picture, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def library_image(**fields):
    fields.setdefault("alt_text", "Where a port sits under the collarbone")
    return services.create_image(upload(picture((1600, 900)), "port.jpg"), **fields)


@pytest.fixture
def shown(make):
    """One image: the lead of a live article, a figure in another, in a draft, and a reviewer's portrait."""
    image = library_image(caption="Port placement")
    other = library_image(alt_text="A different picture")
    figure = f'<p>Text.</p><figure data-image="{image.pk}"></figure>'
    return {
        "image": image,
        "lead": make.article(slug="lead", lead_image=image),
        "body": make.article(slug="body", body=figure),
        "draft": make.article(slug="draft", body=figure, status=Article.Status.DRAFT),
        "unrelated": make.article(slug="unrelated", lead_image=other),
        "reviewer": make.reviewer(slug="dr-port", photo=image),
    }


def edit_image(image, **fields):
    fresh = Image.objects.get(pk=image.pk)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.save()
    return fresh


@pytest.mark.parametrize("fields", [{"alt_text": "A port under the right collarbone"}, {"caption": "New caption"},
                                    {"credit": "Photo: N. Hospital"}, {"decorative": True}])
def test_editing_an_image_purges_the_live_articles_and_reviewers_showing_it(shown, committed, purges, fields):
    committed(lambda: edit_image(shown["image"], **fields))
    reviewer = shown["reviewer"].pk
    assert purges.keys() == {f"article-{shown['lead'].pk}", f"article-{shown['body'].pk}",
                             f"reviewer-{reviewer}", f"shows-reviewer-{reviewer}"}


def test_an_image_shown_nowhere_purges_nothing(shown, committed, purges):
    lonely = library_image(alt_text="Nobody shows this")
    committed(lambda: edit_image(lonely, caption="Still nowhere"))
    assert purges.purged == []


@pytest.mark.parametrize("how", ["focal point", "command", "new file"])
def test_new_renditions_or_a_new_file_purge_the_same_pages(shown, committed, purges, how):
    image = shown["image"]

    def change():
        if how == "focal point":
            services.refresh_renditions(edit_image(image, focal_x=10))
        elif how == "command":
            call_command("regenerate_renditions", stdout=open("/dev/null", "w"))
        else:
            services.replace_file(Image.objects.get(pk=image.pk), upload(picture((1200, 800), color=(0, 90, 0)), "new.jpg"))

    committed(change)
    assert {f"article-{shown['lead'].pk}", f"article-{shown['body'].pk}", f"reviewer-{shown['reviewer'].pk}"} <= purges.keys()
    assert f"article-{shown['unrelated'].pk}" not in purges.keys() or how == "command"


def test_a_cached_page_shows_the_images_new_text_at_once(client, page_cache, shown, committed):
    """The page cache's generation moves on: the next reader gets the page with the new caption."""
    url = shown["body"].get_absolute_url()
    client.get(url)
    assert client.get(url)[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    committed(lambda: edit_image(shown["image"], caption="The port sits under the skin"))
    page = client.get(url)
    assert page[pagecache_http.STATUS_HEADER] == pagecache_http.MISS
    assert "The port sits under the skin" in page.text and "Port placement" not in page.text


def test_a_cached_page_names_the_new_renditions_once_they_are_remade(client, page_cache, shown, committed, media_root):
    """``regenerate_renditions`` removes the old files: no cached page may still name them."""
    url = shown["lead"].get_absolute_url()
    before = client.get(url).text
    old = Image.objects.get(pk=shown["image"].pk).renditions["social"]
    assert old in before
    Image.objects.filter(pk=shown["image"].pk).update(focal_x=5, focal_y=5)  # as a restore might: no signal
    committed(lambda: call_command("regenerate_renditions", stdout=open("/dev/null", "w")))
    new = Image.objects.get(pk=shown["image"].pk).renditions["social"]
    page = client.get(url).text
    assert new != old and new in page and old not in page
    assert not (media_root / old).exists() and (media_root / new).exists()
