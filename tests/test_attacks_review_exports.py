"""An attacker's review of the export gate, the prepared form fields and the batched confirmations: each test
performs one attack and asserts the safe outcome."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from agenda.cache import pages_forget_local
from registration import email_change, moderation, services
from registration.exports import background as background_exports
from registration.mail import outbox
from registration.models import ExportJob, OutgoingEmail, Registration
from tests.celery_broker import celery_broker
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create
from tests.registration.test_outbox import UNREACHABLE_BROKER

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
EXPORT_CSV = reverse("admin:registration_registration_export", args=["csv"])
CHAIR_XLSX = reverse("admin:registration_floordecision_chair_xlsx")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    pages_forget_local()
    outbox._announcements.forget()
    yield
    pages_forget_local()
    outbox._announcements.forget()


@pytest.fixture
def ours(db):
    return MeetingFactory()


@pytest.fixture
def theirs(db):
    return MeetingFactory()


@pytest.fixture
def background(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.EXPORT_IN_BACKGROUND_FROM_ROWS = 1
    return settings


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


def _file_url(job) -> str:
    return reverse("admin:registration_export_job_file", args=[job.pk])


def _job_url(job) -> str:
    return reverse("admin:registration_export_job", args=[job.pk])


def _export(client, capture, url, params=None, *, data=None):
    with capture(execute=True):
        if data is not None:
            return client.post(url, data)
        return client.get(url, params or {})


# The export gate


def test_export_job_file_is_refused_after_its_owner_left_the_team_of_rows_it_holds(
    client, ours, theirs, background, django_capture_on_commit_callbacks
):
    # An organiser of both meetings exports every registration, then is taken off one meeting's team.
    RegistrationFactory.create_batch(2, meeting=ours)
    RegistrationFactory.create_batch(2, meeting=theirs)
    organiser = user_create(username="both", group=ORGANISERS, teams=[ours, theirs])
    client.force_login(organiser)
    _export(client, django_capture_on_commit_callbacks, EXPORT_CSV)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    theirs.team.remove(organiser)

    download = client.get(_file_url(job))

    job.refresh_from_db()
    assert download.status_code == 302
    assert job.status == ExportJob.Status.REFUSED
    assert not background_exports.export_job_path(job=job).exists()


def test_export_job_file_is_refused_after_its_owner_lost_the_right_to_see_protected_answers(
    client, ours, background, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(2, meeting=ours, gender=Registration.Gender.WOMAN)
    organiser = user_create(
        username="diverse", group=ORGANISERS, teams=[ours], permissions=["registration.view_diversity_answers"]
    )
    client.force_login(organiser)
    _export(client, django_capture_on_commit_callbacks, EXPORT_CSV, {"gender__exact": Registration.Gender.WOMAN})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    organiser.user_permissions.remove(
        Permission.objects.get(content_type__app_label="registration", codename="view_diversity_answers")
    )

    download = client.get(_file_url(job))

    job.refresh_from_db()
    assert download.status_code == 302
    assert job.status == ExportJob.Status.REFUSED


def test_export_job_with_a_forged_query_naming_two_meetings_builds_nothing(client, ours, theirs, background):
    # A chair's list job whose stored query names our meeting, then theirs: the last value is the one read.
    organiser = user_create(username="organiser", group=ORGANISERS, teams=[ours])
    job = background_exports.export_job_create(
        user=organiser,
        kind=ExportJob.Kind.CHAIR_LIST,
        format_id="xlsx",
        query=f"meeting={ours.pk}&meeting={theirs.pk}",
        total=2,
        filename_stem="forged",
    )

    background_exports.export_job_build(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.REFUSED
    assert not background_exports.export_job_path(job=job).exists()


def test_chair_list_export_of_a_meeting_id_that_is_not_a_number_is_not_found(client, ours, background):
    client.force_login(user_create(username="organiser", group=ORGANISERS, teams=[ours]))

    answers = [client.get(CHAIR_XLSX, {"meeting": value}).status_code for value in (f"{ours.pk} ", "1e0", "-1")]

    assert answers == [404, 404, 404]
    assert not ExportJob.objects.exists()


def test_select_all_with_another_teams_meeting_in_the_address_exports_none_of_their_rows(
    client, ours, theirs, background, django_capture_on_commit_callbacks
):
    mine = RegistrationFactory.create_batch(2, meeting=ours)
    RegistrationFactory.create_batch(3, meeting=theirs)
    client.force_login(user_create(username="organiser", group=ORGANISERS, teams=[ours]))
    data = {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": [mine[0].pk]}

    _export(client, django_capture_on_commit_callbacks, CHANGELIST, data=data)
    _export(client, django_capture_on_commit_callbacks, f"{CHANGELIST}?meeting__id__exact={theirs.pk}", data=data)

    emails = set()
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE):
        emails |= {row["email"] for row in _csv_rows(client.get(_file_url(job)))}
    assert emails == {registration.email for registration in mine}


def test_export_job_of_another_organiser_is_refused_by_id(client, ours, background, django_capture_on_commit_callbacks):
    RegistrationFactory.create_batch(2, meeting=ours)
    client.force_login(user_create(username="owner", group=ORGANISERS, teams=[ours]))
    _export(client, django_capture_on_commit_callbacks, EXPORT_CSV)
    job = ExportJob.objects.get()
    client.force_login(user_create(username="teammate", group=ORGANISERS, teams=[ours]))

    answers = [client.get(url).status_code for url in (_job_url(job), _file_url(job))]

    assert answers == [403, 403]


# The prepared form fields


def _form_data(meeting, **overrides):
    return {
        "first_name": "Ana",
        "last_name": "Horvat",
        "email": "ana@example.hr",
        "job_title": "Adviser",
        "organisation": "Ministry",
        "category": "member_state",
        "country": "HR",
        "imrf_attendance_level": "minister",
        "listening_language": str(meeting.interpretation_languages.first().pk),
        "privacy_consent": "on",
        **overrides,
    }


def test_a_meeting_without_the_diversity_questions_does_not_get_them_from_another_meetings_form(client, page_cache):
    asking = MeetingFactory(asks_diversity=True)
    silent = MeetingFactory(asks_diversity=False)

    first = client.post(reverse("registration:register", args=[asking.slug]), _form_data(asking, email=""))
    second = client.post(reverse("registration:register", args=[silent.slug]), _form_data(silent, email=""))

    assert 'name="gender"' in first.content.decode()
    assert 'name="gender"' not in second.content.decode()
    assert f"/{silent.slug}/" in second.content.decode()


def test_a_crafted_country_is_refused_and_nothing_is_stored(client, ours, page_cache):
    url = reverse("registration:register", args=[ours.slug])

    answers = [
        client.post(url, _form_data(ours, country=value, email=f"c{index}@example.hr")).status_code
        for index, value in enumerate(("hr", "UNECE member States", "All other countries and territories", " HR"))
    ]

    assert answers == [200, 200, 200, 200]
    assert not Registration.objects.exists()


def test_the_manage_page_form_after_a_public_form_keeps_the_privacy_box_away_and_the_next_public_form_has_it(
    client, ours, page_cache
):
    registration = RegistrationFactory(meeting=ours)
    register_url = reverse("registration:register", args=[ours.slug])
    client.post(register_url, _form_data(ours, email=""))

    manage = client.get(reverse("registration:manage", args=[registration.manage_token]))
    public = client.post(register_url, _form_data(ours, email=""))

    assert manage.status_code == 200
    assert 'name="privacy_consent"' not in manage.content.decode()
    assert 'name="privacy_consent"' in public.content.decode()


# Confirmations sent by the window's task


def _register_on_a_broker(meeting, email, capture, monkeypatch):
    task = outbox.send_written_emails
    monkeypatch.setattr(task, "apply_async", lambda *args, **kwargs: None)
    with celery_broker(UNREACHABLE_BROKER), capture(execute=True):
        return services.registration_create(
            meeting=meeting, data=_form_data_values(meeting, email=email), language="en"
        ).registration


def _form_data_values(meeting, **overrides):
    """The same answers as the form's cleaned data: the language as a row, and no consent box."""
    data = {**_form_data(meeting), "listening_language": meeting.interpretation_languages.first(), **overrides}
    del data["privacy_consent"]
    return data


def test_two_window_tasks_at_once_send_each_confirmation_once(ours, monkeypatch, django_capture_on_commit_callbacks):
    for number in range(3):
        _register_on_a_broker(ours, f"p{number}@example.hr", django_capture_on_commit_callbacks, monkeypatch)

    now = timezone.now()
    tried = [outbox.written_emails_send(now=now), outbox.written_emails_send(now=now)]

    assert tried == [3, 0]
    assert sorted(message.to[0] for message in mail.outbox) == [f"p{n}@example.hr" for n in range(3)]


def test_a_registration_erased_before_the_window_task_gets_no_confirmation(
    ours, monkeypatch, django_capture_on_commit_callbacks
):
    registration = _register_on_a_broker(ours, "gone@example.hr", django_capture_on_commit_callbacks, monkeypatch)
    services.registration_erase(registration=registration)
    mail.outbox.clear()

    outbox.written_emails_send(now=timezone.now())

    assert [message.to for message in mail.outbox if "gone@example.hr" in message.to] == []


def test_a_pending_registration_declined_before_the_window_task_is_not_told_it_is_confirmed(
    monkeypatch, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(requires_approval=True)
    registration = _register_on_a_broker(
        meeting, "declined@example.hr", django_capture_on_commit_callbacks, monkeypatch
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation.registration_decline(registration=registration)
    mail.outbox.clear()

    outbox.written_emails_send(now=timezone.now())

    confirmation = OutgoingEmail.objects.get(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    assert [message.subject for message in mail.outbox if "confirmed" in message.subject] == []
    assert confirmation.status == OutgoingEmail.Status.SKIPPED


def test_a_confirmation_rendered_after_the_organisers_changed_the_address_goes_to_the_new_one(
    ours, monkeypatch, django_capture_on_commit_callbacks
):
    registration = _register_on_a_broker(ours, "typo@example.hr", django_capture_on_commit_callbacks, monkeypatch)
    data = {**_form_data_values(ours, email="right@example.hr"), "listening_language": registration.listening_language}
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_organiser_update(registration=registration, data=data)
        # The organisers' new address counts once its owner confirms it (issue 19, point 2).
        email_change.email_change_confirm(change=registration.email_changes.get())
    mail.outbox.clear()

    outbox.written_emails_send(now=timezone.now())

    registration.refresh_from_db()
    confirmation = OutgoingEmail.objects.get(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    assert [message.to for message in mail.outbox] == [["right@example.hr"]]
    assert registration.manage_token in mail.outbox[0].body
    assert confirmation.to_email == "right@example.hr"
