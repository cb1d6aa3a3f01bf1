"""Validation re-confirms the reasonable-suspicion facts (legal-controls C-18; 28 CFR 23.20(h)).

Synthetic subjects only.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from cases.tests.factories import active_subject
from intel import services

pytestmark = pytest.mark.django_db

KEEP = {"reason": "active_investigation", "explanation": "Synthetic: the case is still open."}
FACTS = "Synthetic: phone records corroborate the threatening calls of the predicate."


@pytest.mark.parametrize(
    ("extra", "missing"),
    [
        ({}, {"rs_facts_reconfirmed", "rs_facts_statement"}),
        ({"rs_facts_reconfirmed": True}, {"rs_facts_statement"}),
        ({"rs_facts_reconfirmed": True, "rs_facts_statement": "  "}, {"rs_facts_statement"}),
        ({"rs_facts_statement": FACTS}, {"rs_facts_reconfirmed"}),
    ],
)
def test_validation_without_reconfirmed_facts_is_refused_and_writes_nothing(world, extra, missing):
    subject = active_subject(world)
    due = subject.review_due
    with pytest.raises(ValidationError) as error:
        services.subject_validate(
            subject=subject, reviewer=world.user("a", "rs_approver"), **KEEP, **extra
        )
    assert set(error.value.message_dict) == missing
    subject.refresh_from_db()
    assert subject.review_due == due and subject.validations.count() == 0


def test_reconfirmed_facts_are_recorded_with_the_validation_and_audited(world):
    subject = active_subject(world)
    validation = services.subject_validate(
        subject=subject,
        reviewer=world.user("a", "rs_approver"),
        **KEEP,
        rs_facts_reconfirmed=True,
        rs_facts_statement=FACTS,
    )
    assert validation.rs_facts_reconfirmed and validation.rs_facts_statement == FACTS
    event = AuditEvent.objects.get(verb="subject.validate")
    assert event.data["rs_facts_statement"] == FACTS


def test_the_api_and_the_page_ask_for_the_reconfirmation(world, signed_in):
    subject = active_subject(world)
    client = signed_in(world.user("a", "rs_approver"))
    url = f"/api/v1/intel/subjects/{subject.pk}/validate"
    refused = client.post(url, KEEP, content_type="application/json")
    assert refused.status_code == 422
    assert subject.validations.count() == 0
    page = client.get(f"/intel/subjects/{subject.pk}/").content.decode()
    assert 'name="rs_facts_reconfirmed"' in page and 'name="rs_facts_statement"' in page
    body = {**KEEP, "rs_facts_reconfirmed": True, "rs_facts_statement": FACTS}
    assert client.post(url, body, content_type="application/json").status_code == 200
    assert subject.validations.get().rs_facts_statement == FACTS
