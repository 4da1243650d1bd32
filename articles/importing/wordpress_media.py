"""WordPress attachments into the media library (``import_wordpress --uploads DIR``).

``DIR`` is a copy of the site's ``wp-content/uploads``. Each attachment in the export is matched to
its file by its path there (``_wp_attached_file``, else the part of ``wp:attachment_url`` after
``/uploads/``) and becomes a library Image (title, alt text from ``_wp_attachment_image_alt``,
caption from the excerpt, description from the content) through the library's own upload service,
so the same checks apply (type from content, size and pixel limits, metadata stripped). A second
run finds the images it made by their attachment id (``Image.source_key``). Attachments whose file
is missing or refused are listed; the posts still import.

Post bodies find their images through :meth:`UploadsLibrary.find`: WordPress's ``wp-image-<id>``
class first, then the file's path, with a resized copy's ``-300x200`` suffix taken off.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

from articles.media import processing, services
from articles.media.models import Image, alt_text_problem

from .wordpress import plain_text

_WP_IMAGE_CLASS = re.compile(r"""\bclass\s*=\s*["'][^"']*\bwp-image-(\d+)""", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_SCALED_SUFFIX = re.compile(r"-scaled(?=\.[A-Za-z0-9]+$)")


def uploads_path(url_or_path):
    """The path under ``uploads/`` that a URL or stored path names ('' when it names none)."""
    path = unquote(urlsplit(url_or_path).path if "://" in url_or_path else url_or_path)
    if "/uploads/" in path:
        path = path.split("/uploads/", 1)[1]
    return path.lstrip("/")


def _original(path):
    """``2023/02/walk-300x200.jpg`` -> ``2023/02/walk.jpg`` (WordPress's resized and -scaled copies)."""
    return _SCALED_SUFFIX.sub("", _SIZE_SUFFIX.sub("", path))


class UploadsLibrary:
    """The attachments of one export, imported from ``root`` (a copy of wp-content/uploads)."""

    def __init__(self, root, site):
        self.root = Path(root).resolve()
        self.site = site
        self.by_id = {}  # attachment id -> Image
        self.by_path = {}  # path under uploads (lower case) -> Image
        self.created = 0
        self.reused = 0
        self.missing = []  # "attachment 1302 “Walking”: 2023/02/walking.jpg"
        self.refused = []  # ... with the library's reason
        self.written = []  # storage names written by this run, removed if the run is rolled back

    def add(self, post):
        """Import one attachment (a ``WPPost`` of type attachment) unless it is already in the library."""
        try:
            post_id = int(post.post_id)
        except ValueError:
            return
        relative = post.attached_file or uploads_path(post.attachment_url)
        label = f"attachment {post_id} “{post.title or '(no title)'}”"
        key = f"wordpress:{self.site}:{post_id}"
        image = Image.objects.filter(source_key=key).first()
        if image is not None:
            self.reused += 1
        else:
            path = (self.root / relative).resolve() if relative else None
            if path is None or not path.is_relative_to(self.root) or not path.is_file():
                self.missing.append(f"{label}: {relative or '(no file named)'}")
                return
            if path.suffix.lower() not in {f".{ext}" for ext in (*processing.ACCEPTED.values(), "jpeg")}:
                self.refused.append(f"{label}: {relative}: not a picture the library takes")
                return
            image = self._create(post, path, key, label, relative)
            if image is None:
                return
        self.by_id[post_id] = image
        if relative:
            self.by_path[_original(relative).lower()] = image

    def _create(self, post, path, key, label, relative):
        alt = post.image_alt[:250]
        if alt_text_problem(alt, relative):
            alt = ""  # a file name is no description: listed as missing alt text instead
        fields = {
            "title": (post.title or Path(relative).stem)[:200],
            "alt_text": alt,
            "caption": plain_text(post.excerpt),
            "description": plain_text(post.content),
            "source_url": post.attachment_url[:500] if post.attachment_url.startswith(("http://", "https://")) else "",
            "licence": Image.Licence.OTHER,
            "licence_other": f"Imported from WordPress ({self.site or 'site'}): check the licence",
            "source_key": key,
        }
        try:
            with path.open("rb") as handle:
                image = services.create_image(File(handle, name=path.name), **fields)
        except ValidationError as error:
            self.refused.append(f"{label}: {relative}: {' '.join(error.messages)}")
            return None
        self.created += 1
        self.written += [image.file.name, *processing.rendition_names(image.renditions)]
        return image

    def find(self, img_tag):
        """The library image an ``<img>`` tag shows, or None."""
        match = _WP_IMAGE_CLASS.search(img_tag)
        if match and int(match.group(1)) in self.by_id:
            return self.by_id[int(match.group(1))]
        src = _SRC.search(img_tag)
        if src:
            return self.by_path.get(_original(uploads_path(src.group(1))).lower())
        return None

    def featured(self, post):
        """The post's featured image (``_thumbnail_id``), if it was imported."""
        try:
            return self.by_id.get(int(post.thumbnail_id)) if post.thumbnail_id else None
        except ValueError:
            return None

    def discard(self):
        """Remove the files this run wrote: for a dry run or a file rolled back, whose records are gone."""
        for name in self.written:
            try:
                default_storage.delete(name)
            except OSError:
                pass
        self.written = []


