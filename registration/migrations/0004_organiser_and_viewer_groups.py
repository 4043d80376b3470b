"""Creates the Organisers and Viewers groups with the permissions their work needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISERS = "Organisers"
VIEWERS = "Viewers"
GROUP_PERMISSIONS = {
    ORGANISERS: [
        "view_registration",
        "change_registration",
        "view_dashboard",
        "export_registrations",
        "view_outgoingemail",
        "change_outgoingemail",
        "view_reminder",
    ],
    VIEWERS: ["view_dashboard"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after the last migration (post_migrate); on a
    # fresh database they do not exist yet here, so create this app's now.
    app_config = apps.get_app_config("registration")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="registration", codename__in=codenames)
        )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registration", "0003_outgoing_email_next_attempt_and_skipped"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
