"""Copying a meeting as a draft for the next one, and publishing it (issue 12)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda.copying import meeting_copy
from agenda.models import Meeting
from agenda.selectors import meetings_for_user
from agenda.services import meeting_load_imrf, meeting_publish
from registration.models import OutgoingEmail, Registration
from tests.factories import MeetingFactory, OutgoingEmailFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

MEETINGS = reverse("admin:agenda_meeting_changelist")
NEXT_DAY = datetime.date(2031, 3, 4)


@pytest.fixture
def source():
    meeting = meeting_load_imrf()
    registration = RegistrationFactory(meeting=meeting)
    OutgoingEmailFactory(registration=registration)
    meeting.reminders.filter(days_before=7).update(subject_fr="La réunion a lieu dans une semaine (revu)")
    return meeting


def _local(value, meeting):
    return timezone.localtime(value, meeting.tzinfo)


def test_meeting_copy_makes_a_draft_with_the_structure_and_dates_shifted(source):
    days = (NEXT_DAY - _local(source.starts_at, source).date()).days

    copy = meeting_copy(
        meeting=source, slug="imrf-100-days-2031", title="100 days to the IMRF 2031", starts_on=NEXT_DAY
    )

    copy = Meeting.objects.get(pk=copy.pk)
    assert copy.is_published is False
    assert copy.title == "100 days to the IMRF 2031"
    assert _local(copy.starts_at, copy).date() == NEXT_DAY
    assert _local(copy.starts_at, copy).time() == _local(source.starts_at, source).time()
    assert copy.registration_deadline == source.registration_deadline + datetime.timedelta(days=days)
    assert copy.introduction_fr == source.introduction_fr != ""
    for name in ("requires_approval", "asks_diversity", "asks_accessibility", "asks_to_take_the_floor", "time_zone"):
        assert getattr(copy, name) == getattr(source, name)
    assert list(copy.interpretation_languages.all()) == list(source.interpretation_languages.all())
    for relation in ("topics", "key_dates", "agenda_items", "imrf_sessions", "roundtables", "note_links"):
        assert getattr(copy, relation).count() == getattr(source, relation).count() > 0, relation
    assert copy.note_sections.count() == source.note_sections.count()
    assert copy.note_footnotes.count() == source.note_footnotes.count()
    old_items, new_items = source.agenda_items.order_by("position"), copy.agenda_items.order_by("position")
    for old, new in zip(old_items, new_items, strict=True):
        assert (new.title_fr, new.speakers.count()) == (old.title_fr, old.speakers.count())
        assert _local(new.starts_at, copy).date() == _local(old.starts_at, source).date() + datetime.timedelta(days)
    old_sessions, new_sessions = source.imrf_sessions.all(), copy.imrf_sessions.all()
    assert [s.date + datetime.timedelta(days) for s in old_sessions] == [s.date for s in new_sessions]
    assert sum(s.points.count() for s in new_sessions) == sum(s.points.count() for s in old_sessions) > 0
    assert [list(r.objectives.all()) for r in copy.roundtables.all()] == [
        list(r.objectives.all()) for r in source.roundtables.all()
    ]
    assert sum(s.paragraphs.count() for s in copy.note_sections.all()) == sum(
        s.paragraphs.count() for s in source.note_sections.all()
    )


def test_meeting_copy_copies_the_reminders_not_the_registrations_or_emails(source):
    copy = meeting_copy(meeting=source, slug="next", title="Next", starts_on=NEXT_DAY)

    assert sorted(copy.reminders.values_list("subject_fr", flat=True)) == sorted(
        source.reminders.values_list("subject_fr", flat=True)
    )
    assert "La réunion a lieu dans une semaine (revu)" in copy.reminders.values_list("subject_fr", flat=True)
    assert not Registration.objects.filter(meeting=copy).exists()
    assert not OutgoingEmail.objects.filter(registration__meeting=copy).exists()
    assert Registration.objects.filter(meeting=source).count() == 1


def test_meeting_copy_keeps_the_team(source):
    organiser = user_create(username="organiser", group=ORGANISERS, teams=[source])

    copy = meeting_copy(meeting=source, slug="next", title="Next", starts_on=NEXT_DAY)

    assert list(copy.team.all()) == [organiser]
    assert copy in meetings_for_user(organiser)


def test_copy_is_not_among_the_published_meetings(source):
    copy = meeting_copy(meeting=source, slug="next", title="Next", starts_on=NEXT_DAY)

    # What the public site lists (its URLs per slug are the other half of issue 12).
    assert list(Meeting.objects.filter(is_published=True)) == [source]
    assert copy not in Meeting.objects.filter(is_published=True)


def test_organiser_copies_a_meeting_through_the_admin_action_and_form(client, source):
    organiser = user_create(
        username="organiser",
        group=ORGANISERS,
        teams=[source],
        permissions=["agenda.view_meeting", "agenda.add_meeting", "agenda.change_meeting"],
    )
    client.force_login(organiser)

    chosen = client.post(MEETINGS, {"action": "copy_meeting", "_selected_action": [source.pk]})
    form_page = client.get(chosen["Location"])
    copied = client.post(
        chosen["Location"], {"slug": "imrf-2031", "title": "IMRF 2031", "starts_on": NEXT_DAY.isoformat()}
    )

    assert form_page.status_code == 200
    copy = Meeting.objects.get(slug="imrf-2031")
    assert copied["Location"] == reverse("admin:agenda_meeting_change", args=[copy.pk])
    assert copy.is_published is False
    assert copy.agenda_items.count() == source.agenda_items.count()


def test_copy_form_refuses_a_taken_slug_next_to_the_field_keeping_the_values(admin_client, source):
    url = reverse("admin:agenda_meeting_copy", args=[source.pk])

    response = admin_client.post(url, {"slug": source.slug, "title": "IMRF 2031", "starts_on": "2031-03-04"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"slug": ["Another meeting already has this slug."]}
    assert 'value="IMRF 2031"' in response.content.decode()
    assert Meeting.objects.count() == 1


def test_copy_form_refuses_a_bad_date_and_slug_without_a_500(admin_client, source):
    url = reverse("admin:agenda_meeting_copy", args=[source.pk])

    response = admin_client.post(url, {"slug": "not a slug!", "title": "", "starts_on": "31/31/2031"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"slug", "title", "starts_on"}
    assert Meeting.objects.count() == 1


def test_organiser_cannot_copy_a_meeting_of_another_team(client, source):
    theirs = MeetingFactory(title="Another team's meeting")
    organiser = user_create(
        username="organiser",
        group=ORGANISERS,
        teams=[source],
        permissions=["agenda.view_meeting", "agenda.add_meeting"],
    )
    client.force_login(organiser)

    page = client.get(reverse("admin:agenda_meeting_copy", args=[theirs.pk]))
    posted = client.post(
        reverse("admin:agenda_meeting_copy", args=[theirs.pk]),
        {"slug": "stolen", "title": "Stolen", "starts_on": "2031-03-04"},
    )

    assert page.status_code == 404
    assert posted.status_code == 404
    assert not Meeting.objects.filter(slug="stolen").exists()


def test_organiser_without_the_add_permission_cannot_copy(client, source):
    client.force_login(user_create(username="organiser", teams=[source], permissions=["agenda.view_meeting"]))

    response = client.post(
        reverse("admin:agenda_meeting_copy", args=[source.pk]),
        {"slug": "next", "title": "Next", "starts_on": "2031-03-04"},
    )

    assert response.status_code == 403
    assert not Meeting.objects.filter(slug="next").exists()


def test_publish_and_unpublish_actions_go_through_the_service_once(admin_client, source):
    copy = meeting_copy(meeting=source, slug="next", title="Next", starts_on=NEXT_DAY)

    admin_client.post(MEETINGS, {"action": "publish", "_selected_action": [copy.pk]})
    copy.refresh_from_db()
    published = copy.is_published
    admin_client.post(MEETINGS, {"action": "unpublish", "_selected_action": [copy.pk]})
    copy.refresh_from_db()

    assert published is True
    assert copy.is_published is False
    assert meeting_publish(meeting=copy, published=False) is False


@pytest.mark.parametrize("slug", ["admin", "register", "Agenda"])
def test_copy_form_refuses_a_slug_of_the_sites_own_paths_beside_the_field(admin_client, source, slug):
    url = reverse("admin:agenda_meeting_copy", args=[source.pk])

    response = admin_client.post(url, {"slug": slug, "title": "IMRF 2031", "starts_on": "2031-03-04"})

    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert not Meeting.objects.filter(slug__iexact=slug).exists()
