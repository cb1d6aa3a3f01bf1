"""The exposure API with JSON bodies. SYNTHETIC TEST DATA (see factories.py)."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from exposure.tests.factories import lucia_values, make_person

pytestmark = pytest.mark.django_db

FLYER = "Lucia Quintero vive en 418 Mirlo St., tel. 202 555 0143"


def _bearer(user) -> dict:
    _token, secret = account_services.token_create(user=user, name="synthetic test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_scan_raises_alerts_and_alerts_are_scoped(world, client):
    make_person(world.offices["a"], lucia_values(), "R-001", user=world.user("a", "field_officer"))
    unit = _bearer(world.user("a", "protective_unit"))
    response = client.post(
        "/api/v1/exposure/scan",
        {"text": FLYER, "label": "api test"},
        content_type="application/json",
        **unit,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [e["person"] for e in body["exposures"]] == ["R-001"]
    assert body["exposures"][0]["restricted"] is True
    alert_id = body["new_alerts"][0]["id"]
    assert "418" not in response.content.decode()  # results name types and offsets, not values
    listed = client.get("/api/v1/exposure/alerts", **unit).json()
    assert [a["id"] for a in listed] == [alert_id]
    assert listed[0]["incident"]  # restricted: an incident was drafted
    officer = _bearer(world.user("a", "field_officer"))
    assert client.get(f"/api/v1/exposure/alerts/{alert_id}", **officer).status_code == 200
    other = _bearer(world.user("b", "protective_unit"))
    assert client.get(f"/api/v1/exposure/alerts/{alert_id}", **other).status_code == 404
    assert client.get("/api/v1/exposure/alerts", **other).json() == []
    analyst = _bearer(world.user("a", "analyst"))
    denied = client.post(
        "/api/v1/exposure/scan", {"text": FLYER}, content_type="application/json", **analyst
    )
    assert denied.status_code == 403
    empty = client.post(
        "/api/v1/exposure/scan", {"text": "  "}, content_type="application/json", **unit
    )
    assert empty.status_code == 422
