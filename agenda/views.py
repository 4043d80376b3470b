"""Public pages of the meeting: the meeting page, the concept note, the agenda and the calendar file."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from . import selectors
from .cache import cached_page
from .calendar import meeting_ical


def _registration_closes(request):
    # While the meeting page says registration is open, it must not be served after it closes.
    meeting = selectors.meeting_get_current()
    return meeting.registration_closes_at if meeting.is_registration_open() else None


@cached_page(until=_registration_closes)
def meeting_detail(request):
    meeting = selectors.meeting_get_current()
    context = {
        "meeting": meeting,
        "topics": list(meeting.topics.all()),
        "key_dates": list(meeting.key_dates.all()),
        "languages": list(meeting.interpretation_languages.all()),
        "registration_open": meeting.is_registration_open(),
    }
    return render(request, "agenda/meeting_detail.html", context)


@cached_page()
def concept_note(request):
    meeting = selectors.meeting_get_current()
    context = {"meeting": meeting, "note": selectors.concept_note_get(meeting=meeting)}
    return render(request, "agenda/concept_note.html", context)


@cached_page()
def agenda(request):
    meeting = selectors.meeting_get_current()
    context = {
        "meeting": meeting,
        "agenda_items": selectors.agenda_items_list(meeting=meeting),
        "grid": selectors.imrf_session_grid(meeting=meeting),
        "roundtables": selectors.roundtables_list(meeting=meeting),
    }
    return render(request, "agenda/agenda.html", context)


@cached_page()
def meeting_calendar(request):
    meeting = selectors.meeting_get_current()
    response = HttpResponse(
        meeting_ical(meeting=meeting, site_url=settings.SITE_URL), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response
