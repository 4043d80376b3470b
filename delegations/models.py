"""Delegations: the States and organisations the site knows, their focal points, and each meeting's delegations.

Who is who, for anyone reading these rows (the list of participants, the dashboard):
- `Entity` is a Member State or an organisation, named once for the whole site; its focal points serve
  every meeting until replaced.
- `Delegation` is that State's or organisation's delegation to one meeting, with its credentials and status.
- `Member` is one person on a delegation: their `role` (head of delegation, alternate, adviser, member; at most
  one head per delegation, a database constraint) and their `registration`, which holds who they are and is
  the same row every list of participants already reads.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Meeting
from registration.countries import country_field_choices, country_name
from registration.models import Registration


class Entity(models.Model):
    """A Member State or an organisation that sends delegations to the site's meetings."""

    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", _("Member State")
        ORGANISATION = "organisation", _("Organisation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEMBER_STATE)
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=country_field_choices,
        help_text=_("The Member State itself, or the country where the organisation is based."),
    )
    name = models.CharField(
        _("organisation's name"), max_length=200, blank=True, help_text=_("Only for an organisation.")
    )
    category = models.CharField(
        _("stakeholder category"),
        max_length=30,
        choices=Registration.Category.choices,
        default=Registration.Category.MEMBER_STATE,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["kind", "country", "name"]
        verbose_name = _("State or organisation")
        verbose_name_plural = _("States and organisations")
        constraints = [
            models.UniqueConstraint(
                "country", condition=models.Q(kind="member_state"), name="one_entity_per_member_state"
            ),
            models.UniqueConstraint(Lower("name"), condition=models.Q(kind="organisation"), name="one_entity_per_name"),
            models.CheckConstraint(
                condition=models.Q(kind="member_state", name="", category="member_state")
                | (models.Q(kind="organisation") & ~models.Q(name="") & ~models.Q(category="member_state")),
                name="entity_state_has_no_name_organisation_has_one",
            ),
        ]

    def __str__(self):
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        """The State's UN name in `language` (the active one by default), or the organisation's own name."""
        if self.kind == self.Kind.MEMBER_STATE:
            return country_name(self.country, language)
        return self.name


class FocalPoint(models.Model):
    """Someone a State or organisation designated to nominate its delegations; signs in by one-time links."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="focal_points", verbose_name=_("State or organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(
        _("language of correspondence"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick when the focal point is replaced: they can no longer sign in.")
    )
    invited_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["entity", "name"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.UniqueConstraint("entity", Lower("email"), name="one_focal_point_per_email_and_entity"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class SignInLink(models.Model):
    """A one-time sign-in link emailed to a focal point; only the SHA-256 of its token is kept."""

    VALID_FOR = datetime.timedelta(minutes=20)

    focal_point = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(_("token's SHA-256"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self):
        return f"{self.focal_point} {self.created_at:%Y-%m-%d %H:%M}"


class MemberCap(models.Model):
    """How many members a delegation of a category may have at a meeting (for example two per NGO)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="member_caps")
    category = models.CharField(_("stakeholder category"), max_length=30, choices=Registration.Category.choices)
    max_members = models.PositiveSmallIntegerField(_("members per delegation"))

    class Meta:
        ordering = ["meeting", "category"]
        verbose_name = _("cap of members per delegation")
        verbose_name_plural = _("caps of members per delegation")
        constraints = [models.UniqueConstraint("meeting", "category", name="one_member_cap_per_category")]

    def __str__(self):
        return f"{self.get_category_display()}: {self.max_members}"


class Delegation(models.Model):
    """A State's or an organisation's delegation to one meeting: its members, credentials and review."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        CREDENTIALS_VERIFIED = "verified", _("Credentials verified")
        CONFIRMED = "confirmed", _("Confirmed")
        CHANGES_PENDING = "changes_pending", _("Changes pending")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="delegations")
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("State or organisation")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    deadline = models.DateTimeField(
        _("nominations close at"),
        null=True,
        blank=True,
        help_text=_("Empty: the meeting's registration deadline. Set a later time to extend it for this delegation."),
    )
    credentials_file = models.CharField(_("credentials file"), max_length=200, blank=True, editable=False)
    credentials_name = models.CharField(_("credentials' file name"), max_length=200, blank=True, editable=False)
    credentials_uploaded_at = models.DateTimeField(_("credentials uploaded at"), null=True, blank=True)
    credentials_verified_at = models.DateTimeField(_("credentials verified at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("last confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "entity"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [models.UniqueConstraint("meeting", "entity", name="one_delegation_per_entity_and_meeting")]
        permissions = [("review_delegations", _("Can verify credentials and confirm delegations"))]

    def __str__(self):
        return f"{self.entity} – {self.meeting.short_name}"

    def closes_at(self) -> datetime.datetime:
        return self.deadline or self.meeting.registration_closes_at

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.closes_at()


class Member(models.Model):
    """One person on a delegation, with their role; who they are is their registration's."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        ALTERNATE = "alternate", _("Alternate")
        ADVISER = "adviser", _("Adviser")
        MEMBER = "member", _("Member")

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="delegation_member", verbose_name=_("registration")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    nominated_at = models.DateTimeField(_("nominated at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["delegation", "nominated_at", "pk"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        constraints = [
            models.UniqueConstraint(
                "delegation",
                condition=models.Q(role="head", withdrawn_at__isnull=True),
                name="one_head_per_delegation",
            ),
        ]

    def __str__(self):
        return f"{self.registration} ({self.get_role_display()})"

    @property
    def is_head(self) -> bool:
        return self.role == self.Role.HEAD
