"""Fixity: re-hash stored originals, report mismatches and missing objects, alert records officers.

Each check streams the stored object (constant memory) and records a CHECKED custody event on
every item that points at the object, with the hash seen (empty when the object is missing).
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from audit.services import audit_record
from evidence import storage
from evidence.models import Blob, CustodyEvent
from evidence.services import custody_record
from evidence.services.blobs import discard_if_unreferenced

# Every original is re-checked at least once in this period (the scheduled task picks the due).
RECHECK_PERIOD = timedelta(days=90)
ORPHAN_GRACE_SECONDS = 3600


@dataclass
class FixityReport:
    checked: int = 0
    ok: int = 0
    mismatched: list[str] = field(default_factory=list)  # sha256 expected
    missing: list[str] = field(default_factory=list)
    stopped_by_budget: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "ok": self.ok,
            "mismatched": self.mismatched,
            "missing": self.missing,
            "stopped_by_budget": self.stopped_by_budget,
        }


def _rehash(key: str) -> str | None:
    """Return the stored object's SHA-256, or None if it is missing."""
    digest = hashlib.sha256()
    try:
        for chunk in storage.iter_chunks(key):
            digest.update(chunk)
    except storage.StorageError:
        return None
    return digest.hexdigest()


def _alert(blob: Blob, problem: str) -> None:
    offices = set(blob.items.values_list("office_id", flat=True))
    recipients = list(
        User.objects.filter(
            is_active=True, role_grants__role=Role.RECORDS_OFFICER, office_id__in=offices
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if recipients:
        items = ", ".join(str(pk) for pk in blob.items.values_list("pk", flat=True))
        send_mail(
            subject=f"Custos: evidence fixity failure ({problem})",
            message=(
                f"A stored original failed its fixity check: {problem}.\n"
                f"Expected SHA-256: {blob.sha256}\nEvidence items: {items}\n"
                f"Review: {settings.CUSTOS_BASE_URL}/evidence/\n"
            ),
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,
        )


def check_blob(blob: Blob, *, actor: Any = None) -> str:
    """Re-hash one stored object; record the result; return "ok", "mismatch" or "missing"."""
    seen = _rehash(blob.storage_key)
    outcome = "missing" if seen is None else ("ok" if seen == blob.sha256 else "mismatch")
    with transaction.atomic():
        blob.last_checked_at = timezone.now()
        blob.last_check_ok = outcome == "ok"
        blob.save(update_fields=["last_checked_at", "last_check_ok"])
        for item in blob.items.all():
            custody_record(
                item=item,
                action=CustodyEvent.Action.CHECKED,
                actor=actor,
                sha256_seen=seen or "",
                reason=f"Fixity check: {outcome}.",
                data={"expected": blob.sha256, "outcome": outcome},
            )
        audit_record(
            actor=actor,
            actor_label=None if actor is not None else "fixity check",
            verb="evidence.fixity_check",
            target=blob,
            data={"outcome": outcome, "expected": blob.sha256, "seen": seen},
        )
    if outcome != "ok":
        transaction.on_commit(lambda: _alert(blob, outcome))
    return outcome


def fixity_check(
    *,
    actor: Any = None,
    sample: int | None = None,
    time_budget: float | None = None,
    due_only: bool = False,
) -> FixityReport:
    """Re-hash stored originals (all, a random sample, or those due), within a time budget."""
    blobs = Blob.objects.order_by("last_checked_at", "id")
    if due_only:
        cutoff = timezone.now() - RECHECK_PERIOD
        blobs = blobs.filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff))
    ids = list(blobs.values_list("id", flat=True))
    if sample is not None and sample < len(ids):
        ids = random.SystemRandom().sample(ids, sample)
    report = FixityReport()
    # The budget is checked between objects: a check in progress always finishes.
    deadline = time.monotonic() + time_budget if time_budget is not None else None
    for blob_id in ids:
        if deadline is not None and time.monotonic() >= deadline:
            report.stopped_by_budget = True
            break
        blob = Blob.objects.get(pk=blob_id)
        outcome = check_blob(blob, actor=actor)
        report.checked += 1
        if outcome == "ok":
            report.ok += 1
        elif outcome == "mismatch":
            report.mismatched.append(blob.sha256)
        else:
            report.missing.append(blob.sha256)
    return report


def sweep_orphans(*, grace_seconds: int = ORPHAN_GRACE_SECONDS) -> dict[str, int]:
    """Remove stale staging leftovers, expired resumable uploads and unreferenced objects."""
    from evidence.services.resumable import upload_sweep_expired

    partials = storage.remove_stale_partials(older_than_seconds=grace_seconds)
    expired_uploads = upload_sweep_expired()
    known = set(Blob.objects.values_list("storage_key", flat=True))
    orphans = 0
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    for prefix in (storage.ORIGINALS, storage.DERIVATIVES):
        for key in storage.iter_keys(prefix):
            # An object younger than the grace period may belong to an ingest still committing.
            if key in known or storage.modified_at(key) >= cutoff:
                continue
            # The list above is a snapshot: an upload of the same bytes may have registered them
            # since. The delete is decided again under the per-hash lock (services.blobs).
            if discard_if_unreferenced(key=key):
                orphans += 1
    return {"partials": partials, "orphans": orphans, "expired_uploads": expired_uploads}
