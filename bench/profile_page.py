"""Profile one page in-process with cProfile, to see what limits it; bench/web.py --profile runs it.

Usage (environment as bench/web.py sets it): python bench/profile_page.py PATH [get|post|register] [REQUESTS]
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The test client's host; the site's own ALLOWED_HOSTS stay as they are.
os.environ["ALLOWED_HOSTS"] = os.environ.get("ALLOWED_HOSTS", "") + ",testserver"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.support.servers import REGISTRATION_FORM  # noqa: E402

WARM_UP = 5
SHOWN = 30


def requester(path: str, mode: str):
    client = Client()
    if mode == "get":
        return lambda index: client.get(path)
    if mode == "post":
        return lambda index: client.post(path, "", content_type="application/x-www-form-urlencoded")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM agenda_interpretationlanguage WHERE code = 'en' ORDER BY id LIMIT 1")
        (language,) = cursor.fetchone()
    run = f"profile-{os.getpid()}-{time.time_ns()}"

    def register(index):
        body = urlencode({**REGISTRATION_FORM, "listening_language": language, "email": f"{run}-{index}@example.org"})
        return client.post(path, body, content_type="application/x-www-form-urlencoded")

    return register


def main() -> None:
    path = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "get"
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    request = requester(path, mode)
    for index in range(WARM_UP):
        request(-index - 1)
    with CaptureQueriesContext(connection) as queries:
        status = request(-WARM_UP - 1).status_code
    # Read now: every later request empties the connection's query log.
    sql = [query["sql"] for query in queries.captured_queries]

    started_cpu, started = time.process_time(), time.perf_counter()
    for index in range(count):
        request(index)
    cpu_ms = 1000 * (time.process_time() - started_cpu) / count
    wall_ms = 1000 * (time.perf_counter() - started) / count

    profile = cProfile.Profile()
    profile.enable()
    for index in range(count, 2 * count):
        request(index)
    profile.disable()

    print(f"{mode.upper()} {path}: status {status}, {len(sql)} SQL queries")
    print(f"  unprofiled: {cpu_ms:.2f} ms CPU, {wall_ms:.2f} ms wall per request (in-process, {count} requests)")
    for statement in sql:
        print(f"    {statement[:110]}")
    for order in ("cumulative", "tottime"):
        output = io.StringIO()
        stats = pstats.Stats(profile, stream=output)
        stats.sort_stats(order).print_stats(SHOWN)
        print(f"\n  by {order}:")
        print(output.getvalue().split("\n\n", 2)[-1].rstrip())


if __name__ == "__main__":
    main()
