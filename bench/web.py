"""Benchmark of the web pages: gunicorn with the production settings on PostgreSQL and Redis, driven by wrk.

Run from the repository root after the README's set-up (bin/run or bin/test made .venv):

    .venv/bin/python bench/web.py

It needs wrk, PostgreSQL and redis-server; when one is missing and it runs as root, it installs them with
`apt-get install wrk postgresql redis-server` (Debian's packages), and installs nothing else. It starts a
throwaway PostgreSQL and Redis on free loopback ports (own directories under /tmp, removed at exit),
migrates, loads the meeting with `load_imrf --upcoming`, collects the static files, and starts gunicorn with
the repository's gunicorn.conf.py and production settings (DEBUG off, a random SECRET_KEY, HTTPS redirect and
secure cookies off for plain HTTP on loopback, Redis as cache and Celery broker; no worker runs, so emails stay
queued rows). bench/settings.py adds two bare views: /bench/ok (no work) and /bench/insert (one INSERT).

wrk then drives each page from a second process with 32 connections and prints requests per second, p50 and
p99 latency, errors (socket errors and any response other than the expected status) and each page's
throughput as a ratio to the bare view measured in the same run: POST /<slug>/register/ against the bare insert,
every other page against the bare "ok". It does this once per CONN_MAX_AGE value (0 and 60 by default).

With --rounds N each page is measured N times, the pages taking turns, and the table shows each page's
median: the ratio is the median of the N ratios, each taken against the baseline measured just before it
in the same round. On this 2-core machine the bare insert alone moves by half between runs (its commits
wait on the disk), so one round can put the same code at 0.15 or 0.24 of it.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web_report import load_average, machine, table  # noqa: E402
from tests.support.servers import (  # noqa: E402
    PLAIN_HTTP_ON_LOOPBACK,
    REGISTRATION_FORM,
    PostgresServer,
    RedisServer,
    free_port,
    gunicorn_start,
    postgres_bin_dir,
    process_stop,
    redis_server_path,
    wait_for,
)

WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
PROFILER = ROOT / "bench" / "profile_page.py"
PROFILE_MODES = {"plain": "get", "post": "post", "register": "register"}
INSERT_TABLE = "bench_insert"
APT_PACKAGES = {"wrk": "wrk", "postgresql": "postgresql", "redis-server": "redis-server"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    expected_status: int
    baseline: str | None  # name of the page it is compared with; None for a baseline itself
    target: float | None = None
    mode: str = "plain"  # plain GET, "post" (form body) or "register" (form body and a fresh email)


# The meeting `load_imrf` creates; each meeting's pages live under its slug.
MEETING = "/imrf-100-days"
PAGES = (
    Page("bare ok", "/bench/ok", 200, None),
    Page("/ (list)", "/", 200, "bare ok", 0.8),
    Page("/<slug>/", f"{MEETING}/", 200, "bare ok", 0.8),
    Page("/<slug>/agenda/", f"{MEETING}/agenda/", 200, "bare ok", 0.8),
    Page("GET /<slug>/register/", f"{MEETING}/register/", 200, "bare ok", 0.6),
    Page("bare insert", "/bench/insert", 200, None, mode="post"),
    Page("POST /<slug>/register/", f"{MEETING}/register/", 302, "bare insert", 0.2, mode="register"),
    Page("/<slug>/meeting.ics", f"{MEETING}/meeting.ics", 200, "bare ok"),
    # The single-meeting site's addresses, still in emails and calendars: a redirect, and the calendar itself.
    Page("old /agenda/", "/agenda/", 302, "bare ok"),
    Page("old /meeting.ics", "/meeting.ics", 200, "bare ok"),
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Installs wrk, postgresql and redis-server with apt-get (as root) only when they are missing.",
    )
    parser.add_argument(
        "--conn-max-age",
        choices=("0", "60", "both"),
        default="both",
        help="Django's CONN_MAX_AGE for the web processes; 'both' runs the whole set twice (default)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds each page is measured (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each page")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1, leaving the cores to gunicorn)")
    parser.add_argument("--only", action="append", help="measure only this page (by name; repeatable)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure every page this many times, in turns; the table shows medians"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of loading the pages with wrk, profile each in-process with cProfile (bench/profile_page.py)",
    )
    return parser.parse_args(argv)


# Tools
def tools_missing() -> list[str]:
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk")
    if postgres_bin_dir() is None:
        missing.append("postgresql")
    if redis_server_path() is None:
        missing.append("redis-server")
    return missing


def tools_install() -> None:
    missing = tools_missing()
    if not missing:
        return
    packages = [APT_PACKAGES[name] for name in missing]
    if os.geteuid() != 0:
        sys.exit(f"bench/web.py needs {', '.join(missing)}: sudo apt-get install {' '.join(packages)}")
    print(f"installing {' '.join(packages)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env)
    # Debian starts the packaged services; the benchmark runs its own and leaves those alone.
    if still := tools_missing():
        sys.exit(f"still missing after apt-get: {', '.join(still)}")


# The site
def site_env(*, database_url: str, redis: RedisServer, static_root: Path, conn_max_age: int, port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": str(conn_max_age),
        "CACHE_URL": redis.url(1),
        "CELERY_BROKER_URL": redis.url(0),
        **PLAIN_HTTP_ON_LOOPBACK,
        # One client address sends every request: the per-address throttle must not be what is measured.
        "REGISTRATION_POSTS_PER_MINUTE": "1000000000",
        "BENCH_STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def site_prepare(env: dict, postgres: PostgresServer) -> None:
    print("migrating, loading the meeting, collecting static files", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_imrf", "--upcoming")
    manage(env, "collectstatic", "--noinput")
    postgres.psql(
        f"CREATE TABLE {INSERT_TABLE} (id bigserial PRIMARY KEY, note text NOT NULL,"
        " created_at timestamptz NOT NULL DEFAULT now())"
    )


@contextmanager
def gunicorn(env: dict, *, port: int, log_path: Path):
    process = gunicorn_start(env=env, port=port, log_path=log_path, cwd=ROOT)
    try:
        wait_for(lambda: http_status(f"http://127.0.0.1:{port}/bench/ok") == 200, timeout=60, what="gunicorn")
        yield f"http://127.0.0.1:{port}"
    finally:
        process_stop(process, timeout=30)


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback URL built here)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_pair(base_url: str) -> tuple[str, str]:
    """The csrftoken cookie and a form token from the meeting's form, as a browser gets them once."""
    with urllib.request.urlopen(f"{base_url}{MEETING}/register/", timeout=10) as response:  # noqa: S310
        cookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if "csrftoken" not in cookie or token is None:
        sys.exit(f"GET {MEETING}/register/ gave no CSRF cookie or form token")
    return cookie["csrftoken"].value, token.group(1)


def registration_body(*, postgres: PostgresServer, form_token: str) -> str:
    language = postgres.psql("SELECT id FROM agenda_interpretationlanguage WHERE code = 'en' ORDER BY id LIMIT 1")
    return urllib.parse.urlencode(
        {"csrfmiddlewaretoken": form_token, **REGISTRATION_FORM, "listening_language": language}
    )


def post_status(url: str, *, cookie: str, body: str) -> int:
    """One POST outside wrk, to fail early and clearly when the form is not accepted."""
    request = urllib.request.Request(  # noqa: S310
        url,
        data=body.encode(),
        headers={"Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# Load
def wrk_run(url: str, page: Page, *, seconds: int, args: argparse.Namespace, extra: list[str]) -> dict:
    command = ["wrk", "--threads", str(args.threads), "--connections", str(args.connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "10s", "--script", str(WRK_SCRIPT), url]
    command += ["--", str(page.expected_status), page.mode, *extra]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if line is None:
        sys.exit(f"wrk printed no result for {page.name}:\n{output}")
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    socket_errors = sum(result[kind] for kind in ("connect", "read", "write", "timeout"))
    result["errors"] = socket_errors + result["unexpected"]
    return result


def measure(base_url: str, *, postgres: PostgresServer, run_id: str, args: argparse.Namespace) -> dict[str, dict]:
    cookie, form_token = csrf_pair(base_url)
    post_body = urllib.parse.urlencode({"csrfmiddlewaretoken": form_token})
    form_body = registration_body(postgres=postgres, form_token=form_token)
    status = post_status(
        f"{base_url}{MEETING}/register/", cookie=cookie, body=form_body + f"&email=bench-{run_id}-check%40example.org"
    )
    if status != 302:
        sys.exit(
            f"POST {MEETING}/register/ with a valid form answered {status}, not 302: the benchmark's form is stale"
        )
    bodies = {"post": post_body, "register": form_body}

    def extra(page: Page, run: str) -> list[str]:
        return [cookie, bodies[page.mode], run] if page.mode in bodies else []

    rounds = []
    for number in range(args.rounds):
        results = {}
        for page in PAGES:
            if args.only and page.name not in args.only:
                continue
            url = base_url + page.path
            run = f"{run_id}r{number}"
            if args.warmup:
                wrk_run(url, page, seconds=args.warmup, args=args, extra=extra(page, f"{run}w"))
            results[page.name] = wrk_run(url, page, seconds=args.duration, args=args, extra=extra(page, run))
            print(f"  {page.name:24} {results[page.name]['rps']:8.0f} req/s", flush=True)
        rounds.append(results)
    return rounds


def profile(env: dict, args: argparse.Namespace) -> None:
    for page in PAGES:
        if args.only and page.name not in args.only:
            continue
        print(f"\n== {page.name}", flush=True)
        command = [sys.executable, str(PROFILER), page.path, PROFILE_MODES[page.mode]]
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=600)


def integrity(postgres: PostgresServer) -> str:
    """Every saved registration has its confirmation row: nothing half-saved under load."""
    registrations = int(postgres.psql("SELECT count(*) FROM registration_registration"))
    without_email = int(
        postgres.psql(
            "SELECT count(*) FROM registration_registration r WHERE NOT EXISTS (SELECT 1 FROM"
            " registration_outgoingemail e WHERE e.registration_id = r.id AND e.kind = 'confirmation')"
        )
    )
    return f"{registrations} registrations saved, {without_email} without a confirmation email row"


def main(argv=None) -> None:
    args = parse_args(argv)
    # A plain kill ends the run through the same clean-up as Ctrl-C: servers stopped, directories removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tools_install()
    # Anything else busy on the machine takes cores from gunicorn: the figures are only as quiet as it is.
    load_before = load_average()
    conn_max_ages = [0, 60] if args.conn_max_age == "both" else [int(args.conn_max_age)]
    port = free_port()
    tables = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="imrf-bench-")))
        postgres = stack.enter_context(PostgresServer())
        redis = stack.enter_context(RedisServer())
        env = site_env(database_url=postgres.url, redis=redis, static_root=work / "static", conn_max_age=0, port=port)
        site_prepare(env, postgres)
        if args.profile:
            profile({**env, "CONN_MAX_AGE": str(conn_max_ages[-1])}, args)
            return
        gunicorn_log = work / "gunicorn.log"
        for conn_max_age in conn_max_ages:
            env["CONN_MAX_AGE"] = str(conn_max_age)
            print(f"CONN_MAX_AGE={conn_max_age}: gunicorn on 127.0.0.1:{port}", flush=True)
            try:
                with gunicorn(env, port=port, log_path=gunicorn_log) as base_url:
                    rounds = measure(base_url, postgres=postgres, run_id=f"c{conn_max_age}", args=args)
            except (TimeoutError, SystemExit):
                print(gunicorn_log.read_text()[-4000:], file=sys.stderr)
                raise
            tables.append((conn_max_age, rounds))
            time.sleep(1)  # let gunicorn's port be released before the next run binds it
        summary = integrity(postgres)
        load_after = load_average()
    print()
    print(f"Machine: {machine()}; wrk {args.connections} connections, {args.threads} thread(s), "
          f"{args.duration} s per page after {args.warmup} s warm-up; gunicorn.conf.py defaults")  # fmt: skip
    print(f"Load average (1, 5, 15 min) before: {load_before}; after the runs: {load_after}")
    for conn_max_age, rounds in tables:
        print(f"\nCONN_MAX_AGE={conn_max_age}")
        print(table(rounds, PAGES))
    print(f"\nAfter the runs: {summary}.")
    failures = [
        f"CONN_MAX_AGE={conn_max_age} {name}: {result['errors']} errors"
        for conn_max_age, rounds in tables
        for results in rounds
        for name, result in results.items()
        if result["errors"]
    ]
    if failures:
        print("Errors under load: " + "; ".join(failures))


if __name__ == "__main__":
    main()
