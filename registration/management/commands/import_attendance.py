"""Read a platform's attendance report (Zoom, Microsoft Teams, Webex) into a meeting's attendance."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agenda.models import Meeting
from registration.online.attendance import attendance_import
from registration.online.attendance_formats import AttendanceFileError


class Command(BaseCommand):
    help = (
        "Import the attendance report a web-conferencing platform exported for a meeting. The platform is "
        "recognised from the file; importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report as downloaded from Zoom, Microsoft Teams or Webex.")
        parser.add_argument("--meeting", help="The meeting's slug (needed when the site has several meetings).")

    def _meeting(self, slug: str | None) -> Meeting:
        if slug:
            meeting = Meeting.objects.filter(slug=slug).first()
            if meeting is None:
                raise CommandError(f"No meeting has the slug {slug!r}.")
            return meeting
        meetings = list(Meeting.objects.order_by("slug")[:2])
        if len(meetings) != 1:
            slugs = ", ".join(Meeting.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"Say which meeting with --meeting SLUG (meetings: {slugs}).")
        return meetings[0]

    def handle(self, *args, file, meeting=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} is not a file.")
        chosen = self._meeting(meeting)
        try:
            result = attendance_import(meeting=chosen, content=path.read_bytes())
        except AttendanceFileError as error:
            raise CommandError(str(error)) from error
        if result.already_imported:
            self.stdout.write("This file was already imported for this meeting; nothing changed.")
        self.stdout.write(
            f"{result.platform} report for {chosen.slug}: {result.read} rows read, {result.matched} people matched, "
            f"{result.unmatched} people not matched, {result.ignored} rows ignored."
        )
        if result.unmatched and not result.already_imported:
            self.stdout.write("Match the others in the admin: Attendance, filtered on “to match”.")
