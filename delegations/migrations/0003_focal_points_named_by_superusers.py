"""States, organisations and their focal points are the whole site's, so only a superuser changes them.

A focal point sees and changes their State's delegation to every meeting, whichever team runs it: an
organiser who could name one (themselves, say) would reach other teams' meetings. The shared lists of the
site (interpretation languages, GCM objectives) are a superuser's for the same reason. Organisers and
Viewers still see them.
"""

from django.db import migrations

TAKEN_FROM_ORGANISERS = [
    f"{action}_{model}" for action in ("add", "change", "delete") for model in ("entity", "focalpoint")
]


def take(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="delegations", codename__in=TAKEN_FROM_ORGANISERS)
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.remove(*permissions)


def give_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="delegations", codename__in=TAKEN_FROM_ORGANISERS)
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("delegations", "0002_organisers_review_delegations")]

    operations = [migrations.RunPython(take, give_back)]
