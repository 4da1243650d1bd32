"""Reading an uploaded picture safely and making its renditions.

``clean_upload`` decides what a file is from its bytes (never its name), refuses what is too large
in bytes or pixels before decoding it, decodes it fully (a truncated or corrupt file fails here),
applies the camera's orientation to the pixels and re-encodes it without EXIF, GPS, XMP, IPTC or
comments. ``make_renditions`` makes the sized copies with django-imagekit (pilkit's processors,
imagekit's generated names and storage) once, when the image is uploaded or its focal point
changes; pages then only name them (``Image.renditions``), never make them.
"""

import dataclasses
import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils import timezone
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFill, ResizeToFit
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError, features

# What the library accepts, by Pillow's name for the format the bytes turned out to be.
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
if features.check("avif"):
    ACCEPTED["AVIF"] = "avif"
ACCEPTED_LABEL = ", ".join(name for name in ACCEPTED)

# Rendition widths for srcset; an image narrower than one of them gets its own width instead.
WIDTHS = (320, 640, 960, 1280)
# The modern formats, best first, then the fallback (JPEG, or PNG for a picture with transparency).
MODERN_FORMATS = ("AVIF", "WEBP") if features.check("avif") else ("WEBP",)
OPTIONS = {
    "AVIF": {"quality": 55, "speed": 8},
    "WEBP": {"quality": 80, "method": 3},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
}
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}
SOCIAL_SIZE = (1200, 630)  # og:image and twitter:image (summary_large_image)
THUMB_SIZE = (160, 160)    # the media library's square thumbnails
# Renditions are made from a copy this wide at most: decoding a 24-megapixel original once.
WORKING_WIDTH = max(WIDTHS[-1], SOCIAL_SIZE[0]) * 2


class UploadRefused(ValueError):
    """The file is not an image the library can take; the message says why, for the uploader."""


@dataclasses.dataclass
class CleanImage:
    content: ContentFile      # the re-encoded file, under its generated name
    format: str
    width: int
    height: int
    working: PILImage.Image   # a smaller copy for making renditions


def max_bytes():
    return settings.MEDIA_MAX_UPLOAD_BYTES


def _megabytes(n):
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"


def check_dimensions(width, height):
    """Refuse sizes that would exhaust memory (a decompression bomb) or make no sensible picture."""
    max_side, max_pixels = settings.MEDIA_MAX_SIDE, settings.MEDIA_MAX_PIXELS
    if width < 1 or height < 1:
        raise UploadRefused("The image has no pixels.")
    if width > max_side or height > max_side:
        raise UploadRefused(f"The image is {width:,} × {height:,} pixels: each side may be at most {max_side:,}.")
    if width * height > max_pixels:
        raise UploadRefused(
            f"The image is {width * height / 1e6:.0f} megapixels: at most {max_pixels / 1e6:.0f} are accepted. "
            "Export it smaller."
        )


def clean_upload(upload):
    """The upload (a Django ``File``) as a :class:`CleanImage`, or ``UploadRefused`` saying why."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise UploadRefused("The file is empty.")
    if size > max_bytes():
        raise UploadRefused(f"The file is {_megabytes(size)}: at most {_megabytes(max_bytes())} is accepted.")
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<"):
        raise UploadRefused(f"SVG and other text files are not accepted: upload {ACCEPTED_LABEL}.")
    try:
        # Only the header is read here: the size check comes before any pixel is decoded. Pillow's
        # own bomb guard stays as a second line (it raises well above our limit).
        picture = PILImage.open(upload, formats=list(ACCEPTED))
    except UnidentifiedImageError:
        raise UploadRefused(f"This is not an image the library accepts ({ACCEPTED_LABEL}).") from None
    except PILImage.DecompressionBombError:
        raise UploadRefused(
            f"The image has far too many pixels: at most {settings.MEDIA_MAX_PIXELS / 1e6:.0f} megapixels, "
            f"and at most {settings.MEDIA_MAX_SIDE:,} on each side, are accepted."
        ) from None
    except (OSError, ValueError, SyntaxError) as error:
        raise UploadRefused(f"The image could not be read ({error}).") from None
    kind = picture.format
    check_dimensions(*picture.size)
    animated = kind in {"GIF", "WEBP", "PNG", "AVIF"} and getattr(picture, "n_frames", 1) > 1
    try:
        picture.load()
        if animated:
            for frame in range(1, picture.n_frames):  # every frame decodes, so a truncated one fails now
                picture.seek(frame)
                picture.load()
            picture.seek(0)
    except (OSError, ValueError, SyntaxError, EOFError, PILImage.DecompressionBombError) as error:
        raise UploadRefused(f"The image is truncated or corrupt and could not be read ({error}).") from None
    return _re_encode(picture, kind, animated)


def _re_encode(picture, kind, animated):
    """The picture upright, re-encoded without metadata, under a generated name. Works on the
    decoded picture in place (a 24-megapixel photo is 72 MB of pixels: no second copy)."""
    info = dict(picture.info)
    icc = info.get("icc_profile")  # colour, not metadata: kept so colours stay right
    if not animated:
        ImageOps.exif_transpose(picture, in_place=True)  # turns the pixels and drops the orientation tag
    upright = picture
    check_dimensions(*upright.size)
    if kind == "JPEG" and upright.mode not in {"RGB", "L", "CMYK"}:
        upright = upright.convert("RGB")
    # Only what is named here is written: no exif=, xmp=, comment= or text chunks.
    upright.info = {k: v for k, v in info.items() if k in {"transparency", "duration", "loop", "background"}}
    save = {"format": kind}
    if kind == "JPEG":
        save.update(quality=90)
    elif kind == "WEBP":
        save.update(lossless=info.get("lossless", False), quality=90)
    elif kind == "AVIF":
        save.update(quality=75, speed=8)
    if icc:
        save["icc_profile"] = icc
    if animated:
        save.update(save_all=True, loop=info.get("loop", 0), duration=info.get("duration", 100))
    out = io.BytesIO()
    upright.save(out, **save)
    now = timezone.now()
    name = f"images/{now:%Y/%m}/{uuid.uuid4().hex}.{ACCEPTED[kind]}"
    if animated:
        upright.seek(0)
    working = upright if upright.mode in {"RGB", "RGBA"} else upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    if working.width > WORKING_WIDTH:
        # reduce() first (a fast box filter to about twice the size), then a good filter for the rest
        factor = working.width // (WORKING_WIDTH * 2)
        if factor >= 2:
            working = working.reduce(factor)
        working = working.resize((WORKING_WIDTH, max(1, round(working.height * WORKING_WIDTH / working.width))),
                                 PILImage.Resampling.LANCZOS)
    elif working is upright:
        working = upright.copy()
    return CleanImage(ContentFile(out.getvalue(), name=name), kind, upright.width, upright.height, working)


def _has_alpha(picture):
    return picture.mode in {"RGBA", "LA", "PA"} or (picture.mode == "P" and "transparency" in picture.info)


# --- renditions -----------------------------------------------------------------------------------

class _Working(File):
    """The working copy as imagekit's source: named after the stored original (so the rendition
    names follow it), its pixels a lossless in-memory copy."""

    def __init__(self, picture, name):
        buffer = io.BytesIO()
        picture.save(buffer, format="TIFF")  # uncompressed: quick to write and to read back
        buffer.seek(0)
        super().__init__(buffer, name=name)


def _spec(source, processors, fmt):
    spec = ImageSpec(source)
    spec.processors = processors
    spec.format = fmt
    spec.options = OPTIONS.get(fmt, {})
    return spec


def _generate(spec):
    cached = ImageCacheFile(spec)
    cached.generate(force=True)
    return cached.name


def widths_for(width):
    """The srcset widths for a picture ``width`` wide: the standard ones below it, and its own
    width when it is narrower than the largest (no upscaling)."""
    chosen = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        chosen.append(width)
    return chosen or [width]


def make_renditions(image, working=None):
    """Make ``image``'s renditions in storage and return what ``Image.renditions`` keeps:
    ``{"sizes": {format: [[width, height, name], ...]}, "fallback": format, "social": name,
    "thumb": name}``. ``working`` is the decoded picture when the caller has it (an upload);
    otherwise the stored original is read once."""
    if working is None:
        with image.file.open("rb") as stored:
            picture = PILImage.open(stored)
            picture.load()
        working = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
        if working.width > WORKING_WIDTH:
            working.thumbnail((WORKING_WIDTH, WORKING_WIDTH * 4), PILImage.Resampling.LANCZOS, reducing_gap=2.0)
    fallback = "PNG" if working.mode == "RGBA" else "JPEG"
    source = _Working(working, image.file.name)
    anchor = (image.focal_x / 100, image.focal_y / 100)
    sizes = {}
    for fmt in (*MODERN_FORMATS, fallback):
        rows = []
        for width in widths_for(image.width):
            height = max(1, round(image.height * width / image.width))
            rows.append([width, height, _generate(_spec(source, [ResizeToFit(width, height, upscale=False)], fmt))])
        sizes[fmt] = rows
    social = _generate(_spec(source, [ResizeToFill(*SOCIAL_SIZE, anchor=anchor)], "JPEG"))
    thumb = _generate(_spec(source, [ResizeToFill(*THUMB_SIZE, anchor=anchor)], "WEBP"))
    return {"sizes": sizes, "fallback": fallback, "social": social, "thumb": thumb}


def rendition_names(renditions):
    """Every stored name in an ``Image.renditions`` value (to delete them with the image)."""
    names = [row[2] for rows in renditions.get("sizes", {}).values() for row in rows]
    names += [renditions[key] for key in ("social", "thumb") if renditions.get(key)]
    return names
