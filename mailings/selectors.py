"""Who a message goes to, in which language, which texts are missing, and how far its sending has got."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import get_language_info

from registration.models import Attendance, FloorDecision, Registration

from .models import Mailing, MailingRecipient

SITE_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
FALLBACK_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def mailing_recipients(*, mailing: Mailing) -> QuerySet[Registration]:
    """The registrations of the message's meeting its audience and filters select, never one erased."""
    registrations = Registration.objects.filter(meeting_id=mailing.meeting_id, anonymised_at__isnull=True)
    if mailing.is_follow_up:
        # The follow-up's rule: registered (active) people, who did or did not attend.
        attended = Attendance.objects.filter(meeting_id=mailing.meeting_id, registration__isnull=False).values(
            "registration_id"
        )
        registrations = registrations.filter(status=Registration.Status.ACTIVE)
        if mailing.audience == Mailing.Audience.ATTENDED:
            registrations = registrations.filter(pk__in=attended)
        else:
            registrations = registrations.exclude(pk__in=attended)
    else:
        registrations = registrations.filter(status__in=mailing.statuses or [Registration.Status.ACTIVE])
    if mailing.categories:
        registrations = registrations.filter(category__in=mailing.categories)
    if mailing.countries:
        registrations = registrations.filter(country__in=mailing.countries)
    if mailing.pk and mailing.listening_languages.exists():
        registrations = registrations.filter(listening_language__in=mailing.listening_languages.all())
    if mailing.speakers == Mailing.Speakers.REQUESTED:
        registrations = registrations.filter(wishes_to_speak=True)
    elif mailing.speakers == Mailing.Speakers.ACCEPTED:
        registrations = registrations.filter(floor_decision__decision=FloorDecision.Decision.ACCEPTED)
    return registrations.order_by("pk")


def mailing_language(*, registration: Registration) -> str:
    """The language the registrant reads the message in: their emails' language, if the site has it."""
    language = registration.email_language
    return language if language in SITE_LANGUAGES else FALLBACK_LANGUAGE


def mailing_has_text(*, mailing: Mailing, language: str) -> bool:
    return bool(getattr(mailing, f"subject_{language}", "") and getattr(mailing, f"body_{language}", ""))


@dataclass(frozen=True)
class LanguageGap:
    """Recipients whose language has no text of its own, and who will read the English one."""

    language: str
    name: str
    recipients: int


def mailing_language_gaps(*, mailing: Mailing) -> list[LanguageGap]:
    """The languages some recipients read in and the message is not written in, with how many such recipients."""
    recipients = mailing_recipients(mailing=mailing).order_by()
    counts = recipients.values("language").annotate(count=Count("pk")).values_list("language", "count")
    by_language: dict[str, int] = {}
    for language, count in counts:
        code = language if language in SITE_LANGUAGES else FALLBACK_LANGUAGE
        by_language[code] = by_language.get(code, 0) + count
    return [
        LanguageGap(language=code, name=get_language_info(code)["name_translated"], recipients=count)
        for code, count in sorted(by_language.items())
        if code != FALLBACK_LANGUAGE and not mailing_has_text(mailing=mailing, language=code)
    ]


def mailing_sample(*, mailing: Mailing, language: str) -> Registration | None:
    """A real recipient to preview the message with: one who reads `language`, else the first recipient."""
    recipients = mailing_recipients(mailing=mailing).select_related("meeting")
    return recipients.filter(language=language).first() or recipients.first()


def mailing_progress(*, mailing: Mailing) -> dict[str, int]:
    """How many of the message's emails are queued, being sent, sent, failed or skipped."""
    rows = (
        MailingRecipient.objects.filter(mailing=mailing, email__isnull=False)
        .values_list("email__status")
        .annotate(count=Count("pk"))
    )
    return dict(rows)
