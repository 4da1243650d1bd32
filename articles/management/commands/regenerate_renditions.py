"""Make every library image's renditions again (after a change of widths, formats or quality in
articles/media/processing.py, or a move to other storage). Bodies refer to images by id, so
nothing else changes; old rendition files are removed once the new ones are recorded. With
``--enqueue`` each image is a task for the worker (``articles.media.tasks.remake_renditions``)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.media import services, tasks
from articles.media.models import Image


class Command(BaseCommand):
    help = "Make the renditions of every library image (or of the ids given) again."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID")
        parser.add_argument("--enqueue", action="store_true",
                            help="queue one task per image for the task worker instead of making them here")

    def handle(self, *args, ids, enqueue=False, **options):
        images = Image.objects.order_by("pk")
        if ids:
            images = images.filter(pk__in=ids)
        if enqueue:
            with transaction.atomic():
                queued = tasks.remake_later(images.values_list("pk", flat=True))
            self.stdout.write(f"Queued {queued} image(s) for the task worker (manage.py db_worker).")
            return
        done = failed = 0
        for image in images.iterator(chunk_size=100):
            try:
                with transaction.atomic():
                    services.refresh_renditions(image)
                done += 1
            except (OSError, ValueError) as error:  # a missing or unreadable original: named, the rest go on
                failed += 1
                self.stderr.write(f"image {image.pk} “{image}”: {error}")
        self.stdout.write(f"Renditions made again for {done} image(s); {failed} failed.")
