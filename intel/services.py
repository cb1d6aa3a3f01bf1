"""Every write to the intelligence index (28 CFR Part 23), each audited in its transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, check, has_perm
from accounts.roles import Role
from audit.services import audit_record, disclosure_record
from incidents.screening import Outcome
from intel import identifiers as ids
from intel.models import (
    MAX_REVIEW_PERIOD,
    CollectionMethod,
    ContentValidity,
    ControlOfficialNotice,
    Dissemination,
    Identifier,
    LinkProposal,
    PurgeRequest,
    RecipientAgency,
    Sensitivity,
    SourceReliability,
    Subject,
    SubjectApproval,
    SubjectIncident,
    SubjectValidation,
)

# 28 CFR 23.20(h): reminders before the review date, in days.
REMINDER_DAYS = (90, 60, 30)


@dataclass(frozen=True)
class IdentifierInput:
    kind: str
    value: str
    platform: str = ""


def _eligible_incidents(incidents: list[Any]) -> list[Any]:
    # 5 U.S.C. 552a(e)(7): never a subject from protected activity alone; 28 CFR 23.20(c): an
    # incident that alleges an offense.
    return [
        i for i in incidents if i.screening_outcome == Outcome.ELIGIBLE and not i.is_protected_only
    ]


def _identifier_rows(subject: Subject, items: list[IdentifierInput]) -> list[Identifier]:
    rows, errors = [], []
    for item in items:
        try:
            normalized = ids.normalize(item.kind, item.value, item.platform)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        rows.append(
            Identifier(
                subject=subject,
                kind=item.kind,
                platform=item.platform if item.kind == ids.Kind.HANDLE else "",
                raw=item.value.strip(),
                normalized=normalized,
            )
        )
    if errors:
        raise ValidationError({"identifiers": errors})
    return rows


@transaction.atomic
def subject_propose(
    *,
    actor: Any,
    label: str,
    incident_ids: list[int] | None = None,
    case_id: int | None = None,
    predicate_offense_id: int | None,
    predicate_element: str,
    predicate_facts: str,
    predicate_source: str,
    predicate_date: date | None,
    collection_method: str,
    process_reference: str = "",
    sensitivity: str,
    source_reliability: str,
    content_validity: str,
    control_official: Any,
    identifiers: list[IdentifierInput] | None = None,
    review_period: timedelta = MAX_REVIEW_PERIOD,
) -> Subject:
    """Propose a subject from an eligible incident or case that alleges an offense."""
    from cases.selectors import case_get_for_user
    from incidents.selectors import incidents_visible_to

    check(actor, Perm.SUBJECT_PROPOSE)
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    case = case_get_for_user(case_id=case_id, user=actor) if case_id else None
    incidents = list(incidents_visible_to(actor).filter(pk__in=incident_ids or []))
    if len(incidents) != len(set(incident_ids or [])):
        from django.http import Http404

        raise Http404("No such incident.")
    if case is not None:
        incidents += [i for i in case.incidents.all() if i not in incidents]
    eligible = _eligible_incidents(incidents)
    if not incidents:
        err("incidents", _("A subject is proposed from an incident or a case."))
    elif len(eligible) != len(incidents):
        err(
            "incidents",
            _("Only eligible incidents (never protected activity only) can support a subject."),
        )
    alleged = {o.pk: o for i in eligible for o in i.offenses.all()}
    if eligible and not alleged:
        err("incidents", _("The incident or case must allege an offense."))
    offense = alleged.get(predicate_offense_id) if predicate_offense_id else None
    if offense is None:
        err("predicate_offense", _("Choose an offense the incident alleges."))
    elif offense.elements and predicate_element not in offense.elements:
        err("predicate_element", _("Choose an element of the offense the facts support."))
    if not (predicate_element or "").strip():
        err("predicate_element", _("Name the offense element the facts support."))
    if not (predicate_facts or "").strip():
        err("predicate_facts", _("Write the facts that give reasonable suspicion."))
    if not (predicate_source or "").strip():
        err("predicate_source", _("Name the source of the facts."))
    if predicate_date is None:
        err("predicate_date", _("Give the date of the facts."))
    if not (label or "").strip():
        err("label", _("Give a name or a description (for example “driver of plate X”)."))
    if collection_method not in CollectionMethod.values:
        err("collection_method", _("Choose a lawful collection method."))
    if collection_method == CollectionMethod.LEGAL_PROCESS and not process_reference.strip():
        err("process_reference", _("Legal process needs its reference (warrant, subpoena…)."))
    if sensitivity not in Sensitivity.values:
        err("sensitivity", _("Choose a sensitivity."))
    if source_reliability not in SourceReliability.values:
        err("source_reliability", _("Choose the source reliability."))
    if content_validity not in ContentValidity.values:
        err("content_validity", _("Choose the content validity."))
    if control_official is None or control_official.office_id != actor.office_id:
        err("control_official", _("Choose a control official in your office."))
    if not timedelta(0) < review_period <= MAX_REVIEW_PERIOD:
        err("review_period", _("The review period is at most five years."))
    if errors:
        raise ValidationError(errors)
    assert offense is not None and predicate_date is not None  # checked above

    subject = Subject.objects.create(
        office_id=actor.office_id,
        label=label.strip(),
        case=case,
        predicate_offense=offense,
        predicate_element=predicate_element.strip(),
        predicate_facts=predicate_facts.strip(),
        predicate_source=predicate_source.strip(),
        predicate_date=predicate_date,
        collection_method=collection_method,
        process_reference=process_reference.strip(),
        sensitivity=sensitivity,
        source_reliability=source_reliability,
        content_validity=content_validity,
        control_official=control_official,
        submitted_by=actor,
        review_period=review_period,
    )
    SubjectIncident.objects.bulk_create(
        [SubjectIncident(subject=subject, incident=i) for i in eligible]
    )
    Identifier.objects.bulk_create(_identifier_rows(subject, identifiers or []))
    audit_record(
        actor=actor,
        verb="subject.propose",
        target=subject,
        data={"incidents": [i.pk for i in eligible], "case": case.pk if case else None},
    )
    return subject


@transaction.atomic
def subject_identifier_add(*, subject: Subject, actor: Any, item: IdentifierInput) -> Identifier:
    """Add one identifier to a subject and look for links if the subject is active."""
    check(actor, Perm.SUBJECT_PROPOSE)
    _require_same_office(subject, actor)
    (row,) = _identifier_rows(subject, [item])
    if subject.identifiers.filter(kind=row.kind, normalized=row.normalized).exists():
        raise ValidationError({"value": [_("The subject already has this identifier.")]})
    row.save()
    audit_record(
        actor=actor, verb="subject.identifier_add", target=subject, data={"kind": row.kind}
    )
    if subject.status == Subject.Status.ACTIVE:
        links_propose_for_subject(subject=subject)
    return row


def _require_same_office(subject: Subject, actor: Any) -> None:
    # Field offices change only their own records; others see it through shares, read-only.
    if subject.office_id != actor.office_id:
        raise PermissionDenied("Only the submitting office changes this subject.")


@transaction.atomic
def subject_approve(
    *, subject: Subject, approver: Any, reason: str, lawfully_obtained: bool
) -> Subject:
    """Activate a subject after a second person confirms reasonable suspicion."""
    # 28 CFR 23.20(c): an RS approver, not the submitter, confirms; (d): lawfully obtained.
    check(approver, Perm.SUBJECT_APPROVE)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    _require_same_office(subject, approver)
    if approver.pk == subject.submitted_by_id:
        raise PermissionDenied(_("The submitter cannot approve their own subject."))
    if subject.status != Subject.Status.PROPOSED:
        raise ValidationError(_("Only a proposed subject can be approved."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Write why reasonable suspicion exists.")]})
    if not lawfully_obtained:
        raise ValidationError(
            {"lawfully_obtained": [_("Attest that the information was lawfully obtained.")]}
        )
    if not subject.incident_ties.filter(incident__offenses__isnull=False).exists():
        raise ValidationError(_("A subject needs an incident that alleges an offense."))
    approval = SubjectApproval.objects.create(
        subject=subject, approver=approver, reason=reason.strip(), lawfully_obtained=True
    )
    now = timezone.now()
    subject.approval = approval
    subject.status = Subject.Status.ACTIVE
    subject.review_due = now + subject.review_period
    subject.reminders_sent = []
    subject.save(update_fields=["approval", "status", "review_due", "reminders_sent"])
    audit_record(actor=approver, verb="subject.approve", target=subject, reason=reason)
    links_propose_for_subject(subject=subject)
    return subject


@transaction.atomic
def subject_reject(*, subject: Subject, approver: Any, reason: str) -> Subject:
    """Refuse a proposed subject (it stays out of the index and can be purged)."""
    check(approver, Perm.SUBJECT_APPROVE)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    _require_same_office(subject, approver)
    if subject.status != Subject.Status.PROPOSED:
        raise ValidationError(_("Only a proposed subject can be rejected."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Write why.")]})
    subject.status = Subject.Status.REJECTED
    subject.save(update_fields=["status"])
    audit_record(actor=approver, verb="subject.reject", target=subject, reason=reason)
    return subject


@transaction.atomic
def subject_validate(
    *, subject: Subject, reviewer: Any, reason: str, explanation: str
) -> SubjectValidation:
    """Record a periodic review that keeps the subject, and restart its review clock."""
    # 28 CFR 23.20(h): reviewer, date, reason and explanation recorded; 5 years at most.
    check(reviewer, Perm.SUBJECT_VALIDATE)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    _require_same_office(subject, reviewer)
    if subject.status != Subject.Status.ACTIVE:
        raise ValidationError(_("Only an active subject can be validated."))
    errors = {}
    if reason not in SubjectValidation.Reason.values:
        errors["reason"] = [_("Choose the reason for keeping the subject.")]
    if not (explanation or "").strip():
        errors["explanation"] = [_("Write an explanation of why the subject is kept.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    validation = SubjectValidation.objects.create(
        subject=subject,
        reviewer=reviewer,
        reason=reason,
        explanation=explanation.strip(),
        previous_due=subject.review_due,
        new_due=now + subject.review_period,
    )
    subject.last_validated_at = now
    subject.review_due = validation.new_due
    subject.reminders_sent = []
    subject.save(update_fields=["last_validated_at", "review_due", "reminders_sent"])
    audit_record(
        actor=reviewer,
        verb="subject.validate",
        target=subject,
        reason=explanation,
        data={"reason": reason, "new_due": validation.new_due},
    )
    return validation


@transaction.atomic
def subject_legal_hold(*, subject: Subject, actor: Any, hold: bool, reason: str) -> Subject:
    """Set or lift a legal hold; a held subject cannot be purged."""
    check(actor, Perm.PURGE_APPROVE)
    _require_same_office(subject, actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Write the reason for the hold.")]})
    subject.legal_hold, subject.legal_hold_reason = hold, reason.strip() if hold else ""
    subject.save(update_fields=["legal_hold", "legal_hold_reason"])
    audit_record(
        actor=actor, verb="subject.legal_hold", target=subject, reason=reason, data={"hold": hold}
    )
    return subject


def subjects_review_tick(*, now: Any = None) -> dict[str, int]:
    """Send review reminders at 90/60/30 days and restrict subjects whose review has expired."""
    now = now or timezone.now()
    reminded = expired = 0
    for subject_id in Subject.objects.filter(
        status=Subject.Status.ACTIVE, review_due__lte=now + timedelta(days=max(REMINDER_DAYS))
    ).values_list("pk", flat=True):
        with transaction.atomic():
            subject = Subject.objects.select_for_update().get(pk=subject_id)
            if subject.status != Subject.Status.ACTIVE:
                continue
            if subject.review_due <= now:
                # 28 CFR 23.20(h): unvalidated at five years -> no longer searchable, to purge.
                subject.status = Subject.Status.EXPIRED
                subject.save(update_fields=["status"])
                audit_record(actor=None, verb="subject.expire", target=subject)
                expired += 1
                continue
            days_left = (subject.review_due - now).days
            due = [d for d in REMINDER_DAYS if days_left <= d and d not in subject.reminders_sent]
            if not due:
                continue
            subject.reminders_sent = sorted(set(subject.reminders_sent) | set(due), reverse=True)
            subject.save(update_fields=["reminders_sent"])
            audit_record(
                actor=None, verb="subject.review_reminder", target=subject, data={"days": min(due)}
            )
            transaction.on_commit(_reminder_mail(subject, min(due)))
            reminded += 1
    return {"reminded": reminded, "expired": expired}


def _reminder_mail(subject: Subject, days: int) -> Any:
    official, due = subject.control_official, subject.review_due

    def send() -> None:
        # The mail carries the subject number and date only, never the record itself.
        send_mail(
            subject=f"Custos: subject {subject.pk} is due for review in {days} days",
            message=(
                f"Subject {subject.pk} must be validated or purged by {due:%Y-%m-%d} "
                "(28 CFR 23.20(h)). Sign in to Custos."
            ),
            from_email=None,
            recipient_list=[official.email] if official.email else [],
        )

    return send


# Links ------------------------------------------------------------------------------------


def _matching_incident_identifiers(kind: str, normalized: str):
    from cases.models import IncidentIdentifier

    if kind != ids.Kind.NAME:
        return IncidentIdentifier.objects.filter(kind=kind, normalized=normalized)
    surname = normalized.split()[-1]
    candidates = IncidentIdentifier.objects.filter(kind=kind, normalized__endswith=surname)
    return [c for c in candidates if ids.names_match(c.normalized, normalized)]


def _matching_subject_identifiers(kind: str, normalized: str):
    active = Identifier.objects.filter(kind=kind, subject__status=Subject.Status.ACTIVE)
    if kind != ids.Kind.NAME:
        return active.filter(normalized=normalized)
    surname = normalized.split()[-1]
    candidates = active.filter(normalized__endswith=surname)
    return [c for c in candidates if ids.names_match(c.normalized, normalized)]


def _propose(subject: Subject, *, incident=None, other=None, kind, normalized, evidence) -> bool:
    if incident is not None and subject.incident_ties.filter(incident=incident).exists():
        return False
    # One proposal per pair of subjects, whichever side noticed it first.
    if (
        other is not None
        and LinkProposal.objects.filter(
            Q(subject=other, other_subject=subject) | Q(subject=subject, other_subject=other),
            kind=kind,
        ).exists()
    ):
        return False
    link, created = LinkProposal.objects.get_or_create(
        subject=subject,
        incident=incident,
        other_subject=other,
        kind=kind,
        normalized=normalized,
        defaults={"evidence": evidence},
    )
    if created:
        audit_record(
            actor=None,
            verb="link.propose",
            target=link,
            data={
                "subject": subject.pk,
                "incident": getattr(incident, "pk", None),
                "other_subject": getattr(other, "pk", None),
                "kind": kind,
            },
        )
    return created


def links_propose_for_subject(*, subject: Subject) -> int:
    """Propose links from an active subject to incidents and active subjects sharing an
    identifier (every office: who may see a proposal is decided when it is read)."""
    if subject.status != Subject.Status.ACTIVE:
        return 0
    created = 0
    for ident in subject.identifiers.all():
        for match in _matching_incident_identifiers(ident.kind, ident.normalized):
            if match.incident.is_protected_only:
                continue
            created += _propose(
                subject,
                incident=match.incident,
                kind=ident.kind,
                normalized=ident.normalized,
                evidence=f"subject: “{ident.raw}”; incident {match.incident.reference}: "
                f"“{match.raw}”",
            )
        for match in _matching_subject_identifiers(ident.kind, ident.normalized):
            if match.subject_id == subject.pk:
                continue
            created += _propose(
                subject,
                other=match.subject,
                kind=ident.kind,
                normalized=ident.normalized,
                evidence=f"subject {subject.pk}: “{ident.raw}”; subject {match.subject_id}: "
                f"“{match.raw}”",
            )
    return created


def links_propose_for_incident_identifier(*, incident_identifier: Any) -> int:
    """Propose links from the active subjects that share an identifier reported in an incident."""
    incident = incident_identifier.incident
    if incident.is_protected_only or incident.screening_outcome != Outcome.ELIGIBLE:
        return 0
    created = 0
    for match in _matching_subject_identifiers(
        incident_identifier.kind, incident_identifier.normalized
    ):
        created += _propose(
            match.subject,
            incident=incident,
            kind=match.kind,
            normalized=match.normalized,
            evidence=f"subject: “{match.raw}”; incident {incident.reference}: "
            f"“{incident_identifier.raw}”",
        )
    return created


@transaction.atomic
def link_decide(*, link: LinkProposal, analyst: Any, confirm: bool, reason: str) -> LinkProposal:
    """Confirm or reject a proposed link; a confirmed incident link ties it to the subject."""
    from intel.selectors import links_for_user

    check(analyst, Perm.LINK_DECIDE)
    # Only someone who can see both sides may decide (need to know, 28 CFR 23.20(e)).
    if not links_for_user(analyst).filter(pk=link.pk).exists():
        from django.http import Http404

        raise Http404("No such link.")
    link = LinkProposal.objects.select_for_update().get(pk=link.pk)
    if link.status != LinkProposal.Status.PROPOSED:
        raise ValidationError(_("This link has already been decided."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Write the reason for the decision.")]})
    link.status = LinkProposal.Status.CONFIRMED if confirm else LinkProposal.Status.REJECTED
    link.decided_by, link.decided_at, link.decision_reason = analyst, timezone.now(), reason
    link.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if confirm and link.incident_id:
        SubjectIncident.objects.get_or_create(
            subject=link.subject, incident_id=link.incident_id, defaults={"via_link": link}
        )
    audit_record(
        actor=analyst,
        verb="link.confirm" if confirm else "link.reject",
        target=link,
        reason=reason,
        data={
            "subject": link.subject_id,
            "incident": link.incident_id,
            "other_subject": link.other_subject_id,
        },
    )
    return link


def restricted_hit_notify(*, subject: Subject, searcher: Any, context: str) -> None:
    """Tell the control official that someone searched for a restricted subject (C-10)."""
    with transaction.atomic():
        ControlOfficialNotice.objects.create(
            subject=subject,
            control_official=subject.control_official,
            searcher=searcher,
            context=context[:300],
        )
        audit_record(
            actor=searcher, verb="subject.restricted_hit", target=subject, data={"context": context}
        )


# Purge ------------------------------------------------------------------------------------


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
    subject = _require_intel_record(request.subject)
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


# Dissemination ----------------------------------------------------------------------------


def _watermark(actor: Any, subject: Subject, when: Any) -> str:
    return (
        f"Released by {actor.get_username()} at {when:%Y-%m-%dT%H:%M:%SZ} — subject {subject.pk} — "
        "28 CFR Part 23 criminal intelligence; do not redisseminate without the originator."
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
) -> RecipientAgency:
    """Add an outside agency to the dissemination registry."""
    check(actor, Perm.DISSEMINATE)
    if not name.strip() or not address.strip():
        raise ValidationError(_("An agency needs a name and an address."))
    if agreement_signed and agreement_expires and agreement_expires < agreement_signed:
        raise ValidationError({"agreement_expires": [_("The agreement expires before it starts.")]})
    agency = RecipientAgency.objects.create(
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
    from intel.selectors import subject_get_for_user

    subject = subject_get_for_user(subject_id=subject_id, user=actor, audit=False)
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
    disclosure = disclosure_record(
        released_by=actor,
        recipient=recipient_name.strip(),
        agency=f"{agency.name}, {agency.address}",
        purpose=purpose.strip(),
        legal_basis="28 CFR 23.20(f)(1)",
        released={"type": "intel.subject", "ids": [subject.pk], "fields": sorted(payload)},
        target=subject,
    )
    return Dissemination.objects.create(
        agency=agency,
        recipient_name=recipient_name.strip(),
        subject=subject,
        subject_number=subject.pk,
        office_id=subject.office_id,
        type=Dissemination.Type.INTELLIGENCE,
        purpose=purpose.strip(),
        released_by=actor,
        payload=payload | {"watermark": watermark},
        watermark=watermark,
        disclosure=disclosure,
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
    disclosure = disclosure_record(
        released_by=actor,
        recipient=recipient_name.strip(),
        agency=f"{agency.name}, {agency.address}",
        purpose=danger_statement.strip(),
        legal_basis="28 CFR 23.20(f)(2)",
        released={
            "type": "imminent_danger_assessment",
            "subject": subject.pk,
            "fields": list(IMMINENT_DANGER_FIELDS),
        },
        target=subject,
    )
    return Dissemination.objects.create(
        agency=agency,
        recipient_name=recipient_name.strip(),
        subject=subject,
        subject_number=subject.pk,
        office_id=subject.office_id,
        type=Dissemination.Type.IMMINENT_DANGER,
        purpose=danger_statement.strip(),
        danger_statement=danger_statement.strip(),
        released_by=actor,
        approved_by=actor,
        payload=payload,
        watermark=watermark,
        disclosure=disclosure,
    )


def can_disseminate(user: Any) -> bool:
    return has_perm(user, Perm.DISSEMINATE)
