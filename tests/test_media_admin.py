"""The media library in the admin: the list (thumbnails, search, filters, usage), one upload with
its description, several at once, the focal point, and deletes refused while an image is used."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.content.html import sanitize_html
from articles.media import services
from articles.media.models import Image
from tests.media_files import SVG, picture, upload

CHANGELIST = "/admin/media/image/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def writer_client(client, make):
    account = make.user(username="wendy")
    account.groups.add(Group.objects.get(name="Writer"))
    client.force_login(account)
    return client


def library_image(**fields):
    fields.setdefault("alt_text", "A nurse checking a port under the collarbone")
    return services.create_image(upload(picture((1200, 800)), fields.pop("name", "port.jpg")), **fields)


def form_data(**fields):
    data = {"title": "Port", "alt_text": "A port under the skin below the collarbone", "licence": "own",
            "consent": "n/a", "focal_x": "50", "focal_y": "50", "tags": "diagram"}
    data.update(fields)
    return data


@pytest.mark.django_db
def test_the_library_lists_thumbnails_usage_and_missing_alt_text(admin_client, make):
    used = library_image(title="Port diagram")
    library_image(title="Scan", alt_text="")
    make.article(title="Chemotherapy ports", lead_image=used)
    page = admin_client.get(CHANGELIST).text
    assert page.count('class="media-thumb"') == 2
    assert '<strong class="media-missing">Missing</strong>' in page
    assert f'<a href="/admin/media/image/{used.pk}/change/#uses">1 article</a>' in page
    assert "Unused" in page
    assert "Upload several pictures" in page


@pytest.mark.django_db
@pytest.mark.parametrize("query,titles", [
    ("?problem=alt", {"Scan"}), ("?problem=consent", {"Rash"}), ("?problem=unused", {"Scan", "Rash"}),
    ("?licence__exact=cc-by", {"Rash"}), ("?q=collarbone", {"Port diagram"}), ("?q=rash.jpg", {"Rash"}),
])
def test_filters_and_search(admin_client, make, query, titles):
    make.article(lead_image=library_image(title="Port diagram", alt_text="A port below the collarbone"))
    library_image(title="Scan", alt_text="")
    library_image(title="Rash", name="rash.jpg", alt_text="Red rash on brown skin", consent="none", licence="cc-by")
    response = admin_client.get(CHANGELIST + query)
    assert response.status_code == 200
    assert {image.title for image in response.context["cl"].result_list} == titles


@pytest.mark.django_db
def test_bad_filter_values_do_not_fail(admin_client):
    for query in ["?problem=nonsense", "?licence__exact=%00", "?o=99", "?q=%ff%fe", "?tags__id__exact=abc"]:
        assert admin_client.get(CHANGELIST + query).status_code in {200, 302, 400}  # never 500


@pytest.mark.django_db
def test_a_writer_uploads_one_image_with_its_description(writer_client):
    response = writer_client.post(reverse("admin:media_image_add"), {**form_data(), "upload": upload(picture(), "IMG_0042.jpg")})
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert image.uploaded_by.username == "wendy" and image.original_filename == "IMG_0042.jpg"
    assert image.renditions["sizes"] and list(image.tags.names()) == ["diagram"]


@pytest.mark.django_db
def test_an_upload_refused_says_why_and_saves_nothing(writer_client, media_root):
    response = writer_client.post(reverse("admin:media_image_add"), {**form_data(), "upload": upload(SVG, "d.svg", "image/svg+xml")})
    assert response.status_code == 200
    assert "SVG and other text files are not accepted" in response.text
    assert not Image.objects.exists() and not any(media_root.iterdir())


@pytest.mark.django_db
def test_the_image_form_refuses_missing_alt_text_and_file_name_alt_text(writer_client):
    response = writer_client.post(reverse("admin:media_image_add"), {**form_data(alt_text=""), "upload": upload(picture())})
    assert "Describe the picture" in response.text
    response = writer_client.post(reverse("admin:media_image_add"),
                                  {**form_data(alt_text="IMG_0042.jpg"), "upload": upload(picture(), "IMG_0042.jpg")})
    assert "not repeat its file name" in response.text
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_several_files_at_once(writer_client):
    response = writer_client.post(reverse("admin:media_image_bulk_upload"), {
        "files": [upload(picture(), "first-scan.jpg"), upload(picture(fmt="PNG"), "second.png"), upload(SVG, "bad.svg")],
        "licence": "own", "credit": "Photo: Vetted",
    }, follow=True)
    assert sorted(Image.objects.values_list("title", flat=True)) == ["first scan", "second"]
    assert all(image.credit == "Photo: Vetted" for image in Image.objects.all())
    text = response.text
    assert "2 images uploaded" in text and "“bad.svg” was not uploaded: SVG and other text files are not accepted" in text


@pytest.mark.django_db
def test_moving_the_focal_point_remakes_the_crops_in_a_task(admin_client, media_root, django_capture_on_commit_callbacks):
    """The crops are a task queued when the save commits (tests run tasks at once); until then the old ones stay."""
    image = library_image(title="Port")
    old_social = image.renditions["social"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(reverse("admin:media_image_change", args=[image.pk]),
                                     form_data(alt_text=image.alt_text, focal_x="10", focal_y="90"), follow=True)
    assert "being made again in the background" in response.text
    image.refresh_from_db()
    assert image.renditions["social"] == old_social and (media_root / old_social).exists()
    for callback in queued:
        callback()
    image.refresh_from_db()
    assert image.renditions["social"] != old_social and (media_root / image.renditions["social"]).exists()


@pytest.mark.django_db
def test_replacing_the_file_in_the_admin(admin_client):
    image = library_image(title="Port")
    response = admin_client.post(reverse("admin:media_image_change", args=[image.pk]),
                                 {**form_data(alt_text=image.alt_text), "upload": upload(picture((500, 700), "PNG"), "new.png")})
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.width, image.height, image.format) == (500, 700, "PNG")


@pytest.mark.django_db
def test_deleting_an_image_in_use_is_refused_in_plain_words_with_links_to_its_uses(admin_client, make):
    """Not Django's "would require deleting the following protected related objects", which reads as if the
    articles would go too: how many articles, and a link to each, to take it out of them first."""
    image = library_image(title="Port diagram")
    ports = make.article(title="Chemotherapy ports", lead_image=image,
                         body=f'<p>Where it sits.</p><figure data-image="{image.pk}"></figure>')
    care = make.article(title="Caring for a port", lead_image=image)
    page = admin_client.get(reverse("admin:media_image_delete", args=[image.pk])).text
    assert "<p>This image is used in 2 articles; remove it from them first:</p>" in page
    assert f'<a href="/admin/articles/article/{care.pk}/change/">Caring for a port</a> (Lead image)' in page
    assert f'<a href="/admin/articles/article/{ports.pk}/change/">Chemotherapy ports</a> (Lead image)' in page
    assert f'<a href="/admin/articles/article/{ports.pk}/change/">Chemotherapy ports</a> (In the body)' in page
    assert "protected related objects" not in page and "Yes, I’m sure" not in page
    admin_client.post(reverse("admin:media_image_delete", args=[image.pk]), {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()

    other = library_image(title="Scan")
    make.article(title="Scans", lead_image=other)
    response = admin_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [image.pk, other.pk], "post": "yes"})
    assert Image.objects.count() == 2
    assert "“Port diagram” is used in 2 articles; remove it from them first:" in response.text
    assert "“Scan” is used in 1 article; remove it from that article first:" in response.text
    assert "protected related objects" not in response.text


@pytest.mark.django_db
def test_an_image_has_no_view_on_site_link_back_to_the_admin(admin_client):
    """An image has no public page: no "View on site", which led back to the same admin page."""
    image = library_image()
    assert not hasattr(image, "get_absolute_url")
    page = admin_client.get(reverse("admin:media_image_change", args=[image.pk])).text
    assert "View on site" not in page and "/admin/r/" not in page


@pytest.mark.django_db
def test_deleting_an_unused_image_removes_its_files(admin_client, media_root, django_capture_on_commit_callbacks):
    image = library_image()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:media_image_delete", args=[image.pk]), {"post": "yes"})
    assert not Image.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_the_article_form_offers_a_lead_image(admin_client, make):
    article = make.article()
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert 'name="lead_image"' in page
    page = admin_client.get("/admin/autocomplete/?app_label=articles&model_name=article&field_name=lead_image&term=port")
    assert page.status_code == 200


# --- the body editor's picker ----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_editor_finds_library_images(writer_client):
    library_image(title="Port diagram", caption="Where the port sits")
    library_image(title="Rash", alt_text="", name="rash.jpg")
    answer = writer_client.get(reverse("admin:media_image_search"), {"q": "port"}).json()
    assert [card["title"] for card in answer["results"]] == ["Port diagram"]
    assert answer["results"][0]["thumbnail"].startswith("/media/r/")
    rash = writer_client.get(reverse("admin:media_image_search"), {"q": "rash"}).json()["results"][0]
    assert rash["problems"] and "no alt text" in rash["problems"][0]
    for bad in ["%00", "x" * 5000, "'; drop table"]:
        assert writer_client.get(reverse("admin:media_image_search"), {"q": bad}).status_code == 200


@pytest.mark.django_db
def test_the_editor_uploads_with_alt_text_or_says_why_not(writer_client):
    url = reverse("admin:media_image_quick_upload")
    refused = writer_client.post(url, {"upload": upload(picture(), "x.jpg"), "alt_text": ""})
    assert refused.status_code == 400 and "Describe the picture" in refused.json()["errors"]["alt_text"][0]
    refused = writer_client.post(url, {"upload": upload(SVG, "x.svg"), "alt_text": "A diagram"})
    assert refused.status_code == 400 and "SVG" in refused.json()["errors"]["upload"][0]
    assert not Image.objects.exists()
    made = writer_client.post(url, {"upload": upload(picture(), "port-site.jpg"), "alt_text": "The port site, healed",
                                    "credit": "Photo: Vetted", "consent": "on-file"})
    assert made.status_code == 201
    image = Image.objects.get(pk=made.json()["id"])
    assert (image.title, image.credit, image.consent, image.uploaded_by.username) == ("port-site", "Photo: Vetted", "on-file", "wendy")
    assert writer_client.get(url).status_code == 405


@pytest.mark.django_db
def test_the_editor_shows_a_figure_by_its_thumbnail(writer_client):
    image = library_image()
    response = writer_client.get(reverse("admin:media_image_thumbnail", args=[image.pk]))
    assert response.status_code == 302 and response["Location"].endswith(image.renditions["thumb"])
    assert writer_client.get(reverse("admin:media_image_thumbnail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_a_reviewer_cannot_upload(client, make):
    account = make.user(username="rita")
    account.groups.add(Group.objects.get(name="Medical reviewer"))
    client.force_login(account)
    assert client.post(reverse("admin:media_image_quick_upload"), {"upload": upload(picture()), "alt_text": "A"}).status_code == 403
    assert client.get(reverse("admin:media_image_search")).status_code == 200


@pytest.mark.django_db
def test_a_figure_survives_the_body_sanitiser():
    body = '<p>x</p><figure data-image="7" onclick="evil()"><figcaption>Where <b>it</b> goes</figcaption><img src="x"></figure>'
    assert sanitize_html(body) == '<p>x</p><figure data-image="7"><figcaption>Where it goes</figcaption></figure>'


@pytest.mark.django_db
def test_the_reviewer_profile_shows_the_portrait(client, make):
    portrait = library_image(title="Dr Roe", alt_text="Dr Jane Roe smiling, in a blue scrubs top")
    reviewer = make.reviewer(name="Dr Jane Roe", photo=portrait)
    page = client.get(reviewer.get_absolute_url()).text
    assert 'alt="Dr Jane Roe smiling, in a blue scrubs top"' in page and "<picture>" in page
