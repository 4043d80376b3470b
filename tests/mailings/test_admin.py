"""The organisers' message pages: write, preview, test, confirm, send; another team sees none of it."""

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from mailings.models import Mailing
from tests.factories import MeetingFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client, meeting):
    user = user_create(username="amal", group=ORGANISERS, teams=[meeting])
    user.email = "amal@iom.example.int"
    user.save()
    client.force_login(user)
    return user


def test_write_preview_test_confirm_and_send(client, organiser, meeting, readers, django_capture_on_commit_callbacks):
    french = meeting.interpretation_languages.get(code="fr")
    response = client.post(
        reverse("admin:mailings_mailing_add"),
        {
            "meeting": meeting.pk,
            "subject_en": "The link changed",
            "body_en": "Dear {first_name}, the link changed.",
            "subject_fr": "Le lien a changé",
            "body_fr": "Bonjour {first_name}, le lien a changé.",
            "audience": "registrants",
            "listening_languages": [french.pk],
            "speakers": "",
        },
    )
    mailing = Mailing.objects.get()
    assert response["Location"] == reverse("admin:mailings_mailing_preview", args=[mailing.pk])
    preview = client.get(response["Location"]).content.decode()
    tested = client.post(reverse("admin:mailings_mailing_test", args=[mailing.pk]), {"language": "fr"}, follow=True)
    confirm = client.get(reverse("admin:mailings_mailing_confirm", args=[mailing.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("admin:mailings_mailing_confirm", args=[mailing.pk]))
    sent = client.get(sent["Location"])
    again = client.post(reverse("admin:mailings_mailing_confirm", args=[mailing.pk]), follow=True)

    assert "Bonjour Claire, le lien a changé." in preview
    assert "Shown with the details of" in preview
    assert "A test was sent to amal@iom.example.int" in tested.content.decode()
    assert "This message will be sent to 1 registrant." in confirm
    assert "The message is being sent to 1 registrant." in sent.content.decode()
    assert "1 sent, 0 waiting" in sent.content.decode()
    assert "sent already; it was not sent again" in again.content.decode()
    assert [message.to for message in django_mail.outbox] == [["amal@iom.example.int"], [readers["fr"].email]]


def test_confirm_warns_of_languages_read_in_english(client, organiser, mailing, readers):
    page = client.get(reverse("admin:mailings_mailing_confirm", args=[mailing.pk])).content.decode()

    assert "This message will be sent to 3 registrants." in page
    assert "they will get the English text" in page
    assert "Russian: 1 registrant" in page


def test_confirm_blocks_a_follow_up_before_the_meeting_ends(client, organiser, mailing, readers):
    mailing.audience = Mailing.Audience.ATTENDED
    mailing.save()

    page = client.get(reverse("admin:mailings_mailing_confirm", args=[mailing.pk])).content.decode()
    response = client.post(reverse("admin:mailings_mailing_confirm", args=[mailing.pk]), follow=True)

    assert "only once the meeting has ended" in page
    assert "Send to" not in page
    assert "only once the meeting has ended" in response.content.decode()
    assert django_mail.outbox == []


def test_another_teams_organiser_sees_and_sends_none_of_it(client, mailing, readers):
    other_meeting = MeetingFactory()
    stranger = user_create(username="other", group=ORGANISERS, teams=[other_meeting])
    client.force_login(stranger)

    listing = client.get(reverse("admin:mailings_mailing_changelist")).content.decode()
    pages = [
        client.get(reverse(name, args=[mailing.pk])).status_code
        for name in (
            "admin:mailings_mailing_change",
            "admin:mailings_mailing_preview",
            "admin:mailings_mailing_confirm",
        )
    ]
    posted = client.post(reverse("admin:mailings_mailing_confirm", args=[mailing.pk]))

    assert mailing.subject not in listing
    assert pages[1:] == [404, 404]
    assert pages[0] in (302, 404)
    assert posted.status_code == 404
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
    assert django_mail.outbox == []
