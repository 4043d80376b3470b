"""The meeting's texts in each language: loaded from the data file, shown per language, English where missing."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from agenda.cache import pages_invalidate
from agenda.models import GcmObjective, ImrfSession, Meeting, Roundtable
from agenda.services import meeting_load_imrf
from tests.agenda.pages import IMRF_SLUG

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return meeting_load_imrf()


def _get(path, language):
    client = Client()
    client.cookies["django_language"] = language
    return client.get(path)


def test_meeting_load_imrf_stores_every_language_of_the_headings(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)

    assert meeting.title_en == "100 Days to the International Migration Review Forum"
    assert meeting.title_fr == "100 jours avant le Forum d'examen des migrations internationales"
    assert meeting.title_es == "100 días para el Foro de Examen de la Migración Internacional"
    assert meeting.title_ru == "100 дней до Форума по обзору международной миграции"
    plenary = ImrfSession.objects.filter(period="morning").order_by("date").last()
    assert (plenary.title_en, plenary.title_fr, plenary.title_es, plenary.title_ru) == (
        "Plenary",
        "Séance plénière",
        "Sesión plenaria",
        "Пленарное заседание",
    )
    roundtable = Roundtable.objects.get(number=1)
    assert (roundtable.name_fr, roundtable.name_es, roundtable.name_ru) == (
        "Table ronde 1",
        "Mesa redonda 1",
        "Круглый стол 1",
    )


def test_meeting_load_imrf_stores_the_23_objectives_in_each_language(meeting):
    objectives = GcmObjective.objects.order_by("number")

    assert objectives.count() == 23
    assert all(objective.title_fr and objective.title_es and objective.title_ru for objective in objectives)
    first = objectives.first()
    assert first.title_es == (
        "Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica"
    )
    assert first.title_ru.startswith("Сбор и использование точных и дезагрегированных данных")


def test_meeting_load_imrf_in_another_language_still_keys_and_stores_english():
    with translation.override("fr"):
        meeting_load_imrf()
        meeting_load_imrf()

    meeting = Meeting.objects.get()
    assert meeting.key_dates.count() == 6
    assert meeting.title_en == "100 Days to the International Migration Review Forum"
    assert Meeting.objects.filter(title="100 Days to the International Migration Review Forum").exists()


def test_agenda_in_spanish_shows_roundtables_with_spanish_objective_titles(meeting):
    response = _get(f"/{IMRF_SLUG}/agenda/", "es")

    content = response.content.decode()
    assert '<html lang="es">' in content
    assert "Mesas redondas temáticas" in content
    assert "Mesa redonda 1" in content
    assert "Objetivo 2: Minimizar los factores adversos y estructurales" in content
    assert "Minimize the adverse drivers" not in content
    assert "1 de febrero de 2022" in content


def test_agenda_in_spanish_falls_back_to_english_for_a_missing_translation(meeting):
    GcmObjective.objects.filter(number=5).update(title_es="")
    pages_invalidate()

    response = _get(f"/{IMRF_SLUG}/agenda/", "es")

    content = response.content.decode()
    assert "Objetivo 5: Enhance availability and flexibility of pathways for regular migration" in content
    assert "Objetivo 6: Facilitar la contratación equitativa y ética" in content


def test_meeting_page_in_russian_words_dates_in_russian(meeting):
    response = _get(f"/{IMRF_SLUG}/", "ru")

    content = response.content.decode()
    assert "1 февраля 2022" in content
    assert "Зарегистрируйтесь не позднее 25 января 2022" in content
    assert "100 дней до Форума по обзору международной миграции" in content


def test_meeting_page_in_french_names_key_dates_in_french(meeting):
    response = _get(f"/{IMRF_SLUG}/", "fr")

    content = response.content.decode()
    assert "Du 10 au 13 mai 2022" in re.sub(r"<[^>]+>", "", content)
    assert "Premier Forum d&#x27;examen des migrations internationales</dd>" in content.replace("<br>", "</dd>")
    assert "D'ici à la fin de février 2022" in content


def test_calendar_file_speaks_the_pages_language(meeting):
    response = _get(reverse("agenda:calendar", args=[IMRF_SLUG]), "es")

    text = response.content.decode().replace("\r\n ", "")
    assert "SUMMARY:100 días para el Foro de Examen de la Migración Internacional" in text
    assert "Cómo conectarse" in text


def test_admin_edits_each_language_of_a_meeting_text(meeting):
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "not-used"))

    response = client.get(reverse("admin:agenda_gcmobjective_change", args=[GcmObjective.objects.get(number=1).pk]))

    content = response.content.decode()
    for language in ("en", "fr", "es", "ru"):
        assert f'name="title_{language}"' in content
    assert 'name="title"' not in content
