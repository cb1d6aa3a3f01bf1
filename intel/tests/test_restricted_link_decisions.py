"""The control official of a restricted subject decides its link proposals (C-10).

Proposals on a restricted subject are shown only to its control official and the read-only
oversight roles (28 CFR 23.20(e)); deciding needed LINK_DECIDE, which only analysts hold, so a
supervisor control official could see a proposal nobody could decide. The control official now
decides it (page and API), audited as any decision; everyone else stays refused. All data
synthetic.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from audit.models import AuditEvent
from cases import services as case_services
from cases.tests.factories import active_subject, make_incident
from common.testing import make_user
from intel import services
from intel.models import LinkProposal

pytestmark = pytest.mark.django_db

PHONE = "555-010-0191"
REASON = "Synthetic: the same number in both records."


def _restricted_with_link(world, sensitivity="restricted"):
    incident = make_incident(world.offices["a"])
    case_services.incident_identifier_add(
        incident_id=incident.pk, actor=world.user("a", "supervisor"), kind="phone", value=PHONE
    )
    # Control official: office A's supervisor (propose_kwargs in cases/tests/factories.py).
    subject = active_subject(world, sensitivity=sensitivity, identifiers=[("phone", PHONE)])
    return subject, subject.links.get(incident=incident)


def _decide_api(client, link, confirm=True):
    return client.post(
        reverse("api:intel_link_decide", kwargs={"link_id": link.pk}),
        {"confirm": confirm, "reason": REASON},
        content_type="application/json",
    )


def _decide_page(client, link, decision="confirm"):
    return client.post(
        reverse("intel:link_decide", args=[link.pk]), {"decision": decision, "reason": REASON}
    )


def test_the_control_official_decides_a_restricted_subjects_link_on_the_page(world, signed_in):
    subject, link = _restricted_with_link(world)
    official = world.user("a", "supervisor")
    client = signed_in(official)
    listed = client.get(reverse("intel:links")).content.decode()
    # The decision form is offered to the control official for this proposal.
    assert reverse("intel:link_decide", args=[link.pk]) in listed
    response = _decide_page(client, link)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == LinkProposal.Status.CONFIRMED and link.decided_by == official
    assert subject.incident_ties.filter(incident_id=link.incident_id).exists()
    event = AuditEvent.objects.get(verb="link.confirm", target_id=str(link.pk))
    assert event.actor == official and event.reason == REASON
    assert event.data["as_control_official"] is True


def test_the_control_official_decides_a_restricted_subjects_link_through_the_api(world, signed_in):
    _subject, link = _restricted_with_link(world)
    response = _decide_api(signed_in(world.user("a", "supervisor")), link, confirm=False)
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert AuditEvent.objects.filter(
        verb="link.reject", target_id=str(link.pk), actor=world.user("a", "supervisor")
    ).exists()


def test_everyone_else_is_still_refused_a_restricted_subjects_link(world, signed_in):
    _subject, link = _restricted_with_link(world)
    other_supervisor = make_user(world.offices["a"], "supervisor", username="a-supervisor-2")
    # Not shown to them: not found, as for a proposal that does not exist.
    for user in (world.user("a", "analyst"), other_supervisor, world.user("b", "analyst")):
        client = signed_in(user)
        assert _decide_api(client, link).status_code == 404
        assert _decide_page(client, link).status_code == 404
        # The service refuses too (capability first: 403 for a supervisor, 404 for an analyst).
        with pytest.raises((Http404, PermissionDenied)):
            services.link_decide(link=link, analyst=user, confirm=True, reason=REASON)
    # Oversight sees it and decides nothing (read-only).
    oversight = world.user("a", "oversight")
    assert _decide_api(signed_in(oversight), link).status_code == 403
    assert _decide_page(signed_in(oversight), link).status_code == 403
    with pytest.raises(PermissionDenied):
        services.link_decide(link=link, analyst=oversight, confirm=True, reason=REASON)
    link.refresh_from_db()
    assert link.status == LinkProposal.Status.PROPOSED


def test_a_supervisor_still_does_not_decide_an_open_subjects_link(world, signed_in):
    # Only the restricted case changes: an open subject's proposals are the analysts'.
    _subject, link = _restricted_with_link(world, sensitivity="open")
    supervisor = world.user("a", "supervisor")
    client = signed_in(supervisor)
    assert reverse("intel:link_decide", args=[link.pk]) not in (
        client.get(reverse("intel:links")).content.decode()
    )
    assert _decide_api(client, link).status_code == 403
    assert _decide_page(client, link).status_code == 403
    assert _decide_api(signed_in(world.user("a", "analyst")), link).status_code == 200
