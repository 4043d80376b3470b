"""Remove the personal data of registrations whose meeting ended, or which were cancelled, long enough ago."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from registration.retention import registrations_anonymise_past, registrations_due_for_anonymisation


class Command(BaseCommand):
    help = (
        "Remove names, email addresses, free text and diversity answers of registrations whose meeting "
        "ended more than PERSONAL_DATA_RETENTION_DAYS days ago, or which were cancelled more than "
        "CANCELLED_DATA_RETENTION_DAYS days ago; the counts the dashboard shows are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be removed, and change nothing.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days after the end of the meeting (default: the PERSONAL_DATA_RETENTION_DAYS setting).",
        )

    def handle(self, *args, dry_run=False, days=None, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        now = timezone.now()
        due = (
            registrations_due_for_anonymisation(now=now, days_after=days)
            .values("meeting__title", "meeting__ends_at")
            .annotate(n=Count("pk"))
            .order_by("meeting__ends_at")
        )
        for meeting in due:
            verb = "Would remove" if dry_run else "Removing"
            self.stdout.write(
                f"{verb} the personal data of {meeting['n']} registration(s) of “{meeting['meeting__title']}” "
                f"(ends {meeting['meeting__ends_at']:%Y-%m-%d}): its end or their cancellation is long enough ago."
            )
        if dry_run:
            total = sum(meeting["n"] for meeting in due)
            self.stdout.write(f"Dry run: {total} registration(s) would be anonymised; nothing was changed.")
            return
        count = registrations_anonymise_past(now=now, days_after=days)
        self.stdout.write(self.style.SUCCESS(f"Personal data removed from {count} registration(s)."))
