"""The intelligence-index API (28 CFR Part 23): subjects, review, purge, links, dissemination.
Every read of a subject is audited; oversight roles read and change nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from accounts.models import User
from accounts.permissions import Perm, check
from custos.api import refuse_read_only
from intel import selectors, services
from intel.models import PurgeRequest, RecipientAgency, Subject

router = Router(tags=["intel"])
router_prefix = "/intel"


class IdentifierIO(Schema):
    kind: str
    value: str = Field(..., max_length=300)
    platform: str = ""


class SubjectOut(Schema):
    id: int
    office: str
    label: str
    status: str
    sensitivity: str
    source_reliability: str
    content_validity: str
    control_official: str
    offense: str
    element: str
    review_due: datetime | None
    identifiers: list[dict[str, str]]


class SubjectIn(Schema):
    label: str = Field(..., max_length=200)
    incident_ids: list[int] = []
    case_id: int | None = None
    predicate_offense_id: int
    predicate_element: str = Field(..., max_length=300)
    predicate_facts: str
    predicate_source: str = Field(..., max_length=300)
    predicate_date: date
    collection_method: str
    process_reference: str = Field("", max_length=200)
    sensitivity: str
    source_reliability: str
    content_validity: str
    control_official_id: int
    identifiers: list[IdentifierIO] = []


class ApproveIn(Schema):
    reason: str
    lawfully_obtained: bool


class ValidateIn(Schema):
    reason: str
    explanation: str
    # Legal-controls C-18: re-confirm the reasonable-suspicion facts (422 without them).
    rs_facts_reconfirmed: bool = False
    rs_facts_statement: str = ""


class CorrectIn(Schema):
    # Field name -> corrected value (label, predicate_element, predicate_facts, predicate_source,
    # predicate_date, source_reliability, content_validity); other names are refused (422).
    field_changes: dict[str, Any]
    reason: str


class PurgeIn(Schema):
    schedule_item: str = Field(..., max_length=100)
    reason: str


class DecideIn(Schema):
    confirm: bool
    reason: str


class DisseminateIn(Schema):
    agency_id: int
    recipient_name: str = Field(..., max_length=200)
    type: str = "intelligence"
    purpose: str = ""
    danger_statement: str = ""
    protective_advice: str = ""


def _out(subject: Subject) -> dict[str, Any]:
    return {
        "id": subject.pk,
        "office": subject.office.code,
        "label": subject.label,
        "status": subject.status,
        "sensitivity": subject.sensitivity,
        "source_reliability": subject.source_reliability,
        "content_validity": subject.content_validity,
        "control_official": subject.control_official.get_username(),
        "offense": subject.predicate_offense.code,
        "element": subject.predicate_element,
        "review_due": subject.review_due,
        "identifiers": [{"kind": i.kind, "value": i.normalized} for i in subject.identifiers.all()],
    }


@router.get("/subjects", response=list[SubjectOut], url_name="intel_subjects")
def subject_list(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """Search active subjects by identifier or label (restricted ones notify their official)."""
    if q:
        return [_out(s) for s in selectors.subject_search(user=request.user, query=q)]
    return [_out(s) for s in selectors.subject_list(user=request.user, limit=500)]


@router.post("/subjects", response={201: SubjectOut}, url_name="intel_subject_propose")
def subject_propose(request: HttpRequest, payload: SubjectIn) -> tuple[int, dict[str, Any]]:
    """Propose a subject from an eligible incident or case with a written predicate."""
    refuse_read_only(request)
    data = payload.dict()
    official = User.objects.filter(pk=data.pop("control_official_id")).first()
    identifiers = [services.IdentifierInput(**i) for i in data.pop("identifiers")]
    subject = services.subject_propose(
        actor=request.user, control_official=official, identifiers=identifiers, **data
    )
    return Status(201, _out(subject))


@router.get("/subjects/{subject_id}", response=SubjectOut, url_name="intel_subject")
def subject_detail(request: HttpRequest, subject_id: int) -> dict[str, Any]:
    """Read one subject (audited)."""
    return _out(selectors.subject_get_for_user(subject_id=subject_id, user=request.user))


def _subject(request: HttpRequest, subject_id: int) -> Subject:
    refuse_read_only(request)
    return selectors.subject_get_for_user(subject_id=subject_id, user=request.user, audit=False)


@router.post("/subjects/{subject_id}/approve", response=SubjectOut, url_name="intel_approve")
def subject_approve(request: HttpRequest, subject_id: int, payload: ApproveIn) -> dict[str, Any]:
    """Approve (reasonable-suspicion approver, not the submitter)."""
    subject = services.subject_approve(
        subject=_subject(request, subject_id),
        approver=request.user,
        reason=payload.reason,
        lawfully_obtained=payload.lawfully_obtained,
    )
    return _out(subject)


@router.post("/subjects/{subject_id}/validate", response=SubjectOut, url_name="intel_validate")
def subject_validate(request: HttpRequest, subject_id: int, payload: ValidateIn) -> dict:
    """Record a review that keeps the subject and restarts its five-year clock."""
    subject = _subject(request, subject_id)
    services.subject_validate(
        subject=subject,
        reviewer=request.user,
        reason=payload.reason,
        explanation=payload.explanation,
        rs_facts_reconfirmed=payload.rs_facts_reconfirmed,
        rs_facts_statement=payload.rs_facts_statement,
    )
    subject.refresh_from_db()
    return _out(subject)


@router.post("/subjects/{subject_id}/correct", response=SubjectOut, url_name="intel_correct")
def subject_correct(request: HttpRequest, subject_id: int, payload: CorrectIn) -> dict[str, Any]:
    """Correct a subject's facts; every past recipient is advised (28 CFR 23.20(h))."""
    subject = services.subject_correct(
        subject=_subject(request, subject_id),
        actor=request.user,
        field_changes=payload.field_changes,
        reason=payload.reason,
    )
    return _out(subject)


@router.post("/subjects/{subject_id}/purge", response={201: dict[str, Any]}, url_name="intel_purge")
def purge_request(request: HttpRequest, subject_id: int, payload: PurgeIn) -> tuple[int, dict]:
    """First approval of a purge (a second, different approver completes it)."""
    req = services.purge_request(
        record=_subject(request, subject_id),
        approver=request.user,
        schedule_item=payload.schedule_item,
        reason=payload.reason,
    )
    return Status(201, {"id": req.pk, "status": req.status})


@router.post("/purges/{purge_id}/approve", response=dict[str, Any], url_name="intel_purge_approve")
def purge_approve(request: HttpRequest, purge_id: int) -> dict[str, Any]:
    """Second approval: the subject is purged and leaves a tombstone id."""
    refuse_read_only(request)
    req = get_object_or_404(PurgeRequest, pk=purge_id, office_id=request.user.office_id)
    req = services.purge_approve(request=req, approver=request.user)
    return {"id": req.pk, "status": req.status, "tombstone": req.tombstone}


@router.get("/links", response=list[dict[str, Any]], url_name="intel_links")
def links(request: HttpRequest) -> list[dict[str, Any]]:
    """Link proposals whose both sides the caller may see."""
    check(request.user, Perm.SUBJECT_VIEW)
    return [
        {
            "id": link.pk,
            "subject": link.subject_id,
            "incident": link.incident_id,
            "other_subject": link.other_subject_id,
            "kind": link.kind,
            "evidence": link.evidence,
            "status": link.status,
        }
        for link in selectors.links_for_user(request.user)[:500]
    ]


@router.post("/links/{link_id}/decide", response=dict[str, Any], url_name="intel_link_decide")
def link_decide(request: HttpRequest, link_id: int, payload: DecideIn) -> dict[str, Any]:
    """Confirm or reject a proposed link (audited)."""
    refuse_read_only(request)
    link = selectors.link_get_for_user(link_id=link_id, user=request.user)
    link = services.link_decide(
        link=link, analyst=request.user, confirm=payload.confirm, reason=payload.reason
    )
    return {"id": link.pk, "status": link.status}


@router.post(
    "/subjects/{subject_id}/disseminate",
    response={201: dict[str, Any]},
    url_name="intel_disseminate",
)
def disseminate(request: HttpRequest, subject_id: int, payload: DisseminateIn) -> tuple[int, dict]:
    """Release outside Custos: intelligence to LE with an agreement, else a danger assessment."""
    refuse_read_only(request)
    # Field offices see their own records: another office's subject is not found (404) before
    # the capability or the recipient is weighed (28 CFR 23.20(e): need and right to know).
    selectors.subject_get_for_user(subject_id=subject_id, user=request.user, audit=False)
    agency = get_object_or_404(RecipientAgency, pk=payload.agency_id)
    if payload.type == "imminent_danger":
        release = services.disseminate_imminent_danger(
            subject_id=subject_id,
            actor=request.user,
            agency=agency,
            recipient_name=payload.recipient_name,
            danger_statement=payload.danger_statement,
            protective_advice=payload.protective_advice,
        )
    else:
        release = services.disseminate_intelligence(
            subject_id=subject_id,
            actor=request.user,
            agency=agency,
            recipient_name=payload.recipient_name,
            purpose=payload.purpose,
        )
    return Status(
        201, {"id": release.pk, "payload": release.payload, "watermark": release.watermark}
    )


class AgencyIn(Schema):
    name: str = Field(..., max_length=200)
    address: str = Field(..., max_length=300)
    is_law_enforcement: bool
    agreement_signed: date | None = None
    agreement_expires: date | None = None
    # 28 CFR 23.20(h) (C-09): where correction and purge notices are emailed.
    contact_email: str = Field("", max_length=254)


class AgencyOut(Schema):
    id: int
    name: str
    address: str
    is_law_enforcement: bool
    agreement_signed: date | None
    agreement_expires: date | None
    agreement_current: bool
    contact_email: str


def _agency_out(agency: RecipientAgency) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "id": agency.pk,
        "name": agency.name,
        "address": agency.address,
        "is_law_enforcement": agency.is_law_enforcement,
        "agreement_signed": agency.agreement_signed,
        "agreement_expires": agency.agreement_expires,
        "agreement_current": agency.agreement_current(timezone.localdate()),
        "contact_email": agency.contact_email,
    }


@router.get("/agencies", response=list[AgencyOut], url_name="intel_agencies")
def agency_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The registry of recipient agencies (supervisors; oversight roles read it)."""
    from intel.agency_views import may_read_agencies

    if not may_read_agencies(request.user):
        raise PermissionDenied
    return [_agency_out(agency) for agency in RecipientAgency.objects.all()]


@router.post("/agencies", response={201: AgencyOut}, url_name="intel_agency_register")
def agency_register(request: HttpRequest, payload: AgencyIn) -> tuple[int, dict[str, Any]]:
    """Add a recipient agency: law-enforcement flag, agreement signed and expiry dates."""
    from intel.agency_views import agency_register as register

    refuse_read_only(request)
    agency = register(actor=request.user, **payload.dict())
    return Status(201, _agency_out(agency))
