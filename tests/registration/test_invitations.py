"""Calendar invitations that follow the registration: REQUEST when confirmed, updates, CANCEL, none while pending."""

import datetime

import icalendar
import pytest
from django.core import mail as django_mail
from django.urls import reverse

from registration import moderation, services
from registration.models import JoiningDetailsSent, OutgoingEmail, Registration
from registration.online.joining_services import joining_details_save
from tests.factories import JoiningDetailsFactory, MeetingFactory, OutgoingEmailFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

# RFC 5546, sections 3.2.2 and 3.2.5: the properties each method requires of its VEVENT.
REQUIRED = {
    "REQUEST": ("ATTENDEE", "DTSTAMP", "DTSTART", "ORGANIZER", "SEQUENCE", "SUMMARY", "UID"),
    "CANCEL": ("ATTENDEE", "DTSTAMP", "ORGANIZER", "SEQUENCE", "UID"),
}


def _invitation(message):
    """The one calendar part of `message`, parsed, after checking RFC 5546's required properties."""
    (attachment,) = message.attachments
    _filename, content, mimetype = attachment
    calendar = icalendar.Calendar.from_ical(content)
    method = str(calendar["METHOD"])
    assert mimetype == f"text/calendar; method={method}"
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    (event,) = calendar.walk("VEVENT")
    missing = [name for name in REQUIRED[method] if name not in event]
    assert not missing, f"{method} lacks {missing}"
    return method, event


def _sent(kind, registration):
    return [message for message in django_mail.outbox if kind in message.subject and registration.email in message.to]


@pytest.fixture
def meeting():
    return MeetingFactory(contact_email="secretariat@example.org")


@pytest.fixture
def registration(meeting):
    return RegistrationFactory(meeting=meeting, first_name="Claire", last_name="Martin", email="claire@example.fr")


def _confirm(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    return _invitation(django_mail.outbox[-1])


def test_confirmation_of_an_active_registration_is_an_invitation(registration, django_capture_on_commit_callbacks):
    method, event = _confirm(registration, django_capture_on_commit_callbacks)

    assert method == "REQUEST"
    assert str(event["ATTENDEE"]) == "mailto:claire@example.fr"
    assert event["ATTENDEE"].params["CN"] == "Claire Martin"
    assert str(event["ORGANIZER"]) == "mailto:secretariat@example.org"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == registration.meeting.starts_at
    assert f"registration-{registration.pk}-" in str(event["UID"])


def test_pending_registration_gets_no_calendar_until_approved(meeting, django_capture_on_commit_callbacks):
    meeting.requires_approval = True
    meeting.save()
    pending = RegistrationFactory(meeting=meeting, status=Registration.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        services.outbox.email_queue(registration=pending, kind=OutgoingEmail.Kind.CONFIRMATION)
    received = django_mail.outbox[-1]
    with django_capture_on_commit_callbacks(execute=True):
        moderation.registration_approve(registration=pending)

    assert received.attachments == []
    assert "calendar file" not in received.body
    method, event = _invitation(django_mail.outbox[-1])
    assert method == "REQUEST"
    assert event["SEQUENCE"] == 0


def test_declining_a_pending_registration_withdraws_nothing(meeting, django_capture_on_commit_callbacks):
    pending = RegistrationFactory(meeting=meeting, status=Registration.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.registration_decline(registration=pending)

    assert django_mail.outbox[-1].attachments == []


def test_cancel_sends_cancel_with_the_same_uid_and_restore_invites_again(
    registration, django_capture_on_commit_callbacks
):
    _method, invited = _confirm(registration, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    cancel_method, cancelled = _invitation(django_mail.outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_restore(registration=registration)
    restore_method, restored = _invitation(django_mail.outbox[-1])

    assert cancel_method == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["UID"] == invited["UID"]
    assert cancelled["SEQUENCE"] > invited["SEQUENCE"]
    assert restore_method == "REQUEST"
    assert restored["UID"] == invited["UID"]
    assert restored["SEQUENCE"] > cancelled["SEQUENCE"]


def test_cancelling_a_registration_never_invited_attaches_nothing(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)

    assert django_mail.outbox[-1].attachments == []


def test_new_meeting_time_sends_an_update_with_a_higher_sequence(registration, django_capture_on_commit_callbacks):
    _method, invited = _confirm(registration, django_capture_on_commit_callbacks)
    never_invited = RegistrationFactory(meeting=registration.meeting)
    meeting = registration.meeting

    with django_capture_on_commit_callbacks(execute=True):
        meeting.starts_at += datetime.timedelta(hours=1)
        meeting.ends_at += datetime.timedelta(hours=1)
        meeting.save()

    (update,) = _sent("time has changed", registration)
    method, updated = _invitation(update)
    assert method == "REQUEST"
    assert updated["UID"] == invited["UID"]
    assert updated["SEQUENCE"] == invited["SEQUENCE"] + 1
    assert updated.decoded("DTSTART") == meeting.starts_at
    assert _sent("time has changed", never_invited) == []


def test_saving_a_meeting_without_moving_it_sends_no_update(registration, django_capture_on_commit_callbacks):
    _confirm(registration, django_capture_on_commit_callbacks)
    meeting = registration.meeting

    with django_capture_on_commit_callbacks(execute=True):
        meeting.title = "A new title"
        meeting.save()

    assert _sent("time has changed", registration) == []


def test_new_joining_link_sends_an_update_with_a_higher_sequence(registration, django_capture_on_commit_callbacks):
    details = JoiningDetailsFactory(meeting=registration.meeting)
    _method, invited = _confirm(registration, django_capture_on_commit_callbacks)
    JoiningDetailsSent.objects.create(registration=registration, version=details.version)

    with django_capture_on_commit_callbacks(execute=True):
        details.participants_url = "https://zoom.example.org/j/new-link"
        joining_details_save(details=details)

    method, updated = _invitation(django_mail.outbox[-1])
    assert method == "REQUEST"
    assert updated["SEQUENCE"] == invited["SEQUENCE"] + 1
    assert str(updated["LOCATION"]) == "https://zoom.example.org/j/new-link"


def test_public_meeting_ics_stays_a_publish_file(client, meeting):
    response = client.get(reverse("agenda:calendar", args=[meeting.slug]))

    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert "ATTENDEE" not in event


# F1.4: the confirmation of the participant's own cancel or restore is not lost to the hour's limit.


def test_cancel_is_confirmed_by_email_after_many_other_emails(client, registration, django_capture_on_commit_callbacks):
    OutgoingEmailFactory.create_batch(5, registration=registration, kind=OutgoingEmail.Kind.CHANGE)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registration:cancel", args=[registration.manage_token]), follow=True)

    assert "We have emailed you a confirmation" in response.content.decode()
    assert _sent("is cancelled", registration)


def test_cancel_past_the_answers_limit_says_no_email_was_sent(client, registration):
    OutgoingEmailFactory.create_batch(10, registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    response = client.post(reverse("registration:cancel", args=[registration.manage_token]), follow=True)

    assert "no confirmation was emailed this time" in response.content.decode()
    assert not registration.emails.filter(kind=OutgoingEmail.Kind.CANCELLATION).exists()


def test_restore_is_confirmed_by_email_after_many_other_emails(client, registration):
    services.registration_cancel(registration=registration)
    OutgoingEmailFactory.create_batch(5, registration=registration, kind=OutgoingEmail.Kind.CHANGE)

    response = client.post(reverse("registration:restore", args=[registration.manage_token]), follow=True)

    assert "active again. We have emailed you a confirmation" in response.content.decode()


# F1.5: with approval on, the thank-you page says the registration awaits the secretariat.


@pytest.mark.parametrize("approval", [True, False])
def test_thanks_page_says_awaiting_confirmation_when_approval_is_on(client, meeting, form_data, approval):
    meeting.requires_approval = approval
    meeting.save()

    response = client.post(reverse("registration:register", args=[meeting.slug]), form_data, follow=True)

    page = response.content.decode()
    assert ("awaiting confirmation by the secretariat" in page) is approval
    assert ("Add to calendar" in page) is not approval


# Review as an attacker (issue 19): the calendar file is a part of the email too.


@pytest.mark.parametrize(
    "lure",
    [
        {"first_name": "URGENT: claim your grant at https://evil.example/x"},
        {"last_name": "see www.evil.example"},
        {"first_name": "Eve\r\nATTENDEE:mailto:boss@evil.example"},
    ],
)
def test_register_with_a_victims_address_puts_no_link_like_name_in_the_calendar_file(
    client, meeting, form_data, lure, django_capture_on_commit_callbacks
):
    """Medium 4 kept lures out of the confirmation's text; the invitation attached to it names its attendee,
    and Outlook and Gmail show that name beside the victim's address."""
    meeting.requires_approval = False
    meeting.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("registration:register", args=[meeting.slug]), {**form_data, **lure, "email": "victim@example.org"}
        )

    messages = [message for message in django_mail.outbox if message.to == ["victim@example.org"]]
    assert messages
    for message in messages:
        for _filename, content, _mimetype in message.attachments:
            assert "evil" not in content and "URGENT" not in content
            (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
            attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
            assert [str(attendee) for attendee in attendees] == ["mailto:victim@example.org"]


def test_pending_registration_resent_its_link_gets_no_joining_link_nor_calendar(
    client, meeting, django_capture_on_commit_callbacks
):
    """Review as an attacker (issue 19): someone registered under approval asks the organisers to resend their
    link once the joining details are out; the email must carry neither the joining link nor an invitation."""
    from tests.registration.roles import ORGANISERS, user_create

    meeting.requires_approval = True
    meeting.save()
    JoiningDetailsFactory(meeting=meeting, participants_url="https://meet.example.org/j/secret-room")
    pending = RegistrationFactory(meeting=meeting, status=Registration.Status.PENDING, email="pending@example.org")
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:registration_registration_act", args=[pending.pk, "resend"]), {"note": ""})

    (message,) = [message for message in django_mail.outbox if message.to == ["pending@example.org"]]
    text = "\n".join([message.body, *(content for content, _type in message.alternatives)])
    assert "secret-room" not in text
    assert message.attachments == []
