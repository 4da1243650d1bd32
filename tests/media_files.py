"""Picture files for the media tests, made the way their producers make them: a phone's JPEG with
EXIF (orientation, GPS), PNG, WebP, GIF, AVIF exports, and the hostile ones written byte by byte."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.ExifTags import GPS, Base


def picture(size=(800, 600), fmt="JPEG", color=(180, 90, 60), mode="RGB", **save):
    img = Image.new(mode, size, color if mode != "RGBA" else (*color, 128))
    img.paste((20, 40, 200) if mode == "RGB" else (20, 40, 200, 255), (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    img.save(out, fmt, **save)
    return out.getvalue()


def phone_jpeg(size=(800, 600)):
    """A phone camera's JPEG: stored sideways with orientation 6, a GPS position, make and model."""
    exif = Image.Exif()
    exif[Base.Make] = "Pixelphone"
    exif[Base.Model] = "7 Pro"
    exif[Base.Orientation] = 6  # rotate 90° clockwise to display
    gps = exif.get_ifd(0x8825)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    gps[GPS.GPSLongitudeRef] = "W"
    gps[GPS.GPSLongitude] = (0.0, 7.0, 0.0)
    return picture(size, "JPEG", exif=exif, comment=b"taken at 12 Home Street")


def upright_camera_jpeg(size=(800, 600), progressive=False):
    """A camera's JPEG already upright (orientation 1) with everything cameras and editors add: EXIF
    with GPS, XMP, a comment, IPTC (Photoshop's APP13), an ICC profile, and a second picture after
    the end of the first (as MPF phones append a preview). Returns (bytes, ICC profile)."""
    from PIL import ImageCms

    exif = Image.Exif()
    exif[Base.Make] = "Pixelphone"
    exif[Base.Orientation] = 1
    exif.get_ifd(0x8825)[GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description photoshop:City="Home Street"/></x:xmpmeta>'
    img = Image.radial_gradient("L").resize(size).convert("RGB")
    img.paste((20, 40, 200), (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif, xmp=xmp, comment=b"taken at 12 Home Street", icc_profile=icc,
             progressive=progressive)
    data = out.getvalue()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x5a\x00\x0bHome Street"
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    second = picture((64, 48))  # after the first picture's end marker
    return data[:2] + app13 + data[2:] + second.replace(b"\xff\xd9", b"SECOND PICTURE\xff\xd9"), icc


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_only(width, height):
    """A PNG that claims ``width`` × ``height`` with a token of pixel data: what a decompression bomb
    looks like before anyone decodes it (a real 50,000² PNG compresses to a few megabytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
