"""Library images in articles: the lead image and body figures on the page, the shared picture,
structured data, a flat query count, the publishing rules and "changed since review"."""

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.media import reads, services
from articles.media.models import Image, ImageUse
from articles.models import Article
from articles.workflow import integrity
from articles.workflow import rules as workflow
from tests.media_files import picture, upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def library_image(size=(1600, 900), **fields):
    fields.setdefault("alt_text", "Diagram of the lymph nodes in the armpit")
    fields.setdefault("title", "Lymph nodes")
    return services.create_image(upload(picture(size), "nodes.jpg"), **fields)


def body_with(*images, caption=""):
    figures = "".join(
        f'<figure data-image="{image.pk}">{f"<figcaption>{caption}</figcaption>" if caption else ""}</figure>'
        for image in images
    )
    return f"<h2>What it is</h2><p>Some text.</p>{figures}<p>More text.</p>"


def structured(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return [json.loads(block) for block in blocks]


@pytest.mark.django_db
def test_the_lead_image_heads_the_page_and_is_what_a_share_shows(client, make):
    lead = library_image(caption="The nodes drain the arm.", credit="Illustration: Jane Roe",
                         licence=Image.Licence.CC_BY)
    article = make.article(lead_image=lead)
    page = client.get(article.get_absolute_url()).text
    assert '<figure class="figure lead-image"><picture>' in page
    assert 'alt="Diagram of the lymph nodes in the armpit"' in page
    assert 'fetchpriority="high"' in page  # the first screen: not lazy
    assert 'width="1280" height="720"' in page
    assert '<span class="figure-credit">Illustration: Jane Roe</span>' in page
    social = re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1)
    assert re.fullmatch(r"http://testserver/media/r/[0-9a-f]{2}/[0-9a-f]{22}\.jpg", social)  # processing.rendition_name
    assert f'<meta name="twitter:image" content="{social}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    page_data = next(d for d in structured(page) if d["@type"] == "MedicalWebPage")
    image = page_data["image"]
    assert image["@type"] == "ImageObject"
    assert image["caption"] == "The nodes drain the arm."
    assert image["creditText"] == "Illustration: Jane Roe"
    assert image["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert image["contentUrl"].startswith("http://testserver/media/") and image["width"] == 1280


@pytest.mark.django_db
def test_a_page_without_images_keeps_a_plain_card(client, make):
    page = client.get(make.article().get_absolute_url()).text
    assert "og:image" not in page and '<meta name="twitter:card" content="summary">' in page


@pytest.mark.django_db
def test_body_figures_are_pictures_with_srcset_sizes_and_lazy_loading(client, make):
    image = library_image(caption="Library caption", credit="Photo: A. Person")
    article = make.article(body=body_with(image))
    page = client.get(article.get_absolute_url()).text
    figure = re.search(r"<figure class=\"figure\">.*?</figure>", page, re.DOTALL).group(0)
    assert 'type="image/webp"' in figure and " 320w, " in figure and " 1280w" in figure
    assert 'loading="lazy"' in figure and 'width="1280" height="720"' in figure
    assert "Library caption" in figure and "Photo: A. Person" in figure
    assert "data-image" not in page


@pytest.mark.django_db
def test_the_body_may_give_its_own_caption_and_the_credit_stays(client, make):
    image = library_image(caption="Library caption", credit="Photo: A. Person")
    article = make.article(body=body_with(image, caption="Where the port goes"))
    page = client.get(article.get_absolute_url()).text
    assert "Where the port goes" in page and "Library caption" not in page and "Photo: A. Person" in page


@pytest.mark.django_db
def test_the_body_stores_a_reference_so_moving_storage_never_breaks_it(client, make, settings):
    image = library_image()
    article = make.article(body=body_with(image))
    assert "/media/" not in article.body
    settings.MEDIA_URL = "https://pictures.example.org/"
    page = client.get(article.get_absolute_url()).text
    assert 'src="https://pictures.example.org/r/' in page


@pytest.mark.django_db
def test_the_article_page_reads_all_its_images_in_one_query(client, make, django_assert_num_queries):
    one = make.article(slug="one", lead_image=library_image(), body=body_with(library_image()))
    many = make.article(slug="many", lead_image=library_image(), body=body_with(*[library_image((400, 300)) for _ in range(20)]))
    client.get(one.get_absolute_url())  # warm the content type cache, as a running site has it
    with CaptureQueriesContext(connection) as first:
        client.get(one.get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(many.get_absolute_url()).text
    assert page.count("<picture>") == 21
    plain = make.article(slug="plain")
    with CaptureQueriesContext(connection) as none:
        client.get(plain.get_absolute_url())
    # On PostgreSQL the page's own statement brings its pictures; elsewhere they are one query more.
    assert len(first.captured_queries) == len(none.captured_queries) + (0 if connection.vendor == "postgresql" else 1)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the page's own statement reads its pictures on PostgreSQL")
def test_on_postgresql_pictures_cost_the_article_page_no_query(client, make):
    """A lead image, ten figures and the reviewer's portrait: as many queries as the same page without pictures."""
    portrait = library_image(title="Dr Roe", alt_text="Dr Jane Roe, smiling")
    reviewer = make.reviewer(name="Dr Jane Roe", slug="dr-roe", photo=portrait)
    pictures = [library_image((400, 300), caption=f"Figure {n}") for n in range(10)]
    article = make.article(slug="shown", lead_image=library_image(), body=body_with(*pictures), reviewed_by=reviewer)
    client.get(article.get_absolute_url())  # warm the content type cache, as a running site has it
    with CaptureQueriesContext(connection) as with_pictures:
        page = client.get(article.get_absolute_url()).text
    assert page.count("<picture>") == 11 and "Figure 9" in page
    person = next(d for d in structured(page) if d["@type"] == "MedicalWebPage")["reviewedBy"]
    assert person["image"]["@type"] == "ImageObject"
    article.lead_image, article.body = None, "<p>No pictures.</p>"
    article.save()
    reviewer.photo = None
    reviewer.save()
    with CaptureQueriesContext(connection) as without:
        page = client.get(article.get_absolute_url()).text
    assert "<picture>" not in page
    assert len(with_pictures.captured_queries) == len(without.captured_queries)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the page's own statement reads its pictures on PostgreSQL")
def test_on_postgresql_a_figure_whose_use_was_not_recorded_is_still_shown(client, make, django_assert_num_queries):
    """The page statement finds the body's pictures through ``ImageUse``; one it does not list is read on its own."""
    shown, unrecorded = library_image(caption="Recorded"), library_image(caption="Not recorded")
    article = make.article(slug="stale", body=body_with(shown, unrecorded))
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as recorded:
        client.get(article.get_absolute_url())
    ImageUse.objects.filter(article=article, image=unrecorded).delete()  # as an update() that skipped save()
    with django_assert_num_queries(len(recorded.captured_queries) + 1):
        page = client.get(article.get_absolute_url()).text
    assert page.count("<picture>") == 2 and "Not recorded" in page


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the page's own statement reads its pictures on PostgreSQL")
def test_on_postgresql_the_pictures_read_with_the_page_are_what_the_orm_reads(make):
    from django.utils import timezone

    from articles.reads.page import published_article_page

    made = [library_image(caption="Café — “quoted”", credit="Photo: A. Lens") for _ in range(3)]
    made[1].tags.add("diagram")
    Image.objects.filter(pk=made[2].pk).update(description="Rows apart\x1eby this character; a \\ and a \"")
    article = make.article(slug="json", lead_image=made[0], body=body_with(*made[1:]))
    found = published_article_page(article.slug, timezone.now()).shown_images
    expected = {image.pk: image for image in Image.objects.filter(pk__in=[m.pk for m in made])}
    assert set(found) == set(expected)
    for pk, image in expected.items():
        for field in Image._meta.concrete_fields:
            assert getattr(found[pk], field.attname) == getattr(image, field.attname), field.name
    again = published_article_page(article.slug, timezone.now()).shown_images
    assert again[made[0].pk] is not found[made[0].pk]  # a copy per page, never the kept instance


def page_statement_texts(monkeypatch):
    """What the article's statement sent for its pictures, one text per page read."""
    sent = []
    real = reads.images_from_versioned_rows
    monkeypatch.setattr(reads, "images_from_versioned_rows", lambda text, *args: sent.append(text) or real(text, *args))
    return sent


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the page's own statement reads its pictures on PostgreSQL")
def test_on_postgresql_the_page_statement_sends_a_picture_row_once_then_only_its_version(make, monkeypatch):
    """Rows the process keeps are not sent again; any write of the row (an ``update()`` that leaves
    ``updated_at`` alone too) gives it a new version, and the page the new row."""
    from django.utils import timezone

    from articles.reads.page import published_article_page

    made = [library_image(caption=f"Caption {n}") for n in range(3)]
    article = make.article(slug="versions", lead_image=made[0], body=body_with(*made[1:]))
    sent = page_statement_texts(monkeypatch)
    first = published_article_page(article.slug, timezone.now()).shown_images
    again = published_article_page(article.slug, timezone.now()).shown_images
    rows = [[len(part) for part in text.split(reads.ROW_SEPARATOR)] for text in sent]
    assert all(length > reads.VERSION_LENGTH for length in rows[0]) and len(rows[0]) == 3
    assert rows[1] == [reads.VERSION_LENGTH] * 3  # the versions alone
    assert {pk: image.caption for pk, image in again.items()} == {pk: image.caption for pk, image in first.items()}

    Image.objects.filter(pk=made[1].pk).update(caption="Changed by update()")
    changed = published_article_page(article.slug, timezone.now()).shown_images
    assert changed[made[1].pk].caption == "Changed by update()"
    assert sorted(len(part) > reads.VERSION_LENGTH for part in sent[2].split(reads.ROW_SEPARATOR)) == [False, False, True]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the page's own statement reads its pictures on PostgreSQL")
def test_on_postgresql_a_picture_another_page_showed_first_is_sent_once_to_this_one_too(make, monkeypatch):
    """The process keeps the instance already; this page still learns its version and asks for it alone."""
    from django.utils import timezone

    from articles.reads.page import published_article_page

    shared = library_image(caption="Shown on both")
    first = make.article(slug="first", lead_image=shared)
    second = make.article(slug="second", body=body_with(shared))
    sent = page_statement_texts(monkeypatch)
    for slug in (first.slug, second.slug, second.slug):
        assert published_article_page(slug, timezone.now()).shown_images[shared.pk].caption == "Shown on both"
    assert [len(text) > reads.VERSION_LENGTH for text in sent] == [True, True, False]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger keeps the row version")
def test_on_postgresql_every_write_of_an_image_row_gives_it_a_new_version(make):
    """``save()``, ``update()`` and raw SQL alike; a version written by hand is replaced too."""
    image = library_image()

    def version():
        with connection.cursor() as cursor:
            cursor.execute("SELECT CAST(row_version AS text) FROM media_image WHERE id = %s", [image.pk])
            return cursor.fetchone()[0]

    seen = [version()]
    image.save()
    seen.append(version())
    Image.objects.filter(pk=image.pk).update(credit="Photo: A. Lens")
    seen.append(version())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE media_image SET row_version = %s::uuid WHERE id = %s", [seen[0], image.pk])
    seen.append(version())
    assert len(set(seen)) == 4


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the page's own statement reads its pictures on PostgreSQL")
def test_on_postgresql_a_version_the_process_no_longer_keeps_is_read_on_its_own(client, make, django_assert_num_queries):
    """Should the kept instances be dropped between the statement and the page, the page still shows
    every picture: those it lacks are read in one query (``rendering.page_context``)."""
    pictures = [library_image(caption=f"Figure {n}") for n in range(3)]
    article = make.article(slug="dropped", body=body_with(*pictures))
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as warm:
        client.get(article.get_absolute_url())
    reads._made.clear()  # what emptying the memo would leave, were the versions still named (they are not: _keep empties both)
    with django_assert_num_queries(len(warm.captured_queries) + 1):
        page = client.get(article.get_absolute_url()).text
    assert page.count("<picture>") == 3 and "Figure 2" in page


@pytest.mark.django_db
def test_rendering_a_page_makes_no_rendition(client, make, monkeypatch):
    article = make.article(lead_image=library_image(), body=body_with(library_image()))

    def refuse(*args, **kwargs):
        raise AssertionError("a rendition was made during a request")

    monkeypatch.setattr("articles.media.processing.make_renditions", refuse)
    monkeypatch.setattr("imagekit.cachefiles.ImageCacheFile.generate", refuse)
    assert client.get(article.get_absolute_url()).status_code == 200


# --- publishing rules ----------------------------------------------------------------------------

def approved_article(make, **fields):
    article = make.article(status="approved", publish_at=None, **fields)
    make.review(article)
    integrity.restamp_reviews(list(article.reviews.all()))
    article.refresh_from_db()
    return article


@pytest.mark.django_db
def test_an_image_without_alt_text_blocks_publishing_and_is_named(make, editor):
    image = library_image(alt_text="", title="Port placement")
    article = approved_article(make, body=body_with(image))
    assert "Image problem: The image “Port placement” has no alt text (describe it, or mark it decorative)." in \
        workflow.publish_blockers(article)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.publish(article, editor)
    Image.objects.filter(pk=image.pk).update(decorative=True)
    assert not [b for b in workflow.publish_blockers(article) if b.startswith("Image problem")]


@pytest.mark.django_db
def test_a_photo_of_a_person_without_consent_blocks_publishing(make):
    image = library_image(title="Rash on the forearm", consent=Image.Consent.NONE)
    article = approved_article(make, lead_image=image)
    assert any("Rash on the forearm" in b and "no consent" in b for b in workflow.publish_blockers(article))
    Image.objects.filter(pk=image.pk).update(consent=Image.Consent.ON_FILE)
    assert not [b for b in workflow.publish_blockers(article) if b.startswith("Image problem")]


@pytest.mark.django_db
def test_a_figure_of_an_image_not_in_the_library_blocks_publishing(make):
    article = approved_article(make, body='<p>Text.</p><figure data-image="987654"></figure>')
    assert any("image 987654, which is not in the media library" in b for b in workflow.publish_blockers(article))


@pytest.mark.django_db
def test_a_live_article_cannot_be_given_an_image_without_alt_text(make):
    article = make.article(lead_image=library_image())
    article.lead_image = library_image(alt_text="", title="Untitled scan")
    with pytest.raises(workflow.TransitionNotAllowed, match="Untitled scan"):
        workflow.check_live_content(article)


# --- changed since review ------------------------------------------------------------------------

def reviewed(make, **fields):
    article = make.article(**fields)
    make.review(article)
    article.refresh_from_db()
    assert not integrity.is_changed_as_stored(article)
    return article


@pytest.mark.django_db
def test_an_article_without_images_keeps_its_fingerprint():
    data = integrity.content("T", "S", "<p>B</p>", [])
    assert "images" not in data


@pytest.mark.django_db
def test_changing_the_alt_text_of_a_shown_image_is_a_change_since_review(make):
    image = library_image()
    article = reviewed(make, body=body_with(image))
    image.alt_text = "Diagram of the lymph nodes under the arm, with the drainage shown by arrows"
    image.save()
    article.refresh_from_db()
    assert integrity.is_changed_as_stored(article)
    assert integrity.changed_since_review_now(article.pk)


@pytest.mark.django_db
def test_changing_the_lead_image_is_a_change_since_review(make):
    article = reviewed(make, lead_image=library_image())
    article.lead_image = library_image(title="Another")
    article.save()
    article.refresh_from_db()
    assert integrity.is_changed_as_stored(article)


@pytest.mark.django_db
def test_replacing_the_picture_is_a_change_since_review(make):
    image = library_image()
    article = reviewed(make, lead_image=image)
    services.replace_file(image, upload(picture((900, 900)), "new.jpg"))
    article.refresh_from_db()
    assert integrity.is_changed_as_stored(article)


@pytest.mark.django_db
def test_the_page_and_the_lists_agree_about_images(client, make):
    image = library_image()
    article = reviewed(make, body=body_with(image))
    image.caption = "A new caption"
    image.save()
    page = client.get(article.get_absolute_url()).text
    assert "after its last medical review" in page


# --- usage and deleting --------------------------------------------------------------------------

@pytest.mark.django_db
def test_uses_are_kept_on_save_and_an_image_in_use_is_not_deleted(make, media_root):
    lead, figure, spare = library_image(title="Lead"), library_image(title="Figure"), library_image(title="Spare")
    article = make.article(title="Lymphoedema", lead_image=lead, body=body_with(figure))
    assert set(ImageUse.objects.values_list("image__title", "place")) == {("Lead", "lead"), ("Figure", "body")}
    with pytest.raises(services.ImageInUse, match="Lead image of “Lymphoedema”"):
        services.delete_image(lead)
    assert Image.objects.filter(pk=lead.pk).exists()
    assert list(Image.objects.unused()) == [spare]
    article.body = "<p>No more figure.</p>"
    article.save()
    assert set(ImageUse.objects.values_list("image__title", flat=True)) == {"Lead"}
    services.delete_image(figure)
    assert not Image.objects.filter(pk=figure.pk).exists()


@pytest.mark.django_db
def test_a_reviewer_portrait_is_a_use(make):
    portrait = library_image(title="Dr Roe")
    make.reviewer(name="Dr Jane Roe", photo=portrait)
    with pytest.raises(services.ImageInUse, match="Photo of the reviewer Dr Jane Roe"):
        services.delete_image(portrait)



@pytest.mark.django_db
def test_the_reviewers_portrait_is_their_image_in_the_structured_data_read_with_the_pictures(client, make, django_assert_num_queries):
    """The article's reviewedBy and the reviewer page's Person carry the portrait; no query more for it."""
    portrait = library_image(title="Dr Roe", alt_text="Dr Jane Roe, smiling, in a blue cardigan", credit="Photo: A. Lens")
    roe = make.reviewer(name="Dr Jane Roe", slug="dr-roe", photo=portrait)
    plain = make.reviewer(name="Dr Plain", slug="dr-plain")
    shown = make.article(slug="shown", lead_image=library_image(), reviewed_by=roe)
    other = make.article(slug="other", lead_image=library_image(), reviewed_by=plain)
    client.get(other.get_absolute_url())
    with CaptureQueriesContext(connection) as without_portrait:
        client.get(other.get_absolute_url())
    with django_assert_num_queries(len(without_portrait.captured_queries)):
        page = client.get(shown.get_absolute_url()).text
    person = next(d for d in structured(page) if d["@type"] == "MedicalWebPage")["reviewedBy"]
    expected_url = "http://testserver" + portrait.file.storage.url(portrait.renditions["sizes"]["JPEG"][-1][2])
    assert person["image"]["@type"] == "ImageObject" and person["image"]["contentUrl"] == expected_url
    assert person["image"]["creditText"] == "Photo: A. Lens"
    assert "image" not in next(d for d in structured(client.get(other.get_absolute_url()).text)
                               if d["@type"] == "MedicalWebPage")["reviewedBy"]
    profile = next(d for d in structured(client.get(roe.get_absolute_url()).text) if d["@type"] == "ProfilePage")
    assert profile["mainEntity"]["image"]["contentUrl"] == expected_url

# --- demo content ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_demo_draws_its_pictures_and_heads_two_articles_with_them(client, media_root):
    call_command("load_demo", stdout=io.StringIO())
    images = list(Image.objects.all())
    assert len(images) == 2 and all(i.alt_text and i.credit and i.renditions["sizes"] for i in images)
    lymph = Article.objects.get(slug="understanding-lymphedema-after-breast-cancer-treatment")
    assert lymph.lead_image.title == "Demo: lymph nodes of the armpit"
    assert not integrity.is_changed_as_stored(lymph)  # the demo's reviews cover its pictures
    assert not [b for b in workflow.publish_blockers(lymph) if b.startswith("Image problem")]
    page = client.get(lymph.get_absolute_url()).text
    assert "lead-image" in page and "og:image" in page
    call_command("load_demo", stdout=io.StringIO())
    assert Image.objects.count() == 2  # a second run adds nothing


@pytest.mark.django_db
def test_the_pages_read_of_images_gives_what_the_orm_gives():
    made = [library_image(caption="Café — “quoted”") for _ in range(3)]
    made[1].tags.add("diagram")
    found = reads.images_by_id([m.pk for m in made] + [999999])
    expected = {image.pk: image for image in Image.objects.filter(pk__in=[m.pk for m in made])}
    assert set(found) == set(expected)
    for pk, image in expected.items():
        for field in Image._meta.concrete_fields:
            assert getattr(found[pk], field.attname) == getattr(image, field.attname), field.name
    assert reads.images_by_id([]) == {}


@pytest.mark.django_db
def test_the_pages_read_of_images_follows_any_change_to_a_row_and_hands_out_copies():
    """Kept instances are found by the whole row: an edit that leaves ``updated_at`` alone still shows."""
    image = library_image(caption="First caption")
    first = reads.images_by_id([image.pk])[image.pk]
    first.alt_text = "Changed by a caller, not in the database"
    again = reads.images_by_id([image.pk])[image.pk]
    assert again is not first and again.alt_text == "Diagram of the lymph nodes in the armpit"
    Image.objects.filter(pk=image.pk).update(caption="Second caption")  # updated_at not touched
    assert reads.images_by_id([image.pk])[image.pk].caption == "Second caption"


@pytest.mark.parametrize("figure_html, shown", [
    ('<figure data-image="7"></figure>', "Library caption"),
    ('<figure data-image="7"><figcaption>Own caption</figcaption></figure>', "Own caption"),
    ("<figure class=\"wide\" data-image='7'><figcaption> <em>Own</em> &amp; more\n words </figcaption></figure>",
     "Own & more\n words"),
    ('<figure data-image=7><figcaption>   </figcaption></figure>', "Library caption"),
    ('<figure data-image="7"><figcaption>First</figcaption></figure><figure data-image="8"></figure>', "First"),
])
def test_the_captions_read_from_a_body_are_the_ones_its_page_shows(figure_html, shown):
    """``own_captions`` (the API's captions) answers as ``expand_figures`` (the page) does, until both read one definition."""
    from articles.media.models import own_captions
    from articles.media.rendering import expand_figures

    image = Image(pk=7, caption="Library caption", alt_text="A port", credit="", renditions={})
    body = f"<p>Before.</p>{figure_html}<p>After.</p>"
    page = re.search(r"<figcaption>(.*?)</figcaption>", expand_figures(body, {7: image}), re.DOTALL).group(1)
    assert html.unescape(page) == shown == image.shown_caption(own_captions(body).get(7, ""))
