"""Property-based test: whatever a client posts to /register/, no server error and no half-saved row."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registration.models import Registration
from registration.sections import PARTICIPANT_FIELDS

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Amina",
    "last_name": "Hadžić",
    "email": "amina@example.ba",
    "job_title": "Researcher",
    "organisation": "University of Sarajevo",
    "category": "academia",
    "country": "BA",
    "gender": "woman",
    "diversity_consent": "on",
    "privacy_consent": "on",
}
# Every field a client could send, valid or not; values are drawn per field.
FIELDS = [*VALID, *(name for name in PARTICIPANT_FIELDS if name not in VALID), "website"]

any_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=3000),
    st.sampled_from(["", " ", "\x00", "on", "yes", "-1", "99999999999999999999", "=1+1", "<b>x</b>", "member_state"]),
)


# too_slow: drawing texts of 3,000 characters takes seconds on a busy machine; the examples are the same.
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    overrides=st.dictionaries(st.sampled_from(FIELDS), any_text, max_size=8),
    dropped=st.lists(st.sampled_from(list(VALID)), max_size=3),
)
def test_register_post_random_values_never_errors_nor_saves_invalid(client, meeting, overrides, dropped):
    data = {**VALID, "listening_language": str(meeting.interpretation_languages.first().pk), **overrides}
    for name in dropped:
        data.pop(name, None)

    with transaction.atomic():
        response = client.post("/register/", data)
        saved = Registration.objects.count()
        transaction.set_rollback(True)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert saved == 0
    else:
        assert saved == 1
