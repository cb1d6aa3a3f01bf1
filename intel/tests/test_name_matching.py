"""Name lookups use an exact match on the indexed surname key, and still match as before.

Names used to be found with a suffix LIKE (`normalized__endswith`), which scans every name. The
key (the last word of the normalised name) is stored with each name and indexed with its kind;
`names_match` still decides among the candidates. Every name here is synthetic.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from cases.models import IncidentIdentifier
from cases.tests.factories import active_subject, make_incident
from intel import identifiers as ids
from intel import selectors
from intel.models import Identifier

pytestmark = pytest.mark.django_db


def test_surname_key_is_the_last_word_of_a_name_and_empty_for_other_kinds():
    assert ids.surname_key("name", "robert q exampleton") == "exampleton"
    assert ids.surname_key("name", "exampleton") == "exampleton"
    assert ids.surname_key("phone", "+15550100123") == ""


def test_identifiers_store_the_surname_key(world):
    subject = active_subject(
        world, identifiers=[("name", "  Róbert  Q. Exámpleton "), ("phone", "555-010-0131")]
    )
    keys = dict(subject.identifiers.values_list("kind", "surname"))
    assert keys == {"name": "exampleton", "phone": ""}
    incident = make_incident(world.offices["a"])
    row = case_services.incident_identifier_add(
        incident_id=incident.pk,
        actor=world.user("a", "supervisor"),
        kind="name",
        value="Bob Exampleton",
    )
    assert row.surname == "exampleton"


def _identifier_queries(queries) -> list[str]:
    tables = ('"intel_identifier"', '"cases_incidentidentifier"')
    return [q["sql"] for q in queries if any(f"FROM {t}" in q["sql"] for t in tables)]


def test_name_lookups_are_exact_matches_on_the_surname_key_not_a_suffix_scan(world):
    active_subject(world, identifiers=[("name", "Robert Exampleton")])
    incident = make_incident(world.offices["a"])
    with CaptureQueriesContext(connection) as captured:
        selectors.subject_search(user=world.user("a", "analyst"), query="Bob Exampleton")
        case_services.incident_identifier_add(
            incident_id=incident.pk,
            actor=world.user("a", "supervisor"),
            kind="name",
            value="Bobby Exampleton",
        )
    lookups = [sql for sql in _identifier_queries(captured.captured_queries) if "surname" in sql]
    assert lookups, "the name lookups filter on the surname key"
    for sql in _identifier_queries(captured.captured_queries):
        assert "LIKE" not in sql.upper(), sql


def test_search_by_name_matches_nicknames_and_accents_but_not_a_longer_surname(world):
    analyst = world.user("a", "analyst")
    robert = active_subject(world, identifiers=[("name", "Robert Exampleton")])
    goldsmith = active_subject(world, identifiers=[("name", "Robert Goldexampleton")])
    jose = active_subject(world, identifiers=[("name", "José Ramírez Núñez")])
    single = active_subject(world, identifiers=[("name", "Exampleton")])

    def found(query: str) -> set[int]:
        return {s.pk for s in selectors.subject_search(user=analyst, query=query)}

    assert robert.pk in found("Bob Exampleton")
    assert robert.pk in found("bobby  EXAMPLETON")
    # A surname that merely ends the same way is not the same surname.
    assert goldsmith.pk not in found("Bob Exampleton")
    assert robert.pk not in found("Ann Exampleton")
    assert jose.pk in found("jose nunez")
    # A one-word name matches that word alone, never a full name ending in it.
    assert single.pk in found("Exampleton") and robert.pk not in found("Exampleton")


def test_incident_name_links_to_the_subject_by_nickname_not_by_suffix(world):
    subject = active_subject(world, identifiers=[("name", "Robert Exampleton")])
    other = active_subject(world, identifiers=[("name", "Robert Goldexampleton")])
    incident = make_incident(world.offices["a"])
    case_services.incident_identifier_add(
        incident_id=incident.pk,
        actor=world.user("a", "supervisor"),
        kind="name",
        value="Bob Exampleton",
    )
    assert subject.links.filter(incident=incident).exists()
    assert not other.links.filter(incident=incident).exists()


def test_a_subject_name_links_to_an_incident_that_reported_it_earlier(world):
    incident = make_incident(world.offices["a"])
    case_services.incident_identifier_add(
        incident_id=incident.pk,
        actor=world.user("a", "supervisor"),
        kind="name",
        value="Bobby Exampleton",
    )
    subject = active_subject(world, identifiers=[("name", "Robert Exampleton")])
    assert subject.links.filter(incident=incident).exists()


def test_the_database_refuses_a_name_without_its_key_and_a_key_on_another_kind(world):
    subject = active_subject(world)
    incident = make_incident(world.offices["a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Identifier.objects.create(
            subject=subject, kind="name", raw="Ann Example", normalized="ann example"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Identifier.objects.create(
            subject=subject,
            kind="phone",
            raw="555-010-0132",
            normalized="+15550100132",
            surname="x",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentIdentifier.objects.create(
            incident=incident, kind="name", raw="Ann Example", normalized="ann example"
        )


@pytest.mark.postgres
def test_postgresql_serves_the_name_lookup_from_the_surname_index(world):
    if connection.vendor != "postgresql":
        pytest.skip("the query plan is PostgreSQL's")
    active_subject(world, identifiers=[("name", "Robert Exampleton")])
    query = Identifier.objects.filter(
        kind="name", surname=ids.surname_key("name", "bob exampleton")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # With so few rows the planner would scan the table anyway; forbid that to see the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "intel_ident_surname" in plan
