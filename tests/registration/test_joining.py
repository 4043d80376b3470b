"""Joining details (issue 14): only active registrations get them, from the set time; a changed link goes out once."""

import datetime
import logging

import icalendar
import pytest
from django.core import mail as django_mail
from django.urls import reverse

from registration.mail import reminders
from registration.models import JoiningDetails, OutgoingEmail, Registration, Reminder
from registration.online.joining_services import joining_changed_send
from tests.factories import FloorDecisionFactory, JoiningDetailsFactory, MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

PARTICIPANTS = "https://zoom.example.org/j/100days-participants"
SPEAKERS = "https://zoom.example.org/j/100days-speakers"
SECRETS = (PARTICIPANTS, SPEAKERS, "listen-2022", "speak-2022")


@pytest.fixture
def details():
    # The meeting starts in 30 days: with 40 days the details are shown now.
    return JoiningDetailsFactory(meeting=MeetingFactory(slug="imrf-100-days"), shown_from_days_before=40)


def _manage(client, registration):
    return client.get(reverse("registration:manage", args=[registration.manage_token])).content.decode()


def _day_before(meeting):
    return meeting.reminders.get(kind=Reminder.Kind.DAYS_BEFORE, days_before=1)


def test_joining_details_never_on_public_pages_nor_in_public_ics(client, details):
    meeting = details.meeting
    pages = [
        reverse("agenda:meetings"),
        reverse("agenda:meeting", args=[meeting.slug]),
        reverse("agenda:agenda", args=[meeting.slug]),
        reverse("agenda:concept_note", args=[meeting.slug]),
        reverse("agenda:calendar", args=[meeting.slug]),
        reverse("registration:register", args=[meeting.slug]),
        "/meeting.ics",
    ]

    responses = {page: client.get(page, follow=True) for page in pages}

    for page, response in responses.items():
        assert response.status_code == 200, page
        assert not any(secret in response.content.decode() for secret in SECRETS), page
    (event,) = icalendar.Calendar.from_ical(client.get(pages[4]).content).walk("VEVENT")
    assert str(event["LOCATION"]) == meeting.platform
    assert "URL" not in event


def test_manage_page_shows_the_participants_link_to_an_active_registration_from_the_set_time(client, details):
    registration = RegistrationFactory(meeting=details.meeting)
    details.shown_from_days_before = 3
    details.save()

    before = _manage(client, registration)
    details.shown_from_days_before = 40
    details.save()
    after = _manage(client, registration)

    assert PARTICIPANTS not in before
    assert PARTICIPANTS in after
    assert "listen-2022" in after
    assert "Click the globe icon" in after
    assert SPEAKERS not in after


@pytest.mark.parametrize(
    "status", [Registration.Status.PENDING, Registration.Status.DECLINED, Registration.Status.CANCELLED]
)
def test_manage_page_never_shows_the_details_to_a_registration_not_active(client, details, status):
    registration = RegistrationFactory(meeting=details.meeting, status=status)

    page = _manage(client, registration)

    assert not any(secret in page for secret in SECRETS)


def test_manage_page_of_an_accepted_speaker_shows_the_speakers_link(client, details):
    speaker = FloorDecisionFactory(registration__meeting=details.meeting).registration

    page = _manage(client, speaker)

    assert SPEAKERS in page
    assert "speak-2022" in page
    assert PARTICIPANTS not in page


def test_reminder_after_the_set_time_carries_the_details_to_active_registrations_only(
    details, django_capture_on_commit_callbacks
):
    meeting = details.meeting
    details.shown_from_days_before = 3
    details.save()
    active = RegistrationFactory(meeting=meeting)
    for status in (Registration.Status.PENDING, Registration.Status.DECLINED, Registration.Status.CANCELLED):
        RegistrationFactory(meeting=meeting, status=status)
    speaker = FloorDecisionFactory(registration__meeting=meeting).registration

    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminder_send_due(now=_day_before(meeting).send_at + datetime.timedelta(minutes=1))

    assert sorted(message.to[0] for message in django_mail.outbox) == sorted([active.email, speaker.email])
    by_address = {message.to[0]: message for message in django_mail.outbox}
    for registration, link in ((active, PARTICIPANTS), (speaker, SPEAKERS)):
        message = by_address[registration.email]
        assert link in message.body
        assert link in message.alternatives[0][0]
        ((_name, content, _type),) = message.attachments
        (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
        assert str(event["LOCATION"]) == link
    assert SPEAKERS not in by_address[active.email].body


def test_reminder_before_the_set_time_says_the_link_will_follow(details, django_capture_on_commit_callbacks):
    details.shown_from_days_before = 0
    details.save()
    RegistrationFactory(meeting=details.meeting)

    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminder_send_due(now=_day_before(details.meeting).send_at + datetime.timedelta(minutes=1))

    (message,) = django_mail.outbox
    assert PARTICIPANTS not in message.body
    assert "the joining link will follow by email" in message.body
    assert message.attachments == []


def test_changed_link_in_the_admin_goes_out_once_to_those_who_had_it(
    client, details, django_capture_on_commit_callbacks
):
    meeting = details.meeting
    had_it = RegistrationFactory.create_batch(2, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminder_send_due(now=_day_before(meeting).send_at + datetime.timedelta(minutes=1))
    late = RegistrationFactory(meeting=meeting)
    had_it[1].status = Registration.Status.CANCELLED
    had_it[1].save()
    django_mail.outbox.clear()
    client.force_login(user_create(username="organiser", group=ORGANISERS, teams=[meeting]))
    url = reverse("admin:registration_joiningdetails_change", args=[details.pk])
    form = {
        "meeting": meeting.pk,
        "platform": "zoom",
        "participants_url": "https://zoom.example.org/j/new-room",
        "participants_passcode": "listen-2022",
        "speakers_url": SPEAKERS,
        "speakers_passcode": "speak-2022",
        "interpretation_instructions_en": "Click the globe icon and choose your language.",
        "dial_in": "",
        "shown_from_days_before": 40,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
        again = client.post(url, form)
    second_run = joining_changed_send(details=JoiningDetails.objects.get())

    assert response.status_code == 302
    assert again.status_code == 302
    assert second_run == 0
    (message,) = django_mail.outbox
    assert message.to == [had_it[0].email]
    assert "https://zoom.example.org/j/new-room" in message.body
    assert message.subject == "[IMRF 100 days] The joining details have changed"
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.JOINING_CHANGED).count() == 1
    assert not OutgoingEmail.objects.filter(registration=late, kind=OutgoingEmail.Kind.JOINING_CHANGED).exists()
    assert JoiningDetails.objects.get().version == 2


def test_joining_details_admin_of_another_team_is_not_found(client, details):
    client.force_login(user_create(username="other", group=ORGANISERS, teams=[MeetingFactory()]))

    response = client.get(reverse("admin:registration_joiningdetails_change", args=[details.pk]))
    listing = client.get(reverse("admin:registration_joiningdetails_changelist"))

    assert response.status_code == 302  # the admin's answer to an id it cannot find: back to the list
    assert PARTICIPANTS not in listing.content.decode()
    assert "imrf-100-days" not in listing.content.decode()


def test_joining_links_never_reach_the_logs(client, details, caplog, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(meeting=details.meeting)
    caplog.set_level(logging.DEBUG)

    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminder_send_due(now=_day_before(details.meeting).send_at + datetime.timedelta(minutes=1))
    _manage(client, registration)
    client.get(reverse("registration:manage", args=["not-a-token-but-long-enough"]))

    assert len(django_mail.outbox) == 1
    assert PARTICIPANTS in django_mail.outbox[0].body
    assert caplog.records
    assert not any(secret in record.getMessage() for record in caplog.records for secret in SECRETS)


def test_joining_details_saved_without_the_participants_link_warn_the_organiser(client, details):
    meeting = details.meeting
    client.force_login(user_create(username="organiser", group=ORGANISERS, teams=[meeting]))
    url = reverse("admin:registration_joiningdetails_change", args=[details.pk])
    form = {"meeting": meeting.pk, "platform": "zoom", "participants_url": "", "shown_from_days_before": 3}

    response = client.post(url, form, follow=True)

    messages = [str(message) for message in response.context["messages"]]
    assert any("no participants' link yet" in message for message in messages)


# Attack: another team's meeting by id in the address.


def test_joining_details_of_another_teams_meeting_are_not_found_in_the_admin(
    client, meeting, other_meeting, organiser_of_one_meeting
):
    details = JoiningDetailsFactory(meeting=other_meeting)
    client.force_login(organiser_of_one_meeting)

    listing = client.get(reverse("admin:registration_joiningdetails_changelist"))
    change = client.get(reverse("admin:registration_joiningdetails_change", args=[details.pk]))

    assert details.participants_url.encode() not in listing.content
    assert change.status_code in (302, 404)
