"""The approve, validate and link-decision pages: bad input says why and changes nothing.

These pages share one form-action helper in intel/views.py. All data is synthetic.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from audit.models import AuditEvent
from cases.tests.factories import active_subject, make_incident, propose_kwargs
from intel import services
from intel.models import Subject

pytestmark = pytest.mark.django_db


def _proposed(world) -> Subject:
    incident = make_incident(world.offices["a"])
    return services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(incident, world.user("a", "supervisor")),
    )


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_approve_page_with_no_decision_says_why_and_leaves_the_subject_proposed(world, signed_in):
    subject = _proposed(world)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(f"/intel/subjects/{subject.pk}/approve/", {"reason": ""})
    assert response.status_code == 302 and response.url == f"/intel/subjects/{subject.pk}/"
    assert _messages(response) == ["Write the reason and choose approve or reject."]
    subject.refresh_from_db()
    assert subject.status == Subject.Status.PROPOSED


def test_approve_page_activates_the_subject_and_says_so(world, signed_in):
    subject = _proposed(world)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(
        f"/intel/subjects/{subject.pk}/approve/",
        {
            "reason": "Synthetic: the facts meet reasonable suspicion.",
            "lawfully_obtained": "on",
            "decision": "approve",
        },
    )
    assert response.status_code == 302
    assert _messages(response) == ["Decision recorded."]
    subject.refresh_from_db()
    assert subject.status == Subject.Status.ACTIVE


def test_approve_page_shows_the_service_refusal_without_the_attestation(world, signed_in):
    subject = _proposed(world)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(
        f"/intel/subjects/{subject.pk}/approve/",
        {"reason": "Synthetic reason.", "decision": "approve"},
    )
    assert response.status_code == 302
    assert _messages(response)  # the service's own explanation, not a silent failure
    subject.refresh_from_db()
    assert subject.status == Subject.Status.PROPOSED


def test_reject_page_records_the_rejection(world, signed_in):
    subject = _proposed(world)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(
        f"/intel/subjects/{subject.pk}/approve/",
        {"reason": "Synthetic: no offense element shown.", "decision": "reject"},
    )
    assert _messages(response) == ["Decision recorded."]
    subject.refresh_from_db()
    assert subject.status == Subject.Status.REJECTED
    assert AuditEvent.objects.filter(verb="subject.reject").exists()


def test_validate_page_with_no_reason_says_why_and_writes_nothing(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(f"/intel/subjects/{subject.pk}/validate/", {"reason": "bogus"})
    assert response.status_code == 302 and response.url == f"/intel/subjects/{subject.pk}/"
    assert _messages(response) == ["Choose the reason to keep the subject."]
    assert subject.validations.count() == 0


def test_validate_page_restarts_the_review_clock(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(
        f"/intel/subjects/{subject.pk}/validate/",
        {
            "reason": "active_investigation",
            "explanation": "Synthetic: case still open.",
            # Legal-controls C-18 re-confirmation (ignored by forms that do not ask for it yet).
            "rs_facts_reconfirmed": "on",
            "rs_facts_statement": "Synthetic: the calls continued this month.",
        },
    )
    assert _messages(response) == ["Validated; the review clock restarted."]
    assert subject.validations.count() == 1
