"""On PostgreSQL, simultaneous registrations with one email in different case leave exactly one row."""

import threading

import pytest
from django.db import connection

from registration import services
from registration.models import Registration
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = 20


def test_registration_create_twenty_simultaneous_same_email_saves_one():
    meeting = MeetingFactory()
    language = meeting.interpretation_languages.first()
    barrier = threading.Barrier(SUBMISSIONS)
    outcomes, errors = [], []

    def submit(index):
        email = "".join(c.upper() if (index >> i) & 1 else c for i, c in enumerate("zeynep@example.tr"))
        data = {
            "first_name": f"Zeynep {index}",
            "last_name": "Yılmaz",
            "email": email,
            "job_title": "Expert",
            "organisation": "Presidency of Migration Management",
            "category": Registration.Category.MEMBER_STATE,
            "country": "TR",
            "imrf_attendance_level": Registration.AttendanceLevel.TECHNICAL,
            "listening_language": language,
            "gender": Registration.Gender.WOMAN,
            "diversity_consent": True,
        }
        try:
            barrier.wait()
            outcomes.append(services.registration_create(meeting=meeting, data=data).created)
        except Exception as exc:  # noqa: BLE001 - any error is what the test reports
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count(True) == 1
    assert outcomes.count(False) == SUBMISSIONS - 1
    assert Registration.objects.filter(email__iexact="zeynep@example.tr").count() == 1
