"""The site in French, Spanish and Russian as a participant sees it: switcher, form, errors, email, agenda."""

import re

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from playwright.sync_api import expect

from agenda.models import GcmObjective
from agenda.services import meeting_load_imrf
from registration.models import Registration
from tests.browser.forms import Choose, exact, form_fill, required

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    """The meeting from its data file, with its texts in every language, 30+ days ahead."""
    return meeting_load_imrf(today=timezone.localdate())


def _switch_language(page, name):
    page.locator(".language-switcher").get_by_role("button", name=name, exact=True).click()


def test_register_in_russian_from_the_language_switcher(live_server, page, meeting):
    page.goto(f"{live_server.url}/{meeting.slug}/")
    _switch_language(page, "Русский")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("navigation", name="Основная навигация").get_by_role("link", name="Регистрация").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Регистрация")
    expect(page.get_by_role("group", name="О вас")).to_be_visible()
    form_fill(page, {required("Имя"): "Анна"})
    page.get_by_role("button", name="Зарегистрироваться").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("В ответах обнаружено")
    expect(summary).to_contain_text("Фамилия: Обязательное поле.")
    assert not Registration.objects.exists()

    # The gender and diversity questions are optional (issue 10, point 11).
    form_fill(
        page,
        {
            required("Фамилия"): "Смирнова",
            required("Адрес электронной почты"): "anna@mid.example.ru",
            required("Должность"): "Советник",
            required("Организация"): "Министерство иностранных дел",
            "Категория заинтересованной стороны": Choose("Правительство государства-члена"),
            "Ожидаемый уровень участия вашей страны": Choose("Министр"),
            "Представляемая страна или страна пребывания": Choose("Сербия"),
            exact("Русский"): True,
            "Я ознакомился(-ась) с уведомлением о конфиденциальности": True,
        },
    )
    page.get_by_role("button", name="Зарегистрироваться").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Благодарим за регистрацию")
    registration = Registration.objects.get()
    assert (registration.language, registration.listening_language.code) == ("ru", "ru")
    message = django_mail.outbox[-1]
    assert message.to == ["anna@mid.example.ru"]
    assert "Ваша регистрация подтверждена" in message.subject
    assert "Здравствуйте, Анна Смирнова!" in message.body
    assert "100 дней до Форума по обзору международной миграции" in message.body


def test_register_in_french_from_the_language_switcher(live_server, page, meeting):
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    _switch_language(page, "Français")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("S’inscrire")
    form_fill(
        page,
        {
            required("Prénom"): "Camille",
            required("Nom de famille"): "Dubois",
            required("Adresse électronique"): "camille.dubois@diplomatie.example.be",
            required("Fonction / intitulé du poste"): "Conseillère",
            required("Organisation"): "SPF Affaires étrangères",
            "Catégorie de partie prenante": Choose("Gouvernement d'un État Membre"),
            "Niveau de participation attendu de votre pays au Forum": Choose("Niveau technique"),
            "Pays représenté ou pays de résidence": Choose("Belgique"),
            exact("Français"): True,
            "Femme": True,
            "J'ai lu la notice de confidentialité": True,
        },
    )
    page.get_by_role("button", name="S’inscrire").click()

    # A gender answer needs its own consent, asked for in French next to its box.
    expect(page.locator("#error-summary")).to_contain_text("Veuillez cocher cette case pour accepter")
    expect(page).to_have_title(re.compile("^Erreur\u00a0:"))
    page.get_by_label(re.compile("J'accepte l'utilisation de mes réponses sur le genre")).check()
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merci de votre inscription")
    message = django_mail.outbox[-1]
    assert message.to == ["camille.dubois@diplomatie.example.be"]
    assert "Votre inscription est confirmée" in message.subject
    # No title typed: the neutral French salutation (the gender answer is never used to address anyone).
    assert message.body.startswith("Madame, Monsieur,")
    assert "Langue d'écoute\u00a0: Français" in message.body


def test_agenda_in_spanish_shows_spanish_objective_titles_and_english_where_missing(live_server, page, meeting):
    GcmObjective.objects.filter(number=5).update(title_es="")
    page.goto(f"{live_server.url}/{meeting.slug}/agenda/")

    _switch_language(page, "Español")

    roundtables = page.get_by_role("table", name=re.compile("Mesas redondas del FEMI"))
    expect(roundtables.get_by_role("columnheader", name="Mesa redonda 1")).to_be_visible()
    expect(roundtables).to_contain_text("Objetivo 2: Minimizar los factores adversos y estructurales")
    expect(roundtables).to_contain_text("Objetivo 5: Enhance availability and flexibility of pathways")
    expect(roundtables).not_to_contain_text("Minimize the adverse drivers")


@pytest.mark.parametrize("language", ["Français", "Español", "Русский"])
def test_pages_in_each_language_have_no_serious_accessibility_violation(
    live_server, page, axe_violations, meeting, language
):
    page.goto(f"{live_server.url}/")
    _switch_language(page, language)

    found = {}
    for path in (
        "/",
        f"/{meeting.slug}/",
        f"/{meeting.slug}/concept-note/",
        f"/{meeting.slug}/agenda/",
        f"/{meeting.slug}/register/",
    ):
        page.goto(f"{live_server.url}{path}")
        found[path] = (page.locator("html").get_attribute("lang"), axe_violations(page))

    code = {"Français": "fr", "Español": "es", "Русский": "ru"}[language]
    assert found == {path: (code, []) for path in found}


@pytest.mark.parametrize(
    ("language", "privacy"),
    [
        ("Français", "Notice de confidentialité"),
        ("Español", "Aviso de privacidad"),
        ("Русский", "Уведомление о конфиденциальности"),
    ],
)
def test_error_summary_in_each_language_links_each_field_once_and_stays_accessible(
    live_server, page, axe_violations, meeting, language, privacy
):
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    _switch_language(page, language)
    page.locator("#id_first_name").fill("Amina")

    page.locator("form.registration-form [type=submit]").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert not re.search(r"[.?]\s?:", summary.inner_text())
    link = summary.get_by_role("link", name=re.compile(f"^{privacy}"))
    expect(link).to_have_count(1)
    assert link.get_attribute("target") is None
    link.click()
    expect(page.locator("#id_privacy_consent")).to_be_focused()
    assert len(page.context.pages) == 1
    assert axe_violations(page) == []
