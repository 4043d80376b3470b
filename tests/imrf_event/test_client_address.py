"""Client addresses behind TLS proxies: spoofed X-Forwarded-For, the registration limit and admin lockouts."""

import os

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from imrf_event.client_address import client_address, trusted_proxies_parse
from registration.models import Registration
from tests.factories import MeetingFactory, registration_answers
from tests.imrf_event.settings_import import settings_import
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PROXY = "10.0.0.5"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def register_url(meeting):
    return reverse("registration:register", args=[meeting.slug])


@pytest.fixture
def form_data(meeting):
    return registration_answers(meeting, language="fr", email=None)


def _address(remote: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


@override_settings(REGISTRATION_POSTS_PER_MINUTE=10)
def test_register_spoofed_forwarded_for_does_not_dodge_the_limit_without_trusted_proxies(
    register_url, client, form_data
):
    for number in range(10):
        client.post(
            register_url,
            {**form_data, "email": f"p{number}@example.org"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )

    response = client.post(
        register_url,
        {**form_data, "email": "eleventh@example.org"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )

    assert response.status_code == 429
    assert Registration.objects.count() == 10


@override_settings(REGISTRATION_POSTS_PER_MINUTE=10, TRUSTED_PROXIES=trusted_proxies_parse(PROXY))
def test_register_two_clients_behind_the_trusted_proxy_have_separate_limits(register_url, client, form_data):
    for number in range(10):
        client.post(
            register_url,
            {**form_data, "email": f"p{number}@example.org"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )

    first = client.post(
        register_url, {**form_data, "email": "a@example.org"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    second = client.post(
        register_url, {**form_data, "email": "b@example.org"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )

    assert first.status_code == 429
    assert second.status_code == 302
    assert Registration.objects.filter(email="b@example.org").exists()


@override_settings(REGISTRATION_POSTS_PER_MINUTE=10, TRUSTED_PROXIES=trusted_proxies_parse(PROXY))
def test_register_client_behind_the_proxy_cannot_dodge_the_limit_by_prepending_addresses(
    register_url, client, form_data
):
    for number in range(10):
        client.post(
            register_url,
            {**form_data, "email": f"p{number}@example.org"},
            REMOTE_ADDR=PROXY,
            # The client sends its own X-Forwarded-For; the proxy appends the address it saw.
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
        )

    response = client.post(
        register_url,
        {**form_data, "email": "eleventh@example.org"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.200, 203.0.113.9",
    )

    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=trusted_proxies_parse(PROXY))
def test_admin_login_lockout_falls_on_the_attacker_not_the_organiser_behind_the_same_proxy(client):
    organiser = user_create(username="organiser", group=ORGANISERS)
    organiser.set_password(PASSWORD)
    organiser.save()
    for _attempt in range(5):
        client.post(
            LOGIN,
            {"username": "organiser", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )

    attacker = client.post(
        LOGIN, {"username": "organiser", "password": PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    real = client.post(
        LOGIN, {"username": "organiser", "password": PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.10"
    )

    assert attacker.status_code == 429
    assert real.status_code == 302
    assert client.session["_auth_user_id"] == str(organiser.pk)


def test_admin_login_spoofed_forwarded_for_does_not_escape_the_lockout_without_trusted_proxies(client):
    organiser = user_create(username="organiser", group=ORGANISERS)
    organiser.set_password(PASSWORD)
    organiser.save()
    for attempt in range(5):
        client.post(LOGIN, {"username": "organiser", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")

    response = client.post(LOGIN, {"username": "organiser", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(TRUSTED_PROXIES=trusted_proxies_parse("10.0.0.0/8, fd00::/8"))
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.5", "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        # One IPv6 host holds a whole /64: it is one client.
        ("fd00::5", "2001:db8::1", "2001:db8::"),
        ("2001:db8:1:2::abcd", None, "2001:db8:1:2::"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "198.51.100.1, garbage", "10.0.0.5"),
        ("10.0.0.5", "garbage, 198.51.100.1", "198.51.100.1"),
        ("::ffff:203.0.113.9", None, "203.0.113.9"),
    ],
)
def test_client_address_walks_forwarded_for_from_the_right(remote, forwarded, expected):
    assert _address(remote, forwarded) == expected


@pytest.mark.parametrize("value", ["10.0.0.300", "proxy.example.org", "10.0.0.0/33"])
def test_trusted_proxies_parse_refuses_a_mistyped_entry(value):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_proxies_parse(value)


def test_trusted_proxies_parse_reads_addresses_and_networks():
    networks = trusted_proxies_parse(" 10.0.0.5 , 192.168.0.0/16,,2001:db8::/32 ")

    assert [str(network) for network in networks] == ["10.0.0.5/32", "192.168.0.0/16", "2001:db8::/32"]


def test_settings_refuse_to_start_with_a_mistyped_trusted_proxy():
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"} | {
        "SECRET_KEY": "test-only",
        "TRUSTED_PROXIES": "10.0.0.5, proxy.internal",
    }

    result = settings_import(environment)

    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network" in result.stderr


# Attacks from the second review of issue 10: each test performs one.


# A request without a socket address (gunicorn bound to a Unix socket, or Django's force_login) is
# "unknown", which django-axes writes into an inet column: PostgreSQL refuses it.


@pytest.mark.postgres
def test_organiser_signing_in_over_a_unix_socket_is_not_a_server_error(meeting):
    user = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    user.set_password("correct horse battery staple")
    user.save()
    client = Client(REMOTE_ADDR="", raise_request_exception=False)

    response = client.post(
        reverse("admin:login"), {"username": "organiser", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302


@pytest.mark.postgres
def test_force_login_as_every_admin_test_does_works_on_postgresql(meeting):
    client = Client()

    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    assert client.get(reverse("admin:registration_registration_changelist")).status_code == 200
