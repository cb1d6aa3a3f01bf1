"""Purge of protected-only incidents; no sensitive-category fields or filters (C-02, C-33)."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from incidents import services
from incidents.models import Incident

pytestmark = pytest.mark.django_db


def _submit(world, conduct, narrative="Synthetic test narrative."):
    return services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=conduct,
        narrative=narrative,
        actor=world.user("a", "field_officer"),
    )


def test_protected_only_incidents_are_purged_after_the_period(world, settings):
    settings.CUSTOS_PROTECTED_ONLY_PURGE_DAYS = 30
    filming = _submit(world, ["recording"])
    assault = _submit(world, ["physical_contact"])
    assert filming.purge_after.date() == (timezone.now() + timedelta(days=30)).date()
    assert services.incidents_purge_protected_only(now=timezone.now() + timedelta(days=29)) == 0
    later = timezone.now() + timedelta(days=31)
    assert services.incidents_purge_protected_only(now=later) == 1
    assert list(Incident.objects.values_list("pk", flat=True)) == [assault.pk]
    event = AuditEvent.objects.get(verb="incident.purge_protected_only")
    assert event.data["references"] == [filming.reference]
    # Running it again is harmless.
    assert services.incidents_purge_protected_only(now=later) == 0


def test_the_purge_task_runs_and_is_safe_to_run_twice(world, settings):
    from incidents.tasks import purge_protected_only

    settings.CUSTOS_PROTECTED_ONLY_PURGE_DAYS = 0
    _submit(world, ["recording"])
    assert purge_protected_only.call() == 1
    assert purge_protected_only.call() == 0


BANNED = re.compile(
    r"race|ethnic|religio|politic|party|union|associat|protest|church|mosque|faith|belief",
    re.IGNORECASE,
)


def test_no_model_field_or_choice_holds_a_sensitive_category():
    # 28 CFR 23.20(b); legal-controls C-02 and C-33.
    for model in apps.get_app_config("incidents").get_models():
        for field in model._meta.get_fields():
            assert not BANNED.search(field.name), (model.__name__, field.name)
            for value, _label in getattr(field, "choices", None) or []:
                assert not BANNED.search(str(value)), (model.__name__, field.name, value)


def test_list_refuses_filters_on_anything_but_the_known_ones(world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    for param in ["religion", "ethnicity", "race", "suspect_description", "sort"]:
        response = client.get("/api/v1/incidents", {param: "x"})
        assert response.status_code == 400, param
        assert param in response.json()["detail"]
        page = client.get("/incidents/", {param: "x"})
        assert page.status_code == 400, param


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL")
def test_postgresql_full_text_search_stems_english_and_spanish(world, signed_in):
    _submit(world, ["threat_voicemail"], "Synthetic test: he threatened the officer by voicemail.")
    _submit(world, ["threat_online"], "Synthetic test: publicó amenazas contra la agente.")
    client = signed_in(world.user("a", "field_officer"))
    assert client.get("/api/v1/incidents", {"q": "threatening"}).json()["count"] == 1
    assert client.get("/api/v1/incidents", {"q": "amenazó"}).json()["count"] == 1
    assert client.get("/api/v1/incidents", {"q": "voicemail -threatened"}).json()["count"] == 0
