"""A team organiser runs their meeting in the admin without a superuser, never another one (issue 20 §1, §6)."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from agenda.models import AgendaItem, Meeting
from registration.models import Reminder
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def meetings():
    return (
        MeetingFactory(slug="ours", title="Our meeting", short_name="Ours"),
        MeetingFactory(slug="theirs", title="Their meeting", short_name="Theirs"),
    )


@pytest.fixture
def olga(client, meetings):
    user = user_create(username="olga", group=ORGANISERS, teams=[meetings[0]])
    client.force_login(user)
    return user


def _change_url(meeting):
    return reverse("admin:agenda_meeting_change", args=[meeting.pk])


def _form_data(response):
    """The change form's values as the page shows them, as a browser would post them back."""
    data = {}
    adminform = response.context["adminform"]
    for name in adminform.form.fields:
        value = adminform.form[name].value()
        if value is None or value is False:
            continue
        field = adminform.form.fields[name]
        if hasattr(field, "fields"):
            for index, part in enumerate(adminform.form[name].field.widget.decompress(value)):
                data[f"{name}_{index}"] = part.isoformat() if hasattr(part, "isoformat") else part
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_a_team_organiser_switches_approval_on_and_moves_the_deadline(client, olga, meetings):
    ours = meetings[0]
    page = client.get(_change_url(ours))
    assert page.status_code == 200
    data = _form_data(page)
    new_deadline = ours.registration_deadline + datetime.timedelta(days=3)
    data.update(requires_approval="on", registration_deadline=new_deadline.isoformat(), title_fr="Notre réunion")

    response = client.post(_change_url(ours), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ours.refresh_from_db()
    assert ours.requires_approval
    assert ours.registration_deadline == new_deadline
    assert ours.title_fr == "Notre réunion"


def test_a_team_organiser_sends_government_participants_to_their_focal_points(client, olga, meetings):
    ours = meetings[0]
    page = client.get(_change_url(ours))
    assert 'name="focal_point_categories" value="member_state"' in page.content.decode()
    data = _form_data(page)
    data["focal_point_categories"] = ["member_state", "un_system"]

    response = client.post(_change_url(ours), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ours.refresh_from_db()
    assert ours.focal_point_categories == ["member_state", "un_system"]


def test_a_category_the_form_does_not_offer_is_refused_in_the_meetings_admin(client, olga, meetings):
    ours = meetings[0]
    data = _form_data(client.get(_change_url(ours)))
    data["focal_point_categories"] = ["member_state", "head_of_the_universe"]

    response = client.post(_change_url(ours), data)

    assert response.status_code == 200
    assert "focal_point_categories" in response.context["adminform"].form.errors
    ours.refresh_from_db()
    assert ours.focal_point_categories == []


def test_a_team_organiser_cannot_change_the_team_even_by_a_forged_post(client, olga, meetings):
    ours = meetings[0]
    stranger = user_create(username="stranger", group=ORGANISERS)
    data = _form_data(client.get(_change_url(ours)))
    data["team"] = [str(olga.pk), str(stranger.pk)]

    client.post(_change_url(ours), data)

    assert list(ours.team.all()) == [olga]


def test_another_teams_meeting_is_not_found_anywhere(client, olga, meetings):
    theirs = meetings[1]
    item = AgendaItemFactory(meeting=theirs)

    assert client.get(_change_url(theirs)).status_code == 302  # "does not exist", back to the list
    assert client.post(_change_url(theirs), {"requires_approval": "on"}).status_code == 302
    assert client.get(reverse("admin:agenda_meeting_copy", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:agenda_agendaitem_change", args=[item.pk])).status_code == 302
    listing = client.get(reverse("admin:agenda_meeting_changelist")).content.decode()
    assert "Our meeting" in listing and "Their meeting" not in listing
    theirs.refresh_from_db()
    assert not theirs.requires_approval


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:agenda_interpretationlanguage_changelist"),
        reverse("admin:agenda_gcmobjective_changelist"),
    ],
)
def test_users_groups_and_the_shared_lists_stay_a_superusers(client, olga, url):
    assert client.get(url).status_code == 403


def test_a_team_organiser_cannot_delete_their_meeting(client, olga, meetings):
    assert client.get(reverse("admin:agenda_meeting_delete", args=[meetings[0].pk])).status_code == 403


def test_a_team_organiser_edits_the_reminders_and_agenda_of_their_meeting(client, olga, meetings):
    ours = meetings[0]
    reminder = ours.reminders.first() or Reminder.objects.create(meeting=ours, subject="Tomorrow", body="See you.")
    reminder_page = client.get(reverse("admin:registration_reminder_change", args=[reminder.pk]))
    add_item = client.get(reverse("admin:agenda_agendaitem_add"))

    assert reminder_page.context["has_change_permission"]
    assert add_item.status_code == 200
    assert [str(m) for m in add_item.context["adminform"].form.fields["meeting"].queryset] == [str(ours)]


def test_a_team_organiser_copies_and_publishes_their_meeting(client, olga, meetings):
    ours = meetings[0]
    client.post(
        reverse("admin:agenda_meeting_copy", args=[ours.pk]),
        {"slug": "ours-next", "title": "Our next meeting", "starts_on": "2031-03-04"},
    )
    copy = Meeting.objects.get(slug="ours-next")
    assert not copy.is_published

    client.post(reverse("admin:agenda_meeting_changelist"), {"action": "publish", "_selected_action": [copy.pk]})

    copy.refresh_from_db()
    assert copy.is_published
    assert olga in copy.team.all()


def test_a_meetings_nine_oclock_in_paris_is_shown_and_saved_as_nine_oclock(client, olga, meetings):
    ours = meetings[0]
    ours.starts_at = datetime.datetime(2031, 1, 14, 9, 0, tzinfo=PARIS)
    ours.ends_at = datetime.datetime(2031, 1, 14, 12, 0, tzinfo=PARIS)
    ours.save()

    page = client.get(_change_url(ours))
    html = page.content.decode()
    assert 'name="starts_at_1" value="09:00:00"' in html
    assert "Meeting time: Europe/Paris." in html
    listing = client.get(reverse("admin:agenda_meeting_changelist")).content.decode()
    assert "2031-01-14 09:00 CET" in listing

    data = _form_data(page)
    data.update(starts_at_1="10:00:00")
    client.post(_change_url(ours), data)

    ours.refresh_from_db()
    assert ours.starts_at.astimezone(PARIS).time() == datetime.time(10, 0)
    assert ours.starts_at.astimezone(datetime.UTC).time() == datetime.time(9, 0)


def test_an_agenda_item_typed_at_nine_is_nine_in_the_meetings_zone(client, olga, meetings):
    ours = meetings[0]
    response = client.post(
        reverse("admin:agenda_agendaitem_add"),
        {
            "meeting": ours.pk,
            "position": 1,
            "starts_at_0": "2031-01-14",
            "starts_at_1": "09:00",
            "title_en": "Opening",
            "speakers-TOTAL_FORMS": "0",
            "speakers-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    item = AgendaItem.objects.get(meeting=ours)
    assert item.starts_at == datetime.datetime(2031, 1, 14, 9, 0, tzinfo=PARIS)


def test_an_email_of_no_registration_opens_for_a_superuser(admin_client):
    from registration.models import OutgoingEmail

    email = OutgoingEmail.objects.create(kind=OutgoingEmail.Kind.CONFIRMATION, to_email="x@example.org", subject="x")

    response = admin_client.get(reverse("admin:registration_outgoingemail_change", args=[email.pk]))

    assert response.status_code == 200
