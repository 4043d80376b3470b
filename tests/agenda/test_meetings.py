"""Several meetings on one site: the list at /, each meeting under /<slug>/, drafts unseen, old addresses kept."""

import datetime
import io

import icalendar
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from agenda.cache import pages_forget_local
from agenda.models import Meeting, NoteParagraph
from agenda.selectors import meeting_get_legacy
from tests.agenda.test_concept_note import _admin_post_data
from tests.factories import AgendaItemFactory, MeetingFactory

from .pages import IMRF_SLUG, parse_html

pytestmark = pytest.mark.django_db

OTHER = "regional-review"
PAGES = ["agenda:meeting", "agenda:agenda", "agenda:concept_note", "registration:register", "agenda:calendar"]


def _load(*args):
    call_command("load_imrf", *args, stdout=io.StringIO())


@pytest.fixture
def two_meetings():
    """The concept note's meeting, and the same note loaded at /regional-review/ with its own title and texts."""
    _load("--upcoming")
    _load("--upcoming", "--slug", OTHER)
    other = Meeting.objects.get(slug=OTHER)
    other.title = "Regional Review of the Global Compact"
    other.save()
    item = other.agenda_items.order_by("starts_at", "position").first()
    item.title = "Opening of the regional review"
    item.save()
    NoteParagraph.objects.filter(section__meeting=other).update(text="Only the regional review says this.")
    return Meeting.objects.get(slug=IMRF_SLUG), other


def _text(client, name, meeting):
    response = client.get(reverse(name, args=[meeting.slug]))
    assert response.status_code == 200, name
    if name == "agenda:calendar":
        event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
        return f"{event['SUMMARY']} {event['DESCRIPTION']}"
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_two_meetings_each_page_shows_only_its_own_content(client, two_meetings, name):
    imrf, other = two_meetings

    imrf_page, other_page = _text(client, name, imrf), _text(client, name, other)

    assert "100 Days to the International Migration Review Forum" in imrf_page
    assert "Regional Review of the Global Compact" not in imrf_page
    assert "Regional Review of the Global Compact" in other_page
    assert "100 Days to the International Migration Review Forum" not in other_page
    assert f"/{OTHER}/agenda/" in other_page and f"/{OTHER}/agenda/" not in imrf_page


def test_two_meetings_agenda_and_concept_note_keep_their_own_rows(client, two_meetings):
    imrf, other = two_meetings

    agendas = [_text(client, "agenda:agenda", meeting) for meeting in (imrf, other)]
    notes = [_text(client, "agenda:concept_note", meeting) for meeting in (imrf, other)]

    assert "Opening of the regional review" in agendas[1] and "Opening of the regional review" not in agendas[0]
    assert "Only the regional review says this." in notes[1]
    assert "Only the regional review says this." not in notes[0]


def test_meeting_pages_navigation_leads_to_the_same_meeting_and_the_brand_to_the_list(client, two_meetings):
    _imrf, other = two_meetings

    page = parse_html(client.get(reverse("agenda:agenda", args=[other.slug])).content)

    navigation = page.find("nav", "navbar")
    links = {link.attrs["href"] for link in navigation.find_all("a")}
    assert links == {"/", f"/{OTHER}/", f"/{OTHER}/concept-note/", f"/{OTHER}/agenda/", f"/{OTHER}/register/"}


def test_meeting_list_shows_upcoming_meetings_and_links_past_ones_with_registration_closed(client):
    now = timezone.now()
    MeetingFactory(slug="next-briefing", title="Next briefing", starts_at=now + datetime.timedelta(days=20))
    MeetingFactory(
        slug="old-briefing",
        title="Old briefing",
        starts_at=now - datetime.timedelta(days=60),
        registration_deadline=(now - datetime.timedelta(days=70)).date(),
    )

    page = client.get("/").content.decode()
    past_page = client.get("/old-briefing/").content.decode()
    past_form = client.get("/old-briefing/register/").content.decode()

    upcoming, past = page.split('id="past-heading"')
    assert 'href="/next-briefing/"' in upcoming and 'href="/next-briefing/register/"' in upcoming
    assert 'href="/old-briefing/"' in past and "Old briefing" not in upcoming
    assert "Registration is closed." in past_page
    assert 'class="btn btn-primary" href="/old-briefing/register/"' not in past_page
    assert "Registration is closed" in past_form and 'name="email"' not in past_form


def test_draft_meeting_is_404_on_every_public_url_and_absent_from_the_list(client):
    MeetingFactory(slug="published-one", title="The published meeting")
    MeetingFactory(slug="secret-draft", title="A draft nobody may see", is_published=False)
    paths = [reverse(name, args=["secret-draft"]) for name in PAGES]
    paths += ["/secret-draft/register/thanks/", "/secret-draft/register/privacy/", "/secret-draft/register/erased/"]

    statuses = {path: client.get(path).status_code for path in paths}
    posted = client.post("/secret-draft/register/", {"email": "someone@example.org"}).status_code
    listing = client.get("/").content.decode()

    assert statuses == dict.fromkeys(paths, 404)
    assert posted == 404
    assert "A draft nobody may see" not in listing and "secret-draft" not in listing
    assert "The published meeting" in listing


@override_settings(PAGE_CACHE_TIMEOUT=datetime.timedelta(minutes=10))
def test_cached_pages_are_kept_per_meeting_and_a_draft_published_appears_on_the_list(client):
    pages_forget_local()
    first = MeetingFactory(slug="first-meeting", title="First meeting")
    second = MeetingFactory(slug="second-meeting", title="Second meeting")
    AgendaItemFactory(meeting=first, title="Opening of the first meeting")
    AgendaItemFactory(meeting=second, title="Opening of the second meeting")
    draft = MeetingFactory(slug="later-meeting", title="Later meeting", is_published=False)
    client.get("/first-meeting/agenda/")
    client.get("/")

    second_agenda = client.get("/second-meeting/agenda/").content.decode()
    draft.is_published = True
    draft.save()
    listing = client.get("/").content.decode()

    assert "Opening of the second meeting" in second_agenda and "Opening of the first meeting" not in second_agenda
    assert "Later meeting" in listing
    pages_forget_local()


@pytest.mark.parametrize(
    ("old", "name"),
    [
        ("/agenda/", "agenda:agenda"),
        ("/concept-note/", "agenda:concept_note"),
        ("/register/", "registration:register"),
        ("/register/thanks/", "registration:thanks"),
        ("/register/privacy/", "registration:privacy"),
        ("/register/erased/", "registration:erased"),
    ],
)
def test_old_address_redirects_to_the_first_meeting_not_the_newest(client, old, name):
    first = MeetingFactory(slug="first-meeting")
    MeetingFactory(slug="newer-meeting", starts_at=first.starts_at + datetime.timedelta(days=90))

    response = client.get(old)

    assert (response.status_code, response["Location"]) == (302, reverse(name, args=[first.slug]))


def test_old_calendar_address_serves_the_first_meetings_calendar_itself(client):
    first = MeetingFactory(slug="first-meeting", title="First meeting")
    MeetingFactory(slug="newer-meeting", title="Newer meeting", starts_at=first.starts_at + datetime.timedelta(days=90))

    response = client.get("/meeting.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert str(icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]["SUMMARY"]) == "First meeting"


def test_meeting_get_legacy_skips_a_first_meeting_put_back_to_draft():
    first = MeetingFactory(slug="first-meeting", is_published=False)
    second = MeetingFactory(slug="second-meeting")

    assert meeting_get_legacy() == second
    assert first.pk < second.pk


@pytest.mark.parametrize("slug", ["admin", "register", "agenda", "concept-note", "healthz", "i18n", "static", "Admin"])
def test_meeting_slug_refuses_the_sites_own_paths(slug):
    meeting = MeetingFactory.build(slug=slug)

    with pytest.raises(ValidationError) as refusal:
        meeting.full_clean(exclude=["interpretation_languages", "team"])

    assert "slug" in refusal.value.message_dict
    assert "path the site uses itself" in refusal.value.message_dict["slug"][0]


def test_meeting_slug_reserved_is_refused_by_the_database_too():
    meeting = MeetingFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(slug="admin")


def test_admin_renaming_a_meeting_admin_is_refused_next_to_the_field_and_admin_stays_reachable():
    meeting = _load_and_get()
    organiser = Client()
    organiser.force_login(User.objects.create_superuser("organiser", "organiser@example.org", "not-used"))
    url = reverse("admin:agenda_meeting_change", args=[meeting.pk])
    data = {**_admin_post_data(organiser.get(url)), "slug": "admin"}

    response = organiser.post(url, data)

    assert response.status_code == 200
    assert "path the site uses itself" in str(response.context["adminform"].form.errors["slug"])
    assert Meeting.objects.get(pk=meeting.pk).slug == IMRF_SLUG
    assert organiser.get("/admin/").status_code == 200


def _load_and_get():
    _load()
    return Meeting.objects.get()


def test_load_imrf_with_slug_adds_a_second_meeting_and_without_it_updates_the_first():
    _load()
    first = Meeting.objects.get()

    _load("--slug", OTHER)
    _load()

    assert sorted(Meeting.objects.values_list("slug", flat=True)) == sorted([IMRF_SLUG, OTHER])
    assert Meeting.objects.get(slug=IMRF_SLUG).pk == first.pk
    assert Meeting.objects.get(slug=OTHER).note_sections.count() == first.note_sections.count() > 0


def test_load_imrf_with_slug_run_twice_leaves_dumpdata_byte_identical():
    _load()
    _load("--slug", OTHER)
    first = io.StringIO()
    call_command("dumpdata", "agenda", indent=1, stdout=first)

    _load("--slug", OTHER)
    _load()
    second = io.StringIO()
    call_command("dumpdata", "agenda", indent=1, stdout=second)

    assert second.getvalue() == first.getvalue()
    assert f'"slug": "{OTHER}"' in first.getvalue()


@pytest.mark.parametrize("slug", ["admin", "not a slug", "register"])
def test_load_imrf_refuses_a_reserved_or_malformed_slug(slug):
    with pytest.raises(CommandError):
        _load("--slug", slug)

    assert not Meeting.objects.exists()


# Attack: an old address against a meeting made a draft.


def test_old_calendar_address_stops_serving_a_meeting_made_a_draft(client):
    first = MeetingFactory(title="The first meeting")
    MeetingFactory(title="The second meeting")
    assert client.get("/meeting.ics").status_code == 200

    first.is_published = False
    first.save()
    response = client.get("/meeting.ics")

    assert b"The first meeting" not in response.content
