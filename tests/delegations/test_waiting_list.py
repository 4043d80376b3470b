"""Caps, capacity and the waiting list: past them people wait in order; a freed place is offered, then passed on."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from delegations import services
from delegations.models import Entity, MemberCap
from registration import services as registration_services
from registration import waiting_list
from registration.models import PlaceOffer, Registration
from tests.delegations.conftest import member_data
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _data(meeting, email):
    values = member_data(
        meeting, email=email, listening_language=meeting.interpretation_languages.first(), wishes_to_speak=False
    )
    return {name: values[name] for name in services.MEMBER_FIELDS}


@pytest.fixture
def ngo_delegation(meeting):
    MemberCap.objects.create(meeting=meeting, category=Registration.Category.CIVIL_SOCIETY, max_members=2)
    ngo = Entity.objects.create(
        kind=Entity.Kind.ORGANISATION, name="Migrant Forum", country="AT", category="civil_society"
    )
    return services.delegation_open(meeting=meeting, entity=ngo)


def _nominate(delegation, email, minutes=0):
    return services.member_nominate(
        delegation=delegation,
        data=_data(delegation.meeting, email),
        role="member",
        language="en",
        now=timezone.now() + datetime.timedelta(minutes=minutes),
    )


def test_cap_of_two_per_ngo_puts_the_third_on_the_waiting_list(ngo_delegation):
    results = [_nominate(ngo_delegation, f"m{index}@ngo.example", minutes=index) for index in range(3)]

    assert [result.waiting for result in results] == [False, False, True]


def test_withdrawal_offers_the_place_to_the_first_waiting_and_an_expired_offer_passes_on(ngo_delegation):
    nominations = [_nominate(ngo_delegation, f"m{index}@ngo.example", minutes=index) for index in range(4)]
    mail.outbox.clear()
    now = timezone.now() + datetime.timedelta(minutes=10)

    services.member_withdraw(member=nominations[0].member, now=now)

    offer = PlaceOffer.objects.get()
    assert offer.registration == nominations[2].member.registration
    assert [message.to for message in mail.outbox] == [["m2@ngo.example"]]

    lapsed = waiting_list.place_offers_lapse(now=offer.expires_at + datetime.timedelta(seconds=1))

    assert lapsed == 1
    assert PlaceOffer.objects.get(registration=nominations[3].member.registration).closed_at is None
    assert mail.outbox[-1].to == ["m3@ngo.example"]


def test_member_taking_the_place_waits_for_the_secretariat(ngo_delegation):
    nominations = [_nominate(ngo_delegation, f"m{index}@ngo.example", minutes=index) for index in range(3)]
    services.member_withdraw(member=nominations[0].member, now=timezone.now())
    registration = nominations[2].member.registration

    taken = waiting_list.place_offer_take(registration=registration, now=timezone.now())

    registration.refresh_from_db()
    assert taken is True
    assert registration.status == Registration.Status.PENDING


def test_public_form_past_capacity_joins_the_waiting_list_and_a_cancellation_offers_the_place(meeting):
    meeting.capacity = 1
    meeting.save()
    first = RegistrationFactory(meeting=meeting)
    data = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana@example.es",
        "job_title": "Officer",
        "organisation": "NGO",
        "category": "civil_society",
        "country": "ES",
        "listening_language": meeting.interpretation_languages.first(),
    }
    mail.outbox.clear()

    waiting = registration_services.registration_create(meeting=meeting, data=data).registration
    registration_services.registration_cancel(registration=first)

    assert waiting.status == Registration.Status.WAITING
    assert "waiting list" in mail.outbox[0].subject
    assert PlaceOffer.objects.get().registration == waiting
    assert waiting_list.place_offer_take(registration=waiting, now=timezone.now()) is True
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.ACTIVE


def test_offer_taken_after_its_time_limit_is_refused(ngo_delegation):
    nominations = [_nominate(ngo_delegation, f"m{index}@ngo.example", minutes=index) for index in range(3)]
    services.member_withdraw(member=nominations[0].member, now=timezone.now())
    offer = PlaceOffer.objects.get()

    taken = waiting_list.place_offer_take(registration=offer.registration, now=offer.expires_at)

    assert taken is False


def test_offered_place_taken_twice_from_the_link_is_taken_once(client, meeting):
    """Review as an attacker (issue 19): the 'Take up the place' button pressed again (a replayed POST, a
    second tab) neither takes a second place nor sends a second confirmation."""
    from django.urls import reverse

    meeting.capacity = 1
    meeting.requires_approval = False
    meeting.save()
    first = RegistrationFactory(meeting=meeting)
    waiting = RegistrationFactory(meeting=meeting, status=Registration.Status.WAITING)
    registration_services.registration_cancel(registration=first, now=timezone.now())
    mail.outbox.clear()
    url = reverse("registration:take_place", args=[waiting.manage_token])

    client.post(url)
    replay = client.post(url, follow=True)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.ACTIVE
    assert "This place is no longer offered to you." in replay.content.decode()
    assert [message.subject for message in mail.outbox if waiting.email in message.to].__len__() == 1
    assert Registration.objects.filter(meeting=meeting).holding_place().count() == 1
