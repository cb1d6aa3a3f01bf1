"""Evidence API: upload (multipart, the raw body streamed, or resumable over tus: evidence/tus.py),
read items and their custody, set or lift a legal hold and dispose of an item under the records
schedule (C-37)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.permissions import Perm
from custos.api import refuse_read_only
from evidence import disposal, selectors, services, tus
from evidence.models import EvidenceItem
from evidence.streaming import EvidenceRefused

router = Router(tags=["evidence"])
router_prefix = "/evidence"
router.add_router("/uploads", tus.router)


class CustodyOut(Schema):
    sequence: int
    action: str
    actor: str
    at: datetime
    location: str
    reason: str
    sha256_seen: str


class ItemOut(Schema):
    id: int
    incident: str
    original_filename: str
    sha256: str
    size: int
    kind: str
    mime_type: str
    source: str
    collected_by_statement: str
    file_metadata: dict[str, Any]
    ocr_status: str
    ocr_text: str
    transcript: str
    parent: int | None
    derivation: str
    legal_hold: bool
    legal_hold_reason: str
    disposed_at: datetime | None
    disposal_schedule_item: str


def _out(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "incident": item.incident.reference,
        "original_filename": item.original_filename,
        "sha256": item.blob.sha256,
        "size": item.blob.size,
        "kind": item.kind,
        "mime_type": item.mime_type,
        "source": item.source,
        "collected_by_statement": item.collected_by_statement,
        "file_metadata": item.file_metadata,
        "ocr_status": item.ocr_status,
        "ocr_text": item.ocr_text,
        "transcript": item.transcript,
        "parent": item.parent_id,
        "derivation": item.derivation,
        "legal_hold": item.legal_hold,
        "legal_hold_reason": item.legal_hold_reason,
        "disposed_at": item.disposed_at,
        "disposal_schedule_item": item.disposal_schedule_item,
    }


def _refused(refused: EvidenceRefused) -> ValidationError:
    # A refusal is the client's input: 422 with a stable code and the message to show.
    return ValidationError({"file": [f"{refused.code}: {refused.message}"]})


def _incident_for_upload(request: HttpRequest, incident_id: int) -> Any:
    from incidents.selectors import incident_get_for_user

    refuse_read_only(request)
    return incident_get_for_user(incident_id=incident_id, user=request.user, audit=False)


@router.post("", response={201: ItemOut})
def evidence_upload(
    request: HttpRequest,
    incident_id: Form[int],
    file: File[UploadedFile],
    collected_by_statement: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Add a file (multipart form) to an incident's evidence."""
    incident = _incident_for_upload(request, incident_id)
    try:
        item = services.evidence_ingest(
            incident=incident,
            fileobj=file,
            filename=file.name or "",
            content_type=file.content_type,
            actor=request.user,
            collected_by_statement=collected_by_statement,
            source=EvidenceItem.Source.API,
        )
    except EvidenceRefused as refused:
        raise _refused(refused) from None
    return Status(201, _out(item))


@router.put("/stream", response={201: ItemOut})
def evidence_upload_stream(
    request: HttpRequest, incident_id: int, filename: str, collected_by_statement: str = ""
) -> Status[dict[str, Any]]:
    """Add a file sent as the raw request body (streamed to storage, never held in memory)."""
    incident = _incident_for_upload(request, incident_id)
    try:
        item = services.evidence_ingest(
            incident=incident,
            fileobj=request,  # WSGIRequest.read() streams the body from the socket
            filename=filename,
            content_type=request.content_type,
            actor=request.user,
            collected_by_statement=collected_by_statement,
            source=EvidenceItem.Source.API,
        )
    except EvidenceRefused as refused:
        raise _refused(refused) from None
    return Status(201, _out(item))


@router.get("/{int:item_id}", response=ItemOut)
def evidence_get(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """Return one item (the read is a custody event and an audit event)."""
    return _out(selectors.evidence_get_for_user(item_id=item_id, user=request.user))


@router.get("/{int:item_id}/custody", response=list[CustodyOut])
def evidence_custody(request: HttpRequest, item_id: int) -> list[dict[str, Any]]:
    """Return the item's chain of custody."""
    item = selectors.evidence_get_for_user(item_id=item_id, user=request.user)
    return [
        {
            "sequence": event.sequence,
            "action": event.action,
            "actor": event.actor_label,
            "at": event.at,
            "location": event.location,
            "reason": event.reason,
            "sha256_seen": event.sha256_seen,
        }
        for event in item.custody.order_by("sequence")
    ]


class LegalHoldIn(Schema):
    hold: bool
    reason: str = ""


class DisposeIn(Schema):
    schedule_item: str = ""
    reason: str = ""


def _item_to_dispose(request: HttpRequest, item_id: int) -> EvidenceItem:
    # Read-only roles first (403), then 404 out of scope (as for a missing item), then 403
    # without the capability; the service checks the owning office again under its row lock.
    refuse_read_only(request)
    return selectors.evidence_get_for_action(
        item_id=item_id, user=request.user, perm=Perm.EVIDENCE_DISPOSE
    )


@router.post("/{int:item_id}/legal-hold", response=ItemOut, url_name="evidence_legal_hold")
def evidence_legal_hold_set(
    request: HttpRequest, item_id: int, payload: LegalHoldIn
) -> dict[str, Any]:
    """Set (hold: true) or lift (hold: false) a legal hold; a reason is required (C-37)."""
    item = _item_to_dispose(request, item_id)
    item = disposal.evidence_legal_hold(
        item=item, actor=request.user, hold=payload.hold, reason=payload.reason
    )
    return _out(item)


@router.post("/{int:item_id}/dispose", response=ItemOut, url_name="evidence_dispose")
def evidence_dispose(request: HttpRequest, item_id: int, payload: DisposeIn) -> dict[str, Any]:
    """Dispose of an item under a records-schedule item; refused under a legal hold (C-37)."""
    item = _item_to_dispose(request, item_id)
    disposal.evidence_dispose(
        item=item, actor=request.user, schedule_item=payload.schedule_item, reason=payload.reason
    )
    item.refresh_from_db()
    return _out(item)
