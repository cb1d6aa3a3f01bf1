"""Ingest: stream an upload to disk, sniff and validate it, store the original write-once."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.permissions import Perm, check
from audit.services import audit_record
from evidence import media, refusals, storage
from evidence.models import CustodyEvent, EvidenceItem
from evidence.services.blobs import blob_claim, store_and_register
from evidence.services.custody import custody_record
from evidence.sniff import Limits, sniff_and_validate, validate_filename
from evidence.streaming import EvidenceRefused, stream_to_temp

OCR_KINDS = ("image", "pdf")


def limits() -> Limits:
    """Return the deployment's upload limits."""
    return Limits(max_bytes=settings.EVIDENCE_MAX_BYTES)


def _file_metadata(path: Path, kind: str) -> dict[str, Any]:
    # Claims made by the file, recorded for the reviewer; never trusted over the statement.
    try:
        if kind == "image":
            return {"image": asdict(media.image_metadata(path))}
        if kind in ("audio", "video"):
            probe = media.av_metadata(path)
            return {"av": asdict(probe)}
    except media.MediaError as error:
        return {"error": str(error)}
    return {}


def evidence_ingest(
    *,
    incident: Any,
    fileobj: BinaryIO | Any,
    filename: str,
    content_type: str | None = None,
    actor: Any,
    collected_by_statement: str = "",
    source: str = EvidenceItem.Source.UPLOAD,
    location: str = "",
) -> EvidenceItem:
    """Stream a file into the locker and record it as evidence on the incident.

    Raises EvidenceRefused (``code``, ``message``) for a file we do not accept; nothing is kept.
    ``actor`` is None only for the public tip form.
    """
    if actor is not None:
        check(actor, Perm.EVIDENCE_ADD)
    elif source != EvidenceItem.Source.PUBLIC_TIP:
        raise PermissionDenied("Only the public tip form adds evidence without a signed-in user.")
    try:
        return _ingest(
            incident=incident,
            fileobj=fileobj,
            filename=filename,
            content_type=content_type,
            actor=actor,
            statement=collected_by_statement,
            source=source,
            location=location,
        )
    except EvidenceRefused as refused:
        # The tipster reads the refusal in the form's language (English or Spanish).
        raise refusals.localize(refused) from None


def _ingest(
    *,
    incident: Any,
    fileobj: Any,
    filename: str,
    content_type: str | None,
    actor: Any,
    statement: str,
    source: str,
    location: str,
) -> EvidenceItem:
    upload_limits = limits()
    name = validate_filename(filename, limits=upload_limits)
    # Bytes go to a private staging file while hashed; on any refusal or error it is deleted.
    staged = stream_to_temp(
        fileobj, directory=storage.staging_dir(), max_bytes=upload_limits.max_bytes
    )
    try:
        sniffed = sniff_and_validate(
            staged.path,
            declared_name=name,
            declared_content_type=content_type,
            limits=upload_limits,
        )
        metadata = _file_metadata(staged.path, sniffed.kind)
    except BaseException:
        staged.path.unlink(missing_ok=True)
        raise
    registration: dict[str, Any] = {
        "incident": incident,
        "sha256": staged.sha256,
        "size": staged.size,
        "name": name,
        "sniffed": sniffed,
        "metadata": metadata,
        "actor": actor,
        "statement": statement,
        "source": source,
        "location": location,
    }
    key = storage.key_for(staged.sha256)
    try:
        # The same bytes may be stored already: then nothing is written to the store at all.
        # The presence check and the rows happen under the per-hash lock (blobs module), so the
        # orphan sweep cannot delete the object between the check and the commit.
        return store_and_register(
            key=key,
            store=lambda: storage.put(staged.path, staged.sha256),
            register=lambda stored_key: _register(key=stored_key, **registration),
            what="the file",
        )
    finally:
        staged.path.unlink(missing_ok=True)  # kept until the bytes were known to be stored


@transaction.atomic
def _register(
    *,
    incident: Any,
    key: str,
    sha256: str,
    size: int,
    name: str,
    sniffed: Any,
    metadata: dict[str, Any],
    actor: Any,
    statement: str,
    source: str,
    location: str,
) -> EvidenceItem:
    blob = blob_claim(sha256=sha256, size=size, key=key)
    item = EvidenceItem.objects.create(
        incident=incident,
        office_id=incident.office_id,
        blob=blob,
        original_filename=name,
        kind=sniffed.kind,
        mime_type=sniffed.mime,
        extension=sniffed.extension,
        source=source,
        collected_by_statement=statement,
        added_by=actor,
        file_metadata=metadata,
        ocr_status=EvidenceItem.OcrStatus.PENDING if sniffed.kind in OCR_KINDS else "",
    )
    label = None if actor is not None else "public tip form"
    custody_record(
        item=item,
        action=CustodyEvent.Action.COLLECTED,
        actor=actor,
        actor_label=label,
        sha256_seen=sha256,
        reason=statement or "Collected by the submitter.",
        location=location,
    )
    custody_record(
        item=item,
        action=CustodyEvent.Action.RECEIVED,
        actor=actor,
        actor_label=label,
        sha256_seen=sha256,
        reason=f"Received into the evidence locker ({source}).",
        data={"size": size, "mime_type": sniffed.mime},
    )
    audit_record(
        actor=actor,
        actor_label=label,
        verb="evidence.ingest",
        target=item,
        data={"incident": incident.pk, "sha256": sha256, "size": size, "kind": sniffed.kind},
    )
    item_id = item.pk
    transaction.on_commit(lambda: _enqueue_derivatives(item_id))
    return item


def _enqueue_derivatives(item_id: int) -> None:
    from evidence import tasks

    tasks.make_derivatives.enqueue(item_id)
