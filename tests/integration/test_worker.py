"""A real Celery worker process, the real Redis and an SMTP server on loopback: confirmations and reminders arrive once.

The worker is a separate process, so it cannot see the test's in-memory database or its
uncommitted transaction: these tests use PostgreSQL's test database with committed data
(transactional_db) and hand its name to the worker through DATABASE_URL.
"""

import datetime
import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import icalendar
import pytest
import redis
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registration.models import OutgoingEmail, Registration, Reminder
from registration.tasks import send_due_reminders
from tests.celery_broker import celery_broker
from tests.factories import MeetingFactory, RegistrationFactory, registration_answers
from tests.support.servers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parent.parent.parent
# Generous: a cold worker start imports Django and Celery; the wait ends as soon as all is there.
WAIT_SECONDS = 90


def _wait_for(condition, what, worker_log: Path):
    try:
        wait_for(condition, timeout=WAIT_SECONDS, interval=0.2, what=what)
    except TimeoutError:
        log = worker_log.read_text(errors="replace")[-4000:]
        pytest.fail(f"gave up waiting for {what}; worker log ends with:\n{log}")


def _database_url() -> str:
    """The test database (already renamed test_…) as a URL the worker's settings understand."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def worker(transactional_db, redis_url, smtp_inbox, tmp_path):
    """A `celery -A imrf_event worker` on its own queue, sending to the loopback SMTP server."""
    _inbox, smtp_port = smtp_inbox
    queue = f"imrf-test-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@localhost"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imrf_event.settings",
        "SECRET_KEY": "integration-test-only",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_FORMAT": "plain",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "imrf_event", "worker",
        "--pool=threads", "--concurrency=2", "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-Q", queue, "-n", node,
    ]  # fmt: skip
    with log_path.open("wb") as log, celery_broker(redis_url, queue=queue) as app:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(
                lambda: process.poll() is None and app.control.ping(destination=[node], timeout=0.5),
                "the worker to answer a ping",
                log_path,
            )
            yield app, node, queue, log_path
        finally:
            # Warm shutdown: running tasks finish, so nothing writes to the database after the flush.
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            # The queue, its priority sub-queues and kombu's bindings all carry the unique name.
            server = redis.Redis.from_url(redis_url)
            for key in server.scan_iter(match=f"*{queue}*"):
                server.delete(key)


def _worker_idle(app, node, queue, redis_url) -> bool:
    inspect = app.control.inspect(destination=[node], timeout=0.5)
    running = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
    return not any(running) and redis.Redis.from_url(redis_url).llen(queue) == 0


def _form_data(meeting):
    return registration_answers(
        meeting, language="ru", honorific=None, first_name="Айгерим", last_name="Đurić", email="aigerim@example.kz"
    )


def test_worker_delivers_the_confirmation_with_its_ics_after_the_web_form(client, worker, smtp_inbox):
    inbox, _port = smtp_inbox
    meeting = MeetingFactory()

    response = client.post(reverse("registration:register", args=[meeting.slug]), _form_data(meeting))
    _wait_for(lambda: inbox.snapshot(), "the confirmation in the SMTP inbox", worker[3])

    assert response.status_code == 302
    registration = Registration.objects.get()
    ((recipients, message),) = inbox.snapshot()
    assert recipients == ["aigerim@example.kz"]
    assert message["Subject"] == "[IMRF 100 days] Your registration is confirmed"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] == meeting.contact_email
    assert "Dear Айгерим Đurić," in message.get_body(("plain",)).get_content()
    assert registration.manage_token in message.get_body(("html",)).get_content()
    (ics,) = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    (event,) = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("DTSTART") == meeting.starts_at
    # A confirmation's .ics names the platform: the joining link comes later, with the last reminders.
    assert str(event["LOCATION"]) == meeting.platform
    email_row = OutgoingEmail.objects.get()
    assert email_row.status == OutgoingEmail.Status.SENT
    assert email_row.message_id == message["Message-ID"]


def test_worker_running_the_reminder_task_twice_delivers_each_reminder_once(worker, smtp_inbox, redis_url):
    inbox, _port = smtp_inbox
    app, node, queue, log_path = worker
    starts = timezone.now() + datetime.timedelta(minutes=30)
    meeting = MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    active = RegistrationFactory.create_batch(3, meeting=meeting)
    RegistrationFactory(meeting=meeting, status=Registration.Status.CANCELLED, cancelled_at=timezone.now())
    soon = meeting.reminders.get(kind=Reminder.Kind.STARTING_SOON)

    # Two runs at once, as when beat fires twice or two workers pick up the schedule.
    send_due_reminders.delay()
    send_due_reminders.delay()
    _wait_for(lambda: len(inbox.snapshot()) >= len(active), "a reminder for each registrant", log_path)
    _wait_for(lambda: _worker_idle(app, node, queue, redis_url), "the worker to finish its tasks", log_path)

    delivered = Counter(recipient for recipients, _message in inbox.snapshot() for recipient in recipients)
    assert delivered == Counter({registration.email: 1 for registration in active})
    assert {message["Subject"] for _recipients, message in inbox.snapshot()} == {
        "[IMRF 100 days] The meeting starts in one hour"
    }
    rows = OutgoingEmail.objects.filter(reminder=soon)
    assert rows.count() == len(active)
    assert set(rows.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
