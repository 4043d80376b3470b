"""Which optional sections a meeting's form asks (issue 12): off means off the page and ignored in a POST."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings

from agenda.cache import pages_forget_local
from registration.forms import RegistrationForm
from registration.models import ACCESSIBILITY_FIELDS, DIVERSITY_FIELDS, Registration

pytestmark = pytest.mark.django_db

# The URL of today's one meeting; the per-slug URLs are the public half of issue 12.
FLOOR_FIELDS = ("wishes_to_speak", "intervention_topic", "intervention_coordination", "intervention_group")


def _switch(meeting, **asks):
    for name, value in asks.items():
        setattr(meeting, name, value)
    meeting.save()


def test_form_asks_every_optional_section_by_default(meeting):
    form = RegistrationForm(meeting=meeting)

    assert {*DIVERSITY_FIELDS, *ACCESSIBILITY_FIELDS, *FLOOR_FIELDS, "diversity_consent"} <= set(form.fields)


@pytest.mark.parametrize(
    ("switch", "left_out"),
    [
        ("asks_diversity", DIVERSITY_FIELDS),
        ("asks_accessibility", ACCESSIBILITY_FIELDS),
        ("asks_to_take_the_floor", FLOOR_FIELDS),
    ],
)
def test_register_page_leaves_out_a_section_the_meeting_does_not_ask(client, meeting, switch, left_out, register_url):
    _switch(meeting, **{switch: False})

    content = client.get(register_url).content.decode()

    for name in left_out:
        assert f'name="{name}"' not in content
    assert 'name="first_name"' in content


def test_a_post_of_the_left_out_sections_stores_none_of_them(client, meeting, form_data, register_url):
    _switch(meeting, asks_diversity=False, asks_accessibility=False, asks_to_take_the_floor=False)
    form_data.pop("diversity_consent")
    form_data.update(
        gender="woman",
        disability="yes",
        needs_captions="on",
        accessibility_other="A sign language interpreter",
        wishes_to_speak="on",
        intervention_topic="Smuggled topic",
    )

    response = client.post(register_url, form_data)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.gender, registration.disability, registration.needs_captions) == ("", "", False)
    assert registration.accessibility_other == ""
    assert (registration.wishes_to_speak, registration.intervention_topic) == (False, "")
    assert registration.diversity_consent_at is None


def test_without_diversity_and_accessibility_the_form_has_no_consent_box_to_tick(meeting):
    _switch(meeting, asks_diversity=False, asks_accessibility=False)

    form = RegistrationForm(meeting=meeting)

    assert "diversity_consent" not in form.fields


def test_with_accessibility_only_its_answers_still_need_the_consent_next_to_them(
    client, meeting, form_data, register_url
):
    _switch(meeting, asks_diversity=False)
    form_data.pop("diversity_consent")
    form_data.update(needs_captions="on")

    response = client.post(register_url, form_data)

    assert response.status_code == 200
    assert "diversity_consent" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_speaking_rules_ask_nothing_when_the_floor_is_not_offered(meeting, form_data):
    _switch(meeting, asks_to_take_the_floor=False)
    # A participant who would have had to give a topic had the section been there.
    form = RegistrationForm({**form_data, "wishes_to_speak": "on"}, meeting=meeting)

    assert form.is_valid(), form.errors
    assert "wishes_to_speak" not in form.registration_data()


def test_cached_empty_form_changes_when_a_section_is_switched_off(client, meeting, register_url):
    cache.clear()
    pages_forget_local()
    with override_settings(PAGE_CACHE_TIMEOUT=datetime.timedelta(minutes=10)):
        before = client.get(register_url).content.decode()
        _switch(meeting, asks_diversity=False)
        after = client.get(register_url).content.decode()
    cache.clear()
    pages_forget_local()

    assert 'name="gender"' in before
    assert 'name="gender"' not in after
