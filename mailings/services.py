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
from functools import partial

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from registration import outbox
from registration.emails import BLANK_LINES, email_message_build, email_message_id_new, reminder_text_fill
from registration.models import OutgoingEmail, Registration

from .models import Mailing, MailingRecipient
from .selectors import FALLBACK_LANGUAGE, mailing_has_text, mailing_language, mailing_recipients

logger = logging.getLogger(__name__)

WRITE_EMAILS_TASK = "mailings.write_emails"
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
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "full_name": registration.full_name,
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
        current_app.tasks[WRITE_EMAILS_TASK].apply_async(args=[mailing_id])
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
        registrations = list(
            mailing_recipients(mailing=mailing)
            .exclude(pk__in=MailingRecipient.objects.filter(mailing=mailing).values("registration_id"))
            .select_related("meeting")
        )
        templates: dict[str, _Template] = {}
        emails = []
        for registration in registrations:
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
                    message_id=email_message_id_new(),
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
        transaction.on_commit(partial(outbox.email_dispatch, email_ids=email_ids))
    logger.info("message emails written", extra={"mailing_id": mailing_id, "count": len(emails)})
    return len(emails)


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
