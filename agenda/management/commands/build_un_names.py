"""Management command: write the UN Member and observer States' UNTERM names from hdx-python-country."""

from importlib import metadata

from django.core.management.base import BaseCommand, CommandError

from agenda.data import UN_STATES_FILE
from agenda.un_states import TaxonomyError, un_states_json


class Command(BaseCommand):
    help = (
        "Write agenda/data/un-states.json, the 193 UN Member States and the two observer States by their UNTERM "
        "short names, from the Countries & Territories taxonomy shipped in hdx-python-country "
        "(pip install -r requirements-unterm.txt). The site reads only the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(UN_STATES_FILE), help="Where to write (default: %(default)s).")

    def handle(self, *args, output, **options):
        try:
            from hdx.location.country import Country
        except ImportError as error:
            raise CommandError("hdx-python-country is not installed: pip install -r requirements-unterm.txt") from error
        # The copy inside the package, never the live spreadsheet: the same release gives the same file.
        rows = Country.countriesdata(use_live=False)["countries"].values()
        source = f"hdx-python-country {metadata.version('hdx-python-country')}, Countries & Territories Taxonomy"
        try:
            text = un_states_json(rows=rows, source=source)
        except TaxonomyError as error:
            raise CommandError(str(error)) from error
        with open(output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        self.stdout.write(f"Wrote {output}.")
