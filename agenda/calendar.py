"""The meeting as an iCalendar (RFC 5545) file, for the “Add to calendar” link and email attachments."""

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting


def meeting_ical(*, meeting: Meeting, site_url: str, joining_url: str = "") -> bytes:
    """The calendar file, its texts in the active language.

    `joining_url` is for the copy attached to a registered participant's email only: the file served
    to anyone at /<slug>/meeting.ics names the platform and never carries a link to the meeting.
    """
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
    # A stable UID lets calendars update the event instead of adding a second one.
    event.add("uid", f"{meeting.slug}@{site_url.split('://', 1)[-1]}")
    event.add("dtstamp", meeting.updated_at or timezone.now())
    event.add("summary", meeting.title)
    event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
    event.add("dtend", timezone.localtime(meeting.ends_at, tz))
    event.add("description", description)
    event.add("location", joining_url or meeting.platform or meeting.get_format_display())
    if joining_url:
        event.add("url", joining_url)
    event.add("organizer", f"mailto:{meeting.contact_email}")

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//IMRF event registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
