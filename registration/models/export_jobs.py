"""A job too large for a request (an export, an attendance import): the row that tracks it from queued to deleted."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One background export asked for by one user, with the query it was asked with (list filters, `meeting=<id>`)."""

    class Kind(models.TextChoices):
        REGISTRATIONS = "registrations", _("Registrations")
        SPEAKERS = "speakers", _("Speakers' list")
        CHAIR_LIST = "chair_list", _("Speakers' list for the chair")
        PARTICIPATION = "participation", _("Participation report")
        ACCESSIBILITY = "accessibility", _("Accessibility needs")
        LIST_OF_PARTICIPANTS = "participants_list", _("List of participants")
        # Not an export: an attendance report too large to import within a request, read by the worker.
        ATTENDANCE_IMPORT = "attendance_import", _("Attendance report imported")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        # Its user could no longer see what it would hold when it came to be built or downloaded.
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=10)
    query = models.TextField(_("query"), blank=True, help_text=_("The list's filters as the address carried them."))
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(_("file name"), max_length=200, help_text=_("As the download offers it."))
    stored_name = models.CharField(_("stored as"), max_length=100, unique=True, editable=False)
    # What the file holds, written when it is built and asked again before it is downloaded: an
    # organiser taken off one of these meetings' teams, or no longer allowed the protected answers, gets nothing.
    meeting_ids = models.JSONField(
        _("meetings"), default=list, blank=True, help_text=_("The meetings whose rows the file holds.")
    )
    with_protected_answers = models.BooleanField(
        _("with protected answers"),
        default=False,
        help_text=_("Whether the file was built by someone allowed the diversity and accessibility answers."),
    )
    result = models.JSONField(
        _("result"), default=dict, blank=True, help_text=_("What a job that imports found, to show on its page.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(condition=models.Q(written__lte=models.F("total")), name="export_written_le_total"),
        ]

    def __str__(self):
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
