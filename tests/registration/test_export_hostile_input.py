"""Export addresses typed by hand: a huge or odd id, an anonymous visitor, a participant, a non-organiser."""

import pytest
from django.urls import reverse

from registration.exports.background import export_job_create
from registration.models import ExportJob
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


def _job(owner) -> ExportJob:
    return export_job_create(
        user=owner, kind=ExportJob.Kind.REGISTRATIONS, format_id="csv", query="", total=3, filename_stem="registrations"
    )


@pytest.mark.parametrize("name", ["admin:registration_export_job", "admin:registration_export_job_file"])
def test_a_job_id_past_any_integer_is_not_found(client, name):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    response = client.get(reverse(name, args=[0]).replace("/0/", f"/{HUGE}/"))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["admin:registration_floordecision_chair_xlsx", "admin:registration_participation_xlsx"]
)
@pytest.mark.parametrize("meeting_id", [HUGE, "-1", "1e3", "<script>", "=HYPERLINK(1)"])
def test_a_meeting_id_typed_by_hand_is_not_found_and_queues_nothing(client, name, meeting_id):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    MeetingFactory()

    response = client.get(reverse(name), {"meeting": meeting_id})

    assert response.status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("name", ["admin:registration_export_job", "admin:registration_export_job_file"])
def test_an_anonymous_visitor_or_a_participant_is_sent_to_the_sign_in_page(client, name):
    owner = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    job = _job(owner)
    participant = RegistrationFactory()
    # A participant holds a manage link, never an admin account: their session opens nothing here.
    client.get(reverse("registration:manage", args=[participant.manage_token]))

    response = client.get(reverse(name, args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", ["admin:registration_export_job", "admin:registration_export_job_file"])
def test_a_signed_in_user_without_staff_status_is_sent_to_the_sign_in_page(client, name):
    job = _job(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    client.force_login(user_create(username="someone", is_staff=False))

    response = client.get(reverse(name, args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
