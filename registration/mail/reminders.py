"""Meeting reminders: a new meeting's defaults, which are due, who gets each, and writing them to the outbox once."""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from agenda.models import Meeting
from registration.mail import outbox
from registration.mail.emails import email_build
from registration.models import JoiningDetails, JoiningDetailsSent, OutgoingEmail, Registration, Reminder
from registration.online.joining import joining_for

logger = logging.getLogger(__name__)

REMINDER_BATCH_SIZE = 500


def reminder_recipients(*, reminder: Reminder) -> QuerySet[Registration]:
    """Active registrants who have no row for this reminder and for whom it is not stale.

    Someone who registered after a "days before" reminder went out does not get it late; the
    "starting soon" reminder still reaches everyone while the meeting has not started.
    """
    already = OutgoingEmail.objects.filter(reminder=reminder, registration=OuterRef("pk"))
    registrations = Registration.objects.reachable().filter(meeting_id=reminder.meeting_id).exclude(Exists(already))
    if reminder.kind == Reminder.Kind.DAYS_BEFORE:
        registrations = registrations.filter(created_at__lte=reminder.send_at)
    # The listening language and the decision on taking the floor (which joining link) are in
    # every reminder: joined here, not fetched per registrant.
    return registrations.select_related("listening_language", "floor_decision").order_by("pk")


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
    details = JoiningDetails.objects.filter(meeting_id=reminder.meeting_id).first()
    if details is not None:
        details.meeting = reminder.meeting
    with_joining = set()
    for registration in registrations:
        # The meeting is the reminder's, already loaded: no query per registrant.
        registration.meeting = reminder.meeting
        # The last reminders (due once the details are shown) carry them; earlier ones say they will follow.
        joining = joining_for(registration=registration, at=reminder.send_at, details=details) if details else None
        email = email_build(
            registration=registration,
            kind=OutgoingEmail.Kind.REMINDER,
            reminder=reminder,
            meeting_contexts=meeting_contexts,
            joining=joining,
        )
        emails.append(email)
        if joining is not None:
            with_joining.add(email.message_id)
    with transaction.atomic():
        # A concurrent run (beat firing twice, two workers) may have written some of these rows:
        # the unique constraint drops ours, and our random Message-IDs tell which rows are ours,
        # so only those are queued.
        OutgoingEmail.objects.bulk_create(emails, ignore_conflicts=True)
        ours = list(
            OutgoingEmail.objects.filter(
                reminder=reminder, message_id__in=[email.message_id for email in emails]
            ).values_list("pk", "registration_id", "message_id")
        )
        email_ids = [pk for pk, _registration_id, _message_id in ours]
        # Who had which version of the joining details: a later change goes out to them, once.
        JoiningDetailsSent.objects.bulk_create(
            [
                JoiningDetailsSent(registration_id=registration_id, version=details.version)
                for _pk, registration_id, message_id in ours
                if message_id in with_joining
            ],
            ignore_conflicts=True,
        )
        transaction.on_commit(partial(outbox.email_dispatch, email_ids=email_ids))
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
    # How to join is in the meeting block below every reminder: the default texts do not say it again.
    body = gettext_lazy("{greeting}\n\nThis is a reminder that {meeting_title} takes place on {start_time}.")
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
                body=gettext_lazy("{greeting}\n\n{meeting_title} starts at {start_time}."),
            ),
        )
    )
    return Reminder.objects.bulk_create(reminders)


def reminder_copy_all(*, source: Meeting, copy: Meeting) -> list[Reminder]:
    """`source`'s reminders, in every language, as `copy`'s only ones (in place of a new meeting's defaults).

    Reminders are set relative to the meeting's start, so they follow the copy's new date unchanged.
    """
    copy.reminders.all().delete()
    reminders = list(source.reminders.all())
    for reminder in reminders:
        reminder.pk = None
        reminder.meeting = copy
    return Reminder.objects.bulk_create(reminders)
