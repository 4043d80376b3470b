"""Migrating to several meetings: a database made with the one-meeting schema keeps every row, its meeting public."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("agenda", "0006_concept_note"), ("registration", "0008_diversity_consent_and_erasure")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _fill_old_schema(apps):
    """A meeting, two registrations and their emails, written with the models of the old schema."""
    Meeting = apps.get_model("agenda", "Meeting")
    Language = apps.get_model("agenda", "InterpretationLanguage")
    Registration = apps.get_model("registration", "Registration")
    OutgoingEmail = apps.get_model("registration", "OutgoingEmail")
    starts = datetime.datetime(2022, 2, 1, 8, 0, tzinfo=datetime.UTC)
    meeting = Meeting.objects.create(
        slug="imrf-100-days",
        title="100 Days to the IMRF",
        title_en="100 Days to the IMRF",
        short_name="IMRF 100 days",
        short_name_en="IMRF 100 days",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        registration_deadline=datetime.date(2022, 1, 25),
        contact_email="contact@example.org",
    )
    english = Language.objects.create(code="en", name="English", name_en="English")
    for number, email in enumerate(["amina@example.org", "djordje@example.rs"]):
        registration = Registration.objects.create(
            meeting=meeting,
            manage_token=f"token-made-before-the-change-{number:04d}",
            first_name="Amina" if number == 0 else "Ђорђе",
            last_name="Hodžić" if number == 0 else "Đoković",
            email=email,
            job_title="Adviser",
            organisation="Ministry",
            category="member_state",
            country="BA",
            listening_language=english,
            privacy_consent_at=starts - datetime.timedelta(days=10),
        )
        OutgoingEmail.objects.create(
            registration=registration,
            kind="confirmation",
            to_email=email,
            subject="[IMRF 100 days] Your registration is confirmed",
            body_text=f"Manage: https://example.org/register/manage/{registration.manage_token}/",
            status="sent",
        )


def _rows(apps):
    Registration = apps.get_model("registration", "Registration")
    OutgoingEmail = apps.get_model("registration", "OutgoingEmail")
    return (
        list(Registration.objects.order_by("pk").values("pk", "meeting_id", "manage_token", "first_name", "email")),
        list(OutgoingEmail.objects.order_by("pk").values("pk", "registration_id", "subject", "body_text", "status")),
    )


@pytest.mark.django_db(transaction=True)
def test_migration_to_several_meetings_publishes_the_meeting_and_keeps_registrations_and_emails(client):
    old_apps = _migrate(BEFORE)
    _fill_old_schema(old_apps)
    before = _rows(old_apps)

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    new_apps = _migrate(latest)

    Meeting = new_apps.get_model("agenda", "Meeting")
    meeting = Meeting.objects.get()
    assert meeting.is_published
    assert (meeting.asks_diversity, meeting.asks_accessibility, meeting.asks_to_take_the_floor) == (True,) * 3
    assert _rows(new_apps) == before
    assert len(before[0]) == 2 and len(before[1]) == 2
    # The link in the email sent before the change opens its registration, and the meeting is public.
    assert client.get("/register/manage/token-made-before-the-change-0000/").status_code == 200
    assert client.get("/imrf-100-days/").status_code == 200
