"""Every export goes through one gate: the chair's list, the participation report and "select all" go background too."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from registration.exports import background as background_exports
from registration.models import PROTECTED_ANSWER_FIELDS, ExportJob, Registration
from registration.online.floor import floor_accept
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, VIEWERS, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
CHAIR = reverse("admin:registration_floordecision_chair")
CHAIR_XLSX = reverse("admin:registration_floordecision_chair_xlsx")
PARTICIPATION_XLSX = reverse("admin:registration_participation_xlsx")
NGO = Registration.Category.CIVIL_SOCIETY


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _xlsx_rows(response) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True))


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


def _job_url(job) -> str:
    return reverse("admin:registration_export_job", args=[job.pk])


def _file_url(job) -> str:
    return reverse("admin:registration_export_job_file", args=[job.pk])


@pytest.fixture
def exports_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


@pytest.fixture
def background(settings, exports_dir):
    """Every export of more than one row goes to the background."""
    settings.EXPORT_IN_BACKGROUND_FROM_ROWS = 1
    return settings


@pytest.fixture
def organiser(client, meeting):
    user = user_create(username="organiser", group=ORGANISERS, teams=[meeting])
    client.force_login(user)
    return user


@pytest.fixture
def speakers(meeting):
    """Three accepted speakers of `meeting`, in the order the chair calls them, and one of another meeting."""
    floor_accept(
        registration=RegistrationFactory(meeting=MeetingFactory(), last_name="Elsewhere", wishes_to_speak=True)
    )
    civil = RegistrationFactory(meeting=meeting, last_name="Civil", category=NGO, wishes_to_speak=True)
    state = RegistrationFactory(
        meeting=meeting, last_name="State", category=Registration.Category.MEMBER_STATE, wishes_to_speak=True
    )
    academia = RegistrationFactory(
        meeting=meeting, last_name="Academia", category=Registration.Category.ACADEMIA, wishes_to_speak=True
    )
    for registration in (civil, state, academia):
        floor_accept(registration=registration)
    # Member States first, then the others in the order they were accepted.
    return [state, civil, academia]


def _ask(client, capture, url, params=None, *, method="get", data=None):
    """Ask for the export as its link or action does, and run what was queued once the request commits."""
    with capture(execute=True):
        if method == "post":
            return client.post(url, data)
        return client.get(url, params or {})


def test_chair_list_above_the_threshold_is_built_in_the_background_with_the_speakers_in_order(
    client, organiser, meeting, speakers, background, django_capture_on_commit_callbacks
):
    response = _ask(client, django_capture_on_commit_callbacks, CHAIR_XLSX, {"meeting": meeting.pk})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    assert (job.kind, job.query, job.status) == (ExportJob.Kind.CHAIR_LIST, f"meeting={meeting.pk}", "done")
    page = client.get(response["Location"]).content.decode()
    assert escape(job.get_kind_display()) in page
    assert f'href="{CHAIR}?meeting={meeting.pk}"' in page
    rows = _xlsx_rows(client.get(_file_url(job)))
    assert rows[0][:2] == ("order", "name")
    assert [row[:2] for row in rows[1:]] == [(index, s.full_name) for index, s in enumerate(speakers, start=1)]


def test_chair_list_job_is_refused_to_another_organiser_and_to_staff_without_the_right(
    client, organiser, meeting, speakers, background, django_capture_on_commit_callbacks
):
    _ask(client, django_capture_on_commit_callbacks, CHAIR_XLSX, {"meeting": meeting.pk})
    job = ExportJob.objects.get()
    outsider = user_create(username="outsider", group=ORGANISERS, teams=[MeetingFactory()])
    staff_in_team = user_create(username="staff", teams=[meeting])

    answers = []
    for user in (outsider, staff_in_team):
        client.force_login(user)
        answers += [client.get(_job_url(job)).status_code, client.get(_file_url(job)).status_code]

    assert answers == [403, 403, 403, 403]


def test_chair_list_of_another_teams_meeting_is_not_found_and_queues_nothing(
    client, organiser, speakers, background, django_capture_on_commit_callbacks
):
    theirs = MeetingFactory()
    floor_accept(registration=RegistrationFactory(meeting=theirs, wishes_to_speak=True))
    floor_accept(registration=RegistrationFactory(meeting=theirs, wishes_to_speak=True))

    response = _ask(client, django_capture_on_commit_callbacks, CHAIR_XLSX, {"meeting": theirs.pk})

    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_chair_list_job_of_an_organiser_taken_off_the_team_before_it_is_built_makes_no_file(
    client, organiser, meeting, speakers, background
):
    # Queued but not run: the worker comes to it after the organiser left the meeting's team.
    response = client.get(CHAIR_XLSX, {"meeting": meeting.pk})
    job = ExportJob.objects.get()
    meeting.team.remove(organiser)

    background_exports.export_job_build(job_id=job.pk)

    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == ExportJob.Status.REFUSED
    assert not background_exports.export_job_path(job=job).exists()
    page = client.get(_job_url(job))
    assert page.status_code == 200
    assert "This file was not made" in page.content.decode()
    assert client.get(_file_url(job))["Location"] == _job_url(job)


def test_built_file_is_deleted_not_sent_when_its_owner_left_the_team_before_downloading(
    client, organiser, meeting, speakers, background, django_capture_on_commit_callbacks
):
    _ask(client, django_capture_on_commit_callbacks, CHAIR_XLSX, {"meeting": meeting.pk})
    job = ExportJob.objects.get()
    assert background_exports.export_job_path(job=job).exists()
    meeting.team.remove(organiser)

    download = client.get(_file_url(job))

    job.refresh_from_db()
    assert download.status_code == 302
    assert download["Location"] == _job_url(job)
    assert job.status == ExportJob.Status.REFUSED
    assert not background_exports.export_job_path(job=job).exists()
    assert "This file was not made" in client.get(_job_url(job)).content.decode()


def test_participation_report_above_the_threshold_is_built_in_the_background_with_the_same_rows(
    client, settings, meeting, exports_dir, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(6, meeting=meeting, country="FR")
    RegistrationFactory(meeting=meeting, country="DE", category=NGO)
    client.force_login(user_create(username="viewer", group=VIEWERS, teams=[meeting]))
    immediate = client.get(PARTICIPATION_XLSX, {"meeting": meeting.pk})
    settings.EXPORT_IN_BACKGROUND_FROM_ROWS = 1

    response = _ask(client, django_capture_on_commit_callbacks, PARTICIPATION_XLSX, {"meeting": meeting.pk})

    job = ExportJob.objects.get()
    assert response["Location"] == _job_url(job)
    assert (job.kind, job.status) == (ExportJob.Kind.PARTICIPATION, ExportJob.Status.DONE)
    rows = _xlsx_rows(client.get(_file_url(job)))
    assert len(rows) > 4
    assert rows == _xlsx_rows(immediate)
    page = client.get(_job_url(job)).content.decode()
    assert f'href="{reverse("admin:registration_participation_report")}?meeting={meeting.pk}"' in page


def test_select_all_of_a_filtered_list_exports_only_its_rows_in_the_background_without_protected_answers(
    client, meeting, background, django_capture_on_commit_callbacks
):
    ngos = RegistrationFactory.create_batch(3, meeting=meeting, category=NGO, gender=Registration.Gender.WOMAN)
    RegistrationFactory.create_batch(2, meeting=meeting, category=Registration.Category.ACADEMIA)
    client.force_login(user_create(username="organiser", group=ORGANISERS, teams=[meeting]))
    data = {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": [ngos[0].pk]}

    response = _ask(
        client, django_capture_on_commit_callbacks, f"{CHANGELIST}?category__exact={NGO}", method="post", data=data
    )

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    assert (job.kind, job.query, job.total) == (ExportJob.Kind.REGISTRATIONS, f"category__exact={NGO}", 3)
    rows = _csv_rows(client.get(_file_url(job)))
    assert sorted(row["email"] for row in rows) == sorted(ngo.email for ngo in ngos)
    protected = {str(Registration._meta.get_field(name).verbose_name) for name in PROTECTED_ANSWER_FIELDS}
    assert set(rows[0]) & protected == set()


def test_ticked_rows_stay_an_immediate_file_even_above_the_threshold(
    client, organiser, meeting, background, django_capture_on_commit_callbacks
):
    ticked = RegistrationFactory.create_batch(3, meeting=meeting)
    RegistrationFactory(meeting=meeting)
    data = {"action": "export_csv", "index": "0", "_selected_action": [r.pk for r in ticked]}

    response = _ask(client, django_capture_on_commit_callbacks, CHANGELIST, method="post", data=data)

    assert response.status_code == 200
    assert sorted(row["email"] for row in _csv_rows(response)) == sorted(r.email for r in ticked)
    assert not ExportJob.objects.exists()


def test_small_select_all_stays_an_immediate_file(client, organiser, meeting, django_capture_on_commit_callbacks):
    RegistrationFactory.create_batch(2, meeting=meeting)
    first = Registration.objects.first()
    data = {"action": "export_xlsx", "select_across": "1", "index": "0", "_selected_action": [first.pk]}

    response = _ask(client, django_capture_on_commit_callbacks, CHANGELIST, method="post", data=data)

    assert response.status_code == 200
    assert len(_xlsx_rows(response)) == 3
    assert not ExportJob.objects.exists()


def test_small_chair_list_stays_an_immediate_file(client, organiser, meeting, speakers):
    response = client.get(CHAIR_XLSX, {"meeting": meeting.pk})

    assert response.status_code == 200
    assert [row[1] for row in _xlsx_rows(response)[1:]] == [s.full_name for s in speakers]
    assert not ExportJob.objects.exists()


def test_small_participation_report_stays_an_immediate_file(client, meeting):
    RegistrationFactory.create_batch(2, meeting=meeting)
    client.force_login(user_create(username="viewer", group=VIEWERS, teams=[meeting]))

    response = client.get(PARTICIPATION_XLSX, {"meeting": meeting.pk})

    assert response.status_code == 200
    assert _xlsx_rows(response)[0] == ("Section", "Line", "Registered", "Attended")
    assert not ExportJob.objects.exists()


# Attacks on the export gate.


EXPORT_CSV = reverse("admin:registration_registration_export", args=["csv"])


@pytest.fixture
def ours(db):
    return MeetingFactory()


@pytest.fixture
def theirs(db):
    return MeetingFactory()


def _export(client, capture, url, params=None, *, data=None):
    with capture(execute=True):
        if data is not None:
            return client.post(url, data)
        return client.get(url, params or {})


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
