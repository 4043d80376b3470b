"""Drill: PostgreSQL stops for a few seconds while registrations arrive, then comes back.

While it is down, every answer is the 503 "try again" page, never a traceback; no registration
is saved half-way; once it is back, registrations succeed again, with and without persistent
database connections.
"""

import threading
import time
from collections import Counter

import pytest

from tests.support.servers import wait_for

from .conftest import WAIT_SECONDS, Response, gunicorn

pytestmark = pytest.mark.postgres

CLIENTS = 4
DOWN_SECONDS = 4
SUCCESSES_WANTED = 5


class Registrants:
    """Client threads posting registrations, each with a new email address, until told to stop."""

    def __init__(self, web, *, prefix: str):
        self.web = web
        self.prefix = prefix
        self.results: list[tuple[float, str, Response | None]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._post, args=(index,)) for index in range(CLIENTS)]

    def _post(self, index: int) -> None:
        count = 0
        while not self.stopping.is_set():
            count += 1
            address = f"{self.prefix}-{index}-{count}@example.org"
            try:
                response = self.web.register(address)
            except OSError:
                response = None
            with self.lock:
                self.results.append((time.monotonic(), address, response))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=WAIT_SECONDS)

    def successes_after(self, moment: float) -> int:
        with self.lock:
            return sum(
                1 for at, _address, response in self.results if at > moment and response and response.status == 302
            )


@pytest.mark.parametrize("conn_max_age", ["0", "60"])
def test_registration_while_postgres_is_down_answers_503_and_saves_nothing_half_way(site, conn_max_age):
    prefix = f"down{conn_max_age}"
    with gunicorn(site, CONN_MAX_AGE=conn_max_age) as web:
        web.fetch_csrf()
        started = time.monotonic()
        with Registrants(web, prefix=prefix) as registrants:
            wait_for(lambda: registrants.successes_after(started) >= SUCCESSES_WANTED, timeout=WAIT_SECONDS)
            site.postgres.stop()
            try:
                # The outage itself: registrations keep arriving meanwhile.
                time.sleep(DOWN_SECONDS)
                health_while_down = web.get("/healthz")[0]
            finally:
                site.postgres.start()
            restarted = time.monotonic()
            wait_for(lambda: registrants.successes_after(restarted) >= SUCCESSES_WANTED, timeout=WAIT_SECONDS)
        health_after = web.get("/healthz")[0]
        server_log = web.log()

    results = registrants.results
    statuses = Counter(response.status if response else "no answer" for _at, _address, response in results)
    refusals = [response for _at, _address, response in results if response and response.status == 503]
    accepted = {address for _at, address, response in results if response and response.status == 302}
    # The prefix is this test's own constant, not input.
    rows = site.sql(
        "SELECT r.email, r.first_name, r.last_name, r.organisation, r.country, r.status, (SELECT count(*)"  # noqa: S608
        " FROM registration_outgoingemail e WHERE e.registration_id = r.id AND e.kind = 'confirmation')"
        f" FROM registration_registration r WHERE r.email LIKE '{prefix}-%'"
    )
    saved = {row[0] for row in rows}
    assert set(statuses) == {302, 503}, f"answers: {statuses}; server log:\n{server_log}"
    assert all("try again" in response.body.lower() for response in refusals)
    assert not any("Traceback" in response.body or "OperationalError" in response.body for response in refusals)
    assert all(response.headers.get("retry-after") for response in refusals)
    assert accepted <= saved, f"answered 302 but not saved: {sorted(accepted - saved)}"
    assert all(
        row[1:6] == ["Ђорђе", "Đoković-Čačić", "Ministarstvo unutrašnjih poslova", "RS", "active"] for row in rows
    ), rows
    assert all(row[6] == "1" for row in rows), "a registration without exactly one confirmation email row"
    assert health_while_down == 503
    assert health_after == 200
