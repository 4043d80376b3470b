"""The meeting as an iCalendar (RFC 5545) file, for the “Add to calendar” link and email attachments."""

import icalendar
from django.utils import timezone

from .models import Meeting


def meeting_ical(*, meeting: Meeting, site_url: str) -> bytes:
    tz = meeting.tzinfo
    join = meeting.platform_url or f"{meeting.platform}: the joining link will follow by email."
    description = "\n\n".join(
        part
        for part in (
            meeting.subtitle,
            f"How to join: {join}",
            f"Agenda: {site_url}/agenda/",
            f"Contact: {meeting.contact_email}",
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
    event.add("location", meeting.platform_url or meeting.platform)
    if meeting.platform_url:
        event.add("url", meeting.platform_url)
    event.add("organizer", f"mailto:{meeting.contact_email}")

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//IMRF event registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
