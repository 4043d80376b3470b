"""What one registration may be shown of its meeting's joining details, and when."""

import datetime
from dataclasses import dataclass

from registration.models import FloorDecision, JoiningDetails, Registration


@dataclass(frozen=True)
class Joining:
    """What one registration may be given of the joining details: accepted speakers get the speakers' link."""

    details: JoiningDetails
    speaker: bool

    @property
    def url(self) -> str:
        return (
            self.details.speakers_url if self.speaker and self.details.speakers_url else self.details.participants_url
        )

    @property
    def passcode(self) -> str:
        if self.speaker and self.details.speakers_url:
            return self.details.speakers_passcode
        return self.details.participants_passcode

    @property
    def speaker_link_to_follow(self) -> bool:
        return self.speaker and not self.details.speakers_url


def joining_for(*, registration, at: datetime.datetime | None, details: JoiningDetails | None = None) -> Joining | None:
    """The joining details `registration` may see at `at` (None: whatever the time), or None.

    Only an active registration, and only from the details' `shown_from`: pending, declined and
    cancelled ones never see them. `details`, when given, spares a query per registrant in a batch.
    """
    if not registration.is_reachable:
        return None
    if details is None:
        details = JoiningDetails.objects.select_related("meeting").filter(meeting_id=registration.meeting_id).first()
    if details is None or not (details.participants_url or details.speakers_url):
        return None
    if at is not None and at < details.shown_from:
        return None
    if Registration.floor_decision.is_cached(registration):
        # select_related("floor_decision") holds the decision, or its absence, already.
        decision = getattr(registration, "floor_decision", None)
    else:
        decision = FloorDecision.objects.filter(registration_id=registration.pk).first()
    return Joining(
        details=details, speaker=decision is not None and decision.decision == FloorDecision.Decision.ACCEPTED
    )
