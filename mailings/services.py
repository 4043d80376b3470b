"""Writing, testing and sending a message to registrants: each recipient's email written once, then sent by the outbox.

Sending is two steps. `mailing_send` (the organiser's button) moves the message from draft to
"being sent" under its row lock, so a second press, or a second organiser, finds it no longer a
draft and sends nothing. The task `mailings.write_emails` then writes one outbox row per recipient
in bulk (`mailing_emails_write`); the unique (message, registration) row makes a second run of the
task, or a run beside a re-queued one, write no one twice. The task is looked up by name in the
Celery app's registry, for the reason outbox.py gives: it honours CELERY_TASK_ALWAYS_EAGER.
"""

import datetime
import logging
from dataclasses import dataclass
from email.utils import make_msgid
from functools import partial

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from documents.apps import CERTIFICATE_ATTACHMENT
from documents.certificates import certificate_policy_get
from registration.mail import outbox
from registration.mail.emails import (
    BLANK_LINES,
    email_message_build,
    email_message_id_new,
    reminder_text_fill,
)
from registration.models import OutgoingEmail, Registration
from registration.typed_text import names_for_email

from .models import Mailing, MailingRecipient
from .selectors import FALLBACK_LANGUAGE, mailing_has_text, mailing_language, mailing_recipients

logger = logging.getLogger(__name__)

WRITE_EMAILS_TASK = "mailings.write_emails"
# A message's emails go to the broker a hundred rows per task message, not one each: publishing
# 5,000 messages took 11 s on the benchmark machine, 50 take a fraction of one (docs/performance.md),
# and fifty tasks still spread the sending over every worker.
SEND_BATCH_TASK = "mailings.send_batch"
SEND_BATCH_SIZE = 100
# A message "being sent" whose emails are not written this long after the button lost its task (the
# broker was down, or the worker died before committing): the periodic task queues it again.
REQUEUE_AFTER = datetime.timedelta(minutes=5)
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class _Template:
    """The message rendered once per language; each recipient's copy only fills in the placeholders."""

    def __init__(self, *, mailing: Mailing, language: str):
        meeting = mailing.meeting
        source = language if mailing_has_text(mailing=mailing, language=language) else FALLBACK_LANGUAGE
        with translation.override(language):
            subject = getattr(mailing, f"subject_{source}")
            body = getattr(mailing, f"body_{source}").strip()
            context = {"meeting": meeting, "body": body}
            text = render_to_string("mailings/email/message.txt", context)
            self.text = BLANK_LINES.sub("\n\n", text).strip() + "\n"
            self.html = render_to_string("mailings/email/message.html", context)
        self.subject = " ".join(f"[{meeting.short_name}] {subject}".split())
        self.max_subject = OutgoingEmail._meta.get_field("subject").max_length

    def fill(self, *, registration: Registration) -> Rendered:
        meeting = registration.meeting
        values = {
            # The registration's address may never have been its owner's: no typed lure (issue 19, point 4).
            **names_for_email(
                honorific=registration.honorific, first_name=registration.first_name, last_name=registration.last_name
            ),
            "meeting_title": meeting.title,
            "short_name": meeting.short_name,
            "contact_email": meeting.contact_email,
        }
        escaped = {name: escape(value) for name, value in values.items()}
        # One line: a name from a web form must not break the subject into a second header.
        subject = " ".join(reminder_text_fill(text=self.subject, values=values).split())[: self.max_subject]
        return Rendered(
            subject=subject,
            text=reminder_text_fill(text=self.text, values=values),
            html=reminder_text_fill(text=self.html, values=escaped),
        )


class MessageIds:
    """Message-IDs as `email_message_id_new` makes them, with the sender's domain read once for a batch."""

    def __init__(self):
        self.domain = email_message_id_new().rpartition("@")[2].rstrip(">")

    def new(self) -> str:
        return make_msgid(domain=self.domain)


def mailing_render(*, mailing: Mailing, registration: Registration, language: str | None = None) -> Rendered:
    """The message as `registration` receives it (or, with `language`, as it reads in that language)."""
    language = language or mailing_language(registration=registration)
    return _Template(mailing=mailing, language=language).fill(registration=registration)


def mailing_test_send(*, mailing: Mailing, user, registration: Registration, language: str) -> str:
    """Send the message, as `registration` would read it in `language`, to the organiser's own address.

    Sent at once, not through the outbox: the organiser waits for it, and a failure is shown to them
    rather than retried. Nothing is recorded against the registration. Returns the address used.
    """
    if not user.email:
        raise ValidationError(_("Your account has no email address; a superuser can add one."))
    rendered = mailing_render(mailing=mailing, registration=registration, language=language)
    test = OutgoingEmail(
        registration=registration,
        kind=OutgoingEmail.Kind.MAILING,
        to_email=user.email,
        subject=_("[Test] %(subject)s") % {"subject": rendered.subject},
        body_text=rendered.text,
        body_html=rendered.html,
        message_id=email_message_id_new(),
    )
    email_message_build(email=test).send()
    logger.info("message test sent", extra={"mailing_id": mailing.pk, "user_id": user.pk})
    return user.email


def mailing_send_refusal(*, mailing: Mailing, now: datetime.datetime) -> str:
    """Why the message cannot be sent now, or an empty string."""
    if not (mailing.subject_en and mailing.body_en):
        return _("Write the English subject and message: it is read by everyone whose language has no text.")
    if mailing.is_follow_up and mailing.meeting.ends_at > now:
        return _("A message to those who attended or did not can be sent only once the meeting has ended.")
    if mailing.attach_certificates:
        if mailing.audience != Mailing.Audience.ATTENDED:
            return _("Certificates of participation go only with a message to those who attended.")
        policy = certificate_policy_get(meeting=mailing.meeting)
        if policy is None or policy.released_at is None:
            return _("Release the certificates of participation first (The meeting's documents, Certificates).")
    return ""


def mailing_send(*, mailing: Mailing, user, now: datetime.datetime | None = None) -> bool:
    """Send a draft to its recipients in the background; False when it was no longer a draft (sent already).

    Raises ValidationError with `mailing_send_refusal`'s reason, sending nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().select_related("meeting").get(pk=mailing.pk)
        if locked.status != Mailing.Status.DRAFT:
            return False
        if reason := mailing_send_refusal(mailing=locked, now=now):
            raise ValidationError(reason)
        locked.status = Mailing.Status.QUEUED
        locked.sent_by = user
        locked.sent_at = now
        # The number the organiser confirmed; the emails written may differ by those who cancelled meanwhile.
        locked.recipients_count = mailing_recipients(mailing=locked).count()
        locked.save(update_fields=["status", "sent_by", "sent_at", "recipients_count"])
        transaction.on_commit(partial(_write_emails_queue, mailing_id=locked.pk))
    logger.info("message sent", extra={"mailing_id": mailing.pk, "user_id": getattr(user, "pk", None)})
    return True


def _write_emails_queue(*, mailing_id: int) -> None:
    try:
        write_emails.apply_async(args=[mailing_id])
    except Exception:
        # The message is committed as "being sent": `mailings_requeue_stuck` queues it again.
        logger.exception("could not queue message %s; the periodic re-queue will", mailing_id)


def mailing_emails_write(*, mailing_id: int) -> int:
    """Write one outbox row per recipient not yet written to, in bulk, and queue them; return how many.

    Safe to run twice, or in two workers at once: the message's row lock orders them, the second
    finds the message sent, and the unique (message, registration) constraint is the last word.
    """
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().select_related("meeting").filter(pk=mailing_id).first()
        if mailing is None or mailing.status != Mailing.Status.QUEUED:
            return 0
        # Only what the texts use: thousands of full rows and their meeting each would double the time.
        registrations = list(
            mailing_recipients(mailing=mailing)
            .exclude(pk__in=MailingRecipient.objects.filter(mailing=mailing).values("registration_id"))
            .only("pk", "meeting_id", "email", "language", "honorific", "first_name", "last_name")
        )
        templates: dict[str, _Template] = {}
        emails = []
        message_ids = MessageIds()
        for registration in registrations:
            registration.meeting = mailing.meeting
            language = mailing_language(registration=registration)
            if language not in templates:
                templates[language] = _Template(mailing=mailing, language=language)
            rendered = templates[language].fill(registration=registration)
            emails.append(
                OutgoingEmail(
                    registration=registration,
                    kind=OutgoingEmail.Kind.MAILING,
                    to_email=registration.email,
                    subject=rendered.subject,
                    body_text=rendered.text,
                    body_html=rendered.html,
                    message_id=message_ids.new(),
                    attachment=CERTIFICATE_ATTACHMENT if mailing.attach_certificates else "",
                )
            )
        OutgoingEmail.objects.bulk_create(emails, batch_size=BATCH_SIZE)
        MailingRecipient.objects.bulk_create(
            [
                MailingRecipient(mailing=mailing, registration=registration, email=email)
                for registration, email in zip(registrations, emails, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        mailing.status = Mailing.Status.SENT
        mailing.save(update_fields=["status"])
        email_ids = [email.pk for email in emails]
        transaction.on_commit(partial(_batches_dispatch, email_ids=email_ids))
    logger.info("message emails written", extra={"mailing_id": mailing_id, "count": len(emails)})
    return len(emails)


def _batches_dispatch(*, email_ids: list[int]) -> int:
    """After commit: hand the rows to the broker in batches; return how many task messages were published."""
    batches = [email_ids[start : start + SEND_BATCH_SIZE] for start in range(0, len(email_ids), SEND_BATCH_SIZE)]
    published = 0
    try:
        if send_batch.app.conf.task_always_eager:
            for batch in batches:
                send_batch.apply_async(args=[batch])
                published += 1
            return published
        with send_batch.app.producer_or_acquire() as producer:
            for batch in batches:
                send_batch.apply_async(args=[batch], producer=producer)
                published += 1
    except Exception:
        # The rows are committed and queued: the outbox's periodic re-queue sends them one by one.
        logger.exception(
            "could not queue %d batch(es) of a message; the periodic re-queue will", len(batches) - published
        )
    return published


def mailing_batch_send(*, email_ids: list[int]) -> int:
    """Send a batch of a message's rows, each at most once (`outbox.email_send`); return how many were tried.

    A row another worker holds is skipped by `email_send`; a transient failure is retried by a
    `send_email` task of its own, as for any email.
    """
    for email_id in email_ids:
        retry_in = outbox.email_send(email_id=email_id)
        if retry_in is not None:
            outbox.send_email.apply_async(args=[email_id], countdown=retry_in.total_seconds())
    return len(email_ids)


def mailings_requeue_stuck(*, now: datetime.datetime) -> int:
    """Queue again the messages left "being sent" past REQUEUE_AFTER; return how many."""
    stuck = list(
        Mailing.objects.filter(status=Mailing.Status.QUEUED, sent_at__lt=now - REQUEUE_AFTER).values_list(
            "pk", flat=True
        )
    )
    for mailing_id in stuck:
        _write_emails_queue(mailing_id=mailing_id)
    return len(stuck)


# The tasks this module queues itself, beside what they call: queued by reference, never by name.


@shared_task(name=WRITE_EMAILS_TASK, acks_late=True)
def write_emails(mailing_id: int) -> int:
    return mailing_emails_write(mailing_id=mailing_id)


@shared_task(name=SEND_BATCH_TASK, acks_late=True)
def send_batch(email_ids: list[int]) -> int:
    return mailing_batch_send(email_ids=email_ids)
