"""Shared test setup: which outside services are here, and the rule that CI may not skip for a missing one.

Mark a test `postgres`, `redis` or `browser` (or use the `redis_url`, `chromium_executable`, `axe_script`
fixtures) and it runs when the service is there; otherwise it is skipped with a reason starting with
“missing service:”. With CI=true that skip is reported as a failure, so CI cannot pass by running less.
"""

import datetime
import functools
import importlib.util
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

# Playwright's sync API keeps an asyncio event loop in the main thread from the first browser test
# on, and Django then refuses every ORM call there, though the calls really are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
MISSING_SERVICE = "missing service: "
CHROMIUM_PATHS = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REDIS_URL_VARIABLES = ("REDIS_URL", "CELERY_BROKER_URL")


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def service_missing(reason: str):
    """Skip the current test because a service is missing (a failure under CI=true)."""
    pytest.skip(MISSING_SERVICE + reason)


def postgres_missing_reason() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return None
    return "PostgreSQL: the test database is not PostgreSQL (set DATABASE_URL=postgres://…)"


@functools.cache
def redis_server_url() -> str | None:
    """The first of REDIS_URL, CELERY_BROKER_URL that is a redis:// URL answering PING."""
    import redis

    for variable in REDIS_URL_VARIABLES:
        url = os.environ.get(variable, "")
        if not url.startswith(("redis://", "rediss://")):
            continue
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except redis.RedisError:
            continue
        return url
    return None


def redis_missing_reason() -> str | None:
    if redis_server_url():
        return None
    return "Redis: neither REDIS_URL nor CELERY_BROKER_URL is a reachable redis:// server"


def chromium_path() -> Path | None:
    return next((path for path in CHROMIUM_PATHS if path.is_file()), None)


def browser_missing_reason() -> str | None:
    if chromium_path() is None:
        return "Chromium: install Debian's chromium package (/usr/lib/chromium/chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python: install requirements-dev.txt"
    return None


def axe_missing_reason() -> str | None:
    if AXE_SCRIPT.is_file():
        return None
    return f"axe-core: run `npm ci` to install {AXE_SCRIPT.relative_to(ROOT)}"


MARKER_CHECKS = {
    "postgres": postgres_missing_reason,
    "redis": redis_missing_reason,
    "browser": browser_missing_reason,
}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for marker, missing_reason in MARKER_CHECKS.items():
        if item.get_closest_marker(marker) and (reason := missing_reason()):
            service_missing(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and on_ci() and isinstance(report.longrepr, tuple):
        reason = report.longrepr[2].removeprefix("Skipped: ")
        if reason.startswith(MISSING_SERVICE):
            report.outcome = "failed"
            report.longrepr = f"CI=true, so a test may not be skipped for a {reason}"
    return report


TRANSACTIONAL_FIXTURES = ("transactional_db", "live_server")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated rows after its flush (`serialized_rollback`).

    A flush empties every table. Without serialized_rollback, Django then re-creates content types and
    permissions (post_migrate) under new ids, but not the roles migration's groups; with it, the flush
    leaves the tables empty and the next such test reloads the rows saved after migrating, ids and all.
    Mixed in one run, a reload after a re-creation collides ("UNIQUE constraint failed:
    django_content_type"), so whether a subset passed depended on its order. One rule for all: each
    transactional test starts from the migrated database, whichever test ran before it.
    """
    from pytest_django.fixtures import validate_django_db

    for item in items:
        marker = item.get_closest_marker("django_db")
        options = {}
        if marker is not None:
            transaction, reset_sequences, databases, _serialized, available_apps = validate_django_db(marker)
            options = {"transaction": transaction, "reset_sequences": reset_sequences, "databases": databases}
            if available_apps is not None:
                options["available_apps"] = available_apps
        transactional = options.get("transaction") or options.get("reset_sequences")
        if not transactional and not set(TRANSACTIONAL_FIXTURES) & set(getattr(item, "fixturenames", ())):
            continue
        options["transaction"] = True
        item.add_marker(pytest.mark.django_db(**options, serialized_rollback=True), append=False)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of a reachable Redis server, from REDIS_URL or CELERY_BROKER_URL."""
    if reason := redis_missing_reason():
        service_missing(reason)
    return redis_server_url()


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium, with Playwright for Python importable to drive it."""
    if reason := browser_missing_reason():
        service_missing(reason)
    return chromium_path()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's browser bundle, installed by `npm ci`."""
    if reason := axe_missing_reason():
        service_missing(reason)
    return AXE_SCRIPT


def pytest_sessionstart(session):
    """Compile the translation catalogues when a .mo is missing or older than its .po.

    bin/test compiles them too; this covers running pytest directly after editing a .po.
    """
    from django.utils.translation import trans_real

    from imrf_event.catalogues import catalogues_compile

    if catalogues_compile():
        # Catalogues read before they were rebuilt would otherwise stay cached in this process.
        trans_real._translations = {}
        trans_real._default = None


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in English: a request leaves its language active in the thread, and a
    row created in another language would store its texts in that language's columns only."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


class _MidMinuteClock:
    """The time module as registration.throttle sees it: always the middle of one minute."""

    @staticmethod
    def time() -> float:
        return 60 * 29_000_000 + 30.0


@pytest.fixture(autouse=True)
def _throttle_within_one_minute(monkeypatch):
    """The registration limit counts per clock minute: eleven posts that straddle a minute's end would
    be counted in two windows and the eleventh let through. Every test's posts fall in one minute;
    tests of the window itself set their own clock (tests/registration/test_throttle.py). With one window
    for the whole run, each test starts with nothing counted."""
    from django.core.cache import cache

    monkeypatch.setattr("registration.throttle.time", _MidMinuteClock)
    cache.clear()


@pytest.fixture
def page_cache():
    """The page cache and its per-process copies on, as in production, emptied before and after."""
    from django.core.cache import cache
    from django.test import override_settings

    from agenda.cache import pages_forget_local

    cache.clear()
    pages_forget_local()
    with override_settings(PAGE_CACHE_TIMEOUT=datetime.timedelta(minutes=10)):
        yield
    cache.clear()
    pages_forget_local()
