"""The meeting as an iCalendar file: the public PUBLISH copy (RFC 5545), and a participant's invitation (RFC 5546)."""

import datetime

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Meeting

PRODID = "-//IMRF event registration//EN"


def _event(*, meeting: Meeting, site_url: str, joining_url: str, dtstamp: datetime.datetime) -> icalendar.Event:
    """The event's time, texts and organiser, in the active language."""
    tz = meeting.tzinfo
    join = joining_url or _("%(platform)s (the joining link will follow by email).") % {"platform": meeting.platform}
    description = "\n\n".join(
        part
        for part in (
            meeting.subtitle,
            _("How to join: %(join)s") % {"join": join},
            _("Agenda: %(url)s") % {"url": site_url + reverse("agenda:agenda", args=[meeting.slug])},
            _("Contact: %(email)s") % {"email": meeting.contact_email},
        )
        if part
    )
    event = icalendar.Event()
    event.add("dtstamp", dtstamp)
    event.add("summary", meeting.title)
    event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
    event.add("dtend", timezone.localtime(meeting.ends_at, tz))
    event.add("description", description)
    event.add("location", joining_url or meeting.platform or meeting.get_format_display())
    if joining_url:
        event.add("url", joining_url)
    organizer = icalendar.vCalAddress(f"mailto:{meeting.contact_email}")
    organizer.params["cn"] = icalendar.vText(meeting.short_name or meeting.title)
    event.add("organizer", organizer)
    return event


def _calendar(*, method: str, event: icalendar.Event) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_ical(*, meeting: Meeting, site_url: str, joining_url: str = "") -> bytes:
    """The public calendar file (METHOD:PUBLISH, no attendee), its texts in the active language.

    `joining_url` is for a copy given to a registered participant only: the file served to anyone at
    /<slug>/meeting.ics names the platform and never carries a link to the meeting.
    """
    event = _event(
        meeting=meeting, site_url=site_url, joining_url=joining_url, dtstamp=meeting.updated_at or timezone.now()
    )
    # A stable UID lets calendars update the event instead of adding a second one.
    event.add("uid", f"{meeting.slug}@{site_url.split('://', 1)[-1]}")
    return _calendar(method="PUBLISH", event=event)


def invitation_ical(
    *,
    meeting: Meeting,
    site_url: str,
    method: str,
    uid: str,
    sequence: int,
    attendee_email: str,
    attendee_name: str,
    joining_url: str = "",
) -> bytes:
    """One participant's invitation: METHOD:REQUEST adds or updates it, METHOD:CANCEL withdraws it (RFC 5546).

    A calendar client matches the two by UID and keeps the one with the higher SEQUENCE, so the
    same UID is used for the whole life of a registration, and each change raises the sequence.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"An invitation is a REQUEST or a CANCEL, not {method}.")
    event = _event(meeting=meeting, site_url=site_url, joining_url=joining_url, dtstamp=timezone.now())
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
    if attendee_name:
        attendee.params["cn"] = icalendar.vText(attendee_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("ACCEPTED" if method == "REQUEST" else "DECLINED")
    # Registering was the answer: clients are not to send a reply to the contact address.
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    return _calendar(method=method, event=event)
