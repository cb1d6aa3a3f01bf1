"""Derivatives and transcripts: working copy (no EXIF), redactions, OCR, speech-to-text.

The original is never altered; each derivative records what it was made from.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.permissions import Perm, check
from audit.services import audit_record
from evidence import media, storage
from evidence.models import CustodyEvent, EvidenceItem
from evidence.services.blobs import blob_claim, store_and_register
from evidence.services.custody import (
    custody_record,
    refuse_if_disposed,
    refuse_if_disposed_locked,
)
from evidence.services.ingest import OCR_KINDS


@transaction.atomic
def evidence_transcript_set(*, item: EvidenceItem, actor: Any, transcript: str) -> EvidenceItem:
    """Save a staff-written transcript for an audio or video item."""
    check(actor, Perm.EVIDENCE_ADD)
    refuse_if_disposed(item)
    if item.kind not in ("audio", "video"):
        raise ValidationError({"transcript": "Only audio and video items have a transcript."})
    item.transcript = transcript
    item.transcript_machine_made = False
    item.save(update_fields=["transcript", "transcript_machine_made"])
    audit_record(actor=actor, verb="evidence.transcript", target=item)
    item_id = item.pk
    transaction.on_commit(lambda: _feed_exposure_scanner(item_id))
    return item


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
    rows: dict[str, Any] = {
        "parent": parent,
        "sha256": sha256,
        "size": len(data),
        "extension": extension,
        "mime": mime,
        "derivation": derivation,
        "detail": detail,
        "actor": actor,
        "reason": reason,
    }
    # As at ingest: bytes already stored are reused, and whether they are stored is decided
    # under the per-hash lock, so the orphan sweep cannot remove them before the rows commit.
    return store_and_register(
        key=storage.key_for(sha256, prefix=storage.DERIVATIVES),
        store=lambda: storage.put_bytes(data, sha256),
        register=lambda key: _derive_rows(key=key, **rows),
        what="the derived file",
    )


def _derive_rows(
    *,
    parent: EvidenceItem,
    key: str,
    sha256: str,
    size: int,
    extension: str,
    mime: str,
    derivation: str,
    detail: dict[str, Any],
    actor: Any,
    reason: str,
) -> EvidenceItem:
    with transaction.atomic():
        # C-37: no copy of an item that is disposed of. The parent's row is locked and read again
        # here, before anything is written: evidence_dispose locks the whole family, so a copy
        # started while its original is being disposed of waits for the disposal and is then
        # refused, instead of committing as a copy that is not disposed of. Nothing is written
        # before this raises, and store_and_register removes bytes this call alone stored. A
        # legal hold does not stop a copy (the hold keeps the content; a copy destroys nothing).
        refuse_if_disposed_locked(parent)
        blob = blob_claim(sha256=sha256, size=size, key=key)
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
    if item.kind != "image" or item.parent_id is not None or item.disposed_at is not None:
        return None  # a disposed item gets no new copy (C-37); _derive_rows checks it again
    existing = item.derivatives.filter(derivation=EvidenceItem.Derivation.WORKING_COPY).first()
    if existing is not None:
        return existing  # a task run twice makes one copy
    with tempfile.TemporaryDirectory(prefix="derive-", dir=storage.staging_dir()) as work:
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
    refuse_if_disposed(item)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the redacted copy is made."})
    from pypdf.errors import PdfReadError

    with tempfile.TemporaryDirectory(prefix="derive-", dir=storage.staging_dir()) as work:
        try:
            data, extension, mime, detail = _redacted_bytes(item, Path(work), boxes, pages)
        except storage.StorageError as error:
            # Bad input or a missing file gets a clear error on the form, not a server error.
            raise ValidationError(
                "The stored file could not be read, so no redacted copy was made: %(error)s",
                params={"error": str(error)},
            ) from error
        except PdfReadError as error:
            raise ValidationError(
                "The PDF could not be read, so no redacted copy was made: %(error)s",
                params={"error": str(error)},
            ) from error
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


def _redacted_bytes(
    item: EvidenceItem, work: Path, boxes: list[list[int]] | None, pages: list[int] | None
) -> tuple[bytes, str, str, dict[str, Any]]:
    """Return the redacted bytes, extension, MIME type and what was done."""
    with storage.local_copy(item.blob.storage_key) as original:
        try:
            if item.kind == "image":
                if not boxes:
                    raise ValidationError({"boxes": "Draw at least one box."})
                target = work / "redacted.png"
                media.redact_image(original, target, boxes)
                extension, mime = "png", "image/png"
                detail: dict[str, Any] = {"boxes": boxes}
            elif item.kind == "pdf":
                if not pages:
                    raise ValidationError({"pages": "Choose at least one page to keep."})
                target = work / "redacted.pdf"
                media.pdf_select_pages(original, target, pages)
                extension, mime = "pdf", "application/pdf"
                detail = {"pages_kept": pages}
            else:
                raise ValidationError("Only images and PDFs can be redacted here.")
        except media.MediaError as error:
            raise ValidationError(str(error)) from error
    return target.read_bytes(), extension, mime, detail


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
