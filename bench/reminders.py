"""Benchmark: queue one reminder for 1,000 and 10,000 registrants; report messages per second and SQL queries per batch.

Run from the repository root:  .venv/bin/python bench/reminders.py [--registrants 1000 10000] [--broker URL]

It builds a throwaway test database (SQLite in memory, or PostgreSQL's test_… database when
DATABASE_URL names PostgreSQL), writes the registrants, then times `reminder_send_due`: rendering
each email, writing the rows in batches, and publishing one task message per row. Messages go to
the in-process kombu "memory://" transport unless --broker names a real one (e.g. Redis); no
email is sent. The number of queries per batch must be the same whatever the number of
registrants: the script exits with status 1 if it is not.
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
from imrf_event.celery import app  # noqa: E402
from registration.mail import outbox, reminders  # noqa: E402
from registration.models import OutgoingEmail, Registration, Reminder  # noqa: E402


class QueryLog:
    """Counts SQL statements, and where each reminder batch ends."""

    def __init__(self):
        self.count = 0
        self.batch_ends = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def use_broker(url):
    """Send tasks to a real broker from here on (the settings run them in-process)."""
    app.conf.update(broker_url=url, task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None


def bench_meeting(label):
    """A meeting 20 days ahead with English as its one listening language; returns it and the language."""
    starts = timezone.now() + datetime.timedelta(days=20)
    meeting = Meeting.objects.create(
        slug=f"bench-{label}",
        title="100 Days to the International Migration Review Forum",
        short_name="IMRF 100 days",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        registration_deadline=starts.date(),
        contact_email="roviennapolicyandliaison@iom.int",
    )
    language, _created = InterpretationLanguage.objects.get_or_create(code="en", defaults={"name": "English"})
    meeting.interpretation_languages.add(language)
    return meeting, language


def _registrants(meeting, language, count):
    registered = timezone.now() - datetime.timedelta(days=30)
    Registration.objects.bulk_create(
        [
            Registration(
                meeting=meeting,
                first_name=f"Participant {number}",
                last_name="Bench",
                email=f"participant{number}@{meeting.slug}.example.org",
                job_title="Policy officer",
                organisation="Ministry of Interior",
                category=Registration.Category.MEMBER_STATE,
                country="AT",
                listening_language=language,
                gender=Registration.Gender.PREFER_NOT,
                privacy_consent_at=registered,
                created_at=registered,
            )
            for number in range(count)
        ],
        batch_size=1000,
    )


def run(count, batch_size):
    meeting, language = bench_meeting(str(count))
    _registrants(meeting, language, count)
    week = meeting.reminders.get(kind=Reminder.Kind.DAYS_BEFORE, days_before=7)
    now = week.send_at + datetime.timedelta(minutes=1)

    log = QueryLog()
    published = []
    batch_queue, dispatch = reminders.reminder_batch_queue, outbox.email_dispatch

    def counted_batch_queue(**kwargs):
        created = batch_queue(**kwargs)
        log.batch_ends.append(log.count)
        return created

    def counted_dispatch(**kwargs):
        published.append(dispatch(**kwargs))
        return published[-1]

    reminders.reminder_batch_queue, outbox.email_dispatch = counted_batch_queue, counted_dispatch
    try:
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            queued = reminders.reminder_send_due(now=now)
            elapsed = time.perf_counter() - started
    finally:
        reminders.reminder_batch_queue, outbox.email_dispatch = batch_queue, dispatch

    # Each batch: the SELECT of its registrants, then its writes; the first also holds the reminders' lookup.
    per_batch = [end - start for start, end in zip(log.batch_ends, log.batch_ends[1:], strict=False)]
    if not queued == count == OutgoingEmail.objects.filter(reminder=week).count() == sum(published):
        raise RuntimeError(f"expected {count} reminders, queued {queued}, published {sum(published)}")
    return {
        "registrants": count,
        "seconds": elapsed,
        "messages_per_second": sum(published) / elapsed,
        "batches": len(log.batch_ends),
        "queries_total": log.count,
        "queries_per_batch": sorted(set(per_batch)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--batch-size", type=int, default=reminders.REMINDER_BATCH_SIZE)
    parser.add_argument("--broker", default="memory://", help="kombu URL the task messages go to")
    options = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    use_broker(options.broker)
    reminders.REMINDER_BATCH_SIZE = options.batch_size
    try:
        results = [run(count, options.batch_size) for count in options.registrants]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}, broker: {options.broker}, batch size: {options.batch_size}")
    for result in results:
        print(
            f"{result['registrants']:>7} registrants: {result['seconds']:6.2f} s, "
            f"{result['messages_per_second']:7.0f} messages/s, {result['batches']} batches, "
            f"{result['queries_total']} queries, queries per batch: {result['queries_per_batch']}"
        )
    per_batch = {count for result in results for count in result["queries_per_batch"]}
    if len(per_batch) > 1:
        print(f"FAIL: the queries per batch differ: {sorted(per_batch)}")
        return 1
    print(f"OK: {per_batch.pop() if per_batch else 0} queries per batch, whatever the number of registrants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
