"""Every write to cases and every share between offices, each audited in its transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FieldOffice, User
from accounts.permissions import Perm, check
from audit.services import audit_record, disclosure_record
from cases.models import Case, CaseEvent, CaseIncident, CaseShare, CaseTask, IncidentIdentifier
from incidents.screening import Outcome

# The case state machine, written once: open -> referred -> closed; reopen needs a reason.
TRANSITIONS: dict[str, set[str]] = {
    Case.Status.OPEN: {Case.Status.REFERRED, Case.Status.CLOSED},
    Case.Status.REFERRED: {Case.Status.CLOSED, Case.Status.OPEN},
    Case.Status.CLOSED: {Case.Status.OPEN},
}


def _event(case: Case, actor: Any, verb: str, detail: str = "") -> None:
    CaseEvent.objects.create(case=case, actor=actor, verb=verb, detail=detail)


def _visible_incident(actor: Any, incident_id: Any):
    from incidents.selectors import incident_get_for_user

    return incident_get_for_user(incident_id=incident_id, user=actor, audit=False)


def _require_eligible(incident: Any) -> None:
    # 5 U.S.C. 552a(e)(7): protected activity only never enters a case.
    if incident.is_protected_only or incident.screening_outcome != Outcome.ELIGIBLE:
        raise ValidationError(
            {
                "incidents": [
                    _("Incident %(ref)s is not eligible for a case.") % {"ref": incident.reference}
                ]
            }
        )


def _require_lead(case: Case, actor: Any) -> None:
    if case.lead_office_id != actor.office_id:
        raise PermissionDenied(_("Only the lead office changes this case."))


@transaction.atomic
def case_open(
    *, actor: Any, title: str, incident_ids: list[int], investigator: User | None = None
) -> Case:
    """Open a case led by the actor's office, grouping eligible incidents it may see."""
    check(actor, Perm.CASE_MANAGE)
    if not (title or "").strip():
        raise ValidationError({"title": [_("Give the case a title.")]})
    if not incident_ids:
        raise ValidationError({"incidents": [_("A case groups at least one incident.")]})
    incidents = [_visible_incident(actor, pk) for pk in dict.fromkeys(incident_ids)]
    for incident in incidents:
        _require_eligible(incident)
    if investigator is not None and investigator.office_id != actor.office_id:
        raise ValidationError({"investigator": [_("Choose an investigator in your office.")]})
    case = Case.objects.create(
        title=title.strip(),
        lead_office_id=actor.office_id,
        investigator=investigator,
        created_by=actor,
    )
    for incident in incidents:
        CaseIncident.objects.create(case=case, incident=incident, added_by=actor)
    _event(case, actor, "opened", ", ".join(i.reference for i in incidents))
    audit_record(
        actor=actor, verb="case.open", target=case, data={"incidents": [i.pk for i in incidents]}
    )
    return case


@transaction.atomic
def case_incident_add(*, case: Case, actor: Any, incident_id: int) -> CaseIncident:
    """Add an eligible incident (own office or shared with it) to a case."""
    check(actor, Perm.CASE_MANAGE)
    _require_lead(case, actor)
    incident = _visible_incident(actor, incident_id)
    _require_eligible(incident)
    if case.incident_rows.filter(incident=incident).exists():
        raise ValidationError({"incident": [_("The incident is already in the case.")]})
    row = CaseIncident.objects.create(case=case, incident=incident, added_by=actor)
    _event(case, actor, "incident_added", incident.reference)
    audit_record(actor=actor, verb="case.incident_add", target=case, data={"incident": incident.pk})
    return row


@transaction.atomic
def case_transition(*, case: Case, actor: Any, to: str, reason: str = "") -> Case:
    """Move a case through its state machine (reopening needs a reason)."""
    check(actor, Perm.CASE_MANAGE)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_lead(case, actor)
    if to not in TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            {"status": [_("A case cannot go from %(a)s to %(b)s.") % {"a": case.status, "b": to}]}
        )
    if to == Case.Status.OPEN and not reason.strip():
        raise ValidationError({"reason": [_("Write why the case is reopened.")]})
    previous = case.status
    case.status = to
    case.save(update_fields=["status"])
    _event(case, actor, f"status:{to}", reason.strip())
    audit_record(
        actor=actor,
        verb="case.transition",
        target=case,
        reason=reason,
        data={"from": previous, "to": to},
    )
    return case


@transaction.atomic
def case_assign(*, case: Case, actor: Any, investigator: User) -> Case:
    """Assign the case's investigator (a user of the lead office)."""
    check(actor, Perm.CASE_MANAGE)
    _require_lead(case, actor)
    if investigator.office_id != case.lead_office_id:
        raise ValidationError({"investigator": [_("Choose an investigator in the lead office.")]})
    case.investigator = investigator
    case.save(update_fields=["investigator"])
    _event(case, actor, "assigned", investigator.get_username())
    audit_record(
        actor=actor, verb="case.assign", target=case, data={"investigator": investigator.pk}
    )
    return case


@transaction.atomic
def case_task_add(
    *, case: Case, actor: Any, title: str, owner: User, due_date: date | None
) -> CaseTask:
    """Add a task with an owner and a due date."""
    check(actor, Perm.CASE_MANAGE)
    _require_lead(case, actor)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Describe the task.")]
    if due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    if owner is None or owner.office_id != case.lead_office_id:
        errors["owner"] = [_("Choose an owner in the lead office.")]
    if errors:
        raise ValidationError(errors)
    assert due_date is not None  # checked above
    task = CaseTask.objects.create(case=case, title=title.strip(), owner=owner, due_date=due_date)
    _event(case, actor, "task_added", f"{task.title} → {owner.get_username()} by {due_date}")
    audit_record(actor=actor, verb="case.task_add", target=case, data={"task": task.pk})
    return task


@transaction.atomic
def case_task_done(*, task: CaseTask, actor: Any) -> CaseTask:
    """Mark a task done (once: a second click changes nothing and records nothing)."""
    check(actor, Perm.CASE_MANAGE)
    _require_lead(task.case, actor)
    # Locked, and read again under the lock: two clicks at once record one completion.
    task.done_at = (
        CaseTask.objects.select_for_update().filter(pk=task.pk).values_list("done_at", flat=True)
    ).get()
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _event(task.case, actor, "task_done", task.title)
        audit_record(actor=actor, verb="case.task_done", target=task.case, data={"task": task.pk})
    return task


# Sharing between offices ------------------------------------------------------------------


def _share_target_office(office_id: Any, actor: Any) -> FieldOffice:
    office = FieldOffice.objects.filter(pk=office_id).first() if office_id else None
    if office is None:
        raise ValidationError({"office": [_("Choose the office to share with.")]})
    if office.pk == actor.office_id:
        raise ValidationError({"office": [_("Your office already has it.")]})
    return office


@transaction.atomic
def incident_share(*, incident_id: int, office_id: int, actor: Any, reason: str) -> Any:
    """Share an incident the actor's office owns with another office, for a need-to-know reason."""
    from incidents.models import IncidentShare

    # Need to know and right to know (28 CFR 23.20(e)); every share accounted (23.20(g)).
    # Field offices see their own records: another office's incident is not found (404) before
    # any capability is weighed, so a refusal never tells it exists.
    incident = _visible_incident(actor, incident_id)
    check(actor, Perm.SHARE)
    if incident.office_id != actor.office_id:
        raise PermissionDenied(_("Only the owning office shares an incident."))
    office = _share_target_office(office_id, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Write the need-to-know reason.")]})
    if IncidentShare.objects.filter(incident=incident, office=office).exists():
        raise ValidationError({"office": [_("Already shared with that office.")]})
    share = IncidentShare.objects.create(
        incident=incident, office=office, reason=reason.strip(), shared_by=actor
    )
    audit_record(
        actor=actor,
        verb="incident.share",
        target=incident,
        reason=reason,
        data={"office": office.code},
    )
    disclosure_record(
        released_by=actor,
        recipient=f"{office.name} (all users with the capability)",
        agency=office.code,
        purpose=reason.strip(),
        legal_basis="need to know, 28 CFR 23.20(e); 5 U.S.C. 552a(b)(1)",
        released={
            "type": "incidents.incident",
            "ids": [incident.pk],
            "reference": incident.reference,
        },
        target=incident,
    )
    return share


@transaction.atomic
def case_share(*, case: Case, office_id: int, actor: Any, reason: str) -> CaseShare:
    """Share a case (and its incidents) with another office, for a need-to-know reason."""
    from incidents.models import IncidentShare

    check(actor, Perm.SHARE)
    _require_lead(case, actor)
    office = _share_target_office(office_id, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Write the need-to-know reason.")]})
    try:
        with transaction.atomic():
            share = CaseShare.objects.create(
                case=case, office=office, reason=reason.strip(), shared_by=actor
            )
    except IntegrityError:
        raise ValidationError({"office": [_("Already shared with that office.")]}) from None
    # Only the owning office shares an incident (as in incident_share): an incident another
    # office shared with ours is not re-shared through a case (need to know, 28 CFR 23.20(e)).
    rows = list(case.incident_rows.values_list("incident_id", "incident__office_id"))
    incident_ids = [pk for pk, owner in rows if owner == actor.office_id]
    skipped = [pk for pk, owner in rows if owner != actor.office_id]
    for incident_id in incident_ids:
        IncidentShare.objects.get_or_create(
            incident_id=incident_id,
            office=office,
            defaults={"reason": f"case {case.reference}: {reason.strip()}", "shared_by": actor},
        )
    _event(case, actor, "shared", f"{office.code}: {reason.strip()}")
    audit_record(
        actor=actor,
        verb="case.share",
        target=case,
        reason=reason,
        data={"office": office.code, "incidents": incident_ids, "not_shared": skipped},
    )
    disclosure_record(
        released_by=actor,
        recipient=f"{office.name} (all users with the capability)",
        agency=office.code,
        purpose=reason.strip(),
        legal_basis="need to know, 28 CFR 23.20(e); 5 U.S.C. 552a(b)(1)",
        released={
            "type": "cases.case",
            "ids": [case.pk],
            "incidents": incident_ids,
            "not_shared": skipped,
        },
        target=case,
    )
    return share


# Identifiers reported in incidents ---------------------------------------------------------


@transaction.atomic
def incident_identifier_add(
    *, incident_id: int, actor: Any, kind: str, value: str, platform: str = ""
) -> IncidentIdentifier:
    """Record an identifier reported in an incident (normalised) and propose links."""
    from intel import identifiers as ids
    from intel.services import links_propose_for_incident_identifier

    # Another office's incident is not found (404) before the capability is weighed (field
    # offices see their own records; a refusal never tells it exists).
    incident = _visible_incident(actor, incident_id)
    check(actor, Perm.CASE_MANAGE)
    if incident.office_id != actor.office_id:
        raise PermissionDenied(_("Only the owning office adds to an incident."))
    try:
        normalized = ids.normalize(kind, value, platform)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from None
    row, created = IncidentIdentifier.objects.get_or_create(
        incident=incident,
        kind=kind,
        normalized=normalized,
        defaults={
            "raw": value.strip(),
            "platform": platform if kind == ids.Kind.HANDLE else "",
            "surname": ids.surname_key(kind, normalized),
            "added_by": actor,
        },
    )
    if created:
        audit_record(
            actor=actor, verb="incident.identifier_add", target=incident, data={"kind": kind}
        )
        links_propose_for_incident_identifier(incident_identifier=row)
    return row
