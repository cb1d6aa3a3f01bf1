"""The 28 CFR Part 23 intelligence index: subjects, their identifiers, links, review and purge.

Kept apart from case records (ARCHITECTURE.md section 1): nothing in `cases`, `incidents` or
`evidence` points into this app, so purging a subject never touches a federal record.

28 CFR 23.20(b): no model here (or anywhere) has a field for political, religious or social
views, associations or activities; `intel/tests/test_no_protected_fields.py` introspects them all.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intel.identifiers import Kind, Platform

# 28 CFR 23.20(h): retained information is reviewed and validated, or purged, within five years.
# 5 * 365 + 1 days covers the leap day in any five-year span; the database refuses anything longer.
MAX_REVIEW_PERIOD = timedelta(days=5 * 365 + 1)


class RecordDeletionRefused(Exception):
    """Raised by `delete()` on intelligence rows: only `intel.services.purge_approve` removes."""


class NoDeleteModel(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        # 28 CFR 23.20(g)(3): nothing destroyed without authorisation; purge is one service.
        raise RecordDeletionRefused(
            f"{self._meta.label} rows are removed only by intel.services.purge_approve."
        )


class CollectionMethod(models.TextChoices):
    # 28 CFR 23.20(d): lawful methods only; an "other/unknown" value does not exist on purpose.
    OFFICER_OBSERVATION = "officer_observation", _("Officer observation")
    PUBLIC_RECORD = "public_record", _("Public record")
    CONSENSUAL_INTERVIEW = "consensual_interview", _("Consensual interview")
    LEGAL_PROCESS = "legal_process", _("Legal process (warrant, subpoena, court order)")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")


class Sensitivity(models.TextChoices):
    OPEN = "open", _("Open")
    RESTRICTED = "restricted", _("Restricted")


class SourceReliability(models.TextChoices):
    RELIABLE = "reliable", _("Reliable")
    USUALLY_RELIABLE = "usually_reliable", _("Usually reliable")
    UNRELIABLE = "unreliable", _("Unreliable")
    UNKNOWN = "unknown", _("Reliability cannot be judged")


class ContentValidity(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PROBABLE = "probable", _("Probably true")
    DOUBTFUL = "doubtful", _("Doubtful")
    CANNOT_JUDGE = "cannot_judge", _("Cannot be judged")


class Subject(NoDeleteModel):
    """A person of interest (possibly unidentified), entered on reasonable suspicion only."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting reasonable-suspicion approval")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        # 28 CFR 23.20(h): review period over without validation; not searchable, queued to purge.
        EXPIRED = "expired", _("Review expired, queued for purge")

    office = models.ForeignKey(
        "accounts.FieldOffice", on_delete=models.PROTECT, related_name="intel_subjects"
    )
    label = models.CharField(
        max_length=200, help_text=_("A name, or a description such as “driver of plate X”.")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    # 28 CFR 23.20(c): a definable crime; the predicate incident(s) allege an offense.
    incidents = models.ManyToManyField(
        "incidents.Incident", through="SubjectIncident", related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Criminal predicate (28 CFR 23.20(a), (c)): facts, source, date, the offense element.
    predicate_offense = models.ForeignKey(
        "incidents.Offense", on_delete=models.PROTECT, related_name="+"
    )
    predicate_element = models.CharField(max_length=300)
    predicate_facts = models.TextField()
    predicate_source = models.CharField(max_length=300)
    predicate_date = models.DateField()
    collection_method = models.CharField(max_length=24, choices=CollectionMethod.choices)
    process_reference = models.CharField(max_length=200, blank=True)
    # 28 CFR 23.20(g) labels (C-10).
    sensitivity = models.CharField(max_length=12, choices=Sensitivity.choices)
    source_reliability = models.CharField(max_length=20, choices=SourceReliability.choices)
    content_validity = models.CharField(max_length=20, choices=ContentValidity.choices)
    control_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approval = models.OneToOneField(
        "SubjectApproval", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_period = models.DurationField(default=MAX_REVIEW_PERIOD)
    review_due = models.DateTimeField(null=True, blank=True, db_index=True)
    last_validated_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # 28 CFR 23.20(a), (c): no active subject without a reasonable-suspicion approval.
            models.CheckConstraint(
                condition=~Q(status="active") | Q(approval__isnull=False),
                name="intel_subject_active_needs_approval",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(review_due__isnull=False),
                name="intel_subject_active_needs_review_due",
            ),
            # 28 CFR 23.20(h): five years at most.
            models.CheckConstraint(
                condition=Q(review_period__lte=MAX_REVIEW_PERIOD)
                & Q(review_period__gt=timedelta(0)),
                name="intel_subject_review_period_max_5y",
            ),
            # 28 CFR 23.20(d): legal process needs its reference.
            models.CheckConstraint(
                condition=~Q(collection_method="legal_process") | ~Q(process_reference=""),
                name="intel_subject_legal_process_reference",
            ),
            models.CheckConstraint(
                condition=~Q(predicate_facts="")
                & ~Q(predicate_source="")
                & ~Q(predicate_element=""),
                name="intel_subject_predicate_written",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject {self.pk}: {self.label}"


class SubjectIncident(NoDeleteModel):
    """An incident a subject is tied to: the predicate, or a link an analyst confirmed."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="incident_ties")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    via_link = models.ForeignKey(
        "LinkProposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "incident"], name="intel_subject_incident")
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class SubjectApproval(NoDeleteModel):
    """A reasonable-suspicion approver's confirmation (28 CFR 23.20(c))."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    # 28 CFR 23.20(d): the approver attests the information was lawfully obtained.
    lawfully_obtained = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lawfully_obtained=True), name="intel_approval_attests_lawful"
            )
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class SubjectValidation(NoDeleteModel):
    """A periodic review that keeps a subject (28 CFR 23.20(h)): who, when, why, explanation."""

    class Reason(models.TextChoices):
        ACTIVE_INVESTIGATION = "active_investigation", _("Active investigation")
        PRELIMINARY_REVIEW = "preliminary_review", _("Preliminary review in progress")
        STILL_ACTIVE = "still_active", _("Subject believed still active")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="validations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=24, choices=Reason.choices)
    explanation = models.TextField()
    # Legal-controls C-18: validation re-confirms the reasonable-suspicion facts (28 CFR 23.20(h)).
    rs_facts_reconfirmed = models.BooleanField(default=False)
    rs_facts_statement = models.TextField(blank=True)
    previous_due = models.DateTimeField(null=True)
    new_due = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(explanation=""), name="intel_validation_explanation"
            )
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Identifier(NoDeleteModel):
    """A subject's phone, email, handle, plate or name, stored normalised for matching."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    raw = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, db_index=True)
    # Names only: the last word of `normalized` (intel.identifiers.surname_key), matched exactly
    # through the (kind, surname) index instead of scanning every name with a suffix LIKE.
    surname = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "kind", "normalized"], name="intel_identifier_unique"
            ),
            # A name without its key would never be found again; other kinds have none.
            models.CheckConstraint(
                condition=(Q(kind="name") & ~Q(surname="")) | (~Q(kind="name") & Q(surname="")),
                name="intel_identifier_surname_for_names",
            ),
        ]
        indexes = [models.Index(fields=["kind", "surname"], name="intel_ident_surname")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class LinkProposal(NoDeleteModel):
    """Custos noticed a shared normalised identifier; an analyst confirms or rejects it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="links")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    other_subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    normalized = models.CharField(max_length=300)
    evidence = models.TextField(help_text=_("How the identifier appears on each side."))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) ^ Q(other_subject__isnull=False),
                name="intel_link_one_target",
            ),
            models.UniqueConstraint(
                fields=["subject", "incident", "kind", "normalized"],
                name="intel_link_unique_incident",
            ),
            models.UniqueConstraint(
                fields=["subject", "other_subject", "kind", "normalized"],
                name="intel_link_unique_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ControlOfficialNotice(models.Model):
    """A search touched a restricted subject: the searcher saw nothing; the control official is
    told who asked (28 CFR 23.20(g) labels, C-10)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="notices")
    control_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    searcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    context = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class PurgeRequest(models.Model):
    """Two distinct approvers purge a subject (28 CFR 23.20(g)(3), (h)); a tombstone remains."""

    class Status(models.TextChoices):
        AWAITING_SECOND = "awaiting_second", _("Waiting for a second approver")
        DONE = "done", _("Purged")

    # SET_NULL: the request (and its tombstone id) outlives the subject it purged.
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="purge_requests"
    )
    subject_number = models.PositiveIntegerField()
    office = models.ForeignKey("accounts.FieldOffice", on_delete=models.PROTECT, related_name="+")
    tombstone = models.CharField(max_length=40, unique=True)
    schedule_item = models.CharField(max_length=100)
    reason = models.TextField()
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AWAITING_SECOND)
    created_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first_approver=models.F("second_approver")),
                name="intel_purge_two_distinct_approvers",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(second_approver__isnull=False),
                name="intel_purge_done_needs_second",
            ),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class RecipientAgency(models.Model):
    """An agency outside Custos that may receive intelligence (28 CFR 23.20(f))."""

    name = models.CharField(max_length=200, unique=True)
    address = models.CharField(max_length=300)
    is_law_enforcement = models.BooleanField()
    agreement_signed = models.DateField(null=True, blank=True)
    agreement_expires = models.DateField(null=True, blank=True)
    # 28 CFR 23.20(h) (C-09): where corrections and purge notices go; optional, a notice without
    # an address stays open (unsent) on the notices page for the office to deliver another way.
    contact_email = models.EmailField(blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "recipient agencies"

    def __str__(self) -> str:
        return self.name

    def agreement_current(self, on) -> bool:
        return bool(
            self.agreement_signed
            and self.agreement_signed <= on
            and self.agreement_expires
            and on <= self.agreement_expires
        )


class Dissemination(models.Model):
    """A release of intelligence outside Custos, watermarked, with its disclosure record."""

    class Type(models.TextChoices):
        INTELLIGENCE = "intelligence", _("Intelligence to a law-enforcement agency")
        # 28 CFR 23.20(f)(2): the only path to a recipient that is not law enforcement.
        IMMINENT_DANGER = "imminent_danger", _("Imminent-danger assessment")

    agency = models.ForeignKey(RecipientAgency, on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(max_length=200)
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_number = models.PositiveIntegerField()
    office = models.ForeignKey("accounts.FieldOffice", on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=16, choices=Type.choices)
    purpose = models.TextField()
    danger_statement = models.TextField(blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField()
    watermark = models.CharField(max_length=300)
    disclosure = models.ForeignKey(
        "audit.DisclosureRecord", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="imminent_danger")
                | (Q(approved_by__isnull=False) & ~Q(danger_statement="")),
                name="intel_imminent_danger_needs_approval",
            )
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class RecipientNotice(models.Model):
    """A past recipient told of a correction or a purge (28 CFR 23.20(h); legal-controls C-09).

    Kept after a purge, like the disclosure records it derives from: the subject link is set to
    null and the number and tombstone stay. It names what changed (field names), never the
    content itself, so nothing purged survives in it.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        PURGE = "purge", _("Purge")

    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_number = models.PositiveIntegerField()
    tombstone = models.CharField(max_length=40, blank=True)
    office = models.ForeignKey("accounts.FieldOffice", on_delete=models.PROTECT, related_name="+")
    # The earliest release to this recipient: the accounting the notice answers to.
    disclosure = models.ForeignKey(
        "audit.DisclosureRecord", on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.CharField(max_length=200)
    agency_name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        RecipientAgency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    changed_fields = models.JSONField(default=list, blank=True)
    email = models.EmailField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="purge") | ~Q(tombstone=""),
                name="intel_recipient_notice_purge_tombstone",
            ),
            models.CheckConstraint(
                condition=~Q(kind="correction") | ~Q(changed_fields=[]),
                name="intel_recipient_notice_correction_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"
