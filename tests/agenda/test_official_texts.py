"""Official texts and each language's conventions on the pages: objectives, honorifics, dates, French punctuation."""

import csv
import html
import re

import pytest
from django.conf import settings
from django.test import Client

from agenda.data import DATA_DIR
from agenda.models import GcmObjective
from agenda.services import meeting_load_imrf
from tests.agenda.pages import IMRF_SLUG
from tests.french_punctuation import french_punctuation_faults, page_text

pytestmark = pytest.mark.django_db

# Titles the stored corpus did not let us check against an official text (README, Languages).
# The test fails when a row's source is emptied or filled without this list following.
UNCHECKED = {
    "fr": set(),
    "es": {15, 16, 17},
    "ru": set(range(2, 24)),
}
# The titles found in public sources, with the address of each (copied from the review's reference file).
SOURCES_FILE = DATA_DIR / "gcm-titles-sources.csv"


@pytest.fixture
def meeting():
    return meeting_load_imrf()


def _get(path, language):
    """The page at `path` of the concept note's meeting (`/agenda/` is `/<slug>/agenda/`)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(f"/{IMRF_SLUG}{path}")


def _text(path, language):
    response = _get(path, language)
    assert response.status_code == 200
    # Not str.split(): it would take the no-break spaces for ordinary ones.
    return re.sub(r"[ \t\r\n]+", " ", page_text(response.content.decode()))


def _csv(language):
    with (DATA_DIR / f"gcm-objectives.{language}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("language", ["fr", "es", "ru"])
def test_agenda_shows_every_objective_title_as_its_csv_gives_it(meeting, language):
    rows = _csv(language)

    content = html.unescape(_get("/agenda/", language).content.decode())

    assert len(rows) == 23
    for row in rows:
        assert getattr(GcmObjective.objects.get(number=row["number"]), f"title_{language}") == row["title"]
        assert row["title"] in content, row["number"]


@pytest.mark.parametrize("language", ["fr", "es", "ru"])
def test_every_objective_title_names_the_address_it_was_checked_against(language):
    rows = _csv(language)

    unchecked = {int(row["number"]) for row in rows if not row["source"].strip()}

    assert unchecked == UNCHECKED[language]
    assert all(row["source"].startswith("https://") for row in rows if row["source"].strip())


@pytest.mark.parametrize("language", ["fr", "es", "ru"])
def test_every_objective_source_and_title_is_the_one_the_sources_file_found(language):
    with SOURCES_FILE.open(encoding="utf-8", newline="") as handle:
        found = {int(r["objective"]): r for r in csv.DictReader(handle) if r["language"] == language}
    rows = _csv(language)

    for row in rows:
        source = found[int(row["number"])]
        if source["same"] in ("yes", "minor"):
            assert row["source"] == source["source_url_or_repo_path"], row["number"]
            # The source's own typography (’ in French); a title quoted mid-sentence ("[r]ecopilar") keeps its capital.
            assert row["title"] == re.sub(r"^\[(\w)\]", lambda m: m.group(1).upper(), source["official_title"])
        else:
            assert row["source"] == "", row["number"]


def test_french_objective_titles_write_the_apostrophe_as_their_sources_do():
    titles = [row["title"] for row in _csv("fr")]

    assert not [title for title in titles if "'" in title]
    assert "Collecter et utiliser des données précises et ventilées qui serviront à l’élaboration" in titles[0]


def test_objective_titles_use_the_official_wording_where_memory_differed(meeting):
    objectives = GcmObjective.objects.all()
    titles = {(o.number, lang): getattr(o, f"title_{lang}") for o in objectives for lang in ("fr", "ru")}

    assert titles[(12, "fr")].startswith("Veiller à l’invariabilité et à la prévisibilité des procédures migratoires")
    assert titles[(16, "fr")] == (
        "Donner aux migrants et aux sociétés des moyens en faveur de la pleine intégration et de la cohésion sociale"
    )
    assert titles[(20, "fr")].startswith("Rendre les envois de fonds plus rapides")
    assert "en toute sécurité et dignité" in titles[(21, "fr")]
    assert titles[(1, "ru")].endswith("в качестве основы для выработки эмпирически обоснованной политики")
    assert titles[(2, "ru")].startswith("Сведение к минимуму неблагоприятного воздействия различных сил")


@pytest.mark.parametrize(
    ("language", "azerbaijan", "luxembourg", "president"),
    [
        (
            "en",
            "Government of Azerbaijan, Chief State Migration Service, H.E. Vusal Huseynov",
            "H.E. Anne Goedert",
            "H.E. Abdulla Shahid",
        ),
        ("fr", "S. E. M. Vusal Huseynov", "S. E. Mme Anne Goedert", "S. E. M. Abdulla Shahid"),
        ("es", "Excmo. Sr. Vusal Huseynov", "Excma. Sra. Anne Goedert", "Excmo. Sr. Abdulla Shahid"),
        (
            "ru",
            "Правительство Азербайджана, руководитель Государственной миграционной службы, "
            "Его Превосходительство г-н Вусал Гусейнов",
            "Ее Превосходительство г-жа Анне Гедерт",
            "Его Превосходительство г-н Абдулла Шахид",
        ),
    ],
)
def test_pages_write_honorifics_as_each_language_does(meeting, language, azerbaijan, luxembourg, president):
    agenda = _text("/agenda/", language)
    meeting_page = _text("/", language)

    assert azerbaijan in agenda
    assert luxembourg in agenda
    assert president in meeting_page
    if language != "en":
        assert "H.E." not in agenda + meeting_page


@pytest.mark.parametrize(
    ("language", "facilitator", "moderator"),
    [
        ("fr", "Animation\u00a0: le Directeur général de l'OIM", "Modération\u00a0: Gouvernement du Luxembourg"),
        ("es", "Facilitador: el Director General de la OIM", "Moderación: Gobierno de Luxemburgo"),
        ("ru", "Ведущий: Генеральный директор МОМ", "Модератор: Правительство Люксембурга"),
    ],
)
def test_agenda_puts_a_free_text_after_a_label_not_a_preposition(meeting, language, facilitator, moderator):
    agenda = _text("/agenda/", language)

    assert facilitator in agenda
    assert moderator in agenda


@pytest.mark.parametrize(
    ("language", "meeting_day", "deadline", "imrf"),
    [
        ("en", "Tuesday, 1 February 2022", "Register by Tuesday, 25 January 2022.", "10 – 13 May 2022"),
        ("fr", "mardi 1er février 2022", "mardi 25 janvier 2022", "Du 10 au 13 mai 2022"),
        ("es", "martes 1 de febrero de 2022", "martes 25 de enero de 2022", "Del 10 al 13 de mayo de 2022"),
        ("ru", "1 февраля 2022 года", "не позднее 25 января 2022 года", "10–13 мая 2022 года"),
    ],
)
def test_meeting_page_words_dates_as_each_language_does(meeting, language, meeting_day, deadline, imrf):
    text = _text("/", language)

    assert meeting_day in text
    assert deadline in text
    assert imrf in text


def test_agenda_in_french_writes_the_first_of_the_month_as_an_ordinal(meeting):
    text = _text("/agenda/", "fr")

    assert "mardi 1er février 2022" in text
    assert "Programme du 1er février 2022" in text
    assert " 1 février" not in text


@pytest.mark.parametrize("path", ["/", "/agenda/", "/concept-note/", "/register/", "/register/privacy/"])
def test_french_pages_put_a_no_break_space_before_high_punctuation(meeting, path):
    response = _get(path, "fr")

    faults = french_punctuation_faults(page_text(response.content.decode()))

    assert response.status_code == 200
    assert faults == []


def test_french_punctuation_check_finds_an_ascii_or_missing_space():
    assert french_punctuation_faults("Quand : demain") != []
    assert french_punctuation_faults("Quand: demain") != []
    assert french_punctuation_faults("« Forum »") != []
    assert french_punctuation_faults("Quand\u00a0: demain\u202f; «\u00a0Forum\u00a0» à 09:00, https://x.org/?a=b") == []
