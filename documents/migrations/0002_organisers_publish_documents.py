"""Organisers publish the list of participants and release the certificates; Viewers do neither."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_listofparticipants", "change_listofparticipants", "view_certificatepolicy", "add_certificatepolicy", "change_certificatepolicy"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("documents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label="documents", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_meeting_documents"),
        ("registration", "0004_organiser_and_viewer_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
