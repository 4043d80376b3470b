"""The organisers' pages for messages: write one, preview it per language, test it on oneself, confirm and send."""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin

from agenda.admin_scope import MeetingScopedAdminMixin
from registration.countries import country_field_choices
from registration.models import Registration

from .models import Mailing
from .selectors import mailing_has_text, mailing_language_gaps, mailing_progress, mailing_recipients, mailing_sample
from .services import mailing_render, mailing_send, mailing_send_refusal, mailing_test_send

logger = logging.getLogger(__name__)


class MailingForm(forms.ModelForm):
    statuses = forms.MultipleChoiceField(
        label=_("Registration status"),
        choices=Registration.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty for registered participants only."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Stakeholder categories"),
        choices=Registration.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty for every category."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        # The registration form's own list (UN names in the organiser's language), which is what registrations store.
        # The site's own list (UN names, "Other"), the one the registrations' country is chosen from.
        choices=country_field_choices,
        required=False,
        help_text=_("Leave empty for every country."),
    )

    class Meta:
        model = Mailing
        fields = (
            "meeting",
            "subject",
            "body",
            "audience",
            "statuses",
            "categories",
            "countries",
            "listening_languages",
            "speakers",
            "attach_certificates",
        )
        widgets = {"listening_languages": forms.CheckboxSelectMultiple}


@admin.register(Mailing)
class MailingAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    form = MailingForm
    list_display = ("subject", "meeting", "audience", "status", "recipients_count", "sent_at")
    list_filter = ("meeting", "status", "audience")
    search_fields = ("subject",)
    filter_horizontal = ()
    change_form_template = "admin/mailings/mailing/change_form.html"
    fieldsets = (
        (None, {"fields": ("meeting", "subject", "body")}),
        (
            _("Recipients"),
            {
                "fields": (
                    "audience",
                    "statuses",
                    "categories",
                    "countries",
                    "listening_languages",
                    "speakers",
                    "attach_certificates",
                )
            },
        ),
    )
    sent_fields = ("status", "recipients_count", "sent_by", "sent_at", "progress", "created_by", "created_at")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status != Mailing.Status.DRAFT:
            return (*fieldsets, (_("Sending"), {"fields": self.sent_fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Mailing.Status.DRAFT:
            # A message sent stays readable as it went; nothing of it changes any more.
            return [field.name for field in Mailing._meta.get_fields() if field.concrete] + ["progress"]
        return ()

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Mailing.Status.DRAFT)

    @admin.display(description=_("progress"))
    def progress(self, mailing):
        counts = mailing_progress(mailing=mailing)
        if not counts:
            return _("The emails are being written.")
        sent = counts.get("sent", 0)
        waiting = counts.get("queued", 0) + counts.get("sending", 0)
        return _("%(sent)d sent, %(waiting)d waiting, %(failed)d failed, %(skipped)d not sent (no longer relevant)") % {
            "sent": sent,
            "waiting": waiting,
            "failed": counts.get("failed", 0),
            "skipped": counts.get("skipped", 0),
        }

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # After writing comes the preview, never a send without it.
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            return HttpResponseRedirect(reverse("admin:mailings_mailing_preview", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_continue" not in request.POST and obj.status == Mailing.Status.DRAFT:
            return HttpResponseRedirect(reverse("admin:mailings_mailing_preview", args=[obj.pk]))
        return super().response_change(request, obj)

    # The preview, the test and the confirmation

    def _mailing(self, request, mailing_id, *, change=False) -> Mailing:
        # Through get_queryset: another team's message answers as one that does not exist.
        mailing = self.get_object(request, mailing_id)
        if mailing is None:
            raise Http404(_("No such message."))
        allowed = self.has_change_permission(request, mailing) if change else self.has_view_permission(request, mailing)
        if not allowed:
            raise PermissionDenied
        return mailing

    def _context(self, request, mailing, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": mailing,
            "mailing": mailing,
            "title": title,
            "can_send": mailing.status == Mailing.Status.DRAFT and self.has_change_permission(request, mailing),
        }

    def preview_view(self, request, mailing_id):
        mailing = self._mailing(request, mailing_id)
        previews = []
        for code, name in settings.LANGUAGES:
            sample = mailing_sample(mailing=mailing, language=code)
            if sample is None:
                break
            previews.append(
                {
                    "code": code,
                    "name": _(name),
                    "has_text": mailing_has_text(mailing=mailing, language=code),
                    "sample": sample,
                    "rendered": mailing_render(mailing=mailing, registration=sample, language=code),
                }
            )
        context = {
            **self._context(request, mailing, _("Preview: %(subject)s") % {"subject": mailing.subject}),
            "previews": previews,
            "languages": settings.LANGUAGES,
            "user_email": request.user.email,
        }
        return TemplateResponse(request, "admin/mailings/mailing/preview.html", context)

    def test_view(self, request, mailing_id):
        mailing = self._mailing(request, mailing_id, change=True)
        language = request.POST.get("language", "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        sample = mailing_sample(mailing=mailing, language=language)
        if sample is None:
            self.message_user(
                request, _("No registrant matches this message, so there is nothing to test."), messages.ERROR
            )
        else:
            try:
                address = mailing_test_send(mailing=mailing, user=request.user, registration=sample, language=language)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            except Exception:  # a mail server's refusal is told to the organiser, not a 500
                logger.exception("message test failed", extra={"mailing_id": mailing.pk})
                self.message_user(request, _("The test could not be sent; the mail server refused it."), messages.ERROR)
            else:
                self.message_user(request, _("A test was sent to %(email)s.") % {"email": address}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:mailings_mailing_preview", args=[mailing.pk]))

    def confirm_view(self, request, mailing_id):
        mailing = self._mailing(request, mailing_id, change=request.method == "POST")
        if request.method == "POST":
            try:
                sent = mailing_send(mailing=mailing, user=request.user)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
                return HttpResponseRedirect(reverse("admin:mailings_mailing_confirm", args=[mailing.pk]))
            mailing.refresh_from_db()
            if sent:
                self.message_user(
                    request,
                    ngettext(
                        "The message is being sent to %(count)d registrant.",
                        "The message is being sent to %(count)d registrants.",
                        mailing.recipients_count,
                    )
                    % {"count": mailing.recipients_count},
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, _("This message was sent already; it was not sent again."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:mailings_mailing_change", args=[mailing.pk]))
        context = {
            **self._context(request, mailing, _("Send: %(subject)s") % {"subject": mailing.subject}),
            "count": mailing_recipients(mailing=mailing).count(),
            "gaps": mailing_language_gaps(mailing=mailing),
            "refusal": mailing_send_refusal(mailing=mailing, now=timezone.now()),
        }
        return TemplateResponse(request, "admin/mailings/mailing/confirm.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:mailing_id>/preview/", view(self.preview_view), name="mailings_mailing_preview"),
            path("<path:mailing_id>/test/", view(require_POST(self.test_view)), name="mailings_mailing_test"),
            path("<path:mailing_id>/confirm/", view(self.confirm_view), name="mailings_mailing_confirm"),
            *super().get_urls(),
        ]
