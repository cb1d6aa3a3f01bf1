"""The protected roster (encrypted personal values, keyed hashes), exposure alerts and measures.

No field here records political, religious or social views, associations or activities
(28 CFR 23.20(b)); the roster holds only what the scanner needs to recognise a person's
restricted information (18 U.S.C. 119(b)) and who to tell.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exposure.crypto import EncryptedJSONField


class ProtectedPerson(models.Model):
    """A protected person: a member of staff, or a family member linked to one.

    Every personal value is encrypted at rest (field-level Fernet, ``exposure.crypto``).
    """

    roster_id = models.CharField(max_length=64, unique=True)
    office = models.ForeignKey(
        "accounts.FieldOffice", on_delete=models.PROTECT, related_name="protected_people"
    )
    # The staff account this entry belongs to (they see and correct it), if any.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="protected_entry",
    )
    # A family member's officer: alerts about the family member go to that officer.
    linked_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="family"
    )
    relation_to_linked = models.CharField(max_length=40, blank=True)
    full_name = EncryptedJSONField()
    aliases = EncryptedJSONField()
    addresses = EncryptedJSONField()
    phones = EncryptedJSONField()
    emails = EncryptedJSONField()
    plates = EncryptedJSONField()
    relatives = EncryptedJSONField()  # [{"name": ..., "relation": ...}]
    synthetic = models.BooleanField(default=False, help_text=_("Demo or test data."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["roster_id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(linked_to=models.F("pk")), name="exposure_person_not_linked_to_self"
            )
        ]

    def __str__(self) -> str:
        # Never the name: a str() can end up in logs.
        return f"roster entry {self.roster_id}"


class ProtectedValueHash(models.Model):
    """A keyed hash (HMAC-SHA256 under MATCHING_HMAC_KEY) of one normalised roster value."""

    person = models.ForeignKey(ProtectedPerson, on_delete=models.CASCADE, related_name="hashes")
    kind = models.CharField(max_length=16)  # addr, street, phone, email, plate
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "digest"], name="exposure_hash_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} hash of {self.person_id}"


class ExposureAlert(models.Model):
    """One exposure of one protected person by one source (unique per (person, source))."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", _("Closed")

    class SourceType(models.TextChoices):
        TEXT = "text", _("Text typed or pasted by staff")
        EVIDENCE = "evidence", _("Evidence item")
        BULK = "bulk", _("Bulk file")

    person = models.ForeignKey(ProtectedPerson, on_delete=models.PROTECT, related_name="alerts")
    office = models.ForeignKey(
        "accounts.FieldOffice", on_delete=models.PROTECT, related_name="exposure_alerts"
    )
    source_type = models.CharField(max_length=16, choices=SourceType.choices)
    source_key = models.CharField(max_length=128)  # evidence pk, text digest, bulk document id
    source_label = models.CharField(max_length=200)
    identifier_types = models.JSONField(default=list)  # ["address", "phone", ...], never values
    spans = models.JSONField(default=list)
    restricted = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # The incident drafted for restricted information (18 U.S.C. 119), if any.
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exposure_alerts",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source_type", "source_key"], name="exposure_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"exposure alert {self.pk}"


class ProtectiveMeasure(models.Model):
    """A protective step taken on an alert."""

    class Kind(models.TextChoices):
        TAKEDOWN = "takedown", _("Takedown request sent")
        RESIDENCE_CHECK = "residence_check", _("Residence check")
        PATROL = "patrol", _("Local patrol notified")
        OTHER = "other", _("Other")

    alert = models.ForeignKey(ExposureAlert, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on alert {self.alert_id}"


class AlertNotice(models.Model):
    """An in-app notice of an alert for one user (the exposed person, their officer, the unit)."""

    alert = models.ForeignKey(ExposureAlert, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exposure_notices"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="exposure_notice_once")
        ]

    def __str__(self) -> str:
        return f"notice of alert {self.alert_id}"
