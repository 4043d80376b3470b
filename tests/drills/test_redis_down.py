"""Drill: Redis (the Celery broker and Django's cache) stops; a participant registers meanwhile.

The registration is saved with its confirmation row queued, the public pages are still served, and
/healthz says the broker is unreachable. Once Redis is back, the worker reconnects and the periodic
re-queue hands it the row: the confirmation arrives, once.
"""

import pytest

from registration.mail.outbox import REQUEUE_QUEUED_AFTER

from .conftest import celery_worker, gunicorn, redis_idle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Late enough for the re-queue to take a queued row's task message for lost.
LOST_MINUTES = int(REQUEUE_QUEUED_AFTER.total_seconds() // 60) + 1
ADDRESS = "olena.kovalenko@example.ua"


def _confirmation_status(site) -> list[list[str]]:
    return site.sql(
        "SELECT e.status FROM registration_outgoingemail e JOIN registration_registration r"  # noqa: S608 (a constant)
        f" ON r.id = e.registration_id WHERE r.email = '{ADDRESS}' AND e.kind = 'confirmation'"
    )


def test_registration_while_redis_is_down_is_saved_and_confirmed_once_redis_is_back(site, redis_server, smtp_sink):
    sink, smtp_port = smtp_sink
    site = site.configured(CELERY_BROKER_URL=redis_server.url(0), CACHE_URL=redis_server.url(1))
    with gunicorn(site) as web, celery_worker(site, smtp_port=smtp_port) as worker:
        web.fetch_csrf()
        health_before = web.get("/healthz")[0]

        redis_server.stop()
        response = web.register(ADDRESS)
        # Checked at once: without the registration, the waits below could only time out.
        assert response.status == 302, f"answered {response.status}; the server's log ends with:\n{web.log()}"
        status_while_down = _confirmation_status(site)
        page_while_down = web.get("/imrf-100-days/agenda/")[0]
        health_while_down = web.get("/healthz")[0]
        redis_server.start()

        worker.wait_for(lambda: web.get("/healthz")[0] == 200, "/healthz to see Redis again")
        requeued = site.email_requeue_stale(minutes_ahead=LOST_MINUTES)
        worker.wait_for(lambda: sink.delivered_to(ADDRESS), "the confirmation in the SMTP inbox")
        worker.wait_for(lambda: redis_idle(redis_server), "the worker to finish every task")

    assert health_before == 200
    assert status_while_down == [["queued"]]
    assert page_while_down == 200
    assert health_while_down == 503
    assert requeued == 1
    assert len(sink.delivered_to(ADDRESS)) == 1
    assert _confirmation_status(site) == [["sent"]]
