"""Benchmark: the organisers' admin with 100,000 registrations on PostgreSQL: list, dashboard, background exports.

Run from the repository root, with DATABASE_URL naming a PostgreSQL server and redis-server installed:

    DATABASE_URL=postgres://USER@HOST:PORT/NAME .venv/bin/python bench/admin.py [--registrations 100000]
        [--only pages|background] [--immediate-exports]

It builds a throwaway test database (test_NAME), seeds the registrations (each with a
confirmation email row, as the real form writes one), runs ANALYZE as autovacuum would, and
requests each admin page through Django's test client as a signed-in superuser: the time of a
whole request, the median of --runs after one warm-up, and the SQL statements it ran.

Exports of more than EXPORT_IN_BACKGROUND_FROM_ROWS rows are built by a Celery task: the script
starts a throwaway Redis and a real worker (`celery worker --pool solo`, production settings) on
the same test database and export directory (bench/background.py), clicks each export of the
whole list and of a tenth of it, times the request's answer (a redirect to the progress page),
polls that page every half second until it offers the file, downloads the file and counts its
data rows (csv module; openpyxl read-only), and reads the worker's peak resident memory for that
build (VmHWM, reset before each click). If memory grew with rows, the tenth would need far less.

--immediate-exports also times the exports built inside the request, as they were before the
background exports (threshold raised for the measurement; the XLSX of 100,000 rows takes about
30 s), with their peak of Python allocations (tracemalloc) for the whole table and a tenth.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrf_event.test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from agenda.services import meeting_load_imrf  # noqa: E402
from bench import background  # noqa: E402
from registration.countries import unece_member_states  # noqa: E402
from registration.models import OutgoingEmail, Registration  # noqa: E402

BATCH = 5000
FIRST_NAMES = ["Ђорђе", "Amira", "Jean", "Ana", "Олена", "Mehmet", "Fatima", "Lars", "Đurđa", "Sophie"]
LAST_NAMES = ["Đoković", "Hadžić", "Dupont", "Petrova", "Шевченко", "Yılmaz", "Nilsson", "Kovač", "Müller"]
OTHER_COUNTRIES = ["KE", "MX", "PH", "MA", "NG", "BR", "IN", "EG"]
# One category of ten: if an export's memory grew with its rows, a tenth would need a tenth of it.
TENTH = "?category__exact=academia"


def _seed(meeting, count):
    rng = random.Random(2022)
    languages = list(meeting.interpretation_languages.all())
    unece = [code for code, _name in unece_member_states()]
    # Leave some member States out, so the dashboard's "not yet represented" list is not empty.
    represented = unece[:48]
    first_day = meeting.starts_at - datetime.timedelta(days=70)
    choice = rng.choice
    registrations = []
    for number in range(count):
        category = choice(Registration.Category.values)
        created = first_day + datetime.timedelta(minutes=rng.randrange(60 * 24 * 60))
        other = number % 97 == 0
        registrations.append(
            Registration(
                meeting=meeting,
                first_name=choice(FIRST_NAMES),
                last_name=choice(LAST_NAMES),
                email=f"participant{number}@example.org",
                job_title="Policy officer",
                organisation=choice(["Ministry of Interior", "IOM", "Caritas", "University of Sarajevo"]),
                category=category,
                country=choice(represented) if rng.random() < 0.8 else choice(OTHER_COUNTRIES),
                imrf_attendance_level=choice(Registration.AttendanceLevel.values)
                if category == Registration.Category.MEMBER_STATE
                else "",
                listening_language=choice(languages),
                other_language="Albanian" if other else "",
                other_language_reason="Our delegation works in Albanian." if other else "",
                gender=choice(Registration.Gender.values),
                age_group=choice([*Registration.AgeGroup.values, ""]),
                disability=choice(["yes", "no", "prefer_not", ""]),
                youth=choice(["yes", "no", ""]),
                wishes_to_speak=number % 20 == 0,
                intervention_coordination=choice(["own", "group"]) if number % 20 == 0 else "",
                intervention_group=choice(["European Union", "Group of Friends"]) if number % 40 == 0 else "",
                status=Registration.Status.CANCELLED if number % 50 == 0 else Registration.Status.ACTIVE,
                privacy_consent_at=created,
                created_at=created,
            )
        )
        if len(registrations) == BATCH:
            _write(registrations)
            registrations = []
    _write(registrations)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registration_registration")
        cursor.execute("ANALYZE registration_outgoingemail")


def _write(registrations):
    created = Registration.objects.bulk_create(registrations)
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            registration=registration,
            kind=OutgoingEmail.Kind.CONFIRMATION,
            to_email=registration.email,
            subject="[IMRF 100 days] Your registration is confirmed",
            body_text="Dear participant, …",
            status=OutgoingEmail.Status.FAILED if registration.pk % 100 == 0 else OutgoingEmail.Status.SENT,
            created_at=registration.created_at,
        )
        for registration in created
    )


def _read(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _time(client, url, runs):
    _read(client.get(url))
    seconds = []
    for _run in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            size = _read(response)
            seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    return statistics.median(seconds), len(queries), len(counts), size


def _peak_memory(client, url):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        size = _read(client.get(url))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


def _pages(client, options):
    changelist = reverse("admin:registration_registration_changelist")
    # Half-way through: the OFFSET PostgreSQL must skip is what makes deep pages slower.
    middle_page = max(1, options.registrations // 200)
    pages = [
        ("changelist, first page", changelist),
        (f"changelist, page {middle_page}", f"{changelist}?p={middle_page}"),
        ("changelist, filtered by category", f"{changelist}?category__exact=civil_society"),
        ("changelist, search “Hadžić”", f"{changelist}?q=Had%C5%BEi%C4%87"),
        ("changelist, failed confirmations", f"{changelist}?confirmation=failed"),
        ("dashboard", reverse("admin:registration_dashboard")),
    ]
    timings = [(label, *_time(client, url, options.runs)) for label, url in pages]
    if not options.immediate_exports:
        return timings, []
    # As before issue 15: built inside the request, which lists above the threshold no longer are.
    with override_settings(EXPORT_IN_BACKGROUND_FROM_ROWS=sys.maxsize):
        speakers = reverse("admin:registration_registration_speakers", args=["csv"])
        timings += [(f"immediate {label}", *_time(client, url, options.runs)) for label, _format, url in _exports()[:2]]
        timings.append(("immediate speakers' list CSV", *_time(client, speakers, options.runs)))
        memory = [(label, *_peak_memory(client, url)) for label, _format, url in _exports()]
    return timings, memory


def _exports():
    csv_url = reverse("admin:registration_registration_export", args=["csv"])
    xlsx_url = reverse("admin:registration_registration_export", args=["xlsx"])
    return [
        ("CSV, all rows", "csv", csv_url),
        ("XLSX, all rows", "xlsx", xlsx_url),
        ("CSV, a tenth (one category)", "csv", csv_url + TENTH),
        ("XLSX, a tenth (one category)", "xlsx", xlsx_url + TENTH),
    ]


def _background(client):
    everyone = Registration.objects.count()
    tenth = Registration.objects.filter(category=Registration.Category.ACADEMIA).count()
    with tempfile.TemporaryDirectory(prefix="imrf-bench-exports-") as directory:
        export_dir = Path(directory)
        # This process serves the progress page and the file; the worker writes it: one directory for both.
        with override_settings(EXPORT_DIR=export_dir), background.worker_running(export_dir=export_dir) as worker:
            idle_kib = worker.memory_kib("VmRSS")
            # A first click pays once for what a long-running web process already holds (templates,
            # the broker connection); it is not counted.
            label, format_id, url = _exports()[2]
            background.export_measure(
                client=client, worker=worker, label=label, url=url, format_id=format_id, expected_rows=tenth
            )
            first_peak_kib = worker.memory_kib("VmHWM")
            measurements = [
                background.export_measure(
                    client=client,
                    worker=worker,
                    label=label,
                    url=url,
                    format_id=format_id,
                    expected_rows=tenth if url.endswith(TENTH) else everyone,
                )
                for label, format_id, url in _exports()
            ]
    return idle_kib, first_peak_kib, measurements


def _print_background(idle_kib, first_peak_kib, measurements):
    print(
        f"background exports by a real worker (--pool solo), resident memory {idle_kib / 1024:.0f} MiB idle, "
        f"{first_peak_kib / 1024:.0f} MiB at the peak of its first build (a tenth, CSV, not counted below)"
    )
    print(
        f"{'export':<30} {'request':>9} {'queries':>8} {'ready after':>12} {'page median/max, polls':>22} "
        f"{'download':>9} {'bytes':>12} {'rows / expected':>18} {'worker peak':>12} {'worker CPU':>11}"
    )
    for m in measurements:
        verdict = "" if m.rows == m.expected_rows else " MISMATCH"
        page = f"{statistics.median(m.page_seconds) * 1000:.0f}/{max(m.page_seconds) * 1000:.0f} ms"
        print(
            f"{m.label:<30} {m.request_seconds * 1000:>6.0f} ms {m.queries:>8} {m.ready_seconds:>10.1f} s "
            f"{page:>14} ×{len(m.page_seconds):<6} "
            f"{m.download_seconds:>7.1f} s {m.size:>12,} {m.rows:>8,} / {m.expected_rows:<7,}{verdict} "
            f"{m.peak_kib / 1024:>8.0f} MiB {m.cpu_seconds:>9.1f} s"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["pages", "background"], help="measure only the pages or the exports")
    parser.add_argument(
        "--immediate-exports",
        action="store_true",
        help="also time the exports built inside the request, as before the background exports (slow)",
    )
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL server: the point is PostgreSQL's behaviour with a big table.")
        return 2

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    timings, memory, background_results = [], [], None
    try:
        meeting = meeting_load_imrf(today=timezone.localdate())
        started = time.perf_counter()
        _seed(meeting, options.registrations)
        seeded = time.perf_counter() - started
        client = Client()
        client.force_login(User.objects.create_superuser("bench", "bench@example.org", "not-used"))
        _read(client.get(reverse("admin:registration_registration_changelist")))
        if options.only != "background":
            timings, memory = _pages(client, options)
        if options.only != "pages":
            background_results = _background(client)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"{version}; {options.registrations:,} registrations seeded in {seeded:.0f} s; median of {options.runs} runs")
    if timings:
        print(f"{'request':<36} {'time':>9} {'queries':>8} {'COUNTs':>7} {'bytes':>12}")
    for label, seconds, queries, counts, size in timings:
        print(f"{label:<36} {seconds * 1000:>7.0f} ms {queries:>8} {counts:>7} {size:>12,}")
    if memory:
        print(f"{'export peak memory (tracemalloc)':<36} {'peak':>9} {'bytes':>21}")
    for label, peak, size in memory:
        print(f"{label:<36} {peak / 2**20:>6.1f} MiB {size:>21,}")
    if background_results:
        _print_background(*background_results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
