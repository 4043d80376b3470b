"""What one registration costs the database, and that the cheaper checks still refuse what they refused."""

import pytest

from registration.models import OutgoingEmail, Registration
from tests.factories import InterpretationLanguageFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_register_post_costs_at_most_six_sql_statements(
    client, meeting, register_url, form_data, page_cache, django_assert_max_num_queries
):
    # The first registration of a process reads the meeting and its languages once.
    client.post(register_url, {**form_data, "email": "first@mup.example.rs"})

    # The test's own transaction makes the service's a savepoint: two of the six. The savepoint around
    # the insert, two more, makes a registered address cost what a new one does (issue 19, point 5).
    with django_assert_max_num_queries(6):
        response = client.post(register_url, form_data)

    registration = Registration.objects.get(email=form_data["email"])
    assert response.status_code == 302
    assert OutgoingEmail.objects.filter(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION).count() == 1


@pytest.mark.parametrize("posted", ["other meeting", "999999", "1 OR 1=1", ""])
def test_register_post_with_a_language_not_of_this_meeting_is_refused_beside_the_field(
    client, meeting, register_url, form_data, page_cache, posted
):
    arabic = InterpretationLanguageFactory(code="ar", name="Arabic")
    MeetingFactory(slug="other-meeting", interpretation_languages=[arabic])
    if posted == "other meeting":
        posted = str(arabic.pk)

    response = client.post(register_url, {**form_data, "listening_language": posted})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_listening_language"' in page
    assert 'value="djordje@mup.example.rs"' in page
    assert not Registration.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_register_post_with_a_language_the_organisers_just_removed_is_refused(
    client, meeting, register_url, form_data, page_cache
):
    client.post(register_url, {**form_data, "email": "first@mup.example.rs"})
    bcms = meeting.interpretation_languages.get(code="bcms")

    meeting.interpretation_languages.remove(bcms)
    response = client.post(register_url, form_data)

    assert response.status_code == 200
    assert list(Registration.objects.values_list("email", flat=True)) == ["first@mup.example.rs"]


@pytest.mark.parametrize("posted", ["TW", "XK", "rs", "RS'--", "X" * 300])
def test_register_post_with_a_country_not_in_the_list_is_refused_beside_the_field(
    client, meeting, register_url, form_data, posted
):
    response = client.post(register_url, {**form_data, "country": posted})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_country"' in page
    assert 'value="djordje@mup.example.rs"' in page
    assert not Registration.objects.exists()
