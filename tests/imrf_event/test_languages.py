"""The language switcher on every page, the remembered choice, and the browser's language by default."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

SLUG = "languages-meeting"
PAGES = ["/", f"/{SLUG}/", f"/{SLUG}/agenda/", f"/{SLUG}/register/", f"/{SLUG}/register/privacy/"]


@pytest.fixture(autouse=True)
def meeting():
    return MeetingFactory(slug=SLUG)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_offers_each_language_named_in_itself(client, path):
    response = client.get(path)

    content = response.content.decode()
    assert 'action="/i18n/setlang/"' in content
    assert f'name="next" value="{path}"' in content
    for code, name in (("fr", "Français"), ("es", "Español"), ("ru", "Русский")):
        assert f'name="language" value="{code}" lang="{code}">{name}</button>' in content
    assert 'lang="en" aria-current="true" disabled>English</button>' in content


def test_switcher_sets_the_cookie_and_the_next_page_is_in_that_language():
    client = Client()

    response = client.post("/i18n/setlang/", {"language": "fr", "next": f"/{SLUG}/agenda/"})
    page = client.get(response["Location"])

    assert (response.status_code, response["Location"]) == (302, f"/{SLUG}/agenda/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    content = page.content.decode()
    assert '<html lang="fr">' in content
    assert "Ordre du jour" in content
    assert 'lang="fr" aria-current="true" disabled>Français</button>' in content


def test_switcher_needs_no_csrf_token_as_cached_pages_cannot_carry_one(meeting):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})

    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_switcher_refuses_a_next_address_on_another_site():
    response = Client().post("/i18n/setlang/", {"language": "es", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_switcher_with_a_language_the_site_does_not_offer_stays_in_english():
    client = Client()

    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    page = client.get("/")

    assert '<html lang="en">' in page.content.decode()


def test_browser_language_is_used_until_the_visitor_chooses():
    response = Client(headers={"accept-language": "es-ES,es;q=0.9,en;q=0.5"}).get(f"/{SLUG}/register/")

    content = response.content.decode()
    assert '<html lang="es">' in content
    assert "Inscribirse" in content
    assert response["Content-Language"] == "es"


def test_chosen_language_wins_over_the_browsers():
    client = Client(headers={"accept-language": "es"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    response = client.get(f"/{SLUG}/register/privacy/")

    content = response.content.decode()
    assert '<html lang="ru">' in content
    assert "Уведомление о конфиденциальности" in content
