"""Admin for the meeting and its agenda: schedule, speakers, IMRF sessions, roundtables, objectives, languages,
and the concept note's sections, footnotes and links.

Texts shown to participants are entered per language (agenda/translation.py): each appears once per
language, e.g. “title [en]” and “title [fr]”; one left empty shows the English text on the site.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from agenda import services
from agenda.admin_scope import MeetingScopedAdminMixin
from agenda.admin_time import meeting_time
from agenda.copying import meeting_copy
from agenda.models import (
    AgendaItem,
    GcmObjective,
    ImrfSession,
    ImrfSessionPoint,
    InterpretationLanguage,
    KeyDate,
    Meeting,
    MeetingTopic,
    NoteFootnote,
    NoteLink,
    NoteParagraph,
    NoteSection,
    Roundtable,
    Speaker,
    StakeholderCategory,
    validate_meeting_slug,
)
from agenda.team_autocomplete import team_candidates


@admin.register(InterpretationLanguage)
class InterpretationLanguageAdmin(TranslationAdmin):
    list_display = ("name", "code", "position")
    list_editable = ("position",)
    ordering = ("position", "name")
    search_fields = ("name", "code")


class MeetingTopicInline(TranslationStackedInline):
    model = MeetingTopic
    fields = ("kind", "position", "text")
    ordering = ("kind", "position")
    extra = 0


class KeyDateInline(TranslationStackedInline):
    model = KeyDate
    fields = ("date", "end_date", "precision", "title", "description")
    ordering = ("date", "title")
    extra = 0


class NoteFootnoteInline(TranslationStackedInline):
    model = NoteFootnote
    fields = ("number", "text")
    ordering = ("number",)
    extra = 0


class MeetingCopyForm(forms.Form):
    slug = forms.SlugField(
        label=_("Slug of the new meeting"),
        max_length=50,
        help_text=_("Its address: /slug/."),
        validators=[validate_meeting_slug],
    )
    title = forms.CharField(
        label=_("Title of the new meeting"), max_length=200, help_text=_("Translate it on the new meeting's page.")
    )
    starts_on = forms.DateField(
        label=_("Day the new meeting starts"),
        widget=AdminDateWidget,
        help_text=_("Every date of the agenda moves by as many days; times of day stay as they are."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Meeting.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another meeting already has this slug."))
        return slug


@admin.register(Meeting)
class MeetingAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    meeting_lookup = "pk"
    actions = ("copy_meeting", "publish", "unpublish")
    list_display = ("title", "starts", "registration_deadline", "is_published", "requires_approval")
    list_filter = ("is_published", "format", "requires_approval")
    search_fields = ("title", "short_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}
    # Found by search among staff (agenda/team_autocomplete.py), not a list of every user of the site.
    autocomplete_fields = ("team",)
    readonly_fields = ("updated_at",)
    inlines = (MeetingTopicInline, KeyDateInline, NoteFootnoteInline)
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "short_name", "slug", "is_published")}),
        (_("When and where"), {"fields": ("starts_at", "ends_at", "time_zone", "format", "format_description")}),
        (_("Joining"), {"fields": ("platform",)}),
        (
            _("Registration"),
            {
                "fields": (
                    "registration_deadline",
                    "requires_approval",
                    "capacity",
                    "place_offer_days",
                    "focal_point_categories",
                    "asks_diversity",
                    "asks_accessibility",
                    "asks_to_take_the_floor",
                    "contact_email",
                    "registration_note",
                )
            },
        ),
        (_("Organisers' team"), {"fields": ("team",)}),
        (_("Interpretation"), {"fields": ("interpretation_languages", "interpretation_note")}),
        (
            _("Concept note"),
            {
                "fields": (
                    "introduction",
                    "purpose",
                    "topics_intro",
                    "opportunities_intro",
                    "audience",
                    "organisers",
                    "interventions_note",
                    "diversity_note",
                )
            },
        ),
        (_("Record"), {"fields": ("updated_at",)}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "focal_point_categories":
            # Ticked from the list, so only a category the form offers can be stored.
            return forms.TypedMultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                choices=StakeholderCategory.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "team":
            # A forged POST naming a participant's or a former colleague's account is refused.
            kwargs["queryset"] = team_candidates()
        elif db_field.name == "interpretation_languages":
            # Plain checkboxes for the five or so languages: the two-list widget's script writes ARIA that axe refuses.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("starts at (meeting time)"), ordering="starts_at")
    def starts(self, meeting):
        return meeting_time(meeting.starts_at, meeting)

    def get_readonly_fields(self, request, obj=None):
        # Who works on a meeting is a superuser's choice: the team sees its registrations' personal data.
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "team_names")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (title, {**options, "fields": ["team_names" if name == "team" else name for name in options["fields"]]})
            for title, options in fieldsets
        ]

    @admin.display(description=_("organisers' team"))
    def team_names(self, meeting):
        names = [user.get_full_name() or user.get_username() for user in meeting.team.order_by("username")]
        return ", ".join(names) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Whoever creates a meeting works on it; without this an organiser's new meeting would vanish from their lists.
        if not change and not request.user.is_superuser:
            form.instance.team.add(request.user)

    @admin.action(description=_("Copy the selected meeting as a draft for the next one"), permissions=["add"])
    def copy_meeting(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one meeting to copy."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:agenda_meeting_copy", args=[queryset.get().pk]))

    def _publish(self, request, queryset, *, published, done):
        changed = sum(services.meeting_publish(meeting=meeting, published=published) for meeting in queryset)
        self.message_user(request, done(changed) % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected meetings on the public site"), permissions=["change"])
    def publish(self, request, queryset):
        self._publish(
            request,
            queryset,
            published=True,
            done=lambda n: ngettext("%(count)d meeting published.", "%(count)d meetings published.", n),
        )

    @admin.action(description=_("Take the selected meetings off the public site (drafts)"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._publish(
            request,
            queryset,
            published=False,
            done=lambda n: ngettext(
                "%(count)d meeting made a draft again.", "%(count)d meetings made drafts again.", n
            ),
        )

    def copy_view(self, request, object_id):
        """The copy's slug, title and first day asked for, then `meeting_copy`; only a meeting the user works on."""
        meeting = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MeetingCopyForm(
            request.POST or None,
            initial={"slug": f"{meeting.slug}-copy"[:50], "title": meeting.title},
        )
        if request.method == "POST" and form.is_valid():
            copy = meeting_copy(meeting=meeting, **form.cleaned_data)
            self.log_addition(request, copy, [{"added": {}}])
            self.message_user(
                request,
                _("“%(title)s” is copied as a draft: check it, then publish it.") % {"title": copy.title},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:agenda_meeting_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy “%(title)s”") % {"title": meeting.title},
            "opts": self.opts,
            "original": meeting,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/agenda/meeting/copy.html", context)

    def get_urls(self):
        return [
            path("<int:object_id>/copy/", self.admin_site.admin_view(self.copy_view), name="agenda_meeting_copy"),
            *super().get_urls(),
        ]


class SpeakerInline(TranslationTabularInline):
    model = Speaker
    fields = ("position", "role", "honorific", "name", "job_title", "organisation")
    ordering = ("position",)
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    list_display = ("starts", "ends", "short_title", "meeting")
    list_display_links = ("starts", "short_title")
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    search_fields = ("title", "speakers__name")
    ordering = ("meeting", "starts_at", "position")
    inlines = (SpeakerInline,)

    @admin.display(description=_("starts at (meeting time)"), ordering="starts_at")
    def starts(self, item):
        return meeting_time(item.starts_at, item.meeting)

    @admin.display(description=_("ends at (meeting time)"), ordering="ends_at")
    def ends(self, item):
        return meeting_time(item.ends_at, item.meeting)

    @admin.display(description=_("activity"), ordering="title")
    def short_title(self, item):
        return str(item)


class ImrfSessionPointInline(TranslationStackedInline):
    model = ImrfSessionPoint
    fields = ("position", "text", "sub_points")
    ordering = ("position",)
    extra = 0


@admin.register(ImrfSession)
class ImrfSessionAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    list_display = ("date", "period", "title", "facilitator", "meeting")
    list_filter = ("meeting", "period")
    list_select_related = ("meeting",)
    ordering = ("meeting", "date", "-period")
    inlines = (ImrfSessionPointInline,)


@admin.register(Roundtable)
class RoundtableAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    list_display = ("number", "name", "un_agencies", "meeting")
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    ordering = ("meeting", "number")
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


@admin.register(GcmObjective)
class GcmObjectiveAdmin(TranslationAdmin):
    list_display = ("number", "short_label", "title")
    list_display_links = ("number", "short_label")
    search_fields = ("title", "short_label")
    ordering = ("number",)


class NoteParagraphInline(TranslationStackedInline):
    model = NoteParagraph
    fields = ("position", "kind", "text")
    ordering = ("position",)
    extra = 0


@admin.register(NoteSection)
class NoteSectionAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    list_display = ("position", "heading", "meeting")
    list_display_links = ("position", "heading")
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    ordering = ("meeting", "position")
    inlines = (NoteParagraphInline,)


@admin.register(NoteLink)
class NoteLinkAdmin(MeetingScopedAdminMixin, admin.ModelAdmin):
    """Every address the note's texts name, on one list, so organisers can fill them in one go."""

    list_display = ("key", "url", "meeting")
    list_editable = ("url",)
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    search_fields = ("key", "url")
    ordering = ("meeting", "key")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
