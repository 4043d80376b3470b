"""Two web processes behind one proxy, as docs/deploy.md runs them: one PostgreSQL, one Redis, nothing else shared.

Each process is gunicorn with the production settings on its own loopback port; each keeps its own
copies of the pages in memory (agenda/cache.py) on top of the page cache in Redis. A Celery worker
sends the emails both of them queue. The tests hold docs/deploy.md to its word: a participant may
land on either process, an organiser's change saved through one shows on the other's pages within
PAGE_CACHE_VERSION_CHECK_SECONDS, and an email is sent once whichever process queued it.
"""

import datetime
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.utils import timezone

from agenda.cache import VERSION_KEY
from mailings.models import Mailing
from registration.models import OutgoingEmail, Registration
from tests.factories import AgendaItemFactory, MeetingFactory, RegistrationFactory, registration_answers
from tests.integration.test_worker import _database_url, _wait_for
from tests.support.servers import PLAIN_HTTP_ON_LOOPBACK, free_port, gunicorn_start, process_stop, wait_for

from .web import Browser

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parent.parent.parent
START_SECONDS = 90
# docs/deploy.md and agenda/cache.py: the other processes see a change "within a second".
CHECK_SECONDS = 1.0


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """The static files collected once, as a deployment does before gunicorn starts."""
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.drills.site_settings", "SECRET_KEY": "collect-only"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={**env, "DRILL_STATIC_ROOT": str(root)},
        check=True,
        capture_output=True,
        timeout=START_SECONDS,
    )
    return root


def _log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.exists() else "(no log)"


@pytest.fixture
def site(transactional_db, redis_url, smtp_inbox, static_root, tmp_path):
    """A Celery worker and two gunicorn processes (one worker each) on the test database and Redis."""
    _inbox, smtp_port = smtp_inbox
    queue = f"imrf-two-web-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.drills.site_settings",
        "DRILL_STATIC_ROOT": str(static_root),
        # The test signs the organiser in with a session it writes itself, so the key must be the same.
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        **PLAIN_HTTP_ON_LOOPBACK,
        "ADMIN_2FA": "optional",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": queue,
        "CACHE_URL": redis_url,
        "PAGE_CACHE_VERSION_CHECK_SECONDS": str(CHECK_SECONDS),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "REGISTRATION_POSTS_PER_MINUTE": "100000",
        "WEB_CONCURRENCY": "1",
        "LOG_FORMAT": "plain",
    }
    # Pages another run cached in this Redis database are never read: a new agenda version, as a save makes.
    RedisCache(redis_url, {}).set(VERSION_KEY, time.time_ns(), None)
    worker_log = tmp_path / "worker.log"
    with ExitStack() as stack:
        command = [
            sys.executable, "-m", "celery", "-A", "imrf_event", "worker", "--pool=threads", "--concurrency=2",
            "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-Q", queue, "-n", f"{queue}@localhost",
        ]  # fmt: skip
        with worker_log.open("wb") as log:
            worker = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        stack.callback(process_stop, worker, timeout=30)
        webs = []
        for _ in range(2):
            port = free_port()
            log_path = tmp_path / f"web-{port}.log"
            process = gunicorn_start(
                env={**env, "SITE_URL": f"http://127.0.0.1:{port}"}, port=port, log_path=log_path, cwd=ROOT
            )
            stack.callback(process_stop, process, timeout=30)
            webs.append((port, log_path))
        for port, log_path in webs:
            try:
                wait_for(lambda port=port: _serves(port), timeout=START_SECONDS, interval=0.2, what="gunicorn")
            except TimeoutError:
                pytest.fail(f"gunicorn did not serve /; its log ends with:\n{_log_tail(log_path)}")
        _wait_for(lambda: " ready." in _log_tail(worker_log), "the worker to be ready", worker_log)
        yield [port for port, _log in webs], worker_log
        _wait_for(lambda: _queue_empty(redis_url, queue), "the worker to finish its tasks", worker_log)
    server = redis.Redis.from_url(redis_url)
    for key in server.scan_iter(match=f"*{queue}*"):
        server.delete(key)


def _serves(port: int) -> bool:
    try:
        return Browser(port).get("/healthz").status == 200
    except OSError:
        return False


def _queue_empty(redis_url: str, queue: str) -> bool:
    return redis.Redis.from_url(redis_url).llen(queue) == 0


def _organiser(port: int) -> Browser:
    """A superuser's browser on `port`, signed in through a session in the shared database."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("organiser", "organiser@example.org", "not-used")
    client = Client()
    client.force_login(user)
    return Browser(port, cookies={settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value})


def _register(browser: Browser, meeting, email: str):
    form = browser.get(f"/{meeting.slug}/register/")
    token = form.body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    return browser.post(
        f"/{meeting.slug}/register/",
        {**registration_answers(meeting, email=email), "csrfmiddlewaretoken": token},
    )


def test_participants_register_through_either_process_and_each_is_confirmed_once(site, smtp_inbox):
    (first, second), worker_log = site
    inbox, _port = smtp_inbox
    meeting = MeetingFactory()
    emails = [f"participant{number}@example.org" for number in range(4)]

    answers = [_register(Browser((first, second)[number % 2]), meeting, email) for number, email in enumerate(emails)]
    _wait_for(lambda: len(inbox.snapshot()) >= len(emails), "a confirmation for each participant", worker_log)

    assert [answer.status for answer in answers] == [302] * len(emails)
    assert sorted(Registration.objects.values_list("email", flat=True)) == emails
    delivered = Counter(recipient for recipients, _message in inbox.snapshot() for recipient in recipients)
    assert delivered == Counter(dict.fromkeys(emails, 1))


def test_an_agenda_change_saved_through_one_process_shows_on_the_others_pages_within_a_second(site):
    (first, second), _worker_log = site
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Opening of the meeting")
    visitor = Browser(second)
    # The other process has both pages in its memory and in Redis before the change.
    assert "Opening of the meeting" in visitor.get(f"/{meeting.slug}/agenda/").body
    assert "Opening of the meeting" in visitor.get(f"/{meeting.slug}/agenda/").body

    saved = _organiser(first).submit(
        f"/admin/agenda/agendaitem/{item.pk}/change/", "agendaitem_form", title_en="Welcome by the Regional Director"
    )
    time.sleep(CHECK_SECONDS)
    agenda = visitor.get(f"/{meeting.slug}/agenda/").body

    assert saved.status == 302, saved.body[:3000]
    item.refresh_from_db()
    assert item.title == "Welcome by the Regional Director"
    assert "Welcome by the Regional Director" in agenda
    assert "Opening of the meeting" not in agenda


def test_a_follow_up_sent_from_both_processes_reaches_each_participant_once(site, smtp_inbox):
    (first, second), worker_log = site
    inbox, _port = smtp_inbox
    ended = timezone.now() - datetime.timedelta(days=1)
    meeting = MeetingFactory(starts_at=ended - datetime.timedelta(hours=3), ends_at=ended)
    participants = RegistrationFactory.create_batch(3, meeting=meeting)
    # The follow-up is a message to registrants (mailings app) whose audience is those who did not attend.
    follow_up = Mailing.objects.create(
        meeting=meeting,
        audience=Mailing.Audience.ABSENT,
        subject_en="Thank you for registering",
        body_en="The recording.",
    )
    path = f"/admin/mailings/mailing/{follow_up.pk}/confirm/"

    # The organiser presses "send" in one tab on each process, the second before the first's emails are out.
    signed_in = _organiser(first)
    for port in (first, second):
        organiser = Browser(port, cookies=dict(signed_in.cookies))
        page = organiser.get(path)
        token = page.body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        answer = organiser.post(path, {"csrfmiddlewaretoken": token})
        assert answer.status == 302, answer.body[:3000]
    _wait_for(lambda: len(inbox.snapshot()) >= len(participants), "the follow-up for each participant", worker_log)
    _wait_for(lambda: not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists(), "sent", worker_log)

    delivered = Counter(
        recipient
        for recipients, message in inbox.snapshot()
        if message["Subject"].endswith("Thank you for registering")
        for recipient in recipients
    )
    assert delivered == Counter({registration.email: 1 for registration in participants})
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING).count() == len(participants)
