"""Texts organisers write per language (django-modeltranslation): a reminder goes out in its reader's language."""

from modeltranslation.translator import TranslationOptions, register

from .models import JoiningDetails, Reminder


@register(Reminder)
class ReminderTranslationOptions(TranslationOptions):
    fields = ("subject", "body")


@register(JoiningDetails)
class JoiningDetailsTranslationOptions(TranslationOptions):
    fields = ("interpretation_instructions",)
