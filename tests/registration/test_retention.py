"""Data protection: personal data removed some days after the meeting, the dashboard's counts kept."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from registration import tasks
from registration.models import OutgoingEmail, Registration
from registration.reports.dashboard import dashboard_get
from registration.retention import registrations_anonymise_past
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

PERSONAL = [
    {"first_name": "Ђорђе", "last_name": "Đoković", "email": "djordje@mup.example.rs", "country": "RS"},
    {"first_name": "Amira", "last_name": "Hadžić", "email": "amira@ngo.example.ba", "country": "BA"},
    {"first_name": "Jean", "last_name": "Dupont", "email": "jean@example.fr", "country": "FR"},
]


def _past_meeting(days_ago):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    return MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))


@pytest.fixture
def past_meeting():
    """A meeting that ended 100 days ago, with three registrations, their emails and an admin change."""
    meeting = _past_meeting(100)
    organiser = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    for index, person in enumerate(PERSONAL):
        registration = RegistrationFactory(
            meeting=meeting,
            honorific="Dr",
            job_title="Adviser",
            organisation="Ministry",
            gender_self_description="agender" if index == 0 else "",
            age_group=Registration.AgeGroup.UNDER_25,
            disability="yes",
            other_language="Albanian" if index == 0 else "",
            other_language_reason="My colleagues listen in Albanian" if index == 0 else "",
            accessibility_other="large print",
            needs_captions=True,
            wishes_to_speak=True,
            intervention_topic="Return and readmission",
            intervention_group="Western Balkans",
            questions="When is the deadline?",
            status=Registration.Status.CANCELLED if index == 2 else Registration.Status.ACTIVE,
            **person,
        )
        OutgoingEmail.objects.create(
            registration=registration,
            kind=OutgoingEmail.Kind.CONFIRMATION,
            to_email=registration.email,
            subject=f"Welcome {registration.first_name}",
            body_text=f"Dear {registration.full_name}",
        )
        LogEntry.objects.log_actions(
            user_id=organiser.pk, queryset=[registration], action_flag=CHANGE, change_message="Changed Email."
        )
    return meeting


def _personal_data_left() -> list[str]:
    found = []
    for person in PERSONAL:
        for value in (person["first_name"], person["last_name"], person["email"]):
            if Registration.objects.filter(
                Q(first_name__icontains=value) | Q(last_name__icontains=value) | Q(email__iexact=value)
            ).exists():
                found.append(f"registration: {value}")
            if OutgoingEmail.objects.filter(
                Q(to_email__iexact=value) | Q(subject__icontains=value) | Q(body_text__icontains=value)
            ).exists():
                found.append(f"email: {value}")
            if LogEntry.objects.filter(object_repr__icontains=value).exists():
                found.append(f"admin log: {value}")
    return found


def _totals(dashboard):
    # Everything but the diversity answers and the reasons given for another language, which are personal and go.
    return {
        "status": dashboard.status_by_category.lines,
        "counted": dashboard.counted,
        "represented": dashboard.unece_represented,
        "missing": dashboard.unece_missing,
        "countries": dashboard.countries,
        "listeners": dashboard.listeners,
        "other_languages": dashboard.other_languages,
        "gender": dashboard.gender_by_category.lines,
        "attendance": dashboard.attendance,
        "attendance_summary": dashboard.attendance_summary,
        "per_day": dashboard.per_day,
    }


def test_remove_personal_data_leaves_no_name_or_email_and_the_dashboard_totals(past_meeting):
    before = _totals(dashboard_get(meeting=past_meeting))

    call_command("remove_personal_data")

    assert _personal_data_left() == []
    assert _totals(dashboard_get(meeting=past_meeting)) == before
    assert [row.value.value for row in dashboard_get(meeting=past_meeting).other_languages] == [1]


def test_remove_personal_data_blanks_free_text_and_diversity_answers(past_meeting):
    call_command("remove_personal_data")

    for registration in Registration.objects.all():
        assert registration.email == f"anonymised-{registration.pk}@invalid"
        assert registration.anonymised_at is not None
        assert not any(
            [
                registration.honorific,
                registration.job_title,
                registration.organisation,
                registration.gender_self_description,
                registration.age_group,
                registration.disability,
                registration.other_language_reason,
                registration.accessibility_other,
                registration.needs_captions,
                registration.intervention_topic,
                registration.intervention_group,
                registration.questions,
            ]
        )
        assert registration.wishes_to_speak


def test_remove_personal_data_gives_each_registration_a_new_manage_token(past_meeting):
    old_tokens = set(Registration.objects.values_list("manage_token", flat=True))

    call_command("remove_personal_data")

    new_tokens = set(Registration.objects.values_list("manage_token", flat=True))
    assert len(new_tokens) == 3
    assert not old_tokens & new_tokens


def test_remove_personal_data_keeps_registrations_of_recent_and_upcoming_meetings(past_meeting):
    recent = RegistrationFactory(meeting=_past_meeting(30), first_name="Recent")
    upcoming = RegistrationFactory(first_name="Upcoming")

    call_command("remove_personal_data")

    recent.refresh_from_db()
    upcoming.refresh_from_db()
    assert (recent.first_name, recent.anonymised_at) == ("Recent", None)
    assert (upcoming.first_name, upcoming.anonymised_at) == ("Upcoming", None)


def test_remove_personal_data_dry_run_says_what_it_would_do_and_changes_nothing(past_meeting, capsys):
    before = _personal_data_left()

    call_command("remove_personal_data", "--dry-run")

    output = capsys.readouterr().out
    assert "Would remove the personal data of 3 registration(s)" in output
    assert "nothing was changed" in output
    assert not Registration.objects.filter(anonymised_at__isnull=False).exists()
    assert "admin log: Đoković" in before
    assert _personal_data_left() == before


def test_remove_personal_data_follows_the_days_setting(past_meeting, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 120

    call_command("remove_personal_data")

    assert not Registration.objects.filter(anonymised_at__isnull=False).exists()


def test_remove_personal_data_refuses_negative_days(past_meeting):
    with pytest.raises(CommandError):
        call_command("remove_personal_data", "--days", "-1")


def test_registrations_anonymise_past_twice_changes_nothing_the_second_time(past_meeting):
    now = timezone.now()

    first = registrations_anonymise_past(now=now, days_after=90)
    emails = list(Registration.objects.order_by("pk").values_list("email", "manage_token"))
    second = registrations_anonymise_past(now=now + datetime.timedelta(hours=1), days_after=90)

    assert (first, second) == (3, 0)
    assert list(Registration.objects.order_by("pk").values_list("email", "manage_token")) == emails


def test_anonymised_registrations_still_list_in_the_admin(client, past_meeting):
    client.force_login(user_create(username="viewer-organiser", group=ORGANISERS, in_every_team=True))
    registrations_anonymise_past(now=timezone.now(), days_after=90)
    registration = Registration.objects.first()

    response = client.get("/admin/registration/registration/")

    assert f"(anonymised #{registration.pk})" in response.content.decode()
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration), object_repr=f"anonymised-{registration.pk}"
    ).exists()


def test_remove_personal_data_task_anonymises_past_meetings_only(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    past = MeetingFactory(
        starts_at=timezone.now() - datetime.timedelta(days=60),
        ends_at=timezone.now() - datetime.timedelta(days=60) + datetime.timedelta(hours=3),
    )
    old = RegistrationFactory(meeting=past, first_name="Olga")
    upcoming = RegistrationFactory(first_name="Nadia")

    tasks.remove_personal_data.apply()

    old.refresh_from_db()
    upcoming.refresh_from_db()
    assert old.first_name != "Olga"
    assert old.anonymised_at is not None
    assert upcoming.first_name == "Nadia"


def _cancelled(days_ago, **fields):
    """A registration for the upcoming meeting, cancelled `days_ago` days ago."""
    return RegistrationFactory(
        status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )


def test_remove_personal_data_anonymises_cancellations_after_30_days():
    long_ago = _cancelled(31, first_name="Milica")
    recent = _cancelled(29, first_name="Jelena")
    active = RegistrationFactory(first_name="Ana")
    before = _totals(dashboard_get(meeting=long_ago.meeting))

    call_command("remove_personal_data")

    for registration in (long_ago, recent, active):
        registration.refresh_from_db()
    assert (long_ago.first_name, long_ago.status) == ("", Registration.Status.CANCELLED)
    assert long_ago.anonymised_at is not None
    assert (recent.first_name, recent.anonymised_at) == ("Jelena", None)
    assert (active.first_name, active.anonymised_at) == ("Ana", None)
    assert _totals(dashboard_get(meeting=long_ago.meeting)) == before


def test_remove_personal_data_task_follows_the_cancelled_days_setting(settings):
    settings.CANCELLED_DATA_RETENTION_DAYS = 7
    registration = _cancelled(8, first_name="Milica")

    tasks.remove_personal_data.apply()

    registration.refresh_from_db()
    assert registration.anonymised_at is not None


def _typed_text_fields():
    # Every text a participant types. The site language is set by the site, and the manage
    # token is random (and replaced anyway): neither can hold anything a participant wrote.
    return [
        field
        for field in Registration._meta.concrete_fields
        if field.get_internal_type() in ("CharField", "TextField")
        and not field.choices
        and field.name not in ("language", "manage_token")
    ]


@pytest.mark.parametrize("way", ["retention", "erased by the participant"])
def test_anonymised_registration_keeps_no_free_text(client, way):
    marked = {field.name: f"zqx-{field.name}"[: field.max_length] for field in _typed_text_fields()}
    registration = _cancelled(31, **{**marked, "email": "zqx@example.org"})
    assert {"email", "other_language", "intervention_group", "accessibility_other"} <= set(marked)

    if way == "retention":
        call_command("remove_personal_data")
    else:
        client.post(reverse("registration:erase", args=[registration.manage_token]))

    values = Registration.objects.values().get(pk=registration.pk)
    assert [name for name, value in values.items() if "zqx" in str(value)] == []
    assert values["diversity_consent_at"] is None


def test_anonymised_registration_keeps_another_language_only_as_a_known_language_name():
    known = _cancelled(31, other_language=" shqip ")
    unknown = _cancelled(31, other_language="Albanian, ask for Ђорђе on +381 11 123")

    call_command("remove_personal_data")

    known.refresh_from_db()
    unknown.refresh_from_db()
    assert (known.other_language, unknown.other_language) == ("Albanian", "")
