"""Every scoped read of incidents. "Not allowed" and "does not exist" give the same answer (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.permissions import Perm, check, reads_all_offices
from audit.services import audit_record
from incidents.models import Incident, IncidentShare, Notice
from incidents.screening import Outcome


def incidents_visible_to(user: Any) -> QuerySet[Incident]:
    """Return the incidents the user's office owns or was shared, or all for oversight roles.

    Scope only: callers check the capability (INCIDENT_VIEW, CASE_VIEW…) themselves.
    Protected-activity-only incidents are never listed or opened: a supervisor sees them as
    counts only (5 U.S.C. 552a(e)(7); legal-controls C-30).
    """
    incidents = Incident.objects.exclude(screening_outcome=Outcome.PROTECTED_ONLY)
    if user is None or not user.is_authenticated:
        return incidents.none()
    if reads_all_offices(user):
        return incidents
    if user.office_id is None:
        return incidents.none()
    shared = IncidentShare.objects.filter(office_id=user.office_id).values("incident_id")
    return incidents.filter(Q(office_id=user.office_id) | Q(pk__in=shared))


def incident_get_for_user(*, incident_id: int, user: Any, audit: bool = True) -> Incident:
    """Return one incident the user may see (Http404 otherwise).

    Pages and the API read an incident through ``incident_detail_for_user``; this scoped lookup
    serves actions on it (audit=False: their service audits the write) and other apps."""
    try:
        incident = incidents_visible_to(user).get(pk=incident_id)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404("No such incident.") from None
    if audit:
        _audit_read(user, incident)
    return incident


def incident_detail_for_user(*, incident_id: int, user: Any) -> Incident:
    """Return one incident to show (page or API), audited once; Http404 when it is not visible
    (as for a missing one), then PermissionDenied without INCIDENT_VIEW."""
    incident = incident_get_for_user(incident_id=incident_id, user=user, audit=False)
    check(user, Perm.INCIDENT_VIEW)
    _audit_read(user, incident)
    return incident


def incident_get_by_reference(*, reference: str, user: Any) -> Incident:
    """Return the visible incident with this receipt number (Http404 otherwise); audit it."""
    incident = incidents_visible_to(user).filter(reference=reference.strip().upper()).first()
    if incident is None:
        raise Http404("No such incident.")
    _audit_read(user, incident)
    return incident


def _audit_read(user: Any, incident: Incident) -> None:
    # 28 CFR 23.20(g): every read of a sensitive record is logged, once per read.
    audit_record(actor=user, verb="incident.view", target=incident)


def incident_search(
    *,
    user: Any,
    text: str = "",
    status: str = "",
    offense: str = "",
    channel: str = "",
    date_from: Any = None,
    date_to: Any = None,
) -> QuerySet[Incident]:
    """Return visible incidents matching the filters; audit the search with its terms.

    Only the narrative is searched: the suspect description (C-33) and the reporter's contact
    are never searchable across incidents. On PostgreSQL this is full-text search (websearch
    syntax, English and Spanish configurations); on SQLite a case-insensitive substring match.
    """
    check(user, Perm.INCIDENT_VIEW)
    incidents = incidents_visible_to(user)
    if status:
        incidents = incidents.filter(status=status)
    if channel:
        incidents = incidents.filter(channel=channel)
    if offense:
        incidents = incidents.filter(offenses__code=offense)
    if date_from:
        incidents = incidents.filter(created_at__date__gte=date_from)
    if date_to:
        incidents = incidents.filter(created_at__date__lte=date_to)
    text = (text or "").strip()
    if text:
        incidents = _narrative_match(incidents, text)
    # 28 CFR 23.20(g): every search is logged with its terms.
    audit_record(
        actor=user,
        verb="incident.search",
        data={
            "text": text,
            "status": status,
            "offense": offense,
            "channel": channel,
            "date_from": str(date_from or ""),
            "date_to": str(date_to or ""),
        },
    )
    return incidents.distinct().order_by("-created_at", "-id")


def _narrative_match(incidents: QuerySet[Incident], text: str) -> QuerySet[Incident]:
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        english = SearchQuery(text, config="english", search_type="websearch")
        spanish = SearchQuery(text, config="spanish", search_type="websearch")
        return incidents.annotate(
            _en=SearchVector("narrative", config="english"),
            _es=SearchVector("narrative", config="spanish"),
        ).filter(Q(_en=english) | Q(_es=spanish))
    return incidents.filter(narrative__icontains=text)


def review_queue(*, user: Any) -> list[Incident]:
    """Return the incidents of the user's office waiting for a supervisor's review.

    28 CFR 23.20(g): every read of sensitive records is logged, so the queue is audited with
    the references it shows."""
    check(user, Perm.INCIDENT_REVIEW)
    incidents = list(
        incidents_visible_to(user)
        .filter(status=Incident.Status.NEEDS_REVIEW, office_id=user.office_id)
        .order_by("pk")
    )
    audit_record(
        actor=user,
        verb="incident.review_queue",
        data={"references": [i.reference for i in incidents]},
    )
    return incidents


def protected_only_counts(*, user: Any) -> list[dict[str, Any]]:
    """Return counts of protected-activity-only incidents by office and channel (no records)."""
    check(user, Perm.PROTECTED_COUNTS_VIEW)
    incidents = Incident.objects.filter(screening_outcome=Outcome.PROTECTED_ONLY)
    if not reads_all_offices(user):
        incidents = incidents.filter(office_id=user.office_id)
    rows = (
        incidents.values("office__code", "channel")
        .annotate(count=Count("id"))
        .order_by("office__code", "channel")
    )
    return [dict(row) for row in rows]


def notices_for(*, user: Any) -> QuerySet[Notice]:
    """Return the user's own in-app notices, newest first."""
    return Notice.objects.filter(user=user).select_related("incident")
