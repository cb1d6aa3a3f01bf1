"""Sharing between offices (C-04, C-06) and the cross-office link scenario of issue 5.

Three incidents in two offices carry one phone number written three ways; the link is proposed
to an analyst who can see both sides (after a share) and to nobody else; confirming it raises
the course-of-conduct flag; the link chart shows it. A third office sees none of it. All synthetic.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audit.models import DisclosureRecord
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case
from cases.tests.factories import make_incident, propose_kwargs
from common.testing import make_office, make_user
from incidents.screening import Outcome
from intel import selectors as intel_selectors
from intel import services as intel_services
from intel.services import IdentifierInput

pytestmark = pytest.mark.django_db

VICTIM = "Officer Avery Quill (synthetic)"


@pytest.fixture
def charlie(world):
    office = make_office("charlie")
    return {
        role: make_user(office, role, username=f"c-{role}")
        for role in ("analyst", "supervisor", "rs_approver")
    }


def test_incident_share_writes_a_disclosure_and_opens_the_incident_to_the_office(world, charlie):
    from incidents.selectors import incidents_visible_to

    incident = make_incident(world.offices["a"])
    b_analyst = world.user("b", "analyst")
    assert not incidents_visible_to(b_analyst).filter(pk=incident.pk).exists()
    with pytest.raises(ValidationError):
        case_services.incident_share(
            incident_id=incident.pk,
            office_id=world.offices["b"].pk,
            actor=world.user("a", "supervisor"),
            reason=" ",
        )
    with pytest.raises(PermissionDenied):  # analysts hold no SHARE capability
        case_services.incident_share(
            incident_id=incident.pk,
            office_id=world.offices["b"].pk,
            actor=world.user("a", "analyst"),
            reason="x",
        )
    with pytest.raises(Http404):  # another office cannot share what it cannot see
        case_services.incident_share(
            incident_id=incident.pk,
            office_id=world.offices["b"].pk,
            actor=world.user("b", "supervisor"),
            reason="x",
        )
    assert DisclosureRecord.objects.count() == 0
    case_services.incident_share(
        incident_id=incident.pk,
        office_id=world.offices["b"].pk,
        actor=world.user("a", "supervisor"),
        reason="Synthetic: suspect lives in Bravo's area.",
    )
    record = DisclosureRecord.objects.get()
    assert record.agency == "bravo" and record.target_id == str(incident.pk)
    assert "Bravo" in record.recipient and record.purpose.startswith("Synthetic")
    assert incidents_visible_to(b_analyst).filter(pk=incident.pk).exists()
    assert not incidents_visible_to(charlie["analyst"]).filter(pk=incident.pk).exists()


def test_case_share_gives_the_office_the_case_and_its_incidents(world, charlie):
    incident = make_incident(world.offices["a"])
    case = case_services.case_open(
        actor=world.user("a", "supervisor"), title="Synthetic case", incident_ids=[incident.pk]
    )
    b_user = world.user("b", "analyst")
    with pytest.raises(Http404):
        case_selectors.case_get_for_user(case_id=case.pk, user=b_user)
    assert case_selectors.case_counts(user=b_user)["open"] == 0
    case_services.case_share(
        case=case,
        office_id=world.offices["b"].pk,
        actor=world.user("a", "supervisor"),
        reason="Synthetic: joint investigation.",
    )
    assert DisclosureRecord.objects.filter(target_type="cases.case").count() == 1
    assert case_selectors.case_get_for_user(case_id=case.pk, user=b_user) == case
    assert list(case_selectors.case_incidents(case=case, user=b_user)) == [incident]
    assert case_selectors.case_counts(user=b_user)["open"] == 1
    # A third office: 404 for the case, nothing in lists, search or counts.
    c_user = charlie["analyst"]
    with pytest.raises(Http404):
        case_selectors.case_get_for_user(case_id=case.pk, user=c_user)
    assert case_selectors.case_list(user=c_user, text=case.reference).count() == 0
    assert case_selectors.case_counts(user=c_user) == {"open": 0, "referred": 0, "closed": 0}
    # The receiving office reads; only the lead office changes the case.
    with pytest.raises(PermissionDenied):
        case_services.case_transition(case=case, actor=world.user("b", "supervisor"), to="closed")


def test_case_includes_only_eligible_incidents(world):
    eligible = make_incident(world.offices["a"])
    review = make_incident(world.offices["a"], outcome=Outcome.NEEDS_REVIEW)
    with pytest.raises(ValidationError):
        case_services.case_open(
            actor=world.user("a", "supervisor"), title="x", incident_ids=[eligible.pk, review.pk]
        )
    protected = make_incident(world.offices["a"], outcome=Outcome.PROTECTED_ONLY)
    with pytest.raises(Http404):  # protected activity only is never even visible
        case_services.case_open(
            actor=world.user("a", "supervisor"), title="x", incident_ids=[protected.pk]
        )
    assert Case.objects.count() == 0


def test_case_state_machine(world):
    incident = make_incident(world.offices["a"])
    supervisor = world.user("a", "supervisor")
    case = case_services.case_open(actor=supervisor, title="Synthetic", incident_ids=[incident.pk])
    case = case_services.case_transition(case=case, actor=supervisor, to="referred")
    case = case_services.case_transition(case=case, actor=supervisor, to="closed")
    with pytest.raises(ValidationError):
        case_services.case_transition(case=case, actor=supervisor, to="referred")
    with pytest.raises(ValidationError):
        case_services.case_transition(case=case, actor=supervisor, to="open", reason="")
    case = case_services.case_transition(
        case=case, actor=supervisor, to="open", reason="Synthetic: new threat received."
    )
    assert case.status == "open"
    assert [e.verb for e in case.events.all()] == [
        "opened",
        "status:referred",
        "status:closed",
        "status:open",
    ]
    with pytest.raises(PermissionDenied):
        case_services.case_transition(case=case, actor=world.user("a", "oversight"), to="closed")


def test_case_tasks_need_an_owner_in_the_lead_office_and_a_due_date(world):
    import datetime as dt

    incident = make_incident(world.offices["a"])
    supervisor = world.user("a", "supervisor")
    case = case_services.case_open(actor=supervisor, title="Synthetic", incident_ids=[incident.pk])
    with pytest.raises(ValidationError) as exc:
        case_services.case_task_add(
            case=case, actor=supervisor, title="", owner=world.user("b", "analyst"), due_date=None
        )
    assert set(exc.value.message_dict) == {"title", "owner", "due_date"}
    task = case_services.case_task_add(
        case=case,
        actor=supervisor,
        title="Request subscriber records (synthetic)",
        owner=world.user("a", "analyst"),
        due_date=dt.date.today() + dt.timedelta(days=7),
    )
    case_services.case_task_done(task=task, actor=supervisor)
    assert task.done_at is not None
    assert [e.verb for e in case.events.all()][-2:] == ["task_added", "task_done"]


def test_phone_written_three_ways_links_across_offices_and_raises_course_of_conduct(world, charlie):
    a_office, b_office = world.offices["a"], world.offices["b"]
    a_sup, b_sup = world.user("a", "supervisor"), world.user("b", "supervisor")
    a_analyst, b_analyst = world.user("a", "analyst"), world.user("b", "analyst")
    i1 = make_incident(a_office, victim_name=VICTIM)
    i2 = make_incident(a_office, victim_name="Officer Rowan Pike (synthetic)")
    i3 = make_incident(b_office, victim_name="officer avery quill (SYNTHETIC)")
    for incident, actor, written in (
        (i1, a_sup, "(555) 010-0199"),
        (i2, a_sup, "555.010.0199"),
        (i3, b_sup, "+1 555 010 0199"),
    ):
        case_services.incident_identifier_add(
            incident_id=incident.pk, actor=actor, kind="phone", value=written
        )
    case = case_services.case_open(
        actor=a_sup, title="Calls to Officer Quill", incident_ids=[i1.pk]
    )
    subject = intel_services.subject_propose(
        actor=a_analyst,
        identifiers=[IdentifierInput("phone", "555-010-0199")],
        **propose_kwargs(i1, a_sup, incident_ids=[], case_id=case.pk),
    )
    intel_services.subject_approve(
        subject=subject,
        approver=world.user("a", "rs_approver"),
        reason="Synthetic RS.",
        lawfully_obtained=True,
    )
    # Proposed to i2 and i3 (i1 is the predicate); each analyst sees only what they may see.
    assert {link.incident_id for link in subject.links.all()} == {i2.pk, i3.pk}
    assert {link.incident_id for link in intel_selectors.links_for_user(a_analyst)} == {i2.pk}
    assert list(intel_selectors.links_for_user(b_analyst)) == []
    assert list(intel_selectors.links_for_user(charlie["analyst"])) == []
    i3_link = subject.links.get(incident=i3)
    with pytest.raises(Http404):  # A cannot decide on a link to an incident it cannot see
        intel_services.link_decide(link=i3_link, analyst=a_analyst, confirm=True, reason="x")

    # Bravo shares i3 with Alpha: now Alpha's analyst sees the proposal; Charlie still does not.
    case_services.incident_share(
        incident_id=i3.pk,
        office_id=a_office.pk,
        actor=b_sup,
        reason="Synthetic: same caller threatens an Alpha officer.",
    )
    assert {link.incident_id for link in intel_selectors.links_for_user(a_analyst)} == {
        i2.pk,
        i3.pk,
    }
    assert list(intel_selectors.links_for_user(charlie["analyst"])) == []
    assert case_selectors.course_of_conduct(case=case, user=a_analyst) == []

    intel_services.link_decide(
        link=i3_link, analyst=a_analyst, confirm=True, reason="Same number, same officer."
    )
    intel_services.link_decide(
        link=subject.links.get(incident=i2),
        analyst=a_analyst,
        confirm=False,
        reason="Different victim, number reassigned (synthetic).",
    )
    flags = case_selectors.course_of_conduct(case=case, user=a_analyst)
    assert len(flags) == 1
    assert flags[0]["subject"] == subject
    assert [act["incident"] for act in flags[0]["acts"]] == sorted(
        [i1, i3], key=lambda i: i.occurred_at
    )

    graph = case_selectors.case_graph(case=case, user=a_analyst)
    node_ids = {n["data"]["id"] for n in graph["nodes"]}
    assert {f"subject-{subject.pk}", f"incident-{i3.pk}", "identifier-phone-+15550100199"} <= (
        node_ids
    )
    link_edge = next(
        e
        for e in graph["edges"]
        if e["data"]["target"] == f"incident-{i3.pk}"
        and e["data"]["source"] == f"subject-{subject.pk}"
    )
    assert "+1 555 010 0199" in link_edge["data"]["evidence"]
    assert f"incident-{i2.pk}" not in node_ids  # rejected link: not drawn
    # Showing subjects on the flags and the chart is a read of intelligence, audited.
    from audit.models import AuditEvent

    shown = AuditEvent.objects.filter(verb="subject.list", target_id=str(case.pk), actor=a_analyst)
    assert sorted(e.data["via"] for e in shown) == ["chart", "course"]
    assert all(e.data["subjects"] == [subject.pk] for e in shown)

    # The third office: nothing anywhere.
    c = charlie["analyst"]
    with pytest.raises(Http404):
        case_selectors.case_get_for_user(case_id=case.pk, user=c)
    with pytest.raises(Http404):
        intel_selectors.subject_get_for_user(subject_id=subject.pk, user=c)
    assert intel_selectors.subject_search(user=c, query="5550100199") == []
    assert intel_selectors.subject_list(user=c) == []
