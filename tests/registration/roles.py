"""Users as the roles data migration defines them (Organisers, Viewers), for the admin tests."""

from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

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
        user.groups.add(Group.objects.get(name=group))
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for meeting in Meeting.objects.all() if in_every_team else teams:
        meeting.team.add(user)
    return user


def signed_in_through_the_login_form(client, *, group: str = ORGANISERS):
    """`client` signed in as a user of `group` in every team, through the login form as a browser would."""
    user = user_create(username=group.lower(), group=group, in_every_team=True)
    user.set_password("correct horse battery staple")
    user.save()
    client.post(reverse("admin:login"), {"username": user.username, "password": "correct horse battery staple"})
    return client
