"""Celery application for background emails and reminders, configured from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrf_event.settings")

app = Celery("imrf_event")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
