"""Public pages of the meeting's documents: the full list of participants, when the team publishes it."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from agenda.selectors import meeting_get_published
from documents.models import ListOfParticipants
from documents.participants import list_of_participants_get, meeting_dates
from registration.collation import site_language


@require_safe
def participants(request, slug):
    """The list with names, read live, so a withdrawn consent or an erasure leaves it at once; 404 unless published."""
    meeting = meeting_get_published(slug=slug)
    if not ListOfParticipants.objects.filter(
        meeting=meeting, published_at__isnull=False, names_published=True
    ).exists():
        raise Http404("The list of participants of this meeting is not published.")
    language = site_language(get_language())
    context = {
        "meeting": meeting,
        "dates": meeting_dates(meeting),
        "document": list_of_participants_get(meeting=meeting, language=language),
    }
    return render(request, "documents/participants.html", context)
