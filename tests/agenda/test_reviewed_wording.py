"""The second language review's points on the public pages: the concept note's names, "1er février" everywhere."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from agenda.cache import pages_invalidate
from agenda.models import GcmObjective, NoteParagraph
from agenda.services import meeting_load_imrf
from tests.agenda.pages import IMRF_SLUG
from tests.french_punctuation import page_text

pytestmark = pytest.mark.django_db

reviewed_texts = importlib.import_module("agenda.migrations.0011_texts_as_reviewed")


@pytest.fixture
def meeting():
    return meeting_load_imrf()


def _text(path, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return re.sub(r"[ \t\r\n]+", " ", page_text(response.content.decode()))


def test_concept_note_in_russian_names_the_forum_by_its_official_name(meeting):
    text = _text(f"/{IMRF_SLUG}/concept-note/", "ru")

    assert "Форум по обзору международной миграции (Форум)" in text
    assert "каждой сессии Форума по обзору международной миграции" in text
    assert "Международный форум по обзору миграции" not in text
    assert "Международного форума по обзору миграции" not in text


@pytest.mark.parametrize(
    ("language", "wrong", "right"),
    [
        ("fr", ["États Membres de la CEE", "sessions intergouvernementales", "de manière consultative"], []),
        (
            "fr",
            ["(CEE)", "séance d'ouverture de la séance"],
            ["56 États membres de la CEE-ONU", "établis en concertation"],
        ),
        ("es", ["DIÁLOGUES", "Estados Miembros de la CEPE", "de carácter consultivo", "segmento de apertura"], []),
        ("es", ["“..."], ["SERIE DE DIÁLOGOS SOBRE MIGRACIÓN", "56 Estados miembros de la CEPE"]),
        ("ru", ["бо́льшая", "(ЕЭК)"], ["(ЕЭК ООН)"]),
    ],
)
def test_concept_note_uses_the_terms_of_the_rest_of_the_site(meeting, language, wrong, right):
    text = _text(f"/{IMRF_SLUG}/concept-note/", language)

    for words in wrong:
        assert words not in text
    for words in right:
        assert words in text


@pytest.mark.parametrize("path", ["/", f"/{IMRF_SLUG}/", f"/{IMRF_SLUG}/concept-note/", f"/{IMRF_SLUG}/agenda/"])
def test_every_french_page_that_dates_the_meeting_writes_the_first_as_1er(meeting, path):
    text = _text(path, "fr")

    assert "1er février 2022" in text
    assert not re.search(r"(?<![\d.])1 février", text)


def test_meetings_list_writes_1er_for_an_upcoming_meeting_too(meeting):
    starts = datetime.datetime(2099, 2, 1, 8, tzinfo=datetime.UTC)
    meeting.starts_at, meeting.ends_at = starts, starts + datetime.timedelta(hours=3)
    meeting.registration_deadline = datetime.date(2099, 1, 25)
    meeting.save()
    pages_invalidate()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    content = client.get("/").content.decode()

    assert "dimanche 1er février 2099" in content
    assert "1 février" not in content
    # The link's words for screen readers: one message, French spacing before the colon.
    assert 'S’inscrire<span class="visually-hidden">\u00a0: 100 jours avant le Forum' in content


@pytest.mark.parametrize(
    ("language", "separated"),
    [("en", "Objective 2: Minimize"), ("fr", "Objectif 2\u00a0: Lutter"), ("ru", "Цель 2. Сведение")],
)
def test_agenda_separates_each_objectives_number_from_its_title(meeting, language, separated):
    assert separated in _text(f"/{IMRF_SLUG}/agenda/", language)


def test_reviewed_texts_migration_corrects_only_what_organisers_left_as_loaded(meeting):
    old, new = next(pair for pair in reviewed_texts.TEXTS if "DIÁLOGUES" in pair[0])
    untouched = NoteParagraph.objects.get(text_es=new)
    untouched.text_es = old
    untouched.save()
    edited = NoteParagraph.objects.exclude(pk=untouched.pk).filter(section__meeting=meeting).first()
    edited.text_es = "Un texto que un organizador escribió con DIÁLOGUES."
    edited.save()
    language, number, old_title, new_title = reviewed_texts.OBJECTIVE_TITLES[0]
    GcmObjective.objects.filter(number=number).update(**{f"title_{language}": old_title})

    reviewed_texts.corrected(apps, None)

    untouched.refresh_from_db()
    edited.refresh_from_db()
    assert untouched.text_es == new
    assert edited.text_es == "Un texto que un organizador escribió con DIÁLOGUES."
    assert getattr(GcmObjective.objects.get(number=number), f"title_{language}") == new_title
    assert "’" in new_title
