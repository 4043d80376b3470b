"""The concept note page: the whole note word for word, footnotes, links, each language, edits in the admin."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from agenda.models import NoteLink, NoteParagraph, NoteSection
from agenda.services import meeting_load_imrf
from tests.agenda.pages import IMRF_SLUG

from . import concept_note
from .pages import parse_html

pytestmark = pytest.mark.django_db

NGO_BRANCH = "NGO Branch of the Department of Economic and Social Affairs for registration"


@pytest.fixture
def meeting():
    return meeting_load_imrf()


@pytest.fixture
def organiser():
    client = Client()
    client.force_login(User.objects.create_superuser("organiser", "organiser@example.org", "not-used"))
    return client


def _note_page(language="en"):
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(reverse("agenda:concept_note", args=[IMRF_SLUG]))
    assert response.status_code == 200
    return response, parse_html(response.content).find("article", "concept-note")


def _admin_post_data(response) -> dict:
    """What the admin's change form would send back unchanged: its fields, its inlines' forms and management forms."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({formset.add_prefix(name): value for name, value in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_concept_note_shows_every_section_of_the_note_in_its_order_word_for_word(meeting):
    blocks = concept_note.note_body()

    _response, article = _note_page()

    body = [section for section in article.find_all("section") if "footnotes" not in section.classes]
    headings = [section.find_all("h2")[0].text for section in body]
    assert [heading.upper() for heading in headings] == [b.text for b in blocks if b.kind == "heading"]
    assert headings[0] == "Introduction"
    text = " ".join(section.text for section in body)
    list_items = {li.text for section in body for li in section.find_all("li")}
    position = 0
    for block in (b for b in blocks if b.kind in ("paragraph", "item", "pledge")):
        found = text.find(block.text, position)
        assert found >= 0, f"not on the page after what came before it: {block.text[:100]!r}"
        position = found + len(block.text)
        if block.kind == "item":
            assert block.text in list_items
    assert "H.E. Abdulla Shahid, announced that the first IMRF is scheduled to take place from 10 – 13 May 2022" in text
    assert "“...at the highest possible political level, including Heads of State and Government”" in text
    assert "This event is organised with the support of the United Nations Network on Migration." in text
    assert "apply for special accreditation before 26 January 2022 here in order to register" in text


def test_concept_note_footnotes_are_linked_to_and_from_their_reference(meeting):
    footnotes = [b for b in concept_note.note_body() if b.kind == "footnote"]

    _response, article = _note_page()

    aside = article.find("section", "footnotes")
    assert aside.attrs["aria-labelledby"] == "footnotes-heading"
    assert [footnote.number for footnote in footnotes] == [1, 2]
    for footnote in footnotes:
        note = aside.find("li", id=f"fn-{footnote.number}")
        assert note.text.startswith(footnote.text)
        reference = article.find("a", id=f"fnref-{footnote.number}")
        assert reference.attrs["href"] == f"#fn-{footnote.number}"
        assert reference.text == str(footnote.number)
        assert note.find("a", "footnote-back").attrs["href"] == f"#fnref-{footnote.number}"
    assert "four-year interval beginning in 20221." in article.text


def test_concept_note_link_left_empty_shows_plain_text(meeting):
    _response, article = _note_page()

    assert NoteLink.objects.filter(url="").count() == NoteLink.objects.count() > 20, "the note gives no address"
    assert NGO_BRANCH in article.text
    links = [a for a in article.find_all("a") if not a.attrs["href"].startswith("#")]
    assert links == []


def test_concept_note_link_filled_in_the_admin_becomes_a_link_and_survives_a_reload(meeting, organiser):
    link = NoteLink.objects.get(key="ngo-branch")
    url = reverse("admin:agenda_notelink_change", args=[link.pk])
    data = {**_admin_post_data(organiser.get(url)), "url": "https://esango.un.org/"}

    response = organiser.post(url, data)

    assert response.status_code == 302
    _response, article = _note_page()
    anchor = next(a for a in article.find_all("a") if a.attrs["href"] == "https://esango.un.org/")
    assert anchor.text == NGO_BRANCH
    meeting_load_imrf()
    assert NoteLink.objects.get(key="ngo-branch").url == "https://esango.un.org/"


def test_concept_note_link_refuses_a_script_address(meeting, organiser):
    link = NoteLink.objects.get(key="special-accreditation")
    url = reverse("admin:agenda_notelink_change", args=[link.pk])
    data = {**_admin_post_data(organiser.get(url)), "url": "javascript:alert(document.cookie)"}

    response = organiser.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == ["Enter a valid URL."]
    assert 'value="javascript:alert(document.cookie)"' in response.content.decode()
    assert NoteLink.objects.get(pk=link.pk).url == ""
    page, _article = _note_page()
    assert "javascript:" not in page.content.decode()


def test_concept_note_paragraph_naming_an_unknown_link_is_refused_next_to_the_field(meeting, organiser):
    section = NoteSection.objects.get(position=0)
    url = reverse("admin:agenda_notesection_change", args=[section.pk])
    data = _admin_post_data(organiser.get(url))
    before = list(NoteParagraph.objects.filter(section=section).values_list("text_es", flat=True))
    data["paragraphs-1-text_es"] = "Véase [el anuncio](no-such-link) y la nota[^9], **sin cerrar."

    response = organiser.post(url, data)

    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[1]
    errors = " ".join(form.errors["text_es"])
    assert "No note link is named no-such-link" in errors
    assert "There is no footnote 9." in errors
    assert "A ** mark is not closed" in errors
    assert "Véase [el anuncio](no-such-link)" in response.content.decode()
    assert list(NoteParagraph.objects.filter(section=section).values_list("text_es", flat=True)) == before


def test_concept_note_shows_html_in_a_text_as_text(meeting, organiser):
    section = NoteSection.objects.get(position=0)
    url = reverse("admin:agenda_notesection_change", args=[section.pk])
    data = _admin_post_data(organiser.get(url))
    data["paragraphs-0-text_fr"] = 'Texte <script>alert("x")</script> et [<b>lien</b>](imrf).'

    response = organiser.post(url, data)

    assert response.status_code == 302
    page, _article = _note_page("fr")
    content = page.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;b&gt;lien&lt;/b&gt;" in content


@pytest.mark.parametrize(
    ("language", "title", "heading", "sentence"),
    [
        (
            "fr",
            "Note conceptuelle",
            "Ressources à la disposition des gouvernements et des autres parties prenantes en vue du Forum",
            "peuvent demander une accréditation spéciale avant le 26 janvier 2022",
        ),
        (
            "es",
            "Nota conceptual",
            "Para otras partes interesadas en particular",
            "pueden solicitar la acreditación especial antes del 26 de enero de 2022",
        ),
        (
            "ru",
            "Концептуальная записка",
            "Цель совещания",
            "могут подать заявку на специальную аккредитацию до 26 января 2022 года",
        ),
    ],
)
def test_concept_note_in_each_language_shows_the_translation(meeting, language, title, heading, sentence):
    response, article = _note_page(language)

    assert f'<html lang="{language}">' in response.content.decode()
    assert article.find("h1").text == title
    assert heading in [h2.text for h2 in article.find_all("h2")]
    assert sentence in article.text
    assert "Whilst recognizing" not in article.text
    assert "roviennapolicyandliaison@iom.int" in article.text
    assert len(article.find("section", "footnotes").find_all("li")) == 2


@pytest.mark.parametrize("name", ["agenda:meeting", "agenda:agenda", "agenda:concept_note", "registration:register"])
def test_every_page_links_to_the_concept_note_in_its_navigation(client, meeting, name):
    response = client.get(reverse(name, args=[IMRF_SLUG]))

    navigation = parse_html(response.content).find("nav", **{"aria-label": "Main"})
    link = navigation.find("a", href=reverse("agenda:concept_note", args=[IMRF_SLUG]))
    assert link.text == "Concept note"
    assert (link.attrs.get("aria-current") == "page") == (name == "agenda:concept_note")


@pytest.mark.parametrize(
    ("language", "when", "what"),
    [
        ("en", "Before 26 January 2022", "Apply for special accreditation to the IMRF"),
        ("fr", "Avant le 26 janvier 2022", "Demander une accréditation spéciale pour le Forum"),
        ("es", "Antes del 26 de enero de 2022", "Solicitar la acreditación especial para el FEMI"),
        ("ru", "До 26 января 2022", "Подать заявку на специальную аккредитацию для участия в Форуме"),
    ],
)
def test_meeting_page_says_special_accreditation_closes_before_26_january(meeting, language, when, what):
    client = Client()
    client.cookies["django_language"] = language

    response = client.get(reverse("agenda:meeting", args=[IMRF_SLUG]))

    key_dates = parse_html(response.content).find("dl", "key-dates")
    pairs = zip(key_dates.child_elements("dt"), key_dates.child_elements("dd"), strict=True)
    special = [(term.text, description.text) for term, description in pairs if description.text.startswith(what)]
    assert len(special) == 1
    assert special[0][0].startswith(when)
