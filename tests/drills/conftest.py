"""Fixtures for the reliability drills: the site's own processes on their own PostgreSQL and Redis.

A drill stops and kills servers and workers on purpose, so it never uses the suite's shared
servers: each module gets a throwaway PostgreSQL cluster (tests/support/servers.py), each drill its own
Redis, gunicorn and Celery worker on free loopback ports, all stopped when it ends. The site runs
with the production settings (DEBUG off), only made to speak plain HTTP on loopback.
"""

import asyncio
import email
import email.policy
import http.client
import os
import re
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import service_missing
from tests.support.servers import (
    PLAIN_HTTP_ON_LOOPBACK,
    REGISTRATION_FORM,
    PostgresServer,
    RedisServer,
    child_pids,
    free_port,
    gunicorn_start,
    postgres_bin_dir,
    process_stop,
    redis_server_path,
    wait_for,
)

# The form of the meeting `load_imrf` creates.
REGISTER_PATH = "/imrf-100-days/register/"
ROOT = Path(__file__).resolve().parent.parent.parent
# Every wait ends as soon as its condition holds; these only bound a drill that went wrong.
START_SECONDS = 60
WAIT_SECONDS = 30
# Longest an SMTP DATA reply is held back: past it the message is accepted, and the drill fails.
SMTP_HOLD_SECONDS = 15


def postgres_required():
    if postgres_bin_dir() is None:
        service_missing("PostgreSQL server binaries: install Debian's postgresql package (/usr/lib/postgresql/*/bin)")


def redis_required():
    if redis_server_path() is None:
        service_missing("redis-server: install Debian's redis-server package")


@dataclass
class Site:
    """The site's configuration for its subprocesses, and ways to look into its database."""

    postgres: PostgresServer
    env: dict[str, str]
    logs: Path

    def configured(self, **env: str) -> "Site":
        """The same site and database, its processes started with `env` on top."""
        return replace(self, env={**self.env, **env})

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
        )
        if result.returncode:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def python(self, code: str) -> str:
        """Run `code` in the site's Django (as `manage.py shell` would) and return what it printed."""
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def sql(self, query: str) -> list[list[str]]:
        output = self.postgres.psql(query)
        return [line.split("|") for line in output.splitlines()] if output else []

    def email_requeue_stale(self, *, minutes_ahead: int) -> int:
        """Run the periodic re-queue as if `minutes_ahead` minutes had passed, so no drill waits for its interval."""
        return int(
            self.python(
                "import datetime; from django.utils import timezone; from registration.mail import requeue; "
                f"print(requeue.email_requeue_stale(now=timezone.now() + datetime.timedelta(minutes={minutes_ahead})))"
            ).splitlines()[-1]
        )


@pytest.fixture(scope="session")
def drill_static_root(tmp_path_factory) -> Path:
    """The static files collected once, as a deployment does before gunicorn starts."""
    postgres_required()
    static_root = tmp_path_factory.mktemp("drill-static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.drills.site_settings",
        "SECRET_KEY": "drill-only",
        "DRILL_STATIC_ROOT": str(static_root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=START_SECONDS,
    )
    return static_root


@pytest.fixture(scope="module")
def site(drill_static_root, tmp_path_factory):
    """A migrated PostgreSQL of the site's own, with the upcoming meeting loaded."""
    postgres_required()
    logs = tmp_path_factory.mktemp("drill-logs")
    with PostgresServer(durable=False) as postgres:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.drills.site_settings",
            "DRILL_STATIC_ROOT": str(drill_static_root),
            "DEBUG": "false",
            "SECRET_KEY": f"drill-only-{uuid.uuid4().hex}",
            **PLAIN_HTTP_ON_LOOPBACK,
            "DATABASE_URL": postgres.url,
            "CONN_MAX_AGE": "0",
            "REGISTRATION_POSTS_PER_MINUTE": "100000",
            "LOG_FORMAT": "plain",
            # The drills do not want the suite's settings, services or CI switches in their processes.
            "CELERY_BROKER_URL": "",
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": "dummymail://",
        }
        site = Site(postgres=postgres, env=env, logs=logs)
        site.manage("migrate", "--noinput")
        site.manage("load_imrf", "--upcoming")
        yield site


@pytest.fixture
def redis_server():
    redis_required()
    with RedisServer() as server:
        yield server


def _log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.exists() else "(no log)"


@contextmanager
def gunicorn(site: Site, **env_overrides: str):
    """The web process as the Procfile runs it (gunicorn.conf.py), on a free loopback port."""
    port = free_port()
    log_path = site.logs / f"web-{port}.log"
    env = {**site.env, "WEB_CONCURRENCY": "2", "SITE_URL": f"http://127.0.0.1:{port}", **env_overrides}
    process = gunicorn_start(env=env, port=port, log_path=log_path, cwd=ROOT)
    web = WebClient(port=port, log_path=log_path)
    try:
        try:
            wait_for(lambda: web.get("/")[0] == 200, timeout=START_SECONDS, interval=0.2, what="gunicorn")
        except TimeoutError:
            pytest.fail(f"gunicorn did not serve /; its log ends with:\n{_log_tail(log_path)}")
        yield web
    finally:
        process_stop(process, timeout=30)


@contextmanager
def celery_worker(site: Site, *, smtp_port: int, **env_overrides: str):
    """`celery worker` with one prefork child, so the drill knows which process is sending."""
    log_path = site.logs / f"worker-{uuid.uuid4().hex[:8]}.log"
    env = {**site.env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", **env_overrides}
    command = [
        sys.executable, "-m", "celery", "--app", "imrf_event", "worker", "--pool", "prefork", "--concurrency", "1",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"drill-{uuid.uuid4().hex[:8]}@localhost",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    worker = Worker(process=process, log_path=log_path)
    try:
        worker.wait_for(lambda: " ready." in _log_tail(log_path), "the worker to be ready", timeout=START_SECONDS)
        yield worker
    finally:
        process_stop(process, timeout=30)


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    def children(self) -> list[int]:
        return child_pids(self.process.pid)

    def log(self) -> str:
        return _log_tail(self.log_path)

    def wait_for(self, condition, what: str, *, timeout: float = WAIT_SECONDS) -> None:
        try:
            wait_for(condition, timeout=timeout, interval=0.1, what=what)
        except TimeoutError:
            pytest.fail(f"gave up waiting for {what}; the worker's log ends with:\n{self.log()}")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class WebClient:
    """A browser on loopback, reduced to what the drills need: one CSRF cookie and form token, and POSTs."""

    port: int
    log_path: Path
    csrf_cookie: str = ""
    form_token: str = ""
    listening_language: str = ""

    def request(self, method: str, path: str, *, body: str | None = None, headers=None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_SECONDS)
        try:
            connection.request(method, path, body=body.encode() if body else None, headers=headers or {})
            response = connection.getresponse()
            return Response(
                status=response.status,
                headers={name.lower(): value for name, value in response.getheaders()},
                body=response.read().decode(errors="replace"),
            )
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int | None, str]:
        try:
            response = self.request("GET", path)
        except OSError:
            return None, ""
        return response.status, response.body

    def fetch_csrf(self) -> None:
        """GET the form once, as a participant's browser does, keeping the CSRF cookie and form token."""
        response = self.request("GET", REGISTER_PATH)
        cookie = SimpleCookie()
        for name, value in response.headers.items():
            if name == "set-cookie":
                cookie.load(value)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.body)
        language = re.search(r'name="listening_language" value="(\d+)"', response.body)
        assert response.status == 200, response.body[:2000]
        assert "csrftoken" in cookie and token and language, "the form has no CSRF cookie, token or language choice"
        self.csrf_cookie, self.form_token, self.listening_language = cookie["csrftoken"].value, token[1], language[1]

    def register(self, email_address: str) -> Response:
        body = urlencode(
            {
                **REGISTRATION_FORM,
                "csrfmiddlewaretoken": self.form_token,
                "listening_language": self.listening_language,
                "email": email_address,
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={self.csrf_cookie}"}
        return self.request("POST", REGISTER_PATH, body=body, headers=headers)

    def log(self) -> str:
        return _log_tail(self.log_path)


@dataclass
class SmtpSink:
    """An SMTP server's handler that keeps what it accepts, and can hold back its reply to DATA.

    While `hold` is set, the server waits before answering DATA, so the message is not yet
    accepted and a client killed then has not delivered it. aiosmtpd cancels the handler when the
    client's connection drops; that cancellation is recorded, and the message is not kept.
    """

    hold: bool = False
    messages: list = field(default_factory=list)
    data_started: threading.Event = field(default_factory=threading.Event)
    aborted: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        self.data_started.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SMTP_HOLD_SECONDS
        try:
            while self.hold and loop.time() < deadline:
                await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            self.aborted.set()
            raise
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def delivered_to(self, address: str) -> list:
        with self.lock:
            return [message for recipients, message in self.messages if recipients == [address]]


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


def redis_idle(redis_server: RedisServer, queue: str = "celery") -> bool:
    """No task message waiting in the queue, and none delivered to a worker and not yet acknowledged."""
    import redis

    client = redis.Redis.from_url(redis_server.url(0), socket_timeout=2)
    return client.llen(queue) == 0 and client.hlen("unacked") == 0
