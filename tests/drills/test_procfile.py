"""The Procfile's three processes start with one command (honcho) and serve a registration end to end."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.support.servers import free_port, holds_for, wait_for

from .conftest import ROOT, START_SECONDS, WAIT_SECONDS, WebClient, _log_tail

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ADDRESS = "amina.hadzic@example.ba"
# The least time the drill watches for a duplicate after the confirmation arrives.
QUIET_SECONDS = 3


def test_procfile_processes_register_and_deliver_the_confirmation(site, redis_server, smtp_sink, tmp_path):
    sink, smtp_port = smtp_sink
    port = free_port()
    env = {
        **site.env,
        "CELERY_BROKER_URL": redis_server.url(0),
        "CACHE_URL": redis_server.url(1),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CELERY_CONCURRENCY": "1",
        "CELERY_BEAT_SCHEDULE": str(tmp_path / "celerybeat-schedule"),
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
    }
    log_path = tmp_path / "honcho.log"
    with log_path.open("ab") as log:
        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    web = WebClient(port=port, log_path=log_path)
    try:
        try:
            wait_for(lambda: web.get("/healthz")[0] == 200, timeout=START_SECONDS, interval=0.3, what="the web process")
        except TimeoutError:
            pytest.fail(f"the Procfile's web process did not answer; honcho's log ends with:\n{_log_tail(log_path)}")
        log_text = log_path.read_text(errors="replace")
        web.fetch_csrf()

        registered_at = time.monotonic()
        response = web.register(ADDRESS)
        wait_for(lambda: sink.delivered_to(ADDRESS), timeout=WAIT_SECONDS, interval=0.2, what="the confirmation")
        # A second copy (the task delivered twice, the beat's re-queue picking the row up as well) would
        # come after the first: keep watching at least as long as the first took, ending early if one does.
        quiet = max(QUIET_SECONDS, time.monotonic() - registered_at)
        received_once = holds_for(lambda: len(sink.delivered_to(ADDRESS)) == 1, seconds=quiet)
        log_text = log_path.read_text(errors="replace")
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()

    assert response.status == 302
    for process in ("web.1", "worker.1", "beat.1"):
        assert re.search(rf"{re.escape(process)} +\| ", log_text), f"{process} did not start:\n{log_text[-3000:]}"
    messages = sink.delivered_to(ADDRESS)
    assert received_once, f"{len(messages)} confirmations arrived within {quiet:.1f} s of the first"
    assert len(messages) == 1
    confirmation = messages[0]
    assert "Your registration is confirmed" in confirmation["Subject"]
    attachments = [part.get_content_type() for part in confirmation.iter_attachments()]
    assert "text/calendar" in attachments
