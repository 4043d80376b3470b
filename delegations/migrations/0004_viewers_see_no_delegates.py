"""Viewers read the registrations dashboard only: the delegations' pages are lists of people, so not theirs.

A delegation's page lists its members' names and addresses, its printable list and the host's list name them,
and the credentials are letters naming them; a Viewer sees no registration's name anywhere else.
"""

from django.db import migrations

TAKEN_FROM_VIEWERS = ["view_entity", "view_delegation", "view_member"]


def take(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="delegations", codename__in=TAKEN_FROM_VIEWERS)
    for group in Group.objects.filter(name="Viewers"):
        group.permissions.remove(*permissions)


def give_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="delegations", codename__in=TAKEN_FROM_VIEWERS)
    for group in Group.objects.filter(name="Viewers"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("delegations", "0003_focal_points_named_by_superusers")]

    operations = [migrations.RunPython(take, give_back)]
