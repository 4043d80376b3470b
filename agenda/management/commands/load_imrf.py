"""Management command: load the “100 Days to the IMRF” meeting from its data file."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
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
        parser.add_argument(
            "--slug",
            help="Load the concept note as the meeting at /SLUG/ (created, or updated when it exists) instead of "
            "the data file's own meeting: for demonstrations and tests.",
        )

    def handle(self, *args, upcoming=False, slug=None, **options):
        if slug is not None and not slug.strip():
            # `--slug ""` (an unset shell variable) fell back to the data file's meeting and reloaded the
            # live first meeting with the concept note's 2022 dates (issue 19, Low 12).
            raise CommandError(
                "--slug is empty. Give the address of the meeting to load (--slug regional-review), "
                "or leave --slug out to load the data file's own meeting."
            )
        today = timezone.localdate() if upcoming else None
        try:
            meeting = meeting_load_imrf(today=today, slug=slug)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        when = timezone.localtime(meeting.starts_at, meeting.tzinfo)
        deadline = meeting.registration_deadline
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{meeting.title}” at /{meeting.slug}/ on {when:%A %d %B %Y, %H:%M %Z}; "
                f"registration until {deadline:%d %B %Y}."
            )
        )
