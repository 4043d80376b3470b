"""Composing emails: subjects and bodies in the participant's language, reminder texts, headers and the .ics."""

import datetime
import re
from collections.abc import Callable
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agenda.calendar import invitation_ical
from agenda.dates import date_words
from agenda.models import Meeting
from registration.greetings import greeting
from registration.mail.invitations import invitation_to_send
from registration.models import OutgoingEmail, Registration, Reminder
from registration.online.joining import Joining, joining_for
from registration.secret_links import manage_url
from registration.typed_text import names_for_email, recognisable_details

SUBJECTS = {
    OutgoingEmail.Kind.MANAGE_LINK: translation.gettext_noop("Your registration link"),
    OutgoingEmail.Kind.CHANGE: translation.gettext_noop("Your registration has been updated"),
    OutgoingEmail.Kind.CANCELLATION: translation.gettext_noop("Your registration is cancelled"),
    OutgoingEmail.Kind.JOINING_CHANGED: translation.gettext_noop("The joining details have changed"),
    OutgoingEmail.Kind.CALENDAR_UPDATE: translation.gettext_noop("The meeting's time has changed"),
    OutgoingEmail.Kind.WAITING_LIST: translation.gettext_noop("You are on the waiting list"),
    OutgoingEmail.Kind.PLACE_OFFER: translation.gettext_noop("A place is offered to you"),
}
TEMPLATES = {
    OutgoingEmail.Kind.CONFIRMATION: "confirmation",
    OutgoingEmail.Kind.MANAGE_LINK: "manage_link",
    OutgoingEmail.Kind.CHANGE: "change",
    OutgoingEmail.Kind.CANCELLATION: "cancellation",
    OutgoingEmail.Kind.DECISION: "decision",
    OutgoingEmail.Kind.JOINING_CHANGED: "joining_changed",
    OutgoingEmail.Kind.FLOOR_DECISION: "floor_decision",
    OutgoingEmail.Kind.CALENDAR_UPDATE: "calendar_update",
    OutgoingEmail.Kind.WAITING_LIST: "waiting_list",
    OutgoingEmail.Kind.PLACE_OFFER: "place_offer",
}
# The emails whose .ics may carry the joining link in its location: only those to active registrations.
JOINING_KINDS = (OutgoingEmail.Kind.REMINDER, OutgoingEmail.Kind.JOINING_CHANGED, OutgoingEmail.Kind.FLOOR_DECISION)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ADDRESS_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def email_message_id_new() -> str:
    """A Message-ID on the domain of DEFAULT_FROM_EMAIL, as receiving servers expect of the sender."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return make_msgid(domain=domain or str(DNS_NAME))


def _one_line(text: str) -> str:
    # Names come from a web form; a line break in a subject would be a header injection.
    return " ".join(text.split())


def email_sender(*, meeting: Meeting) -> str:
    """DEFAULT_FROM_EMAIL's address under the meeting's short name in the active language.

    The reader sees who writes in their own language ("100 jours avant le Forum"); the address,
    which receiving servers check against the domain's SPF and DKIM records, stays the configured one.
    """
    name = _one_line(meeting.short_name or meeting.title) or parseaddr(settings.DEFAULT_FROM_EMAIL)[0]
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if not name:
        return address
    if ADDRESS_SPECIALS.search(name):
        # RFC 5322: a name with a comma, colon, quote… is written as a quoted string.
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def _subject(*, meeting: Meeting, subject: str) -> str:
    max_length = OutgoingEmail._meta.get_field("subject").max_length
    return _one_line(f"[{meeting.short_name}] {subject}")[:max_length]


def _span(starts: datetime.datetime, ends: datetime.datetime, *, with_date: bool = True) -> str:
    zone = starts.tzname()
    # The formats are translated: each language words dates its own way ("1 de febrero de 2022",
    # "1er février 2022").
    if starts.date() != ends.date():
        moment = _("l j F Y, H:i")
        return f"{date_words(starts, moment)} – {date_words(ends, moment)} {zone}"
    times = f"{starts:%H:%M}–{ends:%H:%M} {zone}"
    day = date_words(starts, _("l j F Y"))
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


def _meeting_context(*, meeting: Meeting) -> dict[str, Any]:
    """What every email about `meeting` shows, in the active language."""
    return {
        "meeting": meeting,
        "when": meeting_when(meeting=meeting),
        "agenda_url": settings.SITE_URL + reverse("agenda:agenda", args=[meeting.slug]),
        "calendar_url": settings.SITE_URL + reverse("agenda:calendar", args=[meeting.slug]),
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
    if kind == OutgoingEmail.Kind.FLOOR_DECISION:
        if registration.floor_decision.decision == registration.floor_decision.Decision.ACCEPTED:
            return _("You are on the speakers' list")
        return _("Your request to take the floor")
    return _(SUBJECTS[kind])


def email_build(
    *,
    registration: Registration,
    kind: str,
    reminder: Reminder | None = None,
    meeting_contexts: dict[str, dict[str, Any]] | None = None,
    joining: Joining | None = None,
    extra: dict[str, Any] | None = None,
) -> OutgoingEmail:
    """The unsaved row for one email to the registrant, rendered in the registrant's language.

    `meeting_contexts` (language → meeting context) lets a batch of reminders about one meeting
    format its dates and links once per language instead of once per registrant. `joining` is
    given only when the registrant may have the joining details (`joining_for`); `extra` adds to
    the template's context.
    """
    if (reminder is None) == (kind == OutgoingEmail.Kind.REMINDER):
        raise ValueError("A reminder email needs its reminder, and only a reminder email has one.")
    meeting = registration.meeting
    language = registration.email_language
    meeting_contexts = {} if meeting_contexts is None else meeting_contexts
    with translation.override(language):
        if language not in meeting_contexts:
            meeting_contexts[language] = _meeting_context(meeting=meeting)
        context = {
            **meeting_contexts[language],
            "registration": registration,
            # What the confirmation may repeat of the typed text: it can reach an address nobody has proven.
            "recognisable": recognisable_details(name=registration.full_name, organisation=registration.organisation),
            "manage_url": manage_url(registration=registration),
            "greeting": greeting(registration=registration),
            "joining": joining,
            **(extra or {}),
        }
        if reminder is not None:
            subject, text, html = _reminder_render(reminder=reminder, context=context)
        else:
            subject = _subject_for(registration=registration, kind=kind)
            text, html = _render(TEMPLATES[kind], context)
        # Inside the participant's language too: the prefix is the meeting's short name in that language.
        subject = _subject(meeting=meeting, subject=subject)
    return OutgoingEmail(
        registration=registration,
        reminder=reminder,
        kind=kind,
        to_email=registration.email,
        subject=subject,
        body_text=text,
        body_html=html,
        attach_calendar=_attaches_calendar(registration=registration, kind=kind, joining=joining),
        # Chosen before the first try and kept across retries: if a message ever arrives twice,
        # mail clients that collapse equal Message-IDs (Gmail does) show it once.
        message_id=email_message_id_new(),
    )


# The emails that carry the registration's calendar invitation, or its withdrawal: which of the two (or
# neither, for a pending registration) is decided when the email goes out (`invitation_to_send`).
CALENDAR_KINDS = (
    OutgoingEmail.Kind.CONFIRMATION,
    OutgoingEmail.Kind.CHANGE,
    OutgoingEmail.Kind.DECISION,
    OutgoingEmail.Kind.CANCELLATION,
    OutgoingEmail.Kind.CALENDAR_UPDATE,
)


def _attaches_calendar(*, registration: Registration, kind: str, joining: Joining | None) -> bool:
    return kind in CALENDAR_KINDS or joining is not None


def email_build_unrendered(*, registration: Registration, kind: str) -> OutgoingEmail:
    """The unsaved row for an email to the registrant whose subject and texts are written when it is sent.

    Rendering two templates costs a registration more than its own insert, so the confirmation is
    rendered by the worker (`email_render`), in the language stored on the registration in the same
    transaction. An empty `body_text` marks such a row: every rendered text ends with a line break.
    """
    return email_build_unrendered_to(
        registration_id=registration.pk,
        to_email=registration.email,
        kind=kind,
        attach_calendar=_attaches_calendar(registration=registration, kind=kind, joining=None),
    )


def email_build_unrendered_to(
    *, registration_id: Any, to_email: str, kind: str, attach_calendar: bool
) -> OutgoingEmail:
    """`email_build_unrendered` for a registration named by its id, or by an expression the insert resolves."""
    if kind == OutgoingEmail.Kind.REMINDER:
        raise ValueError("A reminder email is rendered when it is written.")
    return OutgoingEmail(
        registration_id=registration_id,
        kind=kind,
        to_email=to_email,
        subject="",
        body_text="",
        body_html="",
        attach_calendar=attach_calendar,
        message_id=email_message_id_new(),
    )


def email_render(*, email: OutgoingEmail) -> None:
    """Write the subject and texts of a row from `email_build_unrendered`, as the registration now stands."""
    built = email_build(registration=email.registration, kind=email.kind)
    email.subject, email.body_text, email.body_html = built.subject, built.body_text, built.body_html
    # To the address as it now stands too: the texts hold the manage link, which an address the
    # organisers corrected meanwhile must not receive (it is told of the change, without the link).
    email.to_email = built.to_email


def email_build_to(
    *, registration: Registration, kind: str, to_email: str, subject: str, template: str, context: dict[str, Any]
) -> OutgoingEmail:
    """The unsaved row for an email about `registration` to `to_email`, in the registrant's language.

    The template sees only the meeting and `context`: none of the registration's typed details,
    so an address that is not the registrant's receives nothing the registrant wrote.
    """
    meeting = registration.meeting
    with translation.override(registration.email_language):
        text, html = _render(template, {"meeting": meeting, **context})
        subject = _subject(meeting=meeting, subject=_(subject))
    return OutgoingEmail(
        registration=registration,
        kind=kind,
        to_email=to_email,
        subject=subject,
        body_text=text,
        body_html=html,
        message_id=email_message_id_new(),
    )


def email_message_build(*, email: OutgoingEmail) -> EmailMultiAlternatives:
    """The message exactly as it goes out: text with an HTML alternative, and the .ics for confirmations."""
    registration = email.registration
    meeting = registration.meeting
    headers = {
        # The moment it goes out, with an explicit offset (Django's default writes "-0000").
        "Date": format_datetime(timezone.now()),
        "Message-ID": email.message_id or email_message_id_new(),
        # RFC 3834: tells auto-responders not to answer, and marks the message as machine-sent.
        "Auto-Submitted": "auto-generated",
        # Exchange and Outlook (common in UN agencies) otherwise answer with out-of-office notes.
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }
    with translation.override(registration.email_language):
        from_email = email_sender(meeting=meeting)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=from_email,
        to=[email.to_email],
        reply_to=[meeting.contact_email],
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.attach_calendar:
        _calendar_attach(message=message, email=email)
    if email.attachment:
        made = ATTACHMENT_MAKERS[email.attachment](email)
        if made is not None:
            message.attach(*made)
    return message


# What an email's `attachment` names, made when it is sent (file name, content, type), or None when its reader
# has none. Filled by the apps that make such files (documents: "certificate"), which registration never imports.
ATTACHMENT_MAKERS: dict[str, Callable[[OutgoingEmail], tuple[str, bytes, str] | None]] = {}


def email_attachment_register(*, name: str, make: Callable[[OutgoingEmail], tuple[str, bytes, str] | None]) -> None:
    """Say how the attachment `name` is made for an email; each name once."""
    if name in ATTACHMENT_MAKERS:
        raise ValueError(f"attachment {name!r} is registered already")
    ATTACHMENT_MAKERS[name] = make


def _calendar_attach(*, message: EmailMultiAlternatives, email: OutgoingEmail) -> None:
    """Attach the invitation (or its withdrawal) as the registration now stands; nothing for a pending one."""
    registration = email.registration
    invitation = invitation_to_send(registration=registration)
    if invitation is None or (invitation.method == "REQUEST" and email.kind == OutgoingEmail.Kind.CANCELLATION):
        # A cancellation restored before it went out says "cancelled": it must not also invite.
        return
    meeting = registration.meeting
    joining = None
    if invitation.method == "REQUEST":
        # The link as it is now: one changed since the row was written is the one that works. Emails
        # about the joining details carry it whenever they are sent; others once it is due to be shown,
        # so an update does not take the link out of a calendar that has it.
        joining = joining_for(registration=registration, at=None if email.kind in JOINING_KINDS else timezone.now())
    # The calendar's texts in the language the email was written in.
    with translation.override(registration.email_language):
        ical = invitation_ical(
            meeting=meeting,
            site_url=settings.SITE_URL,
            method=invitation.method,
            uid=invitation.uid,
            sequence=invitation.sequence,
            attendee_email=registration.email,
            # Shown beside the address by calendar clients: no typed lure there either (issue 19, point 4).
            attendee_name=_names(registration)["full_name"],
            joining_url=joining.url if joining else "",
        )
    # text/calendar with its method: how Outlook and Gmail tell an invitation from a plain file.
    message.attach(f"{meeting.slug}.ics", ical.decode(), f"text/calendar; method={invitation.method}")


# Reminder texts: organisers write them, with placeholders filled per registrant.


def _names(registration: Registration) -> dict[str, str]:
    return names_for_email(
        honorific=registration.honorific, first_name=registration.first_name, last_name=registration.last_name
    )


def reminder_placeholders(*, context: dict[str, Any]) -> dict[str, str]:
    """The values an organiser may write in a reminder's subject or body, as {first_name}."""
    registration, meeting = context["registration"], context["meeting"]
    return {
        "greeting": context["greeting"],
        **_names(registration),
        "meeting_title": meeting.title,
        "short_name": meeting.short_name,
        "start_time": context["when"]["both"],
        "join_link": context["joining"].url if context.get("joining") else _("the joining link will follow by email"),
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
