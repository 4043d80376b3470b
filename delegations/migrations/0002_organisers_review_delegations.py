"""Organisers name focal points and review delegations. Viewers get nothing here: they see the dashboard only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Organisers": [
        *(f"{action}_{model}" for action in ("view", "add", "change", "delete") for model in ("entity", "focalpoint", "membercap")),
        "view_delegation",
        "change_delegation",
        "view_member",
        "review_delegations",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("delegations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.add(*Permission.objects.filter(content_type__app_label="delegations", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0001_delegations"),
        ("registration", "0004_organiser_and_viewer_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
