"""The agenda in the admin: every page opens, inlines in order, and the meeting form shows every field."""

import pytest
from django.contrib.admin import site
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import User
from django.urls import reverse
from modeltranslation.translator import translator

from agenda import admin as agenda_admin
from agenda.models import AgendaItem, ImrfSession, Meeting, Roundtable
from agenda.services import meeting_load_imrf

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "not-used"))
    return client


@pytest.fixture
def meeting():
    return meeting_load_imrf()


@pytest.mark.parametrize(
    "model",
    [
        "meeting",
        "agendaitem",
        "imrfsession",
        "roundtable",
        "gcmobjective",
        "interpretationlanguage",
        "notesection",
        "notelink",
    ],
)
def test_agenda_lists_and_add_pages_open(superuser_client, meeting, model):
    listing = superuser_client.get(reverse(f"admin:agenda_{model}_changelist"))
    add = superuser_client.get(reverse(f"admin:agenda_{model}_add"))

    assert (listing.status_code, add.status_code) == (200, 200)


@pytest.mark.parametrize("model", [Meeting, AgendaItem, ImrfSession, Roundtable])
def test_agenda_change_pages_open(superuser_client, meeting, model):
    obj = model.objects.first()

    response = superuser_client.get(reverse(f"admin:agenda_{model._meta.model_name}_change", args=[obj.pk]))

    assert response.status_code == 200


def test_agenda_item_page_lists_speakers_in_their_order(superuser_client, meeting):
    item = next(item for item in AgendaItem.objects.all() if item.speakers.count() > 1)

    response = superuser_client.get(reverse("admin:agenda_agendaitem_change", args=[item.pk]))

    names = [form.instance.name for form in response.context["inline_admin_formsets"][0].formset.forms]
    assert names[: item.speakers.count()] == list(item.speakers.order_by("position").values_list("name", flat=True))


def test_meeting_form_shows_every_editable_field(rf):
    editable = {field.name for field in Meeting._meta.concrete_fields if field.editable and not field.primary_key}
    editable |= {field.name for field in Meeting._meta.many_to_many}
    # A translated text is edited through its per-language fields (title_en, title_fr, ...).
    editable -= set(translator.get_options_for_model(Meeting).fields)

    request = rf.get("/")
    request.user = User(is_superuser=True, is_staff=True)
    shown = set(flatten_fieldsets(agenda_admin.MeetingAdmin(Meeting, site).get_fieldsets(request)))

    assert editable <= shown


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("fr", ["Réunion et ordre du jour", "Inscription", "Délégations"]),
        ("ru", ["Совещание и повестка дня", "Регистрация", "Делегации"]),
    ],
)
def test_admin_index_names_each_area_in_the_organisers_language(superuser_client, language, headings):
    superuser_client.cookies["django_language"] = language

    content = superuser_client.get(reverse("admin:index")).content.decode()

    for heading in headings:
        assert heading in content
    assert "Meeting and agenda" not in content


def test_admin_list_title_in_russian_does_not_decline_the_models_name_wrongly(superuser_client, meeting):
    superuser_client.cookies["django_language"] = "ru"

    content = superuser_client.get(reverse("admin:agenda_meeting_changelist")).content.decode()

    assert "Выбор для изменения: совещание" in content
