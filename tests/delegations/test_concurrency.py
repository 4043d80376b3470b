"""On PostgreSQL, 20 simultaneous nominations to an NGO capped at two leave two members and the rest waiting."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from delegations import services
from delegations.models import Entity, Member, MemberCap
from registration.models import Registration
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOMINATIONS = 20


def test_member_nominate_twenty_simultaneous_with_a_cap_of_two():
    meeting = MeetingFactory()
    MemberCap.objects.create(meeting=meeting, category=Registration.Category.CIVIL_SOCIETY, max_members=2)
    ngo = Entity.objects.create(
        kind=Entity.Kind.ORGANISATION, name="Migrant Forum", country="AT", category="civil_society"
    )
    delegation = services.delegation_open(meeting=meeting, entity=ngo)
    language = meeting.interpretation_languages.first()
    barrier = threading.Barrier(NOMINATIONS)
    errors = []

    def nominate(index):
        data = {
            "honorific": "",
            "first_name": f"Member {index}",
            "last_name": "Forum",
            "job_title": "Officer",
            "email": f"member{index}@forum.example",
            "listening_language": language,
            "wishes_to_speak": False,
        }
        try:
            barrier.wait()
            services.member_nominate(delegation=delegation, data=data, role="member", language="en", now=timezone.now())
        except Exception as exc:  # noqa: BLE001 - any error is what the test reports
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=nominate, args=(index,)) for index in range(NOMINATIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    members = list(Member.objects.select_related("registration").order_by("registration__created_at", "pk"))
    statuses = [member.registration.status for member in members]
    assert errors == []
    assert len(members) == NOMINATIONS
    assert statuses.count(Registration.Status.PENDING) == 2
    # In order of arrival: the two who got in arrived before everyone waiting.
    assert statuses[:2] == [Registration.Status.PENDING] * 2
    assert set(statuses[2:]) == {Registration.Status.WAITING}
