"""Two-approver purge of a subject from the intelligence index (28 CFR 23.20(g)(3), (h))."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, check
from audit.services import audit_record
from intel.models import (
    ControlOfficialNotice,
    Identifier,
    LinkProposal,
    PurgeRequest,
    Subject,
    SubjectApproval,
    SubjectIncident,
    SubjectValidation,
)
from intel.services.notices import recipients_advise
from intel.services.subjects import _require_same_office


def _require_intel_record(record: Any) -> Subject:
    # Legal-controls C-37 / 44 U.S.C. 3105: the purge touches only the intelligence index.
    if not isinstance(record, Subject):
        raise TypeError(
            "The purge touches only the intelligence index (intel.Subject); "
            f"{type(record).__name__} is a case record kept per the records schedule."
        )
    return record


@transaction.atomic
def purge_request(*, record: Any, approver: Any, schedule_item: str, reason: str) -> PurgeRequest:
    """Start a purge of a subject: the first of two distinct approvers."""
    subject = _require_intel_record(record)
    check(approver, Perm.PURGE_APPROVE)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    _require_same_office(subject, approver)
    if subject.legal_hold:
        raise ValidationError(_("The subject is under legal hold and cannot be purged."))
    errors = {}
    if not schedule_item.strip():
        errors["schedule_item"] = [_("Name the records schedule item.")]
    if not reason.strip():
        errors["reason"] = [_("Write the reason for the purge.")]
    if errors:
        raise ValidationError(errors)
    if subject.purge_requests.filter(status=PurgeRequest.Status.AWAITING_SECOND).exists():
        raise ValidationError(_("A purge of this subject is already waiting for approval."))
    request = PurgeRequest.objects.create(
        subject=subject,
        subject_number=subject.pk,
        office_id=subject.office_id,
        tombstone=f"tomb-{uuid.uuid4().hex}",
        schedule_item=schedule_item.strip(),
        reason=reason.strip(),
        first_approver=approver,
    )
    audit_record(
        actor=approver,
        verb="purge.request",
        target=subject,
        reason=reason,
        data={"purge_request": request.pk},
    )
    return request


@transaction.atomic
def purge_approve(*, request: PurgeRequest, approver: Any) -> PurgeRequest:
    """Give the second approval and purge the subject, leaving its tombstone id."""
    # 28 CFR 23.20(g)(3): two distinct authorised approvers; legal hold honoured.
    check(approver, Perm.PURGE_APPROVE)
    request = PurgeRequest.objects.select_for_update().get(pk=request.pk)
    if request.office_id != approver.office_id:
        raise PermissionDenied("Only the submitting office approves this purge.")
    if request.status != PurgeRequest.Status.AWAITING_SECOND or request.subject_id is None:
        raise ValidationError(_("This purge is not waiting for approval."))
    if request.first_approver_id == approver.pk:
        raise PermissionDenied(_("A purge needs two different approvers."))
    # Locked: a concurrent release of this subject is either advised or refused (C-09).
    subject = _require_intel_record(Subject.objects.select_for_update().get(pk=request.subject_id))
    if subject.legal_hold:
        raise ValidationError(_("The subject is under legal hold and cannot be purged."))
    request.second_approver = approver
    request.status = PurgeRequest.Status.DONE
    request.purged_at = timezone.now()
    request.save(update_fields=["second_approver", "status", "purged_at"])
    audit_record(
        actor=approver,
        verb="subject.purge",
        target=("intel.subject", request.subject_number),
        reason=request.reason,
        data={
            "tombstone": request.tombstone,
            "schedule_item": request.schedule_item,
            "first_approver": request.first_approver_id,
        },
    )
    # 28 CFR 23.20(h) (C-09): every past recipient is advised of the purge, in this transaction;
    # the notices, like the disclosure records, outlive the subject.
    recipients_advise(subject=subject, actor=approver, kind="purge", tombstone=request.tombstone)
    _purge_rows(subject)
    return request


def _purge_rows(subject: Subject) -> None:
    # Only intel tables. DisclosureRecord rows about the subject stay (5 U.S.C. 552a(c)(2), C-07);
    # Dissemination and PurgeRequest rows keep the number through SET_NULL.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('custos.purge_authorized', 'on', true)")
    Subject.objects.filter(pk=subject.pk).update(
        approval=None, status=Subject.Status.EXPIRED, review_due=subject.review_due
    )
    LinkProposal.objects.filter(Q(subject=subject) | Q(other_subject=subject)).delete()
    for model in (
        SubjectIncident,
        Identifier,
        SubjectValidation,
        SubjectApproval,
        ControlOfficialNotice,
    ):
        model.objects.filter(subject=subject).delete()
    Subject.objects.filter(pk=subject.pk).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('custos.purge_authorized', '', true)")
