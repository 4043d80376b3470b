"""A real worker and Redis build a 5,000-row export behind its progress page, for its owner only, until it expires."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.models import ExportJob, Registration
from registration.tasks import exports_expire
from tests.factories import MeetingFactory, RegistrationFactory
from tests.integration.test_worker import _wait_for, worker  # noqa: F401 - the fixture used here
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.fixture
def export_dir(monkeypatch, settings, tmp_path):
    """One directory for this process and the worker it starts, which reads EXPORT_DIR from its environment."""
    directory = tmp_path / "exports"
    monkeypatch.setenv("EXPORT_DIR", str(directory))
    settings.EXPORT_DIR = directory
    return directory


@pytest.fixture
def export_worker(export_dir, worker):  # noqa: F811 - the imported fixture, asked for after export_dir
    return worker


def test_worker_builds_a_5000_row_export_that_only_its_owner_downloads_until_it_expires(
    client, export_worker, export_dir
):
    _app, _node, _queue, log_path = export_worker
    meeting = MeetingFactory()
    Registration.objects.bulk_create(RegistrationFactory.build_batch(4999, meeting=meeting), batch_size=1000)
    RegistrationFactory(meeting=meeting, organisation=HYPERLINK)
    owner = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    client.force_login(owner)

    response = client.get(reverse("admin:registration_registration_export", args=["csv"]))
    job = ExportJob.objects.get()
    page_url = reverse("admin:registration_export_job", args=[job.pk])
    _wait_for(lambda: b"Download the file" in client.get(page_url).content, "the export to be written", log_path)
    download = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))
    client.force_login(user_create(username="colleague", group=ORGANISERS, in_every_team=True))
    refused = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"] == page_url
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 5000
    assert rows[-1]["organisation"] == "'" + HYPERLINK
    assert refused.status_code == 403
    job.refresh_from_db()
    assert (job.status, job.written) == (ExportJob.Status.DONE, 5000)
    assert list(export_dir.iterdir()) == [export_dir / job.stored_name]

    # An hour later (EXPORT_KEEP_SECONDS), the beat task run by the worker deletes the file.
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    exports_expire.delay()
    _wait_for(lambda: not any(export_dir.iterdir()), "the expired export to be deleted", log_path)
    client.force_login(owner)
    expired_page = client.get(page_url)
    expired_file = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED
    assert b"This export has expired" in expired_page.content
    assert expired_file.status_code == 302
