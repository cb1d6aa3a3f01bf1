"""Incidents: what happened to whom, the conduct observed, and the offenses alleged.

No field here holds race, ethnicity, religion, political views or associations (28 CFR 23.20(b);
legal-controls C-02, C-33). A physical description of a specific suspect is free text on its own
incident only, never filtered or searched across incidents.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.screening import Outcome

# Crockford base32 without look-alike letters: receipts are read aloud over the phone.
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """Return a random receipt number; random so it reveals nothing about volume."""
    return "CST-" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(10))


class Offense(models.Model):
    """A federal offense with its elements (reference data, loaded by a data migration)."""

    code = models.CharField(max_length=40, unique=True)  # "18 U.S.C. 875(c)"
    title = models.CharField(max_length=200)
    elements = models.JSONField(default=list)  # ordered list of element texts
    nibrs_code = models.CharField(max_length=8)  # "13A", "13C", "290"…

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Incident(models.Model):
    class Channel(models.TextChoices):
        FIELD_REPORT = "field_report", _("Field report")
        PHONE_TIP = "phone_tip", _("Phone tip")
        PUBLIC_TIP = "public_tip", _("Public tip")
        AGENCY_REFERRAL = "agency_referral", _("Referral from another agency")
        EXPOSURE_ALERT = "exposure_alert", _("Exposure alert")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SCREENING = "screening", _("Screening")
        NEEDS_REVIEW = "needs_review", _("Needs supervisor review")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class ScreeningOutcome(models.TextChoices):
        NONE = "", _("Not screened")
        PROTECTED_ONLY = Outcome.PROTECTED_ONLY, _("Protected activity only")
        NEEDS_REVIEW = Outcome.NEEDS_REVIEW, _("Needs review")
        ELIGIBLE = Outcome.ELIGIBLE, _("Eligible")

    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    office = models.ForeignKey(
        "accounts.FieldOffice", on_delete=models.PROTECT, related_name="incidents"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    screening_outcome = models.CharField(
        max_length=20, choices=ScreeningOutcome.choices, default="", blank=True
    )
    screening_reasons = models.JSONField(default=list, blank=True)
    # Conduct codes from incidents.screening (a fixed list, never inferred from prose).
    conduct = models.JSONField(default=list)
    offenses = models.ManyToManyField(Offense, blank=True, related_name="incidents")
    narrative = models.TextField(blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    location_text = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # C-33: a description of a specific suspect, on this incident only (never searchable).
    suspect_description = models.TextField(blank=True)
    # The reporter's own contact (phone tips, public tips), optional.
    reporter_name = models.CharField(max_length=120, blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    reporter_email = models.EmailField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Protected-activity-only incidents are purged after a short period (C-30, "discarded per
    # policy"; CUSTOS_PROTECTED_ONLY_PURGE_DAYS, default 90).
    purge_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    channel__in=[
                        "field_report",
                        "phone_tip",
                        "public_tip",
                        "agency_referral",
                        "exposure_alert",
                    ]
                ),
                name="incident_known_channel",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "screening", "needs_review", "open", "closed"]),
                name="incident_known_status",
            ),
            # C-30: a protected-activity-only incident is closed and keeps no suspect details.
            models.CheckConstraint(
                condition=~Q(screening_outcome="protected_only")
                | (Q(status="closed") & Q(suspect_description="")),
                name="incident_protected_only_closed_and_bare",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_protected_only(self) -> bool:
        return self.screening_outcome == Outcome.PROTECTED_ONLY


class Victim(models.Model):
    """An officer, a family member or another person the conduct was aimed at."""

    class Relation(models.TextChoices):
        OFFICER = "officer", _("Officer")
        FAMILY = "family", _("Family member of an officer")
        EMPLOYEE = "employee", _("Other employee")
        OTHER = "other", _("Other")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="victims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="victim_of",
    )
    name = models.CharField(max_length=120, blank=True)
    relation = models.CharField(max_length=20, choices=Relation.choices)

    def __str__(self) -> str:
        return self.name or str(self.user or "")


class IncidentShare(models.Model):
    """An incident shared with another office: explicit, need-to-know, logged (cases app)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="shares")
    office = models.ForeignKey(
        "accounts.FieldOffice", on_delete=models.PROTECT, related_name="incidents_shared_in"
    )
    reason = models.TextField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "office"], name="incident_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident} shared with {self.office}"


class Notice(models.Model):
    """An in-app notice for one user; like the email, it carries a link, not the narrative."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    message = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message
