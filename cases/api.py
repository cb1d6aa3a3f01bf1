"""The cases API: cases, tasks, shares between offices, course of conduct and the link chart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from accounts.models import User
from cases import selectors, services
from cases.models import Case, CaseTask
from custos.api import refuse_read_only

router = Router(tags=["cases"])
router_prefix = "/cases"


class CaseOut(Schema):
    id: int
    reference: str
    title: str
    status: str
    lead_office: str
    investigator: str | None
    incidents: list[str]
    created_at: datetime


class CaseIn(Schema):
    title: str = Field(..., max_length=200)
    incident_ids: list[int]


class TransitionIn(Schema):
    to: str
    reason: str = ""


class AssignIn(Schema):
    investigator_id: int


class ShareIn(Schema):
    office_id: int
    reason: str = Field(..., max_length=2000)


class TaskIn(Schema):
    title: str = Field(..., max_length=200)
    owner_id: int
    due_date: date


class IdentifierIn(Schema):
    kind: str
    value: str = Field(..., max_length=300)
    platform: str = ""


def _out(case: Case, user: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "status": case.status,
        "lead_office": case.lead_office.code,
        "investigator": case.investigator.get_username() if case.investigator_id else None,
        "incidents": [i.reference for i in selectors.case_incidents(case=case, user=user)],
        "created_at": case.created_at,
    }


@router.get("", response=list[CaseOut], url_name="cases_list")
def case_list(request: HttpRequest, q: str = "", status: str = "") -> list[dict[str, Any]]:
    """List the cases the caller's office leads or was shared (search by title or reference)."""
    cases = selectors.case_list(user=request.user, status=status, text=q)[:500]
    return [_out(case, request.user) for case in cases]


@router.get("/counts", response=dict[str, int], url_name="cases_counts")
def case_counts(request: HttpRequest) -> dict[str, int]:
    """Count the caller's visible cases by status."""
    return selectors.case_counts(user=request.user)


@router.post("", response={201: CaseOut}, url_name="cases_open")
def case_open(request: HttpRequest, payload: CaseIn) -> tuple[int, dict[str, Any]]:
    """Open a case grouping eligible incidents."""
    refuse_read_only(request)
    case = services.case_open(
        actor=request.user, title=payload.title, incident_ids=payload.incident_ids
    )
    return Status(201, _out(case, request.user))


@router.get("/{case_id}", response=CaseOut, url_name="cases_detail")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Read one case (audited)."""
    return _out(selectors.case_get_for_user(case_id=case_id, user=request.user), request.user)


@router.post("/{case_id}/transition", response=CaseOut, url_name="cases_transition")
def case_transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> dict[str, Any]:
    """Move the case: open → referred → closed; reopen with a reason."""
    refuse_read_only(request)
    case = selectors.case_get_for_user(case_id=case_id, user=request.user, audit=False)
    case = services.case_transition(
        case=case, actor=request.user, to=payload.to, reason=payload.reason
    )
    return _out(case, request.user)


@router.post("/{case_id}/assign", response=CaseOut, url_name="cases_assign")
def case_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    """Assign the case's investigator (a user of the lead office)."""
    refuse_read_only(request)
    case = selectors.case_get_for_user(case_id=case_id, user=request.user, audit=False)
    investigator = User.objects.filter(pk=payload.investigator_id, is_active=True).first()
    if investigator is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"investigator_id": ["No active user has that id."]})
    case = services.case_assign(case=case, actor=request.user, investigator=investigator)
    return _out(case, request.user)


@router.post("/{case_id}/share", response={201: dict[str, Any]}, url_name="cases_share")
def case_share(request: HttpRequest, case_id: int, payload: ShareIn) -> tuple[int, dict]:
    """Share the case and its incidents with another office (need-to-know reason, accounted)."""
    refuse_read_only(request)
    case = selectors.case_get_for_user(case_id=case_id, user=request.user, audit=False)
    share = services.case_share(
        case=case, office_id=payload.office_id, actor=request.user, reason=payload.reason
    )
    return Status(201, {"case": case.pk, "office": share.office.code})


@router.post("/{case_id}/tasks", response={201: dict[str, Any]}, url_name="cases_task_add")
def case_task_add(request: HttpRequest, case_id: int, payload: TaskIn) -> tuple[int, dict]:
    """Add a task with an owner and a due date."""
    refuse_read_only(request)
    case = selectors.case_get_for_user(case_id=case_id, user=request.user, audit=False)
    owner = get_object_or_404(User, pk=payload.owner_id)
    task = services.case_task_add(
        case=case, actor=request.user, title=payload.title, owner=owner, due_date=payload.due_date
    )
    return Status(201, {"id": task.pk, "title": task.title, "due_date": task.due_date.isoformat()})


@router.post("/{case_id}/tasks/{task_id}/done", response=dict[str, Any], url_name="cases_task_done")
def case_task_done(request: HttpRequest, case_id: int, task_id: int) -> dict[str, Any]:
    """Mark one of the case's tasks done (a second call changes nothing)."""
    refuse_read_only(request)
    case = selectors.case_get_for_user(case_id=case_id, user=request.user, audit=False)
    task = get_object_or_404(CaseTask, pk=task_id, case=case)
    task = services.case_task_done(task=task, actor=request.user)
    return {"id": task.pk, "title": task.title, "done_at": task.done_at}


@router.get("/{case_id}/conduct", response=list[dict[str, Any]], url_name="cases_conduct")
def course_of_conduct(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """The course-of-conduct flags (18 U.S.C. 2261A): one subject, one victim, dated acts."""
    case = selectors.case_get_for_user(case_id=case_id, user=request.user)
    return [
        {
            "subject": flag["subject"].pk,
            "victim": flag["victim"],
            "acts": [
                {"incident": a["reference"], "date": a["date"].isoformat()} for a in flag["acts"]
            ],
        }
        for flag in selectors.course_of_conduct(case=case, user=request.user)
    ]


@router.get("/{case_id}/graph", response=dict[str, Any], url_name="cases_graph")
def case_graph(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Nodes and edges of the case's link chart, each edge with its evidence."""
    case = selectors.case_get_for_user(case_id=case_id, user=request.user)
    return selectors.case_graph(case=case, user=request.user)


@router.post(
    "/incidents/{incident_id}/share",
    response={201: dict[str, Any]},
    url_name="cases_incident_share",
)
def incident_share(request: HttpRequest, incident_id: int, payload: ShareIn) -> tuple[int, dict]:
    """Share an incident your office owns with another office (accounted)."""
    refuse_read_only(request)
    share = services.incident_share(
        incident_id=incident_id,
        office_id=payload.office_id,
        actor=request.user,
        reason=payload.reason,
    )
    return Status(201, {"incident": share.incident.reference, "office": share.office.code})


@router.post(
    "/incidents/{incident_id}/identifiers",
    response={201: dict[str, Any]},
    url_name="cases_incident_identifier",
)
def incident_identifier(
    request: HttpRequest, incident_id: int, payload: IdentifierIn
) -> tuple[int, dict]:
    """Record a phone, email, handle, plate or name reported in an incident (normalised)."""
    refuse_read_only(request)
    # The service finds the incident (404 in another office) before it checks CASE_MANAGE.
    row = services.incident_identifier_add(
        incident_id=incident_id,
        actor=request.user,
        kind=payload.kind,
        value=payload.value,
        platform=payload.platform,
    )
    return Status(201, {"id": row.pk, "kind": row.kind, "normalized": row.normalized})
