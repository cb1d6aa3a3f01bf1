"""The issue's scenarios through the API: protected activity goes no further, crimes go forward."""

from __future__ import annotations

import json

import pytest
from django.http import Http404

from audit.models import AuditEvent
from incidents.models import Incident, Offense, Victim
from incidents.tests.scenarios import ELIGIBLE, FAMILY_VICTIM, PLANTED_VALUES, PROTECTED, REVIEW

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def officer_client(world, signed_in):
    return signed_in(world.user("a", "field_officer"))


@pytest.mark.parametrize("scenario", PROTECTED, ids=lambda s: s.name)
def test_protected_activity_goes_no_further(scenario, world, officer_client, signed_in):
    officer = world.user("a", "field_officer")
    body = {
        "conduct": scenario.conduct,
        "narrative": scenario.narrative,
        "victims": [{"user_id": officer.pk}],
    }
    # An offense cannot be chosen: every offense is refused, and nothing is stored.
    for code in ["18 U.S.C. 111(a)", "18 U.S.C. 119", "18 U.S.C. 875(c)"]:
        refused = _post(officer_client, URL, {**body, "offenses": [code]})
        assert refused.status_code == 422, refused.content
        assert "protected activity" in refused.json()["detail"]["offenses"][0]
    # Non-officer identifiers are refused with a clear message.
    refused = _post(officer_client, URL, {**body, "suspect_description": "tall, red jacket"})
    assert refused.status_code == 422
    assert "suspect_description" in refused.json()["detail"]
    refused = _post(officer_client, URL, {**body, "victims": [{"name": "Pat Example"}]})
    assert refused.status_code == 422
    assert Incident.objects.count() == 0

    response = _post(officer_client, URL, {**body, "reporter_phone": "202-555-0199"})
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["screening_outcome"] == "protected_only"
    assert out["status"] == "closed"
    assert out["offenses_allowed"] == []
    assert out["redactions"] >= 4
    incident = Incident.objects.get(pk=out["id"])
    assert incident.is_protected_only and incident.purge_after is not None
    stored = json.dumps(
        [incident.narrative, incident.suspect_description, incident.reporter_phone]
    ) + json.dumps(list(Victim.objects.filter(incident=incident).values()), default=str)
    for value in [*PLANTED_VALUES, "202-555-0199"]:
        assert value not in stored
    assert list(incident.victims.values_list("user_id", flat=True)) == [officer.pk]

    # Nobody opens it, not even the reporter or oversight: counts only.
    for who in [officer, world.user("a", "supervisor"), world.user("a", "oversight")]:
        assert signed_in(who).get(f"{URL}/{incident.pk}").status_code == 404
    counts = signed_in(world.user("a", "supervisor")).get(f"{URL}/protected-counts").json()
    assert sum(row["count"] for row in counts) == 1
    # The offense and conduct routes refuse (the record is not visible to change).
    supervisor = signed_in(world.user("a", "supervisor"))
    assert (
        _post(supervisor, f"{URL}/{incident.pk}/offenses", {"offenses": [], "reason": "x"})
    ).status_code == 404
    # No subject and no case can be tied to it through the other apps' services and routes.
    _assert_no_subject_or_case(world, incident)
    offense_id = Offense.objects.get(code="18 U.S.C. 111(a)").pk
    subject = {
        "label": "Synthetic test subject",
        "incident_ids": [incident.pk],
        "predicate_offense_id": offense_id,
        "predicate_element": "Forcibly assaulted",
        "predicate_facts": "Synthetic test facts",
        "predicate_source": "Synthetic test",
        "predicate_date": "2026-01-02",
        "collection_method": "report",
        "sensitivity": "sensitive",
        "source_reliability": "reliable",
        "content_validity": "confirmed",
        "control_official_id": world.user("a", "supervisor").pk,
        "identifiers": [],
    }
    proposed = _post(supervisor, "/api/v1/intel/subjects", subject)
    assert proposed.status_code == 404, proposed.content
    case = {"title": "Synthetic test case", "incident_ids": [incident.pk]}
    assert _post(supervisor, "/api/v1/cases", case).status_code == 404
    share = supervisor.post(
        f"/cases/incidents/{incident.pk}/share/",
        {"office": world.offices["b"].pk, "reason": "Synthetic test"},
    )
    assert share.status_code == 404
    from intel.models import Subject

    assert Subject.objects.count() == 0


def _assert_no_subject_or_case(world, incident):
    from cases import services as cases_services
    from intel import services as intel_services

    supervisor = world.user("a", "supervisor")
    with pytest.raises(Http404):
        cases_services.case_open(
            actor=supervisor, title="Synthetic test", incident_ids=[incident.pk]
        )
    with pytest.raises(Http404):
        intel_services.subject_propose(
            actor=supervisor,
            label="Synthetic test subject",
            incident_ids=[incident.pk],
            predicate_offense_id=None,
            predicate_element="",
            predicate_facts="",
            predicate_source="",
            predicate_date=None,
            collection_method="",
            sensitivity="",
            source_reliability="",
            content_validity="",
            control_official=supervisor,
        )


@pytest.mark.parametrize("scenario", ELIGIBLE, ids=lambda s: s.name)
def test_criminal_conduct_goes_forward_with_the_right_offenses(scenario, world, officer_client):
    officer = world.user("a", "field_officer")
    body = {
        "conduct": scenario.conduct,
        "narrative": scenario.narrative,
        "victims": [
            {"user_id": officer.pk},
            *([FAMILY_VICTIM] if scenario.family_victim else []),
        ],
        "suspect_description": "Synthetic test: tall, grey hoodie",
    }
    screened = _post(officer_client, f"{URL}/screen", body).json()
    assert screened["outcome"] == "eligible"
    for code in scenario.offenses_allowed:
        assert code in screened["offenses_allowed"]
    for code in scenario.offenses_refused:
        assert code not in screened["offenses_allowed"]
        refused = _post(officer_client, URL, {**body, "offenses": [code]})
        assert refused.status_code == 422
        assert "cannot support" in refused.json()["detail"]["offenses"][0]

    response = _post(officer_client, URL, {**body, "offenses": list(scenario.offenses_allowed)})
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["screening_outcome"], out["status"]) == ("eligible", "open")
    detail = officer_client.get(f"{URL}/{out['id']}").json()
    assert sorted(detail["offenses"]) == sorted(scenario.offenses_allowed)
    assert AuditEvent.objects.filter(verb="incident.view", target_id=str(out["id"])).exists()


def test_filmed_in_narrative_with_assault_goes_to_supervisor_review(
    world, officer_client, signed_in
):
    body = {"conduct": REVIEW.conduct, "narrative": REVIEW.narrative}
    out = _post(officer_client, URL, body).json()
    assert (out["screening_outcome"], out["status"]) == ("needs_review", "needs_review")
    assert "filmed" in out["screening_reasons"][0]
    # The officer cannot clear it; a supervisor of the office can.
    review = f"{URL}/{out['id']}/review"
    denied = _post(officer_client, review, {"decision": "open", "reason": "looks fine"})
    assert denied.status_code == 403
    other = signed_in(world.user("b", "supervisor"))
    assert _post(other, review, {"decision": "open", "reason": "x"}).status_code == 404
    supervisor = signed_in(world.user("a", "supervisor"))
    assert _post(supervisor, review, {"decision": "open", "reason": ""}).status_code == 422
    cleared = _post(supervisor, review, {"decision": "open", "reason": "filming was incidental"})
    assert cleared.status_code == 200 and cleared.json()["status"] == "open"
    event = AuditEvent.objects.filter(verb="incident.transition").order_by("-id").first()
    assert event.reason == "filming was incidental"
    assert event.actor_id == world.user("a", "supervisor").pk


def test_editing_conduct_to_protected_only_rescreens_and_strips(world, officer_client):
    body = {
        "conduct": ["physical_contact"],
        "narrative": "Synthetic test: pushed the officer; call 202-555-0123.",
        "offenses": ["18 U.S.C. 111(a)"],
        "suspect_description": "Synthetic test: short, blue cap",
        "victims": [{"user_id": world.user("a", "field_officer").pk}],
    }
    out = _post(officer_client, URL, body).json()
    changed = _post(
        officer_client,
        f"{URL}/{out['id']}/conduct",
        {"conduct": ["recording"], "reason": "on review the person only filmed"},
    )
    assert changed.status_code == 200, changed.content
    incident = Incident.objects.get(pk=out["id"])
    assert incident.is_protected_only and incident.status == "closed"
    assert incident.offenses.count() == 0 and incident.suspect_description == ""
    assert "202-555-0123" not in incident.narrative


def test_bad_input_gets_a_clear_error_and_stores_nothing(officer_client):
    response = _post(officer_client, URL, {"conduct": ["dangerous_vibes"], "narrative": "x"})
    assert response.status_code == 422
    assert "Unknown conduct" in response.json()["detail"]["conduct"][0]
    response = _post(officer_client, URL, {"conduct": [], "narrative": "x"})
    assert response.status_code == 422
    assert Incident.objects.count() == 0


def test_oversight_cannot_submit(world, signed_in):
    client = signed_in(world.user("a", "oversight"))
    response = _post(client, URL, {"conduct": ["physical_contact"], "narrative": "x"})
    assert response.status_code == 403
    assert Incident.objects.count() == 0
