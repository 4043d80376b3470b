"""Drill: the Celery worker's process is killed (SIGKILL) in the middle of sending a confirmation.

The SMTP server holds back its reply to DATA, so the kill lands after the worker marked the row
"sending" and before the server accepted the message. Late acknowledgement hands the task back to
the broker, the stale-"sending" re-queue revives the row, and the confirmation arrives exactly once.
"""

import os
import signal

import pytest

from registration.mail.outbox import REQUEUE_SENDING_AFTER

from .conftest import celery_worker, redis_idle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Late enough for the re-queue to take a "sending" row for abandoned.
STALE_MINUTES = int(REQUEUE_SENDING_AFTER.total_seconds() // 60) + 1
ADDRESS = "amina.hodzic@example.ba"
REGISTER = f"""
from agenda.selectors import meeting_get_legacy
from registration import services
meeting = meeting_get_legacy()
result = services.registration_create(meeting=meeting, data={{
    "first_name": "Amina", "last_name": "Hodžić", "email": "{ADDRESS}", "job_title": "Programme officer",
    "organisation": "Udruženje migranata", "category": "migrant_diaspora", "country": "BA",
    "listening_language": meeting.interpretation_languages.get(code="bcms"), "gender": "woman",
    "diversity_consent": True,
}})
print(result.registration.pk)
"""


def _confirmation(site, registration_id: str) -> tuple[str, str]:
    ((status, attempts),) = site.sql(
        "SELECT status, attempts FROM registration_outgoingemail"  # noqa: S608 (an int, not input)
        f" WHERE registration_id = {int(registration_id)} AND kind = 'confirmation'"
    )
    return status, attempts


def test_worker_killed_while_sending_loses_no_email_and_sends_none_twice(site, redis_server, smtp_sink):
    sink, smtp_port = smtp_sink
    site = site.configured(CELERY_BROKER_URL=redis_server.url(0))
    sink.hold = True
    with celery_worker(site, smtp_port=smtp_port) as worker:
        (child,) = worker.children()
        registration_id = site.python(REGISTER).splitlines()[-1]
        worker.wait_for(sink.data_started.is_set, "the worker to start sending")
        status_at_kill = _confirmation(site, registration_id)[0]

        os.kill(child, signal.SIGKILL)
        worker.wait_for(sink.aborted.is_set, "the SMTP server to see the sender gone")
        sink.hold = False
        worker.wait_for(lambda: "WorkerLostError" in worker.log(), "the worker to notice its child died")
        # Redelivered at once, the task finds the row still "sending" and leaves it alone: a live
        # worker could be in the middle of it. Only the periodic re-queue, once the row is stale, revives it.
        worker.wait_for(lambda: redis_idle(redis_server), "the redelivered task to run")
        delivered_before_requeue = len(sink.delivered_to(ADDRESS))
        requeued = site.email_requeue_stale(minutes_ahead=STALE_MINUTES)
        worker.wait_for(lambda: _confirmation(site, registration_id)[0] == "sent", "the confirmation to be sent")
        worker.wait_for(lambda: redis_idle(redis_server), "the worker to finish every task")
        requeued_again = site.email_requeue_stale(minutes_ahead=STALE_MINUTES)

    assert status_at_kill == "sending"
    assert delivered_before_requeue == 0
    assert requeued == 1
    assert requeued_again == 0
    (message,) = sink.delivered_to(ADDRESS)
    assert "Amina" in message.get_body(("plain",)).get_content()
    assert _confirmation(site, registration_id) == ("sent", "2")
