"""Drops the cached meeting pages whenever anything they show is saved or deleted."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from agenda import models
from agenda.cache import pages_invalidate

CACHED_MODELS = (
    models.Meeting,
    models.MeetingTopic,
    models.KeyDate,
    models.AgendaItem,
    models.Speaker,
    models.GcmObjective,
    models.ImrfSession,
    models.ImrfSessionPoint,
    models.Roundtable,
    models.InterpretationLanguage,
    models.NoteLink,
    models.NoteFootnote,
    models.NoteSection,
    models.NoteParagraph,
)


def _invalidate(sender, **kwargs):
    pages_invalidate()


def connect():
    for model in CACHED_MODELS:
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"agenda-pages-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"agenda-pages-delete-{model.__name__}")
    for through in (models.Meeting.interpretation_languages.through, models.Roundtable.objectives.through):
        m2m_changed.connect(_invalidate, sender=through, dispatch_uid=f"agenda-pages-m2m-{through.__name__}")
