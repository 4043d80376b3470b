"""The outbox in the admin: emails shown with every manage link's token hidden, and failed ones retried."""

from django.contrib import admin, messages
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agenda.admin_scope import MeetingScopedAdminMixin
from registration.access import ProtectedAnswersAdminMixin, can_see_diversity
from registration.admin.filters import EstimatedCountPaginator
from registration.mail import requeue
from registration.models import OutgoingEmail
from registration.secret_links import secret_links_redact

# A confirmation is rendered by the worker as it sends it (`outbox.email_queue_rendered_later`).
NOT_YET_RENDERED = _("Written when it is sent.")


class SecretLinksHidden:
    """An email's texts as the admin shows them: with the token of every manage link hidden.

    An organiser reading a participant's email must not be able to act as that participant;
    organisers resend the link to the participant instead (the registrations' actions).
    """

    @admin.display(description=_("subject"))
    def subject_shown(self, email):
        if not email.body_text:
            return NOT_YET_RENDERED
        # A reminder's subject may hold {manage_link}.
        return secret_links_redact(text=email.subject)

    @admin.display(description=_("plain text"))
    def body_text_shown(self, email):
        if not email.body_text:
            return NOT_YET_RENDERED
        return secret_links_redact(text=email.body_text)

    @admin.display(description=_("last error"))
    def last_error_shown(self, email):
        # A mail server's refusal may quote the message.
        return secret_links_redact(text=email.last_error)


class OutgoingEmailInline(SecretLinksHidden, admin.TabularInline):
    model = OutgoingEmail
    fields = ("created_at", "kind", "subject_shown", "status", "attempts", "sent_at", "last_error_shown")
    readonly_fields = fields
    ordering = ("-created_at",)
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("emails sent to this participant")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutgoingEmailAdmin(MeetingScopedAdminMixin, ProtectedAnswersAdminMixin, SecretLinksHidden, admin.ModelAdmin):
    list_display = ("created_at", "kind", "to_email", "subject_shown", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "created_at", "registration__meeting")
    # Every email the site writes is about one registration, so its meeting is the registration's.
    meeting_lookup = "registration__meeting"
    # Not the subject or the texts: a search for part of a token would tell which email holds it,
    # and so the token itself, a character at a time.
    search_fields = ("to_email",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = (
        "registration",
        "reminder",
        "kind",
        "to_email",
        "subject_shown",
        "status",
        "attempts",
        "last_error_shown",
        "message_id",
        "created_at",
        "sending_started_at",
        "sent_at",
        "attach_calendar",
        "body_text_shown",
    )
    readonly_fields = fields
    actions = ("retry_failed",)
    TEXT_FIELDS = frozenset({"subject", "body_text", "body_html", "last_error"})

    def lookup_allowed(self, lookup, value, request):
        # The same guess-a-character oracle through the URL (?body_text__contains=/manage/a).
        if lookup.split(LOOKUP_SEP)[0] in self.TEXT_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def get_fields(self, request, obj=None):
        # Confirmations and changes list the participant's accessibility needs.
        if can_see_diversity(request.user):
            return self.fields
        return tuple(name for name in self.fields if name != "body_text_shown")

    @admin.action(description=_("Retry the selected failed emails"), permissions=["change"])
    def retry_failed(self, request, queryset):
        queued = requeue.email_retry_failed(emails=queryset)
        self.message_user(
            request,
            ngettext("%(count)d failed email queued again.", "%(count)d failed emails queued again.", queued)
            % {"count": queued},
            messages.SUCCESS,
        )
