"""Public pages: the list of meetings, and each meeting's page, concept note, agenda and calendar file."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agenda import selectors
from agenda.cache import cached_page
from agenda.calendar import meeting_ical
from agenda.models import StakeholderCategory


def _list_changes(request):
    # The list says which meetings are upcoming and which take registrations: it must not be served
    # after the first of these moments passes.
    now = timezone.now()
    meetings = selectors.meetings_list_public(now=now).upcoming
    moments = [meeting.ends_at for meeting in meetings] + [
        meeting.registration_closes_at for meeting in meetings if meeting.is_registration_open(now)
    ]
    return min(moments, default=None)


@cached_page(until=_list_changes)
def meeting_list(request):
    now = timezone.now()
    meetings = selectors.meetings_list_public(now=now)
    context = {
        "upcoming": [(meeting, meeting.is_registration_open(now)) for meeting in meetings.upcoming],
        "past": meetings.past,
    }
    return render(request, "agenda/meeting_list.html", context)


def _registration_closes(request, slug):
    # While the meeting page says registration is open, it must not be served after it closes.
    meeting = selectors.meeting_get_published(slug=slug)
    return meeting.registration_closes_at if meeting.is_registration_open() else None


@cached_page(until=_registration_closes)
def meeting_detail(request, slug):
    meeting = selectors.meeting_get_published(slug=slug)
    context = {
        "meeting": meeting,
        "topics": list(meeting.topics.all()),
        "key_dates": list(meeting.key_dates.all()),
        "languages": list(meeting.interpretation_languages.all()),
        "registration_open": meeting.is_registration_open(),
        # The public form refuses them (registration/rules.py): the page says so before anyone fills it in.
        "focal_point_categories": [
            label for value, label in StakeholderCategory.choices if value in meeting.focal_point_categories
        ],
    }
    return render(request, "agenda/meeting_detail.html", context)


@cached_page()
def concept_note(request, slug):
    meeting = selectors.meeting_get_published(slug=slug)
    context = {"meeting": meeting, "note": selectors.concept_note_get(meeting=meeting)}
    return render(request, "agenda/concept_note.html", context)


@cached_page()
def agenda(request, slug):
    meeting = selectors.meeting_get_published(slug=slug)
    context = {
        "meeting": meeting,
        "agenda_items": selectors.agenda_items_list(meeting=meeting),
        "grid": selectors.imrf_session_grid(meeting=meeting),
        "roundtables": selectors.roundtables_list(meeting=meeting),
    }
    return render(request, "agenda/agenda.html", context)


def _calendar_response(meeting):
    response = HttpResponse(
        meeting_ical(meeting=meeting, site_url=settings.SITE_URL), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response


@cached_page()
def meeting_calendar(request, slug):
    return _calendar_response(selectors.meeting_get_published(slug=slug))


# The addresses of the single-meeting site, in emails already sent and in bookmarks: they lead to
# the meeting they meant (`meeting_get_legacy`).


@require_safe
def legacy_page(request, name):
    """The page `name` (a URL name taking the slug) of the legacy meeting; registration's old addresses use it too."""
    return redirect(name, slug=selectors.meeting_get_legacy().slug)


@cached_page()
def legacy_calendar(request):
    # Calendar clients subscribed to /meeting.ics may not follow a redirect: they get the calendar itself.
    return _calendar_response(selectors.meeting_get_legacy())
