"""Data protection: removing participants' personal data some days after their meeting, keeping the counts."""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat

from .models import EmailChangeRequest, OutgoingEmail, Registration, new_manage_token

BATCH_SIZE = 1000

# Names, contact details, free text and the diversity answers go; what the dashboard
# counts (status, category, country, attendance level, languages, gender, dates) stays.
ERASED_VALUES = {
    "honorific": "",
    "first_name": "",
    "last_name": "",
    "job_title": "",
    "organisation": "",
    "category_other": "",
    "other_language_reason": "",
    "gender_self_description": "",
    "age_group": "",
    "disability": "",
    "migrant_or_diaspora": "",
    "youth": "",
    "needs_captions": False,
    "needs_sign_language": False,
    "needs_screen_reader": False,
    "accessibility_other": "",
    "intervention_topic": "",
    "intervention_group": "",
    "questions": "",
}


def registrations_due_for_anonymisation(*, now: datetime.datetime, days_after: int) -> QuerySet:
    """Registrations still holding personal data whose meeting ended at least `days_after` days before `now`."""
    return Registration.objects.filter(
        meeting__ends_at__lte=now - datetime.timedelta(days=days_after), anonymised_at__isnull=True
    )


def registrations_anonymise_past(*, now: datetime.datetime, days_after: int) -> int:
    """Remove the personal data of every registration due; return how many. Running it twice changes nothing."""
    anonymised = 0
    while True:
        with transaction.atomic():
            batch = list(
                registrations_due_for_anonymisation(now=now, days_after=days_after)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not batch:
                return anonymised
            _anonymise(batch, now=now)
        anonymised += len(batch)


def _anonymise(pks: list[int], *, now: datetime.datetime) -> None:
    registrations = Registration.objects.filter(pk__in=pks)
    registrations.update(
        **ERASED_VALUES,
        # The email must stay unique per meeting, and .invalid can never be delivered to (RFC 2606).
        email=Concat(Value("anonymised-"), Cast("pk", CharField()), Value("@invalid"), output_field=CharField()),
        anonymised_at=now,
    )
    # A new random token, so an old manage link opens nothing.
    Registration.objects.bulk_update(
        [Registration(pk=pk, manage_token=new_manage_token()) for pk in pks], ["manage_token"]
    )
    # Every email written to them holds their name and address in its text.
    OutgoingEmail.objects.filter(registration_id__in=pks).delete()
    EmailChangeRequest.objects.filter(registration_id__in=pks).delete()
    # The admin's history names the registration as it was shown: its name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration), object_id__in=[str(pk) for pk in pks]
    ).update(object_repr=Concat(Value("anonymised-"), "object_id", output_field=CharField()))
