"""Organisers write, test and send messages to their meetings' registrants; Viewers neither read nor send them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_mailing", "add_mailing", "change_mailing", "delete_mailing"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("mailings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label="mailings", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0001_messages_to_registrants"),
        ("registration", "0004_organiser_and_viewer_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
