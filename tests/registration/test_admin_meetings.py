"""Rights per meeting (issue 12): an organiser of meeting A reaches nothing of meeting B anywhere in the admin."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from agenda.models import AgendaItem, ImrfSession, Meeting, NoteLink, NoteSection, Roundtable
from agenda.selectors import meetings_for_user
from registration.models import OutgoingEmail, Registration, Reminder
from registration.retention import registrations_anonymise
from tests.factories import AgendaItemFactory, MeetingFactory, OutgoingEmailFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, VIEWERS, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
DASHBOARD = reverse("admin:registration_dashboard")
OUTBOX = reverse("admin:registration_outgoingemail_changelist")
AGENDA_MODELS = ("meeting", "agendaitem", "imrfsession", "roundtable", "notesection", "notelink")


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def _xlsx_text(response) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    )


def _meeting_with_everything(letter: str) -> Meeting:
    """A meeting whose every row names it ("Aurelia" or "Bertrand"), so a leak shows by name."""
    name = {"A": "Aurelia", "B": "Bertrand"}[letter]
    meeting = MeetingFactory(title=f"Meeting {name}", slug=f"meeting-{letter.lower()}")
    registration = RegistrationFactory(
        meeting=meeting,
        first_name=name,
        last_name=f"{name}son",
        email=f"{name.lower()}@example.org",
        wishes_to_speak=True,
        intervention_topic=f"{name}'s topic",
        intervention_coordination=Registration.Coordination.OWN,
    )
    OutgoingEmailFactory(registration=registration, subject=f"Welcome {name}")
    AgendaItemFactory(meeting=meeting, title=f"{name} opening")
    ImrfSession.objects.create(
        meeting=meeting, date=meeting.starts_at.date(), period="morning", title=f"{name} plenary"
    )
    Roundtable.objects.create(meeting=meeting, number=1, name=f"{name} roundtable", un_agencies="IOM")
    NoteSection.objects.create(meeting=meeting, position=0, heading=f"{name} background")
    NoteLink.objects.create(meeting=meeting, key=f"{name.lower()}-link", url="https://example.org/")
    meeting.reminders.update(subject=f"{name} is tomorrow")
    return meeting


@pytest.fixture
def meeting_a():
    return _meeting_with_everything("A")


@pytest.fixture
def meeting_b():
    return _meeting_with_everything("B")


@pytest.fixture
def organiser_of_a(client, meeting_a, meeting_b):
    # The Organisers group's permissions are the registrations'; the agenda's are given one by one.
    agenda = [f"agenda.{action}_{model}" for model in AGENDA_MODELS for action in ("view", "change", "add")]
    user = user_create(
        username="organiser-a",
        group=ORGANISERS,
        teams=[meeting_a],
        permissions=[*agenda, "registration.view_reminder"],
    )
    client.force_login(user)
    return user


def test_registrations_list_shows_only_the_organisers_meeting(client, organiser_of_a, meeting_b):
    response = client.get(CHANGELIST)
    forced = client.get(CHANGELIST, {"meeting__id__exact": meeting_b.pk})

    assert "Aurelia" in _body(response)
    assert "Bertrand" not in _body(response)
    # Not even in the meeting filter of the sidebar.
    assert "Meeting Bertrand" not in _body(response)
    assert "Bertrand" not in _body(forced)
    assert "Aureliason" not in _body(forced)


def test_registration_of_another_meeting_is_not_found_on_its_change_page(client, organiser_of_a, meeting_b):
    theirs = meeting_b.registrations.get()

    response = client.get(reverse("admin:registration_registration_change", args=[theirs.pk]), follow=True)
    posted = client.post(reverse("admin:registration_registration_change", args=[theirs.pk]), {"last_name": "X"})

    # Django's answer to an id that does not exist: back to the admin's index, "perhaps it was deleted".
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "Bertrand" not in _body(response)
    assert posted.status_code == 302
    theirs.refresh_from_db()
    assert theirs.last_name == "Bertrandson"


def test_dashboard_offers_only_the_organisers_meetings_and_refuses_another(
    client, organiser_of_a, meeting_a, meeting_b
):
    response = client.get(DASHBOARD)
    forced = client.get(DASHBOARD, {"meeting": meeting_b.pk})

    assert response.context["meetings"] == [meeting_a]
    assert response.context["meeting"] == meeting_a
    assert "Meeting Bertrand" not in _body(response)
    assert forced.status_code == 404
    assert "Bertrand" not in _body(forced)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:registration_registration_export", args=["csv"]),
        reverse("admin:registration_registration_speakers", args=["csv"]),
    ],
)
def test_csv_exports_hold_no_row_of_another_meeting_even_filtered_by_it(client, organiser_of_a, meeting_b, url):
    everything = _body(client.get(url))
    forced = _body(client.get(url, {"meeting__id__exact": meeting_b.pk}))

    assert "Aurelia" in everything
    assert "Bertrand" not in everything
    assert list(csv.reader(io.StringIO(forced.lstrip("\ufeff"))))[1:] == []


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:registration_registration_export", args=["xlsx"]),
        reverse("admin:registration_registration_speakers", args=["xlsx"]),
    ],
)
def test_xlsx_exports_hold_no_row_of_another_meeting_even_filtered_by_it(client, organiser_of_a, meeting_b, url):
    everything = _xlsx_text(client.get(url))
    forced = _xlsx_text(client.get(url, {"meeting__id__exact": meeting_b.pk}))

    assert "Aurelia" in everything
    assert "Bertrand" not in everything
    assert "Bertrand" not in forced


def test_export_action_on_another_meetings_ids_exports_nothing_of_it(client, organiser_of_a, meeting_a, meeting_b):
    ids = [meeting_a.registrations.get().pk, meeting_b.registrations.get().pk]

    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": ids})

    assert "Aurelia" in _body(response)
    assert "Bertrand" not in _body(response)


def test_outbox_lists_and_opens_only_the_emails_of_the_organisers_meetings(client, organiser_of_a, meeting_b):
    theirs = OutgoingEmail.objects.get(registration__meeting=meeting_b)

    listed = client.get(OUTBOX)
    forced = client.get(OUTBOX, {"registration__meeting__id__exact": meeting_b.pk})
    opened = client.get(reverse("admin:registration_outgoingemail_change", args=[theirs.pk]), follow=True)

    assert "aurelia@example.org" in _body(listed)
    assert "bertrand@example.org" not in _body(listed)
    assert "bertrand@example.org" not in _body(forced)
    assert "bertrand@example.org" not in _body(opened)


def test_retrying_another_meetings_failed_email_does_nothing(client, organiser_of_a, meeting_b):
    theirs = OutgoingEmail.objects.get(registration__meeting=meeting_b)
    theirs.mark_failed(error="SMTP 554")

    client.post(OUTBOX, {"action": "retry_failed", "_selected_action": [theirs.pk]})

    theirs.refresh_from_db()
    assert theirs.status == OutgoingEmail.Status.FAILED


@pytest.mark.parametrize(
    ("model", "ours"),
    [
        (Reminder, "Aurelia is tomorrow"),
        (AgendaItem, "Aurelia opening"),
        (ImrfSession, "Aurelia plenary"),
        (Roundtable, "Aurelia roundtable"),
        (NoteSection, "Aurelia background"),
        (NoteLink, "aurelia-link"),
        (Meeting, "Meeting Aurelia"),
    ],
)
def test_agenda_and_reminder_lists_and_pages_hold_only_the_organisers_meetings(
    client, organiser_of_a, meeting_b, model, ours
):
    opts = model._meta
    theirs = model.objects.get(pk=meeting_b.pk) if model is Meeting else model.objects.filter(meeting=meeting_b)[0]

    listed = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    forced = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {} if model is Meeting else {"meeting__id__exact": meeting_b.pk},
    )
    opened = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[theirs.pk]), follow=True)

    assert listed.status_code == 200
    assert ours in _body(listed)
    assert "bertrand" not in _body(listed).lower()
    assert "bertrand" not in _body(forced).lower()
    assert opened.redirect_chain[-1][0] == reverse("admin:index")
    assert "bertrand" not in _body(opened).lower()


def test_adding_an_agenda_item_offers_and_accepts_only_the_organisers_meetings(client, organiser_of_a, meeting_b):
    add_url = reverse("admin:agenda_agendaitem_add")
    start = meeting_b.starts_at.astimezone(datetime.UTC)

    page = client.get(add_url)
    forged = client.post(
        add_url,
        {
            "meeting": meeting_b.pk,
            "position": 0,
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M"),
            "title_en": "Smuggled in",
            "speakers-TOTAL_FORMS": "0",
            "speakers-INITIAL_FORMS": "0",
        },
    )

    choices = [str(choice) for _value, choice in page.context["adminform"].form.fields["meeting"].choices]
    assert "Meeting Aurelia" in choices
    assert "Meeting Bertrand" not in choices
    assert forged.status_code == 200
    assert "meeting" in forged.context["adminform"].form.errors
    assert not AgendaItem.objects.filter(title="Smuggled in").exists()


def test_superuser_sees_both_meetings(admin_client, meeting_a, meeting_b):
    registrations = _body(admin_client.get(CHANGELIST))
    dashboard = admin_client.get(DASHBOARD, {"meeting": meeting_b.pk})
    emails = _body(admin_client.get(OUTBOX))

    assert "Aurelia" in registrations and "Bertrand" in registrations
    assert dashboard.context["meeting"] == meeting_b
    assert "aurelia@example.org" in emails and "bertrand@example.org" in emails


@pytest.mark.parametrize("group", [ORGANISERS, VIEWERS])
def test_staff_user_in_no_team_sees_empty_lists_not_everything(client, meeting_a, meeting_b, group):
    client.force_login(user_create(username="new-staff", group=group))

    registrations = client.get(CHANGELIST)
    dashboard = client.get(DASHBOARD)
    forced = client.get(DASHBOARD, {"meeting": meeting_a.pk})

    assert "Aurelia" not in _body(registrations) and "Bertrand" not in _body(registrations)
    assert dashboard.status_code == 200
    assert dashboard.context["meetings"] == []
    assert "no meeting's organisers' team" in _body(dashboard)
    assert forced.status_code == 404


def test_meetings_for_user_is_every_meeting_for_a_superuser_and_the_teams_for_others(meeting_a, meeting_b):
    superuser = User.objects.create_superuser(username="root", password="not-used")
    organiser = user_create(username="organiser-a", group=ORGANISERS, teams=[meeting_a])
    inactive = user_create(username="gone", group=ORGANISERS, teams=[meeting_a])
    inactive.is_active = False
    inactive.save()

    assert set(meetings_for_user(superuser)) == {meeting_a, meeting_b}
    assert list(meetings_for_user(organiser)) == [meeting_a]
    assert list(meetings_for_user(inactive)) == []


def test_organiser_who_creates_a_meeting_joins_its_team(client):
    organiser = user_create(
        username="organiser", group=ORGANISERS, permissions=["agenda.add_meeting", "agenda.view_meeting"]
    )
    client.force_login(organiser)
    starts = timezone.now() + datetime.timedelta(days=60)

    response = client.post(
        reverse("admin:agenda_meeting_add"),
        {
            "title_en": "Regional review",
            "short_name_en": "Review",
            "slug": "regional-review",
            "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": "09:00",
            "ends_at_0": starts.strftime("%Y-%m-%d"),
            "ends_at_1": "12:00",
            "time_zone": "Europe/Paris",
            "format": "virtual",
            "registration_deadline": starts.strftime("%Y-%m-%d"),
            "contact_email": "review@example.org",
            "place_offer_days": "3",
            **{
                f"{prefix}-{count}": "0"
                for prefix in ("topics", "key_dates", "note_footnotes")
                for count in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Meeting.objects.get(slug="regional-review").team.all()) == [organiser]


def test_dashboard_of_a_past_anonymised_meeting_still_shows_its_counts(admin_client):
    past = MeetingFactory(
        starts_at=timezone.now() - datetime.timedelta(days=400),
        registration_deadline=(timezone.now() - datetime.timedelta(days=410)).date(),
    )
    registrations = RegistrationFactory.create_batch(6, meeting=past, country="MT")
    registrations_anonymise(pks=[registration.pk for registration in registrations], now=timezone.now())

    response = admin_client.get(DASHBOARD, {"meeting": past.pk})

    assert Registration.objects.filter(meeting=past, anonymised_at__isnull=False).count() == 6
    assert response.context["dashboard"].counted == 6
