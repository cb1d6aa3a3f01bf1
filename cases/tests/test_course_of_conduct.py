"""Course-of-conduct flags (18 U.S.C. 2261A) show only subjects the user may see (28 CFR 23.20(e)).

Office B's subject is tied to two of B's incidents against one officer; B shares both incidents
with office A, whose case groups them. A sees the incidents, so without the subject scope it would
get the flag. Through a share only an active, non-restricted subject is visible: a restricted one
gives A no flag (on the page either, and no read of it is audited for A). All data synthetic.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases import selectors as case_selectors
from cases import services as case_services
from cases.tests.factories import make_incident, propose_kwargs
from intel import services as intel_services

pytestmark = pytest.mark.django_db

VICTIM = "Officer Avery Quill (synthetic)"
LABEL = "Caller from office B (synthetic)"


def _b_subject_in_an_a_case(world, sensitivity: str):
    """B's active subject on two B incidents shared with A; A's case groups both incidents."""
    b_office = world.offices["b"]
    incidents = [make_incident(b_office, victim_name=VICTIM) for _ in range(2)]
    subject = intel_services.subject_propose(
        actor=world.user("b", "analyst"),
        **propose_kwargs(
            incidents[0],
            world.user("b", "supervisor"),
            incident_ids=[i.pk for i in incidents],
            label=LABEL,
            sensitivity=sensitivity,
        ),
    )
    intel_services.subject_approve(
        subject=subject,
        approver=world.user("b", "rs_approver"),
        reason="Synthetic: the facts meet reasonable suspicion.",
        lawfully_obtained=True,
    )
    for incident in incidents:
        case_services.incident_share(
            incident_id=incident.pk,
            office_id=world.offices["a"].pk,
            actor=world.user("b", "supervisor"),
            reason="Synthetic: the same caller threatens an Alpha officer.",
        )
    case = case_services.case_open(
        actor=world.user("a", "supervisor"),
        title="Calls to Officer Quill (synthetic)",
        incident_ids=[i.pk for i in incidents],
    )
    return subject, incidents, case


def test_a_restricted_subject_of_another_office_raises_no_flag(world, signed_in):
    subject, incidents, case = _b_subject_in_an_a_case(world, "restricted")
    a_analyst = world.user("a", "analyst")
    # A sees both acts: only the subject scope keeps the flag away.
    assert set(case_selectors.case_incidents(case=case, user=a_analyst)) == set(incidents)
    assert case_selectors.course_of_conduct(case=case, user=a_analyst) == []
    page = signed_in(a_analyst).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert 'data-testid="course-of-conduct"' not in page.content.decode()
    assert LABEL not in page.content.decode()
    # Nothing about the subject was shown, so no read of it is recorded for A.
    assert not AuditEvent.objects.filter(
        verb="subject.list", actor=a_analyst, data__via="course"
    ).exists()
    # B, whose subject it is, gets the flag on its own case of the same incidents.
    b_case = case_services.case_open(
        actor=world.user("b", "supervisor"),
        title="Office B case (synthetic)",
        incident_ids=[i.pk for i in incidents],
    )
    (flag,) = case_selectors.course_of_conduct(case=b_case, user=world.user("b", "analyst"))
    assert flag["subject"] == subject and len(flag["acts"]) == 2


def test_an_open_subject_of_another_office_is_flagged_through_the_share(world):
    subject, incidents, case = _b_subject_in_an_a_case(world, "open")
    (flag,) = case_selectors.course_of_conduct(case=case, user=world.user("a", "analyst"))
    assert flag["subject"] == subject
    assert {act["incident"] for act in flag["acts"]} == set(incidents)
