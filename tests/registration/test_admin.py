"""The registrations admin: list, filters, detail page, actions, and a constant number of queries per page."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration.admin import filters as admin_filters
from registration.models import OutgoingEmail, Registration
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, signed_in_through_the_login_form, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")


def _change_url(registration):
    return reverse("admin:registration_registration_change", args=[registration.pk])


def _email(registration, *, status, minutes_ago, kind=OutgoingEmail.Kind.CONFIRMATION):
    return OutgoingEmail.objects.create(
        registration=registration,
        kind=kind,
        to_email=registration.email,
        subject="Your registration is confirmed",
        body_text="…",
        status=status,
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def _bulk_registrations(meeting, count, *, start=0):
    language = meeting.interpretation_languages.order_by("position", "pk").first()
    Registration.objects.bulk_create(
        RegistrationFactory.build(
            meeting=meeting, listening_language=language, email=f"bulk{start + index}@example.org"
        )
        for index in range(count)
    )


def test_changelist_shows_the_columns_organisers_read(client, organiser, meeting):
    RegistrationFactory(
        meeting=meeting, first_name="Ђорђе", last_name="Đoković", organisation="Ministarstvo", country="RS"
    )

    response = client.get(CHANGELIST)

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Ђорђе Đoković",
        "Ministarstvo",
        "Serbia",
        "Member State government",
        "English",
        "Registered",
    ):
        assert text in content
    # Gender identity is a diversity answer: no column for an organiser without the permission.
    assert "Woman" not in content


def test_changelist_shows_the_latest_confirmation_status(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Amira")
    _email(registration, status=OutgoingEmail.Status.FAILED, minutes_ago=10)
    _email(registration, status=OutgoingEmail.Status.SENT, minutes_ago=5)

    response = client.get(CHANGELIST)

    assert response.context["cl"].result_list[0].confirmation_status == OutgoingEmail.Status.SENT


@pytest.mark.parametrize(
    ("value", "expected"),
    [("failed", {"Failed"}), ("sent", {"Sent"}), ("none", {"Unsent"})],
)
def test_confirmation_filter_goes_by_the_latest_confirmation(client, organiser, meeting, value, expected):
    failed = RegistrationFactory(meeting=meeting, first_name="Failed")
    _email(failed, status=OutgoingEmail.Status.SENT, minutes_ago=10)
    _email(failed, status=OutgoingEmail.Status.FAILED, minutes_ago=5)
    resent = RegistrationFactory(meeting=meeting, first_name="Sent")
    _email(resent, status=OutgoingEmail.Status.FAILED, minutes_ago=10)
    _email(resent, status=OutgoingEmail.Status.SENT, minutes_ago=5)
    RegistrationFactory(meeting=meeting, first_name="Unsent")

    response = client.get(CHANGELIST, {"confirmation": value})

    assert {registration.first_name for registration in response.context["cl"].result_list} == expected


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "cancelled"},
        {"category__exact": "academia"},
        {"country": "RS"},
        {"wishes_to_speak__exact": "1"},
        {"imrf_attendance_level__exact": "technical"},
        {"intervention_coordination__exact": "group"},
        {"q": "Đoković"},
        {"q": "ministarstvo"},
        {"q": "djordje@mup"},
    ],
)
def test_changelist_filters_and_search_find_the_one_registration(client, organiser, meeting, query):
    RegistrationFactory(meeting=meeting, first_name="Other", organisation="IOM", email="other@iom.int")
    RegistrationFactory(
        meeting=meeting,
        first_name="Ђорђе",
        last_name="Đoković",
        organisation="Ministarstvo",
        email="djordje@mup.example.rs",
        status=Registration.Status.CANCELLED,
        category=Registration.Category.ACADEMIA,
        country="RS",
        gender=Registration.Gender.MAN,
        wishes_to_speak=True,
        imrf_attendance_level=Registration.AttendanceLevel.TECHNICAL,
        intervention_coordination=Registration.Coordination.GROUP,
    )

    response = client.get(CHANGELIST, query)

    assert [registration.first_name for registration in response.context["cl"].result_list] == ["Ђорђе"]


def test_diversity_filters_need_the_diversity_permission(client, meeting):
    organiser = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    trusted = user_create(
        username="trusted", group=ORGANISERS, permissions=["registration.view_diversity_answers"], in_every_team=True
    )
    RegistrationFactory(meeting=meeting)

    client.force_login(organiser)
    without = client.get(CHANGELIST).context["cl"].list_filter
    client.force_login(trusted)
    with_permission = client.get(CHANGELIST).context["cl"].list_filter

    assert "age_group" not in without
    assert {"age_group", "disability", "migrant_or_diaspora", "youth"} <= set(with_permission)


@pytest.mark.parametrize(("extra", "visible"), [([], False), (["registration.view_diversity_answers"], True)])
def test_detail_page_shows_diversity_answers_only_with_the_permission(client, meeting, extra, visible):
    client.force_login(user_create(username="organiser", group=ORGANISERS, permissions=extra, in_every_team=True))
    registration = RegistrationFactory(
        meeting=meeting, age_group=Registration.AgeGroup.UNDER_25, gender_self_description="Two-spirit"
    )

    response = client.get(_change_url(registration))

    content = response.content.decode()
    assert ('name="age_group"' in content) is visible
    assert ("Two-spirit" in content) is visible
    assert ('name="gender"' in content) is visible
    assert ('name="needs_captions"' in content) is visible


def test_detail_page_is_grouped_like_the_form_with_read_only_audit_fields(client, meeting):
    trusted = user_create(
        username="trusted", group=ORGANISERS, permissions=["registration.view_diversity_answers"], in_every_team=True
    )
    client.force_login(trusted)
    registration = RegistrationFactory(meeting=meeting)

    response = client.get(_change_url(registration))

    content = response.content.decode()
    headings = ["About you", "Whom you represent", "Interpretation", "Gender and diversity", "Accessibility"]
    headings += ["Taking the floor", "Consent", "Record"]
    positions = [content.index(f">{heading}<") for heading in headings]
    assert positions == sorted(positions)
    form = response.context["adminform"].form
    assert not {"created_at", "updated_at", "cancelled_at", "privacy_consent_at", "status", "meeting"} & set(
        form.fields
    )
    assert registration.manage_token not in content


def test_emails_inline_lists_the_registrations_emails_read_only(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting)
    failed = _email(registration, status=OutgoingEmail.Status.FAILED, minutes_ago=3)
    failed.mark_failed(error="550 mailbox unavailable")

    response = client.get(_change_url(registration))

    content = response.content.decode()
    assert "550 mailbox unavailable" in content
    assert 'name="emails-0-subject"' not in content


def test_resend_confirmation_action_queues_one_confirmation_per_registration(
    client, organiser, meeting, django_capture_on_commit_callbacks
):
    active = RegistrationFactory(meeting=meeting)
    cancelled = RegistrationFactory(meeting=meeting, status=Registration.Status.CANCELLED)

    with django_capture_on_commit_callbacks():
        response = client.post(
            CHANGELIST, {"action": "resend_confirmation", "_selected_action": [active.pk, cancelled.pk]}
        )

    assert response.status_code == 302
    assert list(OutgoingEmail.objects.values_list("registration", "kind")) == [
        (active.pk, OutgoingEmail.Kind.CONFIRMATION)
    ]
    assert LogEntry.objects.filter(object_id=str(active.pk)).exists()


def test_approve_and_decline_actions_appear_only_when_a_meeting_is_moderated(client, organiser, meeting):
    RegistrationFactory(meeting=meeting)

    plain = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    MeetingFactory(requires_approval=True)
    moderated = client.get(CHANGELIST).context["action_form"].fields["action"].choices

    assert "approve" not in dict(plain)
    assert {"approve", "decline"} <= set(dict(moderated))


def test_approve_action_activates_pending_registrations_and_emails_the_decision(
    client, organiser, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(requires_approval=True, team=[organiser])
    pending = RegistrationFactory(meeting=meeting, status=Registration.Status.PENDING)
    active = RegistrationFactory(meeting=meeting)

    response = client.post(CHANGELIST, {"action": "approve", "_selected_action": [pending.pk, active.pk]})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Registration.Status.ACTIVE
    assert list(OutgoingEmail.objects.values_list("registration", "kind")) == [
        (pending.pk, OutgoingEmail.Kind.DECISION)
    ]


def test_decline_action_declines_pending_registrations(client, organiser):
    meeting = MeetingFactory(requires_approval=True, team=[organiser])
    pending = RegistrationFactory(meeting=meeting, status=Registration.Status.PENDING)

    asked = client.post(CHANGELIST, {"action": "decline", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == Registration.Status.PENDING
    assert "reason" in asked.content.decode()

    client.post(
        CHANGELIST, {"action": "decline", "_selected_action": [pending.pk], "reason_given": "1", "note": "Full."}
    )

    pending.refresh_from_db()
    assert pending.status == Registration.Status.DECLINED
    assert OutgoingEmail.objects.get().kind == OutgoingEmail.Kind.DECISION


def test_retry_failed_action_queues_failed_emails_again(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting)
    failed = _email(registration, status=OutgoingEmail.Status.FAILED, minutes_ago=5)
    sent = _email(registration, status=OutgoingEmail.Status.SENT, minutes_ago=4)

    response = client.post(
        reverse("admin:registration_outgoingemail_changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]},
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, sent.status) == (OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENT)


def test_outgoing_email_list_filters_by_status(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting)
    failed = _email(registration, status=OutgoingEmail.Status.FAILED, minutes_ago=5)
    _email(registration, status=OutgoingEmail.Status.SENT, minutes_ago=4)

    response = client.get(reverse("admin:registration_outgoingemail_changelist"), {"status__exact": "failed"})

    assert list(response.context["cl"].result_list) == [failed]


def _changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_changelist_runs_as_many_queries_for_1000_registrations_as_for_10(client, organiser, meeting):
    _bulk_registrations(meeting, 10)
    for registration in Registration.objects.all()[:3]:
        _email(registration, status=OutgoingEmail.Status.SENT, minutes_ago=1)
    few_queries, few_rows = _changelist_queries(client)
    _bulk_registrations(meeting, 990, start=10)

    many_queries, many_rows = _changelist_queries(client)

    assert (few_rows, many_rows) == (10, 100)
    assert many_queries == few_queries


def test_changelist_does_not_count_the_whole_table_twice(client, organiser, meeting):
    _bulk_registrations(meeting, 3)

    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST)

    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1


@pytest.mark.postgres
def test_paginator_uses_postgresqls_estimate_for_an_unfiltered_big_table(meeting, monkeypatch):
    _bulk_registrations(meeting, 30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registration_registration")
    monkeypatch.setattr(admin_filters, "ESTIMATED_COUNT_FROM", 10)
    Registration.objects.filter(pk__in=Registration.objects.values("pk")[:5]).delete()

    unfiltered = admin_filters.EstimatedCountPaginator(Registration.objects.all(), 100)
    filtered = admin_filters.EstimatedCountPaginator(Registration.objects.filter(gender="woman"), 100)

    assert unfiltered.count == 30
    assert filtered.count == 25


# Attacks from the second review of issue 10: each test performs one.


@pytest.mark.postgres
def test_admin_search_with_a_nul_byte_is_not_a_server_error(meeting):
    client = signed_in_through_the_login_form(Client(raise_request_exception=False))

    response = client.get(reverse("admin:registration_registration_changelist"), {"q": "a\x00b"})

    assert response.status_code in (200, 400)
