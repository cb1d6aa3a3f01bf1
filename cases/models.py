"""Cases: incidents grouped for investigation, their tasks and timeline, and shares between
offices. These are federal case records (ARCHITECTURE.md section 1): kept per the records
schedule, never touched by the intelligence purge (legal-controls C-37).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intel.identifiers import Kind, Platform

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_case_reference() -> str:
    return "CASE-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class CaseRecordDeletionRefused(Exception):
    """Case records are disposed of per the records schedule, never by `delete()` (C-14, C-37)."""


class KeptRecord(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        # 44 U.S.C. 3105-3106; 28 CFR 23.20(g)(3): nothing destroyed without authorisation.
        raise CaseRecordDeletionRefused(f"{self._meta.label} is a federal record; not deleted.")


class Case(KeptRecord):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REFERRED = "referred", _("Referred for prosecution")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(max_length=20, unique=True, default=new_case_reference)
    title = models.CharField(max_length=200)
    lead_office = models.ForeignKey(
        "accounts.FieldOffice", on_delete=models.PROTECT, related_name="cases_led"
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    incidents = models.ManyToManyField(
        "incidents.Incident", through="CaseIncident", related_name="cases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "referred", "closed"]), name="case_known_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class CaseIncident(KeptRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="incident_rows")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "incident"], name="case_incident")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class CaseTask(KeptRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class CaseEvent(KeptRecord):
    """One line of a case's timeline (the audit log holds the full, chained record)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    verb = models.CharField(max_length=40)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class CaseShare(KeptRecord):
    """A case shared with another office, with the need-to-know reason (DisclosureRecord too)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="shares")
    office = models.ForeignKey("accounts.FieldOffice", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "office"], name="case_share_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="case_share_reason"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class IncidentIdentifier(KeptRecord):
    """A phone, email, handle, plate or name reported in an incident, stored normalised.

    Part of the case record (what the victim or witness reported), so it lives here and not in
    the intelligence index; link proposals compare it with active subjects' identifiers.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    raw = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, db_index=True)
    # Names only: the last word of `normalized` (intel.identifiers.surname_key), matched exactly
    # through the (kind, surname) index when intel looks for links.
    surname = models.CharField(max_length=300, blank=True, default="")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "kind", "normalized"], name="incident_identifier_unique"
            ),
            # A name without its key would never be linked; other kinds have none.
            models.CheckConstraint(
                condition=(Q(kind="name") & ~Q(surname="")) | (~Q(kind="name") & Q(surname="")),
                name="incident_identifier_surname_for_names",
            ),
        ]
        indexes = [models.Index(fields=["kind", "surname"], name="incident_ident_surname")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"
