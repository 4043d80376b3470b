"""The limit on registrations per address: how many, for how long, and no limit while the cache is down."""

import logging
import time

import pytest
from django.core.cache import cache, caches
from django.test import Client

from registration.models import Registration
from registration.throttle import throttle_hit
from tests.factories import registration_answers
from tests.support.servers import free_port

pytestmark = pytest.mark.django_db

# A minute's start, far from any real clock: each test sets the time itself.
MINUTE = 60 * 29_000_000


class Clock:
    """Stands in for the time module inside registration.throttle only."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(MINUTE)
    monkeypatch.setattr("registration.throttle.time", clock)
    return clock


@pytest.fixture
def cache_down(settings):
    """Redis as the cache, on a port where nothing listens: every cache call fails as in an outage."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }


def test_throttle_hit_refuses_only_the_attempt_after_the_limit(clock):
    answers = [throttle_hit(scope="register", key="198.51.100.7", limit=3) for _attempt in range(4)]

    assert answers == [False, False, False, True]


def test_throttle_hit_with_limit_zero_refuses_the_first_attempt(clock):
    refused = throttle_hit(scope="register", key="198.51.100.7", limit=0)

    assert refused


def test_throttle_hit_counts_each_address_and_scope_apart(clock):
    throttle_hit(scope="register", key="198.51.100.7", limit=1)

    other_address = throttle_hit(scope="register", key="203.0.113.9", limit=1)
    other_scope = throttle_hit(scope="manage", key="198.51.100.7", limit=1)
    same_again = throttle_hit(scope="register", key="198.51.100.7", limit=1)

    assert (other_address, other_scope, same_again) == (False, False, True)


def test_throttle_hit_counts_within_one_clock_minute_and_starts_afresh_at_the_next(clock):
    throttle_hit(scope="register", key="198.51.100.7", limit=1)
    clock.now = MINUTE + 59.9

    same_minute = throttle_hit(scope="register", key="198.51.100.7", limit=1)
    clock.now = MINUTE + 60
    next_minute = throttle_hit(scope="register", key="198.51.100.7", limit=1)

    assert same_minute is True
    assert next_minute is False


def test_throttle_hit_when_the_count_expired_between_add_and_incr_counts_one(clock, monkeypatch):
    def expired(key, *args, **kwargs):
        raise ValueError(f"Key '{key}' not found")

    monkeypatch.setattr(caches["default"], "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(caches["default"], "incr", expired)

    refused = throttle_hit(scope="register", key="198.51.100.7", limit=1)

    assert refused is False
    assert cache.get(f"throttle:register:198.51.100.7:{MINUTE // 60}") == 1


def test_throttle_hit_with_the_cache_down_lets_the_attempt_through_and_warns(cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="registration.throttle"):
        answers = [throttle_hit(scope="register", key="198.51.100.7", limit=1) for _attempt in range(3)]

    assert answers == [False, False, False]
    assert "throttle cache unavailable, not limiting" in caplog.text


def test_register_post_over_the_limit_keeps_the_answers_and_is_accepted_the_next_minute(
    register_url, client, meeting, form_data, clock, settings
):
    settings.REGISTRATION_POSTS_PER_MINUTE = 1
    client.post(register_url, {**form_data, "email": "first@mup.example.rs"})
    clock.now = MINUTE + 30

    refused = client.post(register_url, {**form_data, "email": "second@mup.example.rs"})
    clock.now = MINUTE + 60
    accepted = client.post(register_url, {**form_data, "email": "second@mup.example.rs"})

    page = refused.content.decode()
    assert refused.status_code == 429
    assert "Please wait a minute." in page
    assert 'value="second@mup.example.rs"' in page
    assert accepted.status_code == 302
    assert set(Registration.objects.values_list("email", flat=True)) == {
        "first@mup.example.rs",
        "second@mup.example.rs",
    }


def test_register_post_with_the_cache_down_registers_everyone(
    register_url, client, meeting, form_data, settings, cache_down
):
    settings.REGISTRATION_POSTS_PER_MINUTE = 1

    responses = [client.post(register_url, {**form_data, "email": f"p{n}@mup.example.rs"}) for n in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 302]
    assert Registration.objects.count() == 3


@pytest.mark.redis
def test_throttle_hit_on_redis_counts_each_attempt_in_one_round_trip_with_the_window_as_expiry(
    clock, redis_cache, redis_round_trips
):
    clock.now = MINUTE + time.time_ns() % 1000 * 60
    # Opening the pooled connection says hello to the server once per process, not per request.
    throttle_hit(scope="register", key="192.0.2.1", limit=3)
    redis_round_trips.clear()

    answers = [throttle_hit(scope="register", key="198.51.100.7", limit=3) for _attempt in range(5)]

    client = redis_cache._cache.get_client()
    key = redis_cache.make_and_validate_key(f"throttle:register:198.51.100.7:{int(clock.now // 60)}")
    assert answers == [False, False, False, True, True]
    assert len(redis_round_trips) == 5
    assert int(client.get(key)) == 5
    assert 0 < client.ttl(key) <= 60


@pytest.mark.redis
def test_register_post_floods_from_one_address_on_redis_are_refused_after_the_limit(
    register_url, client, meeting, form_data, settings, clock, redis_cache
):
    settings.REGISTRATION_POSTS_PER_MINUTE = 2
    clock.now = MINUTE + time.time_ns() % 1000 * 60

    responses = [client.post(register_url, {**form_data, "email": f"p{n}@mup.example.rs"}) for n in range(4)]

    assert [response.status_code for response in responses] == [302, 302, 429, 429]
    assert Registration.objects.count() == 2


# Attacks from the second review of issue 10: each test performs one.


# One IPv6 host holds a whole /64, so a limit per address is a limit per nothing.


def test_register_throttle_counts_one_ipv6_network_as_one_client(meeting, settings):
    settings.REGISTRATION_POSTS_PER_MINUTE = 2
    data = registration_answers(meeting, email="bad")
    statuses = []

    for host in range(1, 6):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{host:x}")
        statuses.append(client.post("/register/", data).status_code)

    assert 429 in statuses
