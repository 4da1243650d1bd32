"""The reference list's order from one index: each reference keeps a copy of its source's name."""

from django.db import migrations, models


def copy_source_names(apps, schema_editor):
    Reference = apps.get_model("references", "Reference")
    Source = apps.get_model("references", "Source")
    names = Source.objects.filter(pk=models.OuterRef("source_id")).values("name")
    Reference.objects.filter(source__isnull=False).update(source_name=models.Subquery(names))


class Migration(migrations.Migration):

    dependencies = [
        ('references', '0002_link_status_indexes'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='reference',
            options={'ordering': ['source_name', 'title'], 'verbose_name': 'reference', 'verbose_name_plural': 'references'},
        ),
        migrations.AddField(
            model_name='reference',
            name='source_name',
            field=models.CharField(blank=True, editable=False, max_length=200, null=True),
        ),
        migrations.RunPython(copy_source_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='reference',
            index=models.Index(models.F('source_name'), models.F('title'), models.OrderBy(models.F('id'), descending=True), name='reference_list_order_idx'),
        ),
    ]
