"""Every write to the evidence locker: ingest, custody events, transfers, derivatives.

Each function runs in a transaction, writes its custody event(s) and audit event in that
transaction, and schedules background work with ``transaction.on_commit``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Perm, check
from audit.services import audit_record
from evidence import media, refusals, storage
from evidence.models import Blob, CustodyEvent, EvidenceItem
from evidence.sniff import Limits, sniff_and_validate, validate_filename
from evidence.streaming import EvidenceRefused, stream_to_temp

GENESIS = "0" * 64
OCR_KINDS = ("image", "pdf")


def limits() -> Limits:
    """Return the deployment's upload limits."""
    return Limits(max_bytes=settings.EVIDENCE_MAX_BYTES)


# ---------------------------------------------------------------------------------------------
# Custody chain
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Ingest
# ---------------------------------------------------------------------------------------------


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
    key, newly_stored = storage.put(staged.path, staged.sha256)
    try:
        return _register(
            incident=incident,
            key=key,
            sha256=staged.sha256,
            size=staged.size,
            name=name,
            sniffed=sniffed,
            metadata=metadata,
            actor=actor,
            statement=statement,
            source=source,
            location=location,
        )
    except BaseException:
        if newly_stored and not Blob.objects.filter(sha256=staged.sha256).exists():
            # No row points at the bytes we just stored: remove them (the sweep catches a kill).
            with contextlib.suppress(Exception):
                storage.delete_unreferenced(key)
        raise


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
    blob, _ = Blob.objects.get_or_create(sha256=sha256, defaults={"size": size, "storage_key": key})
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


# ---------------------------------------------------------------------------------------------
# Reads that are custody events, transfers, transcripts
# ---------------------------------------------------------------------------------------------


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
def evidence_transfer(
    *, item: EvidenceItem, actor: Any, reason: str, to_user: Any = None, to_place: str = ""
) -> CustodyEvent:
    """Hand an item to a person or place; it stays a custody gap until acknowledged."""
    check(actor, Perm.EVIDENCE_ADD)
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


@transaction.atomic
def evidence_acknowledge(*, transfer: CustodyEvent, actor: Any, location: str = "") -> CustodyEvent:
    """Confirm receipt of a transfer (only the named receiver may, for a person)."""
    if transfer.action != CustodyEvent.Action.TRANSFERRED:
        raise ValidationError("Only a transfer can be acknowledged.")
    if transfer.to_user_id is not None and transfer.to_user_id != actor.pk:
        raise PermissionDenied("Only the named receiver can acknowledge this transfer.")
    if CustodyEvent.objects.filter(acknowledges=transfer).exists():
        raise ValidationError("This transfer was already acknowledged.")
    event = custody_record(
        item=transfer.item,
        action=CustodyEvent.Action.ACKNOWLEDGED,
        actor=actor,
        sha256_seen=transfer.item.blob.sha256,
        reason="Receipt acknowledged.",
        location=location,
        acknowledges=transfer,
    )
    audit_record(actor=actor, verb="evidence.acknowledge", target=transfer.item)
    return event


@transaction.atomic
def evidence_transcript_set(*, item: EvidenceItem, actor: Any, transcript: str) -> EvidenceItem:
    """Save a staff-written transcript for an audio or video item."""
    check(actor, Perm.EVIDENCE_ADD)
    if item.kind not in ("audio", "video"):
        raise ValidationError({"transcript": "Only audio and video items have a transcript."})
    item.transcript = transcript
    item.transcript_machine_made = False
    item.save(update_fields=["transcript", "transcript_machine_made"])
    audit_record(actor=actor, verb="evidence.transcript", target=item)
    item_id = item.pk
    transaction.on_commit(lambda: _feed_exposure_scanner(item_id))
    return item


# ---------------------------------------------------------------------------------------------
# Derivatives: working copy (no EXIF), redactions. The original is never altered.
# ---------------------------------------------------------------------------------------------


def _derive(
    *,
    parent: EvidenceItem,
    data: bytes,
    extension: str,
    mime: str,
    derivation: str,
    detail: dict[str, Any],
    actor: Any,
    reason: str,
) -> EvidenceItem:
    sha256 = hashlib.sha256(data).hexdigest()
    key, _new = storage.put_bytes(data, sha256)
    with transaction.atomic():
        blob, _ = Blob.objects.get_or_create(
            sha256=sha256, defaults={"size": len(data), "storage_key": key}
        )
        stem = parent.original_filename.rsplit(".", 1)[0]
        item = EvidenceItem.objects.create(
            incident=parent.incident,
            office=parent.office,
            blob=blob,
            original_filename=f"{stem}.{derivation}.{extension}",
            kind=parent.kind,
            mime_type=mime,
            extension=extension,
            source=EvidenceItem.Source.DERIVATIVE,
            added_by=actor,
            parent=parent,
            derivation=derivation,
            # What it was made from, by hash, so the derivative can be traced to its original.
            derivation_detail={**detail, "parent_sha256": parent.blob.sha256},
        )
        custody_record(
            item=item,
            action=CustodyEvent.Action.DERIVED,
            actor=actor,
            sha256_seen=sha256,
            reason=reason,
            data={"parent": parent.pk, "parent_sha256": parent.blob.sha256},
        )
        custody_record(
            item=parent,
            action=CustodyEvent.Action.DERIVED,
            actor=actor,
            sha256_seen=parent.blob.sha256,
            reason=f"{derivation} made: item {item.pk}",
        )
        audit_record(actor=actor, verb=f"evidence.{derivation}", target=item, reason=reason)
    return item


def evidence_working_copy(*, item: EvidenceItem) -> EvidenceItem | None:
    """Make the metadata-free working copy of an image once; return it (None if not an image)."""
    if item.kind != "image" or item.parent_id is not None:
        return None
    existing = item.derivatives.filter(derivation=EvidenceItem.Derivation.WORKING_COPY).first()
    if existing is not None:
        return existing  # a task run twice makes one copy
    with tempfile.TemporaryDirectory(dir=storage.staging_dir()) as work:
        target = Path(work) / "working.png"
        with storage.local_copy(item.blob.storage_key) as original:
            media.make_working_copy(original, target)
        data = target.read_bytes()
    return _derive(
        parent=item,
        data=data,
        extension="png",
        mime="image/png",
        derivation=EvidenceItem.Derivation.WORKING_COPY,
        detail={"removed": "EXIF, XMP, ICC and comments"},
        actor=None,
        reason="Working copy without embedded metadata.",
    )


def evidence_redact(
    *,
    item: EvidenceItem,
    actor: Any,
    reason: str,
    boxes: list[list[int]] | None = None,
    pages: list[int] | None = None,
) -> EvidenceItem:
    """Make a redacted copy for release: boxes over an image, or chosen pages of a PDF."""
    check(actor, Perm.EVIDENCE_ADD)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the redacted copy is made."})
    with tempfile.TemporaryDirectory(dir=storage.staging_dir()) as work:
        with storage.local_copy(item.blob.storage_key) as original:
            try:
                if item.kind == "image":
                    if not boxes:
                        raise ValidationError({"boxes": "Draw at least one box."})
                    target = Path(work) / "redacted.png"
                    media.redact_image(original, target, boxes)
                    extension, mime = "png", "image/png"
                    detail: dict[str, Any] = {"boxes": boxes}
                elif item.kind == "pdf":
                    if not pages:
                        raise ValidationError({"pages": "Choose at least one page to keep."})
                    target = Path(work) / "redacted.pdf"
                    media.pdf_select_pages(original, target, pages)
                    extension, mime = "pdf", "application/pdf"
                    detail = {"pages_kept": pages}
                else:
                    raise ValidationError("Only images and PDFs can be redacted here.")
            except media.MediaError as error:
                raise ValidationError(str(error)) from error
        data = target.read_bytes()
    return _derive(
        parent=item,
        data=data,
        extension=extension,
        mime=mime,
        derivation=EvidenceItem.Derivation.REDACTED,
        detail=detail,
        actor=actor,
        reason=reason,
    )


def evidence_ocr(*, item: EvidenceItem) -> EvidenceItem:
    """OCR an image or PDF item into its searchable text (safe to run twice)."""
    from evidence import ocr

    if item.kind not in OCR_KINDS or item.ocr_status == EvidenceItem.OcrStatus.DONE:
        return item
    with storage.local_copy(item.blob.storage_key) as original:
        try:
            result = ocr.ocr_image(original) if item.kind == "image" else ocr.ocr_pdf(original)
        except ocr.OcrError as error:
            with transaction.atomic():
                item.ocr_status = EvidenceItem.OcrStatus.FAILED
                item.ocr_text = ""
                item.save(update_fields=["ocr_status", "ocr_text"])
                audit_record(actor=None, verb="evidence.ocr_failed", target=item, reason=str(error))
            return item
    with transaction.atomic():
        item.ocr_status = EvidenceItem.OcrStatus.DONE
        item.ocr_text = result.text
        item.ocr_language = result.language
        item.ocr_confidence = result.mean_confidence
        item.save(update_fields=["ocr_status", "ocr_text", "ocr_language", "ocr_confidence"])
        audit_record(
            actor=None,
            verb="evidence.ocr",
            target=item,
            data={"language": result.language, "confidence": result.mean_confidence},
        )
        item_id = item.pk
        transaction.on_commit(lambda: _feed_exposure_scanner(item_id))
    return item


def _feed_exposure_scanner(item_id: int) -> None:
    # The exposure scanner (its own app) reads OCR text and transcripts for officers' details.
    try:
        from exposure import tasks as exposure_tasks
    except ImportError:  # pragma: no cover - the exposure app is part of Custos
        return
    exposure_tasks.scan_evidence.enqueue(item_id)


def whisper_model_dir() -> str:
    """Return the configured local faster-whisper model directory ("" when none)."""
    return os.environ.get("CUSTOS_WHISPER_MODEL_DIR", "") or getattr(
        settings, "EVIDENCE_WHISPER_MODEL_DIR", ""
    )


def evidence_transcribe(*, item: EvidenceItem) -> EvidenceItem:
    """Fill an audio item's empty transcript from a local speech-to-text model, if configured.

    No model is ever downloaded: only a directory already on disk is used, and without one
    (or without the faster-whisper package) staff write the transcript themselves.
    """
    model_dir = whisper_model_dir()
    if item.kind not in ("audio", "video") or item.transcript or not model_dir:
        return item
    try:
        from faster_whisper import WhisperModel  # type: ignore[import-not-found]
    except ImportError:
        return item
    if not Path(model_dir).is_dir():
        return item
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", local_files_only=True)
    with storage.local_copy(item.blob.storage_key) as original:
        segments, _info = model.transcribe(str(original))
        text = " ".join(segment.text.strip() for segment in segments).strip()
    with transaction.atomic():
        item.transcript = text
        item.transcript_machine_made = True  # shown as machine-made until staff replace it
        item.save(update_fields=["transcript", "transcript_machine_made"])
        audit_record(
            actor=None, actor_label="speech-to-text", verb="evidence.transcribe", target=item
        )
        item_id = item.pk
        transaction.on_commit(lambda: _feed_exposure_scanner(item_id))
    return item


def evidence_read_bytes(item: EvidenceItem) -> bytes:
    """Return a small item's bytes (tests and previews only; downloads stream)."""
    buffer = io.BytesIO()
    for chunk in storage.iter_chunks(item.blob.storage_key):
        buffer.write(chunk)
    return buffer.getvalue()


__all__ = [
    "EvidenceRefused",
    "custody_record",
    "evidence_access_record",
    "evidence_acknowledge",
    "evidence_ingest",
    "evidence_ocr",
    "evidence_redact",
    "evidence_transcript_set",
    "evidence_transfer",
    "evidence_working_copy",
]
