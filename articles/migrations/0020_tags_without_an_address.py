"""Give a slug to tags that have none, so each tag has a page at an address.

django-taggit makes a tag's slug from its name; a name with no letter or number ("???") gave an
empty slug, and links to that tag's page went to ``/tags//``. Such names are refused where people
type them now (``tag_name_problem``); tags made before keep their name and get ``tag-<id>``.
"""

from django.db import migrations


def give_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.filter(slug="").only("pk"):
        Tag.objects.filter(pk=tag.pk).update(slug=f"tag-{tag.pk}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0019_published_articles_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(give_slugs, migrations.RunPython.noop)]
