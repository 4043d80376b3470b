"""Data protection: removing participants' personal data after their meeting or cancellation, keeping the counts."""

import datetime

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from registration.exports.background import export_jobs_refuse_holding
from registration.models import (
    PROTECTED_ANSWER_FIELDS,
    Attendance,
    EmailChangeRequest,
    OutgoingEmail,
    Registration,
    new_manage_token,
)
from registration.tokens import token_digest

BATCH_SIZE = 1000

# Names, contact details, free text and the diversity answers go; what the dashboard
# counts (status, category, country, attendance level, languages, gender, dates) stays.
# The other interpretation language requested is typed too: see _other_language_kept.
ERASED_VALUES = {
    "honorific": "",
    "first_name": "",
    "last_name": "",
    "job_title": "",
    "organisation": "",
    "category_other": "",
    # The country or area typed under "Other" could say who wrote it; the country's "Other" stays counted.
    "country_other": "",
    "other_language_reason": "",
    # The diversity and accessibility answers back to empty, except gender, which the dashboard counts.
    **{name: Registration._meta.get_field(name).get_default() for name in PROTECTED_ANSWER_FIELDS if name != "gender"},
    "intervention_topic": "",
    "intervention_group": "",
    "questions": "",
    "diversity_consent_at": None,
}

# Language names a request for another language may keep once anonymised, spelt as Django's
# English name: anything else typed there could say who wrote it.
KNOWN_LANGUAGES = {
    spelling.casefold(): info["name"]
    for info in LANG_INFO.values()
    if "name" in info
    for spelling in (info["name"], info.get("name_local", ""))
    if spelling
}


def registrations_due_for_anonymisation(
    *, now: datetime.datetime, days_after: int, cancelled_days_after: int | None = None
) -> QuerySet:
    """Registrations still holding personal data whose meeting ended at least `days_after` days before `now`,
    or cancelled at least `cancelled_days_after` days before it (default: CANCELLED_DATA_RETENTION_DAYS)."""
    if cancelled_days_after is None:
        cancelled_days_after = settings.CANCELLED_DATA_RETENTION_DAYS
    meeting_over = Q(meeting__ends_at__lte=now - datetime.timedelta(days=days_after))
    cancelled_long_ago = Q(
        status=Registration.Status.CANCELLED,
        cancelled_at__lte=now - datetime.timedelta(days=cancelled_days_after),
    )
    return Registration.objects.filter(meeting_over | cancelled_long_ago, anonymised_at__isnull=True)


def registrations_anonymise_past(
    *, now: datetime.datetime, days_after: int, cancelled_days_after: int | None = None
) -> int:
    """Remove the personal data of every registration due; return how many. Running it twice changes nothing.

    The people who attended without a registration (or were never matched to one) go at the same
    time as the registrations of their meeting.
    """
    unregistered = Attendance.objects.filter(
        registration__isnull=True, meeting__ends_at__lte=now - datetime.timedelta(days=days_after)
    )
    with transaction.atomic():
        _log_entries_strip(model=Attendance, rows=unregistered)
        unregistered.delete()
    anonymised = 0
    while True:
        with transaction.atomic():
            batch = list(
                registrations_due_for_anonymisation(
                    now=now, days_after=days_after, cancelled_days_after=cancelled_days_after
                )
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not batch:
                return anonymised
            registrations_anonymise(pks=batch, now=now)
        anonymised += len(batch)


def _log_entries_strip(*, model, rows: QuerySet) -> None:
    """Take the person out of the admin's history ("Recent actions") of `rows`, keeping that they were edited.

    An entry names its object as it was shown (the person's name, an email's address, "Ana Đoković —
    accepted"), and its message names the inline rows added or changed with it.
    """
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=rows.order_by().annotate(text_pk=Cast("pk", CharField())).values("text_pk"),
    ).update(object_repr=Concat(Value("anonymised-"), "object_id", output_field=CharField()), change_message="")


def _other_language_kept(typed: str) -> str:
    return KNOWN_LANGUAGES.get(typed.strip().casefold(), "")


def registrations_anonymise(*, pks: list[int], now: datetime.datetime, consent_withdrawn: bool = False) -> None:
    """Remove the personal data of these registrations and of every email written to them; call it in a transaction.

    The same for the retention rules and for a participant erasing their own registration. Erasing
    withdraws the consent under which gender was given, so it goes too (`consent_withdrawn`); the
    retention rules keep it for the meeting's counts.
    """
    registrations = Registration.objects.filter(pk__in=pks)
    # Copies first: the admin's history of every row that names them, and the export files that hold them.
    _log_entries_strip(model=Registration, rows=registrations)
    for relation in Registration._meta.related_objects:
        model = relation.related_model
        _log_entries_strip(model=model, rows=model._default_manager.filter(**{f"{relation.field.name}__in": pks}))
    export_jobs_refuse_holding(meeting_ids=set(registrations.values_list("meeting_id", flat=True).distinct()))
    requests = registrations.exclude(other_language="").values_list("pk", "other_language")
    Registration.objects.bulk_update(
        [Registration(pk=pk, other_language=_other_language_kept(typed)) for pk, typed in requests],
        ["other_language"],
    )
    registrations.update(
        **ERASED_VALUES,
        **({"gender": Registration._meta.get_field("gender").get_default()} if consent_withdrawn else {}),
        # The email must stay unique per meeting, and .invalid can never be delivered to (RFC 2606).
        email=Concat(Value("anonymised-"), Cast("pk", CharField()), Value("@invalid"), output_field=CharField()),
        anonymised_at=now,
    )
    # A new random token, so an old manage link opens nothing; the last one's fingerprint lets that
    # link say the registration was erased (walk F1.17). Only rows not yet anonymised come here.
    tokens = Registration.objects.filter(pk__in=pks).values_list("pk", "manage_token")
    Registration.objects.bulk_update(
        [
            Registration(pk=pk, manage_token=new_manage_token(), erased_link_digest=token_digest(token))
            for pk, token in tokens
        ],
        ["manage_token", "erased_link_digest"],
    )
    # Every email written to them holds their name and address in its text.
    OutgoingEmail.objects.filter(registration_id__in=pks).delete()
    EmailChangeRequest.objects.filter(registration_id__in=pks).delete()
    # Attendance is personal data too: the name and address as the platform wrote them go, the
    # minutes stay for the participation report's counts.
    Attendance.objects.filter(registration_id__in=pks).update(
        name="",
        email="",
        person_key=Concat(Value("anonymised-"), Cast("pk", CharField()), output_field=CharField()),
    )
