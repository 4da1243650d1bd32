"""The editorial roles' rights in the media library: writers and editors upload and describe
images, editors also delete unused ones, reviewers see them."""

from django.db import migrations

ROLES = {
    "Writer": ["add_image", "change_image", "view_image", "add_imagetag", "view_imagetag"],
    "Editor": ["add_image", "change_image", "view_image", "delete_image", "add_imagetag", "view_imagetag",
               "change_imagetag"],
    "Medical reviewer": ["view_image"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for codename in codenames:
            model = codename.split("_", 1)[1]
            content_type, _ = ContentType.objects.get_or_create(app_label="media", model=model)
            verbose = apps.get_model("media", model)._meta.verbose_name
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename,
                defaults={"name": f"Can {codename.split('_')[0]} {verbose}"},
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="media"))


class Migration(migrations.Migration):
    dependencies = [("media", "0001_initial"), ("articles", "0004_issue3_roles")]
    operations = [migrations.RunPython(grant, revoke)]
