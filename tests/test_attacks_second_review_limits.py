"""Issue 19, Low 12: the five design limits, each decided and tested as the attacker or the owner meets it."""

import datetime
import io
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agenda.models import Meeting
from tests.factories import MeetingFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def owner():
    user = user_create(username="organiser", group=ORGANISERS)
    user.set_password(PASSWORD)
    user.save()
    return user


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


# 1. A per-account ceiling on password guesses, over every address, that slows and never locks out.


def test_guesses_from_four_addresses_slow_down_at_the_account_ceiling(owner, settings):
    settings.ADMIN_LOGIN_ACCOUNT_FAILURES = 10
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        for _guess in range(4):  # under axes' 5 per address
            _from(address).post(LOGIN, {"username": "organiser", "password": "guess"})
    attacker = _from("192.0.2.4")

    paused = attacker.post(LOGIN, {"username": "organiser", "password": PASSWORD})

    assert paused.status_code == 200
    assert "Wait" in paused.content.decode() and "seconds" in paused.content.decode()
    assert "_auth_user_id" not in attacker.session
    # Of 12 guesses and the last try only the first 10 were tried at all: the rest came during a pause.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 10


def test_owner_signs_in_once_the_short_pause_after_the_last_guess_is_over(owner, settings):
    settings.ADMIN_LOGIN_ACCOUNT_FAILURES = 10
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        for _guess in range(4):
            _from(address).post(LOGIN, {"username": "organiser", "password": "guess"})
    # The pause is ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS after the last wrong password, not an hour.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(seconds=settings.ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS + 1)
    )
    owner_client = _from("198.51.100.7")

    signed_in = owner_client.post(LOGIN, {"username": "organiser", "password": PASSWORD})

    assert signed_in.status_code == 302
    assert owner_client.session["_auth_user_id"] == str(owner.pk)


# 2. Wrong authenticator codes from someone holding the password do not lock the owner out.


@pytest.mark.usefixtures("owner")
def test_wrong_codes_from_someone_with_the_password_do_not_keep_the_owner_out(owner, settings):
    settings.ADMIN_2FA = "required"
    device = TOTPDevice.objects.create(user=owner, name="Phone", confirmed=True)
    thief = _from("192.0.2.66")
    for _guess in range(30):
        thief.post(LOGIN, {"username": "organiser", "password": PASSWORD, "otp_token": "000000"})
    refused = thief.post(
        LOGIN, {"username": "organiser", "password": PASSWORD, "otp_token": f"{totp(unhexlify(device.key)):06d}"}
    )
    owner_client = _from("198.51.100.7")

    signed_in = owner_client.post(
        LOGIN, {"username": "organiser", "password": PASSWORD, "otp_token": f"{totp(unhexlify(device.key)):06d}"}
    )

    # The thief's network has had its codes, even a right one is not checked any more; the owner gets in.
    assert "_auth_user_id" not in thief.session
    assert "Too many codes" in refused.content.decode()
    assert signed_in.status_code == 302
    assert owner_client.session["_auth_user_id"] == str(owner.pk)


# 3. Any unknown query string is served the cached page, rendered as if it were not there.


@pytest.mark.usefixtures("page_cache")
@pytest.mark.parametrize("path", ["/{slug}/", "/{slug}/agenda/", "/{slug}/register/"])
def test_page_with_an_unknown_query_string_comes_from_the_cache(client, path, django_assert_num_queries):
    meeting = MeetingFactory()
    url = path.format(slug=meeting.slug)
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url, {"utm_source": "newsletter", "x": "https://evil.example/"})

    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()
    assert "utm_source" not in response.content.decode()


# 4. load_imrf --slug "" refused.


def test_load_imrf_with_an_empty_slug_is_refused_and_the_live_meeting_untouched():
    meeting = MeetingFactory(title="The live meeting")
    before = (meeting.starts_at, meeting.title)

    with pytest.raises(CommandError, match="--slug is empty"):
        call_command("load_imrf", "--slug", "", stdout=io.StringIO())

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.title) == before
    assert Meeting.objects.count() == 1


# 5. The team widget: staff only, found by search, for those who may edit the meeting.


@pytest.fixture
def meeting_editor(client):
    # Only a superuser changes a meeting's team (the team's own organisers see its names read-only).
    meeting = MeetingFactory()
    editor = User.objects.create_superuser(username="editor", password="not-used")
    user_create(username="alice-colleague", group=ORGANISERS)
    User.objects.create_user(username="alice-participant", password="not-used")  # not staff
    client.force_login(editor)
    return meeting


def _team_search(client, term):
    return client.get(
        "/admin/autocomplete/", {"term": term, "app_label": "agenda", "model_name": "meeting", "field_name": "team"}
    )


def test_meeting_page_does_not_list_every_user_of_the_site(client, meeting_editor):
    content = client.get(reverse("admin:agenda_meeting_change", args=[meeting_editor.pk])).content.decode()

    assert "alice-participant" not in content
    assert "alice-colleague" not in content


def test_team_search_finds_staff_only_and_needs_a_few_letters(client, meeting_editor):
    found = _team_search(client, "alice")
    nothing = _team_search(client, "")

    assert [result["text"] for result in found.json()["results"]] == ["alice-colleague"]
    assert nothing.json()["results"] == []


def test_team_search_is_refused_to_staff_who_cannot_edit_meetings(client, meeting_editor):
    # Not even the meeting's own organisers: they may edit the meeting, not who works on it.
    client.force_login(user_create(username="team-organiser", group=ORGANISERS, teams=[meeting_editor]))

    assert _team_search(client, "alice").status_code == 403


def test_a_forged_post_cannot_put_a_non_staff_user_on_the_team(client, meeting_editor):
    participant = User.objects.get(username="alice-participant")
    url = reverse("admin:agenda_meeting_change", args=[meeting_editor.pk])
    form = client.get(url).context["adminform"].form

    assert not form.fields["team"].queryset.filter(pk=participant.pk).exists()
