"""Messages to registrants: who gets them, in which language, exactly once, and the follow-up's rule."""

import datetime
import io

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from pypdf import PdfReader

from documents.certificates import certificate_policy_save
from mailings import selectors, services
from mailings.models import Mailing, MailingRecipient
from registration.models import FloorDecision, OutgoingEmail, Registration
from tests.factories import FloorDecisionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _send(mailing, capture, user=None):
    with capture(execute=True):
        sent = services.mailing_send(mailing=mailing, user=user)
    return sent


def _to(address):
    return [message for message in django_mail.outbox if address in message.to]


def test_mailing_send_each_registrant_reads_their_language_english_where_missing(
    mailing, readers, django_capture_on_commit_callbacks
):
    _send(mailing, django_capture_on_commit_callbacks)

    (french,) = _to(readers["fr"].email)
    (russian,) = _to(readers["ru"].email)
    assert french.subject == "[IMRF 100 days] L'ordre du jour a été révisé"
    assert "Madame, Monsieur Martin" in french.body
    assert "Questions ? Écrivez" in french.body or "secretariat@example.org" in french.body
    assert russian.subject == "[IMRF 100 days] The agenda was revised"
    assert "Dear Ivan" in russian.body
    assert _to(readers["cancelled"].email) == []
    assert readers["fr"].manage_token not in french.body


def test_mailing_language_gaps_names_the_languages_read_in_english(mailing, readers):
    gaps = selectors.mailing_language_gaps(mailing=mailing)

    assert [(gap.language, gap.recipients) for gap in gaps] == [("ru", 1)]


def test_mailing_send_pressed_twice_sends_once(mailing, readers, django_capture_on_commit_callbacks):
    first = _send(mailing, django_capture_on_commit_callbacks)
    second = _send(mailing, django_capture_on_commit_callbacks)

    assert (first, second) == (True, False)
    assert len(django_mail.outbox) == 3
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert mailing.recipients_count == 3


def test_mailing_emails_write_run_twice_writes_each_registrant_once(
    mailing, readers, django_capture_on_commit_callbacks
):
    _send(mailing, django_capture_on_commit_callbacks)
    # As if the broker delivered the task again after a worker died having committed.
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.QUEUED)
    late = RegistrationFactory(meeting=mailing.meeting, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        again = services.mailing_emails_write(mailing_id=mailing.pk)
        services.mailing_emails_write(mailing_id=mailing.pk)

    assert again == 1
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING).count() == 4
    assert len(_to(late.email)) == 1
    assert len(django_mail.outbox) == 4


def test_mailing_recipient_unique_per_registration_in_the_database(mailing, readers):
    MailingRecipient.objects.create(mailing=mailing, registration=readers["en"])

    with pytest.raises(IntegrityError):
        MailingRecipient.objects.create(mailing=mailing, registration=readers["en"])


def test_mailing_worker_dying_before_commit_leaves_it_to_requeue(mailing, readers, monkeypatch):
    # The button commits the message as "being sent"; the task's message is lost.
    monkeypatch.setattr(services, "_write_emails_queue", lambda **kwargs: None)
    services.mailing_send(mailing=mailing, user=None)
    later = timezone.now() + services.REQUEUE_AFTER + datetime.timedelta(seconds=1)
    monkeypatch.undo()

    requeued = services.mailings_requeue_stuck(now=later)

    assert requeued == 1
    assert MailingRecipient.objects.filter(mailing=mailing).count() == 3


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("statuses", [Registration.Status.CANCELLED], {"cancelled"}),
        ("statuses", [Registration.Status.ACTIVE, Registration.Status.CANCELLED], {"fr", "en", "ru", "cancelled"}),
        ("categories", [Registration.Category.CIVIL_SOCIETY], {"en"}),
        ("countries", ["FR"], {"fr"}),
    ],
)
def test_mailing_recipients_filters(mailing, readers, field, value, expected):
    Registration.objects.filter(pk=readers["en"].pk).update(category=Registration.Category.CIVIL_SOCIETY)
    Registration.objects.filter(pk=readers["fr"].pk).update(country="FR")
    setattr(mailing, field, value)
    mailing.save()

    recipients = set(selectors.mailing_recipients(mailing=mailing))

    assert recipients == {readers[key] for key in expected}


def test_mailing_recipients_by_listening_language_and_speakers(mailing, readers):
    mailing.listening_languages.set([mailing.meeting.interpretation_languages.get(code="fr")])
    french_listeners = set(selectors.mailing_recipients(mailing=mailing))
    mailing.listening_languages.clear()
    Registration.objects.filter(pk=readers["en"].pk).update(wishes_to_speak=True)
    Registration.objects.filter(pk=readers["ru"].pk).update(wishes_to_speak=True)
    FloorDecisionFactory(registration=readers["ru"], decision=FloorDecision.Decision.ACCEPTED)
    mailing.speakers = Mailing.Speakers.REQUESTED
    requested = set(selectors.mailing_recipients(mailing=mailing))
    mailing.speakers = Mailing.Speakers.ACCEPTED
    accepted = set(selectors.mailing_recipients(mailing=mailing))

    assert french_listeners == {readers["fr"]}
    assert requested == {readers["en"], readers["ru"]}
    assert accepted == {readers["ru"]}


def test_mailing_test_send_goes_to_the_organiser_only_and_is_not_recorded(mailing, readers, django_user_model):
    organiser = django_user_model.objects.create_user(username="amal", email="amal@iom.example.int")

    address = services.mailing_test_send(mailing=mailing, user=organiser, registration=readers["fr"], language="fr")

    (message,) = django_mail.outbox
    assert address == "amal@iom.example.int"
    assert message.to == ["amal@iom.example.int"]
    assert message.subject.startswith("[Test] [IMRF 100 days] L'ordre du jour")
    assert "Madame, Monsieur Martin" in message.body
    assert not OutgoingEmail.objects.exists()


def test_mailing_test_send_without_an_address_says_so(mailing, readers, django_user_model):
    organiser = django_user_model.objects.create_user(username="noemail")

    with pytest.raises(ValidationError, match="no email address"):
        services.mailing_test_send(mailing=mailing, user=organiser, registration=readers["fr"], language="fr")


def test_follow_up_before_the_meeting_ends_is_refused(mailing, readers):
    mailing.audience = Mailing.Audience.ATTENDED
    mailing.save()

    with pytest.raises(ValidationError, match="once the meeting has ended"):
        services.mailing_send(mailing=mailing, user=None)

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
    assert not OutgoingEmail.objects.exists()


def test_follow_up_after_the_meeting_goes_to_those_who_did_not_attend(
    mailing, readers, django_capture_on_commit_callbacks
):
    from registration.models import Attendance

    Attendance.objects.create(meeting=mailing.meeting, registration=readers["fr"], person_key="claire", minutes=90)
    mailing.audience = Mailing.Audience.ABSENT
    mailing.save()
    after = mailing.meeting.ends_at + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.mailing_send(mailing=mailing, user=None, now=after)

    assert {message.to[0] for message in django_mail.outbox} == {readers["en"].email, readers["ru"].email}


def test_mailing_subject_placeholder_cannot_inject_a_header(mailing, meeting, django_capture_on_commit_callbacks):
    hostile = RegistrationFactory(meeting=meeting, first_name="Eve\r\nBcc: victim@example.org", language="en")
    mailing.subject_en = "Hello {first_name}"
    mailing.save()

    _send(mailing, django_capture_on_commit_callbacks)

    (message,) = _to(hostile.email)
    assert "\n" not in message.subject
    assert message.bcc == []


def test_mailing_names_no_one_whose_typed_name_holds_a_link(mailing, meeting, django_capture_on_commit_callbacks):
    """Review as an attacker (issue 19): a victim's address registered under a lure for a name must not get the
    lure in a message's {first_name}, neither in its preview nor its test."""
    victim = RegistrationFactory(
        meeting=meeting, email="victim@example.org", first_name="Claim your grant at www.evil.example", language="en"
    )

    preview = services.mailing_render(mailing=mailing, registration=victim, language="en")
    _send(mailing, django_capture_on_commit_callbacks)

    (message,) = _to("victim@example.org")
    for text in (preview.text, preview.html, message.subject, message.body, message.alternatives[0][0]):
        assert "evil" not in text
    assert "The revised agenda is online." in message.body


# Certificates of participation sent with the follow-up (issue 23).


def _attended(registration, minutes):
    from registration.models import Attendance

    Attendance.objects.create(
        meeting=registration.meeting, registration=registration, person_key=registration.email, minutes=minutes
    )


def test_follow_up_to_attendees_carries_each_qualifying_attendees_own_certificate(
    mailing, readers, django_capture_on_commit_callbacks
):
    certificate_policy_save(meeting=mailing.meeting, minimum_minutes=60, released=True)
    _attended(readers["fr"], 90)
    _attended(readers["en"], 20)  # attended, but not long enough for a certificate
    mailing.audience = Mailing.Audience.ATTENDED
    mailing.attach_certificates = True
    mailing.save()
    after = mailing.meeting.ends_at + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.mailing_send(mailing=mailing, user=None, now=after)

    (french,) = _to(readers["fr"].email)
    (english,) = _to(readers["en"].email)
    ((name, content, mimetype),) = french.attachments
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert (name, mimetype) == (f"certificate-{mailing.meeting.slug}.pdf", "application/pdf")
    assert "Claire" in text
    assert "Smith" not in text
    assert english.attachments == []


@pytest.mark.parametrize("released", [True, False])
def test_certificates_go_only_with_a_message_to_attendees_once_released(mailing, readers, released):
    certificate_policy_save(meeting=mailing.meeting, minimum_minutes=60, released=released)
    mailing.attach_certificates = True
    mailing.audience = Mailing.Audience.REGISTRANTS if released else Mailing.Audience.ATTENDED
    mailing.save()
    after = mailing.meeting.ends_at + datetime.timedelta(days=1)

    with pytest.raises(ValidationError, match=r"Certificates of participation go only|Release the certificates"):
        services.mailing_send(mailing=mailing, user=None, now=after)

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
