"""Every scoped read of cases. A case another office has not shared answers 404, everywhere."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.permissions import Perm, check, reads_all_offices
from audit.services import audit_record
from cases.models import Case, CaseShare, IncidentIdentifier


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """Cases the user's office leads or was shared (all, for oversight roles)."""
    cases = Case.objects.select_related("lead_office", "investigator")
    if user is None or not user.is_authenticated:
        return cases.none()
    if reads_all_offices(user):
        return cases
    if user.office_id is None:
        return cases.none()
    shared = CaseShare.objects.filter(office_id=user.office_id).values("case_id")
    return cases.filter(Q(lead_office_id=user.office_id) | Q(pk__in=shared))


def case_list(*, user: Any, status: str = "", text: str = "") -> QuerySet[Case]:
    check(user, Perm.CASE_VIEW)
    cases = cases_visible_to(user)
    if status:
        cases = cases.filter(status=status)
    if text:
        cases = cases.filter(Q(title__icontains=text) | Q(reference__iexact=text.strip()))
    return cases


def case_counts(*, user: Any) -> dict[str, int]:
    """Counts by status of the cases the user may see (other offices' cases are not counted)."""
    check(user, Perm.CASE_VIEW)
    counts = {status: 0 for status in Case.Status.values}
    for status in cases_visible_to(user).values_list("status", flat=True):
        counts[status] += 1
    return counts


def case_get_for_user(*, case_id: Any, user: Any, audit: bool = True) -> Case:
    """Return one case the user may see (Http404 otherwise); audit the read."""
    try:
        case = cases_visible_to(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None
    # Found first, then the capability: another office gets 404 whatever its roles.
    check(user, Perm.CASE_VIEW)
    if audit:
        audit_record(actor=user, verb="case.view", target=case)
    return case


def case_incidents(*, case: Case, user: Any):
    """The case's incidents the user may see (an incident not shared stays hidden)."""
    from incidents.selectors import incidents_visible_to

    return incidents_visible_to(user).filter(pk__in=case.incident_rows.values("incident_id"))


def _victim_key(victim: Any) -> tuple[str, str] | None:
    if victim.user_id:
        return ("user", str(victim.user_id))
    if victim.name.strip():
        from intel.identifiers import normalize_name

        return ("name", normalize_name(victim.name))
    return None


def course_of_conduct(*, case: Case, user: Any) -> list[dict[str, Any]]:
    """Flags: one active subject tied to two or more incidents against the same victim.

    18 U.S.C. 2261A requires a course of conduct (two or more acts) aimed at the same person;
    each flag lists the dated acts the user may see.
    """
    from incidents.selectors import incidents_visible_to
    from intel.models import Subject, SubjectIncident
    from intel.selectors import subjects_listed_to

    case_incident_ids = set(case.incident_rows.values_list("incident_id", flat=True))
    visible = incidents_visible_to(user)
    # Only subjects the user may be shown, as in the subject list (28 CFR 23.20(e)): a restricted
    # subject flags only for its control official (and the oversight roles), even in its office.
    subject_ids = set(
        SubjectIncident.objects.filter(
            incident_id__in=case_incident_ids,
            subject__status=Subject.Status.ACTIVE,
            subject__in=subjects_listed_to(user),
        ).values_list("subject_id", flat=True)
    )
    flags = []
    flagged: set[Any] = set()
    for subject in Subject.objects.filter(pk__in=subject_ids).order_by("pk"):
        incidents = visible.filter(
            pk__in=subject.incident_ties.values("incident_id")
        ).prefetch_related("victims")
        by_victim: dict[tuple[str, str], list[Any]] = defaultdict(list)
        names: dict[tuple[str, str], str] = {}
        for incident in incidents:
            for victim in incident.victims.all():
                key = _victim_key(victim)
                if key is not None and incident not in by_victim[key]:
                    by_victim[key].append(incident)
                    names[key] = str(victim)
        for key, acts in by_victim.items():
            if len(acts) >= 2:
                flagged.add(subject)
                acts.sort(key=lambda i: i.occurred_at or i.created_at)
                flags.append(
                    {
                        "subject": subject,
                        "victim": names[key],
                        "acts": [
                            {
                                "incident": i,
                                "reference": i.reference,
                                "date": i.occurred_at or i.created_at,
                            }
                            for i in acts
                        ],
                    }
                )
    if flags:
        # The flags show subjects: a read of intelligence, audited like any other (23.20(g)).
        audit_record(
            actor=user,
            verb="subject.list",
            target=case,
            data={"subjects": sorted({s.pk for s in flagged}), "via": "course"},
        )
    return flags


def case_graph(*, case: Case, user: Any) -> dict[str, list[dict[str, Any]]]:
    """Nodes and edges (with the evidence for each edge) for the case's link chart."""
    from incidents.selectors import incidents_visible_to
    from intel.models import LinkProposal, Subject, SubjectIncident
    from intel.selectors import subjects_listed_to

    incidents = list(case_incidents(case=case, user=user))
    incident_ids = {i.pk for i in incidents}
    nodes: list[dict[str, Any]] = [
        {"data": {"id": f"case-{case.pk}", "label": case.reference, "type": "case"}}
    ]
    edges: list[dict[str, Any]] = []
    for incident in incidents:
        nodes.append(
            {
                "data": {
                    "id": f"incident-{incident.pk}",
                    "label": incident.reference,
                    "type": "incident",
                }
            }
        )
        edges.append(
            {
                "data": {
                    "id": f"ci-{incident.pk}",
                    "source": f"case-{case.pk}",
                    "target": f"incident-{incident.pk}",
                    "evidence": "in this case",
                }
            }
        )
    # The case's active subjects the user may be shown (a restricted one only to its control
    # official and oversight, as in the flags and the subject list; 28 CFR 23.20(e)), and every
    # incident the user may see that each is tied to.
    subject_ids = SubjectIncident.objects.filter(
        incident_id__in=incident_ids,
        subject__in=subjects_listed_to(user),
        subject__status=Subject.Status.ACTIVE,
    ).values("subject_id")
    visible_incidents = incidents_visible_to(user).values("pk")
    ties = SubjectIncident.objects.filter(
        subject_id__in=subject_ids, incident_id__in=visible_incidents
    ).select_related("subject", "via_link", "incident")
    seen_subjects: set[int] = set()
    identifier_nodes: set[str] = set()
    for tie in ties:
        subject = tie.subject
        if subject.pk not in seen_subjects:
            seen_subjects.add(subject.pk)
            nodes.append(
                {"data": {"id": f"subject-{subject.pk}", "label": subject.label, "type": "subject"}}
            )
        if tie.incident_id not in incident_ids:
            incident_ids.add(tie.incident_id)
            nodes.append(
                {
                    "data": {
                        "id": f"incident-{tie.incident_id}",
                        "label": tie.incident.reference,
                        "type": "incident",
                        "outside_case": True,
                    }
                }
            )
        evidence = (
            f"confirmed link: {tie.via_link.evidence}"
            if tie.via_link
            else f"predicate: {subject.predicate_element}"
        )
        edges.append(
            {
                "data": {
                    "id": f"si-{tie.pk}",
                    "source": f"subject-{subject.pk}",
                    "target": f"incident-{tie.incident_id}",
                    "evidence": evidence,
                }
            }
        )
    for row in IncidentIdentifier.objects.filter(incident_id__in=incident_ids):
        node_id = f"identifier-{row.kind}-{row.normalized}"
        if node_id not in identifier_nodes:
            identifier_nodes.add(node_id)
            nodes.append({"data": {"id": node_id, "label": row.normalized, "type": "identifier"}})
        edges.append(
            {
                "data": {
                    "id": f"ii-{row.pk}",
                    "source": f"incident-{row.incident_id}",
                    "target": node_id,
                    "evidence": f"reported as “{row.raw}”",
                }
            }
        )
    links = LinkProposal.objects.filter(
        subject_id__in=seen_subjects,
        status=LinkProposal.Status.CONFIRMED,
        other_subject_id__in=seen_subjects,
    )
    for link in links:
        edges.append(
            {
                "data": {
                    "id": f"ss-{link.pk}",
                    "source": f"subject-{link.subject_id}",
                    "target": f"subject-{link.other_subject_id}",
                    "evidence": link.evidence,
                }
            }
        )
    if seen_subjects:
        audit_record(
            actor=user,
            verb="subject.list",
            target=case,
            data={"subjects": sorted(seen_subjects), "via": "chart"},
        )
    return {"nodes": nodes, "edges": edges}
