"""The follow-up email after the meeting: to those who attended, or to those who registered and did not."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from registration.mail import outbox
from registration.models import Attendance, FollowUp, FollowUpDelivery, OutgoingEmail, Registration
from registration.secret_links import manage_url


def follow_up_recipients(*, follow_up: FollowUp) -> QuerySet[Registration]:
    """The active registrations of the follow-up's meeting that attended, or that did not, as it says."""
    registered = Registration.objects.reachable().filter(meeting_id=follow_up.meeting_id)
    attended = Attendance.objects.filter(meeting_id=follow_up.meeting_id, registration__isnull=False).values(
        "registration_id"
    )
    if follow_up.audience == FollowUp.Audience.ATTENDED:
        return registered.filter(pk__in=attended)
    return registered.exclude(pk__in=attended)


def follow_up_send(*, follow_up: FollowUp, now: datetime.datetime | None = None) -> int:
    """Queue the follow-up to each recipient not yet sent it, in their language; return how many.

    Pressing send again (after importing a late report, say) writes only to those new to the list;
    the unique delivery row is what keeps two clicks at once from writing anyone twice.
    """
    with transaction.atomic():
        FollowUp.objects.select_for_update().filter(pk=follow_up.pk).first()
        recipients = follow_up_recipients(follow_up=follow_up).exclude(follow_up_deliveries__follow_up=follow_up)
        sent = 0
        for registration in recipients.select_related("meeting"):
            FollowUpDelivery.objects.create(follow_up=follow_up, registration=registration)
            # The organisers' texts in the participant's language, English where one is not written.
            with translation.override(registration.email_language):
                subject, body = follow_up.subject, follow_up.body
                context = {
                    "body": body,
                    "recording_url": follow_up.recording_url,
                    "survey_url": follow_up.survey_url,
                    "manage_url": manage_url(registration=registration),
                }
            outbox.email_queue_to(
                registration=registration,
                kind=OutgoingEmail.Kind.FOLLOW_UP,
                to_email=registration.email,
                subject=subject,
                template="follow_up",
                context=context,
            )
            sent += 1
        follow_up.sent_at = now or timezone.now()
        follow_up.save(update_fields=["sent_at"])
    return sent
