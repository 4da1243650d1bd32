"""Make every library image's renditions again (after a change of widths, formats or quality in
articles/media/processing.py, or a move to other storage). Bodies refer to images by id, so
nothing else changes; old rendition files are removed once the new ones are recorded."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.media import services
from articles.media.models import Image


class Command(BaseCommand):
    help = "Make the renditions of every library image (or of the ids given) again."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID")

    def handle(self, *args, ids, **options):
        images = Image.objects.order_by("pk")
        if ids:
            images = images.filter(pk__in=ids)
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
