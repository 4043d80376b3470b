"""Management command: compile the translation catalogues (locale/*/LC_MESSAGES/*.po) to .mo files."""

from django.core.management.base import BaseCommand

from imrf_event.catalogues import catalogues_compile, catalogues_sources


class Command(BaseCommand):
    help = (
        "Compile every locale/*/LC_MESSAGES/*.po to its .mo with polib (no GNU gettext needed). "
        "Only catalogues whose .mo is missing or older than the .po are written, unless --force."
    )
    # The catalogues are compiled before anything is translated: no language is activated.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile every catalogue, even an up-to-date one.")

    def handle(self, *args, force=False, **options):
        written = catalogues_compile(force=force)
        total = len(catalogues_sources())
        self.stdout.write(f"Compiled {len(written)} of {total} translation catalogue(s).")
