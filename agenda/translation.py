"""Meeting texts stored per language (django-modeltranslation); a missing translation shows the English text."""

from modeltranslation.translator import TranslationOptions, register

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
    NoteParagraph,
    NoteSection,
    Roundtable,
    Speaker,
)

# Email addresses and links stay as they are. A person's name is translated only where a language
# writes it in another script (Russian in Cyrillic); left empty, the Latin original shows.


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "subtitle",
        "short_name",
        "format_description",
        "platform",
        "introduction",
        "purpose",
        "topics_intro",
        "opportunities_intro",
        "audience",
        "organisers",
        "registration_note",
        "interventions_note",
        "diversity_note",
        "interpretation_note",
    )


@register(MeetingTopic)
class MeetingTopicTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(KeyDate)
class KeyDateTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(AgendaItem)
class AgendaItemTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Speaker)
class SpeakerTranslationOptions(TranslationOptions):
    # The honorific too: UN editorial practice writes "S. E. M.", "Excmo. Sr.", "Его Превосходительство г-н".
    fields = ("honorific", "name", "job_title", "organisation")


@register(GcmObjective)
class GcmObjectiveTranslationOptions(TranslationOptions):
    fields = ("title", "short_label")


@register(ImrfSession)
class ImrfSessionTranslationOptions(TranslationOptions):
    fields = ("title", "facilitator")


@register(ImrfSessionPoint)
class ImrfSessionPointTranslationOptions(TranslationOptions):
    fields = ("text", "sub_points")


@register(Roundtable)
class RoundtableTranslationOptions(TranslationOptions):
    fields = ("name", "un_agencies")


@register(InterpretationLanguage)
class InterpretationLanguageTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(NoteSection)
class NoteSectionTranslationOptions(TranslationOptions):
    fields = ("heading",)


@register(NoteParagraph)
class NoteParagraphTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(NoteFootnote)
class NoteFootnoteTranslationOptions(TranslationOptions):
    fields = ("text",)
