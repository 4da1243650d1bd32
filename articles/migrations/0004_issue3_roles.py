"""The editorial roles as groups, with their permissions; a first revision of existing articles."""

from django.db import migrations
from django.utils import timezone

CUSTOM = {
    "edit_any_article": "Can edit any article in any state",
    "submit_article": "Can submit an article for medical review",
    "signoff_article": "Can sign off an article or send it back",
    "publish_article": "Can publish, schedule and unpublish articles",
    "archive_article": "Can archive and restore articles",
}

WRITER = [
    "articles.add_article", "articles.change_article", "articles.view_article", "articles.submit_article",
    "articles.view_articleevent",
    "articles.view_medicalreview", "articles.view_reviewer",
    "articles.view_series", "articles.add_seriesentry", "articles.change_seriesentry",
    "articles.delete_seriesentry", "articles.view_seriesentry",
    "articles.add_relatedlink", "articles.change_relatedlink", "articles.delete_relatedlink", "articles.view_relatedlink",
    "references.add_citation", "references.change_citation", "references.delete_citation", "references.view_citation",
    "references.add_reference", "references.change_reference", "references.view_reference",
    "references.add_source", "references.view_source",
    "taggit.add_tag", "taggit.view_tag",
]
ROLES = {
    "Writer": WRITER,
    "Medical reviewer": [
        "articles.view_article", "articles.signoff_article", "articles.view_medicalreview", "articles.view_reviewer",
        "articles.view_series", "articles.view_seriesentry", "articles.view_relatedlink",
        "references.view_citation", "references.view_reference", "references.view_source", "articles.view_articleevent",
    ],
    "Editor": [
        *WRITER,
        "articles.edit_any_article", "articles.publish_article", "articles.archive_article", "articles.delete_article",
        "articles.add_series", "articles.change_series",
        "articles.view_articleevent", "articles.view_redirect", "articles.add_redirect",
        "articles.change_redirect", "articles.delete_redirect",
        "references.change_source",
    ],
}


def _permission(apps, label):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_label, codename = label.split(".")
    action, model = ("", "article") if codename in CUSTOM else codename.split("_", 1)
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    name = CUSTOM.get(codename) or f"Can {action} {apps.get_model(app_label, model)._meta.verbose_name}"
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, labels in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(_permission(apps, label) for label in labels))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def first_revisions(apps, schema_editor):
    """Give every existing article a first revision, so later ones have something to compare with."""
    Article = apps.get_model("articles", "Article")
    History = apps.get_model("articles", "HistoricalArticle")
    fields = [f.attname for f in History._meta.fields if f.attname in {g.attname for g in Article._meta.fields}]
    now = timezone.now()
    History.objects.bulk_create(
        History(
            **{name: getattr(article, name) for name in fields},
            history_date=now,
            history_type="+",
            history_change_reason="Revision history started",
            related={},
        )
        for article in Article.objects.exclude(pk__in=History.objects.values("id")).iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_issue3_workflow"),
        ("references", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]
