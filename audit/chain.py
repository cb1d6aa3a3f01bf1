"""Canonical content and hashing of audit events, and the chain walk behind `audit verify`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from audit.models import GENESIS_HASH, AuditEvent


def canonical_content(
    *,
    created_at: str,
    actor_id: int | None,
    actor_label: str,
    office_code: str,
    verb: str,
    target_type: str,
    target_id: str,
    reason: str,
    data: Any,
    ip_address: str | None,
    request_id: str,
    prev_hash: str,
) -> bytes:
    """Return the bytes an event's hash covers: sorted-key JSON of every recorded field."""
    content = {
        "actor_id": actor_id,
        "actor_label": actor_label,
        "created_at": created_at,
        "data": data,
        "ip_address": ip_address,
        "office_code": office_code,
        "prev_hash": prev_hash,
        "reason": reason,
        "request_id": request_id,
        "target_id": target_id,
        "target_type": target_type,
        "verb": verb,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: AuditEvent) -> str:
    """Recompute the hash an event should carry from its stored fields."""
    content = canonical_content(
        created_at=event.created_at.isoformat(),
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        office_code=event.office_code,
        verb=event.verb,
        target_type=event.target_type,
        target_id=event.target_id,
        reason=event.reason,
        data=event.data,
        ip_address=event.ip_address,
        request_id=event.request_id,
        prev_hash=event.prev_hash,
    )
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    field: str  # "hash" (content changed) or "prev_hash" (an event was removed or reordered)
    expected: str
    found: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the whole chain in id order and report the first broken link, if any."""
    expected_prev = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        count += 1
        if event.prev_hash != expected_prev:
            return ChainReport(
                count, ChainBreak(event.pk, "prev_hash", expected_prev, event.prev_hash)
            )
        recomputed = event_hash(event)
        if recomputed != event.hash:
            return ChainReport(count, ChainBreak(event.pk, "hash", recomputed, event.hash))
        expected_prev = event.hash
    return ChainReport(count, None)
