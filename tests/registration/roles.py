"""Users as the roles data migration defines them (Organisers, Viewers), for the admin tests."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, Permission, User

from agenda.models import Meeting

ORGANISERS = "Organisers"
VIEWERS = "Viewers"


def user_create(
    *, username: str, group: str | None = None, is_staff: bool = True, permissions=(), teams=(), in_every_team=False
) -> User:
    """A user in `group` (made by the migration) with extra `permissions` as "app_label.codename".

    Rights are per meeting (issue 12): the user works on the meetings in `teams`, or, with
    `in_every_team`, on every meeting that exists when it is made (tests of one meeting at a time)."""
    user = User.objects.create_user(username=username, password="not-used", is_staff=is_staff)
    if group:
        if not Group.objects.filter(name=group).exists():
            # A transactional test before this one flushed the tables, groups included:
            # make them again the way the data migration does.
            migration = importlib.import_module("registration.migrations.0004_organiser_and_viewer_groups")
            migration.create_groups(apps, None)
            importlib.import_module("registration.migrations.0011_organisers_joining_and_floor").grant(apps, None)
            importlib.import_module("registration.migrations.0012_attendance").grant(apps, None)
            importlib.import_module("mailings.migrations.0002_organisers_write_messages").grant(apps, None)
            importlib.import_module("documents.migrations.0002_organisers_publish_documents").grant(apps, None)
        user.groups.add(Group.objects.get(name=group))
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for meeting in Meeting.objects.all() if in_every_team else teams:
        meeting.team.add(user)
    return user
