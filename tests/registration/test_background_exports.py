"""Large exports run as a task: the request answers at once with a progress page, then the file, for its owner only."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from registration.exports import background as background_exports
from registration.models import PROTECTED_ANSWER_FIELDS, ExportJob, Registration
from registration.tasks import exports_expire
from tests.factories import RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'


def _export_url(format_id):
    return reverse("admin:registration_registration_export", args=[format_id])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[dict]:
    rows = list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def registrations_bulk_create(*, meeting, count: int, **fields) -> None:
    """`count` registrations in a few queries: factory_boy builds them, one bulk insert writes them."""
    # The factory's default language, asked once rather than once per row (a query each).
    fields.setdefault("listening_language", meeting.interpretation_languages.order_by("position", "pk").first())
    built = RegistrationFactory.build_batch(count, meeting=meeting, **fields)
    Registration.objects.bulk_create(built, batch_size=1000)


@pytest.fixture
def small_threshold(settings, tmp_path):
    settings.EXPORT_IN_BACKGROUND_FROM_ROWS = 2
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings


def _export_in_background(client, django_capture_on_commit_callbacks, format_id, params=None):
    """Ask for the export as the admin's link does, run what was queued, and follow to the progress page."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_export_url(format_id), params or {})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("admin:registration_export_job", args=[job.pk])
    return job, client.get(response["Location"])


def test_export_of_5000_rows_goes_to_the_background_and_ends_in_a_file_with_every_row(
    client, organiser, meeting, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIR = tmp_path / "exports"
    registrations_bulk_create(meeting=meeting, count=4999)
    RegistrationFactory(meeting=meeting, organisation=HYPERLINK, job_title="@SUM(A1:A9)")

    job, page = _export_in_background(client, django_capture_on_commit_callbacks, "csv")
    download = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))

    assert page.status_code == 200
    assert b"<progress" in page.content
    assert b'http-equiv="refresh"' not in page.content
    assert reverse("admin:registration_export_job_file", args=[job.pk]).encode() in page.content
    rows = _csv_rows(download)
    assert len(rows) == 5000
    assert rows[-1]["organisation"] == "'" + HYPERLINK
    assert rows[-1][str(Registration._meta.get_field("job_title").verbose_name)] == "'@SUM(A1:A9)"
    job.refresh_from_db()
    assert (job.status, job.written, job.total) == (ExportJob.Status.DONE, 5000, 5000)
    assert download["Content-Disposition"].startswith('attachment; filename="registrations-')


def test_small_export_stays_immediate(client, organiser, meeting):
    RegistrationFactory(meeting=meeting)

    response = client.get(_export_url("csv"))

    assert response.status_code == 200
    assert len(_csv_rows(response)) == 1
    assert not ExportJob.objects.exists()


def test_background_xlsx_keeps_the_list_filters_and_formula_protection(
    client, organiser, meeting, small_threshold, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(3, meeting=meeting, organisation="Ministry of Interior")
    RegistrationFactory.create_batch(3, meeting=meeting, organisation=HYPERLINK, last_name="Hostile")

    job, _page = _export_in_background(client, django_capture_on_commit_callbacks, "xlsx", {"q": "Hostile"})
    rows = _xlsx_rows(client.get(reverse("admin:registration_export_job_file", args=[job.pk])))

    assert len(rows) == 3
    assert {row["organisation"] for row in rows} == {HYPERLINK}
    workbook = openpyxl.load_workbook(
        io.BytesIO(_body(client.get(reverse("admin:registration_export_job_file", args=[job.pk]))))
    )
    cells = [cell for row in workbook.active.iter_rows(min_row=2) for cell in row if cell.value == HYPERLINK]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_background_export_leaves_out_protected_answers_without_the_permission(
    client, organiser, meeting, small_threshold, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(3, meeting=meeting)

    job, _page = _export_in_background(client, django_capture_on_commit_callbacks, "csv")
    rows = _csv_rows(client.get(reverse("admin:registration_export_job_file", args=[job.pk])))

    headers = set(rows[0])
    protected = {str(Registration._meta.get_field(name).verbose_name) for name in PROTECTED_ANSWER_FIELDS}
    assert headers & protected == set()


def test_lookup_on_a_protected_answer_is_still_refused_and_queues_nothing(
    client, organiser, meeting, small_threshold, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(3, meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_export_url("csv"), {"gender__exact": "woman"})

    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_another_organiser_gets_403_on_the_progress_page_and_the_file(
    client, organiser, meeting, small_threshold, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(3, meeting=meeting)
    job, _page = _export_in_background(client, django_capture_on_commit_callbacks, "csv")
    client.force_login(user_create(username="colleague", group=ORGANISERS, in_every_team=True))

    page = client.get(reverse("admin:registration_export_job", args=[job.pk]))
    download = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))

    assert (page.status_code, download.status_code) == (403, 403)


def test_running_export_page_refreshes_itself_and_offers_a_reload_link(client, organiser, meeting, small_threshold):
    RegistrationFactory.create_batch(3, meeting=meeting)

    # The queued task is not run: the page is what an organiser sees while a worker writes.
    response = client.get(_export_url("csv"), follow=True)

    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED
    assert b'<meta http-equiv="refresh" content="2">' in response.content
    assert b'<progress id="export-progress" max="3" value="0">' in response.content
    assert reverse("admin:registration_export_job", args=[job.pk]).encode() in response.content
    file_response = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))
    assert file_response.status_code == 302


def test_expired_export_is_deleted_by_the_beat_task_and_the_page_says_so(
    client, organiser, meeting, small_threshold, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(3, meeting=meeting)
    job, _page = _export_in_background(client, django_capture_on_commit_callbacks, "csv")
    path = background_exports.export_job_path(job=job)
    assert path.exists()
    stray = path.parent / "left-behind.csv"
    stray.write_text("a file no export owns")
    # An hour later, as the beat task sees it.
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    exports_expire()

    assert not path.exists()
    assert not stray.exists()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED
    page = client.get(reverse("admin:registration_export_job", args=[job.pk]))
    assert b"has expired" in page.content
    assert client.get(reverse("admin:registration_export_job_file", args=[job.pk])).status_code == 302


def test_building_an_export_twice_writes_it_once(
    client, organiser, meeting, small_threshold, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(3, meeting=meeting)
    job, _page = _export_in_background(client, django_capture_on_commit_callbacks, "csv")
    before = background_exports.export_job_path(job=job).stat().st_mtime_ns

    background_exports.export_job_build(job_id=job.pk)

    assert background_exports.export_job_path(job=job).stat().st_mtime_ns == before
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
