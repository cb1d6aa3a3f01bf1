"""Holes a reviewer found in the intelligence index: listing, re-dissemination, eligibility at
approval and at linking, share-visibility and over-long input. All data synthetic."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from cases import services as case_services
from cases.tests.factories import active_subject, le_agency, make_incident, propose_kwargs
from common.testing import make_user
from incidents.screening import Outcome
from intel import identifiers as ids
from intel import selectors, services
from intel.models import LinkProposal, Subject

pytestmark = pytest.mark.django_db


def _share(world, incident, to="b"):
    case_services.incident_share(
        incident_id=incident.pk,
        office_id=world.offices[to].pk,
        actor=world.user("a", "supervisor"),
        reason="Synthetic: joint investigation.",
    )


# 1. The plain list hides restricted and expired subjects, and is audited -------------------


def test_subject_list_hides_restricted_and_expired_and_is_audited(world):
    open_one = active_subject(world)
    restricted = active_subject(world, sensitivity="restricted")  # official: a supervisor
    expired = active_subject(world)
    Subject.objects.filter(pk=expired.pk).update(status=Subject.Status.EXPIRED)

    analyst = world.user("a", "analyst")
    listed = {s.pk for s in selectors.subject_list(user=analyst)}
    assert open_one.pk in listed
    assert restricted.pk not in listed and expired.pk not in listed
    event = AuditEvent.objects.filter(verb="subject.list", actor=analyst).get()
    assert set(event.data["results"]) == listed

    official = {s.pk for s in selectors.subject_list(user=world.user("a", "supervisor"))}
    assert restricted.pk in official and expired.pk not in official
    oversight = {s.pk for s in selectors.subject_list(user=world.user("a", "oversight"))}
    assert {open_one.pk, restricted.pk, expired.pk} <= oversight


def test_subject_list_api_hides_restricted(world, signed_in):
    restricted = active_subject(world, sensitivity="restricted")
    response = signed_in(world.user("a", "analyst")).get(reverse("api:intel_subjects"))
    assert response.status_code == 200
    assert restricted.pk not in [row["id"] for row in response.json()]
    assert AuditEvent.objects.filter(verb="subject.list").exists()


# 2. Only the owning office (and for restricted, only the control official) releases ------


def test_office_seeing_a_subject_through_a_share_cannot_disseminate_it(world):
    incident = make_incident(world.offices["a"])
    subject = active_subject(world, incident=incident)
    _share(world, incident)
    b_sup = world.user("b", "supervisor")
    assert selectors.subject_get_for_user(subject_id=subject.pk, user=b_sup, audit=False)
    with pytest.raises(PermissionDenied):
        services.disseminate_intelligence(
            subject_id=subject.pk,
            actor=b_sup,
            agency=le_agency(),
            recipient_name="Synthetic Liaison Officer",
            purpose="Synthetic joint threat investigation",
        )


def test_restricted_subject_is_released_only_by_its_control_official(world):
    subject = active_subject(world, sensitivity="restricted")
    other_sup = make_user(world.offices["a"], "supervisor", username="a-second-supervisor")
    agency = le_agency()
    kwargs = {
        "subject_id": subject.pk,
        "agency": agency,
        "recipient_name": "Synthetic Liaison Officer",
        "purpose": "Synthetic joint threat investigation",
    }
    with pytest.raises(PermissionDenied):
        services.disseminate_intelligence(actor=other_sup, **kwargs)
    release = services.disseminate_intelligence(actor=world.user("a", "supervisor"), **kwargs)
    assert release.pk


# 4. Eligibility re-checked at approval and at linking ---------------------------------------


def test_approval_refused_when_a_tied_incident_is_no_longer_eligible(world):
    incident = make_incident(world.offices["a"])
    subject = services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(incident, world.user("a", "supervisor")),
    )
    type(incident).objects.filter(pk=incident.pk).update(screening_outcome=Outcome.NEEDS_REVIEW)
    with pytest.raises(ValidationError):
        services.subject_approve(
            subject=subject,
            approver=world.user("a", "rs_approver"),
            reason="Synthetic RS.",
            lawfully_obtained=True,
        )
    subject.refresh_from_db()
    assert subject.status == Subject.Status.PROPOSED


def test_links_only_to_incidents_screened_eligible(world):
    sup = world.user("a", "supervisor")
    pending = make_incident(world.offices["a"], outcome=Outcome.NEEDS_REVIEW)
    later = make_incident(world.offices["a"])
    for incident in (pending, later):
        case_services.incident_identifier_add(
            incident_id=incident.pk, actor=sup, kind="phone", value="555-010-0177"
        )
    subject = active_subject(world, identifiers=[("phone", "555-010-0177")])
    assert {link.incident_id for link in subject.links.all()} == {later.pk}
    # The screening changes after the proposal: the link is not confirmed.
    type(later).objects.filter(pk=later.pk).update(screening_outcome=Outcome.NEEDS_REVIEW)
    link = subject.links.get(incident=later)
    with pytest.raises(ValidationError):
        services.link_decide(
            link=link, analyst=world.user("a", "analyst"), confirm=True, reason="Same number."
        )
    link.refresh_from_db()
    assert link.status == LinkProposal.Status.PROPOSED
    assert not subject.incident_ties.filter(incident=later).exists()


# 5. Through a share, only active, non-restricted subjects ----------------------------------


def test_share_shows_only_active_non_restricted_subjects(world):
    incident = make_incident(world.offices["a"])
    proposed = services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(incident, world.user("a", "supervisor")),
    )
    restricted = active_subject(world, incident=incident, sensitivity="restricted")
    active = active_subject(world, incident=incident)
    _share(world, incident)
    visible = set(
        selectors.subjects_visible_to(world.user("b", "analyst")).values_list("pk", flat=True)
    )
    assert visible == {active.pk}
    assert proposed.pk not in visible and restricted.pk not in visible


# 6. Over-long input is a clear error, not a database error ---------------------------------


def test_overlong_api_input_is_a_422(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "supervisor"))
    response = client.post(
        reverse("api:intel_disseminate", kwargs={"subject_id": subject.pk}),
        {"agency_id": le_agency().pk, "recipient_name": "x" * 201, "purpose": "Synthetic"},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        reverse("api:intel_purge", kwargs={"subject_id": subject.pk}),
        {"schedule_item": "x" * 101, "reason": "Synthetic"},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_normalize_refuses_a_value_too_long_for_its_column():
    with pytest.raises(ValidationError):
        ids.normalize(ids.Kind.NAME, "Avery " + "Quill" * 80)
    assert ids.normalize(ids.Kind.NAME, "Avery Quill")
