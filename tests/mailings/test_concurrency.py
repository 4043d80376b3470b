"""On PostgreSQL, two organisers pressing "send" at once send the message once to each registrant."""

import threading

import pytest
from django.db import connection

from mailings import services
from mailings.models import Mailing, MailingRecipient
from registration.models import OutgoingEmail
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PRESSES = 8


def test_mailing_send_pressed_at_once_writes_each_registrant_once():
    meeting = MeetingFactory()
    RegistrationFactory.create_batch(20, meeting=meeting)
    mailing = Mailing.objects.create(meeting=meeting, subject_en="Documents are posted", body_en="See the site.")
    barrier = threading.Barrier(PRESSES)
    outcomes, errors = [], []

    def press():
        try:
            barrier.wait()
            outcomes.append(services.mailing_send(mailing=mailing, user=None))
            services.mailing_emails_write(mailing_id=mailing.pk)
        except Exception as exc:  # noqa: BLE001 - any error is what the test reports
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(PRESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count(True) == 1
    assert MailingRecipient.objects.filter(mailing=mailing).count() == 20
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING).count() == 20
