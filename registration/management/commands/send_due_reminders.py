"""Queue due reminders and re-queue lost emails: what Celery beat runs, for cron or a quickstart without beat."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from registration import waiting_list
from registration.mail import reminders, requeue


class Command(BaseCommand):
    help = (
        "Queue the reminders that are due, re-queue emails whose task was lost and pass on lapsed offers of places; "
        "with --every, keep doing it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Run again every SECONDS until stopped (a stand-in for Celery beat in the quickstart).",
        )

    def handle(self, *args, every=None, **options):
        while True:
            now = timezone.now()
            reminded = reminders.reminder_send_due(now=now)
            requeued = requeue.email_requeue_stale(now=now)
            lapsed = waiting_list.place_offers_lapse(now=now)
            self.stdout.write(
                f"{now:%Y-%m-%d %H:%M} UTC: reminders: {reminded}, re-queued: {requeued}, offers lapsed: {lapsed}"
            )
            if not every:
                return
            time.sleep(every)
