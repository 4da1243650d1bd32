"""The documented backup (docs/import-export.md, "Backups") covers the media files too: after a
restore of the database and of MEDIA_ROOT, an article with images renders with every picture."""

import io
import re
import shutil
import tarfile

import pytest
from django.core.management import call_command
from django.db import connection

from articles.media import services
from articles.models import Article
from tests.media_files import picture, upload
from tests.test_backup import empty_database

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_content_type_cache")]


def test_an_article_with_images_renders_after_a_restore(client, make, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    lead = services.create_image(upload(picture((1400, 800)), "lead.jpg"), alt_text="A lymph node diagram")
    figure = services.create_image(upload(picture((900, 600), "PNG"), "port.png"), alt_text="Where a port sits")
    article = make.article(slug="with-images", lead_image=lead, body=f'<p>Text.</p><figure data-image="{figure.pk}"></figure>')
    before = client.get(article.get_absolute_url()).text

    # Back up: the database (as documented) and the media folder (tar of MEDIA_ROOT).
    out = io.StringIO()
    call_command("dumpdata", natural_foreign=True, exclude=["contenttypes", "auth.permission", "sessions"], stdout=out)
    (tmp_path / "backup.json").write_text(out.getvalue(), encoding="utf-8")
    with tarfile.open(tmp_path / "media.tar.gz", "w:gz") as archive:
        archive.add(settings.MEDIA_ROOT, arcname=".")

    # Lose both.
    empty_database()
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Article.objects.exists()

    # Restore both.
    with tarfile.open(tmp_path / "media.tar.gz") as archive:
        archive.extractall(settings.MEDIA_ROOT, filter="data")
    if connection.vendor == "postgresql":  # as in a restore's own transaction (empty_database made them immediate)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    call_command("loaddata", str(tmp_path / "backup.json"), verbosity=0)

    after = client.get(article.get_absolute_url()).text
    assert after.count("<picture>") == before.count("<picture>") == 2
    urls = set(re.findall(r'(/media/[^" ,]+)', after))
    assert urls and all((tmp_path / "media" / url.removeprefix("/media/")).is_file() for url in urls)
