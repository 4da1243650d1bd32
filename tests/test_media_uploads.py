"""Uploading to the image library: the type comes from the bytes, limits hold before decoding,
metadata goes, names are generated, and a refused or failed upload leaves nothing behind."""

import io
import os
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from PIL import Image as PILImage
from PIL import ImageChops, features

from articles.media import processing, services
from articles.media.forms import ImageForm
from articles.media.models import Image
from tests.media_files import SVG, phone_jpeg, picture, png_header_only, upload, upright_camera_jpeg


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def stored_files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files)


def create(data, name="photo.jpg", **fields):
    fields.setdefault("alt_text", "A red square with a blue corner")
    return services.create_image(upload(data, name), **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fmt,ext,save",
    [("JPEG", "jpg", {}), ("PNG", "png", {}), ("WEBP", "webp", {}), ("GIF", "gif", {}),
     pytest.param("AVIF", "avif", {}, marks=pytest.mark.skipif(not features.check("avif"), reason="Pillow built without AVIF"))],
)
def test_each_accepted_format_is_kept_under_a_generated_name_with_its_size(fmt, ext, save, media_root):
    image = create(picture((700, 500), fmt, **save), name="../../etc/My Holiday.bmp")
    assert (image.format, image.width, image.height) == (fmt, 700, 500)
    assert image.file.name.startswith("images/") and image.file.name.endswith("." + ext)
    assert "Holiday" not in image.file.name and ".." not in image.file.name
    assert image.original_filename == "My Holiday.bmp"
    with image.file.open("rb") as f:
        assert PILImage.open(f).format == fmt
    assert image.file_size == os.path.getsize(media_root / image.file.name)


@pytest.mark.django_db
def test_the_type_is_read_from_the_content_not_the_name():
    image = create(picture((300, 200), "PNG"), name="scan.jpg")
    assert image.format == "PNG" and image.file.name.endswith(".png")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,name,message",
    [
        (SVG, "diagram.svg", "SVG and other text files are not accepted"),
        (b"%PDF-1.7 not a picture", "leaflet.jpg", "not an image the library accepts"),
        (picture((64, 64), "TIFF"), "scan.tiff", "not an image the library accepts"),
        (picture((64, 64), "BMP"), "paint.png", "not an image the library accepts"),
        (b"", "empty.jpg", "The file is empty"),
        (picture((400, 300))[:700], "cut.jpg", "truncated or corrupt"),
        (png_header_only(1, 100_000), "strip.png", "each side may be at most"),
        (png_header_only(50_000, 50_000), "bomb.png", "far too many pixels"),
        (png_header_only(9_000, 8_000), "big.png", "megapixels: at most 50 are accepted"),
    ],
)
def test_refused_uploads_say_why_and_leave_nothing(data, name, message, media_root):
    with pytest.raises(ValidationError) as refused:
        create(data, name=name)
    assert message in " ".join(refused.value.message_dict["file"])
    assert Image.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_pixel_limit_refuses_a_picture_within_the_side_limit(settings):
    settings.MEDIA_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError, match="megapixels"):
        create(png_header_only(1500, 1500), name="big.png")


@pytest.mark.django_db
def test_size_limit_is_a_setting(settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 10_000
    data = picture((900, 900), "PNG", color=(1, 2, 3))
    noisy = PILImage.effect_noise((400, 400), 80)
    out = io.BytesIO()
    noisy.save(out, "PNG")
    with pytest.raises(ValidationError, match="at most 10 KB"):
        create(out.getvalue(), name="noise.png")
    assert create(data[:0] or picture((20, 20), "PNG"), name="small.png").pk


@pytest.mark.django_db
def test_exif_and_gps_are_stripped_and_the_orientation_applied():
    original = PILImage.open(io.BytesIO(phone_jpeg((800, 600))))
    assert original.getexif()[0x0112] == 6 and original.getexif().get_ifd(0x8825)
    image = create(phone_jpeg((800, 600)), name="IMG_0001.jpg")
    assert (image.width, image.height) == (600, 800)  # turned upright
    names = [image.file.name, *processing.rendition_names(image.renditions)]
    for name in names:
        with image.file.storage.open(name, "rb") as f:
            stored = PILImage.open(f)
            stored.load()
            exif = stored.getexif()
            assert not exif.get_ifd(0x8825), name  # no GPS
            assert 0x010F not in exif and 0x0112 not in exif, name  # no make, no orientation left to apply twice
            assert "comment" not in stored.info and "xmp" not in stored.info, name
            data = f.seek(0) or f.read()
            assert b"Pixelphone" not in data and b"Home Street" not in data, name
            assert stored.width <= stored.height or name == image.renditions["social"] or stored.width == stored.height


@pytest.mark.django_db
@pytest.mark.parametrize("progressive", [False, True])
def test_an_upright_jpeg_keeps_its_own_pixels_and_loses_every_metadata_segment(progressive):
    """No orientation to apply: the camera's picture is kept as it was compressed (no second lossy
    encoding), with EXIF, GPS, XMP, IPTC, comments and appended pictures cut out; colour stays."""
    data, icc = upright_camera_jpeg(progressive=progressive)
    given = PILImage.open(io.BytesIO(data))
    assert given.getexif().get_ifd(0x8825) and given.info.get("xmp") and given.info.get("comment")
    image = create(data, name="DSC_0001.jpg")
    with image.file.open("rb") as f:
        kept = f.read()
    for secret in (b"Pixelphone", b"Home Street", b"xmpmeta", b"Photoshop 3.0", b"Exif\0", b"SECOND PICTURE"):
        assert secret not in kept, secret
    stored = PILImage.open(io.BytesIO(kept))
    assert not stored.getexif() and not {"xmp", "comment", "photoshop", "exif"} & set(stored.info)
    assert stored.info["icc_profile"] == icc
    assert ImageChops.difference(stored.convert("RGB"), given.convert("RGB")).getbbox() is None  # not re-encoded
    assert kept.endswith(b"\xff\xd9") and len(kept) < len(data)


@pytest.mark.django_db
@pytest.mark.parametrize("orientation", [1, 6])
def test_a_phones_multi_picture_jpeg_is_kept_as_a_plain_jpeg_of_its_first_picture(orientation):
    """MPF files (Pillow's "MPO": a preview or depth map after the photo) are JPEGs to the library."""
    first, second = PILImage.new("RGB", (400, 300), (200, 10, 10)), PILImage.new("RGB", (400, 300), (10, 200, 10))
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second], exif=exif)
    assert PILImage.open(io.BytesIO(out.getvalue())).format == "MPO"
    image = create(out.getvalue(), name="IMG_2041.jpg")
    assert image.format == "JPEG" and image.file.name.endswith(".jpg")
    assert (image.width, image.height) == ((400, 300) if orientation == 1 else (300, 400))
    with image.file.open("rb") as f:
        stored = PILImage.open(f)
        assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
        assert stored.convert("RGB").getpixel((150, 150))[0] > 150  # the red photo, not the green preview


def test_a_jpeg_whose_structure_is_not_plain_is_not_cut_but_left_to_re_encoding():
    data, _icc = upright_camera_jpeg()
    assert processing.strip_jpeg_metadata(b"GIF89a" + data) is None
    assert processing.strip_jpeg_metadata(data[:2] + b"junk" + data[2:]) is None
    assert processing.strip_jpeg_metadata(data[: len(data) // 3]) is None  # no end marker


@pytest.mark.django_db
def test_renditions_are_made_once_in_every_format_at_the_standard_widths(media_root):
    image = create(picture((2000, 1000)), name="wide.jpg")
    sizes = image.renditions["sizes"]
    assert list(sizes) == [*processing.MODERN_FORMATS, "JPEG"]
    for fmt, rows in sizes.items():
        assert [row[:2] for row in rows] == [[320, 160], [640, 320], [960, 480], [1280, 640]]
        for width, height, name in rows:
            with PILImage.open(media_root / name) as made:
                assert (made.format, made.size) == (fmt, (width, height))
    with PILImage.open(media_root / image.renditions["social"]) as social:
        assert social.size == processing.SOCIAL_SIZE


@pytest.mark.parametrize(
    "size,working",
    [((6000, 4000), (1280, 853)),    # a camera's photo: the largest srcset width
     ((4000, 6000), (1280, 1920)),   # upright
     ((8000, 1000), (5040, 630)),    # a panorama: tall enough to fill the share crop
     ((900, 500), (900, 500)),       # never enlarged
     ((12000, 100), (12000, 100))],
)
def test_renditions_come_from_the_smallest_copy_that_fills_every_one(size, working):
    """The original is scaled once, to what the largest width, the share crop and the thumbnail need."""
    assert processing.working_size(*size) == working


@pytest.mark.django_db
def test_a_panoramas_crops_are_filled_without_enlarging(media_root):
    """The share crop and the thumbnail of a wide picture have their full size, from real pixels."""
    image = create(picture((4000, 700)), name="panorama.jpg")
    assert image.renditions["sizes"]["JPEG"][-1][:2] == [1280, 224]
    with PILImage.open(media_root / image.renditions["social"]) as social:
        assert social.size == processing.SOCIAL_SIZE
    with PILImage.open(media_root / image.renditions["thumb"]) as thumb:
        assert thumb.size == processing.THUMB_SIZE


@pytest.mark.django_db
def test_remaking_renditions_decodes_a_stored_jpeg_at_about_the_working_size(media_root):
    """The stored original (checked at upload) is read scaled down while decoding, to the same copy."""
    image = create(picture((3000, 2000)), name="big.jpg")
    working = processing.stored_working_copy(image)
    assert (working.mode, working.size) == ("RGB", processing.working_size(3000, 2000)) == ("RGB", (1280, 853))
    before = [row[:2] for rows in image.renditions["sizes"].values() for row in rows]
    services.refresh_renditions(image)
    assert [row[:2] for rows in image.renditions["sizes"].values() for row in rows] == before


@pytest.mark.django_db
def test_a_narrow_picture_is_not_enlarged_and_transparency_falls_back_to_png():
    image = create(picture((500, 250), "PNG", mode="RGBA"), name="logo.png")
    assert image.renditions["fallback"] == "PNG"
    assert [row[:2] for row in image.renditions["sizes"]["PNG"]] == [[320, 160], [500, 250]]


@pytest.mark.django_db
def test_the_social_crop_keeps_the_focal_point(media_root):
    # A tall picture, black except a white band at the very bottom; focal point there.
    img = PILImage.new("RGB", (1200, 2400), (0, 0, 0))
    img.paste((255, 255, 255), (0, 2200, 1200, 2400))
    out = io.BytesIO()
    img.save(out, "PNG")
    image = create(out.getvalue(), name="tall.png", focal_x=50, focal_y=95)
    with PILImage.open(media_root / image.renditions["social"]) as social:
        assert social.convert("L").getpixel((600, 620)) > 200


@pytest.mark.django_db
def test_a_record_that_fails_to_save_leaves_no_file(media_root, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Image, "save", broken_save)
    with pytest.raises(RuntimeError):
        create(picture(), name="photo.jpg")
    assert stored_files(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "alt,decorative,message",
    [
        ("IMG_2041.jpg", False, "not repeat its file name"),
        ("DSC0001", False, "not repeat its file name"),
        ("x" * 251, False, "at most 250"),
    ],
)
def test_alt_text_rules(alt, decorative, message, media_root):
    with pytest.raises(ValidationError, match=message):
        create(picture(), name="IMG_2041.jpg", alt_text=alt, decorative=decorative)
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_the_image_form_asks_for_alt_text_unless_decorative():
    form = ImageForm(data={"title": "t", "alt_text": "", "licence": "own", "consent": "n/a", "focal_x": 50, "focal_y": 50},
                     files={"upload": upload(picture())})
    assert not form.is_valid()
    assert "Describe the picture" in form.errors["alt_text"][0]
    form = ImageForm(data={"title": "t", "alt_text": "", "decorative": "on", "licence": "own", "consent": "n/a",
                           "focal_x": 50, "focal_y": 50}, files={"upload": upload(picture())})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_bulk_upload_or_import_may_leave_alt_text_for_later_and_is_listed_as_missing_it():
    image = create(picture(), name="clinic.jpg", alt_text="")
    assert list(Image.objects.missing_alt_text()) == [image]
    assert image.publish_problems() == ["The image “clinic” has no alt text (describe it, or mark it decorative)."]


@pytest.mark.django_db
def test_a_decorative_image_needs_no_alt_text():
    assert create(picture(), name="texture.jpg", alt_text="", decorative=True).decorative


@pytest.mark.django_db
def test_replacing_the_file_keeps_the_record_and_removes_the_old_files(media_root, django_capture_on_commit_callbacks):
    image = create(picture((900, 600)), name="first.jpg")
    old = [image.file.name, *processing.rendition_names(image.renditions)]
    with django_capture_on_commit_callbacks(execute=True):
        services.replace_file(image, upload(picture((600, 900), "PNG"), "second.png"))
    image.refresh_from_db()
    assert (image.width, image.height, image.format) == (600, 900, "PNG")
    assert not any((media_root / name).exists() for name in old)
    assert (media_root / image.file.name).exists()


@pytest.mark.django_db
def test_regenerating_renditions_keeps_bodies_and_replaces_files(media_root, django_capture_on_commit_callbacks):
    image = create(picture((1000, 700)), name="plan.jpg")
    before = set(processing.rendition_names(image.renditions))
    for name in before:
        (media_root / name).unlink()  # renditions lost (a storage move)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", stdout=out)
    image.refresh_from_db()
    assert "for 1 image(s); 0 failed" in out.getvalue()
    assert all((media_root / name).exists() for name in processing.rendition_names(image.renditions))


SHORT_NAME = re.compile(r"r/[0-9a-f]{2}/[0-9a-f]{22}\.(avif|webp|jpg|png)")


@pytest.mark.django_db
def test_renditions_are_stored_under_short_names_and_the_same_picture_gets_the_same_name(media_root):
    """A page names 13 renditions a figure: r/xx/ and 22 hexadecimal digits, not the original's path and 32."""
    image = create(picture((1000, 700)), name="plan.jpg")
    names = processing.rendition_names(image.renditions)
    assert len(names) == len(set(names)) == 4 * 3 + 2  # four widths in three formats, the share crop, the thumbnail
    assert all(SHORT_NAME.fullmatch(name) for name in names), names
    assert processing.make_renditions(image) == image.renditions  # made again: the same names (and files kept)


@pytest.mark.django_db
def test_an_image_named_the_old_way_keeps_its_page_and_moves_to_short_names_when_made_again(
    client, make, settings, media_root, django_capture_on_commit_callbacks
):
    """Renditions made under imagekit's default names (before short names) are still what the page
    shows; ``regenerate_renditions`` gives them short names and removes the old files; the body,
    which names only the image, is not touched (docs/media.md, "Renditions")."""
    short = settings.IMAGEKIT_CACHEFILE_DIR, settings.IMAGEKIT_SPEC_CACHEFILE_NAMER
    settings.IMAGEKIT_CACHEFILE_DIR = "renditions"
    settings.IMAGEKIT_SPEC_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_as_path"
    image = create(picture((1000, 700)), name="plan.jpg")
    old = processing.rendition_names(image.renditions)
    folder = "renditions/" + os.path.splitext(image.file.name)[0] + "/"
    assert all(name.startswith(folder) for name in old)
    settings.IMAGEKIT_CACHEFILE_DIR, settings.IMAGEKIT_SPEC_CACHEFILE_NAMER = short
    body = f'<p>Where it goes.</p><figure data-image="{image.pk}"></figure>'
    article = make.article(lead_image=image, body=body)

    page = client.get(article.get_absolute_url()).text
    shown = set(re.findall(r"/media/([^\s\"]+\.(?:avif|webp|jpg))", page))
    assert shown and shown <= set(old) and all((media_root / name).exists() for name in shown)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", stdout=io.StringIO())
    image.refresh_from_db()
    new = processing.rendition_names(image.renditions)
    assert all(SHORT_NAME.fullmatch(name) for name in new)
    assert all((media_root / name).exists() for name in new)
    assert not any((media_root / name).exists() for name in old)
    page = client.get(article.get_absolute_url()).text
    assert "/media/renditions/" not in page
    assert set(re.findall(r"/media/([^\s\"]+\.(?:avif|webp|jpg))", page)) <= set(new)
    article.refresh_from_db()
    assert article.body == body


@pytest.mark.django_db
def test_moving_the_focal_point_remakes_only_the_crops_and_leaves_no_stray_copies(media_root, django_capture_on_commit_callbacks):
    """The widths do not depend on the focal point: their files stay, the crops are new, the old crops go."""
    image = create(picture((2000, 1000)), name="wide.jpg")
    before = stored_files(media_root)
    widths = image.renditions["sizes"]
    image.focal_x = 10
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_renditions(image)
    assert image.renditions["sizes"] == widths
    after = stored_files(media_root)
    assert len(after) == len(before)
    assert image.renditions["social"] in after and image.renditions["thumb"] in after
