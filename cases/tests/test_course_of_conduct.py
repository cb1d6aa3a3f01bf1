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
    # In B, whose subject it is, its control official gets the flag on B's own case of the same
    # incidents (B's other users do not: see the restricted subject of the user's own office).
    b_case = case_services.case_open(
        actor=world.user("b", "supervisor"),
        title="Office B case (synthetic)",
        incident_ids=[i.pk for i in incidents],
    )
    (flag,) = case_selectors.course_of_conduct(case=b_case, user=world.user("b", "supervisor"))
    assert flag["subject"] == subject and len(flag["acts"]) == 2


def test_an_open_subject_of_another_office_is_flagged_through_the_share(world):
    subject, incidents, case = _b_subject_in_an_a_case(world, "open")
    (flag,) = case_selectors.course_of_conduct(case=case, user=world.user("a", "analyst"))
    assert flag["subject"] == subject
    assert {act["incident"] for act in flag["acts"]} == set(incidents)


# A restricted subject of the user's own office ---------------------------------------------

OWN_LABEL = "Restricted caller of office A (synthetic)"


def _restricted_a_subject_in_an_a_case(world):
    """A's restricted subject (control official: A's supervisor) on two A incidents, one case."""
    incidents = [make_incident(world.offices["a"], victim_name=VICTIM) for _ in range(2)]
    subject = intel_services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(
            incidents[0],
            world.user("a", "supervisor"),
            incident_ids=[i.pk for i in incidents],
            label=OWN_LABEL,
            sensitivity="restricted",
        ),
    )
    intel_services.subject_approve(
        subject=subject,
        approver=world.user("a", "rs_approver"),
        reason="Synthetic: the facts meet reasonable suspicion.",
        lawfully_obtained=True,
    )
    case = case_services.case_open(
        actor=world.user("a", "supervisor"),
        title="Restricted calls (synthetic)",
        incident_ids=[i.pk for i in incidents],
    )
    return subject, case


def _chart_subjects(graph) -> set[str]:
    return {n["data"]["id"] for n in graph["nodes"] if n["data"]["type"] == "subject"}


def test_a_restricted_subject_is_flagged_only_to_its_control_official_and_oversight(
    world, signed_in
):
    # As subject_list and search: within its own office a restricted subject is shown only to
    # its control official; the read-only oversight roles see everything (28 CFR 23.20(e),(g)).
    subject, case = _restricted_a_subject_in_an_a_case(world)
    analyst = world.user("a", "analyst")
    client = signed_in(analyst)

    assert case_selectors.course_of_conduct(case=case, user=analyst) == []
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="course-of-conduct"' not in page and OWN_LABEL not in page
    assert client.get(reverse("api:cases_conduct", args=[case.pk])).json() == []
    assert _chart_subjects(case_selectors.case_graph(case=case, user=analyst)) == set()
    chart = client.get(reverse("cases:chart", args=[case.pk])).content.decode()
    assert OWN_LABEL not in chart and f"subject-{subject.pk}" not in chart
    api_graph = client.get(reverse("api:cases_graph", args=[case.pk])).json()
    assert _chart_subjects(api_graph) == set()
    # Nothing about the subject was shown to the analyst, so no read of it is recorded.
    assert not AuditEvent.objects.filter(verb="subject.list", actor=analyst).exists()

    for reader in (world.user("a", "supervisor"), world.user("a", "oversight")):
        (flag,) = case_selectors.course_of_conduct(case=case, user=reader)
        assert flag["subject"] == subject and len(flag["acts"]) == 2
        graph = case_selectors.case_graph(case=case, user=reader)
        assert _chart_subjects(graph) == {f"subject-{subject.pk}"}
    official = signed_in(world.user("a", "supervisor"))
    assert OWN_LABEL in official.get(reverse("cases:detail", args=[case.pk])).content.decode()
