"""Each article's accessibility findings counted from its body, for the article list's filter."""

from django.conf import settings
from django.db import migrations, models

import articles.content.fields
from articles.content.accessibility import refresh_counts


def count_findings(apps, schema_editor):
    refresh_counts(apps.get_model("articles", "Article").objects.using(schema_editor.connection.alias))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0025_first_published_recently_reviewed'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='accessibility_blockers',
            field=articles.content.fields.AccessibilityCountField(default=0, editable=False, help_text='Accessibility problems in the body that block publishing.', severity='blocker', source='body'),
        ),
        migrations.AddField(
            model_name='article',
            name='accessibility_warnings',
            field=articles.content.fields.AccessibilityCountField(default=0, editable=False, help_text='Accessibility problems in the body worth a look.', severity='warning', source='body'),
        ),
        migrations.RunPython(count_findings, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('accessibility_blockers__gt', 0)), fields=['-publish_at', '-id'], name='article_a11y_blockers_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('accessibility_warnings__gt', 0)), fields=['-publish_at', '-id'], name='article_a11y_warnings_idx'),
        ),
    ]
