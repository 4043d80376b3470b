"""Texts organisers write per language (django-modeltranslation): a reminder goes out in its reader's language."""

from modeltranslation.translator import TranslationOptions, register

from registration.models import FollowUp, JoiningDetails, Reminder


@register(Reminder)
class ReminderTranslationOptions(TranslationOptions):
    fields = ("subject", "body")


@register(FollowUp)
class FollowUpTranslationOptions(TranslationOptions):
    # A recording or survey may exist per language, as the thanks are written per language.
    fields = ("subject", "body", "recording_url", "survey_url")


@register(JoiningDetails)
class JoiningDetailsTranslationOptions(TranslationOptions):
    fields = ("interpretation_instructions",)
