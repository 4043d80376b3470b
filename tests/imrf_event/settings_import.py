"""Import the settings module in a fresh Python with a chosen environment, as a server starting up would."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_import(environment: dict, *, code: str = "import imrf_event.settings") -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter from the project root; its exit code, stdout and stderr come back."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
