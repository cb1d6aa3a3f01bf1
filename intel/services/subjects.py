"""Subjects: proposal, approval, validation, legal hold and five-year review (28 CFR 23.20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import Perm, check
from audit.services import audit_record
from incidents.screening import Outcome
from intel import identifiers as ids
from intel.models import (
    MAX_REVIEW_PERIOD,
    CollectionMethod,
    ContentValidity,
    ControlOfficialNotice,
    Identifier,
    Sensitivity,
    SourceReliability,
    Subject,
    SubjectApproval,
    SubjectIncident,
    SubjectValidation,
)
from intel.services.links import links_propose_for_subject
from intel.services.notices import recipients_advise

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


def office_today(office: Any) -> date:
    """Today in the office's local time (in UTC only when the office has no time zone).

    People write the date of the facts in their office's local time. The later of the office
    date and the UTC date would accept tomorrow's date in an office west of UTC in its evening;
    28 CFR 23.20(c): the facts behind reasonable suspicion have already happened.
    """
    try:
        zone = ZoneInfo(office.timezone) if office is not None and office.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return timezone.localdate(timezone=zone) if zone else timezone.localdate(timezone=UTC)


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
                surname=ids.surname_key(item.kind, normalized),
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
    elif predicate_date > office_today(actor.office):
        # 28 CFR 23.20(c): reasonable suspicion rests on facts that have happened; a date still
        # to come cannot be the date of those facts.
        err("predicate_date", _("The date of the facts cannot be in the future."))
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
    # 28 CFR 23.20(c), 5 U.S.C. 552a(e)(7): re-checked at approval, since an incident's screening
    # can change after the proposal. Every tied incident must still be eligible.
    tied = [t.incident for t in subject.incident_ties.select_related("incident")]
    eligible = {i.pk for i in _eligible_incidents(tied) if i.offenses.exists()}
    if any(i.pk not in eligible for i in tied):
        raise ValidationError(
            _("A tied incident is no longer screened eligible with an offense; not approved.")
        )
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
    *,
    subject: Subject,
    reviewer: Any,
    reason: str,
    explanation: str,
    rs_facts_reconfirmed: bool = False,
    rs_facts_statement: str = "",
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
    # Legal-controls C-18: the reviewer re-confirms that the reasonable-suspicion facts of the
    # criminal predicate still hold (28 CFR 23.20(c), (h)), and says what supports them now.
    if not rs_facts_reconfirmed:
        errors["rs_facts_reconfirmed"] = [
            _("Re-confirm that the reasonable-suspicion facts still hold.")
        ]
    if not (rs_facts_statement or "").strip():
        errors["rs_facts_statement"] = [
            _("Say which facts still support reasonable suspicion of the offense.")
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    validation = SubjectValidation.objects.create(
        subject=subject,
        reviewer=reviewer,
        reason=reason,
        explanation=explanation.strip(),
        rs_facts_reconfirmed=True,
        rs_facts_statement=rs_facts_statement.strip(),
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
        data={
            "reason": reason,
            "new_due": validation.new_due,
            "rs_facts_reconfirmed": True,
            "rs_facts_statement": validation.rs_facts_statement,
        },
    )
    return validation


@transaction.atomic
def subject_legal_hold(*, subject: Subject, actor: Any, hold: bool, reason: str) -> Subject:
    """Set or lift a legal hold; a held subject cannot be purged."""
    check(actor, Perm.PURGE_APPROVE)
    # Locked like every other subject write: purge_approve reads legal_hold under the same row
    # lock, so a hold set concurrently either blocks the purge or waits for it (28 CFR
    # 23.20(g)(3): nothing destroyed without authorisation; a legal hold is honoured).
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    _require_same_office(subject, actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Write the reason for the hold.")]})
    subject.legal_hold, subject.legal_hold_reason = hold, reason.strip() if hold else ""
    subject.save(update_fields=["legal_hold", "legal_hold_reason"])
    audit_record(
        actor=actor, verb="subject.legal_hold", target=subject, reason=reason, data={"hold": hold}
    )
    return subject


# The labelled facts a correction may change (28 CFR 23.20(h) "errors or corrections"). The
# offense, collection method, office and workflow fields are not corrections: a wrong predicate
# offense means a new proposal, and handling labels (sensitivity) are no error in the facts.
CORRECTABLE_TEXT = {
    "label": 200,
    "predicate_element": 300,
    "predicate_facts": None,
    "predicate_source": 300,
}
CORRECTABLE_CHOICES = {
    "source_reliability": SourceReliability,
    "content_validity": ContentValidity,
}
CORRECTABLE_FIELDS = (*CORRECTABLE_TEXT, "predicate_date", *CORRECTABLE_CHOICES)


def _corrected_values(subject: Subject, field_changes: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    unknown = sorted(set(field_changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        errors["field_changes"] = [
            _("These fields cannot be corrected here: %(names)s.") % {"names": ", ".join(unknown)}
        ]
    for name, value in field_changes.items():
        if name in CORRECTABLE_TEXT:
            text = str(value or "").strip()
            limit = CORRECTABLE_TEXT[name]
            if not text:
                errors[name] = [_("A corrected value cannot be empty.")]
            elif limit and len(text) > limit:
                errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
            else:
                values[name] = text
        elif name in CORRECTABLE_CHOICES:
            if value not in CORRECTABLE_CHOICES[name].values:
                errors[name] = [_("Choose one of the listed values.")]
            else:
                values[name] = value
        elif name == "predicate_date":
            try:
                day = value if isinstance(value, date) else date.fromisoformat(str(value))
            except ValueError:
                errors[name] = [_("Give the date as YYYY-MM-DD.")]
            else:
                if day > office_today(subject.office):
                    errors[name] = [_("The date of the facts cannot be in the future.")]
                values[name] = day
    elements = subject.predicate_offense.elements
    if "predicate_element" in values and elements and values["predicate_element"] not in elements:
        errors["predicate_element"] = [_("Choose an element of the offense the facts support.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def subject_correct(
    *, subject: Subject, actor: Any, field_changes: dict[str, Any], reason: str
) -> Subject:
    """Correct a subject's labelled facts and advise every past recipient of the correction."""
    # 28 CFR 23.20(h): errors are corrected by those who review the record (an RS approver of
    # the owning office, who may validate it) and recipient agencies are advised (C-09).
    check(actor, Perm.SUBJECT_VALIDATE)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    _require_same_office(subject, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Write what was wrong and why it is corrected.")]})
    if not field_changes:
        raise ValidationError({"field_changes": [_("Name at least one field to correct.")]})
    values = _corrected_values(subject, field_changes)
    changes = {
        name: {"before": getattr(subject, name), "after": value}
        for name, value in values.items()
        if getattr(subject, name) != value
    }
    if not changes:
        raise ValidationError({"field_changes": [_("The corrected values are the same as now.")]})
    for name, change in changes.items():
        setattr(subject, name, change["after"])
    subject.save(update_fields=sorted(changes))
    audit_record(
        actor=actor,
        verb="subject.correct",
        target=subject,
        reason=reason.strip(),
        data={"changes": changes},
    )
    recipients_advise(
        subject=subject, actor=actor, kind="correction", changed_fields=sorted(changes)
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
    official, due, number = subject.control_official, subject.review_due, subject.pk

    def send() -> None:
        # The mail carries the subject number and date only, never the record itself. It is
        # written in the control official's language, not the language of whoever ran the tick.
        words = {"number": number, "days": days, "due": f"{due:%Y-%m-%d}"}
        with translation.override(official.language):
            title = _("Custos: subject %(number)s is due for review in %(days)s days") % words
            body = (
                _(
                    "Subject %(number)s must be validated or purged by %(due)s "
                    "(28 CFR 23.20(h)). Sign in to Custos."
                )
                % words
            )
        send_mail(
            subject=title,
            message=body,
            from_email=None,
            recipient_list=[official.email] if official.email else [],
        )

    return send


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


# What a notice says when someone tried to open a restricted subject by its number (C-10).
OPEN_BY_NUMBER = "opened by number"


def _office_day_start(office: Any, now: Any) -> Any:
    """The start (in UTC) of the calendar day that `now` falls on in the office's time zone."""
    try:
        zone = ZoneInfo(office.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = timezone.localtime(now, zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def restricted_open_notify(*, subject: Subject, opener: Any) -> bool:
    """Tell the control official that someone of the office was refused a restricted subject
    opened by number, at most once a day per person; return whether a notice was written."""
    # Legal-controls C-10 (28 CFR 23.20(e),(g)): the opener gets "not found", as in a search, and
    # the control official hears who asked. A refresh must not spam: one notice per (person,
    # subject) per calendar day of the subject's office; every attempt is still audited.
    with transaction.atomic():
        # Two attempts at once (a double refresh) queue on the subject row, so only one writes.
        Subject.objects.select_for_update().filter(pk=subject.pk).values_list("pk").first()
        already = ControlOfficialNotice.objects.filter(
            subject=subject,
            searcher=opener,
            context__startswith=OPEN_BY_NUMBER,
            created_at__gte=_office_day_start(subject.office, timezone.now()),
        ).exists()
        if not already:
            ControlOfficialNotice.objects.create(
                subject=subject,
                control_official=subject.control_official,
                searcher=opener,
                context=OPEN_BY_NUMBER,
            )
        audit_record(
            actor=opener,
            verb="subject.restricted_hit",
            target=subject,
            data={"context": OPEN_BY_NUMBER, "notified": not already},
        )
    return not already
