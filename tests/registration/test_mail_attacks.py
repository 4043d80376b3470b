"""Issue 19's attacks through emails: addresses the participant never confirmed, typed lures, timing, old links."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration import services
from registration.models import OutgoingEmail, Registration
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

MANAGE_LINK = re.compile(r"/register/manage/([\w-]{20,})/")
CONFIRM_LINK = re.compile(r"/register/email/[\w-]+/confirm/")
ACCESSIBILITY = "Induction loop at the podium"
CHANGELIST = reverse("admin:registration_registration_changelist")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as a browser does, running the after-commit sends so mail.outbox shows what went out."""

    def _post(url, data=None, *, on=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (on or client).post(url, data or {})

    return _post


@pytest.fixture
def organiser_client(client, meeting):
    """An Organiser without the permission to see diversity and accessibility answers, signed in."""
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    return client


@pytest.fixture
def registration(meeting):
    return RegistrationFactory(
        meeting=meeting,
        email="amina@ministry.example.ba",
        needs_captions=True,
        accessibility_other=ACCESSIBILITY,
        gender=Registration.Gender.WOMAN,
    )


def _full_text(message):
    return "\n".join([message.subject, message.body, *(content for content, _type in message.alternatives)])


def _to(address):
    return [message for message in mail.outbox if message.to == [address]]


def _admin_change(client, registration, post, **changes):
    url = reverse("admin:registration_registration_change", args=[registration.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None and value is not False}
    data.update({"emails-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0", **changes})
    return post(url, data, on=client)


def _manage_data(client, registration, **changes):
    form = client.get(reverse("registration:manage", args=[registration.manage_token])).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data["country"] = str(registration.country)
    return {**data, **changes}


# High 2: an organiser moves a registration to their own address and resends the confirmation.


def test_organiser_moving_a_registration_to_their_address_then_resending_gets_no_link_and_no_answer(
    organiser_client, post, registration
):
    old_token = registration.manage_token

    response = _admin_change(organiser_client, registration, post, email="organiser@attacker.example")
    post(CHANGELIST, {"action": "resend_confirmation", "_selected_action": [registration.pk]}, on=organiser_client)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"
    # The organiser's mailbox gets one email: our fixed text and a link to confirm the address.
    (confirm,) = _to("organiser@attacker.example")
    text = _full_text(confirm)
    assert CONFIRM_LINK.search(text)
    assert old_token not in text and not MANAGE_LINK.search(text)
    assert ACCESSIBILITY not in text and "captions" not in text.lower()
    # The resent confirmation goes to the participant's own address, and lists no protected answer.
    resent = [message for message in _to("amina@ministry.example.ba") if "confirmed" in message.subject]
    assert len(resent) == 1
    assert old_token in resent[0].body
    assert ACCESSIBILITY not in _full_text(resent[0])
    # The participant is told, without a link to act on.
    (notice,) = [message for message in _to("amina@ministry.example.ba") if "requested" in message.subject]
    assert "o•••@a•••.example" in notice.body and not MANAGE_LINK.search(_full_text(notice))


def test_confirmation_and_change_emails_never_list_protected_answers(client, post, meeting, register_url, form_data):
    post(register_url, {**form_data, "needs_captions": "on", "accessibility_other": ACCESSIBILITY})
    registration = Registration.objects.get()
    manage = reverse("registration:manage", args=[registration.manage_token])

    post(manage, _manage_data(client, registration, job_title="Director"))

    assert [message.subject.split("] ")[1] for message in mail.outbox] == [
        "Your registration is confirmed",
        "Your registration has been updated",
    ]
    for message in mail.outbox:
        text = _full_text(message)
        assert ACCESSIBILITY not in text and "Captions" not in text and "Accessibility needs" not in text
    assert ACCESSIBILITY in client.get(manage).content.decode()


# Medium 4: the public form as a mail relay.


@pytest.mark.parametrize(
    "lure",
    [
        {"first_name": "URGENT: claim your grant at https://evil.example/x"},
        {"last_name": "see www.evil.example"},
        {"organisation": "Write to payout@evil.example"},
        {"organisation": "evil.example"},
        {"first_name": "ｈｔｔｐｓ：／／evil．example"},
        {"intervention_topic": "https://evil.example", "wishes_to_speak": "on", "intervention_coordination": "own"},
    ],
)
def test_register_with_a_victims_address_mails_no_link_like_text_in_either_path(
    post, meeting, register_url, form_data, lure
):
    victim = "victim@example.org"

    post(register_url, {**form_data, **lure, "email": victim})
    post(register_url, {**form_data, **lure, "email": victim.upper()})

    assert len(_to(victim)) == 2
    for message in _to(victim):
        text = _full_text(message)
        assert "evil" not in text and "ｅｖｉｌ" not in text
        assert "URGENT" not in text and "payout" not in text
    # The lure is kept in the registration, for its owner to see and correct on the manage page.
    assert Registration.objects.get().email == victim


def test_register_confirmation_names_the_registrant_when_nothing_typed_looks_like_a_link(post, register_url, form_data):
    post(register_url, form_data)

    (message,) = mail.outbox
    assert "Dear H.E. Đoković-Čačić," in message.body
    assert "Ministarstvo unutrašnjih poslova" in message.body
    assert "Senior Adviser" not in message.body


def test_register_throttle_counts_one_client_across_every_meeting(client, meeting, form_data, settings):
    settings.REGISTRATION_POSTS_PER_MINUTE = 2
    meetings = [meeting, *(MeetingFactory() for _index in range(3))]

    answers = [
        client.post(
            reverse("registration:register", args=[each.slug]),
            {
                **form_data,
                "email": f"victim{index}@example.org",
                "listening_language": str(each.interpretation_languages.first().pk),
            },
        ).status_code
        for index, each in enumerate(meetings)
    ]

    assert answers == [302, 302, 429, 429]
    assert Registration.objects.count() == 2


# Medium 5: timing tells whether an address is registered.


def test_register_known_and_new_address_run_the_same_statements_and_render_nothing_in_the_request(
    client, meeting, register_url, form_data, django_capture_on_commit_callbacks
):
    RegistrationFactory(meeting=meeting, email="known@example.org")
    client.post(register_url, {**form_data, "email": "warm-up@example.org"})
    statements = {}

    for address in ("new@example.org", "KNOWN@example.org"):
        with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as queries:
            assert client.post(register_url, {**form_data, "email": address}).status_code == 302
        # The statement's verb and table; savepoint names differ, and the one savepoint is released
        # after a new address and rolled back to after a registered one.
        statements[address] = [
            re.sub(r'"s\w+"|ROLLBACK TO|RELEASE', "", " ".join(query["sql"].split()[:3])).strip()
            for query in queries.captured_queries
        ]

    assert statements["new@example.org"] == statements["KNOWN@example.org"]
    # Both emails are rendered by the worker, not in the request.
    written = OutgoingEmail.objects.filter(to_email__in=["new@example.org", "KNOWN@example.org"])
    assert sorted(written.values_list("kind", "body_text")) == [
        (OutgoingEmail.Kind.CONFIRMATION, ""),
        (OutgoingEmail.Kind.MANAGE_LINK, ""),
    ]


# Medium 6: a manage link outlives a change of address.


def test_participants_confirmed_change_gives_a_new_link_and_the_old_one_stops_working(client, post, registration):
    old_manage = reverse("registration:manage", args=[registration.manage_token])
    post(old_manage, _manage_data(client, registration, email="new@ministry.example.ba"))
    (confirm,) = _to("new@ministry.example.ba")
    mail.outbox.clear()

    post(CONFIRM_LINK.search(confirm.body).group(0))

    registration.refresh_from_db()
    assert registration.email == "new@ministry.example.ba"
    assert client.get(old_manage).status_code == 404
    assert client.post(reverse("registration:cancel", args=[old_manage.split("/")[-2]])).status_code == 404
    (updated,) = _to("new@ministry.example.ba")
    assert MANAGE_LINK.search(updated.body).group(1) == registration.manage_token
    (notice,) = _to("amina@ministry.example.ba")
    assert not MANAGE_LINK.search(_full_text(notice)) and "/register/" not in _full_text(notice)
    assert registration.meeting.contact_email in notice.body
    assert client.get(reverse("registration:manage", args=[registration.manage_token])).status_code == 200


def test_organisers_confirmed_correction_sends_no_link_to_the_old_mistyped_address(
    organiser_client, post, registration
):
    old_token = registration.manage_token
    _admin_change(organiser_client, registration, post, email="right@ministry.example.ba")
    (confirm,) = _to("right@ministry.example.ba")
    mail.outbox.clear()

    post(CONFIRM_LINK.search(confirm.body).group(0), on=organiser_client.__class__())

    registration.refresh_from_db()
    assert registration.email == "right@ministry.example.ba" and registration.manage_token != old_token
    for message in _to("amina@ministry.example.ba"):
        assert old_token not in _full_text(message) and not MANAGE_LINK.search(_full_text(message))
    assert registration.manage_token in _to("right@ministry.example.ba")[0].body


# Low 7: a declined or cancelled registration confirms a change mailed before.


@pytest.mark.parametrize("ending", ["declined", "cancelled then restored"])
def test_change_mailed_before_a_decline_or_cancellation_cannot_be_confirmed_after(
    client, organiser_client, post, meeting, ending
):
    meeting.requires_approval = True
    meeting.save()
    registration = RegistrationFactory(meeting=meeting, email="declined@example.org", status="pending")
    manage = reverse("registration:manage", args=[registration.manage_token])
    participant = client.__class__()
    post(manage, _manage_data(participant, registration, email="fresh@example.org"), on=participant)
    (confirm,) = _to("fresh@example.org")
    if ending == "declined":
        # The decline action asks for an optional reason on a page of its own, then declines.
        post(
            CHANGELIST,
            {"action": "decline", "_selected_action": [registration.pk], "reason_given": "1", "note": ""},
            on=organiser_client,
        )
    else:
        post(reverse("registration:cancel", args=[registration.manage_token]), on=participant)
        post(reverse("registration:restore", args=[registration.manage_token]), on=participant)

    page = post(CONFIRM_LINK.search(confirm.body).group(0), on=client.__class__())

    registration.refresh_from_db()
    assert registration.email == "declined@example.org"
    assert "can no longer be changed here" in page.content.decode()


# Rules on every path: each service called directly with a gender answer and no consent.


def test_each_registration_service_refuses_a_gender_answer_without_consent(meeting):
    registration = RegistrationFactory(meeting=meeting, gender="", diversity_consent_at=None)
    data = {
        "first_name": "Aigerim",
        "last_name": "Bekova",
        "email": "aigerim@example.kz",
        "job_title": "Adviser",
        "organisation": "Ministry of Labour",
        "category": Registration.Category.ACADEMIA,
        "country": "KZ",
        "listening_language": meeting.interpretation_languages.first(),
        "gender": Registration.Gender.WOMAN,
    }

    calls = {
        "registration_create": lambda: services.registration_create(meeting=meeting, data=data),
        "registration_update": lambda: services.registration_update(
            registration=registration, data={"gender": Registration.Gender.WOMAN}
        ),
        "registration_organiser_update": lambda: services.registration_organiser_update(
            registration=registration, data={"gender": Registration.Gender.WOMAN}
        ),
    }
    for name, call in calls.items():
        with pytest.raises(ValidationError) as refusal:
            call()
        assert "gender" in refusal.value.message_dict, name

    registration.refresh_from_db()
    assert registration.gender == "" and registration.diversity_consent_at is None
    assert list(Registration.objects.values_list("email", flat=True)) == [registration.email]
    assert not OutgoingEmail.objects.exists()
