"""Admin for the meeting and its agenda: schedule, speakers, IMRF sessions, roundtables, objectives, languages,
and the concept note's sections, footnotes and links.

Texts shown to participants are entered per language (agenda/translation.py): each appears once per
language, e.g. “title [en]” and “title [fr]”; one left empty shows the English text on the site.
"""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .models import (
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
)


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


@admin.register(Meeting)
class MeetingAdmin(TranslationAdmin):
    list_display = ("title", "starts_at", "registration_deadline", "is_published", "requires_approval")
    list_filter = ("is_published", "format", "requires_approval")
    search_fields = ("title", "short_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}
    filter_horizontal = ("interpretation_languages", "team")
    readonly_fields = ("updated_at",)
    inlines = (MeetingTopicInline, KeyDateInline, NoteFootnoteInline)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "short_name", "slug", "is_published")}),
        (_("When and where"), {"fields": ("starts_at", "ends_at", "time_zone", "format", "format_description")}),
        (_("Joining"), {"fields": ("platform", "platform_url")}),
        (
            _("Registration"),
            {
                "fields": (
                    "registration_deadline",
                    "requires_approval",
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


class SpeakerInline(TranslationTabularInline):
    model = Speaker
    fields = ("position", "role", "honorific", "name", "job_title", "organisation")
    ordering = ("position",)
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(TranslationAdmin):
    list_display = ("starts_at", "ends_at", "short_title", "meeting")
    list_display_links = ("starts_at", "short_title")
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    search_fields = ("title", "speakers__name")
    ordering = ("meeting", "starts_at", "position")
    inlines = (SpeakerInline,)

    @admin.display(description=_("activity"), ordering="title")
    def short_title(self, item):
        return str(item)


class ImrfSessionPointInline(TranslationStackedInline):
    model = ImrfSessionPoint
    fields = ("position", "text", "sub_points")
    ordering = ("position",)
    extra = 0


@admin.register(ImrfSession)
class ImrfSessionAdmin(TranslationAdmin):
    list_display = ("date", "period", "title", "facilitator", "meeting")
    list_filter = ("meeting", "period")
    list_select_related = ("meeting",)
    ordering = ("meeting", "date", "-period")
    inlines = (ImrfSessionPointInline,)


@admin.register(Roundtable)
class RoundtableAdmin(TranslationAdmin):
    list_display = ("number", "name", "un_agencies", "meeting")
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    ordering = ("meeting", "number")
    filter_horizontal = ("objectives",)


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
class NoteSectionAdmin(TranslationAdmin):
    list_display = ("position", "heading", "meeting")
    list_display_links = ("position", "heading")
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    ordering = ("meeting", "position")
    inlines = (NoteParagraphInline,)


@admin.register(NoteLink)
class NoteLinkAdmin(admin.ModelAdmin):
    """Every address the note's texts name, on one list, so organisers can fill them in one go."""

    list_display = ("key", "url", "meeting")
    list_editable = ("url",)
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    search_fields = ("key", "url")
    ordering = ("meeting", "key")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
