"""Editors manage the syndication API's partners: their keys, webhooks, deliveries and withdrawals.

Why editors, and not a role of its own: a partner republishes what editors publish, withdrawals
follow from their unpublishing and archiving, and they are the people a partner writes to about a
page. A separate role would be one more account for a small team to keep; a larger one can still
make a group with these permissions (docs/api.md). Partners and keys are not deleted by hand: a
partner is made inactive and a key revoked, so the usage record stays.
"""

from django.db import migrations

EDITOR = {
    "partner": ["add", "change", "view"],
    "apikey": ["add", "change", "view"],
    "webhook": ["add", "change", "delete", "view"],
    "delivery": ["view"],
    "withdrawal": ["view"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    editor = Group.objects.filter(name="Editor").first()
    if editor is None:
        return
    for model, actions in EDITOR.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="syndication", model=model)
        verbose = apps.get_model("syndication", model)._meta.verbose_name
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {verbose}"},
            )
            editor.permissions.add(permission)


def revoke(apps, schema_editor):
    editor = apps.get_model("auth", "Group").objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.remove(*editor.permissions.filter(content_type__app_label="syndication"))


class Migration(migrations.Migration):
    dependencies = [
        ("syndication", "0001_initial"),
        ("articles", "0004_issue3_roles"),  # makes the Editor group
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
