"""The demo data loads twice without duplicates; the API enforces the same rules (JSON bodies).
All data synthetic."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases.tests.factories import active_subject, make_incident, propose_kwargs
from common.testing import make_office, make_user
from intel.models import LinkProposal, Subject

pytestmark = pytest.mark.django_db


def test_demo_populates_once_with_a_cross_office_link(db):
    from cases.models import Case
    from intel import demo
    from intel.selectors import links_for_user

    offices = [make_office("demoa"), make_office("demob")]
    for office in offices:
        for role in ("supervisor", "analyst", "rs_approver"):
            make_user(office, role, username=f"{office.code}-{role.replace('_', '-')}")
    demo.populate(offices=offices)
    demo.populate(offices=offices)
    assert Case.objects.filter(title=demo.DEMO_TITLE).count() == 1
    assert Subject.objects.filter(status="active").count() == 1
    analyst = User.objects.get(username="demoa-analyst")
    assert links_for_user(analyst).count() == 2


def _post(client, name, payload, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), payload, content_type="application/json")


def test_api_propose_approve_and_read_subject(world, signed_in):
    incident = make_incident(world.offices["a"])
    body = propose_kwargs(incident, world.user("a", "supervisor"))
    body["control_official_id"] = body.pop("control_official").pk
    body["predicate_date"] = body["predicate_date"].isoformat()
    body["identifiers"] = [{"kind": "phone", "value": "555 010 0155"}]
    analyst = signed_in(world.user("a", "analyst"))
    bad = dict(body, predicate_facts="", sensitivity="")
    response = _post(analyst, "api:intel_subject_propose", bad)
    assert response.status_code == 422
    assert {"predicate_facts", "sensitivity"} <= set(response.json()["detail"])
    response = _post(analyst, "api:intel_subject_propose", body)
    assert response.status_code == 201, response.content
    subject_id = response.json()["id"]
    assert response.json()["identifiers"] == [{"kind": "phone", "value": "+15550100155"}]
    # The submitter cannot approve; oversight cannot; the RS approver can.
    approve = {"reason": "Synthetic RS", "lawfully_obtained": True}
    assert (
        _post(
            signed_in(world.user("a", "oversight")),
            "api:intel_approve",
            approve,
            subject_id=subject_id,
        ).status_code
        == 403
    )
    assert (
        _post(
            signed_in(world.user("b", "rs_approver")),
            "api:intel_approve",
            approve,
            subject_id=subject_id,
        ).status_code
        == 404
    )
    response = _post(
        signed_in(world.user("a", "rs_approver")),
        "api:intel_approve",
        approve,
        subject_id=subject_id,
    )
    assert response.status_code == 200 and response.json()["status"] == "active"
    before = AuditEvent.objects.filter(verb="subject.view").count()
    response = analyst.get(reverse("api:intel_subject", kwargs={"subject_id": subject_id}))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(verb="subject.view").count() == before + 1
    search = analyst.get(reverse("api:intel_subjects"), {"q": "(555) 010-0155"})
    assert [s["id"] for s in search.json()] == [subject_id]
    other = signed_in(world.user("b", "analyst")).get(
        reverse("api:intel_subjects"), {"q": "(555) 010-0155"}
    )
    assert other.json() == []


def test_api_cases_share_and_graph(world, signed_in):
    i1 = make_incident(world.offices["a"])
    sup = signed_in(world.user("a", "supervisor"))
    response = _post(
        sup, "api:cases_open", {"title": "Synthetic API case", "incident_ids": [i1.pk]}
    )
    assert response.status_code == 201
    case_id = response.json()["id"]
    b = signed_in(world.user("b", "analyst"))
    assert b.get(reverse("api:cases_detail", kwargs={"case_id": case_id})).status_code == 404
    assert b.get(reverse("api:cases_counts")).json()["open"] == 0
    response = _post(
        sup, "api:cases_share", {"office_id": world.offices["b"].pk, "reason": ""}, case_id=case_id
    )
    assert response.status_code == 422
    response = _post(
        sup,
        "api:cases_share",
        {"office_id": world.offices["b"].pk, "reason": "Synthetic joint work"},
        case_id=case_id,
    )
    assert response.status_code == 201
    assert b.get(reverse("api:cases_detail", kwargs={"case_id": case_id})).status_code == 200
    assert b.get(reverse("api:cases_counts")).json()["open"] == 1
    graph = b.get(reverse("api:cases_graph", kwargs={"case_id": case_id})).json()
    assert {n["data"]["type"] for n in graph["nodes"]} == {"case", "incident"}
    # Reopen without a reason is refused; a closed case then reopens with one.
    assert _post(sup, "api:cases_transition", {"to": "closed"}, case_id=case_id).status_code == 200
    assert _post(sup, "api:cases_transition", {"to": "open"}, case_id=case_id).status_code == 422
    response = _post(
        sup, "api:cases_transition", {"to": "open", "reason": "New call"}, case_id=case_id
    )
    assert response.json()["status"] == "open"


def test_api_link_decision_and_dissemination(world, signed_in):
    from cases.tests.factories import le_agency

    subject = active_subject(world, identifiers=[("phone", "555-010-0133")])
    incident = make_incident(world.offices["a"])
    sup = signed_in(world.user("a", "supervisor"))
    response = _post(
        sup,
        "api:cases_incident_identifier",
        {"kind": "phone", "value": "(555) 010 0133"},
        incident_id=incident.pk,
    )
    assert response.status_code == 201
    link = LinkProposal.objects.get(subject=subject, incident=incident)
    response = _post(
        signed_in(world.user("a", "analyst")),
        "api:intel_link_decide",
        {"confirm": True, "reason": "Same number (synthetic)"},
        link_id=link.pk,
    )
    assert response.json()["status"] == "confirmed"
    assert AuditEvent.objects.filter(verb="link.confirm", target_id=str(link.pk)).exists()
    agency = le_agency()
    response = _post(
        sup,
        "api:intel_disseminate",
        {
            "agency_id": agency.pk,
            "recipient_name": "Synthetic Liaison",
            "purpose": "Synthetic joint investigation",
        },
        subject_id=subject.pk,
    )
    assert response.status_code == 201
    assert "a-supervisor" in response.json()["watermark"]
    assert timezone.now().strftime("%Y-%m-%d") in response.json()["watermark"]
