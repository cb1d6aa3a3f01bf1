"""Legal holds and records-schedule disposal of evidence (44 U.S.C. 3105-3106; legal-controls C-37).

Disposal is a records officer's act under a records-schedule item, never while a legal hold is
set, and it is the last event of the item's custody chain. The intelligence purge never reaches
evidence (C-37); this is the only way an item is disposed of. The stored bytes are not erased
here: the item is marked disposed, no longer offered for download or export, and its custody
chain and audit trail keep the record of the decision.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, check
from audit.services import audit_record
from evidence.models import CustodyEvent, EvidenceItem
from evidence.services import custody_record

# A General Records Schedule or agency schedule item, e.g. "GRS 5.2 item 020" or "N1-065-10-1/2".
_SCHEDULE_ITEM = re.compile(
    r"^(GRS\s*\d+(\.\d+)?\s+item\s+\d+|N\d-\d+-\d+-\d+(/\d+)?|DAA-\S+)$", re.I
)


def _family_ids(root_pk: int) -> set[int]:
    """Return the pks of an original and of every copy made from it, at any depth."""
    ids, frontier = {root_pk}, {root_pk}
    while frontier:
        frontier = (
            set(EvidenceItem.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - ids
        )
        ids |= frontier
    return ids


def _lock_family(item: EvidenceItem) -> dict[int, EvidenceItem]:
    """Lock an item's original and all the copies made from it (pk order); return them by pk.

    Hold and disposal both lock the family before they check anything, so they serialise on it:
    locking only the row each one changes let a hold on a copy commit between the disposal's
    check and its write (44 U.S.C. 3106). The original is the family's lowest pk and is locked
    first; a copy made meanwhile waits for it (its insert references the original's row), and
    the family is read again under the lock until no new member appears.
    """
    root_pk = item.pk
    while True:
        parent_id = EvidenceItem.objects.filter(pk=root_pk).values_list("parent_id", flat=True)
        parent = parent_id.first()
        if parent is None:
            break
        root_pk = parent
    locked: dict[int, EvidenceItem] = {}
    while missing := _family_ids(root_pk) - locked.keys():
        rows = list(
            EvidenceItem.objects.select_for_update(of=("self",))
            .select_related("blob")
            .filter(pk__in=missing)
            .order_by("pk")
        )
        if not rows:
            break  # evidence is never deleted (PROTECT); this only stops a loop on a vanished row
        locked.update({row.pk: row for row in rows})
    if item.pk not in locked:
        raise EvidenceItem.DoesNotExist
    return locked


def _descendant_ids(family: dict[int, EvidenceItem], pk: int) -> list[int]:
    """Return the pks of the copies made (at any depth) from item ``pk``, in pk order."""
    found: set[int] = set()
    frontier = {pk}
    while frontier:
        frontier = {m.pk for m in family.values() if m.parent_id in frontier} - found
        found |= frontier
    return sorted(found)


@transaction.atomic
def evidence_legal_hold(*, item: EvidenceItem, actor: Any, hold: bool, reason: str) -> EvidenceItem:
    """Set or lift a legal hold on an item (a held item cannot be disposed of)."""
    check(actor, Perm.EVIDENCE_DISPOSE)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the hold is set or lifted.")})
    # The whole family is locked, as evidence_dispose locks it: a hold set on a copy while its
    # original is being disposed of (or the reverse) waits for the other to commit, so no item
    # ends up both held and disposed of (44 U.S.C. 3106).
    item = _lock_family(item)[item.pk]
    if item.office_id != actor.office_id:
        raise PermissionDenied(_("Only a records officer of the owning office sets a hold."))
    if item.disposed_at is not None:
        raise ValidationError(_("The item has already been disposed of."))
    item.legal_hold = hold
    item.legal_hold_reason = reason.strip() if hold else ""
    item.save(update_fields=["legal_hold", "legal_hold_reason"])
    audit_record(
        actor=actor,
        verb="evidence.legal_hold",
        target=item,
        reason=reason,
        data={"hold": hold},
    )
    return item


@transaction.atomic
def evidence_dispose(
    *, item: EvidenceItem, actor: Any, schedule_item: str, reason: str
) -> CustodyEvent:
    """Dispose of an item under a records-schedule item: records officer, no legal hold (C-37)."""
    # Records Officer approval (C-37): only that role holds EVIDENCE_DISPOSE.
    check(actor, Perm.EVIDENCE_DISPOSE)
    schedule_item = (schedule_item or "").strip()
    if not _SCHEDULE_ITEM.match(schedule_item):
        raise ValidationError(
            {
                "schedule_item": _(
                    "Name the records-schedule item that authorises the disposal, e.g. "
                    "GRS 5.2 item 020 or N1-065-10-1/2."
                )
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the item is disposed of now.")})
    family = _lock_family(item)
    item = family[item.pk]
    if item.office_id != actor.office_id:
        # Field offices act on their own records only; another office's officer cannot dispose.
        raise PermissionDenied(_("Only a records officer of the owning office disposes of it."))
    if item.disposed_at is not None:
        raise ValidationError(_("The item has already been disposed of."))
    if item.legal_hold:
        # 44 U.S.C. 3106 and discovery duties: nothing under a hold is destroyed.
        raise ValidationError(_("The item is under a legal hold and cannot be disposed of."))
    # The original and its copies carry the same content: a hold on any of them protects it.
    if any(member.legal_hold for member in family.values()):
        raise ValidationError(_("A related copy is under a legal hold; nothing is disposed of."))
    now = timezone.now()
    item.disposed_at = now
    item.disposal_schedule_item = schedule_item
    item.save(update_fields=["disposed_at", "disposal_schedule_item"])
    # The working copy and redacted copies carry the same content: disposing of the original
    # disposes of them too, each with its own custody and audit record (C-37), so no copy
    # keeps releasing what the schedule says is gone.
    copies = [
        family[pk] for pk in _descendant_ids(family, item.pk) if family[pk].disposed_at is None
    ]
    for copy in copies:
        copy.disposed_at = now
        copy.disposal_schedule_item = schedule_item
        copy.save(update_fields=["disposed_at", "disposal_schedule_item"])
        custody_record(
            item=copy,
            action=CustodyEvent.Action.DISPOSED,
            actor=actor,
            sha256_seen=copy.blob.sha256,
            reason=f"{schedule_item}: with item {item.pk}: {reason.strip()}",
        )
        audit_record(
            actor=actor,
            verb="evidence.dispose",
            target=copy,
            reason=reason,
            data={"schedule_item": schedule_item, "sha256": copy.blob.sha256, "parent": item.pk},
        )
    event = custody_record(
        item=item,
        action=CustodyEvent.Action.DISPOSED,
        actor=actor,
        sha256_seen=item.blob.sha256,
        reason=f"{schedule_item}: {reason.strip()}",
    )
    audit_record(
        actor=actor,
        verb="evidence.dispose",
        target=item,
        reason=reason,
        data={"schedule_item": schedule_item, "sha256": item.blob.sha256},
    )
    return event
