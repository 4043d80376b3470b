"""Throwaway PostgreSQL, Redis and gunicorn on loopback, for the drills, the worker tests and the benchmarks.

Each server gets its own directory and a free port, so it never touches the servers a test suite or a
colleague is using; stop() ends only the process this module started. The benchmarks in bench/ import
this module; nothing under tests/ imports bench/.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.answers import REGISTRATION_ANSWERS

POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT = 30

# What a participant types (tests.support.answers), without the email and the listening language, which each
# site and request sets.
REGISTRATION_FORM = {name: value for name, value in REGISTRATION_ANSWERS.items() if name != "email"}

# The production settings made to speak plain HTTP on loopback: no redirect to HTTPS, cookies sent
# without TLS, no HSTS.
PLAIN_HTTP_ON_LOOPBACK = {
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition") -> None:
    """Poll `predicate` until it is true; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        time.sleep(interval)


def holds_for(predicate, *, seconds: float, interval: float = 0.1) -> bool:
    """Whether `predicate` stays true for `seconds`; False as soon as it is not, without waiting out the rest."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not predicate():
            return False
        time.sleep(interval)
    return predicate()


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian's layout), or None."""
    candidates = sorted(Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")), key=lambda path: int(path.parent.name))
    return next((path for path in reversed(candidates) if (path / "initdb").is_file()), None)


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


def _as_postgres_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package creates the postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresServer:
    """A PostgreSQL cluster in `directory`, listening on 127.0.0.1:`port`, trusting local connections."""

    def __init__(self, *, port: int | None = None, database: str = "imrf", durable: bool = True):
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise FileNotFoundError(f"no PostgreSQL binaries in {POSTGRES_BIN_GLOB}")
        self.bin_dir = bin_dir
        # Its own directory straight under /tmp: the postgres user must be able to reach it, which
        # a root-only parent (pytest's tmp_path, a mkdtemp) would forbid.
        self.directory = Path(tempfile.mkdtemp(prefix="imrf-postgres-"))
        self.data_dir = self.directory / "data"
        self.port = port or free_port()
        self.database = database
        self.log_file = self.directory / "postgres.log"
        self.durable = durable

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = _as_postgres_user([str(self.bin_dir / args[0]), *args[1:]])
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=START_TIMEOUT)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c max_connections=200"
        if not self.durable:
            # For drills: a cluster that lives a minute need not survive a power cut.
            options += " -c fsync=off -c synchronous_commit=off"
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-o", options, "start")

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", check=False)

    def create_database(self) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)

    def psql(self, sql: str) -> str:
        """Run `sql` and return its unaligned, tuples-only output."""
        result = self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", self.database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", sql,
        )  # fmt: skip
        return result.stdout.strip()

    def __enter__(self) -> "PostgresServer":
        self.init()
        self.start()
        self.create_database()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisServer:
    """A Redis server on 127.0.0.1:`port` that keeps nothing on disk."""

    def __init__(self, *, port: int | None = None):
        path = redis_server_path()
        if path is None:
            raise FileNotFoundError("no redis-server on PATH")
        self.executable = path
        self.directory = Path(tempfile.mkdtemp(prefix="imrf-redis-"))
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), timeout=START_TIMEOUT, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def gunicorn_start(*, env: dict, port: int, log_path: Path, cwd: Path) -> subprocess.Popen:
    """The web process as the Procfile runs it (gunicorn.conf.py) on 127.0.0.1:`port`, leading its own group."""
    # No control socket: its default path is shared by every gunicorn on the machine.
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--no-control-socket"]
    command += ["--bind", f"127.0.0.1:{port}", "imrf_event.wsgi:application"]
    with log_path.open("ab") as log:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log, start_new_session=True)


def process_stop(process: subprocess.Popen, *, timeout: float = 10) -> None:
    """End a process this module's caller started, and its process group if it leads one."""
    if process.poll() is not None:
        return
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            if os.getpgid(process.pid) == process.pid:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        process.wait(timeout=timeout)
    except ProcessLookupError:
        process.wait(timeout=timeout)


def child_pids(pid: int) -> list[int]:
    """Process ids whose parent is `pid`, read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name (field 2) may hold spaces; the fields after its closing parenthesis don't.
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
    return sorted(children)
