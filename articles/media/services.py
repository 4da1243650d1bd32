"""The library's writes: every path that adds, replaces or deletes an image goes through here
(the admin, the body editor's upload, the WordPress importer, ``load_demo``), so none can save a
record without its file, leave a file without its record, or delete an image that is shown.
"""

import logging
import os

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from . import processing
from .models import Image, ImageUse, body_image_ids

log = logging.getLogger(__name__)

class ImageInUse(ValidationError):
    """The image is shown somewhere; ``uses`` lists where, as text."""

    def __init__(self, image, uses):
        self.uses = uses
        names = "; ".join(uses[:10]) + (f" and {len(uses) - 10} more" if len(uses) > 10 else "")
        super().__init__(f"“{image}” is in use and was not deleted: {names}. Remove it there first.")


def create_image(upload, *, by=None, **fields):
    """A new library Image from ``upload`` (a Django ``File``) with ``fields`` (title, alt_text...).

    Raises ``ValidationError`` (the upload's problem under ``file``, the fields' under theirs) and
    then nothing is stored: no record, no file. The file and its renditions are written first; if
    the record then fails to save, they are removed again."""
    image = Image(uploaded_by=by, **fields)
    if not image.original_filename:
        image.original_filename = os.path.basename(getattr(upload, "name", "") or "")[:255]
    if not image.title:
        image.title = os.path.splitext(image.original_filename)[0].replace("_", " ").replace("-", " ").strip()[:200] or "Untitled image"
    image.full_clean(exclude=["file", "width", "height", "format", "file_size"])
    return save_with_file(image, read_upload(upload))


def read_upload(upload):
    """:func:`processing.clean_upload` with its refusal as a form's ``ValidationError`` on ``file``."""
    try:
        return processing.clean_upload(upload)
    except processing.UploadRefused as error:
        raise ValidationError({"file": str(error)}) from None


def save_with_file(image, clean):
    """Save ``image`` (new, or an existing one getting a new picture) with the cleaned upload
    ``clean``: file and renditions first, then the record; if the record fails, the files written
    are removed. A replaced picture's old files are removed once the new record is committed, so
    every article showing the image shows the new picture, never a broken one."""
    old = [] if image.pk is None else [image.file.name, *processing.rendition_names(image.renditions)]
    written = _store(image, clean)
    try:
        with transaction.atomic():
            image.save()
    except Exception:
        _remove(written)
        raise
    if old:
        transaction.on_commit(lambda: _remove(old))
    return image


def replace_file(image, upload):
    """Give ``image`` a new picture from ``upload`` (see :func:`save_with_file`)."""
    clean = read_upload(upload)
    image.original_filename = os.path.basename(getattr(upload, "name", "") or "")[:255] or image.original_filename
    return save_with_file(image, clean)


def refresh_renditions(image):
    """Make ``image``'s renditions again (after its focal point moved, or for ``regenerate_renditions``)."""
    old = set(processing.rendition_names(image.renditions))
    image.renditions = processing.make_renditions(image)
    # A save, not update(): its signal tells the page cache and the edge that the pages showing the
    # image name new files (the old ones go when this commits); updated_at moves with it
    # (rendering.figure remembers figures by it).
    image.save(update_fields=["renditions", "updated_at"])
    stale = old - set(processing.rendition_names(image.renditions))
    transaction.on_commit(lambda: _remove(stale))


def uses_of(image):
    """Where ``image`` is shown, as text: "Lead image of “Lymphoedema”", "Photo of Dr Roe"."""
    uses = [
        f"{use.get_place_display()} of “{use.article}”"
        for use in ImageUse.objects.filter(image=image).select_related("article").order_by("article__title", "place")
    ]
    uses += [f"Photo of the reviewer {reviewer}" for reviewer in image.reviewer_photos.all()]
    return uses


def delete_image(image):
    """Delete ``image`` and its files, or raise :class:`ImageInUse` naming every use (nothing deleted)."""
    with transaction.atomic():
        uses = uses_of(image)
        if uses:
            raise ImageInUse(image, uses)
        names = [image.file.name, *processing.rendition_names(image.renditions)]
        image.delete()
        transaction.on_commit(lambda: _remove(names))


def record_uses(article_id, *, lead_image_id, body):
    """Keep ``ImageUse`` rows for an article: its lead image and the figures in its body. Called
    by the Article's save receiver (``articles.integrity``'s neighbour, ``articles.media_hooks``)."""
    wanted = set()
    if lead_image_id:
        wanted.add((lead_image_id, ImageUse.Place.LEAD))
    existing_ids = set(Image.objects.filter(pk__in=body_image_ids(body)).values_list("pk", flat=True))
    wanted |= {(pk, ImageUse.Place.BODY) for pk in existing_ids}
    have = set(ImageUse.objects.filter(article_id=article_id).values_list("image_id", "place"))
    if have == wanted:
        return
    ImageUse.objects.filter(article_id=article_id).exclude(
        pk__in=[u.pk for u in ImageUse.objects.filter(article_id=article_id) if (u.image_id, u.place) in wanted]
    ).delete()
    ImageUse.objects.bulk_create(
        [ImageUse(article_id=article_id, image_id=pk, place=place) for pk, place in wanted - have],
        ignore_conflicts=True,
    )


def _store(image, clean):
    """Write ``clean``'s file under its generated name, and its renditions; returns every name
    written, so a later failure can remove them. Removes what it wrote if a rendition fails."""
    stored = default_storage.save(clean.content.name, clean.content)
    image.file.name = stored
    image.width, image.height, image.format = clean.width, clean.height, clean.format
    image.file_size = clean.content.size
    try:
        image.renditions = processing.make_renditions(image, clean.working)
    except Exception:
        _remove([stored])
        raise
    return [stored, *processing.rendition_names(image.renditions)]


def _remove(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # storage unreachable: logged; the record is what readers see
            log.warning("Could not delete %s from storage", name, exc_info=True)
