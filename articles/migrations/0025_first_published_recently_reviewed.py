from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def record_first_publish(apps, schema_editor):
    """Articles live now were first published no later than their publish time: keep it, so an
    unpublish and publish again does not move the date readers see."""
    Article = apps.get_model("articles", "Article")
    live = Article.objects.using(schema_editor.connection.alias).filter(status="published", publish_at__lte=timezone.now())
    live.update(first_published_at=F("publish_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0024_editor_autosave"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="first_published_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="first published",
                help_text="When it was first published; kept when it is unpublished and published again.",
            ),
        ),
        migrations.RunPython(record_first_publish, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published")), fields=["-last_reviewed_on", "-id"],
                include=("publish_at",), name="article_recently_reviewed_idx",
            ),
        ),
    ]
