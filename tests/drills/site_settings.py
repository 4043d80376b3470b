"""Production settings for the drills' own processes; only the collected static files live elsewhere."""

import os

from imrf_event.settings import *  # noqa: F403

# collectstatic writes into the drill's temporary directory, not the work tree's staticfiles/.
STATIC_ROOT = os.environ.get("DRILL_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
