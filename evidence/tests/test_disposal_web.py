"""Legal hold and records-schedule disposal from the item page and the API (C-37).

A records officer acts from the page or the API, never only from Python (44 U.S.C. 3105-3106).
Synthetic data only.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from evidence.disposal import evidence_legal_hold
from evidence.models import EvidenceItem

pytestmark = pytest.mark.django_db

SCHEDULE = "GRS 5.2 item 020"


def _url(name: str, item: EvidenceItem) -> str:
    return reverse(name, kwargs={"item_id": item.pk})


def _api(client, name: str, item: EvidenceItem, body: dict):
    return client.post(
        reverse(name, kwargs={"item_id": item.pk}),
        data=json.dumps(body),
        content_type="application/json",
    )


# The item page -------------------------------------------------------------------------------


def test_the_item_page_offers_hold_and_disposal_to_a_records_officer_of_the_office_only(
    item, world, signed_in
):
    page = signed_in(world.user("a", "records_officer")).get(_url("evidence:detail", item))
    html = page.content.decode()
    assert page.status_code == 200
    assert _url("evidence:legal_hold", item) in html and "Set legal hold" in html
    assert _url("evidence:dispose", item) in html and 'name="confirm"' in html

    for role in ("field_officer", "supervisor"):
        html = signed_in(world.user("a", role)).get(_url("evidence:detail", item)).content.decode()
        assert _url("evidence:legal_hold", item) not in html
        assert _url("evidence:dispose", item) not in html


def test_a_records_officer_sets_and_lifts_a_hold_then_disposes_from_the_page(
    item, world, signed_in
):
    client = signed_in(world.user("a", "records_officer"))

    response = client.post(
        _url("evidence:legal_hold", item),
        {"action": "set", "reason": "Litigation hold, synthetic matter 7."},
    )
    assert response.status_code == 302 and response.url == _url("evidence:detail", item)
    item.refresh_from_db()
    assert item.legal_hold and item.legal_hold_reason == "Litigation hold, synthetic matter 7."
    html = client.get(_url("evidence:detail", item)).content.decode()
    # Held: the page says so, offers to lift the hold and no longer offers disposal.
    assert 'data-testid="legal-hold"' in html and "Lift legal hold" in html
    assert _url("evidence:dispose", item) not in html

    client.post(_url("evidence:legal_hold", item), {"action": "lift", "reason": "Matter closed."})
    item.refresh_from_db()
    assert not item.legal_hold

    response = client.post(
        _url("evidence:dispose", item),
        {"schedule_item": SCHEDULE, "reason": "Retention period ended.", "confirm": "on"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.disposed_at is not None and item.disposal_schedule_item == SCHEDULE
    assert item.custody.order_by("-sequence").first().action == "disposed"
    html = client.get(_url("evidence:detail", item)).content.decode()
    assert 'data-testid="disposal"' in html and _url("evidence:dispose", item) not in html


def test_disposing_of_a_held_item_from_the_page_is_refused_and_keeps_what_was_typed(
    item, world, signed_in
):
    officer = world.user("a", "records_officer")
    evidence_legal_hold(item=item, actor=officer, hold=True, reason="Synthetic discovery request")

    response = signed_in(officer).post(
        _url("evidence:dispose", item),
        {
            "schedule_item": SCHEDULE,
            "reason": "Typed reason that must survive 4417.",
            "confirm": "on",
        },
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "under a legal hold" in html
    assert "Typed reason that must survive 4417." in html and SCHEDULE in html
    item.refresh_from_db()
    assert item.disposed_at is None and not item.custody.filter(action="disposed").exists()


def test_a_refused_page_submit_names_the_field_and_keeps_the_reason(item, world, signed_in):
    client = signed_in(world.user("a", "records_officer"))

    bad_schedule = client.post(
        _url("evidence:dispose", item),
        {"schedule_item": "because", "reason": "Kept reason 5120.", "confirm": "on"},
    )
    assert bad_schedule.status_code == 422
    html = bad_schedule.content.decode()
    assert "records-schedule item that authorises" in html and "Kept reason 5120." in html

    unconfirmed = client.post(
        _url("evidence:dispose", item), {"schedule_item": SCHEDULE, "reason": "Kept reason 5121."}
    )
    assert unconfirmed.status_code == 422 and "Kept reason 5121." in unconfirmed.content.decode()

    no_reason = client.post(_url("evidence:legal_hold", item), {"action": "set", "reason": " "})
    assert no_reason.status_code == 422
    item.refresh_from_db()
    assert item.disposed_at is None and not item.legal_hold


def test_page_actions_are_404_for_another_office_and_403_without_the_capability(
    item, world, signed_in
):
    body = {"schedule_item": SCHEDULE, "reason": "Ended.", "confirm": "on"}
    hold = {"action": "set", "reason": "Hold."}
    other_office = signed_in(world.user("b", "records_officer"))
    assert other_office.post(_url("evidence:dispose", item), body).status_code == 404
    assert other_office.post(_url("evidence:legal_hold", item), hold).status_code == 404
    no_capability = signed_in(world.user("a", "supervisor"))
    assert no_capability.post(_url("evidence:dispose", item), body).status_code == 403
    assert no_capability.post(_url("evidence:legal_hold", item), hold).status_code == 403
    read_only = signed_in(world.user("a", "oversight"))
    assert read_only.post(_url("evidence:dispose", item), body).status_code == 403
    item.refresh_from_db()
    assert item.disposed_at is None and not item.legal_hold


# The API -------------------------------------------------------------------------------------


def test_the_api_sets_a_hold_refuses_disposal_while_held_then_disposes(item, world, signed_in):
    client = signed_in(world.user("a", "records_officer"))

    held = _api(client, "api:evidence_legal_hold", item, {"hold": True, "reason": "Litigation."})
    assert held.status_code == 200 and held.json()["legal_hold"] is True

    refused = _api(
        client, "api:evidence_dispose", item, {"schedule_item": SCHEDULE, "reason": "Ended."}
    )
    assert refused.status_code == 422
    assert "legal hold" in json.dumps(refused.json()["detail"])
    item.refresh_from_db()
    assert item.disposed_at is None

    lifted = _api(client, "api:evidence_legal_hold", item, {"hold": False, "reason": "Closed."})
    assert lifted.status_code == 200 and lifted.json()["legal_hold"] is False
    done = _api(
        client, "api:evidence_dispose", item, {"schedule_item": SCHEDULE, "reason": "Ended."}
    )
    assert done.status_code == 200
    assert done.json()["disposed_at"] and done.json()["disposal_schedule_item"] == SCHEDULE
    assert item.custody.order_by("-sequence").first().action == "disposed"


def test_the_api_gives_the_services_message_for_bad_input(item, world, signed_in):
    client = signed_in(world.user("a", "records_officer"))

    no_schedule = _api(client, "api:evidence_dispose", item, {"reason": "Ended."})
    assert no_schedule.status_code == 422 and "schedule_item" in no_schedule.json()["detail"]
    no_reason = _api(client, "api:evidence_legal_hold", item, {"hold": True, "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
    item.refresh_from_db()
    assert item.disposed_at is None and not item.legal_hold


def test_the_api_is_404_for_another_office_and_403_without_the_capability(item, world, signed_in):
    body = {"schedule_item": SCHEDULE, "reason": "Ended."}
    hold = {"hold": True, "reason": "Hold."}
    other_office = signed_in(world.user("b", "records_officer"))
    assert _api(other_office, "api:evidence_dispose", item, body).status_code == 404
    assert _api(other_office, "api:evidence_legal_hold", item, hold).status_code == 404
    missing = EvidenceItem(pk=item.pk + 1000)
    assert _api(other_office, "api:evidence_dispose", missing, body).status_code == 404
    no_capability = signed_in(world.user("a", "field_officer"))
    assert _api(no_capability, "api:evidence_dispose", item, body).status_code == 403
    assert _api(no_capability, "api:evidence_legal_hold", item, hold).status_code == 403
    read_only = signed_in(world.user("b", "oversight"))
    assert _api(read_only, "api:evidence_dispose", item, body).status_code == 403
    item.refresh_from_db()
    assert item.disposed_at is None and not item.legal_hold
