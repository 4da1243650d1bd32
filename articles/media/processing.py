"""Reading an uploaded picture safely and making its renditions.

``clean_upload`` decides what a file is from its bytes (never its name), refuses what is too large
in bytes or pixels before decoding it, decodes it fully (a truncated or corrupt file fails here),
applies the camera's orientation to the pixels and re-encodes it without EXIF, GPS, XMP, IPTC or
comments. ``make_renditions`` makes the sized copies with django-imagekit (pilkit's processors,
imagekit's generated names and storage) once, when the image is uploaded or its focal point
changes; pages then only name them (``Image.renditions``), never make them.

The 24-megapixel original is decoded once and scaled once, to the smallest copy every rendition
can be made from (``working_size``); each width is resized once and encoded in every format, and
the smaller widths, the social crop and the thumbnail come from that copy, not from the original.
"""

import dataclasses
import io
import re
import uuid

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils import timezone
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFill, ResizeToFit
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError, features
from pilkit.utils import img_to_fobj, suggest_extension

# What the library accepts, by Pillow's name for the format the bytes turned out to be.
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
if features.check("avif"):
    ACCEPTED["AVIF"] = "avif"
ACCEPTED_LABEL = ", ".join(name for name in ACCEPTED)

# Rendition widths for srcset; an image narrower than one of them gets its own width instead.
WIDTHS = (320, 640, 960, 1280)
# The modern formats, best first, then the fallback (JPEG, or PNG for a picture with transparency).
MODERN_FORMATS = ("AVIF", "WEBP") if features.check("avif") else ("WEBP",)
# Encoder settings, chosen by size and time measured on photographs (docs/media.md): WebP's method 2
# is a third of method 3's time for files a few percent larger; AVIF's speed 8 is kept (9 halves
# the time but loses detail for 6-12 % larger files).
OPTIONS = {
    "AVIF": {"quality": 55, "speed": 8},
    "WEBP": {"quality": 80, "method": 2},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
}
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}
SOCIAL_SIZE = (1200, 630)  # og:image and twitter:image (summary_large_image)
THUMB_SIZE = (160, 160)    # the media library's square thumbnails
# Scaling the original down: a box filter (Image.reduce) to at least this many times the target,
# then Lanczos; indistinguishable from Lanczos alone (over 50 dB apart) at a third of the time.
REDUCING_GAP = 1.5


class UploadRefused(ValueError):
    """The file is not an image the library can take; the message says why, for the uploader."""


@dataclasses.dataclass
class CleanImage:
    content: ContentFile      # the re-encoded file, under its generated name
    format: str
    width: int
    height: int
    working: PILImage.Image   # the smallest copy every rendition can be made from (working_size)


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
    # A phone's JPEG with a second picture after the first (MPF: a preview, a depth map) is read
    # by Pillow as "MPO": it is a JPEG, and only its first picture is kept.
    kind = "JPEG" if picture.format == "MPO" else picture.format
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
    if kind == "JPEG" and picture.getexif().get(ORIENTATION, 1) == 1:
        # Already upright: the camera's own compressed picture is kept, its metadata segments cut out
        # (no second lossy encoding; a 24-megapixel encode saved).
        upload.seek(0)
        stripped = strip_jpeg_metadata(upload.read())
        if stripped is not None:
            return CleanImage(ContentFile(stripped, name=_generated_name(kind)), kind, picture.width, picture.height,
                              working_copy(picture))
    return _re_encode(picture, kind, animated)


ORIENTATION = 0x0112  # the EXIF tag (Pillow's getexif() also reads it from XMP)
# JPEG segments kept: the picture's own (tables, frame, scans, restart interval) and, of the
# application segments, only colour: the ICC profile and Adobe's colour transform (CMYK files).
_APP_KEPT = {0xE2: b"ICC_PROFILE\0", 0xEE: b"Adobe"}
# In a scan's entropy-coded data, 0xFF is followed by 0x00 (a stuffed byte), a restart marker or a
# fill byte; anything else is the next segment's marker.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def strip_jpeg_metadata(data):
    """``data``, a JPEG Pillow has decoded in full, without EXIF (camera, GPS, thumbnail), XMP,
    IPTC, comments, JFIF thumbnails, MPF images or anything after its end; or None if its structure
    is not the plain one read here (the caller then re-encodes it)."""
    if data[:2] != b"\xff\xd8":
        return None
    out, i, n = [b"\xff\xd8"], 2, len(data)
    while i + 1 < n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # a fill byte before a marker
            i += 1
            continue
        if marker == 0xD9:  # end of image: what follows (other pictures, appended files) is dropped
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(data[i:i + 2])
            i += 2
            continue
        if i + 4 > n:
            return None
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if end > n or end < i + 4:
            return None
        payload = data[i + 4:end]
        if marker == 0xDA:  # start of scan: its header, then entropy-coded data up to the next marker
            found = _NEXT_MARKER.search(data, end)
            if found is None:
                return None
            out.append(data[i:found.start()])
            i = found.start()
            continue
        if marker == 0xE0 and payload[:5] == b"JFIF\0" and len(payload) >= 14:
            out.append(b"\xff\xe0\x00\x10" + payload[:12] + b"\x00\x00")  # JFIF without its thumbnail
        elif 0xE0 <= marker <= 0xEF or marker == 0xFE:  # application segments and comments
            if payload.startswith(_APP_KEPT.get(marker, b"\0never")):
                out.append(data[i:end])
        else:
            out.append(data[i:end])
        i = end
    return None


def _generated_name(kind):
    return f"images/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ACCEPTED[kind]}"


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
    if animated:
        upright.seek(0)
    return CleanImage(ContentFile(out.getvalue(), name=_generated_name(kind)), kind, upright.width, upright.height, working_copy(upright))


def working_size(width, height):
    """The size of the smallest copy of a ``width`` × ``height`` picture that every rendition can be
    made from without enlarging it: the largest srcset width, and enough to fill the share crop and
    the thumbnail."""
    scale = min(1.0, max(WIDTHS[-1] / width, SOCIAL_SIZE[0] / width, SOCIAL_SIZE[1] / height,
                         THUMB_SIZE[0] / width, THUMB_SIZE[1] / height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def working_copy(picture):
    """``picture`` (decoded) as RGB or RGBA at :func:`working_size`: a new image, ``picture`` is not changed."""
    size = working_size(*picture.size)
    if picture.mode not in {"RGB", "RGBA"}:
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")  # already a new image
        if size == picture.size:
            return picture
    elif size == picture.size:
        return picture.copy()
    return picture.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _has_alpha(picture):
    return picture.mode in {"RGBA", "LA", "PA"} or (picture.mode == "P" and "transparency" in picture.info)


# --- renditions -----------------------------------------------------------------------------------

class _Source(File):
    """imagekit's source for a rendition: the stored original's name (the rendition names follow
    it). Its pixels are never read from storage: each rendition is handed the picture it encodes."""

    def __init__(self, name):
        super().__init__(None, name=name)


class _Rendition(ImageSpec):
    """An imagekit spec whose ``picture`` is already processed: ``processors`` say what was done to
    it (they are part of the generated name), so one resized picture is encoded in every format
    without reading or resizing the original again."""

    def __init__(self, source, picture, processors, fmt):
        super().__init__(source)
        self.picture = picture
        self.processors = processors
        self.format = fmt
        self.options = OPTIONS.get(fmt, {})

    def generate(self):
        return img_to_fobj(self.picture, self.format, self.autoconvert, **self.options)


def rendition_name(spec):
    """A rendition's stored name, imagekit's namer (``IMAGEKIT_SPEC_CACHEFILE_NAMER``):
    ``r/3f/0c2d…e9.avif``, the first 24 hexadecimal digits (96 bits) of the hash imagekit makes of
    the original's name, the processing, the format and the encoder settings (``get_hash()``), the
    first two a folder (256 of them, so none holds every file).

    Short because a page names 13 renditions a figure: imagekit's default name (the original's
    path as a folder, then all 32 digits) made addresses of 104 characters, more than half of what
    11 pictures added to a page's HTML (docs/media.md). The same picture made again gets the same
    name, as before. Renditions made under the old names keep them (``Image.renditions`` holds the
    names, bodies hold only image ids); ``regenerate_renditions`` renames them by making them again."""
    digest = spec.get_hash()[:24]
    extension = suggest_extension(getattr(spec.source, "name", "") or "", spec.format)
    return f"{settings.IMAGEKIT_CACHEFILE_DIR}/{digest[:2]}/{digest[2:]}{extension}"


def _generate(spec, keep_existing=False):
    """Make and store ``spec``'s file; its name. With ``keep_existing`` a file already stored under
    that name is kept: the name is a hash of the original's name, the processing and the encoder
    settings, so it is the same picture (storing it again would only leave a copy under another name)."""
    cached = ImageCacheFile(spec)
    if keep_existing and cached.storage.exists(cached.name):
        return cached.name
    cached.generate(force=True)
    return cached.name


def widths_for(width):
    """The srcset widths for a picture ``width`` wide: the standard ones below it, and its own
    width when it is narrower than the largest (no upscaling)."""
    chosen = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        chosen.append(width)
    return chosen or [width]


def stored_working_copy(image):
    """:func:`working_copy` of ``image``'s stored original, for remaking its renditions. The original
    was checked when it was uploaded, so a JPEG is decoded straight at about the working size
    (``draft``: libjpeg scales while decoding) instead of decoding all its pixels."""
    with image.file.open("rb") as stored:
        picture = PILImage.open(stored)
        if picture.format == "JPEG":
            picture.draft("RGB", working_size(*picture.size))
        picture.load()
    return working_copy(picture)


def make_renditions(image, working=None):
    """Make ``image``'s renditions in storage and return what ``Image.renditions`` keeps:
    ``{"sizes": {format: [[width, height, name], ...]}, "fallback": format, "social": name,
    "thumb": name}``. ``working`` is the upload's :func:`working_copy` when the caller has it;
    otherwise the stored original is read once, and renditions it already has in storage (the same
    name: the same picture) are kept.

    The largest width is resized from the working copy and the others from it; each width is
    resized once and encoded in every format."""
    remaking = working is None
    if remaking:
        working = stored_working_copy(image)
    fallback = "PNG" if working.mode == "RGBA" else "JPEG"
    formats = (*MODERN_FORMATS, fallback)
    source = _Source(image.file.name)
    anchor = (image.focal_x / 100, image.focal_y / 100)
    sizes = {fmt: [] for fmt in formats}
    made = []  # (width, picture), largest first
    for width in sorted(widths_for(image.width), reverse=True):
        height = max(1, round(image.height * width / image.width))
        fit = ResizeToFit(width, height, upscale=False)
        sized = fit.process(made[0][1] if made else working)
        made.append((width, sized))
        for fmt in formats:
            sizes[fmt].append([sized.width, sized.height, _generate(_Rendition(source, sized, [fit], fmt), remaking)])
    for rows in sizes.values():
        rows.reverse()
    social_fill = ResizeToFill(*SOCIAL_SIZE, anchor=anchor)
    social = _generate(_Rendition(source, social_fill.process(working), [social_fill], "JPEG"), remaking)
    # The thumbnail from the smallest width that still fills it (not from the working copy).
    thumb_from = next((picture for _width, picture in reversed(made)
                       if picture.width >= THUMB_SIZE[0] and picture.height >= THUMB_SIZE[1]), working)
    thumb_fill = ResizeToFill(*THUMB_SIZE, anchor=anchor)
    thumb = _generate(_Rendition(source, thumb_fill.process(thumb_from), [thumb_fill], "WEBP"), remaking)
    return {"sizes": sizes, "fallback": fallback, "social": social, "thumb": thumb}


def rendition_names(renditions):
    """Every stored name in an ``Image.renditions`` value (to delete them with the image)."""
    names = [row[2] for rows in renditions.get("sizes", {}).values() for row in rows]
    names += [renditions[key] for key in ("social", "thumb") if renditions.get(key)]
    return names
