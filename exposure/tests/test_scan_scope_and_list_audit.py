"""Scan results show person details only for the caller's own office; alert lists are audited.

Field offices see their own records (sharing explicit); 28 CFR 23.20(g) every read logged.
SYNTHETIC TEST DATA (see factories.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import services as account_services
from audit.models import AuditEvent
from exposure.models import ExposureAlert
from exposure.tests.factories import anselmo_values, lucia_values, make_person

pytestmark = pytest.mark.django_db

# Lucia is office a's, Anselmo office b's; both are exposed.
FLYER = (
    "SE BUSCA: la agente Lucia Quintero vive en 418 Mirlo St. Llamela al 202.555.0143. "
    "Tambien Anselmo Brightwater, placa ZXR 4471."
)


def _bearer(user) -> dict:
    _token, secret = account_services.token_create(user=user, name="synthetic test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def two_offices(world):
    make_person(world.offices["a"], lucia_values(), "R-A01")
    make_person(world.offices["b"], anselmo_values(), "R-B02")


def test_api_scan_hides_other_office_person_but_alerts_that_office(world, client, two_offices):
    unit = _bearer(world.user("a", "protective_unit"))
    response = client.post(
        "/api/v1/exposure/scan", {"text": FLYER}, content_type="application/json", **unit
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [e["person"] for e in body["exposures"]] == ["R-A01"]
    assert [a["roster_id"] for a in body["new_alerts"]] == ["R-A01"]
    assert body["other_office_matches"] == 1
    assert "R-B02" not in response.content.decode()
    other = ExposureAlert.objects.get(person__roster_id="R-B02")
    assert other.office == world.offices["b"]


def test_scan_page_hides_other_office_person(world, signed_in, two_offices):
    client = signed_in(world.user("a", "protective_unit"))
    page = client.post(reverse("exposure:scan"), {"text": FLYER, "label": "t"}).content.decode()
    assert "1 protected person exposed." in page
    assert "A protected person of another office matched" in page
    assert "R-B02" not in page
    mine = ExposureAlert.objects.get(person__roster_id="R-A01")
    theirs = ExposureAlert.objects.get(person__roster_id="R-B02")
    assert reverse("exposure:alert", args=[mine.pk]) in page
    assert reverse("exposure:alert", args=[theirs.pk]) not in page


def test_alert_lists_are_audited_with_the_ids_shown(world, client, signed_in, two_offices):
    unit_user = world.user("a", "protective_unit")
    unit = _bearer(unit_user)
    client.post("/api/v1/exposure/scan", {"text": FLYER}, content_type="application/json", **unit)
    mine = ExposureAlert.objects.get(person__roster_id="R-A01")
    listed = client.get("/api/v1/exposure/alerts", **unit).json()
    assert [a["id"] for a in listed] == [mine.pk]
    event = AuditEvent.objects.get(verb="exposure_alert.list")
    assert event.data["ids"] == [mine.pk] and event.actor == unit_user
    signed_in(unit_user).get(reverse("exposure:alerts"))
    events = AuditEvent.objects.filter(verb="exposure_alert.list").order_by("id")
    assert [e.data["ids"] for e in events] == [[mine.pk], [mine.pk]]
