"""The UN names file: rebuilt from hdx-python-country byte for byte, and a taxonomy that changed stops the build."""

import csv
import importlib.util
import json

import pytest
from django.core.management import call_command

from agenda.data import UN_STATES_FILE, UNECE_MEMBER_STATES_FILE
from agenda.un_states import TaxonomyError, un_states_json
from tests.conftest import service_missing


def _row(iso3, iso2, english, russian, *, member="Y"):
    names = {f"{language} Short": english for language in ("English", "French", "Spanish", "Chinese", "Arabic")}
    return {
        "ISO 3166-1 Alpha 3-Codes": iso3,
        "ISO 3166-1 Alpha 2-Codes": iso2,
        "Appears in UNTERM list": "Y",
        "Appears in DGACM list": member,
        **names,
        "Russian Short": russian,
    }


def test_build_un_names_writes_the_committed_file_byte_for_byte(tmp_path):
    if importlib.util.find_spec("hdx") is None:
        service_missing("hdx-python-country: pip install -r requirements-unterm.txt (.ci/run installs it)")
    output = tmp_path / "un-states.json"

    call_command("build_un_names", output=str(output))

    assert output.read_bytes() == UN_STATES_FILE.read_bytes()


def test_un_states_json_stops_when_the_taxonomy_changed_a_corrected_name():
    rows = [_row("TUR", "TR", "Türkiye", "Турецкая Республика")]

    with pytest.raises(TaxonomyError, match="TUR in ru"):
        un_states_json(rows=rows, source="test")


def test_un_states_json_refuses_a_taxonomy_without_the_193_members():
    rows = [_row("AUT", "AT", "Austria", "Австрия"), _row("VAT", "VA", "Holy See", "Святой Престол", member="")]

    with pytest.raises(TaxonomyError, match="193 Members"):
        un_states_json(rows=rows, source="test")


def test_un_states_file_names_every_unece_member_state_as_the_unece_reference_does():
    with UN_STATES_FILE.open(encoding="utf-8") as handle:
        states = {state["iso2"]: state for state in json.load(handle)["states"]}
    with UNECE_MEMBER_STATES_FILE.open(encoding="utf-8", newline="") as handle:
        unece = list(csv.DictReader(handle))

    assert len(unece) == 56
    assert {row["iso2"]: states[row["iso2"]]["names"]["en"] for row in unece} == {
        row["iso2"]: row["name"] for row in unece
    }
