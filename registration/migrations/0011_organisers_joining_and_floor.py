"""Organisers edit joining details and decide requests to take the floor; the dashboard's viewers do neither."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_joiningdetails",
    "add_joiningdetails",
    "change_joiningdetails",
    "view_floordecision",
    "change_floordecision",
]


def grant(apps, schema_editor):
    # As in 0004: on a fresh database the new models' permissions do not exist yet here.
    app_config = apps.get_app_config("registration")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Organisers")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="registration", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="registration", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("registration", "0010_joining_details"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
