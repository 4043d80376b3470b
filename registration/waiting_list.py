"""The meeting's capacity and its waiting list: who takes a place, who waits, and freed places offered in order.

One queue per meeting, in order of arrival. Every count of places is read while the meeting's row is
locked (`meeting_lock`), so two requests can never both take the last place. Other apps narrow who may be
offered a place without this module knowing them (`candidates_filter_register`): the delegations app
keeps a delegation at its cap of members that way.
"""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal

from agenda.models import Meeting
from registration.mail import outbox
from registration.models import OutgoingEmail, PlaceOffer, Registration

CandidatesFilter = Callable[[QuerySet, Meeting], QuerySet]
_candidates_filters: list[CandidatesFilter] = []

# Sent, in the transaction, when someone takes up an offered place: a receiver answering True takes the
# registration into its own review (a delegation member waits for the secretariat's confirmation).
place_taken = Signal()


def candidates_filter_register(candidates_filter: CandidatesFilter) -> None:
    """Add a filter narrowing the waiting registrations of a meeting that may be offered a place now."""
    if candidates_filter not in _candidates_filters:
        _candidates_filters.append(candidates_filter)


def meeting_lock(*, meeting: Meeting) -> Meeting:
    """Lock the meeting's row until the transaction ends: whoever counts its places after this counts alone."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def meeting_is_full(*, meeting: Meeting) -> bool:
    """Whether every place of the meeting is taken; call it with the meeting locked."""
    if meeting.capacity is None:
        return False
    return Registration.objects.filter(meeting=meeting).holding_place().count() >= meeting.capacity


def waiting_position(*, registration: Registration) -> int:
    """The registration's place in the waiting list: 1 for the next in line."""
    ahead = Registration.objects.filter(
        meeting_id=registration.meeting_id,
        status=Registration.Status.WAITING,
        place_offers__isnull=True,
        created_at__lt=registration.created_at,
    ).count()
    return ahead + 1


def place_offer_next(*, meeting: Meeting, now: datetime.datetime) -> list[PlaceOffer]:
    """Offer every free place to the next in line, each by email for the meeting's number of days."""
    offers = []
    with transaction.atomic():
        meeting = meeting_lock(meeting=meeting)
        while not meeting_is_full(meeting=meeting):
            candidates = Registration.objects.filter(
                meeting=meeting,
                status=Registration.Status.WAITING,
                anonymised_at__isnull=True,
                place_offers__isnull=True,
            )
            for candidates_filter in _candidates_filters:
                candidates = candidates_filter(candidates, meeting)
            registration = candidates.order_by("created_at", "pk").first()
            if registration is None:
                break
            offer = PlaceOffer.objects.create(
                registration=registration,
                offered_at=now,
                expires_at=now + datetime.timedelta(days=meeting.place_offer_days),
            )
            outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.PLACE_OFFER, extra={"offer": offer})
            offers.append(offer)
    return offers


def place_offer_take(*, registration: Registration, now: datetime.datetime) -> bool:
    """Take up the place offered to `registration` if its offer is still open; False if there is none."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("meeting").get(pk=registration.pk)
        offer = PlaceOffer.objects.select_for_update().filter(registration=registration, closed_at__isnull=True).first()
        if offer is None or offer.expires_at <= now or registration.status != Registration.Status.WAITING:
            return False
        offer.outcome, offer.closed_at = PlaceOffer.Outcome.TAKEN, now
        offer.save(update_fields=["outcome", "closed_at"])
        reviewed = any(answer for _receiver, answer in place_taken.send(sender=Registration, registration=registration))
        if reviewed or registration.meeting.requires_approval:
            registration.status = Registration.Status.PENDING
        else:
            registration.status = Registration.Status.ACTIVE
        registration.save(update_fields=["status", "updated_at"])
        if not reviewed:
            outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    return True


def place_offers_lapse(*, now: datetime.datetime) -> int:
    """Close the offers not taken up in time and offer their places to the next in line; return how many lapsed."""
    with transaction.atomic():
        lapsed = list(
            PlaceOffer.objects.select_for_update(skip_locked=True)
            .filter(closed_at__isnull=True, expires_at__lte=now)
            .select_related("registration__meeting")
        )
        for offer in lapsed:
            offer.outcome, offer.closed_at = PlaceOffer.Outcome.LAPSED, now
            offer.save(update_fields=["outcome", "closed_at"])
    for meeting in {offer.registration.meeting for offer in lapsed}:
        place_offer_next(meeting=meeting, now=now)
    return len(lapsed)


def place_freed(*, meeting: Meeting, now: datetime.datetime) -> None:
    """A place may have freed (a cancellation, a withdrawal, a decline): offer it after the transaction commits.

    After commit, so the freeing is counted, and so the freeing request never waits on the meeting's lock.
    """
    if Registration.objects.filter(meeting=meeting, status=Registration.Status.WAITING).exists():
        transaction.on_commit(lambda: place_offer_next(meeting=meeting, now=now))
