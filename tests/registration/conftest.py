"""Fixtures for registration tests: an open meeting, a signed-in organiser, a valid form, SMTP failures, Redis."""

import pytest
from django.core.cache import cache, caches
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from tests.factories import MeetingFactory, registration_answers
from tests.registration.roles import ORGANISERS, user_create


@pytest.fixture
def meeting(db):
    return MeetingFactory()


@pytest.fixture
def organiser(client, meeting):
    """An Organiser of every meeting, signed in on `client`."""
    user = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    client.force_login(user)
    return user


@pytest.fixture
def other_meeting(db):
    return MeetingFactory()


@pytest.fixture
def organiser_of_one_meeting(meeting, other_meeting):
    """An Organiser of `meeting` only (rights through Meeting.team), not signed in."""
    return user_create(username="organiser-a", group=ORGANISERS, teams=[meeting])


@pytest.fixture
def register_url(meeting):
    return reverse("registration:register", args=[meeting.slug])


@pytest.fixture
def form_data(meeting):
    """What a participant from a ministry in Belgrade types into the form."""
    return registration_answers(meeting)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test starts with no submissions counted against its address."""
    cache.clear()


@pytest.fixture
def smtp_failures(monkeypatch):
    """Make the next sends raise the given exceptions, one per send, then deliver."""
    pending = []
    deliver = EmailBackend.send_messages

    def send_messages(backend, messages):
        if pending:
            raise pending.pop(0)
        return deliver(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return pending


@pytest.fixture
def redis_cache(settings, redis_url):
    """Redis as Django's cache, as in production, emptied of this test's throttle keys afterwards."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    yield caches["default"]
    client = caches["default"]._cache.get_client()
    if keys := client.keys("*throttle:register:*"):
        client.delete(*keys)


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Counts the commands, or pipelines of commands, written to Redis: each is one round trip."""
    from redis.connection import AbstractConnection

    sent = []
    send = AbstractConnection.send_packed_command

    def counted(self, *args, **kwargs):
        sent.append(1)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return sent
