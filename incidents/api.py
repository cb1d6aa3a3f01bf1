"""The incidents API: submit, read, list and search, screen a draft, review, offenses."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from accounts.permissions import Perm, check, has_perm
from custos.api import refuse_read_only
from incidents import screening, selectors, services
from incidents.models import Incident

router = Router(tags=["incidents"])
router_prefix = "/incidents"


class VictimIn(Schema):
    user_id: int | None = None
    name: str = ""
    relation: str = ""


class IncidentIn(Schema):
    channel: str = "field_report"
    conduct: list[str]
    narrative: str = Field("", max_length=20000)
    offenses: list[str] = []
    victims: list[VictimIn] = []
    occurred_at: datetime | None = None
    location_text: str = Field("", max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    suspect_description: str = Field("", max_length=4000)
    reporter_name: str = Field("", max_length=120)
    reporter_phone: str = Field("", max_length=40)
    reporter_email: str = Field("", max_length=254)


class VictimOut(Schema):
    user_id: int | None
    name: str
    relation: str


class IncidentOut(Schema):
    id: int
    reference: str
    office: str
    channel: str
    status: str
    screening_outcome: str
    screening_reasons: list[str]
    conduct: list[str]
    offenses: list[str]
    offenses_allowed: list[str]
    narrative: str
    occurred_at: datetime | None
    location_text: str
    victims: list[VictimOut]
    created_at: datetime


class SubmitOut(Schema):
    id: int
    reference: str
    status: str
    screening_outcome: str
    screening_reasons: list[str]
    offenses_allowed: list[str]
    redactions: int
    notice: str


class ListItemOut(Schema):
    id: int
    reference: str
    channel: str
    status: str
    screening_outcome: str
    offenses: list[str]
    created_at: datetime


class ScreenIn(Schema):
    conduct: list[str]
    narrative: str = Field("", max_length=20000)
    # Optional: the victims' relations limit the offenses (115(a)(1)(A) needs a family member).
    victims: list[VictimIn] = []


class ScreenOut(Schema):
    outcome: str
    reasons: list[str]
    offenses_allowed: list[str]


class ReviewIn(Schema):
    decision: str
    reason: str


class ConductIn(Schema):
    conduct: list[str]
    reason: str
    offenses: list[str] | None = None


class OffensesIn(Schema):
    offenses: list[str]
    reason: str


class SearchFilters(Schema):
    q: str = ""
    status: str = ""
    offense: str = ""
    channel: str = ""
    date_from: date | None = None
    date_to: date | None = None


# Only these filters exist: nothing filters or sorts on a description or any sensitive category
# (28 CFR 23.20(b); legal-controls C-33). Anything else is refused, not silently ignored.
LIST_FILTERS = frozenset({"q", "status", "offense", "channel", "date_from", "date_to", "page"})


def _refuse_unknown_filters(request: HttpRequest, allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise HttpError(
            400, f"Unknown filter: {', '.join(unknown)}. Filters: {', '.join(sorted(allowed))}."
        )


def _allowed(incident: Incident) -> list[str]:
    relations = [v.relation for v in incident.victims.all()]
    return screening.offenses_allowed(incident.conduct, relations)


def _victim_relation(victim: VictimIn) -> str:
    return victim.relation or ("officer" if victim.user_id else "other")


def _out(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "reference": incident.reference,
        "office": incident.office.code,
        "channel": incident.channel,
        "status": incident.status,
        "screening_outcome": incident.screening_outcome,
        "screening_reasons": incident.screening_reasons,
        "conduct": incident.conduct,
        "offenses": [o.code for o in incident.offenses.all()],
        "offenses_allowed": _allowed(incident),
        "narrative": incident.narrative,
        "occurred_at": incident.occurred_at,
        "location_text": incident.location_text,
        "victims": [
            {"user_id": v.user_id, "name": v.name, "relation": v.relation}
            for v in incident.victims.all()
        ],
        "created_at": incident.created_at,
    }


def _get(request: HttpRequest, incident_id: int, perm: Perm) -> Incident:
    """Find the incident an action names (404 first, as for a missing one), then check the
    capability. Unaudited: the action's service audits its write; reads go through
    selectors.incident_detail_for_user."""
    incident = selectors.incident_get_for_user(
        incident_id=incident_id, user=request.user, audit=False
    )
    if not has_perm(request.user, perm):
        raise PermissionDenied(f"Not permitted: {perm}")
    return incident


@router.post("", response={201: SubmitOut}, url_name="incidents_submit")
def incident_submit(request: HttpRequest, payload: IncidentIn) -> Any:
    """Submit a field report, phone tip, referral or exposure alert; it is screened at once."""
    refuse_read_only(request)
    if payload.channel == Incident.Channel.PUBLIC_TIP:
        raise PermissionDenied("Public tips come in through the public tip form.")
    user = request.user
    if user.office_id is None:
        raise PermissionDenied("You belong to no field office.")
    incident = services.incident_submit(
        office=user.office,
        channel=payload.channel,
        conduct=payload.conduct,
        narrative=payload.narrative,
        offenses=payload.offenses,
        victims=[v.dict() for v in payload.victims],
        actor=user,
        occurred_at=payload.occurred_at,
        location_text=payload.location_text,
        latitude=payload.latitude,
        longitude=payload.longitude,
        suspect_description=payload.suspect_description,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        reporter_email=payload.reporter_email,
    )
    notice = ""
    if incident.is_protected_only:
        notice = (
            "Protected activity only: no offense, no subject, and nothing identifying the "
            "people involved is kept. Please do not include names."
        )
    return Status(
        201,
        {
            "id": incident.pk,
            "reference": incident.reference,
            "status": incident.status,
            "screening_outcome": incident.screening_outcome,
            "screening_reasons": incident.screening_reasons,
            "offenses_allowed": _allowed(incident),
            "redactions": getattr(incident, "redactions", 0),
            "notice": notice,
        },
    )


@router.post("/screen", response=ScreenOut, url_name="incidents_screen")
def incident_screen(request: HttpRequest, payload: ScreenIn) -> dict[str, Any]:
    """Screen a draft without storing anything (what the form shows before submitting)."""
    check(request.user, Perm.INCIDENT_VIEW)
    from django.core.exceptions import ValidationError

    try:
        result = screening.screen(
            payload.conduct, payload.narrative, [_victim_relation(v) for v in payload.victims]
        )
    except screening.UnknownConduct as exc:
        raise ValidationError({"conduct": str(exc)}) from None
    return {
        "outcome": result.outcome,
        "reasons": result.reasons,
        "offenses_allowed": result.offenses_allowed,
    }


@router.get("", response=list[ListItemOut], url_name="incidents_list")
@paginate(PageNumberPagination, page_size=25)
def incident_list(request: HttpRequest, filters: Query[SearchFilters]) -> Any:
    """List and search the incidents the caller may see; every search is audited."""
    _refuse_unknown_filters(request, LIST_FILTERS)
    incidents = selectors.incident_search(
        user=request.user,
        text=filters.q,
        status=filters.status,
        offense=filters.offense,
        channel=filters.channel,
        date_from=filters.date_from,
        date_to=filters.date_to,
    ).prefetch_related("offenses")
    return [
        {
            "id": i.pk,
            "reference": i.reference,
            "channel": i.channel,
            "status": i.status,
            "screening_outcome": i.screening_outcome,
            "offenses": [o.code for o in i.offenses.all()],
            "created_at": i.created_at,
        }
        for i in incidents
    ]


@router.get("/{int:incident_id}", response=IncidentOut, url_name="incidents_detail")
def incident_detail(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    """Return one incident the caller may see (404 otherwise, as for a missing one)."""
    return _out(selectors.incident_detail_for_user(incident_id=incident_id, user=request.user))


@router.post("/{int:incident_id}/review", response=IncidentOut, url_name="incidents_review")
def incident_review(request: HttpRequest, incident_id: int, payload: ReviewIn) -> dict[str, Any]:
    """A supervisor clears a flagged incident to open, or closes it."""
    refuse_read_only(request)
    incident = _get(request, incident_id, Perm.INCIDENT_REVIEW)
    incident = services.incident_review(
        incident=incident, actor=request.user, decision=payload.decision, reason=payload.reason
    )
    return _out(incident)


@router.post("/{int:incident_id}/conduct", response=IncidentOut, url_name="incidents_conduct")
def incident_conduct(request: HttpRequest, incident_id: int, payload: ConductIn) -> dict[str, Any]:
    """Change the conduct; the incident is screened again."""
    refuse_read_only(request)
    incident = _get(request, incident_id, Perm.INCIDENT_SUBMIT)
    incident = services.incident_update_conduct(
        incident=incident,
        conduct=payload.conduct,
        actor=request.user,
        reason=payload.reason,
        offenses=payload.offenses,
    )
    return _out(incident)


@router.post("/{int:incident_id}/offenses", response=IncidentOut, url_name="incidents_offenses")
def incident_offenses(
    request: HttpRequest, incident_id: int, payload: OffensesIn
) -> dict[str, Any]:
    """Set the alleged offenses (only those the conduct can support)."""
    refuse_read_only(request)
    incident = _get(request, incident_id, Perm.INCIDENT_SUBMIT)
    incident = services.incident_set_offenses(
        incident=incident, offenses=payload.offenses, actor=request.user, reason=payload.reason
    )
    return _out(incident)


@router.get("/protected-counts", response=list[dict], url_name="incidents_protected_counts")
def protected_counts(request: HttpRequest) -> Any:
    """Counts of protected-activity-only incidents (records themselves are never shown)."""
    return selectors.protected_only_counts(user=request.user)
