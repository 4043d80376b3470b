"""Production wiring: deploy checks, security headers, error pages, /healthz and the 503 page."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings

from tests.factories import MeetingFactory
from tests.imrf_event.settings_import import settings_import

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_with_production_settings_reports_no_issue():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    } | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "imrf.example.org",
        "SITE_URL": "https://imrf.example.org",
        "DJANGO_SETTINGS_MODULE": "imrf_event.settings",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    environment = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}

    result = settings_import(environment)

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://relay%40un.example:s3cret@mail.example.org:587",
            "smtp.EmailBackend mail.example.org 587 relay@un.example s3cret True False",
        ),
        ("smtp+ssl://mail.example.org:465", "smtp.EmailBackend mail.example.org 465 None None False True"),
        ("consolemail://", "console.EmailBackend None None None None False False"),
    ],
)
def test_production_settings_take_the_mail_server_from_email_url(url, expected):
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "imrf_event.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_URL": url,
    }
    names = ["EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"]
    code = (
        "from django.conf import settings as s; "
        f"print(s.EMAIL_BACKEND.removeprefix('django.core.mail.backends.'), *(getattr(s, n) for n in {names!r}))"
    )

    result = settings_import(environment, code=code)

    assert result.stdout.strip() == expected, result.stderr


def test_pages_send_security_headers(client):
    MeetingFactory()

    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client):
    meeting = MeetingFactory()
    pages = ["/", f"/{meeting.slug}/", f"/{meeting.slug}/agenda/", f"/{meeting.slug}/register/"]
    pages.append(f"/{meeting.slug}/register/privacy/")

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()

        for chunk in content.split("<script")[1:]:
            assert "src=" in chunk.split(">", 1)[0], f"inline script on {url}"
    assert meeting


def test_not_found_page_uses_the_site_layout_and_leaks_nothing(client):
    MeetingFactory()

    response = client.get("/no-such-page/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in content
    assert 'href="#content"' in content
    assert "Traceback" not in content
    assert "urlpatterns" not in content


def test_server_error_page_uses_the_site_layout(client):
    client.raise_request_exception = False
    meeting = MeetingFactory()

    with mock.patch("agenda.views.selectors.meeting_get_published", side_effect=RuntimeError("secret detail")):
        response = client.get(f"/{meeting.slug}/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in content
    assert "secret detail" not in content


def test_database_down_gives_try_again_page(client):
    meeting = MeetingFactory()

    with mock.patch("agenda.views.selectors.meeting_get_published", side_effect=OperationalError("connection refused")):
        response = client.get(f"/{meeting.slug}/agenda/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Please try again in a moment" in response.content.decode()
    assert "connection refused" not in response.content.decode()


def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("imrf_event.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] is False


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:9/0")
def test_healthz_answers_503_when_the_broker_is_unreachable(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "broker": False}
