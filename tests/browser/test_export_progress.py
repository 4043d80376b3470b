"""A background export in a real browser: the progress bar, the page refreshing itself without script, the download."""

import pytest
from playwright.sync_api import expect

from registration.exports import background as background_exports
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_bar_fills_by_itself_and_ends_in_the_download(live_server, signed_in_page, settings_dir):
    meeting = MeetingFactory()
    RegistrationFactory.create_batch(3, meeting=meeting, organisation='=HYPERLINK("http://x","y")')
    user = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    # Queued as the export link queues it, and not yet built: the page shows what a worker's progress looks like.
    job = background_exports.export_job_create(
        user=user, kind="registrations", format_id="csv", query="", total=3, filename_stem="registrations-test"
    )
    page = signed_in_page(user)

    page.goto(f"{live_server.url}/admin/registration/registration/export-job/{job.pk}/")
    progress = page.locator("progress#export-progress")
    expect(progress).to_have_attribute("value", "0")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(1)
    background_exports.export_job_build(job_id=job.pk)

    # No reload from the test: the page's own refresh brings the finished state.
    download_link = page.get_by_role("link", name="Download the file")
    expect(download_link).to_be_visible(timeout=10_000)
    expect(page.locator("progress")).to_have_attribute("value", "3")
    with page.expect_download() as download_info:
        download_link.click()
    content = download_info.value.path().read_text(encoding="utf-8-sig")
    assert content.count("\n") == 4
    assert "'=HYPERLINK" in content


@pytest.fixture
def settings_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR
