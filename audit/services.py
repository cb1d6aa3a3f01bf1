"""Writes to the audit log and the disclosure accounting. Nothing else writes these tables."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from audit import context
from audit.chain import canonical_content
from audit.models import GENESIS_HASH, AuditEvent, DisclosureRecord

# Any constant works; it names the one lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x637573746F73  # "custos"


def _lock_chain_head() -> None:
    # On PostgreSQL, two transactions could read the same head and fork the chain; the advisory
    # lock is held until commit, so appends happen one at a time and ids follow chain order.
    # On SQLite, IMMEDIATE transactions (settings) already serialise writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _target_fields(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    raise TypeError("target must be a model instance, a (type, id) tuple or None")


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    verb: str,
    target: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the hash chain, inside the caller's transaction."""
    _lock_chain_head()
    # Round-trip through JSON so the stored value hashes the same when it is read back.
    clean_data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    prev_hash = head or GENESIS_HASH
    target_type, target_id = _target_fields(target)
    request = context.current()
    actor_id = actor.pk if actor is not None and actor.pk is not None else None
    label = actor_label if actor_label is not None else (actor.get_username() if actor_id else "")
    office = getattr(actor, "office", None) if actor_id else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor_id=actor_id,
        actor_label=label,
        office_code=office.code if office is not None else "",
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        data=clean_data,
        ip_address=request.ip_address,
        request_id=request.request_id,
        prev_hash=prev_hash,
    )
    event.hash = hashlib.sha256(
        canonical_content(
            created_at=event.created_at.isoformat(),
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            office_code=event.office_code,
            verb=verb,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            data=clean_data,
            ip_address=event.ip_address,
            request_id=event.request_id,
            prev_hash=prev_hash,
        )
    ).hexdigest()
    event.save(force_insert=True)
    return event


@transaction.atomic
def disclosure_record(
    *,
    released_by: Any,
    recipient: str,
    agency: str,
    purpose: str,
    legal_basis: str,
    released: dict[str, Any],
    target: Any = None,
) -> DisclosureRecord:
    """Account for one release (28 CFR 23.20(g); 5 U.S.C. 552a(c)), with its audit event."""
    if not (recipient.strip() and agency.strip() and purpose.strip() and legal_basis.strip()):
        raise ValueError("A disclosure needs a recipient, an agency, a purpose and a legal basis.")
    target_type, target_id = _target_fields(target)
    event = audit_record(
        actor=released_by,
        verb="disclosure.record",
        target=target,
        reason=purpose,
        data={
            "recipient": recipient,
            "agency": agency,
            "legal_basis": legal_basis,
            "released": released,
        },
    )
    return DisclosureRecord.objects.create(
        released_by=released_by,
        recipient=recipient,
        agency=agency,
        purpose=purpose,
        legal_basis=legal_basis,
        released=json.loads(json.dumps(released, cls=DjangoJSONEncoder)),
        target_type=target_type,
        target_id=target_id,
        audit_event=event,
    )
