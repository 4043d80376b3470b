"""The meeting as its concept note describes it: schedule, IMRF sessions, roundtables, objectives."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("“%(value)s” is not an IANA time zone name."), params={"value": value}) from exc


# First path segments the site uses itself (imrf_event/urls.py, agenda/urls.py, registration/urls.py,
# static files) or may soon: a meeting with one of these slugs would be hidden behind that path.
# "meeting.ics" needs no entry: a slug cannot hold a dot.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "agenda",
        "api",
        "concept-note",
        "focal-point",
        "healthz",
        "i18n",
        "media",
        "meetings",
        "past",
        "register",
        "static",
    }
)


def validate_meeting_slug(value):
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is a path the site uses itself; please choose another slug."), params={"value": value}
        )


class InterpretationLanguage(models.Model):
    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("interpretation language")
        verbose_name_plural = _("interpretation languages")

    def __str__(self):
        return self.name


class Meeting(models.Model):
    class Format(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    slug = models.SlugField(
        _("slug"),
        unique=True,
        validators=[validate_meeting_slug],
        help_text=_("The meeting's address on the site: /slug/. Not a path the site uses itself, such as “admin”."),
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    short_name = models.CharField(
        _("short name"), max_length=40, help_text=_("Prefixes email subjects, e.g. “IMRF 100 days”.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Paris",
        validators=[validate_time_zone],
        help_text=_("IANA name; times are shown in this zone (Europe/Paris gives CET in winter)."),
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.VIRTUAL)
    format_description = models.TextField(_("format description"), blank=True)
    platform = models.CharField(_("platform"), max_length=200, blank=True)
    registration_deadline = models.DateField(
        _("registration deadline"), help_text=_("Registration stays open until the end of this day.")
    )
    contact_email = models.EmailField(_("contact address"))
    requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=False,
        help_text=_("When on, new registrations wait as pending until an organiser approves or declines them."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_(
            "Places for the whole meeting, individual registrations and delegates together (for example the video "
            "platform's number of links). Empty: no limit. Past it, people join a waiting list."
        ),
    )
    place_offer_days = models.PositiveSmallIntegerField(
        _("days to take up an offered place"),
        default=3,
        help_text=_("When a place frees, the next on the waiting list is offered it for this many days."),
    )
    # Codes of `StakeholderCategory`; a list rather than a table of rows, as the meeting's other settings are.
    focal_point_categories = models.JSONField(
        _("categories registered by focal points only"),
        default=list,
        blank=True,
        help_text=_(
            "Participants of these categories (for example Member State governments) are nominated by their focal "
            "point: the public form sends them to it and does not register them."
        ),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    topics_intro = models.TextField(_("topics introduction"), blank=True)
    opportunities_intro = models.TextField(_("opportunities introduction"), blank=True)
    audience = models.TextField(_("who should attend"), blank=True)
    organisers = models.TextField(_("organised by"), blank=True)
    registration_note = models.TextField(_("registration note"), blank=True)
    interventions_note = models.TextField(_("note on interventions"), blank=True)
    diversity_note = models.TextField(_("note on gender and diversity"), blank=True)
    interpretation_note = models.TextField(_("note on interpretation"), blank=True)
    interpretation_languages = models.ManyToManyField(
        InterpretationLanguage, verbose_name=_("interpretation languages"), blank=True
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published meetings are on the public site; a draft is seen in the admin only."),
    )
    asks_diversity = models.BooleanField(
        _("asks the gender and diversity questions"), default=True, help_text=_("Optional section of the form.")
    )
    asks_accessibility = models.BooleanField(
        _("asks about accessibility needs"), default=True, help_text=_("Optional section of the form.")
    )
    asks_to_take_the_floor = models.BooleanField(
        _("offers to take the floor"), default=True, help_text=_("Optional section of the form.")
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisers' team"),
        blank=True,
        related_name="meetings",
        help_text=_(
            "Organisers and viewers who work on this meeting and see its registrations. "
            "Superusers work on every meeting."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(RESERVED_SLUGS)), name="meeting_slug_not_reserved"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def registration_closes_at(self):
        """End of the deadline day in the meeting's zone: “register by 25 January” includes the 25th."""
        next_day = self.registration_deadline + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time.min, tzinfo=self.tzinfo)

    def is_registration_open(self, now=None):
        return (now or timezone.now()) < self.registration_closes_at

    def format_text(self) -> str:
        """The format said once: a platform named "Virtual web-conferencing platform" already says virtual."""
        format_name = str(self.get_format_display())
        if not self.platform:
            return format_name
        if format_name.lower() in self.platform.lower():
            return self.platform
        return pgettext("a meeting's format and its platform", "%(format)s (%(platform)s)") % {
            "format": format_name,
            "platform": self.platform,
        }

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


class MeetingTopic(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic the meeting covers")
        OPPORTUNITY = "opportunity", _("Opportunity for Member States")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        # Descending, so the topics come before the opportunities, as in the concept note.
        ordering = ["-kind", "position"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.text[:80]


class KeyDate(models.Model):
    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month (by the end of it)")
        BEFORE = "before", _("Before this day (the day itself is too late)")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="key_dates")
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    precision = models.CharField(_("precision"), max_length=10, choices=Precision.choices, default=Precision.DAY)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["date", "title"]
        verbose_name = _("key date")
        verbose_name_plural = _("key dates")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def clean(self):
        if self.end_date and self.end_date < self.date:
            raise ValidationError({"end_date": _("The end date cannot be before the date.")})


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, help_text=_("Empty for a single moment."))
    title = models.TextField(_("activity"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_at", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title[:80]

    @property
    def anchor(self):
        return f"item-{self.pk}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An item must end after it starts.")})


class Speaker(models.Model):
    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="speakers")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    honorific = models.CharField(_("honorific"), max_length=30, blank=True, help_text=_("For example H.E."))
    name = models.CharField(pgettext_lazy("of a person", "name"), max_length=200)
    job_title = models.CharField(
        pgettext_lazy("job", "position"), max_length=300, blank=True, help_text=_("The speaker's position or title.")
    )
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.credit

    @property
    def full_name(self):
        return f"{self.honorific} {self.name}".strip()

    @property
    def credit(self):
        """The speaker as the concept note writes it: “Organisation, Position, H.E. Name”."""
        parts = [self.organisation, self.job_title, self.full_name]
        # Titles such as “IOM Regional Director Vienna” already name the organisation (“Directrice
        # régionale de l'OIM à Vienne” does too, further in).
        if self.organisation and self.organisation in self.job_title:
            parts.pop(0)
        return ", ".join(part for part in parts if part)


class GcmObjective(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.TextField(_("title"))
    short_label = models.CharField(_("short label"), max_length=100, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("GCM objective")
        verbose_name_plural = _("GCM objectives")

    def __str__(self):
        return f"{self.number}. {self.title}"


class ImrfSession(models.Model):
    """A half-day of the IMRF intergovernmental sessions (Annex 1 of the concept note)."""

    class Period(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="imrf_sessions")
    date = models.DateField(_("date"))
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    title = models.CharField(_("title"), max_length=200, help_text=_("For example Round tables, Plenary."))
    facilitator = models.CharField(_("facilitated by"), max_length=200, blank=True)

    class Meta:
        # Descending, because "morning" sorts after "afternoon" alphabetically.
        ordering = ["date", "-period"]
        verbose_name = _("IMRF session")
        verbose_name_plural = _("IMRF sessions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "date", "period"], name="one_imrf_session_per_half_day")
        ]

    def __str__(self):
        return f"{self.date:%d %B} {self.get_period_display()}: {self.title}"


class ImrfSessionPoint(models.Model):
    session = models.ForeignKey(ImrfSession, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    sub_points = models.TextField(_("numbered sub-points"), blank=True, help_text=_("One per line."))

    class Meta:
        ordering = ["position"]
        verbose_name = _("session point")
        verbose_name_plural = _("session points")

    def __str__(self):
        return self.text[:80]

    @property
    def sub_point_list(self):
        return [line.strip() for line in self.sub_points.splitlines() if line.strip()]


class Roundtable(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roundtables")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, help_text=_("For example Roundtable one."))
    un_agencies = models.CharField(_("co-leading UN agencies"), max_length=200)
    objectives = models.ManyToManyField(GcmObjective, verbose_name=_("GCM objectives"), related_name="roundtables")

    class Meta:
        ordering = ["number"]
        verbose_name = _("roundtable")
        verbose_name_plural = _("roundtables")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="unique_roundtable_number")]

    def __str__(self):
        return self.name
