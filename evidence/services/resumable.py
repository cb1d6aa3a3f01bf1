"""Resumable uploads (tus 1.0): bytes arrive in pieces, are staged privately, then ingested.

A field officer on a weak network sends a long video in several requests; each request appends
at the offset the server has recorded, so an interrupted upload resumes where it stopped. When
the last byte arrives the staged file goes through the normal ingest (sniffing, SHA-256,
write-once storage, custody events, audit), exactly as a single upload would.

Staged bytes live in ``<staging>/uploads/<id>.upload``, outside the store, so a partial upload
is never evidence. One request at a time writes to an upload: an exclusive ``flock`` on the
staging file (staging is on the server's own disk) serialises appends, completion and the sweep,
without holding a database transaction open while a body streams in.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, check
from audit.services import audit_record
from evidence import storage
from evidence.models import EvidenceItem, UploadSession
from evidence.services.ingest import evidence_ingest, limits
from evidence.sniff import validate_filename
from evidence.streaming import DEFAULT_CHUNK_SIZE, EvidenceEmpty, EvidenceRefused, EvidenceTooLarge

UPLOAD_LIFETIME = timedelta(hours=24)
# A staging file with no session (its creation rolled back) is removed after this long.
ORPHAN_GRACE_SECONDS = 3600
METADATA_KEYS = ("filename", "filetype", "statement", "location")
# Checked at creation, so a value the columns cannot hold is refused up front (422), not by the
# database when the last piece arrives (a 500 on PostgreSQL, and the same on every retry).
# The limits are the upload form's (evidence.forms.UploadForm) and the columns': location is
# CustodyEvent.location (200), filetype is at most an EvidenceItem.mime_type (100); the name
# goes through validate_filename as at ingest. "incident" names the incident (id or receipt).
METADATA_MAX_LENGTHS = {"incident": 40, "filetype": 100, "statement": 5000, "location": 200}


class Readable(Protocol):
    """A request body (``WSGIRequest``) or any file opened for reading."""

    def read(self, size: int, /) -> bytes: ...


class UploadBusy(Exception):
    """Another request is writing to this upload right now."""


class OffsetMismatch(Exception):
    """The client's offset is not the one the server recorded."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        super().__init__(f"The upload is at offset {expected}.")


class UploadOverflow(Exception):
    """The request would write past the length declared at creation."""


class TooManyUploads(Exception):
    """The user already has as many open uploads as the deployment allows."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"At most {limit} uploads may be open at once.")


def max_open_uploads() -> int:
    """Return how many incomplete, unexpired uploads one user may have (CUSTOS_MAX_OPEN_UPLOADS)."""
    return int(settings.CUSTOS_MAX_OPEN_UPLOADS)


def metadata_clean(metadata: dict[str, str]) -> dict[str, str]:
    """Return the upload's metadata as it will be used, or raise ValidationError per field.

    The rules of the form and the streamed upload: text is trimmed, has no NUL character (which
    PostgreSQL cannot store) and fits its column; the file name is validated as at ingest.
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for key, limit in METADATA_MAX_LENGTHS.items():
        value = (metadata.get(key) or "").strip()
        if "\x00" in value:
            errors[key] = [_("%(field)s contains a NUL character.") % {"field": key}]
        elif len(value) > limit:
            errors[key] = [
                _("%(field)s is longer than %(limit)s characters (it has %(length)s).")
                % {"field": key, "limit": limit, "length": len(value)}
            ]
        elif value and key != "incident":
            clean[key] = value
    if errors:
        raise ValidationError(errors)
    clean["filename"] = validate_filename(metadata.get("filename") or "", limits=limits())
    return clean


def uploads_dir() -> Path:
    """Return the private directory of staged resumable uploads."""
    path = storage.staging_dir() / "uploads"
    path.mkdir(exist_ok=True, mode=0o700)
    return path


def staging_path(upload: UploadSession) -> Path:
    """Return where an upload's bytes are staged."""
    return uploads_dir() / f"{upload.pk}.upload"


def expiry_cutoff() -> Any:
    """Return the creation time before which an upload has expired."""
    return timezone.now() - UPLOAD_LIFETIME


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    """Open the staging file (creating it empty) and hold its exclusive lock, or UploadBusy."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadBusy from None
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


@transaction.atomic
def upload_create(
    *, user: Any, incident: Any, length: int, metadata: dict[str, str]
) -> UploadSession:
    """Open a resumable upload of ``length`` bytes to an incident the caller may add evidence to.

    Refuses at once what the ingest would refuse at the end for its size or name, so nobody
    sends two gigabytes to hear that the name has a slash in it.
    """
    check(user, Perm.EVIDENCE_ADD)
    if length > limits().max_bytes:
        raise EvidenceTooLarge(message="The file is larger than the upload limit.")
    if length <= 0:
        raise EvidenceEmpty(message="The file is empty (0 bytes).")
    clean = metadata_clean(metadata)
    # Staged bytes fill the server's own disk: cap the open uploads per user. The user's row is
    # locked so two creations at once cannot both pass the count.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    limit = max_open_uploads()
    open_uploads = UploadSession.objects.filter(
        user=user, evidence_item__isnull=True, created_at__gte=expiry_cutoff()
    )
    if open_uploads.count() >= limit:
        raise TooManyUploads(limit)
    upload = UploadSession.objects.create(
        user=user, incident=incident, length=length, metadata=clean
    )
    audit_record(
        actor=user,
        verb="evidence.upload_create",
        target=upload,
        data={"incident": incident.pk, "length": length, "filename": clean["filename"]},
    )
    return upload


def upload_append(
    *, upload: UploadSession, user: Any, offset: int, body: Readable, content_length: int
) -> UploadSession:
    """Append a request body at ``offset``; ingest the file when its last byte has arrived.

    Raises UploadBusy, OffsetMismatch (the client must ask for the offset again), UploadOverflow,
    EvidenceRefused from the ingest (the upload is then discarded) or Http404 if it is gone.
    """
    check(user, Perm.EVIDENCE_ADD)
    path = staging_path(upload)
    with _locked(path) as fd:
        # Under the lock: another request (or the sweep) may have moved the upload on.
        current = UploadSession.objects.filter(pk=upload.pk, user=user).first()
        if current is None:
            path.unlink(missing_ok=True)  # the lock's open may have made it again: no upload
            raise Http404("No such upload.")
        upload = current
        if offset != upload.offset:
            raise OffsetMismatch(upload.offset)
        if offset + content_length > upload.length:
            raise UploadOverflow
        if upload.evidence_item_id is not None:
            path.unlink(missing_ok=True)  # complete: the lock's open made an empty file again
            return upload
        if os.fstat(fd).st_size < offset:
            # The staged bytes were lost (a cleaned disk): the upload cannot be resumed.
            _discard(upload, path)
            raise Http404("No such upload.")
        written = _write_at(fd, offset, body, content_length)
        if offset + written == upload.length:
            # The offset reaches the end only with the item: if the ingest fails for a reason
            # of ours (the store is down), the client's retry of the last piece retries it.
            _complete(upload, user, path)
        elif written:
            upload.offset = offset + written
            upload.save(update_fields=["offset", "updated_at"])
    return upload


def _write_at(fd: int, offset: int, body: Readable, count: int) -> int:
    """Write up to ``count`` bytes of ``body`` at ``offset``, flushed to disk; return how many.

    A client that drops mid-request keeps what arrived (tus: the server should store as much as
    it received), so the next request resumes from there instead of from the last chunk.
    """
    # Bytes past the recorded offset belong to a request that died before recording them.
    os.ftruncate(fd, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    written = 0
    while written < count:
        try:
            chunk = body.read(min(DEFAULT_CHUNK_SIZE, count - written))
        except (OSError, ValueError, EOFError, ConnectionError):
            break  # the client went away; keep what arrived
        if not chunk:
            break
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view) :]
        written += len(chunk)
    # Durable before the offset says so: a crash must never leave the offset ahead of the bytes.
    os.fsync(fd)
    return written


def _complete(upload: UploadSession, user: Any, path: Path) -> None:
    """Ingest the staged file as one piece of evidence (called holding the staging lock)."""
    from evidence.selectors import incident_for_upload

    # The scope is checked again: the user may have moved office since the upload began.
    incident = incident_for_upload(user=user, incident=str(upload.incident_id))
    metadata = upload.metadata
    try:
        with open(path, "rb") as staged:
            # FRE 901 / chain of custody: the SHA-256 is computed by the normal ingest, from the
            # assembled file, and recorded in the COLLECTED and RECEIVED custody events.
            item = evidence_ingest(
                incident=incident,
                fileobj=staged,
                filename=metadata.get("filename", ""),
                content_type=metadata.get("filetype") or None,
                actor=user,
                collected_by_statement=metadata.get("statement", ""),
                source=EvidenceItem.Source.API,
                location=metadata.get("location", ""),
            )
    except EvidenceRefused as refused:
        # Nothing is kept of a refused file: no item, no stored bytes, no staged bytes.
        _discard(upload, path, refused=refused)
        raise
    with transaction.atomic():
        upload.offset, upload.evidence_item = upload.length, item
        upload.save(update_fields=["offset", "evidence_item", "updated_at"])
        audit_record(
            actor=user,
            verb="evidence.upload_complete",
            target=upload,
            data={"item": item.pk, "sha256": item.blob.sha256, "length": upload.length},
        )
    path.unlink(missing_ok=True)


def _discard(upload: UploadSession, path: Path, *, refused: EvidenceRefused | None = None) -> None:
    with transaction.atomic():
        if refused is not None:
            audit_record(
                actor=upload.user,
                verb="evidence.upload_refused",
                target=upload,
                data={"code": refused.code, "length": upload.length},
            )
        UploadSession.objects.filter(pk=upload.pk).delete()
    path.unlink(missing_ok=True)


def upload_sweep_expired() -> int:
    """Remove expired uploads and their staged bytes, and staged files with no upload."""
    removed = 0
    for upload in UploadSession.objects.filter(created_at__lt=expiry_cutoff()).select_related(
        "user"
    ):
        path = staging_path(upload)
        try:
            with _locked(path):
                UploadSession.objects.filter(pk=upload.pk).delete()
                path.unlink(missing_ok=True)
        except UploadBusy:
            continue  # a request is writing to it at this moment: the next sweep removes it
        removed += 1
    live = {str(pk) for pk in UploadSession.objects.values_list("pk", flat=True)}
    cutoff = timezone.now().timestamp() - ORPHAN_GRACE_SECONDS
    for path in uploads_dir().glob("*.upload"):
        with contextlib.suppress(FileNotFoundError):
            if path.stem not in live and path.stat().st_mtime < cutoff:
                path.unlink()
    return removed
