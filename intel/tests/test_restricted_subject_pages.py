"""A restricted subject opened by number (page, API, actions) and on the link proposals page.

Legal-controls C-10 (28 CFR 23.20(e), need and right to know): within its own office a restricted
subject is shown only to its control official and the read-only oversight roles; anyone else gets
"not found", as in the list and the search. The office's review and purge workflow keeps its
path: an RS approver opens a proposed one (to approve) or one due for review (to validate), a
purge approver an expired one or one whose purge waits for a second approver. All data synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services as case_services
from cases.tests.factories import active_subject, le_agency, make_incident, propose_kwargs
from common.testing import make_user
from intel import selectors, services
from intel.models import Subject

pytestmark = pytest.mark.django_db

PHONE = "555-010-0188"


def _restricted(world, **kwargs):
    # Control official: office A's supervisor (propose_kwargs).
    return active_subject(world, sensitivity="restricted", **kwargs)


def _second_supervisor(world):
    return make_user(world.offices["a"], "supervisor", username="a-other-supervisor")


def _views(subject, user):
    return AuditEvent.objects.filter(verb="subject.view", actor=user, target_id=str(subject.pk))


# 1. The subject page and its API --------------------------------------------------------------


def test_restricted_subject_page_and_api_are_not_found_for_others_in_its_office(world, signed_in):
    subject = _restricted(world)
    page = reverse("intel:subject", args=[subject.pk])
    api = reverse("api:intel_subject", kwargs={"subject_id": subject.pk})
    for user in (world.user("a", "analyst"), _second_supervisor(world)):
        client = signed_in(user)
        assert client.get(page).status_code == 404
        assert client.get(api).status_code == 404
        with pytest.raises(Http404):
            selectors.subject_get_for_user(subject_id=subject.pk, user=user)
        # Not found is not a read of the subject (28 CFR 23.20(g) audits reads).
        assert not _views(subject, user).exists()


def test_restricted_subject_opens_for_its_control_official_and_oversight(world, signed_in):
    subject = _restricted(world)
    for user in (world.user("a", "supervisor"), world.user("a", "oversight")):
        client = signed_in(user)
        assert client.get(reverse("intel:subject", args=[subject.pk])).status_code == 200
        response = client.get(reverse("api:intel_subject", kwargs={"subject_id": subject.pk}))
        assert response.status_code == 200 and response.json()["id"] == subject.pk
        assert _views(subject, user).count() == 2


def test_an_open_subject_still_opens_for_its_whole_office(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "analyst"))
    assert client.get(reverse("intel:subject", args=[subject.pk])).status_code == 200


# 2. Actions on a restricted subject -----------------------------------------------------------


def test_actions_on_a_restricted_subject_are_not_found_outside_its_workflow(world, signed_in):
    subject = _restricted(world)
    pk = {"subject_id": subject.pk}
    other_supervisor = signed_in(_second_supervisor(world))
    # Release is the control official's alone (C-10): the page and the API do not find it.
    body = {"agency_id": le_agency().pk, "recipient_name": "Synthetic Liaison", "purpose": "x"}
    assert (
        other_supervisor.post(reverse("api:intel_disseminate", kwargs=pk), body, "application/json")
    ).status_code == 404
    assert (
        other_supervisor.post(reverse("intel:disseminate", args=[subject.pk]), {})
    ).status_code == 404
    # Not due for review: the office's RS approver has no workflow step on it yet.
    rs_approver = signed_in(world.user("a", "rs_approver"))
    assert rs_approver.get(reverse("intel:subject", args=[subject.pk])).status_code == 404
    assert rs_approver.get(reverse("intel:correct", args=[subject.pk])).status_code == 404
    correct = {"field_changes": {"label": "Synthetic corrected"}, "reason": "Synthetic"}
    response = rs_approver.post(
        reverse("api:intel_correct", kwargs=pk), correct, "application/json"
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(verb="subject.view", target_id=str(subject.pk)).exists()


def test_rs_approver_opens_and_approves_a_proposed_restricted_subject(world, signed_in):
    subject = services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(
            make_incident(world.offices["a"]),
            world.user("a", "supervisor"),
            sensitivity="restricted",
        ),
    )
    assert (
        signed_in(world.user("a", "analyst"))
        .get(reverse("intel:subject", args=[subject.pk]))
        .status_code
        == 404
    )
    client = signed_in(world.user("a", "rs_approver"))
    assert client.get(reverse("intel:subject", args=[subject.pk])).status_code == 200
    response = client.post(
        reverse("api:intel_approve", kwargs={"subject_id": subject.pk}),
        {"reason": "Synthetic: facts meet reasonable suspicion.", "lawfully_obtained": True},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "active"


def test_rs_approver_validates_a_restricted_subject_due_for_review(world, signed_in):
    subject = _restricted(world)
    Subject.objects.filter(pk=subject.pk).update(review_due=timezone.now() + dt.timedelta(days=30))
    client = signed_in(world.user("a", "rs_approver"))
    assert client.get(reverse("intel:subject", args=[subject.pk])).status_code == 200
    response = client.post(
        reverse("api:intel_validate", kwargs={"subject_id": subject.pk}),
        {
            "reason": "active_investigation",
            "explanation": "Synthetic: still under investigation.",
            "rs_facts_reconfirmed": True,
            "rs_facts_statement": "Synthetic: the facts of the incident still hold.",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert subject.validations.count() == 1


def test_a_supervisor_requests_the_purge_of_an_expired_restricted_subject(world, signed_in):
    subject = _restricted(world)
    Subject.objects.filter(pk=subject.pk).update(status=Subject.Status.EXPIRED)
    client = signed_in(_second_supervisor(world))
    response = client.post(
        reverse("intel:purge_request", args=[subject.pk]),
        {"schedule_item": "Synthetic schedule 1.1", "reason": "Synthetic: review expired."},
    )
    assert response.status_code == 302
    assert subject.purge_requests.count() == 1
    # The analyst has no purge step: still not found.
    analyst = signed_in(world.user("a", "analyst"))
    assert analyst.get(reverse("intel:subject", args=[subject.pk])).status_code == 404


def test_review_queue_lists_a_restricted_subject_only_to_who_may_open_it(world):
    subject = _restricted(world)
    Subject.objects.filter(pk=subject.pk).update(review_due=timezone.now() + dt.timedelta(days=30))
    due = {
        role: {s.pk for s in selectors.review_queue(user=world.user("a", role))["due"]}
        for role in ("analyst", "rs_approver", "supervisor", "oversight")
    }
    assert subject.pk not in due["analyst"]
    assert subject.pk in due["rs_approver"]  # validates it (28 CFR 23.20(h))
    assert subject.pk in due["supervisor"]  # its control official
    assert subject.pk in due["oversight"]


# 3. Link proposals ----------------------------------------------------------------------------


def _restricted_with_link(world):
    incident = make_incident(world.offices["a"])
    case_services.incident_identifier_add(
        incident_id=incident.pk, actor=world.user("a", "supervisor"), kind="phone", value=PHONE
    )
    subject = _restricted(world, identifiers=[("phone", PHONE)])
    return subject, subject.links.get(incident=incident)


def test_link_proposals_of_a_restricted_subject_only_to_its_control_official(world, signed_in):
    subject, link = _restricted_with_link(world)
    analyst = world.user("a", "analyst")
    assert link.pk not in {x.pk for x in selectors.links_for_user(analyst)}
    client = signed_in(analyst)
    page = client.get(reverse("intel:links"))
    assert page.status_code == 200 and subject.label not in page.content.decode()
    listed = client.get(reverse("api:intel_links")).json()
    assert link.pk not in [row["id"] for row in listed]
    decide = client.post(
        reverse("api:intel_link_decide", kwargs={"link_id": link.pk}),
        {"confirm": True, "reason": "Same number."},
        content_type="application/json",
    )
    assert decide.status_code == 404
    for user in (world.user("a", "supervisor"), world.user("a", "oversight")):
        assert link.pk in {x.pk for x in selectors.links_for_user(user)}
        assert subject.label in signed_in(user).get(reverse("intel:links")).content.decode()
