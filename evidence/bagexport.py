"""BagIt export (RFC 8493) of an incident's evidence: originals, metadata and custody log.

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


def evidence_export_bag(
    *,
    incident: Any,
    out_dir: str | Path,
    actor: Any,
    recipient: str,
    agency: str,
    purpose: str,
    legal_basis: str,
) -> Path:
    """Write the incident's evidence as a BagIt bag under ``out_dir``; return the bag's path."""
    check(actor, Perm.EVIDENCE_EXPORT)
    items = list(
        EvidenceItem.objects.filter(incident=incident, parent__isnull=True)
        .select_related("blob")
        .order_by("pk")
    )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    bag_dir = Path(out_dir) / f"{incident.reference}-{stamp}"
    bag_dir.mkdir(parents=True, exist_ok=False)
    try:
        with transaction.atomic():
            released = {"incident": incident.reference, "items": [i.blob.sha256 for i in items]}
            # 28 CFR 23.20(g) / 5 U.S.C. 552a(c): account for the release in the same transaction.
            disclosure_record(
                released_by=actor,
                recipient=recipient,
                agency=agency,
                purpose=purpose,
                legal_basis=legal_basis,
                released=released,
                target=incident,
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
                actor=actor, verb="evidence.export", target=incident, reason=purpose, data=released
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
                json.dumps({"incident": incident.reference, "items": metadata}, indent=2)
            )
            (bag_dir / "custody.json").write_text(
                json.dumps({str(i.pk): _custody_json(i) for i in items}, indent=2)
            )
            bagit.make_bag(
                str(bag_dir),
                bag_info={
                    "Source-Organization": "Custos",
                    "External-Identifier": incident.reference,
                    "External-Description": f"Evidence of incident {incident.reference}",
                    "Bagging-Date": timezone.now().date().isoformat(),
                },
                checksums=["sha256"],
            )
    except BaseException:
        shutil.rmtree(bag_dir, ignore_errors=True)
        raise
    return bag_dir
