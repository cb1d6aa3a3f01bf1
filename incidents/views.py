"""Pages for incidents: thin adapters over services and selectors."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import Perm, has_perm
from audit.services import audit_record
from incidents import selectors
from incidents.models import Incident
from incidents.screening import CONDUCT_CHOICES


def _visible_incident(request: HttpRequest, incident_id: int, perm: Perm) -> Incident:
    """Find first (404 for another office, as for a missing record), then check the capability."""
    incident = selectors.incident_get_for_user(
        incident_id=incident_id, user=request.user, audit=False
    )
    if not has_perm(request.user, perm):
        raise PermissionDenied
    return incident


def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    incident = _visible_incident(request, incident_id, Perm.INCIDENT_VIEW)
    # 28 CFR 23.20(g): every read of a sensitive record is logged.
    audit_record(actor=request.user, verb="incident.view", target=incident)
    labels = dict(CONDUCT_CHOICES)
    conduct_labels = [str(labels.get(code, code)) for code in incident.conduct]
    return render(
        request,
        "incidents/detail.html",
        {"incident": incident, "conduct_labels": conduct_labels},
    )
