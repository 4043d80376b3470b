"""Production settings plus the benchmark's own URLs (a bare view and a bare insert) and a throwaway STATIC_ROOT."""

import os

from imrf_event.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# collectstatic writes here, not into the work tree's staticfiles/.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
