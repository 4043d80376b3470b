"""Benchmark: import a Zoom attendance report of 20,000 and 100,000 lines; report seconds and SQL queries.

Run from the repository root:  .venv/bin/python bench/attendance.py [--lines 20000 100000]

It builds a throwaway test database (SQLite in memory, or PostgreSQL's test_… database when
DATABASE_URL names PostgreSQL), writes one registration for every third person of the report, then
times `attendance_import` on the report, and again on the same report with one more line (a second
session: every row is updated). The number of SELECT queries must be the same whatever the size of
the report: the script exits with status 1 if it is not.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrf_event.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from agenda.models import InterpretationLanguage, Meeting  # noqa: E402
from registration.models import Registration  # noqa: E402
from registration.online.attendance import attendance_import  # noqa: E402

HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


class QueryLog:
    """Counts SQL statements, and the SELECTs among them."""

    def __init__(self):
        self.count = self.selects = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.selects += sql.lstrip().upper().startswith("SELECT")
        return execute(sql, params, many, context)


def _report(lines: int) -> bytes:
    rows = (
        # Short lines, as the review's report (20,000 lines in 0.4 MB): 100,000 stay under the 5 MB cap.
        f"P {n},p{n}@ex.org,,,60,No\n"
        for n in range(lines)
    )
    return (HEADER + "".join(rows)).encode()


def _meeting(lines: int) -> Meeting:
    starts = timezone.now() - datetime.timedelta(days=1)
    meeting = Meeting.objects.create(
        slug=f"bench-attendance-{lines}",
        title="100 Days to the International Migration Review Forum",
        short_name="IMRF 100 days",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        registration_deadline=starts.date(),
    )
    language, _created = InterpretationLanguage.objects.get_or_create(code="en", defaults={"name": "English"})
    Registration.objects.bulk_create(
        [
            Registration(
                meeting=meeting,
                first_name="Participant",
                last_name=str(n),
                email=f"p{n}@ex.org",
                job_title="Adviser",
                organisation="Ministry",
                category="member_state",
                country="RS",
                privacy_consent_at=timezone.now(),
                listening_language=language,
            )
            for n in range(0, lines, 3)
        ],
        batch_size=2000,
    )
    return meeting


def _timed(meeting: Meeting, content: bytes) -> tuple[str, QueryLog, object]:
    """Wall-clock seconds and this process's CPU seconds (the rest is the database and waiting)."""
    log = QueryLog()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(log):
        result = attendance_import(meeting=meeting, content=content)
    return f"{time.perf_counter() - started:.2f} s ({time.process_time() - cpu:.2f} s CPU)", log, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[20_000, 100_000])
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    selects = set()
    try:
        for lines in args.lines:
            meeting = _meeting(lines)
            content = _report(lines)
            seconds, log, result = _timed(meeting, content)
            print(
                f"{lines:>7} lines ({len(content) / 1e6:.1f} MB): first import {seconds}, "
                f"{log.count} queries ({log.selects} SELECT); {result.matched} matched, {result.unmatched} not"
            )
            selects.add(log.selects)
            seconds, log, result = _timed(meeting, content + b"Late,late@example.org,,,5,No\n")
            print(f"{'':>7} second session, every row updated: {seconds}, {log.count} queries ({log.selects} SELECT)")
            selects.add(log.selects)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if len(selects) != 1:
        print(f"SELECT queries depend on the report's size: {sorted(selects)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
