"""The decision pages (approve, reject, validate, purge, release, link decisions): bad input and
refusals say why, change nothing, and give the form back with what was typed (422).

These pages share one form-action helper in intel/views.py. All data is synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from audit.models import AuditEvent, DisclosureRecord
from cases import services as case_services
from cases.tests.factories import active_subject, le_agency, make_incident, propose_kwargs
from intel import services
from intel.models import LinkProposal, PurgeRequest, Subject

pytestmark = pytest.mark.django_db


def _proposed(world) -> Subject:
    incident = make_incident(world.offices["a"])
    return services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(incident, world.user("a", "supervisor")),
    )


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _form(response):
    return response.context["form"]


def test_approve_page_with_no_decision_says_why_and_leaves_the_subject_proposed(world, signed_in):
    subject = _proposed(world)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(f"/intel/subjects/{subject.pk}/approve/", {"reason": ""})
    assert response.status_code == 422
    assert set(_form(response).errors) == {"reason", "decision"}
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


def test_approve_page_shows_the_service_refusal_and_keeps_the_typed_reason(world, signed_in):
    subject = _proposed(world)
    client = signed_in(world.user("a", "rs_approver"))
    typed = "Synthetic: the caller named the street of the officer twice."
    response = client.post(
        f"/intel/subjects/{subject.pk}/approve/", {"reason": typed, "decision": "approve"}
    )
    # The service's own explanation, on the field it concerns, and the reason still typed in.
    assert response.status_code == 422
    assert _form(response).errors["lawfully_obtained"] == [
        "Attest that the information was lawfully obtained."
    ]
    assert _form(response)["reason"].value() == typed
    assert typed in response.content.decode()
    assert _messages(response) == []
    subject.refresh_from_db()
    assert subject.status == Subject.Status.PROPOSED


def test_reject_page_refusal_keeps_the_typed_reason(world, signed_in):
    subject = _proposed(world)
    services.subject_reject(
        subject=subject, approver=world.user("a", "rs_approver"), reason="Synthetic: first."
    )
    client = signed_in(world.user("a", "rs_approver"))
    typed = "Synthetic: no offense element shown (second try)."
    response = client.post(
        f"/intel/subjects/{subject.pk}/approve/", {"reason": typed, "decision": "reject"}
    )
    assert response.status_code == 422
    assert _form(response).non_field_errors() == ["Only a proposed subject can be rejected."]
    assert _form(response)["reason"].value() == typed
    assert _form(response)["decision"].value() == "reject"


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
    assert response.status_code == 422
    assert "reason" in _form(response).errors
    assert subject.validations.count() == 0


def test_validate_page_refusal_keeps_the_typed_explanation(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "rs_approver"))
    typed = "Synthetic: the case is still open with the prosecutor."
    response = client.post(
        f"/intel/subjects/{subject.pk}/validate/",
        {"reason": "active_investigation", "explanation": typed},
    )
    # Legal-controls C-18: without the re-confirmation the service refuses; nothing is lost.
    assert response.status_code == 422
    assert set(_form(response).errors) == {"rs_facts_reconfirmed", "rs_facts_statement"}
    assert _form(response)["explanation"].value() == typed
    assert _form(response)["reason"].value() == "active_investigation"
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


def test_purge_request_page_refusal_keeps_the_typed_reason(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "supervisor"))
    typed = "Synthetic: no longer relevant to any investigation."
    response = client.post(f"/intel/subjects/{subject.pk}/purge/", {"reason": typed})
    assert response.status_code == 422
    assert _form(response).errors["schedule_item"] == ["Name the records schedule item."]
    assert _form(response)["reason"].value() == typed
    assert not PurgeRequest.objects.filter(subject=subject).exists()


def test_purge_request_page_starts_the_purge(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "supervisor"))
    response = client.post(
        f"/intel/subjects/{subject.pk}/purge/",
        {"schedule_item": "DAA-synthetic-1", "reason": "Synthetic: review found no relevance."},
    )
    assert response.status_code == 302 and response.url == f"/intel/subjects/{subject.pk}/"
    assert _messages(response) == ["Purge requested; a second approver must confirm."]
    assert PurgeRequest.objects.filter(subject=subject).count() == 1


def test_purge_approve_page_refusal_says_why(world, signed_in):
    subject = active_subject(world)
    request = services.purge_request(
        record=subject,
        approver=world.user("a", "supervisor"),
        schedule_item="DAA-synthetic-1",
        reason="Synthetic purge.",
    )
    Subject.objects.filter(pk=subject.pk).update(legal_hold=True)
    client = signed_in(world.user("a", "rs_approver"))
    response = client.post(f"/intel/purges/{request.pk}/approve/")
    assert response.status_code == 422
    assert _form(response).non_field_errors() == [
        "The subject is under legal hold and cannot be purged."
    ]
    assert Subject.objects.filter(pk=subject.pk).exists()


def test_disseminate_page_refusal_keeps_what_was_typed(world, signed_in):
    subject = active_subject(world)
    agency = le_agency(agreement_expires=timezone.localdate() - dt.timedelta(days=1))
    client = signed_in(world.user("a", "supervisor"))
    purpose = "Synthetic: the same caller threatened one of their deputies."
    response = client.post(
        f"/intel/subjects/{subject.pk}/disseminate/",
        {
            "agency": agency.pk,
            "recipient_name": "Deputy Sample (synthetic)",
            "type": "intelligence",
            "purpose": purpose,
        },
    )
    assert response.status_code == 422
    assert _form(response).non_field_errors() == [
        "This agency has no current information-sharing agreement."
    ]
    assert _form(response)["purpose"].value() == purpose
    assert _form(response)["recipient_name"].value() == "Deputy Sample (synthetic)"
    assert not DisclosureRecord.objects.exists()


def test_link_decide_page_refusal_keeps_the_typed_reason(world, signed_in):
    link = _proposed_link(world)
    analyst = world.user("a", "analyst")
    services.link_decide(link=link, analyst=analyst, confirm=False, reason="Synthetic: first.")
    client = signed_in(analyst)
    typed = "Synthetic: same number, same week, same officer."
    response = client.post(
        f"/intel/links/{link.pk}/decide/", {"decision": "confirm", "reason": typed}
    )
    assert response.status_code == 422
    assert _form(response).non_field_errors() == ["This link has already been decided."]
    assert _form(response)["reason"].value() == typed
    link.refresh_from_db()
    assert link.status == LinkProposal.Status.REJECTED


def test_link_decide_page_without_a_reason_says_so(world, signed_in):
    link = _proposed_link(world)
    client = signed_in(world.user("a", "analyst"))
    response = client.post(f"/intel/links/{link.pk}/decide/", {"decision": "confirm"})
    assert response.status_code == 422
    assert _form(response).errors["reason"] == ["Write the reason for the decision."]
    assert _form(response)["decision"].value() == "confirm"
    link.refresh_from_db()
    assert link.status == LinkProposal.Status.PROPOSED


def test_link_decide_page_records_the_decision(world, signed_in):
    link = _proposed_link(world)
    client = signed_in(world.user("a", "analyst"))
    response = client.post(
        f"/intel/links/{link.pk}/decide/",
        {"decision": "confirm", "reason": "Synthetic: same number, same week."},
    )
    assert response.status_code == 302 and response.url == "/intel/links/"
    link.refresh_from_db()
    assert link.status == LinkProposal.Status.CONFIRMED


def _proposed_link(world) -> LinkProposal:
    subject = active_subject(world, identifiers=[("phone", "555-010-0188")])
    incident = make_incident(world.offices["a"])
    case_services.incident_identifier_add(
        incident_id=incident.pk,
        actor=world.user("a", "supervisor"),
        kind="phone",
        value="(555) 010-0188",
    )
    return subject.links.get(incident=incident)
