"""factory_boy factories for the meeting, its agenda, registrations and their emails."""

import datetime
import zoneinfo

import factory
from django.utils import timezone

from agenda.models import AgendaItem, InterpretationLanguage, Meeting, Speaker
from registration.models import FloorDecision, JoiningDetails, OutgoingEmail, Registration
from tests.support.answers import REGISTRATION_ANSWERS

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _in_days(days, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


class InterpretationLanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterpretationLanguage
        django_get_or_create = ("code",)

    code = "en"
    name = "English"


class MeetingFactory(factory.django.DjangoModelFactory):
    """An upcoming virtual meeting with registration open and the five interpretation languages."""

    class Meta:
        model = Meeting
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"meeting-{n}")
    is_published = True
    title = "100 Days to the International Migration Review Forum"
    subtitle = "Technical Meeting for Government Representatives and other stakeholders"
    short_name = "IMRF 100 days"
    starts_at = factory.LazyFunction(lambda: _in_days(30, 9))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + datetime.timedelta(hours=3))
    time_zone = "Europe/Paris"
    platform = "Virtual web-conferencing platform"
    registration_deadline = factory.LazyAttribute(lambda meeting: meeting.starts_at.date() - datetime.timedelta(days=7))
    contact_email = "roviennapolicyandliaison@iom.int"

    @factory.post_generation
    def interpretation_languages(self, create, extracted, **kwargs):
        if not create:
            return
        languages = extracted or [
            InterpretationLanguageFactory(code=code, name=name)
            for code, name in (
                ("en", "English"),
                ("fr", "French"),
                ("es", "Spanish"),
                ("ru", "Russian"),
                ("bcms", "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)"),
            )
        ]
        self.interpretation_languages.set(languages)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        """`team=[user, …]`: the users who work on this meeting in the admin."""
        if create and extracted:
            self.team.set(extracted)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(int)
    starts_at = factory.LazyAttribute(lambda item: item.meeting.starts_at)
    ends_at = factory.LazyAttribute(lambda item: item.starts_at + datetime.timedelta(minutes=10))
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    agenda_item = factory.SubFactory(AgendaItemFactory)
    position = factory.Sequence(int)
    name = factory.Faker("name")
    job_title = "Director"
    organisation = "Government of Portugal"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    job_title = "Policy officer"
    organisation = "Ministry of Interior"
    category = Registration.Category.MEMBER_STATE
    country = "AZ"
    imrf_attendance_level = Registration.AttendanceLevel.MINISTER
    listening_language = factory.LazyAttribute(
        lambda registration: registration.meeting.interpretation_languages.order_by("position", "pk").first()
    )
    gender = Registration.Gender.WOMAN
    privacy_consent_at = factory.LazyFunction(timezone.now)
    # A gender answer comes with its own consent.
    diversity_consent_at = factory.LazyFunction(timezone.now)


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingEmail

    registration = factory.SubFactory(RegistrationFactory)
    kind = OutgoingEmail.Kind.CONFIRMATION
    to_email = factory.LazyAttribute(lambda email: email.registration.email)
    subject = "Your registration is confirmed"
    body_text = "…"


class JoiningDetailsFactory(factory.django.DjangoModelFactory):
    """A meeting's Zoom links and passcodes, shown three days before it starts."""

    class Meta:
        model = JoiningDetails

    meeting = factory.SubFactory(MeetingFactory)
    platform = JoiningDetails.Platform.ZOOM
    participants_url = "https://zoom.example.org/j/100days-participants"
    participants_passcode = "listen-2022"
    speakers_url = "https://zoom.example.org/j/100days-speakers"
    speakers_passcode = "speak-2022"
    interpretation_instructions = "Click the globe icon and choose your language."


class FloorDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FloorDecision

    registration = factory.SubFactory(RegistrationFactory, wishes_to_speak=True)
    decision = FloorDecision.Decision.ACCEPTED
    position = factory.Sequence(lambda n: n + 1)


def registration_answers(meeting=None, *, language: str = "bcms", **changes) -> dict:
    """The registration form as a participant posts it: REGISTRATION_ANSWERS with `changes` (None drops an answer).

    With `meeting`, the listening language is the id of its interpretation into `language` (a code).
    """
    answers = dict(REGISTRATION_ANSWERS)
    if meeting is not None:
        answers["listening_language"] = str(meeting.interpretation_languages.get(code=language).pk)
    answers.update(changes)
    return {name: value for name, value in answers.items() if value is not None}


def registration_data(meeting, *, language: str = "bcms", **changes) -> dict:
    """The same answers as the form's cleaned data, as `services.registration_create` takes them.

    The listening language is the row itself; the privacy box is gone (the service records it) and the
    diversity consent is the box's answer, which the service checks against the protected answers.
    """
    answers = registration_answers(meeting, language=language, **changes)
    answers["listening_language"] = meeting.interpretation_languages.get(code=language)
    if "listening_language" in changes:
        answers["listening_language"] = changes["listening_language"]
    answers.pop("privacy_consent", None)
    answers["diversity_consent"] = bool(answers.get("diversity_consent"))
    return answers
