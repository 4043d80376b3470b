"""Focal points sign in by one-time links: single use, short-lived, rate-limited, silent about unknown addresses."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegations import services, signing_in
from delegations.models import SignInLink
from tests.delegations.conftest import sign_in

pytestmark = pytest.mark.django_db


def _link_path(body):
    return "/" + re.search(r"https?://[^/]+/(focal-point/sign-in/\S+/)", body).group(1)


def test_focal_point_name_emails_the_invitation_in_their_language(austria, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.focal_point_name(entity=austria, name="Anna Huber", email="anna@example.at", language="fr")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.at"]
    assert "Autriche" in mail.outbox[0].body
    assert "/focal-point/sign-in/" in mail.outbox[0].body


def test_sign_in_link_is_single_use(client, austria_focal_point, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delegations:sign_in"), {"email": austria_focal_point.email.upper()})
    path = _link_path(mail.outbox[-1].body)

    first = client.post(path)
    other = client.__class__()
    second = other.post(path)

    assert first.status_code == 302
    assert client.get(reverse("delegations:home")).status_code == 200
    assert second.status_code == 403
    assert other.get(reverse("delegations:home")).status_code == 302


def test_sign_in_link_opened_by_a_mail_scanner_is_not_spent(client, austria_focal_point):
    signing_in.sign_in_link_request(email=austria_focal_point.email, now=timezone.now())
    path = _link_path(mail.outbox[-1].body)

    client.get(path)

    assert client.post(path).status_code == 302


def test_sign_in_link_expires(client, austria_focal_point):
    signing_in.sign_in_link_request(
        email=austria_focal_point.email, now=timezone.now() - datetime.timedelta(minutes=21)
    )
    path = _link_path(mail.outbox[-1].body)

    response = client.post(path)

    assert response.status_code == 403
    assert client.get(reverse("delegations:home")).status_code == 302


def test_sign_in_link_stores_only_a_hash(austria_focal_point):
    signing_in.sign_in_link_request(email=austria_focal_point.email, now=timezone.now())
    token = _link_path(mail.outbox[-1].body).rstrip("/").rsplit("/", 1)[1]

    stored = SignInLink.objects.get()

    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_sign_in_answer_is_the_same_for_an_unknown_address(client, austria_focal_point):
    known = client.post(reverse("delegations:sign_in"), {"email": austria_focal_point.email})
    unknown = client.post(reverse("delegations:sign_in"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().replace(
        known.wsgi_request.META.get("CSRF_COOKIE", ""), ""
    ) == unknown.content.decode().replace(unknown.wsgi_request.META.get("CSRF_COOKIE", ""), "")


def test_sign_in_requests_are_rate_limited(client, austria_focal_point, settings):
    settings.FOCAL_POINT_SIGN_IN_REQUESTS_PER_MINUTE = 3
    for _attempt in range(3):
        client.post(reverse("delegations:sign_in"), {"email": austria_focal_point.email})

    response = client.post(reverse("delegations:sign_in"), {"email": austria_focal_point.email})

    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_focal_point_session_ends_after_its_hours(client, austria_focal_point, settings, monkeypatch):
    sign_in(client, austria_focal_point)
    later = timezone.now() + datetime.timedelta(seconds=settings.FOCAL_POINT_SESSION_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = client.get(reverse("delegations:home"))

    assert response.status_code == 302


def test_replaced_focal_point_is_signed_out_at_once(client, austria_focal_point):
    sign_in(client, austria_focal_point)
    austria_focal_point.is_active = False
    austria_focal_point.save()

    assert client.get(reverse("delegations:home")).status_code == 302


def test_focal_point_session_gives_no_admin_access(client, austria_focal_point):
    sign_in(client, austria_focal_point)

    response = client.get("/admin/delegations/delegation/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
