"""Organisers run their meeting: its settings, texts, agenda, concept note and reminders, and registrations they add.

Which meeting stays the team's question (`agenda.selectors.meetings_for_user`, asked by every admin page);
these are the kinds of row the group may touch there. The lists shared by all meetings (interpretation
languages, GCM objectives), users and groups are not among them: those stay a superuser's.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Deleting a meeting is left out: it takes every registration with it, a superuser's decision.
MEETING_ROWS = {
    "meeting": ("view", "add", "change"),
    **{
        model: ("view", "add", "change", "delete")
        for model in (
            "meetingtopic",
            "keydate",
            "agendaitem",
            "speaker",
            "imrfsession",
            "imrfsessionpoint",
            "roundtable",
            "notesection",
            "noteparagraph",
            "notefootnote",
            "notelink",
        )
    },
}
REGISTRATION_ROWS = {
    "reminder": ("view", "add", "change", "delete"),
    "registration": ("add",),
    "registrationevent": ("view",),
}
GRANTS = {"agenda": MEETING_ROWS, "registration": REGISTRATION_ROWS}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    for app_label, models in GRANTS.items():
        # As in 0004: on a fresh database the permissions do not exist yet when migrations run.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        yield from Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Organisers")
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("agenda", "0010_meeting_joining_link_moved"),
        ("registration", "0024_registration_events"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
