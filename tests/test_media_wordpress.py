"""import_wordpress --uploads: WordPress attachments into the media library, featured images as lead
images, [caption] and block-editor figures as library figures, missing files listed."""


import pytest
from PIL import Image as PILImage

from articles.importing.wordpress import convert_content
from articles.importing.wordpress_media import UploadsLibrary
from articles.media.models import Image, ImageUse
from articles.models import ImportedPost
from tests.media_files import phone_jpeg, picture
from tests.test_import_wordpress import WP, run

pytestmark = pytest.mark.django_db

CURRENT = WP / "current-export.xml"
SITE = "https://health.example.org"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads as WordPress keeps it: the original and its resized copies. The
    walking picture's file is not there (attachment 1302), as happens when a folder was not copied."""
    root = tmp_path / "uploads"
    (root / "2023" / "02").mkdir(parents=True)
    (root / "2023" / "02" / "mammogram-machine.jpg").write_bytes(phone_jpeg((1200, 800)))
    (root / "2023" / "02" / "mammogram-machine-300x200.jpg").write_bytes(picture((300, 200)))
    return root


def article_for(post_id):
    return ImportedPost.objects.select_related("article").get(site=SITE, post_id=post_id).article


def test_attachments_become_library_images_and_posts_show_them(uploads):
    out, err, error = run(CURRENT, "--uploads", uploads)
    assert error is None, err
    image = Image.objects.get()
    assert (image.title, image.width, image.height) == ("Mammogram Machine", 800, 1200)  # EXIF orientation applied
    assert image.alt_text == ""  # WordPress had none: listed as missing alt text, blocks publishing
    assert image.source_url == "https://health.example.org/wp-content/uploads/2023/02/mammogram-machine.jpg"
    with image.file.open("rb") as stored:
        assert not PILImage.open(stored).getexif().get_ifd(0x8825)  # the GPS position is gone
    mammograms = article_for(1201)
    assert mammograms.lead_image == image  # its featured image (_thumbnail_id 1301)
    assert f'<figure data-image="{image.pk}"><figcaption>A radiographer positions the breast on the plate.</figcaption></figure>' \
        in mammograms.body
    assert set(ImageUse.objects.filter(article=mammograms).values_list("place", flat=True)) == {"lead", "body"}
    assert "images: 1 imported into the media library, 0 already there, 1 missing, 0 refused" in out
    assert "attachment 1302 “Walking”: 2023/02/walking.jpg" in out
    # The post whose picture is missing still imports, with its caption kept as text.
    walking = article_for(1202)
    assert walking.lead_image is None and "A short walk counts." in walking.body
    assert "featured image not imported: its attachment's file is missing" in err


def test_a_second_run_finds_the_same_images(uploads):
    run(CURRENT, "--uploads", uploads)
    out, err, error = run(CURRENT, "--uploads", uploads)
    assert error is None and Image.objects.count() == 1
    assert "images: 0 imported into the media library, 1 already there" in out


def test_a_run_without_uploads_then_with_them_adds_the_pictures(uploads):
    run(CURRENT)
    assert article_for(1201).lead_image is None and not Image.objects.exists()
    run(CURRENT, "--uploads", uploads)
    assert article_for(1201).lead_image is not None


def test_a_dry_run_leaves_no_file_behind(uploads, media_root):
    out, err, error = run(CURRENT, "--uploads", uploads, "--dry-run")
    assert error is None and not Image.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_an_unreadable_picture_is_refused_and_listed(uploads):
    (uploads / "2023" / "02" / "mammogram-machine.jpg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    out, err, error = run(CURRENT, "--uploads", uploads)
    assert error is None and not Image.objects.exists()
    assert "Attachments the media library refused:" in out and "SVG" in out


def test_an_attachment_path_cannot_leave_the_uploads_folder(tmp_path, uploads):
    (tmp_path / "secret.jpg").write_bytes(picture())
    library = UploadsLibrary(uploads, SITE)

    class Post:
        post_id, title, attached_file, attachment_url = "9", "Escape", "../secret.jpg", ""
        image_alt = excerpt = content = ""

    library.add(Post())
    assert not Image.objects.exists() and library.missing == ["attachment 9 “Escape”: ../secret.jpg"]


def test_a_missing_uploads_folder_is_a_clear_error(tmp_path):
    out, err, error = run(CURRENT, "--uploads", tmp_path / "nowhere")
    assert error is not None and "no such folder" in str(error)


def test_resized_copies_and_loose_images_find_their_original(uploads):
    library = UploadsLibrary(uploads, SITE)

    class Post:
        post_id, title, attached_file, attachment_url = "1301", "Mammogram", "2023/02/mammogram-machine.jpg", ""
        image_alt, excerpt, content = "A mammogram machine with its plates", "", ""

    library.add(Post())
    html = '<p>Before.</p>\n<img src="https://x.org/wp-content/uploads/2023/02/mammogram-machine-1024x683.jpg" alt="">\n<p>After.</p>'
    converted = convert_content(html, library)
    image = Image.objects.get()
    assert f'<figure data-image="{image.pk}"></figure>' in converted.html and converted.missing_images == 0
    assert image.alt_text == "A mammogram machine with its plates"
    assert convert_content('<p><img src="/wp-content/uploads/2020/01/other.jpg"></p>', library).missing_images == 1


