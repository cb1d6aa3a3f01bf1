"""A refused supervisor review keeps what was typed; an incident's detail read is audited once,
by one selector that the page and the API share (28 CFR 23.20(g)). Synthetic test data.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from incidents import selectors, services
from incidents.models import Incident

pytestmark = pytest.mark.django_db

REASON = "Synthetic review note: the filming was incidental to the push."


@pytest.fixture
def flagged(world) -> Incident:
    incident = services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=["physical_contact"],
        narrative="Synthetic test: after the rally he pushed the officer",
        actor=world.user("a", "field_officer"),
    )
    assert incident.status == "needs_review"
    return incident


def _views(incident: Incident) -> int:
    return AuditEvent.objects.filter(verb="incident.view", target_id=str(incident.pk)).count()


def test_a_refused_review_shows_the_error_and_keeps_the_reason(world, signed_in, flagged):
    supervisor = signed_in(world.user("a", "supervisor"))
    url = reverse("incidents:review", args=[flagged.pk])

    no_decision = supervisor.post(url, {"reason": REASON})
    assert no_decision.status_code == 422
    page = no_decision.content.decode()
    assert "Choose open or close." in page
    assert REASON in page  # the reason as typed, in the review form, ready to send again
    assert 'value="open"' in page  # the decision buttons are still there

    blank = supervisor.post(url, {"decision": "open", "reason": "   "})
    assert blank.status_code == 422
    assert 'id="review-reason"' in blank.content.decode()
    flagged.refresh_from_db()
    assert flagged.status == "needs_review"

    assert supervisor.post(url, {"decision": "open", "reason": REASON}).status_code == 302
    # Reviewed meanwhile (a second tab, a colleague): refused, and the second reason is not lost.
    late = supervisor.post(url, {"decision": "closed", "reason": "Synthetic second opinion."})
    assert late.status_code == 422
    page = late.content.decode()
    assert "not waiting for review" in page and "Synthetic second opinion." in page
    assert 'value="closed"' not in page  # nothing left to decide
    flagged.refresh_from_db()
    assert flagged.status == "open"


def test_the_title_is_the_reference_only(world, signed_in, flagged):
    page = signed_in(world.user("a", "supervisor")).get(
        reverse("incidents:detail", args=[flagged.pk])
    )
    title = page.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert flagged.reference in title and "<form" not in title and "review-reason" not in title


def test_page_and_api_read_through_one_selector_that_audits_once(
    world, signed_in, flagged, monkeypatch
):
    calls = []
    real = selectors.incident_detail_for_user

    def spy(**kwargs):
        calls.append(kwargs["incident_id"])
        return real(**kwargs)

    monkeypatch.setattr(selectors, "incident_detail_for_user", spy)
    client = signed_in(world.user("a", "supervisor"))

    assert client.get(reverse("incidents:detail", args=[flagged.pk])).status_code == 200
    assert calls == [flagged.pk] and _views(flagged) == 1
    assert client.get(f"/api/v1/incidents/{flagged.pk}").status_code == 200
    assert calls == [flagged.pk, flagged.pk] and _views(flagged) == 2

    # An action is not a read: the review writes its own event, and the page shown next is
    # the one read.
    url = reverse("incidents:review", args=[flagged.pk])
    done = client.post(url, {"decision": "open", "reason": REASON}, follow=True)
    assert done.status_code == 200 and _views(flagged) == 3
    # Not visible and not allowed are one answer, and neither is audited as a read.
    other = signed_in(world.user("b", "supervisor"))
    assert other.get(reverse("incidents:detail", args=[flagged.pk])).status_code == 404
    assert other.get(f"/api/v1/incidents/{flagged.pk}").status_code == 404
    records = signed_in(world.user("a", "records_officer"))
    assert records.get(reverse("incidents:detail", args=[flagged.pk])).status_code == 403
    assert _views(flagged) == 3
