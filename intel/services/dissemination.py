"""Releases to outside agencies, each with its disclosure accounting (28 CFR 23.20(e), (f))."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, check, has_perm
from accounts.roles import Role
from audit.services import audit_record, disclosure_record
from intel.models import (
    Dissemination,
    RecipientAgency,
    Sensitivity,
    Subject,
)
from intel.services.subjects import _require_same_office


def _watermark(actor: Any, subject: Subject, when: Any) -> str:
    return (
        f"Released by {actor.get_username()} at {when:%Y-%m-%dT%H:%M:%SZ} — subject {subject.pk} — "
        "28 CFR Part 23 criminal intelligence; do not redisseminate without the originator."
    )


def _release(
    *,
    actor: Any,
    agency: RecipientAgency,
    recipient_name: str,
    subject: Subject,
    type: str,
    purpose: str,
    legal_basis: str,
    released: dict[str, Any],
    payload: dict[str, Any],
    watermark: str,
    **extra: Any,
) -> Dissemination:
    # 28 CFR 23.20(g) / 5 U.S.C. 552a(c): the disclosure accounting is written in the release's
    # transaction (callers are atomic), so a release without its accounting cannot exist.
    disclosure = disclosure_record(
        released_by=actor,
        recipient=recipient_name.strip(),
        agency=f"{agency.name}, {agency.address}",
        purpose=purpose,
        legal_basis=legal_basis,
        released=released,
        target=subject,
    )
    return Dissemination.objects.create(
        agency=agency,
        recipient_name=recipient_name.strip(),
        subject=subject,
        subject_number=subject.pk,
        office_id=subject.office_id,
        type=type,
        purpose=purpose,
        released_by=actor,
        payload=payload,
        watermark=watermark,
        disclosure=disclosure,
        **extra,
    )


@transaction.atomic
def agency_register(
    *,
    actor: Any,
    name: str,
    address: str,
    is_law_enforcement: bool,
    agreement_signed: date | None,
    agreement_expires: date | None,
    synthetic: bool = False,
    contact_email: str = "",
) -> RecipientAgency:
    """Add an outside agency to the dissemination registry."""
    check(actor, Perm.DISSEMINATE)
    if not name.strip() or not address.strip():
        raise ValidationError(_("An agency needs a name and an address."))
    if agreement_signed and agreement_expires and agreement_expires < agreement_signed:
        raise ValidationError({"agreement_expires": [_("The agreement expires before it starts.")]})
    contact_email = (contact_email or "").strip()
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ValidationError({"contact_email": [_("Enter a valid email address.")]}) from None
    agency = RecipientAgency.objects.create(
        contact_email=contact_email,
        name=name.strip(),
        address=address.strip(),
        is_law_enforcement=is_law_enforcement,
        agreement_signed=agreement_signed,
        agreement_expires=agreement_expires,
        synthetic=synthetic,
    )
    audit_record(actor=actor, verb="agency.register", target=agency)
    return agency


def _releasable_subject(subject_id: int, actor: Any) -> Subject:
    from django.http import Http404

    from intel.selectors import subjects_visible_to

    # The office scope, not the C-10 page scope: the pages and the API answer 404 first, and
    # here a restricted subject in the actor's office is refused by name below (403).
    try:
        subject = subjects_visible_to(actor).get(pk=subject_id)
    except (Subject.DoesNotExist, ValueError, TypeError):
        raise Http404("No such subject.") from None
    # Lock the row: a release serialises with a correction or purge of the same subject, so a
    # recipient either gets the corrected record or is in the accounting the notices are drawn
    # from (28 CFR 23.20(h), C-09), never neither.
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    # 28 CFR 23.20(e): only the office that owns the record releases it outside; an office that
    # sees it through a shared incident does not re-disseminate it.
    _require_same_office(subject, actor)
    # A restricted subject leaves only by its control official's hand (C-10).
    if subject.sensitivity == Sensitivity.RESTRICTED and actor.pk != subject.control_official_id:
        raise PermissionDenied(_("Only the control official releases a restricted subject."))
    if subject.status != Subject.Status.ACTIVE:
        raise ValidationError(_("Only an active subject can be disseminated."))
    return subject


@transaction.atomic
def disseminate_intelligence(
    *, subject_id: int, actor: Any, agency: RecipientAgency, recipient_name: str, purpose: str
) -> Dissemination:
    """Release a subject's intelligence to a law-enforcement agency with a current agreement."""
    # 28 CFR 23.20(f)(1): only law-enforcement recipients that agree to equivalent procedures.
    check(actor, Perm.DISSEMINATE)
    subject = _releasable_subject(subject_id, actor)
    today = timezone.localdate()
    if not agency.is_law_enforcement:
        raise ValidationError(
            _(
                "This agency is not law enforcement: it can receive only an imminent-danger "
                "assessment."
            )
        )
    if not agency.agreement_current(today):
        raise ValidationError(_("This agency has no current information-sharing agreement."))
    if not recipient_name.strip() or not purpose.strip():
        raise ValidationError(_("Name the recipient and the purpose (need and right to know)."))
    now = timezone.now()
    payload = {
        "subject": subject.pk,
        "label": subject.label,
        "offense": subject.predicate_offense.code,
        "element": subject.predicate_element,
        "facts": subject.predicate_facts,
        "source_reliability": subject.source_reliability,
        "content_validity": subject.content_validity,
        "sensitivity": subject.sensitivity,
        "identifiers": [{"kind": i.kind, "value": i.normalized} for i in subject.identifiers.all()],
        "submitting_office": subject.office.code,
    }
    watermark = _watermark(actor, subject, now)
    return _release(
        actor=actor,
        agency=agency,
        recipient_name=recipient_name,
        subject=subject,
        type=Dissemination.Type.INTELLIGENCE,
        purpose=purpose.strip(),
        legal_basis="28 CFR 23.20(f)(1)",
        released={"type": "intel.subject", "ids": [subject.pk], "fields": sorted(payload)},
        payload=payload | {"watermark": watermark},
        watermark=watermark,
    )


# The only fields an imminent-danger assessment may carry: no raw record, no identifiers.
IMMINENT_DANGER_FIELDS = (
    "template",
    "danger_statement",
    "protective_advice",
    "issued_by_office",
    "watermark",
)


@transaction.atomic
def disseminate_imminent_danger(
    *,
    subject_id: int,
    actor: Any,
    agency: RecipientAgency,
    recipient_name: str,
    danger_statement: str,
    protective_advice: str,
) -> Dissemination:
    """Release a fixed-template imminent-danger assessment (the only path to non-LE recipients)."""
    # 28 CFR 23.20(f)(2): an assessment to avoid imminent danger, approved by a supervisor (the
    # releasing user must hold the supervisor role, and is recorded as the approver).
    check(actor, Perm.DISSEMINATE)
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("An imminent-danger assessment needs a supervisor's approval."))
    subject = _releasable_subject(subject_id, actor)
    if not danger_statement.strip() or not recipient_name.strip():
        raise ValidationError(
            {"danger_statement": [_("State the imminent danger and name the recipient.")]}
        )
    now = timezone.now()
    watermark = _watermark(actor, subject, now)
    payload = {
        "template": "imminent-danger-assessment-v1",
        "danger_statement": danger_statement.strip(),
        "protective_advice": protective_advice.strip(),
        "issued_by_office": subject.office.name,
        "watermark": watermark,
    }
    assert tuple(payload) == IMMINENT_DANGER_FIELDS  # the fixed template
    return _release(
        actor=actor,
        agency=agency,
        recipient_name=recipient_name,
        subject=subject,
        type=Dissemination.Type.IMMINENT_DANGER,
        purpose=danger_statement.strip(),
        legal_basis="28 CFR 23.20(f)(2)",
        released={
            "type": "imminent_danger_assessment",
            "subject": subject.pk,
            "fields": list(IMMINENT_DANGER_FIELDS),
        },
        payload=payload,
        watermark=watermark,
        danger_statement=danger_statement.strip(),
        approved_by=actor,
    )


def can_disseminate(user: Any) -> bool:
    return has_perm(user, Perm.DISSEMINATE)
