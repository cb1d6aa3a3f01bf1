"""BagIt export (RFC 8493) of an incident's or a case's evidence: originals, metadata, custody.

A case's bag holds the evidence of every incident of the case that the exporting user may see
(an incident another office has not shared stays out), in one bag.

The bag holds the stored originals byte for byte, ``metadata.json`` (what each item is, who
collected it, its hash) and ``custody.json`` (every item's custody chain, including this
export), with SHA-256 manifests. Validate it with the Library of Congress tool in full
(``bagit.py --validate DIR``); ``--fast`` only compares sizes and misses an in-place byte change.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import bagit
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Perm, check
from audit.services import audit_record, disclosure_record
from evidence import storage
from evidence.models import CustodyEvent, EvidenceItem
from evidence.services import custody_record


def _safe_name(item: EvidenceItem) -> str:
    # Names were validated at ingest (no separators or control characters); prefix the id and
    # hash so two items with the same name cannot collide inside the bag.
    return f"{item.pk:06d}-{item.blob.sha256[:12]}-{item.original_filename}"


def _copy_checked(item: EvidenceItem, destination: Path) -> None:
    """Copy a stored original into the bag, refusing bytes that no longer match their hash."""
    digest = hashlib.sha256()
    with open(destination, "wb") as out:
        for chunk in storage.iter_chunks(item.blob.storage_key):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != item.blob.sha256:
        # A bag's manifest would otherwise vouch for altered bytes; run `evidence verify`.
        raise storage.StorageError(
            f"Item {item.pk}: the stored original no longer matches its SHA-256; export stopped."
        )


def _custody_json(item: EvidenceItem) -> list[dict[str, Any]]:
    return [
        {
            "sequence": event.sequence,
            "action": event.action,
            "actor": event.actor_label,
            "at": event.at.isoformat(),
            "location": event.location,
            "reason": event.reason,
            "sha256_seen": event.sha256_seen,
            "to_user": event.to_user.get_username() if event.to_user else None,
            "to_place": event.to_place,
            "acknowledges": event.acknowledges.sequence if event.acknowledges else None,
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
        for event in item.custody.select_related("to_user", "acknowledges").order_by("sequence")
    ]


def _scope_json(incident: Any, case: Any) -> dict[str, Any]:
    if case is not None:
        return {"case": case.reference}
    return {"incident": incident.reference}


def evidence_export_bag(
    *,
    incident: Any = None,
    case: Any = None,
    out_dir: str | Path,
    actor: Any,
    recipient: str,
    agency: str,
    purpose: str,
    legal_basis: str,
) -> Path:
    """Write an incident's (or a case's) evidence as a BagIt bag under ``out_dir``.

    Give exactly one of ``incident`` or ``case``; return the bag's path.
    """
    check(actor, Perm.EVIDENCE_EXPORT)
    if (incident is None) == (case is None):
        raise ValueError("Export either one incident or one case.")
    if case is not None:
        from cases.selectors import case_incidents

        # Need-to-know: only the case's incidents this user may see (28 CFR 23.20(e)).
        scope = case_incidents(case=case, user=actor)
        target, reference, label = case, case.reference, f"case {case.reference}"
    else:
        scope = [incident]
        target, reference, label = incident, incident.reference, f"incident {incident.reference}"
    items = list(
        # A disposed item (records schedule, C-37) is no longer released.
        EvidenceItem.objects.filter(
            incident__in=scope, parent__isnull=True, disposed_at__isnull=True
        )
        .select_related("blob", "incident", "added_by")
        .order_by("pk")
    )
    if case is not None and not items:
        raise ValueError(f"Case {case.reference} has no evidence you may export.")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    bag_dir = Path(out_dir) / f"{reference}-{stamp}"
    bag_dir.mkdir(parents=True, exist_ok=False)
    try:
        with transaction.atomic():
            released: dict[str, Any] = {"items": [i.blob.sha256 for i in items]}
            if case is not None:
                released["case"] = case.reference
                released["incidents"] = sorted({i.incident.reference for i in items})
            else:
                released["incident"] = incident.reference
            # 28 CFR 23.20(g) / 5 U.S.C. 552a(c): account for the release in the same transaction.
            disclosure_record(
                released_by=actor,
                recipient=recipient,
                agency=agency,
                purpose=purpose,
                legal_basis=legal_basis,
                released=released,
                target=target,
            )
            for item in items:
                custody_record(
                    item=item,
                    action=CustodyEvent.Action.EXPORTED,
                    actor=actor,
                    sha256_seen=item.blob.sha256,
                    reason=f"BagIt export to {recipient} ({agency}): {purpose}",
                    to_place=f"{recipient}, {agency}",
                )
            audit_record(
                actor=actor, verb="evidence.export", target=target, reason=purpose, data=released
            )
            originals = bag_dir / "originals"
            originals.mkdir()
            metadata = []
            for item in items:
                name = _safe_name(item)
                _copy_checked(item, originals / name)
                metadata.append(
                    {
                        "id": item.pk,
                        "file": f"originals/{name}",
                        "incident": item.incident.reference,
                        "original_filename": item.original_filename,
                        "sha256": item.blob.sha256,
                        "size": item.blob.size,
                        "kind": item.kind,
                        "mime_type": item.mime_type,
                        "source": item.source,
                        "collected_by_statement": item.collected_by_statement,
                        "added_by": item.added_by.get_username() if item.added_by else None,
                        "created_at": item.created_at.isoformat(),
                        "file_metadata": item.file_metadata,
                        "ocr_text": item.ocr_text,
                        "transcript": item.transcript,
                        "transcript_machine_made": item.transcript_machine_made,
                    }
                )
            (bag_dir / "metadata.json").write_text(
                json.dumps({**_scope_json(incident, case), "items": metadata}, indent=2)
            )
            (bag_dir / "custody.json").write_text(
                json.dumps({str(i.pk): _custody_json(i) for i in items}, indent=2)
            )
            bagit.make_bag(
                str(bag_dir),
                bag_info={
                    "Source-Organization": "Custos",
                    "External-Identifier": reference,
                    "External-Description": f"Evidence of {label}",
                    "Bagging-Date": timezone.now().date().isoformat(),
                },
                checksums=["sha256"],
            )
    except BaseException:
        shutil.rmtree(bag_dir, ignore_errors=True)
        raise
    return bag_dir
