"""Evidence: stored bytes (Blob), the items that point at them, and each item's custody chain.

A Blob is one stored object, addressed by its SHA-256; an EvidenceItem is one act of collecting
it (the same bytes uploaded twice are one Blob and two items). Derivatives (working copy,
redaction) are items too, linked to the item they were made from; the original is never
altered. CustodyEvents are append-only and hash-chained per item.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Blob(models.Model):
    """One write-once object in the evidence store, by its full-file SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    storage_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_blob_nonempty"),
        ]

    def __str__(self) -> str:
        return self.sha256[:12]


class EvidenceItem(models.Model):
    """One piece of evidence attached to an incident: who collected it, what it is, metadata."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "Web upload"
        PUBLIC_TIP = "public_tip", "Public tip form"
        API = "api", "API"
        COMMAND_LINE = "cli", "Command line"
        DERIVATIVE = "derivative", "Derived in Custos"

    class Derivation(models.TextChoices):
        ORIGINAL = "", "Original"
        WORKING_COPY = "working_copy", "Working copy (metadata removed)"
        REDACTED = "redacted", "Redacted copy"

    class OcrStatus(models.TextChoices):
        NONE = "", "Not applicable"
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="evidence_items"
    )
    # Copied from the incident: the owning office scopes every read (field offices see their own).
    office = models.ForeignKey("accounts.FieldOffice", on_delete=models.PROTECT, related_name="+")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="items")
    original_filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)  # image, pdf, audio, video, text, email
    mime_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    source = models.CharField(max_length=12, choices=Source.choices)
    collected_by_statement = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What the file says about itself (EXIF, ffprobe): shown, never trusted over the statement.
    file_metadata = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    derivation = models.CharField(max_length=20, choices=Derivation.choices, blank=True)
    derivation_detail = models.JSONField(default=dict, blank=True)
    ocr_status = models.CharField(max_length=10, choices=OcrStatus.choices, blank=True)
    ocr_text = models.TextField(blank=True)
    ocr_language = models.CharField(max_length=3, blank=True)
    ocr_confidence = models.FloatField(null=True, blank=True)
    transcript = models.TextField(blank=True)
    transcript_machine_made = models.BooleanField(default=False)
    # Records schedule (44 U.S.C. 3105-3106; legal-controls C-37): an item under legal hold is
    # never disposed; disposal names the schedule item that authorises it.
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.TextField(blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposal_schedule_item = models.CharField(max_length=100, blank=True)
    # The custody chain is verified up to here: the item page checks only the events after it
    # (each page view appends one, so re-checking the whole chain made every view slower).
    custody_verified_sequence = models.PositiveIntegerField(default=0)
    custody_verified_hash = models.CharField(max_length=64, blank=True)
    custody_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(derivation="") & models.Q(parent__isnull=True))
                | (~models.Q(derivation="") & models.Q(parent__isnull=False)),
                name="evidence_item_derivative_has_parent",
            ),
            # 44 U.S.C. 3106: nothing under a legal hold is disposed of. The services lock the
            # item's family and check first; this is the backstop against any other write.
            models.CheckConstraint(
                condition=models.Q(legal_hold=False) | models.Q(disposed_at__isnull=True),
                name="evidence_item_not_held_and_disposed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.blob.sha256[:12]})"

    @property
    def sha256(self) -> str:
        return self.blob.sha256


class CustodyEvent(models.Model):
    """One link in an item's chain of custody; its hash covers the previous event's hash."""

    class Action(models.TextChoices):
        COLLECTED = "collected", "Collected"
        RECEIVED = "received", "Received"
        VIEWED = "viewed", "Viewed"
        DOWNLOADED = "downloaded", "Downloaded"
        TRANSFERRED = "transferred", "Transferred"
        ACKNOWLEDGED = "acknowledged", "Transfer acknowledged"
        EXPORTED = "exported", "Exported"
        CHECKED = "checked", "Fixity checked"
        DERIVED = "derived", "Derivative made"
        DISPOSED = "disposed", "Disposed"

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    sequence = models.PositiveIntegerField()
    action = models.CharField(max_length=14, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    sha256_seen = models.CharField(max_length=64, blank=True)  # "" when the bytes were missing
    # A transfer names who (or where) receives it; the receiver's acknowledgement points back.
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_place = models.CharField(max_length=200, blank=True)
    acknowledges = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["item_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["item", "sequence"], name="evidence_custody_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.sequence} {self.action}"


class UploadSession(models.Model):
    """A resumable (tus) upload in progress: its bytes wait in private staging until the last one.

    Only its creator may see or continue it; it expires 24 hours after creation (the sweep then
    removes the row and the staged bytes). Once complete it names the item it became, so a client
    that lost the last reply learns the outcome instead of uploading again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    # filename, filetype, statement, location: what the streamed PUT takes as parameters.
    metadata = models.JSONField(default=dict, blank=True)
    evidence_item = models.ForeignKey(
        EvidenceItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(length__gt=0), name="evidence_upload_length_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(offset__gte=0) & models.Q(offset__lte=models.F("length")),
                name="evidence_upload_offset_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"upload {self.pk} ({self.offset}/{self.length})"
