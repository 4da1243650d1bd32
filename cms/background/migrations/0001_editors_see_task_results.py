"""Editors see the task results (a failed purge, a link check that did not run) and may run failed ones again."""

from django.db import migrations

PERMISSIONS = [("view_dbtaskresult", "Can view Task Result"), ("change_dbtaskresult", "Can change Task Result")]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    editor = Group.objects.filter(name="Editor").first()
    if editor is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="django_tasks_database", model="dbtaskresult")
    for codename, name in PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})
        editor.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.remove(*editor.permissions.filter(
            content_type__app_label="django_tasks_database", codename__in=[c for c, _ in PERMISSIONS]
        ))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_issue3_roles"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
