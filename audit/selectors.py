"""Reads of the audit log and the disclosure accounting, for oversight roles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.permissions import Perm, has_perm
from audit.models import AuditEvent, DisclosureRecord
from audit.services import audit_record


def audit_events_for_oversight(
    *, user: Any, verb: str = "", actor: str = "", target_id: str = ""
) -> QuerySet[AuditEvent]:
    """Return audit events matching the filters; the search itself is audited (23.20(g))."""
    if not has_perm(user, Perm.AUDIT_READ):
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-id")
    if verb:
        events = events.filter(verb__startswith=verb)
    if actor:
        events = events.filter(actor_label__iexact=actor)
    if target_id:
        events = events.filter(target_id=target_id)
    audit_record(
        actor=user,
        verb="audit.search",
        data={"verb": verb, "actor": actor, "target_id": target_id},
    )
    return events


def disclosures_for_oversight(*, user: Any, query: str = "") -> QuerySet[DisclosureRecord]:
    """Return the disclosure accounting (5 U.S.C. 552a(c)), newest first."""
    if not has_perm(user, Perm.AUDIT_READ):
        raise PermissionDenied
    records = DisclosureRecord.objects.select_related("released_by").order_by("-id")
    if query:
        records = records.filter(Q(recipient__icontains=query) | Q(agency__icontains=query))
    audit_record(actor=user, verb="disclosure.search", data={"query": query})
    return records
