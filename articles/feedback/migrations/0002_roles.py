"""Editors triage reader reports; medical reviewers may read them (they hear of medical ones)."""

from django.db import migrations

ROLES = {
    "Editor": ["view_feedback", "change_feedback"],
    "Medical reviewer": ["view_feedback"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="feedback", model="feedback")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename,
                defaults={"name": f"Can {codename.split('_')[0]} reader report"},
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="feedback").delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("articles", "0004_issue3_roles"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
