"""The recipient-agency registry page and API (issue 5 item 5). Synthetic agencies only."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from intel.models import RecipientAgency

pytestmark = pytest.mark.django_db

AGENCY = {
    "name": "Example County Sheriff (synthetic)",
    "address": "1 Fictional Plaza, Nowhere",
    "is_law_enforcement": True,
    "agreement_signed": "2026-01-01",
    "agreement_expires": "2099-12-31",
}


def test_a_supervisor_lists_and_adds_agencies_on_the_page(world, signed_in):
    client = signed_in(world.user("a", "supervisor"))
    assert "No agency is registered yet." in client.get("/intel/agencies/").content.decode()

    response = client.post("/intel/agencies/", {**AGENCY, "is_law_enforcement": "on"})

    assert response.status_code == 302
    agency = RecipientAgency.objects.get()
    assert agency.is_law_enforcement and str(agency.agreement_expires) == "2099-12-31"
    assert AuditEvent.objects.filter(verb="agency.register").count() == 1
    page = client.get("/intel/agencies/").content.decode()
    assert "Example County Sheriff (synthetic)" in page and "2099-12-31" in page


def test_bad_dates_are_refused_with_the_form_kept(world, signed_in):
    client = signed_in(world.user("a", "supervisor"))
    bad = {**AGENCY, "agreement_signed": "2026-05-01", "agreement_expires": "2026-01-01"}
    response = client.post("/intel/agencies/", bad)
    assert response.status_code == 422
    body = response.content.decode()
    assert "expires before it starts" in body and "Example County Sheriff (synthetic)" in body
    assert not RecipientAgency.objects.exists()


def test_the_api_lists_and_registers_and_others_cannot(world, signed_in):
    supervisor = signed_in(world.user("a", "supervisor"))
    created = supervisor.post("/api/v1/intel/agencies", AGENCY, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["agreement_current"] is True
    ngo = {**AGENCY, "name": "Example Shelter (synthetic)", "is_law_enforcement": False}
    ngo |= {"agreement_signed": None, "agreement_expires": None}
    assert (
        supervisor.post("/api/v1/intel/agencies", ngo, content_type="application/json").status_code
        == 201
    )
    listed = supervisor.get("/api/v1/intel/agencies").json()
    assert [(a["name"], a["is_law_enforcement"], a["agreement_current"]) for a in listed] == [
        ("Example County Sheriff (synthetic)", True, True),
        ("Example Shelter (synthetic)", False, False),
    ]
    oversight = signed_in(world.user("a", "oversight"))
    assert oversight.get("/api/v1/intel/agencies").status_code == 200
    assert (
        oversight.post(
            "/api/v1/intel/agencies", {**AGENCY, "name": "X"}, content_type="application/json"
        ).status_code
        == 403
    )
    officer = signed_in(world.user("a", "field_officer"))
    assert officer.get("/api/v1/intel/agencies").status_code == 403
    assert officer.get("/intel/agencies/").status_code == 403
    assert RecipientAgency.objects.count() == 2
