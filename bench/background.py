"""The background exports for bench/admin.py: a real Celery worker on a throwaway Redis, one click, the file checked.

bench/admin.py calls `worker_running` once the test database holds its rows, then `export_measure` for each
export: the request is timed to its 302, the progress page is polled as its refresh would, the file is
downloaded and its data rows counted, and the worker's peak resident memory during that one build is read
from /proc (the peak is reset before each click, so each export gets its own).
"""

import contextlib
import csv
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from registration.models import ExportJob
from tests.celery_broker import celery_broker
from tests.support.servers import RedisServer, process_stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
# Four times as often as the page's own two-second refresh, so "ready after" is measured within half a second.
POLL_SECONDS = 0.5
WORKER_START_SECONDS = 90
BUILD_SECONDS = 600


@dataclass
class Worker:
    """A `celery worker --pool solo` process: the task runs in this very process, so its memory is the build's."""

    process: subprocess.Popen
    node: str
    log_path: Path

    def memory_kib(self, name: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
        raise LookupError(name)

    def cpu_seconds(self) -> float:
        """User and system CPU time the worker has used so far, whatever else competes for the cores."""
        # The command name (field 2) may hold spaces; utime and stime are fields 14 and 15.
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak(self) -> None:
        # "5" resets VmHWM to the current resident size (proc(5), clear_refs, Linux 4.0+).
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def database_url() -> str:
    """The database this process uses (the bench's test_… database) as a URL the worker's settings understand."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}{port}/{quote(db['NAME'], safe='')}"


@contextlib.contextmanager
def worker_running(*, export_dir: Path) -> Iterator[Worker]:
    """A throwaway Redis and one worker on the bench's database and `export_dir`; this process publishes to it."""
    with RedisServer() as redis_server, tempfile.TemporaryDirectory(prefix="imrf-bench-worker-") as directory:
        queue = f"imrf-bench-{uuid.uuid4().hex[:12]}"
        node = f"{queue}@localhost"
        log_path = Path(directory) / "worker.log"
        env = {
            **os.environ,
            # The production settings, as the deployed worker runs them.
            "DJANGO_SETTINGS_MODULE": "imrf_event.settings",
            "SECRET_KEY": "bench-only",
            "DEBUG": "false",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_server.url(),
            "CELERY_QUEUE": queue,
            "EXPORT_DIR": str(export_dir),
            "LOG_FORMAT": "plain",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "imrf_event", "worker", "--pool=solo", "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", node,
        ]  # fmt: skip
        with log_path.open("wb") as log, celery_broker(redis_server.url(), queue=queue) as app:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            worker = Worker(process=process, node=node, log_path=log_path)

            def answers() -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"the worker exited:\n{worker.log_tail()}")
                return bool(app.control.ping(destination=[node], timeout=0.5))

            try:
                wait_for(answers, timeout=WORKER_START_SECONDS, interval=0.2, what="the worker to answer a ping")
                yield worker
            finally:
                # Warm shutdown: a build in progress finishes before the test database is dropped.
                process_stop(process, timeout=60)


@dataclass
class Measurement:
    label: str
    request_seconds: float
    queries: int
    ready_seconds: float
    page_seconds: list[float] = field(default_factory=list)
    download_seconds: float = 0.0
    size: int = 0
    rows: int = 0
    expected_rows: int = 0
    peak_kib: int = 0
    cpu_seconds: float = 0.0


def _data_rows(path: Path, format_id: str) -> int:
    """The rows after the header, read back as a spreadsheet program would."""
    if format_id == "csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return sum(1 for _row in csv.reader(handle)) - 1
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for _row in workbook.active.iter_rows(values_only=True)) - 1
    finally:
        workbook.close()


def export_measure(*, client, worker: Worker, label: str, url: str, format_id: str, expected_rows: int) -> Measurement:
    """Click the export, follow its progress page until the file is offered, download it and count its rows."""
    worker.reset_peak()
    cpu_before = worker.cpu_seconds()
    with CaptureQueriesContext(connection) as queries:
        clicked = time.perf_counter()
        response = client.get(url)
        answered = time.perf_counter() - clicked
    if response.status_code != 302:
        raise RuntimeError(f"{url} answered {response.status_code}, not a redirect to a progress page")
    page_url = response["Location"]
    job_id = resolve(page_url).kwargs["job_id"]
    measurement = Measurement(label, answered, len(queries), 0.0, expected_rows=expected_rows)
    while True:
        started = time.perf_counter()
        page = client.get(page_url)
        measurement.page_seconds.append(time.perf_counter() - started)
        if b"Download the file" in page.content:
            break
        if page.status_code != 200:
            raise RuntimeError(f"{page_url} answered {page.status_code}")
        status = ExportJob.objects.values_list("status", flat=True).get(pk=job_id)
        if status == ExportJob.Status.FAILED or time.perf_counter() - clicked > BUILD_SECONDS:
            raise RuntimeError(f"export {job_id} is {status}; worker log ends with:\n{worker.log_tail()}")
        time.sleep(POLL_SECONDS)
    measurement.ready_seconds = time.perf_counter() - clicked
    measurement.peak_kib = worker.memory_kib("VmHWM")
    measurement.cpu_seconds = worker.cpu_seconds() - cpu_before

    with tempfile.TemporaryDirectory(prefix="imrf-bench-download-") as directory:
        path = Path(directory) / f"export.{format_id}"
        started = time.perf_counter()
        download = client.get(reverse("admin:registration_export_job_file", args=[job_id]))
        with path.open("wb") as handle:
            for chunk in download.streaming_content:
                handle.write(chunk)
        measurement.download_seconds = time.perf_counter() - started
        measurement.size = path.stat().st_size
        measurement.rows = _data_rows(path, format_id)
    return measurement
