"""The reference files the meeting and the registration form are built from, found by path."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
IMRF_DATA_FILE = DATA_DIR / "imrf-2022.yaml"
GCM_OBJECTIVES_FILE = DATA_DIR / "gcm-objectives.csv"
# The objectives' titles in another language: gcm-objectives.fr.csv and so on, same columns.
GCM_OBJECTIVES_TRANSLATED_FILE = "gcm-objectives.{language}.csv"
# The UNECE member States as (iso2, name), UN short names in English, in the UN's order.
UNECE_MEMBER_STATES_FILE = DATA_DIR / "unece-member-states.csv"
# The UN Member and observer States by their UNTERM short names per language, written by `manage.py build_un_names`.
UN_STATES_FILE = DATA_DIR / "un-states.json"
