"""Background tasks of the media room (docs/background-tasks.md, docs/media.md).

An upload makes its renditions in its own request (under a second for 24 MP, docs/media.md), so the
writer can insert the picture at once. Remaking them later (the focal point moved in the admin,
``regenerate_renditions --enqueue`` after a change of widths or formats, or a storage move) is a
task: the pages keep showing the current renditions until the new ones are recorded, and a
failure shows in the admin's task results, where it can be run again.
"""

from django.db import transaction
from django.tasks import task

from . import processing, services
from .models import Image


@task
def remake_renditions(image_id):
    """Make image ``image_id``'s renditions again; an image deleted meanwhile is skipped.

    A missing or unreadable original fails the task (visibly, for a retry once the file is back).
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return "deleted meanwhile"
    with transaction.atomic():
        services.refresh_renditions(image)
    return f"made again: {len(processing.rendition_names(image.renditions))} files"


def remake_later(image_ids):
    """Queue :func:`remake_renditions` for each of ``image_ids`` once the current transaction commits."""
    ids = list(image_ids)
    transaction.on_commit(lambda: [remake_renditions.enqueue(image_id) for image_id in ids])
    return len(ids)
