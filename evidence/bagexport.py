"""BagIt export (RFC 8493) of an incident's or a case's evidence: originals, metadata, custody.

A case's bag holds the evidence of every incident of the case that the exporting user may see
(an incident another office has not shared stays out), in one bag.

The bag holds the stored originals byte for byte, ``metadata.json`` (what each item is, who
collected it, its hash) and ``custody.json`` (every item's custody chain, including this
export), with SHA-256 manifests. Validate it with the Library of Congress tool in full
(``bagit.py --validate DIR``); ``--fast`` only compares sizes and misses an in-place byte change.

Two phases, so that copying gigabytes never holds a lock (on SQLite the write lock is the whole
database's):

1. outside any transaction, every original is copied into the bag and hashed as it is copied;
   bytes that no longer match their SHA-256 stop the export;
2. one short transaction locks the items, re-checks them (still there, not disposed of, same
   stored original, same incident, an incident the exporter may still see), records the
   release (DisclosureRecord, an "exported" custody event per item, the audit event) and
   writes the small files: metadata, custody (which must include the events just recorded)
   and the BagIt tag files, all from the rows read under the lock.

If the re-check finds a change, nothing is recorded and the bag directory is removed. The bag's
manifests are written here from the hashes taken during the copy, rather than by
``bagit.make_bag``, which would read every original a second time (and changes the process's
working directory while it does).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, check
from audit.services import audit_record, disclosure_record
from evidence import storage
from evidence.models import CustodyEvent, EvidenceItem
from evidence.services import custody_record

BAGIT_VERSION = "1.0"


class ExportConflict(ValueError):
    """An item changed between the copy and the release; nothing was released."""


def _safe_name(item: EvidenceItem) -> str:
    # Names were validated at ingest (no separators or control characters); prefix the id and
    # hash so two items with the same name cannot collide inside the bag. RFC 8493 wants "%" in
    # a manifest path percent-encoded, which bagit.py does not decode: keep it out of the name
    # (metadata.json keeps the name as collected).
    return f"{item.pk:06d}-{item.blob.sha256[:12]}-{item.original_filename.replace('%', '_')}"


def _copy_checked(item: EvidenceItem, destination: Path) -> int:
    """Copy a stored original into the bag, refusing bytes that no longer match their hash.

    Return the number of bytes copied.
    """
    digest = hashlib.sha256()
    size = 0
    with open(destination, "wb") as out:
        for chunk in storage.iter_chunks(item.blob.storage_key):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if digest.hexdigest() != item.blob.sha256:
        # A bag's manifest would otherwise vouch for altered bytes; run `evidence verify`.
        raise storage.StorageError(
            f"Item {item.pk}: the stored original no longer matches its SHA-256; export stopped."
        )
    return size


def _recheck(items: list[EvidenceItem], actor: Any) -> list[EvidenceItem]:
    """Lock the items and refuse the release if any changed since its original was copied.

    Return the locked rows, read again, in the order given: what the bag's metadata describes.
    """
    from incidents.selectors import incidents_visible_to

    # Records schedule (C-37): an item disposed of meanwhile is not released. Row locks (on
    # PostgreSQL) keep a disposal or a change from slipping in before this transaction commits.
    current = {
        row.pk: row
        for row in EvidenceItem.objects.select_for_update(of=("self",))
        .select_related("blob", "incident", "added_by")
        .filter(pk__in=[item.pk for item in items])
        .order_by("pk")
    }
    # Need to know (28 CFR 23.20(e)): a share revoked while the originals were being copied
    # takes its incident's evidence out of the release, as if the export had started after it.
    # The shares that let this office see those incidents are locked first, so a revocation
    # from now on waits until the release is recorded: it comes after the release, never
    # between this check and the commit (PostgreSQL; SQLite runs one writer at a time).
    from incidents.models import IncidentShare

    if getattr(actor, "office_id", None) is not None:
        list(
            IncidentShare.objects.select_for_update()
            .filter(
                office_id=actor.office_id,
                incident_id__in={row.incident_id for row in current.values()},
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    visible = set(
        incidents_visible_to(actor)
        .filter(pk__in={row.incident_id for row in current.values()})
        .values_list("pk", flat=True)
    )
    for item in items:
        row = current.get(item.pk)
        if row is None:
            problem = _("Item %(id)s no longer exists.")
        elif row.disposed_at is not None:
            problem = _("Item %(id)s was disposed of under the records schedule.")
        elif row.blob.sha256 != item.blob.sha256:
            problem = _("Item %(id)s now points at another stored original.")
        elif row.incident_id != item.incident_id:
            problem = _("Item %(id)s was moved to another incident.")
        elif row.incident_id not in visible:
            problem = _("Item %(id)s is in an incident you may no longer see.")
        else:
            continue
        raise ExportConflict(
            (problem % {"id": item.pk})
            + " "
            + _("It changed while the bag was being written: nothing was released. Export again.")
        )
    return [current[item.pk] for item in items]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(storage.READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_bag_files(
    bag_dir: Path, payload: list[tuple[str, str, int]], bag_info: dict[str, str]
) -> None:
    """Write bagit.txt, bag-info.txt and the SHA-256 manifests (RFC 8493 sections 2.1-2.2).

    ``payload`` lists (sha256, path relative to the bag, size) for every file under data/.
    """
    payload = sorted(payload, key=lambda entry: entry[1])
    (bag_dir / "bagit.txt").write_text(
        f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
    )
    info = {
        **bag_info,
        "Bag-Software-Agent": "Custos",
        "Payload-Oxum": f"{sum(size for _sha, _path, size in payload)}.{len(payload)}",
    }
    (bag_dir / "bag-info.txt").write_text(
        "".join(f"{label}: {' '.join(value.split())}\n" for label, value in sorted(info.items())),
        encoding="utf-8",
    )
    (bag_dir / "manifest-sha256.txt").write_text(
        "".join(f"{sha}  {path}\n" for sha, path, _size in payload), encoding="utf-8"
    )
    tags = ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")
    (bag_dir / "tagmanifest-sha256.txt").write_text(
        "".join(f"{_sha256_file(bag_dir / name)}  {name}\n" for name in tags), encoding="utf-8"
    )


def _write_json(path: Path, content: Any, payload: list[tuple[str, str, int]], bag: Path) -> None:
    data = json.dumps(content, indent=2).encode()
    path.write_bytes(data)
    payload.append((hashlib.sha256(data).hexdigest(), path.relative_to(bag).as_posix(), len(data)))


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
    if not all(field.strip() for field in (recipient, agency, purpose, legal_basis)):
        # disclosure_record() refuses this too, but only after the copy: fail before it.
        raise ValueError("A disclosure needs a recipient, an agency, a purpose and a legal basis.")
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
        originals = bag_dir / "data" / "originals"
        originals.mkdir(parents=True)
        # Phase 1, no transaction: the long part. Each copy is hashed as it is written, and
        # that hash is the manifest's (it equals the stored SHA-256, or the copy stops).
        payload: list[tuple[str, str, int]] = []
        names: dict[int, str] = {}
        for item in items:
            name = names[item.pk] = _safe_name(item)
            size = _copy_checked(item, originals / name)
            payload.append((item.blob.sha256, f"data/originals/{name}", size))
        # Phase 2, short: re-check, account for the release, write the small files.
        with transaction.atomic():
            # From here on only the locked rows are used: the release, the custody events and
            # metadata.json describe the items as they are when the release is recorded.
            items = _recheck(items, actor)
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
            metadata = [
                {
                    "id": item.pk,
                    "file": f"originals/{names[item.pk]}",  # as copied in phase 1
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
                for item in items
            ]
            data = bag_dir / "data"
            _write_json(
                data / "metadata.json",
                {**_scope_json(incident, case), "items": metadata},
                payload,
                bag_dir,
            )
            # Read inside the transaction: the chains include the events recorded just above.
            custody = {str(item.pk): _custody_json(item) for item in items}
            _write_json(data / "custody.json", custody, payload, bag_dir)
            _write_bag_files(
                bag_dir,
                payload,
                {
                    "Source-Organization": "Custos",
                    "External-Identifier": reference,
                    "External-Description": f"Evidence of {label}",
                    "Bagging-Date": timezone.now().date().isoformat(),
                },
            )
    except BaseException:
        shutil.rmtree(bag_dir, ignore_errors=True)
        raise
    return bag_dir
