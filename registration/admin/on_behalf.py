"""The registration's admin page acting on the participant's behalf: add, cancel, restore, decline, resend the link.

Each button opens a short page asking for a note (the reason, for a decline) and calls its service
(`on_behalf`, `moderation`), which records who did it and when; the page lists those acts.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agenda.admin_time import meeting_time
from agenda.selectors import meetings_for_user
from registration import moderation, on_behalf
from registration.forms import RegistrationAdminForm
from registration.models import PROTECTED_ANSWER_FIELDS, Registration
from registration.sections import REGISTRATION_SECTIONS

LANGUAGE_LABEL = _("language of their emails")


class RegistrationOnBehalfForm(RegistrationAdminForm):
    """A registration an organiser adds: the admin form's rules, for the meeting chosen on the form."""

    privacy_notice_given = forms.BooleanField(
        label=_("The participant (or their office) has been given the privacy notice"),
        help_text=_("Their confirmation email links to it again."),
    )
    after_deadline = forms.BooleanField(
        label=_("Accept it after the registration deadline"),
        required=False,
        help_text=_("Participants can no longer register themselves once the deadline has passed."),
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who asked, for example “the Permanent Mission's email of 3 March”. Only organisers see it."),
    )

    def clean(self):
        meeting = self.cleaned_data.get("meeting")
        if meeting is None:
            # Nothing to check the answers against: the meeting's own error says what to do.
            return self.cleaned_data
        self.instance.meeting = meeting
        if not self.cleaned_data.get("after_deadline") and not meeting.is_registration_open():
            self.add_error(
                "after_deadline",
                _("The registration deadline of this meeting has passed: tick this box to register them all the same."),
            )
        language = self.cleaned_data.get("listening_language")
        if not on_behalf.listening_language_offered(meeting=meeting, language=language):
            self.add_error("listening_language", _("This meeting does not offer interpretation into this language."))
        return super().clean()


class ActForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


# The acts on one registration: the service, when it applies, and the page's wording.
ACTS = {
    "cancel": {
        "applies": lambda r: r.status in (Registration.Status.ACTIVE, Registration.Status.PENDING),
        "title": _("Cancel on the participant's behalf"),
        "explain": _("The participant is emailed that the registration is cancelled."),
        "note_label": _("note (who asked, and how)"),
        "done": _("The registration is cancelled and the participant is emailed."),
    },
    "restore": {
        "applies": lambda r: r.status == Registration.Status.CANCELLED,
        "title": _("Restore on the participant's behalf"),
        "explain": _("The registration becomes active again, even after the deadline, and the participant is emailed."),
        "note_label": _("note (who asked, and how)"),
        "done": _("The registration is restored and the participant is emailed."),
    },
    "decline": {
        "applies": lambda r: r.status == Registration.Status.PENDING,
        "title": _("Decline with a reason"),
        "explain": _(
            "The participant is emailed that the secretariat cannot confirm the registration, with your reason "
            "if you give one. Write it in the language of their emails."
        ),
        "note_label": _("reason (optional, sent to the participant)"),
        "done": _("The registration is declined and the participant is emailed."),
    },
    "resend": {
        "applies": lambda r: r.status in (Registration.Status.ACTIVE, Registration.Status.PENDING),
        "title": _("Resend their link"),
        "explain": _("Their personal link goes again to the registration's confirmed address."),
        "note_label": None,
        "done": _("Their link is on its way to the registration's address."),
    },
}


def _act_run(*, act: str, registration: Registration, actor, note: str) -> bool:
    if act == "cancel":
        return on_behalf.registration_cancel_on_behalf(registration=registration, actor=actor, note=note)
    if act == "restore":
        return on_behalf.registration_restore_on_behalf(registration=registration, actor=actor, note=note)
    if act == "decline":
        return moderation.registration_decline(registration=registration, actor=actor, reason=note)
    return on_behalf.registration_link_resend(registration=registration, actor=actor)


class OnBehalfAdminMixin:
    """For `RegistrationAdmin`: the add page and the acts on one registration, with their record."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and meetings_for_user(request.user).exists()

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = RegistrationOnBehalfForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The record's fields are the services' to write; a new registration has none yet.
        return super().get_readonly_fields(request, obj) if obj is not None else ()

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if obj is not None else ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            # The language of the emails is one of the site's, not free text.
            return forms.ChoiceField(label=LANGUAGE_LABEL, choices=settings.LANGUAGES, initial="en")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def add_fieldsets(self):
        hidden = {*PROTECTED_ANSWER_FIELDS, "listed_publicly"}
        sections = [
            (section.title, [n for n in section.fields if n not in hidden]) for section in REGISTRATION_SECTIONS
        ]
        return [
            (_("Meeting"), {"fields": ["meeting", "language"]}),
            *((title, {"fields": names}) for title, names in sections if names),
            (_("On the participant's behalf"), {"fields": ["privacy_notice_given", "after_deadline", "note"]}),
        ]

    def save_on_behalf(self, request, obj, form):
        data = form.registration_data()
        data.pop("language", None)
        created = on_behalf.registration_create_on_behalf(
            meeting=form.cleaned_data["meeting"],
            data=data,
            language=form.cleaned_data["language"],
            actor=request.user,
            after_deadline=form.cleaned_data["after_deadline"],
            note=form.cleaned_data["note"],
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.display(description=_("acts on the participant's behalf"))
    def acts(self, registration):
        events = registration.events.select_related("actor")[:50]
        lines = format_html_join(
            "",
            "<li>{} — {}: {}{}</li>",
            (
                (
                    meeting_time(event.at, registration.meeting),
                    event.actor.get_username() if event.actor else _("an account since deleted"),
                    event.get_act_display(),
                    format_html(" ({})", event.note) if event.note else "",
                )
                for event in events
            ),
        )
        return format_html("<ul>{}</ul>", lines) if lines else _("None yet.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        registration = self.get_object(request, object_id)
        acts = []
        if registration is not None and self.has_change_permission(request, registration):
            acts = [
                (reverse("admin:registration_registration_act", args=[registration.pk, name]), act["title"])
                for name, act in ACTS.items()
                if act["applies"](registration) and not registration.anonymised_at
            ]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "acts": acts})

    def act_view(self, request, object_id, act):
        if act not in ACTS:
            raise Http404
        registration = get_object_or_404(self.get_queryset(request).select_related("meeting"), pk=object_id)
        if not self.has_change_permission(request, registration):
            raise PermissionDenied
        spec = ACTS[act]
        change_url = reverse("admin:registration_registration_change", args=[registration.pk])
        form = ActForm(request.POST if request.method == "POST" else None)
        if spec["note_label"]:
            form.fields["note"].label = spec["note_label"]
        else:
            del form.fields["note"]
        if request.method == "POST" and form.is_valid():
            done = _act_run(
                act=act, registration=registration, actor=request.user, note=form.cleaned_data.get("note", "")
            )
            if done:
                self.log_change(request, registration, str(spec["title"]))
                self.message_user(request, spec["done"], messages.SUCCESS)
            else:
                self.message_user(
                    request, _("Nothing was done: the registration has changed meanwhile."), messages.WARNING
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": spec["title"],
            "explain": spec["explain"],
            "opts": self.opts,
            "original": registration,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/registration/registration/act.html", context)

    def decline_with_reason(self, request, queryset):
        """The list's decline action: a page for the reason first, then every pending one declined with it."""
        pending = queryset.filter(status=Registration.Status.PENDING).select_related("meeting")
        if "reason_given" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Decline the selected pending registrations"),
                "opts": self.opts,
                "registrations": pending,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "form": ActForm(),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            context["form"].fields["note"].label = ACTS["decline"]["note_label"]
            return TemplateResponse(request, "admin/registration/registration/decline_selected.html", context)
        form = ActForm(request.POST)
        reason = form.cleaned_data["note"] if form.is_valid() else ""
        self.decide_selected(
            request,
            queryset,
            lambda registration: moderation.registration_decline(
                registration=registration, actor=request.user, reason=reason
            ),
            "declined",
        )
        return None

    def decide_selected(self, request, queryset, decide, verb):
        selected = queryset.count()
        decided = 0
        for registration in queryset.filter(status=Registration.Status.PENDING).select_related("meeting"):
            if decide(registration):
                self.log_change(request, registration, [{"changed": {"fields": ["status"]}}])
                decided += 1
        if verb == "approved":
            message = ngettext("%(count)d approved and emailed.", "%(count)d approved and emailed.", decided)
        else:
            message = ngettext("%(count)d declined and emailed.", "%(count)d declined and emailed.", decided)
        self.message_user(request, message % {"count": decided}, messages.SUCCESS)
        if selected > decided:
            left = selected - decided
            self.message_user(
                request,
                ngettext(
                    "%(count)d was not pending and was left as it was.",
                    "%(count)d were not pending and were left as they were.",
                    left,
                )
                % {"count": left},
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/act/<str:act>/",
                self.admin_site.admin_view(self.act_view),
                name="registration_registration_act",
            ),
            *super().get_urls(),
        ]
