"""Registrations for a meeting, the emails sent about them, and the reminders a meeting sends."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agenda.models import InterpretationLanguage, Meeting, StakeholderCategory
from registration.countries import country_field_choices

# Named here by the migrations, and used by every model with a secret link.
from registration.tokens import new_manage_token

# The constraint's name, by which `services.registration_create` tells a registered address from another failure.
ONE_PER_EMAIL = "one_registration_per_email_and_meeting"


class YesNoPrivate(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class RegistrationQuerySet(models.QuerySet):
    def reachable(self):
        """Active and not erased: those who take part. Pending, declined, cancelled and erased registrations get
        no reminder, follow-up, joining details or place on the speakers' list."""
        return self.filter(status=Registration.Status.ACTIVE, anonymised_at__isnull=True)

    def holding_place(self):
        """Those who take up one of the meeting's places: registered, pending, or offered a place not yet lapsed.
        The meeting's capacity and the delegations' caps count these (`registration.waiting_list`)."""
        return self.filter(
            models.Q(status__in=(Registration.Status.ACTIVE, Registration.Status.PENDING))
            | models.Q(status=Registration.Status.WAITING, place_offers__closed_at__isnull=True)
            & models.Q(place_offers__pk__isnull=False)
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Registered")
        PENDING = "pending", _("Pending approval")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        WAITING = "waiting", _("On the waiting list")

    # The agenda names them, so a meeting can say which register through their focal points.
    Category = StakeholderCategory

    class AttendanceLevel(models.TextChoices):
        HEAD_OF_STATE = "head_of_state", _("Head of State or Government")
        MINISTER = "minister", _("Minister")
        VICE_MINISTER = "vice_minister", _("Vice-Minister or State Secretary")
        AMBASSADOR = "ambassador", _("Ambassador or Permanent Representative")
        SENIOR_OFFICIAL = "senior_official", _("Senior official")
        TECHNICAL = "technical", _("Technical level")
        UNDECIDED = "undecided", _("Not yet decided")

    class AccreditationRoute(models.TextChoices):
        ECOSOC = "ecosoc", _("ECOSOC consultative status")
        GCM_ACCREDITED = "gcm_accredited", _("Accredited to the GCM conference or its preparatory process")
        SPECIAL = "special", _("Applying for special accreditation")
        NOT_SURE = "not_sure", _("Not sure")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary or another identity")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class AgeGroup(models.TextChoices):
        UNDER_25 = "under_25", _("Under 25")
        FROM_25_TO_34 = "25_34", _("25–34")
        FROM_35_TO_49 = "35_49", _("35–49")
        FROM_50_TO_64 = "50_64", _("50–64")
        FROM_65 = "65_plus", _("65 or over")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class Coordination(models.TextChoices):
        OWN = "own", _("No, on my own behalf or my organisation's")
        GROUP = "group", _("Yes, on behalf of a group of States or organisations")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="registrations")
    manage_token = models.CharField(
        _("manage token"), max_length=64, unique=True, default=new_manage_token, editable=False
    )
    # The erased registration's last manage token, as a fingerprint: its link can say "erased" (walk F1.17)
    # while opening nothing, and any other token still gets the page every unknown token gets.
    erased_link_digest = models.CharField(
        _("fingerprint of the erased manage link"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)

    # About you
    honorific = models.CharField(
        pgettext_lazy("honorific", "title"), max_length=30, blank=True, help_text=_("For example H.E., Dr, Ms, Mx.")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    job_title = models.CharField(_("position / job title"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)

    # Whom you represent
    category = models.CharField(_("stakeholder category"), max_length=30, choices=Category.choices)
    category_other = models.CharField(_("other category"), max_length=100, blank=True)
    country = models.CharField(_("country represented or based in"), max_length=2, choices=country_field_choices)
    country_other = models.CharField(_("other country or area"), max_length=100, blank=True)
    imrf_attendance_level = models.CharField(
        _("expected IMRF attendance level"), max_length=30, choices=AttendanceLevel.choices, blank=True
    )
    accreditation_route = models.CharField(
        _("IMRF accreditation route"), max_length=30, choices=AccreditationRoute.choices, blank=True
    )

    # Interpretation
    listening_language = models.ForeignKey(
        InterpretationLanguage,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("listening language"),
    )
    other_language = models.CharField(_("other interpretation language requested"), max_length=100, blank=True)
    other_language_reason = models.TextField(_("why the other language matters"), max_length=1000, blank=True)

    # Gender and diversity
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    gender_self_description = models.CharField(_("gender self-description"), max_length=100, blank=True)
    age_group = models.CharField(_("age group"), max_length=20, choices=AgeGroup.choices, blank=True)
    disability = models.CharField(
        _("identifies as a person with a disability"), max_length=20, choices=YesNoPrivate.choices, blank=True
    )
    migrant_or_diaspora = models.CharField(
        _("identifies as a migrant or member of a diaspora"), max_length=20, choices=YesNoPrivate.choices, blank=True
    )
    youth = models.CharField(_("identifies as youth"), max_length=20, choices=YesNoPrivate.choices, blank=True)

    # Accessibility
    needs_captions = models.BooleanField(_("live captions"), default=False)
    needs_sign_language = models.BooleanField(_("sign language interpretation"), default=False)
    needs_screen_reader = models.BooleanField(_("screen-reader-friendly documents"), default=False)
    accessibility_other = models.TextField(_("other accessibility needs"), max_length=1000, blank=True)

    # Taking the floor
    wishes_to_speak = models.BooleanField(_("wishes to take the floor"), default=False)
    intervention_topic = models.TextField(_("intervention topic"), max_length=1000, blank=True)
    intervention_coordination = models.CharField(
        _("intervention coordinated"), max_length=10, choices=Coordination.choices, blank=True
    )
    intervention_group = models.CharField(_("on behalf of"), max_length=200, blank=True)
    questions = models.TextField(_("questions for the secretariat"), max_length=2000, blank=True)

    # Consent
    privacy_consent_at = models.DateTimeField(_("privacy notice accepted at"))
    diversity_consent_at = models.DateTimeField(
        _("consent to the diversity and accessibility answers given at"),
        null=True,
        blank=True,
        help_text=_("Empty when no diversity or accessibility question is answered."),
    )
    listed_publicly = models.BooleanField(_("may appear in the participant list"), default=False)

    language = models.CharField(_("site language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # Compared case-insensitively in the database, so two simultaneous
            # submissions with "A@x.org" and "a@x.org" cannot both be saved.
            models.UniqueConstraint(Lower("email"), "meeting", name=ONE_PER_EMAIL),
        ]
        indexes = [models.Index(fields=["meeting", "status"])]
        permissions = [
            ("view_diversity_answers", _("Can see individual diversity answers")),
            ("view_dashboard", _("Can see the registrations dashboard")),
            ("export_registrations", _("Can export registrations")),
            ("arrange_accessibility", _("Can see who needs which accessibility service, to arrange it")),
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_reachable(self) -> bool:
        """The instance's side of `RegistrationQuerySet.reachable`: active and not erased."""
        return self.status == self.Status.ACTIVE and self.anonymised_at is None

    @property
    def full_name(self):
        return " ".join(part for part in (self.honorific, self.first_name, self.last_name) if part)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def email_language(self) -> str:
        """The language its emails are written in: its own, or the site's default when it has none."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def accessibility_needs(self):
        needs = [
            str(field.verbose_name)
            for field in (
                self._meta.get_field(name) for name in ("needs_captions", "needs_sign_language", "needs_screen_reader")
            )
            if getattr(self, field.name)
        ]
        if self.accessibility_other:
            needs.append(self.accessibility_other)
        return needs


# Special-category answers (gender identity, age, disability, migrant or diaspora status, youth) and accessibility
# needs: seen person by person only with the registration.view_diversity_answers permission, and never usable to
# select, sort or count people without it (docs/security.md).
DIVERSITY_FIELDS = ("gender", "gender_self_description", "age_group", "disability", "migrant_or_diaspora", "youth")
ACCESSIBILITY_FIELDS = ("needs_captions", "needs_sign_language", "needs_screen_reader", "accessibility_other")
PROTECTED_ANSWER_FIELDS = DIVERSITY_FIELDS + ACCESSIBILITY_FIELDS
# Guarded like the answers: the consent time is set exactly when a protected question is answered.
PROTECTED_FIELDS = (*PROTECTED_ANSWER_FIELDS, "diversity_consent_at")
# Values that answer nothing: a participant who gives only these needs no consent for them.
NOT_ANSWERED = ("", False, None, YesNoPrivate.PREFER_NOT)


def protected_answers_given(values) -> bool:
    """Whether any diversity or accessibility question is answered; `values` maps field names to values."""
    return any(values.get(name) not in NOT_ANSWERED for name in PROTECTED_ANSWER_FIELDS)
