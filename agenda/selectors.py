"""Reads for the agenda pages, each a fixed number of queries whatever the number of rows."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from agenda.cache import Built, cached
from agenda.models import ImrfSession, ImrfSessionPoint, Meeting, NoteParagraph, Speaker
from agenda.note_text import Renderer


def meeting_get_published(*, slug: str) -> Meeting:
    """The published meeting at /<slug>/, or 404 for a draft or an unknown slug.

    Kept per process until agenda data changes, as the pages are; a draft or unknown slug is not kept.
    """
    published = Meeting.objects.filter(is_published=True)
    meeting = cached(f"meeting:slug:{slug}", build=lambda: Built(published.filter(slug=slug).first()))
    if meeting is None:
        raise Http404("No published meeting has this address.")
    return meeting


def meeting_get_legacy() -> Meeting:
    """The meeting the site's addresses from before several meetings (/agenda/, /register/, /meeting.ics) meant.

    The site then served a single meeting, the concept note's, loaded first: so the oldest published
    meeting by primary key, whichever meetings are added after it.
    """
    published = Meeting.objects.filter(is_published=True)
    meeting = cached("meeting:legacy", build=lambda: Built(published.order_by("pk").first()))
    if meeting is None:
        raise Http404("No meeting has been published yet: run `python manage.py load_imrf`.")
    return meeting


@dataclass(frozen=True)
class PublicMeetings:
    upcoming: list  # soonest first
    past: list  # latest first


def meetings_list_public(*, now: datetime.datetime) -> PublicMeetings:
    """Published meetings, those not yet over and those over; drafts never."""
    meetings = list(Meeting.objects.filter(is_published=True).order_by("starts_at", "pk"))
    return PublicMeetings(
        upcoming=[meeting for meeting in meetings if meeting.ends_at > now],
        past=[meeting for meeting in reversed(meetings) if meeting.ends_at <= now],
    )


@dataclass(frozen=True)
class SessionGrid:
    """Annex 1 as a table: days as columns, morning and afternoon as rows."""

    days: list
    rows: list  # [(period label, [session or None per day])]

    @property
    def by_day(self) -> list:
        """[(day, [(period label, session), ...])]: the grid read day by day, as a phone shows it."""
        return [
            (day, [(period, cells[index]) for period, cells in self.rows if cells[index]])
            for index, day in enumerate(self.days)
        ]


def imrf_session_grid(*, meeting: Meeting) -> SessionGrid:
    sessions = list(
        meeting.imrf_sessions.prefetch_related(
            Prefetch("points", queryset=ImrfSessionPoint.objects.order_by("position"))
        )
    )
    days = sorted({session.date for session in sessions})
    by_slot = {(session.date, session.period): session for session in sessions}
    rows = [
        (period.label, [by_slot.get((day, period.value)) for day in days])
        for period in (ImrfSession.Period.MORNING, ImrfSession.Period.AFTERNOON)
    ]
    return SessionGrid(days=days, rows=rows)


def agenda_items_list(*, meeting: Meeting):
    return meeting.agenda_items.prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.order_by("position"))
    ).order_by("starts_at", "position")


def roundtables_list(*, meeting: Meeting):
    return meeting.roundtables.prefetch_related("objectives").order_by("number")


def meeting_any_moderated() -> bool:
    """Whether any meeting asks organisers to approve each registration."""
    return Meeting.objects.filter(requires_approval=True).exists()


@dataclass(frozen=True)
class NoteSectionView:
    section: object
    blocks: list  # [(kind, [html, ...])]: a paragraph's one text, or a list's items


@dataclass(frozen=True)
class ConceptNote:
    sections: list[NoteSectionView]
    footnotes: list  # [(footnote, html, cited)]


def concept_note_get(*, meeting: Meeting) -> ConceptNote:
    """The note's sections in order, consecutive list items grouped into one list, and its footnotes."""
    footnotes = list(meeting.note_footnotes.order_by("number"))
    renderer = Renderer(
        urls=dict(meeting.note_links.values_list("key", "url")),
        footnotes={footnote.number for footnote in footnotes},
    )
    sections = []
    for section in meeting.note_sections.prefetch_related(
        Prefetch("paragraphs", queryset=NoteParagraph.objects.order_by("position"))
    ).order_by("position"):
        blocks = []
        for paragraph in section.paragraphs.all():
            html = renderer.html(paragraph.text)
            if paragraph.kind == NoteParagraph.Kind.ITEM and blocks and blocks[-1][0] == NoteParagraph.Kind.ITEM:
                blocks[-1][1].append(html)
            else:
                blocks.append((paragraph.kind, [html]))
        sections.append(NoteSectionView(section=section, blocks=blocks))
    rendered = [(footnote, renderer.html(footnote.text)) for footnote in footnotes]
    return ConceptNote(
        sections=sections,
        footnotes=[(footnote, html, footnote.number in renderer.referenced) for footnote, html in rendered],
    )


def meetings_for_user(user) -> QuerySet[Meeting]:
    """The meetings `user` works on in the admin: every one for a superuser, else those whose team they are in.

    The one question every organiser page asks before showing anything; what a user may do there is
    still their groups' permissions. A staff user in no team gets none, not all.
    """
    if not (user.is_active and user.is_staff):
        return Meeting.objects.none()
    if user.is_superuser:
        return Meeting.objects.all()
    return Meeting.objects.filter(team=user)


def meeting_for_user_chosen(
    *, user, meeting_id: str | None, upcoming_first: bool = False
) -> tuple[list[Meeting], Meeting | None]:
    """The user's meetings, latest first, and the one asked for by id (the latest when none is asked for).

    With `upcoming_first`, none asked for means the next meeting not yet over (the one being prepared,
    not a draft copied for next year), and the latest only when every meeting is over.
    An id that is not one of the user's meetings raises Http404, the answer to a meeting that does
    not exist: a user cannot tell another team's meeting from a missing one.
    """
    meetings = list(meetings_for_user(user).order_by("-starts_at"))
    if not meeting_id:
        if upcoming_first:
            now = timezone.now()
            coming = [meeting for meeting in meetings if meeting.ends_at >= now]
            if coming:
                return meetings, coming[-1]
        return meetings, (meetings[0] if meetings else None)
    chosen = next((meeting for meeting in meetings if str(meeting.pk) == meeting_id), None)
    if chosen is None:
        raise Http404("No such meeting.")
    return meetings, chosen
