"""Migration 0017: registrations keep their country; a code the UN list no longer offers becomes "Other", named."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("registration", "0016_export_job_what_the_file_holds")
AFTER = ("registration", "0017_countries_by_their_un_names")


def _with_registration_at(node):
    """Every other app at its latest migration, registration at `node`; an app built on a later registration
    (delegations) is left out, so going back to `node` unapplies it and its models are not in the state."""
    graph = MigrationExecutor(connection).loader.graph
    registration_then = set(graph.forwards_plan(node))
    return [
        leaf
        for leaf in graph.leaf_nodes()
        if leaf[0] != "registration"
        and all(step in registration_then for step in graph.forwards_plan(leaf) if step[0] == "registration")
    ] + [node]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _register(apps, countries):
    Meeting = apps.get_model("agenda", "Meeting")
    Language = apps.get_model("agenda", "InterpretationLanguage")
    Registration = apps.get_model("registration", "Registration")
    starts = datetime.datetime(2022, 2, 1, 8, 0, tzinfo=datetime.UTC)
    meeting = Meeting.objects.create(
        slug="imrf-100-days",
        title="100 Days to the IMRF",
        short_name="IMRF 100 days",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        registration_deadline=datetime.date(2022, 1, 25),
        contact_email="contact@example.org",
    )
    english = Language.objects.create(code="en", name="English")
    for number, country in enumerate(countries):
        Registration.objects.create(
            meeting=meeting,
            manage_token=f"token-{number:04d}",
            first_name="Amina",
            last_name="Hodžić",
            email=f"person{number}@example.org",
            job_title="Adviser",
            organisation="Ministry",
            category="civil_society",
            country=country,
            listening_language=english,
            privacy_consent_at=starts,
        )


@pytest.fixture
def latest_schema_after():
    """The other tests' schema back, whatever this one leaves."""
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_moves_codes_no_longer_offered_to_other_with_their_old_name(latest_schema_after):
    _register(_migrate(_with_registration_at(BEFORE)), ["RS", "TW", "FK", "PR", "VA", "QQ"])

    apps = _migrate(_with_registration_at(AFTER))

    Registration = apps.get_model("registration", "Registration")
    assert list(Registration.objects.order_by("manage_token").values_list("country", "country_other")) == [
        ("RS", ""),
        ("ZZ", "Taiwan"),
        ("ZZ", "Falkland Islands (Malvinas)"),
        ("ZZ", "Puerto Rico"),
        ("VA", ""),
        # A code no list ever had keeps itself as the name typed.
        ("ZZ", "QQ"),
    ]
    # Back down, the ISO codes return.
    apps = _migrate(_with_registration_at(BEFORE))
    Registration = apps.get_model("registration", "Registration")
    assert list(Registration.objects.order_by("manage_token").values_list("country", flat=True)) == [
        "RS",
        "TW",
        "FK",
        "PR",
        "VA",
        "ZZ",
    ]
