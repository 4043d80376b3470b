"""Erasure and retention remove every copy: built export files and the admin's history (issue 19, Low 10)."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registration.models import Attendance, EmailChangeRequest, ExportJob, Registration
from tests.factories import FloorDecisionFactory, MeetingFactory, OutgoingEmailFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def exports(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.EXPORT_IN_BACKGROUND_FROM_ROWS = 0
    return tmp_path / "exports"


def _export_in_background(client, meeting, django_capture_on_commit_callbacks) -> ExportJob:
    url = reverse("admin:registration_registration_export", args=["csv"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url, {"meeting__id__exact": meeting.pk})
    job = ExportJob.objects.latest("pk")
    assert job.status == ExportJob.Status.DONE
    return job


def _person_everywhere(registration, organiser):
    """The rows that name the person, each edited once in the admin, as "Recent actions" lists them."""
    rows = [
        registration,
        Attendance.objects.create(
            meeting=registration.meeting, registration=registration, person_key="email:x", name="Milica Zorić"
        ),
        FloorDecisionFactory(registration=registration),
        EmailChangeRequest.objects.create(registration=registration, new_email="milica.zoric@new.example"),
        OutgoingEmailFactory(registration=registration, to_email=registration.email),
    ]
    for row in rows:
        LogEntry.objects.log_actions(
            user_id=organiser.pk,
            queryset=[row],
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Status"]}, "added": {"object": str(row)}}],
            single_object=True,
        )
    return rows


def _history_names_her():
    return [
        entry.object_repr
        for entry in LogEntry.objects.all()
        if "Zorić" in entry.object_repr or "Zorić" in entry.change_message or "zoric" in entry.object_repr.lower()
    ]


def test_erase_deletes_the_built_export_that_holds_the_registration_and_her_name_from_the_admin_history(
    client, exports, django_capture_on_commit_callbacks
):
    meeting, other = MeetingFactory(), MeetingFactory()
    milica = RegistrationFactory(meeting=meeting, first_name="Milica", last_name="Zorić", email="milica@example.rs")
    RegistrationFactory(meeting=other)
    organiser = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    client.force_login(organiser)
    job = _export_in_background(client, meeting, django_capture_on_commit_callbacks)
    other_job = _export_in_background(client, other, django_capture_on_commit_callbacks)
    _person_everywhere(milica, organiser)
    assert _history_names_her()

    client.post(reverse("registration:erase", args=[milica.manage_token]))
    download = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))
    recent_actions = client.get(reverse("admin:index")).content.decode()

    job.refresh_from_db()
    assert job.status == ExportJob.Status.REFUSED
    assert download.status_code == 302
    assert sorted(path.name for path in exports.iterdir()) == [other_job.stored_name]
    assert _history_names_her() == []
    assert "Zorić" not in recent_actions and "milica" not in recent_actions.lower()
    assert LogEntry.objects.count() == 5  # what was edited stays known, not about whom


def test_remove_personal_data_deletes_built_exports_and_strips_the_admin_history(
    client, exports, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    milica = RegistrationFactory(
        meeting=meeting,
        first_name="Milica",
        last_name="Zorić",
        email="milica@example.rs",
        status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now() - datetime.timedelta(days=31),
    )
    organiser = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    client.force_login(organiser)
    job = _export_in_background(client, meeting, django_capture_on_commit_callbacks)
    _person_everywhere(milica, organiser)

    call_command("remove_personal_data")

    job.refresh_from_db()
    assert job.status == ExportJob.Status.REFUSED
    assert not any(exports.iterdir())
    assert _history_names_her() == []


def test_remove_personal_data_strips_the_history_of_unregistered_attendees_it_deletes(client):
    meeting = MeetingFactory()
    organiser = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    walk_in = Attendance.objects.create(meeting=meeting, person_key="name:milica zoric", name="Milica Zorić")
    LogEntry.objects.log_actions(
        user_id=organiser.pk, queryset=[walk_in], action_flag=CHANGE, change_message="", single_object=True
    )
    meeting.starts_at -= datetime.timedelta(days=400)
    meeting.ends_at -= datetime.timedelta(days=400)
    meeting.save()

    call_command("remove_personal_data")

    assert not Attendance.objects.exists()
    assert _history_names_her() == []
