"""Outgoing email: every message is a row first, sent by a Celery task after the transaction commits."""

import datetime
import logging
import re
import smtplib
from collections.abc import Iterable
from email.utils import format_datetime, make_msgid, parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import DNS_NAME
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from agenda.calendar import meeting_ical
from agenda.models import Meeting

from .models import OutgoingEmail, Registration, Reminder

logger = logging.getLogger(__name__)

# One first try and five retries, waiting 1, 2, 4, 8 and 16 minutes: about half an hour
# rides out a mail server's restart or a greylisting delay; longer is an outage for a person.
MAX_ATTEMPTS = 6
RETRY_FIRST_DELAY = datetime.timedelta(minutes=1)
RETRY_MAX_DELAY = datetime.timedelta(minutes=30)
# A queued row no worker has taken this long after it was due lost its task message
# (broker down when it was queued, or a retry message lost): the periodic task queues it again.
REQUEUE_QUEUED_AFTER = datetime.timedelta(minutes=5)
# A row "sending" this long belongs to a worker that died between marking it and marking it
# sent: far longer than an SMTP conversation (EMAIL_TIMEOUT) can take.
REQUEUE_SENDING_AFTER = datetime.timedelta(minutes=15)
REQUEUE_LIMIT = 1000
REMINDER_BATCH_SIZE = 500

SUBJECTS = {
    OutgoingEmail.Kind.MANAGE_LINK: translation.gettext_noop("Your registration link"),
    OutgoingEmail.Kind.CHANGE: translation.gettext_noop("Your registration has been updated"),
    OutgoingEmail.Kind.CANCELLATION: translation.gettext_noop("Your registration is cancelled"),
}
TEMPLATES = {
    OutgoingEmail.Kind.CONFIRMATION: "confirmation",
    OutgoingEmail.Kind.MANAGE_LINK: "manage_link",
    OutgoingEmail.Kind.CHANGE: "change",
    OutgoingEmail.Kind.CANCELLATION: "cancellation",
    OutgoingEmail.Kind.DECISION: "decision",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


# Composing


def email_message_id_new() -> str:
    """A Message-ID on the domain of DEFAULT_FROM_EMAIL, as receiving servers expect of the sender."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return make_msgid(domain=domain or str(DNS_NAME))


def _one_line(text: str) -> str:
    # Names come from a web form; a line break in a subject would be a header injection.
    return " ".join(text.split())


def _subject(*, meeting: Meeting, subject: str) -> str:
    max_length = OutgoingEmail._meta.get_field("subject").max_length
    return _one_line(f"[{meeting.short_name}] {subject}")[:max_length]


def _span(starts: datetime.datetime, ends: datetime.datetime, *, with_date: bool = True) -> str:
    zone = starts.tzname()
    # The formats are translated: each language words dates its own way ("1 de febrero de 2022").
    if starts.date() != ends.date():
        moment = _("l j F Y, H:i")
        return f"{date_format(starts, moment)} – {date_format(ends, moment)} {zone}"
    times = f"{starts:%H:%M}–{ends:%H:%M} {zone}"
    day = date_format(starts, _("l j F Y"))
    return f"{day}, {times}" if with_date else times


def meeting_when(*, meeting: Meeting) -> dict[str, str]:
    """The meeting's date and time in its own zone (CET for Europe/Paris in winter) and in UTC."""
    starts = timezone.localtime(meeting.starts_at, meeting.tzinfo)
    ends = timezone.localtime(meeting.ends_at, meeting.tzinfo)
    starts_utc = meeting.starts_at.astimezone(datetime.UTC)
    ends_utc = meeting.ends_at.astimezone(datetime.UTC)
    local = _span(starts, ends)
    # The UTC date is repeated only when it is not the local one (a late evening start in Europe).
    utc = _span(starts_utc, ends_utc, with_date=starts_utc.date() != starts.date())
    return {"local": local, "utc": utc, "both": f"{local} ({utc})"}


def manage_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("registration:manage", args=[registration.manage_token])


def _meeting_context(*, meeting: Meeting) -> dict[str, Any]:
    """What every email about `meeting` shows, in the active language."""
    return {
        "meeting": meeting,
        "when": meeting_when(meeting=meeting),
        "agenda_url": settings.SITE_URL + reverse("agenda:agenda"),
        "calendar_url": settings.SITE_URL + reverse("agenda:calendar"),
        "site_url": settings.SITE_URL,
    }


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    text = render_to_string(f"registration/email/{name}.txt", context)
    # Template tags leave blank lines behind; plain text should read as typed.
    text = BLANK_LINES.sub("\n\n", text).strip() + "\n"
    html = render_to_string(f"registration/email/{name}.html", context)
    return text, html


def _subject_for(*, registration: Registration, kind: str) -> str:
    if kind == OutgoingEmail.Kind.CONFIRMATION:
        if registration.status == Registration.Status.PENDING:
            return _("We have received your registration")
        return _("Your registration is confirmed")
    if kind == OutgoingEmail.Kind.DECISION:
        if registration.status == Registration.Status.ACTIVE:
            return _("Your registration is confirmed")
        return _("About your registration")
    return _(SUBJECTS[kind])


def _email_build(
    *,
    registration: Registration,
    kind: str,
    reminder: Reminder | None = None,
    meeting_contexts: dict[str, dict[str, Any]] | None = None,
) -> OutgoingEmail:
    """The row for one email, rendered in the registrant's language.

    `meeting_contexts` (language → meeting context) lets a batch of reminders about one meeting
    format its dates and links once per language instead of once per registrant.
    """
    meeting = registration.meeting
    language = registration.language or settings.LANGUAGE_CODE
    meeting_contexts = {} if meeting_contexts is None else meeting_contexts
    with translation.override(language):
        if language not in meeting_contexts:
            meeting_contexts[language] = _meeting_context(meeting=meeting)
        context = {
            **meeting_contexts[language],
            "registration": registration,
            "manage_url": manage_url(registration),
        }
        if reminder is not None:
            subject, text, html = _reminder_render(reminder=reminder, context=context)
        else:
            subject = _subject_for(registration=registration, kind=kind)
            text, html = _render(TEMPLATES[kind], context)
    return OutgoingEmail(
        registration=registration,
        reminder=reminder,
        kind=kind,
        to_email=registration.email,
        subject=_subject(meeting=meeting, subject=subject),
        body_text=text,
        body_html=html,
        attach_calendar=kind in (OutgoingEmail.Kind.CONFIRMATION, OutgoingEmail.Kind.CHANGE)
        or (kind == OutgoingEmail.Kind.DECISION and registration.status == Registration.Status.ACTIVE),
        # Chosen before the first try and kept across retries: if a message ever arrives twice,
        # mail clients that collapse equal Message-IDs (Gmail does) show it once.
        message_id=email_message_id_new(),
    )


def email_queue(*, registration: Registration, kind: str, reminder: Reminder | None = None) -> OutgoingEmail:
    """Write the email row for `registration` and queue its sending once the transaction commits."""
    if (reminder is None) == (kind == OutgoingEmail.Kind.REMINDER):
        raise ValueError("A reminder email needs its reminder, and only a reminder email has one.")
    email = _email_build(registration=registration, kind=kind, reminder=reminder)
    email.save()
    transaction.on_commit(partial(email_dispatch, email_ids=[email.pk]))
    return email


def email_queue_to(
    *, registration: Registration, kind: str, to_email: str, subject: str, template: str, context: dict[str, Any]
) -> OutgoingEmail:
    """Write and queue an email about `registration` to `to_email`, in the registrant's language.

    The template sees only the meeting and `context`: none of the registration's typed details,
    so an address that is not the registrant's receives nothing the registrant wrote.
    """
    meeting = registration.meeting
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        text, html = _render(template, {"meeting": meeting, **context})
        subject = _subject(meeting=meeting, subject=_(subject))
    email = OutgoingEmail.objects.create(
        registration=registration,
        kind=kind,
        to_email=to_email,
        subject=subject,
        body_text=text,
        body_html=html,
        message_id=email_message_id_new(),
    )
    transaction.on_commit(partial(email_dispatch, email_ids=[email.pk]))
    return email


def email_dispatch(*, email_ids: Iterable[int]) -> int:
    """Hand rows to the broker; when it is unreachable, log and leave them for `email_requeue_stale`.

    Returns how many task messages were published.
    """
    from .tasks import send_email  # here, not at the top: the tasks module imports this one

    published = 0
    email_ids = list(email_ids)
    if not email_ids:
        return 0
    try:
        if send_email.app.conf.task_always_eager:
            # In-process (no broker): the very same task, run here and now.
            for email_id in email_ids:
                send_email.apply_async(args=[email_id])
                published += 1
            return published
        # One producer for the whole batch: a reminder run publishes thousands of messages.
        with send_email.app.producer_or_acquire() as producer:
            for email_id in email_ids:
                send_email.apply_async(args=[email_id], producer=producer)
                published += 1
    except Exception:
        # The rows are committed and queued: nothing is lost, the periodic re-queue sends them.
        logger.exception(
            "could not queue %d email(s); the periodic re-queue will send them",
            len(email_ids) - published,
            extra={"email_ids": email_ids[published : published + 20]},
        )
    return published


# Sending


def email_message_build(*, email: OutgoingEmail) -> EmailMultiAlternatives:
    """The message exactly as it goes out: text with an HTML alternative, and the .ics for confirmations."""
    registration = email.registration
    meeting = registration.meeting if registration else (email.reminder.meeting if email.reminder else None)
    headers = {
        # The moment it goes out, with an explicit offset (Django's default writes "-0000").
        "Date": format_datetime(timezone.now()),
        "Message-ID": email.message_id or email_message_id_new(),
        # RFC 3834: tells auto-responders not to answer, and marks the message as machine-sent.
        "Auto-Submitted": "auto-generated",
        # Exchange and Outlook (common in UN agencies) otherwise answer with out-of-office notes.
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        reply_to=[meeting.contact_email] if meeting else None,
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.attach_calendar and meeting:
        # The calendar's texts in the language the email was written in.
        with translation.override(registration.language if registration else settings.LANGUAGE_CODE):
            ical = meeting_ical(meeting=meeting, site_url=settings.SITE_URL)
        message.attach(f"{meeting.slug}.ics", ical.decode(), "text/calendar")
    return message


def smtp_error_is_transient(exc: BaseException) -> bool:
    """Whether another try may succeed: 4xx replies and lost connections, not 5xx refusals."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        # For example STARTTLS not offered: a configuration problem no retry will fix.
        return False
    # ConnectionError, socket.timeout (TimeoutError), DNS failures: all OSError.
    return isinstance(exc, OSError)


def email_retry_delay(*, attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed try: doubling from RETRY_FIRST_DELAY, capped."""
    return min(RETRY_FIRST_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def _skip_reason(email: OutgoingEmail, now: datetime.datetime) -> str:
    registration = email.registration
    if registration is not None and registration.anonymised_at:
        return "The registration's personal data has been removed."
    if email.kind != OutgoingEmail.Kind.REMINDER:
        return ""
    if registration is None or registration.status != Registration.Status.ACTIVE:
        return "The registration is no longer active."
    if email.reminder.meeting.ends_at <= now:
        return "The meeting is over."
    return ""


def email_send(*, email_id: int, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """Send one email row at most once; return the delay before a retry when a transient error left it queued.

    Safe to run twice or in two workers at once: the row is locked while it moves from queued to
    sending, and only a queued row is sent.
    """
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(of=("self",))
            .select_related("registration__meeting", "reminder__meeting")
            .filter(pk=email_id)
            .first()
        )
        if email is None:
            logger.warning("email %s is gone; nothing to send", email_id)
            return None
        if email.status != OutgoingEmail.Status.QUEUED:
            # Sent, failed, skipped, or another worker holds it as "sending".
            return None
        if reason := _skip_reason(email, now or timezone.now()):
            email.mark_skipped(reason=reason)
            return None
        email.mark_sending()

    # Outside the transaction: a row lock must not be held through a slow SMTP conversation.
    try:
        email_message_build(email=email).send()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row, none is lost
        return _email_send_failed(email=email, exc=exc)
    email.mark_sent(message_id=email.message_id)
    logger.info("email sent", extra={"email_id": email.pk, "kind": email.kind})
    return None


def _email_send_failed(*, email: OutgoingEmail, exc: Exception) -> datetime.timedelta | None:
    error = f"{type(exc).__name__}: {exc}"
    if smtp_error_is_transient(exc) and email.attempts < MAX_ATTEMPTS:
        delay = email_retry_delay(attempts=email.attempts)
        email.mark_queued(error=error, retry_at=timezone.now() + delay)
        logger.warning("email %s: transient error, retrying in %s: %s", email.pk, delay, error)
        return delay
    email.mark_failed(error=error)
    logger.error("email %s failed after %d attempt(s): %s", email.pk, email.attempts, error, exc_info=exc)
    return None


def email_requeue_stale(*, now: datetime.datetime) -> int:
    """Queue again the rows whose task was lost; return how many were queued.

    A row left "sending" past REQUEUE_SENDING_AFTER belongs to a worker that died. Sending it
    again risks one duplicate when that worker died after the server accepted the message and
    before the row was marked sent; the alternative, never sending it, loses a confirmation
    whenever a worker is killed mid-send, which is the worse failure for a registrant.
    """
    with transaction.atomic():
        stale_sending = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutgoingEmail.Status.SENDING, sending_started_at__lt=now - REQUEUE_SENDING_AFTER)
            .values_list("pk", "attempts")[:REQUEUE_LIMIT]
        )
        exhausted = [pk for pk, attempts in stale_sending if attempts >= MAX_ATTEMPTS]
        OutgoingEmail.objects.filter(pk__in=exhausted).update(
            status=OutgoingEmail.Status.FAILED, last_error="The worker stopped while sending, on every attempt."
        )
        revived = [pk for pk, attempts in stale_sending if attempts < MAX_ATTEMPTS]
        OutgoingEmail.objects.filter(pk__in=revived).update(
            status=OutgoingEmail.Status.QUEUED,
            last_error="The worker stopped while sending; sent again.",
            next_attempt_at=now,
        )
        lost = list(
            OutgoingEmail.objects.filter(
                status=OutgoingEmail.Status.QUEUED, next_attempt_at__lt=now - REQUEUE_QUEUED_AFTER
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:REQUEUE_LIMIT]
        )
        # Not requeued again for another REQUEUE_QUEUED_AFTER, so a long backlog in the
        # broker does not fill it with copies of the same message.
        OutgoingEmail.objects.filter(pk__in=lost).update(next_attempt_at=now)
        email_ids = revived + lost
        transaction.on_commit(partial(email_dispatch, email_ids=email_ids))
    if email_ids:
        logger.info("re-queued %d email(s)", len(email_ids))
    return len(email_ids)


# Organiser actions (the admin calls these)


@transaction.atomic
def email_resend_confirmation(*, registration: Registration) -> OutgoingEmail:
    """Queue a fresh confirmation with the registration's current details and the .ics."""
    return email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)


def email_retry_failed(*, emails: QuerySet[OutgoingEmail]) -> int:
    """Queue the failed rows among `emails` again with a fresh set of attempts; return how many.

    The last error stays on the row until a send succeeds, so the admin still shows why it failed.
    """
    with transaction.atomic():
        # Through a subquery: the admin's queryset may join nullable relations, which
        # PostgreSQL refuses to lock.
        email_ids = list(
            OutgoingEmail.objects.filter(pk__in=emails.values("pk"), status=OutgoingEmail.Status.FAILED)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=email_ids).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        transaction.on_commit(partial(email_dispatch, email_ids=email_ids))
    return len(email_ids)


# Reminders


def reminder_placeholders(*, context: dict[str, Any]) -> dict[str, str]:
    """The values an organiser may write in a reminder's subject or body, as {first_name}."""
    registration, meeting = context["registration"], context["meeting"]
    return {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "full_name": registration.full_name,
        "meeting_title": meeting.title,
        "short_name": meeting.short_name,
        "start_time": context["when"]["both"],
        "join_link": meeting.platform_url or _("the joining link will follow by email"),
        "manage_link": context["manage_url"],
        "contact_email": meeting.contact_email,
    }


def reminder_text_fill(*, text: str, values: dict[str, str]) -> str:
    """Replace known {placeholders}; anything else in braces stays as typed.

    Deliberately not str.format: organisers' text must not reach attributes of the values.
    """
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _reminder_render(*, reminder: Reminder, context: dict[str, Any]) -> tuple[str, str, str]:
    values = reminder_placeholders(context=context)
    intro = reminder_text_fill(text=reminder.body, values=values).strip()
    context = {**context, "reminder": reminder, "intro": intro}
    text, html = _render("reminder", context)
    return reminder_text_fill(text=reminder.subject, values=values), text, html


def reminder_recipients(*, reminder: Reminder) -> QuerySet[Registration]:
    """Active registrants who have no row for this reminder and for whom it is not stale.

    Someone who registered after a "days before" reminder went out does not get it late; the
    "starting soon" reminder still reaches everyone while the meeting has not started.
    """
    already = OutgoingEmail.objects.filter(reminder=reminder, registration=OuterRef("pk"))
    registrations = Registration.objects.filter(
        meeting_id=reminder.meeting_id, status=Registration.Status.ACTIVE, anonymised_at__isnull=True
    ).exclude(Exists(already))
    if reminder.kind == Reminder.Kind.DAYS_BEFORE:
        registrations = registrations.filter(created_at__lte=reminder.send_at)
    # The listening language is in every reminder: joined here, not fetched per registrant.
    return registrations.select_related("listening_language").order_by("pk")


def reminder_send(*, reminder: Reminder, batch_size: int | None = None) -> int:
    """Write and queue this reminder for each registrant who has not had it; return how many rows were created.

    A constant number of queries per batch of `batch_size` registrants, whatever their number.
    """
    batch_size = batch_size or REMINDER_BATCH_SIZE
    created = 0
    last_pk = 0
    recipients = reminder_recipients(reminder=reminder)
    while batch := list(recipients.filter(pk__gt=last_pk)[:batch_size]):
        last_pk = batch[-1].pk
        created += reminder_batch_queue(reminder=reminder, registrations=batch)
    return created


def reminder_batch_queue(*, reminder: Reminder, registrations: list[Registration]) -> int:
    """Write this reminder's rows for `registrations` in one transaction and queue the rows written here."""
    emails = []
    meeting_contexts = {}
    for registration in registrations:
        # The meeting is the reminder's, already loaded: no query per registrant.
        registration.meeting = reminder.meeting
        emails.append(
            _email_build(
                registration=registration,
                kind=OutgoingEmail.Kind.REMINDER,
                reminder=reminder,
                meeting_contexts=meeting_contexts,
            )
        )
    with transaction.atomic():
        # A concurrent run (beat firing twice, two workers) may have written some of these rows:
        # the unique constraint drops ours, and our random Message-IDs tell which rows are ours,
        # so only those are queued.
        OutgoingEmail.objects.bulk_create(emails, ignore_conflicts=True)
        email_ids = list(
            OutgoingEmail.objects.filter(
                reminder=reminder, message_id__in=[email.message_id for email in emails]
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(partial(email_dispatch, email_ids=email_ids))
    return len(email_ids)


def reminder_send_due(*, now: datetime.datetime) -> int:
    """Queue the reminders that are due for meetings not yet started; return how many rows were created.

    Per meeting only the latest due reminder goes out: after an outage, a "one week before"
    reminder overtaken by the "one day before" one is not sent late beside it.
    """
    latest_due: dict[int, Reminder] = {}
    for reminder in Reminder.objects.filter(meeting__starts_at__gt=now).select_related("meeting"):
        current = latest_due.get(reminder.meeting_id)
        if reminder.send_at <= now and (current is None or reminder.send_at > current.send_at):
            latest_due[reminder.meeting_id] = reminder
    created = sum(reminder_send(reminder=reminder) for reminder in latest_due.values())
    if created:
        logger.info("queued %d reminder(s)", created)
    return created


def _in_each_language(**texts) -> dict[str, str]:
    """Each lazily translated text in every site language, as the per-language fields of registration/translation.py."""
    values = {}
    for code in [settings.LANGUAGE_CODE] + [code for code, _name in settings.LANGUAGES]:
        with translation.override(code):
            for name, text in texts.items():
                values[build_localized_fieldname(name, code)] = str(text)
                if code == settings.LANGUAGE_CODE:
                    values[name] = str(text)
    return values


def reminder_create_defaults(*, meeting: Meeting) -> list[Reminder]:
    """The reminders a new meeting starts with: 7 days and 1 day before at 09:00 its time, and 60 minutes before.

    Their subject and body are written in every site language, so each registrant's reminder is in theirs.
    """
    if meeting.reminders.exists():
        return []
    body = gettext_lazy(
        "Dear {first_name},\n\n"
        "This is a reminder that {meeting_title} takes place on {start_time}.\n\n"
        "How to join: {join_link}"
    )
    days_before = ((7, gettext_lazy("The meeting is in one week")), (1, gettext_lazy("The meeting is tomorrow")))
    reminders = [
        Reminder(
            meeting=meeting,
            kind=Reminder.Kind.DAYS_BEFORE,
            days_before=days,
            local_time=datetime.time(9, 0),
            **_in_each_language(subject=subject, body=body),
        )
        for days, subject in days_before
    ]
    reminders.append(
        Reminder(
            meeting=meeting,
            kind=Reminder.Kind.STARTING_SOON,
            minutes_before=60,
            **_in_each_language(
                subject=gettext_lazy("The meeting starts in one hour"),
                body=gettext_lazy(
                    "Dear {first_name},\n\n{meeting_title} starts at {start_time}.\n\nJoin here: {join_link}"
                ),
            ),
        )
    )
    return Reminder.objects.bulk_create(reminders)
