"""The hash-chained custody log: appending events, views and downloads, transfers, receipts."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Perm, check
from audit.services import audit_record
from evidence import storage
from evidence.models import CustodyEvent, EvidenceItem

GENESIS = "0" * 64


def custody_content(event: CustodyEvent) -> bytes:
    """Return the canonical bytes an event's hash covers (every recorded field, sorted keys)."""
    content = {
        "item": event.item_id,
        "sequence": event.sequence,
        "action": event.action,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "at": event.at.isoformat(),
        "location": event.location,
        "reason": event.reason,
        "sha256_seen": event.sha256_seen,
        "to_user": event.to_user_id,
        "to_place": event.to_place,
        "acknowledges": event.acknowledges_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@transaction.atomic
def custody_record(
    *,
    item: EvidenceItem,
    action: str,
    actor: Any,
    sha256_seen: str,
    reason: str = "",
    location: str = "",
    actor_label: str | None = None,
    to_user: Any = None,
    to_place: str = "",
    acknowledges: CustodyEvent | None = None,
    data: dict[str, Any] | None = None,
) -> CustodyEvent:
    """Append one event to the item's custody chain."""
    # Lock the item row so two events cannot take the same sequence number (PostgreSQL; SQLite
    # serialises writers already).
    EvidenceItem.objects.select_for_update().filter(pk=item.pk).exists()
    last = item.custody.order_by("-sequence").first()
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    event = CustodyEvent(
        item=item,
        sequence=(last.sequence + 1) if last else 1,
        action=action,
        actor_id=actor_id,
        actor_label=actor_label or (actor.get_username() if actor_id else "system"),
        at=timezone.now(),
        location=location,
        reason=reason,
        sha256_seen=sha256_seen,
        to_user=to_user,
        to_place=to_place,
        acknowledges=acknowledges,
        data=json.loads(json.dumps(data or {})),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = hashlib.sha256(custody_content(event)).hexdigest()
    event.save(force_insert=True)
    return event


def custody_chain_problems(events: Any, *, previous: str) -> tuple[list[str], CustodyEvent | None]:
    """Check events in sequence order from ``previous``; return problems and the last event."""
    problems = []
    last = None
    for event in events:
        if event.prev_hash != previous:
            problems.append(f"event {event.sequence}: previous hash does not match")
        if hashlib.sha256(custody_content(event)).hexdigest() != event.hash:
            problems.append(f"event {event.sequence}: content changed")
        previous, last = event.hash, event
    return problems, last


@transaction.atomic
def custody_chain_check(*, item: EvidenceItem, full: bool = False, actor: Any = None) -> list[str]:
    """Verify the custody events added since the last verified one (all of them with ``full``).

    Return the problems found (empty when intact). When intact, move the item's verified mark
    to the newest event, so the next check starts there: an item page hashes one or two events
    however long its chain has grown. The marked event itself is compared each time, so a
    changed or deleted verified event is still caught; a change further back is found by the
    full check (on demand from the item page), which then clears the mark so every later view
    checks the whole chain again and keeps showing the problem.
    """
    item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    start, previous = 0, GENESIS
    if not full and item.custody_verified_sequence:
        start, previous = item.custody_verified_sequence, item.custody_verified_hash
        marked = item.custody.filter(sequence=start).first()
        # Recomputed from the event's content, not only its stored hash: an edit that left the
        # hash column alone is caught here too (FRE 901: the chain must show no alteration).
        if (
            marked is None
            or marked.hash != previous
            or hashlib.sha256(custody_content(marked)).hexdigest() != previous
        ):
            return [f"event {start}: changed or removed since it was verified"]
    problems, last = custody_chain_problems(
        item.custody.filter(sequence__gt=start).order_by("sequence"), previous=previous
    )
    if full:
        # Asked for by a person: audited with its outcome.
        audit_record(
            actor=actor, verb="evidence.custody_verify", target=item, data={"problems": problems}
        )
    # The mark records a computation, not a change to the evidence: it is not audited.
    mark = EvidenceItem.objects.filter(pk=item.pk)
    if problems:
        if full:
            mark.update(custody_verified_sequence=0, custody_verified_hash="")
    elif last is not None:
        # Only forward: a check that read fewer events never moves the mark back.
        mark.filter(custody_verified_sequence__lte=last.sequence).update(
            custody_verified_sequence=last.sequence,
            custody_verified_hash=last.hash,
            custody_verified_at=timezone.now(),
        )
    return problems


def refuse_if_disposed(item: EvidenceItem) -> None:
    """Raise ValidationError if the item, or the item it was derived from, is disposed (C-37)."""
    from django.db.models import Q

    ids = Q(pk=item.pk) | (Q(pk=item.parent_id) if item.parent_id else Q(pk__in=[]))
    if EvidenceItem.objects.filter(ids, disposed_at__isnull=False).exists():
        raise ValidationError(
            "The item has been disposed of under the records schedule; nothing more is done "
            "with it."
        )


def refuse_if_disposed_locked(item: EvidenceItem) -> None:
    """Lock the item's row, then refuse as refuse_if_disposed does, reading under the lock.

    Call it inside the transaction that writes what must not outlive a disposal (C-37;
    44 U.S.C. 3106). evidence_dispose locks the whole family before it checks or writes, so
    this waits for a disposal in progress and then sees it committed; an early
    refuse_if_disposed alone read the item before any lock and let the write commit after.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("refuse_if_disposed_locked must run inside a transaction.")
    EvidenceItem.objects.select_for_update(of=("self",)).filter(pk=item.pk).exists()
    refuse_if_disposed(item)


@transaction.atomic
def evidence_access_record(
    *, item: EvidenceItem, actor: Any, action: str, reason: str = ""
) -> None:
    """Record a view or download as a custody event and an audit event."""
    custody_record(
        item=item, action=action, actor=actor, sha256_seen=item.blob.sha256, reason=reason
    )
    audit_record(actor=actor, verb=f"evidence.{action}", target=item, reason=reason)


@transaction.atomic
def evidence_list_record(*, incident: Any, actor: Any, item_ids: list[int]) -> None:
    """Audit a read of an incident's evidence list (28 CFR 23.20(g): every read is logged)."""
    audit_record(actor=actor, verb="evidence.list", target=incident, data={"items": list(item_ids)})


@transaction.atomic
def evidence_transfer(
    *, item: EvidenceItem, actor: Any, reason: str, to_user: Any = None, to_place: str = ""
) -> CustodyEvent:
    """Hand an item to a person or place; it stays a custody gap until acknowledged."""
    check(actor, Perm.EVIDENCE_ADD)
    refuse_if_disposed(item)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the item is transferred."})
    if to_user is None and not to_place.strip():
        raise ValidationError({"to_place": "Name the person or the place receiving the item."})
    event = custody_record(
        item=item,
        action=CustodyEvent.Action.TRANSFERRED,
        actor=actor,
        sha256_seen=item.blob.sha256,
        reason=reason,
        to_user=to_user,
        to_place=to_place.strip(),
    )
    audit_record(actor=actor, verb="evidence.transfer", target=item, reason=reason)
    return event


def _acknowledged(transfer: CustodyEvent) -> bool:
    return CustodyEvent.objects.filter(acknowledges=transfer).exists()


@transaction.atomic
def evidence_acknowledge(*, transfer: CustodyEvent, actor: Any, location: str = "") -> CustodyEvent:
    """Confirm receipt of a transfer (only the named receiver may, for a person)."""
    # Taking custody is a write: oversight roles read everything and change nothing, even when
    # named as the receiver (legal-controls: oversight is read-only).
    check(actor, Perm.EVIDENCE_ADD)
    if transfer.action != CustodyEvent.Action.TRANSFERRED:
        raise ValidationError("Only a transfer can be acknowledged.")
    if transfer.to_user_id is not None and transfer.to_user_id != actor.pk:
        raise PermissionDenied("Only the named receiver can acknowledge this transfer.")
    already = ValidationError("This transfer was already acknowledged.")
    if _acknowledged(transfer):
        raise already
    try:
        with transaction.atomic():  # a savepoint: a double submit loses the race cleanly
            event = custody_record(
                item=transfer.item,
                action=CustodyEvent.Action.ACKNOWLEDGED,
                actor=actor,
                sha256_seen=transfer.item.blob.sha256,
                reason="Receipt acknowledged.",
                location=location,
                acknowledges=transfer,
            )
    except IntegrityError:
        if _acknowledged(transfer):
            raise already from None
        raise
    audit_record(actor=actor, verb="evidence.acknowledge", target=transfer.item)
    return event


def evidence_read_bytes(item: EvidenceItem) -> bytes:
    """Return a small item's bytes (tests and previews only; downloads stream)."""
    buffer = io.BytesIO()
    for chunk in storage.iter_chunks(item.blob.storage_key):
        buffer.write(chunk)
    return buffer.getvalue()
