"""Fixtures for delegations: Austria and Hungary with their focal points, a meeting, and signing a focal point in."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from delegations import signing_in
from delegations.models import Entity, FocalPoint
from tests.factories import MeetingFactory


@pytest.fixture(autouse=True)
def _after_commit_runs_at_once(request, monkeypatch):
    """In a test's one transaction nothing commits: what is queued after commit (emails, the confirming task)
    runs at once instead, as it would at the commit of each request. Transactional tests commit for real."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def meeting(db):
    return MeetingFactory()


@pytest.fixture
def austria(db):
    return Entity.objects.create(kind=Entity.Kind.MEMBER_STATE, country="AT")


@pytest.fixture
def hungary(db):
    return Entity.objects.create(kind=Entity.Kind.MEMBER_STATE, country="HU")


@pytest.fixture
def austria_focal_point(austria):
    return FocalPoint.objects.create(
        entity=austria, name="Anna Huber", email="anna.huber@bmeia.example.at", language="en"
    )


@pytest.fixture
def hungary_focal_point(hungary):
    return FocalPoint.objects.create(entity=hungary, name="Kovács Péter", email="peter.kovacs@mfa.example.hu")


def sign_in(client, focal_point):
    """Sign `focal_point` in on `client` the way a person does: ask for the link, open it, press the button."""
    mail.outbox.clear()
    signing_in.sign_in_link_request(email=focal_point.email, now=timezone.now())
    link = re.search(r"https?://\S+/focal-point/sign-in/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    return client


def member_data(meeting, **overrides):
    language = meeting.interpretation_languages.order_by("position", "pk").first()
    data = {
        "honorific": "H.E.",
        "first_name": "Maria",
        "last_name": "Gruber",
        "job_title": "Ambassador",
        "email": "maria.gruber@bmeia.example.at",
        "role": "head",
        "listening_language": str(language.pk),
        "language": "fr",
        "privacy_informed": "on",
    }
    return {**data, **overrides}


def delegation_url(delegation):
    return reverse("delegations:delegation", args=[delegation.pk])
