"""Countries by their UN names: the form's options in each language, their order, and the same name everywhere."""

import csv
import io
import re
from html import unescape

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration.admin.filters import CountryFilter
from registration.collation import collation_key
from registration.countries import COUNTRY_OTHER, country_answer, country_choices, country_name, un_states
from registration.models import Registration
from registration.retention import registrations_anonymise
from tests.factories import RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

# UNTERM's short names of the States the language review found misnamed (languages-2.md, X-1).
UNTERM_NAMES = {
    "en": {
        "RU": "Russian Federation",
        "MD": "Republic of Moldova",
        "BY": "Belarus",
        "KG": "Kyrgyzstan",
        "CZ": "Czechia",
        "TR": "Türkiye",
        "KP": "Democratic People's Republic of Korea",
        "VA": "Holy See",
        "PS": "State of Palestine",
    },
    "fr": {
        "RU": "Fédération de Russie",
        "MD": "République de Moldova",
        "BY": "Bélarus",
        "KG": "Kirghizistan",
        "CZ": "Tchéquie",
        "TR": "Türkiye",
        "KP": "République populaire démocratique de Corée",
        "VA": "Saint-Siège",
        "PS": "État de Palestine",
    },
    "es": {
        "RU": "Federación de Rusia",
        "MD": "República de Moldova",
        "BY": "Belarús",
        "KG": "Kirguistán",
        "CZ": "Chequia",
        "TR": "Türkiye",
        "KP": "República Popular Democrática de Corea",
        "VA": "Santa Sede",
        "PS": "Estado de Palestina",
    },
    "ru": {
        "RU": "Российская Федерация",
        "MD": "Республика Молдова",
        "BY": "Беларусь",
        "KG": "Кыргызстан",
        "CZ": "Чехия",
        "TR": "Тюркийе",
        "KP": "Корейская Народно-Демократическая Республика",
        "VA": "Святой Престол",
        "PS": "Государство Палестина",
    },
}
# Names the review found on the form, none of which a UN site may publish as a country's.
NOT_UN_NAMES = {
    "en": ["Taiwan", "North Korea", "Vatican City", "Falkland Islands", "Kosovo", "Hong Kong", "Puerto Rico"],
    "fr": ["Taïwan", "Îles Malouines", "Russie", "Moldavie", "Biélorussie", "Corée du Nord"],
    "es": ["Taiwán", "Islas Malvinas", "Rusia", "Moldavia", "Principado de Andorra", "Trinidad yTobago"],
    "ru": ["Тайвань", "Россия", "Киргизия", "Либерии", "Мьянмы", "Сан - Марино", "Северная Корея"],
}
NOT_UN_CODES = ["TW", "FK", "XK", "HK", "MO", "PR", "EH", "GI", "AQ", "CK", "NU", "NC", "GL"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _client_in(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _options(html: str) -> list[tuple[str, str, str]]:
    """The country select's options as (group, value, text), in page order."""
    select = re.search(r'<select name="country".*?</select>', html, re.S).group(0)
    options, group = [], ""
    for match in re.finditer(r'<optgroup label="([^"]*)"|<option value="([^"]*)"[^>]*>([^<]*)</option>', select):
        if match.group(1) is not None:
            group = unescape(match.group(1))
        else:
            options.append((group, match.group(2), unescape(match.group(3))))
    return options


def test_un_states_are_the_193_members_and_the_two_observer_states():
    states = un_states()

    assert len(states) == 195
    assert sum(not state.observer for state in states.values()) == 193
    assert {code for code, state in states.items() if state.observer} == {"VA", "PS"}
    assert not set(NOT_UN_CODES) & set(states)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_form_offers_each_state_by_its_unterm_name(register_url, meeting, language):
    response = _client_in(language).get(register_url)

    offered = {value: text for _group, value, text in _options(response.content.decode())}
    for code, name in UNTERM_NAMES[language].items():
        assert offered[code] == name
    assert len([value for value in offered if value not in ("", COUNTRY_OTHER)]) == 195


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_form_offers_nothing_that_is_not_a_member_or_observer_state(register_url, meeting, language):
    response = _client_in(language).get(register_url)

    options = _options(response.content.decode())
    assert not {value for _group, value, _text in options} & set(NOT_UN_CODES)
    texts = {text for _group, _value, text in options}
    for name in NOT_UN_NAMES[language]:
        assert name not in texts
    # Everyone else has one way in, last: "Other (please specify)".
    assert options[-1][1] == COUNTRY_OTHER


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_form_lists_each_group_in_the_languages_collation_order(register_url, meeting, language):
    response = _client_in(language).get(register_url)

    options = [option for option in _options(response.content.decode()) if option[1] not in ("", COUNTRY_OTHER)]
    key = collation_key(language)
    for group in {group for group, _value, _text in options}:
        names = [text for option_group, _value, text in options if option_group == group]
        assert names == sorted(names, key=key)
    assert len({group for group, _value, _text in options}) == 2


@pytest.mark.parametrize(
    ("language", "neighbours"),
    [
        # Accents count only between otherwise equal names; "El Salvador" is filed under E, as in UN lists.
        ("fr", ["Égypte", "El Salvador", "Émirats arabes unis", "Équateur", "Érythrée", "Espagne"]),
        ("es", ["Egipto", "El Salvador", "Emiratos Árabes Unidos", "Eritrea", "Eslovaquia"]),
        ("es", ["Andorra", "Angola"]),
        # Cyrillic in the alphabet's order, not the English names' order of the old list.
        ("ru", ["Австралия", "Австрия", "Азербайджан", "Албания", "Алжир"]),
        ("ru", ["Узбекистан", "Украина", "Уругвай"]),
        ("en", ["Côte d'Ivoire", "Croatia", "Cuba"]),
    ],
)
def test_country_choices_sort_as_the_languages_dictionaries_do(language, neighbours):
    names = [name for _code, name in country_choices(language)]

    positions = [names.index(name) for name in neighbours]
    assert positions == sorted(positions)
    assert positions[-1] - positions[0] == len(neighbours) - 1


def test_country_choices_put_the_russian_unece_group_in_cyrillic_order(register_url, meeting):
    response = _client_in("ru").get(register_url)

    options = _options(response.content.decode())
    unece = [text for group, _value, text in options if group == "Государства — члены ЕЭК ООН"]
    assert unece[:4] == ["Австрия", "Азербайджан", "Албания", "Андорра"]
    assert unece[-1] == "Эстония"


def test_register_other_needs_the_name_typed(register_url, client, meeting, form_data):
    response = client.post(register_url, {**form_data, "country": COUNTRY_OTHER, "category": "academia"})

    assert response.status_code == 200
    assert "Please name the country or area." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_other_keeps_the_typed_name_and_shows_it_on_the_manage_page(register_url, client, meeting, form_data):
    data = {**form_data, "category": "academia", "country": COUNTRY_OTHER, "country_other": "Somewhere"}

    client.post(register_url, data)

    registration = Registration.objects.get()
    assert (registration.country, registration.country_other) == (COUNTRY_OTHER, "Somewhere")
    page = client.get(reverse("registration:manage", args=[registration.manage_token])).content.decode()
    assert "Other countries or areas: Somewhere" in page


def test_register_a_state_drops_a_name_typed_for_other(register_url, client, meeting, form_data):
    client.post(register_url, {**form_data, "country_other": "Somewhere"})

    assert Registration.objects.get().country_other == ""


def test_country_answer_in_french_puts_a_no_break_space_before_the_colon(settings):
    from django.utils import translation

    with translation.override("fr"):
        assert country_answer(COUNTRY_OTHER, "Somewhere") == "Autres pays ou zones\u00a0: Somewhere"
        assert country_answer("MD") == "République de Moldova"


@pytest.mark.parametrize(("language", "code"), [("fr", "MD"), ("ru", "KG"), ("es", "BY"), ("en", "TR")])
def test_the_same_name_on_the_form_admin_filter_export_dashboard_and_report(meeting, language, code):
    name = UNTERM_NAMES[language][code]
    RegistrationFactory(meeting=meeting, country=code, category=Registration.Category.MEMBER_STATE)
    organiser = _client_in(language)
    organiser.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    changelist = reverse("admin:registration_registration_changelist")

    form = _client_in(language).get(reverse("registration:register", args=[meeting.slug])).content.decode()
    listing = organiser.get(changelist).content.decode()
    filtered = organiser.get(changelist, {"country": code})
    export = organiser.get(reverse("admin:registration_registration_export", args=["csv"]))
    dashboard = organiser.get(reverse("admin:registration_dashboard"), {"meeting": meeting.pk}).content.decode()
    report = organiser.get(reverse("admin:registration_participation_report")).content.decode()

    assert (code, name) in {(value, text) for _group, value, text in _options(form)}
    # The filter's link and the list's column.
    assert re.search(rf'<a href="\?country={code}"[^>]*>{re.escape(name)}</a>', unescape(listing))
    assert f'<td class="field-country_name">{name}</td>' in unescape(listing)
    assert len(filtered.context["cl"].result_list) == 1
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert name in rows[1]
    assert name in unescape(dashboard)
    assert name in unescape(report)


def test_country_name_of_a_code_the_list_no_longer_offers_is_the_code():
    assert country_name("TW", "en") == "TW"
    assert country_name(COUNTRY_OTHER, "ru") == "Другие страны или районы"


def test_admin_country_filter_offers_the_countries_registered_from_in_the_organisers_order(meeting):
    for code in ("UA", "AT", "RU", COUNTRY_OTHER):
        RegistrationFactory(meeting=meeting, country=code, country_other="Somewhere" if code == COUNTRY_OTHER else "")
    organiser = _client_in("ru")
    organiser.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    response = organiser.get(reverse("admin:registration_registration_changelist"))

    country_filter = next(spec for spec in response.context["cl"].filter_specs if isinstance(spec, CountryFilter))
    assert [name for _code, name in country_filter.lookup_choices] == [
        "Австрия",
        "Другие страны или районы",
        "Российская Федерация",
        "Украина",
    ]


def test_anonymising_keeps_other_and_removes_the_name_typed(meeting):
    registration = RegistrationFactory(meeting=meeting, country=COUNTRY_OTHER, country_other="Somewhere")

    with transaction.atomic():
        registrations_anonymise(pks=[registration.pk], now=timezone.now())

    registration.refresh_from_db()
    assert (registration.country, registration.country_other) == (COUNTRY_OTHER, "")
