"""Celery application for background emails and reminders, configured from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrf_event.settings")

app = Celery("imrf_event")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Run by `celery -A imrf_event beat` (one beat process per deployment). Each message expires
# before the next one is due, so a stopped worker does not face a pile of identical runs.
app.conf.beat_schedule = {
    "send-due-reminders": {
        "task": "registration.send_due_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "requeue-stale-emails": {
        "task": "registration.requeue_stale_emails",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # Daily: retention is counted in days, and the removal is idempotent.
    "remove-personal-data": {
        "task": "registration.remove_personal_data",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
    # A message whose "send" lost its task (broker down) is written after at most a few minutes.
    "requeue-stuck-messages": {
        "task": "mailings.requeue_stuck",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # Exports are kept an hour by default: a sweep every five minutes deletes them soon after.
    # An offered place passes on within minutes of its time limit.
    "lapse-place-offers": {
        "task": "delegations.place_offers_lapse",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "remove-past-credentials": {
        "task": "delegations.credentials_remove_past",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
    "expire-exports": {
        "task": "registration.exports_expire",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}
