"""Management command: load the “100 Days to the IMRF” meeting from its data file."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from agenda.services import UPCOMING_LEAD_DAYS, meeting_load_imrf


class Command(BaseCommand):
    help = "Load the 100 Days to the IMRF meeting as its concept note gives it (1 February 2022)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--upcoming",
            action="store_true",
            help=f"Shift every date so the meeting is {UPCOMING_LEAD_DAYS} days ahead and registration is open.",
        )

    def handle(self, *args, upcoming=False, **options):
        today = timezone.localdate() if upcoming else None
        meeting = meeting_load_imrf(today=today)
        when = timezone.localtime(meeting.starts_at, meeting.tzinfo)
        deadline = meeting.registration_deadline
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{meeting.title}” on {when:%A %d %B %Y, %H:%M %Z}; registration until {deadline:%d %B %Y}."
            )
        )
