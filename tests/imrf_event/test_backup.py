"""An organiser's backup: `manage.py dumpdata > backup.json` loads back into a fresh database."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CREATE_ROWS = """
from tests.factories import RegistrationFactory
RegistrationFactory(email="backup@example.org")
"""
COUNT_ROWS = """
import json
from agenda.models import Meeting
from registration.models import Registration
print(json.dumps({
    "meetings": Meeting.objects.count(),
    "emails": list(Registration.objects.values_list("email", flat=True)),
}))
"""


def manage(*arguments, database: Path, stdout=subprocess.PIPE):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "imrf_event.test_settings",
        "DATABASE_URL": f"sqlite:///{database}",
        # Every logger speaks (django-axes logs its start at INFO): none of it may reach stdout.
        "LOG_LEVEL": "DEBUG",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_dumpdata_into_a_file_loads_into_a_fresh_database(tmp_path):
    old, new, backup = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3", tmp_path / "backup.json"
    manage("migrate", "--verbosity", "0", database=old)
    # The fresh database: a copy of the one just migrated, before any row goes in (one migration run less).
    shutil.copyfile(old, new)
    manage("shell", "--verbosity", "0", "--command", CREATE_ROWS, database=old)

    # What an organiser types: the shell sends the command's stdout into the file.
    with backup.open("w") as stdout:
        dumped = manage(
            "dumpdata",
            "--natural-foreign",
            "--natural-primary",
            "--exclude",
            "contenttypes",
            "--exclude",
            "auth.permission",
            database=old,
            stdout=stdout,
        )
    manage("loaddata", str(backup), database=new)
    counts = json.loads(manage("shell", "--verbosity", "0", "--command", COUNT_ROWS, database=new).stdout)

    assert "axes" in dumped.stderr, "the logs went nowhere, so this test proves nothing"
    assert counts == {"meetings": 1, "emails": ["backup@example.org"]}
