"""Median time of the registration form's two paths, a new and an already registered address (issue 19, point 5).

Run against a migrated database holding the first meeting (`manage.py migrate; manage.py load_imrf --upcoming`):
    DATABASE_URL=postgres://… .venv/bin/python bench/register_timing.py --posts 30
Posts are interleaved (new, known, new, known…) through Django's test client, in-process, so the figures are the
request's own work (form, service, database), without a network. Everything it registers is deleted at the end.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrf_event.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from agenda.selectors import meeting_get_legacy  # noqa: E402
from registration.models import Registration  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=30, help="posts of each path")
    args = parser.parse_args()
    settings.REGISTRATION_POSTS_PER_MINUTE = 10**9
    settings.ALLOWED_HOSTS = ["*"]
    meeting = meeting_get_legacy()
    url = reverse("registration:register", args=[meeting.slug])
    run = uuid.uuid4().hex[:8]
    form = {
        "first_name": "Timing",
        "last_name": "Probe",
        "job_title": "Adviser",
        "organisation": "Ministry",
        "category": "academia",
        "country": "RS",
        "listening_language": str(meeting.interpretation_languages.first().pk),
        "privacy_consent": "on",
    }
    client = Client()
    known = f"known-{run}@example.org"
    client.post(url, {**form, "email": known})
    times = {"new": [], "known": []}
    try:
        for index in range(args.posts):
            for path, email in (("new", f"new-{run}-{index}@example.org"), ("known", known)):
                started = time.perf_counter()
                response = client.post(url, {**form, "email": email})
                times[path].append(time.perf_counter() - started)
                if response.status_code != 302:
                    raise SystemExit(f"the form answered {response.status_code}")
    finally:
        Registration.objects.filter(email__contains=run).delete()
    for path, values in times.items():
        median, spread = statistics.median(values) * 1000, statistics.stdev(values) * 1000
        print(f"{path:5}: median {median:.2f} ms, stdev {spread:.2f} ms")


if __name__ == "__main__":
    main()
