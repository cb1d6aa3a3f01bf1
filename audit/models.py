"""The append-only, hash-chained audit log and the disclosure accounting.

28 CFR 23.20(g): audit trails and a record of every dissemination (who, why, when).
5 U.S.C. 552a(c)(1)-(2): the accounting of disclosures is kept at least five years or the life
of the record, whichever is longer, so DisclosureRecord outlives any purge of what it describes.
Both tables refuse UPDATE and DELETE through database triggers (see audit/triggers.py).
"""

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One audited action. Its hash covers the previous event's hash and its own content."""

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A snapshot of who acted, so the record reads the same if the account is later renamed.
    actor_label = models.CharField(max_length=150, blank=True)
    office_code = models.CharField(max_length=16, blank=True)
    verb = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    # A predecessor can be followed once only: two events on one head (a fork) cannot both land.
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb} by {self.actor_label or 'system'}"


class DisclosureRecord(models.Model):
    """One release of information outside its owner: recipient, purpose, basis and what."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.CharField(max_length=200, help_text="Person or unit that received it.")
    agency = models.CharField(max_length=200, help_text="Agency or field office of the recipient.")
    purpose = models.TextField()
    legal_basis = models.CharField(max_length=200)
    released = models.JSONField(help_text="What was released: record types, ids and fields.")
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    audit_event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} to {self.recipient} ({self.agency})"
