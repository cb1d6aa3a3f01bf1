"""The exposure API: scan staff text for exposures, list and read alerts (never roster values)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from custos.api import refuse_read_only
from exposure import selectors, services
from exposure.models import ExposureAlert

router = Router(tags=["exposure"])
router_prefix = "/exposure"


class ScanIn(Schema):
    text: str = Field(..., max_length=2_000_000)
    label: str = Field("", max_length=80)


class ExposureOut(Schema):
    person: str
    ids: list[str]
    restricted: bool
    spans: list[list[int]]


class AlertOut(Schema):
    id: int
    roster_id: str
    office: str
    source_type: str
    source_label: str
    identifier_types: list[str]
    restricted: bool
    status: str
    incident: str | None
    created_at: datetime


class ScanOut(Schema):
    exposures: list[ExposureOut]
    # Protected people of another office who matched: no details here, that office is alerted.
    other_office_matches: int
    new_alerts: list[AlertOut]


def _alert_out(alert: ExposureAlert) -> dict:
    return {
        "id": alert.pk,
        "roster_id": alert.person.roster_id,
        "office": alert.office.code,
        "source_type": alert.source_type,
        "source_label": alert.source_label,
        "identifier_types": alert.identifier_types,
        "restricted": alert.restricted,
        "status": alert.status,
        "incident": alert.incident.reference if alert.incident_id else None,
        "created_at": alert.created_at,
    }


@router.post("/scan", response=ScanOut, url_name="exposure_scan")
def scan(request: HttpRequest, payload: ScanIn) -> dict:
    """Scan text typed or pasted by staff; each new exposure raises an alert."""
    refuse_read_only(request)
    result, alerts = services.text_scan(actor=request.user, text=payload.text, label=payload.label)
    shown = selectors.scan_result_for_user(user=request.user, result=result, alerts=alerts)
    return {
        "exposures": [exposure.as_dict() for exposure in shown["exposures"]],
        "other_office_matches": shown["other_office_matches"],
        "new_alerts": [_alert_out(alert) for alert in shown["new_alerts"]],
    }


@router.get("/alerts", response=list[AlertOut], url_name="exposure_alerts")
def alerts(request: HttpRequest) -> list[dict]:
    """List the alerts the caller may see (newest first, at most 500)."""
    return [
        _alert_out(alert) for alert in selectors.alert_list_for_user(user=request.user, limit=500)
    ]


@router.get("/alerts/{int:alert_id}", response=AlertOut, url_name="exposure_alert")
def alert(request: HttpRequest, alert_id: int) -> dict:
    """Read one alert (audited); 404 when it is not visible or does not exist."""
    return _alert_out(selectors.alert_get_for_user(alert_id=alert_id, user=request.user))
