"""Benchmark: a message to 5,000 registrants: the button's answer, the rows written, the task messages published.

Run from the repository root:  .venv/bin/python bench/mailings.py [--registrants 5000] [--broker URL]

It builds a throwaway test database (SQLite in memory, or PostgreSQL's test_… database when
DATABASE_URL names PostgreSQL), writes the registrants in four languages, then times
`mailing_send` (what the organiser's "Send" waits for) and the task behind it,
`mailing_emails_write`: one outbox row and one recipient row per registrant, in bulk, and one
`mailings.send_batch` task message per 100 rows once it commits. Messages go to the in-process kombu
"memory://" transport unless --broker names a real one (e.g. Redis); no email is sent.
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.reminders import bench_meeting, use_broker  # noqa: E402
from mailings import services  # noqa: E402
from mailings.models import Mailing, MailingRecipient  # noqa: E402
from registration.models import OutgoingEmail, Registration  # noqa: E402

LANGUAGES = ("en", "fr", "es", "ru")


def _mailing(count):
    meeting, language = bench_meeting(str(count))
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
                language=LANGUAGES[number % len(LANGUAGES)],
                privacy_consent_at=registered,
                created_at=registered,
            )
            for number in range(count)
        ],
        batch_size=1000,
    )
    return Mailing.objects.create(
        meeting=meeting,
        subject_en="The agenda was revised",
        body_en="Dear {first_name},\n\nThe revised agenda is online.\n" * 5,
        subject_fr="L'ordre du jour a été révisé",
        body_fr="Madame, Monsieur {last_name},\n\nL'ordre du jour révisé est en ligne.\n" * 5,
    )


def run(count):
    mailing = _mailing(count)
    published = []
    dispatch = services._batches_dispatch
    queue_task = services._write_emails_queue

    def counted_dispatch(**kwargs):
        started = time.perf_counter()
        published.append((dispatch(**kwargs), time.perf_counter() - started))
        return published[-1][0]

    # The button's own time, without the task it queues: the task is timed on its own below.
    services._write_emails_queue = lambda **kwargs: None
    services._batches_dispatch = counted_dispatch
    try:
        started = time.perf_counter()
        services.mailing_send(mailing=mailing, user=None)
        button = time.perf_counter() - started
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            written = services.mailing_emails_write(mailing_id=mailing.pk)
            task = time.perf_counter() - started
    finally:
        services._write_emails_queue, services._batches_dispatch = queue_task, dispatch
    rows = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING, registration__meeting=mailing.meeting).count()
    batches = -(-count // services.SEND_BATCH_SIZE)
    if not written == count == rows == MailingRecipient.objects.filter(mailing=mailing).count():
        raise RuntimeError(f"expected {count}, wrote {written}, rows {rows}")
    if published[0][0] != batches:
        raise RuntimeError(f"expected {count}, wrote {written}, rows {rows}, published {published}")
    return {
        "registrants": count,
        "button": button,
        "task": task,
        "publish": published[0][1],
        "messages": published[0][0],
        "queries": len(queries),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, nargs="+", default=[5000])
    parser.add_argument("--broker", default="memory://", help="kombu URL the task messages go to")
    options = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    use_broker(options.broker)
    try:
        results = [run(count) for count in options.registrants]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}, broker: {options.broker}")
    for result in results:
        print(
            f"{result['registrants']:>7} registrants: button {result['button'] * 1000:.0f} ms; task "
            f"{result['task']:.2f} s in all ({result['queries']} queries), of which publishing "
            f"{result['messages']} task messages {result['publish']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
