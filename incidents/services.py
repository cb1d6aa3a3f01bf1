"""Every write to incidents: submit with screening, the status state machine, offenses, purge."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FieldOffice, User
from accounts.permissions import Perm, check, has_perm
from audit.services import audit_record
from incidents import screening
from incidents.models import Incident, Offense, Victim
from incidents.screening import Outcome, ScreeningResult

Status = Incident.Status

# The state machine, written once (ARCHITECTURE.md section 3).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.SCREENING}),
    Status.SCREENING: frozenset({Status.CLOSED, Status.NEEDS_REVIEW, Status.OPEN}),
    Status.NEEDS_REVIEW: frozenset({Status.OPEN, Status.CLOSED, Status.SCREENING}),
    Status.OPEN: frozenset({Status.CLOSED, Status.SCREENING}),
    Status.CLOSED: frozenset(),
}

_OUTCOME_STATUS = {
    Outcome.PROTECTED_ONLY: Status.CLOSED,
    Outcome.NEEDS_REVIEW: Status.NEEDS_REVIEW,
    Outcome.ELIGIBLE: Status.OPEN,
}

# Which capability each channel needs from a signed-in reporter.
_CHANNEL_PERM: dict[str, Perm] = {
    Incident.Channel.FIELD_REPORT: Perm.INCIDENT_SUBMIT,
    Incident.Channel.PHONE_TIP: Perm.PHONE_TIP_TAKE,
    Incident.Channel.AGENCY_REFERRAL: Perm.INCIDENT_SUBMIT,
    Incident.Channel.EXPOSURE_ALERT: Perm.INCIDENT_SUBMIT,
}


def protected_only_purge_days() -> int:
    return int(getattr(settings, "CUSTOS_PROTECTED_ONLY_PURGE_DAYS", 90))


def _anonymous_label(actor: Any, incident: Incident) -> str | None:
    """The audit label when no user acts: the public (tip form) or the system (a background
    exposure scan drafting an incident). None when a user acts: their username is recorded."""
    if actor is not None:
        return None
    return "public" if incident.channel == Incident.Channel.PUBLIC_TIP else "system"


def _transition(
    *, incident: Incident, to: str, actor: Any, reason: str, also_save: tuple[str, ...] = ()
) -> None:
    before = incident.status
    if to not in TRANSITIONS[before]:
        raise ValidationError(
            {"status": _("An incident cannot go from %(a)s to %(b)s.") % {"a": before, "b": to}}
        )
    incident.status = to
    if to == Status.CLOSED:
        incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "closed_at", "updated_at", *also_save])
    audit_record(
        actor=actor,
        verb="incident.transition",
        target=incident,
        reason=reason,
        data={"from": before, "to": to},
        actor_label=_anonymous_label(actor, incident),
    )


def _resolve_offenses(codes: Iterable[Any], result: ScreeningResult) -> list[Offense]:
    wanted = [c.code if isinstance(c, Offense) else str(c) for c in codes]
    if not wanted:
        return []
    if result.is_protected_only:
        # C-30: protected activity alone supports no offense.
        raise ValidationError(
            {"offenses": _("No offense can be chosen: every conduct chosen is protected activity.")}
        )
    not_supported = sorted(set(wanted) - set(result.offenses_allowed))
    needs_family = [code for code in not_supported if code in screening.FAMILY_ONLY_OFFENSES]
    if needs_family and not result.is_protected_only:
        # Legal-controls section 8: 18 U.S.C. 115(a)(1)(A) is a threat or assault against a
        # member of an official's immediate family; without such a victim it cannot be alleged.
        raise ValidationError(
            {
                "offenses": _(
                    "%(codes)s needs a victim who is a family member of an officer. Add that "
                    'person as a victim with the relation "Family member of an officer", or '
                    "choose another offense."
                )
                % {"codes": ", ".join(needs_family)}
            }
        )
    if not_supported:
        raise ValidationError(
            {
                "offenses": _(
                    "The chosen conduct cannot support: %(codes)s. Offenses it can support: "
                    "%(allowed)s."
                )
                % {
                    "codes": ", ".join(not_supported),
                    "allowed": ", ".join(result.offenses_allowed) or "none",
                }
            }
        )
    found = list(Offense.objects.filter(code__in=wanted))
    if len(found) != len(set(wanted)):
        raise ValidationError({"offenses": _("Unknown offense.")})
    return found


def _clean_victims(victims: Iterable[dict[str, Any]], protected_only: bool) -> list[dict]:
    cleaned = []
    for victim in victims:
        user = victim.get("user")
        if user is None and victim.get("user_id"):
            user = User.objects.filter(pk=victim["user_id"], is_active=True).first()
            if user is None:
                raise ValidationError({"victims": _("Unknown officer.")})
        name = (victim.get("name") or "").strip()
        relation = victim.get("relation") or (
            Victim.Relation.OFFICER if user else Victim.Relation.OTHER
        )
        if relation not in Victim.Relation.values:
            raise ValidationError({"victims": _("Unknown relation.")})
        if user is None and not name:
            raise ValidationError({"victims": _("A victim needs an officer or a name.")})
        if protected_only and user is None:
            # 5 U.S.C. 552a(e)(7): no identifiers of non-officer people in a protected-only
            # incident.
            raise ValidationError(
                {
                    "victims": _(
                        "This report describes protected activity only, so names of people "
                        "who are not officers cannot be kept. Please take them out."
                    )
                }
            )
        if protected_only and user is not None:
            # 5 U.S.C. 552a(e)(7): an officer victim keeps only the officer's own name, and no
            # relation that would describe someone else.
            name = user.get_full_name()
            relation = Victim.Relation.OFFICER
        cleaned.append(
            {
                "user": user,
                "name": name or (user.get_full_name() if user else ""),
                "relation": relation,
            }
        )
    return cleaned


def _officer_names(*, office: FieldOffice, victim_users: Iterable[Any]) -> list[str]:
    """Officers' own names, which a protected-only narrative may keep: victims that are users and
    the active users of the office."""
    names = [u.get_full_name() for u in victim_users if u is not None]
    for first, last in User.objects.filter(office=office, is_active=True).values_list(
        "first_name", "last_name"
    ):
        names.append(f"{first} {last}")
    return [n for n in names if n.strip()]


def _refuse_personal_names(
    narrative: str, *, office: FieldOffice, victim_rows: list[dict], field: str = "narrative"
) -> None:
    """5 U.S.C. 552a(e)(7): a protected-only narrative keeps no names of people who are not
    officers. They cannot be replaced reliably inside prose, so the reporter is asked to take
    them out (nothing is stored until they do)."""
    allowed = _officer_names(office=office, victim_users=[row["user"] for row in victim_rows])
    names = screening.find_personal_names(narrative, allowed)
    if names:
        raise ValidationError(
            {
                field: _(
                    "This report describes protected activity only, so names of people who are "
                    "not officers cannot be kept. Please take these names out of the "
                    "description and send it again: %(names)s."
                )
                % {"names": ", ".join(names)}
            }
        )


def _screen_or_invalid(
    conduct: list[str], narrative: str, victim_relations: Iterable[str] = ()
) -> ScreeningResult:
    try:
        return screening.screen(list(conduct or []), narrative, victim_relations)
    except screening.UnknownConduct as exc:
        raise ValidationError({"conduct": str(exc)}) from None


def _apply_screening(
    *, incident: Incident, result: ScreeningResult, actor: Any, reason: str
) -> None:
    incident.screening_outcome = result.outcome
    incident.screening_reasons = result.reasons
    if result.is_protected_only:
        incident.purge_after = timezone.now() + timedelta(days=protected_only_purge_days())
    else:
        incident.purge_after = None
    # One save with the status: a protected-only incident is closed at once (database CHECK).
    _transition(
        incident=incident,
        to=_OUTCOME_STATUS[result.outcome],
        actor=actor,
        reason="screening: " + result.outcome,
        also_save=("screening_outcome", "screening_reasons", "purge_after"),
    )
    audit_record(
        actor=actor,
        verb="incident.screen",
        target=incident,
        reason=reason,
        data={
            "outcome": result.outcome,
            "reasons": result.reasons,
            "offenses_allowed": result.offenses_allowed,
        },
        actor_label=_anonymous_label(actor, incident),
    )


@transaction.atomic
def incident_submit(
    *,
    office: FieldOffice,
    channel: str,
    conduct: list[str],
    narrative: str,
    victims: Iterable[dict[str, Any]] = (),
    offenses: Iterable[Any] = (),
    actor: User | None = None,
    occurred_at: Any = None,
    location_text: str = "",
    latitude: Any = None,
    longitude: Any = None,
    suspect_description: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    system: bool = False,
) -> Incident:
    """Record an incident, screen its conduct, and move it to its first resting state.

    ``actor`` is None for a public tip, and for an exposure-alert draft made by a background
    scan, which passes ``system=True`` and is audited as the system, not as any user.
    """
    if channel not in Incident.Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if system and (actor is not None or channel != Incident.Channel.EXPOSURE_ALERT):
        raise ValueError("Only an exposure-alert draft is submitted by the system, with no user.")
    if actor is None:
        if channel != Incident.Channel.PUBLIC_TIP and not system:
            raise PermissionDenied(
                "Only public tips and the system's exposure-alert drafts come in without a "
                "signed-in user."
            )
    else:
        check(actor, _CHANNEL_PERM.get(channel, Perm.INCIDENT_SUBMIT))
        if actor.office_id != office.pk:
            raise PermissionDenied("Report incidents for your own field office.")
    narrative = (narrative or "").strip()
    protected_only = _screen_or_invalid(conduct, narrative).is_protected_only
    victim_rows = _clean_victims(victims, protected_only)
    result = _screen_or_invalid(conduct, narrative, [row["relation"] for row in victim_rows])
    chosen_offenses = _resolve_offenses(offenses, result)
    redactions = 0
    if result.is_protected_only:
        _refuse_personal_names(narrative, office=office, victim_rows=victim_rows)
        if suspect_description.strip():
            raise ValidationError(
                {
                    "suspect_description": _(
                        "This report describes protected activity only, so no description of "
                        "the person can be kept. Please leave it empty."
                    )
                }
            )
        # 5 U.S.C. 552a(e)(7): phone numbers, emails, plates and handles are replaced before
        # saving; the reporter's own contact is not kept either, since nothing follows.
        narrative, redactions = screening.redact_identifiers(narrative)
        # The place is free text too: the same names refusal and identifier redaction.
        _refuse_personal_names(
            location_text, office=office, victim_rows=victim_rows, field="location_text"
        )
        location_text, place_redactions = screening.redact_identifiers(location_text)
        redactions += place_redactions
        reporter_name = reporter_phone = reporter_email = ""
    incident = Incident.objects.create(
        office=office,
        channel=channel,
        conduct=screening.validate_conduct(list(conduct)),
        narrative=narrative,
        occurred_at=occurred_at,
        location_text=location_text.strip(),
        latitude=latitude,
        longitude=longitude,
        suspect_description=suspect_description.strip(),
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        reporter_email=reporter_email.strip(),
        created_by=actor,
    )
    for row in victim_rows:
        Victim.objects.create(incident=incident, **row)
    incident.offenses.set(chosen_offenses)
    audit_record(
        actor=actor,
        verb="incident.submit",
        target=incident,
        data={
            "channel": channel,
            "conduct": incident.conduct,
            "offenses": [o.code for o in chosen_offenses],
            "victims": len(victim_rows),
            "redactions": redactions,
        },
        actor_label=_anonymous_label(actor, incident),
    )
    _transition(incident=incident, to=Status.SCREENING, actor=actor, reason="submitted")
    _apply_screening(incident=incident, result=result, actor=actor, reason="screening on submit")
    incident.redactions = redactions  # type: ignore[attr-defined]  # shown to the reporter
    if not result.is_protected_only:
        from incidents.tasks import notify_incident

        incident_id = incident.pk
        transaction.on_commit(lambda: notify_incident.enqueue(incident_id))
    return incident


def _check_may_change(incident: Incident, actor: User, perm: Perm) -> None:
    check(actor, perm)
    if actor.office_id != incident.office_id:
        raise PermissionDenied("Only the owning office changes an incident.")
    if incident.is_protected_only:
        raise PermissionDenied("A protected-activity-only incident is closed and kept bare.")


@transaction.atomic
def incident_transition(*, incident: Incident, to: str, actor: User, reason: str) -> Incident:
    """Move an incident to another status, if the state machine and the actor allow it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    perm = Perm.INCIDENT_REVIEW if incident.status == Status.NEEDS_REVIEW else Perm.INCIDENT_SUBMIT
    if to == Status.CLOSED and not has_perm(actor, Perm.INCIDENT_REVIEW):
        perm = Perm.INCIDENT_REVIEW
    _check_may_change(incident, actor, perm)
    if to == Status.SCREENING:
        raise ValidationError({"status": _("Edit the conduct to screen again.")})
    _transition(incident=incident, to=to, actor=actor, reason=reason)
    return incident


@transaction.atomic
def incident_review(*, incident: Incident, actor: User, decision: str, reason: str) -> Incident:
    """Clear a flagged incident to open, or close it, after a supervisor has read it."""
    if decision not in (Status.OPEN, Status.CLOSED):
        raise ValidationError({"decision": _("Choose open or close.")})
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _check_may_change(incident, actor, Perm.INCIDENT_REVIEW)
    if incident.status != Status.NEEDS_REVIEW:
        raise ValidationError({"decision": _("This incident is not waiting for review.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    _transition(incident=incident, to=decision, actor=actor, reason=reason)
    return incident


def _protected_links(incident: Incident) -> list[str]:
    """Names of the records elsewhere that point at the incident and stop its deletion
    (evidence, case membership, subject ties, link proposals, exposure alerts): every reverse
    relation with on_delete=PROTECT, found generically so a new one is covered too."""
    from django.db.models import PROTECT

    found = []
    for rel in Incident._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        if getattr(rel, "on_delete", None) is not PROTECT:
            continue
        model = rel.related_model
        field = getattr(rel, "field", None)
        if model is None or field is None or isinstance(model, str):
            continue
        if model._default_manager.filter(**{field.name: incident.pk}).exists():
            found.append(str(model._meta.verbose_name_plural))
    return sorted(set(found))


def _relations(incident: Incident) -> list[str]:
    return list(incident.victims.values_list("relation", flat=True))


@transaction.atomic
def incident_update_conduct(
    *,
    incident: Incident,
    conduct: list[str],
    actor: User,
    reason: str,
    offenses: Iterable[Any] | None = None,
) -> Incident:
    """Change the conduct (and optionally the offenses), then screen again."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _check_may_change(incident, actor, Perm.INCIDENT_SUBMIT)
    if incident.status == Status.CLOSED:
        raise ValidationError({"conduct": _("A closed incident cannot be changed.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    result = _screen_or_invalid(conduct, incident.narrative, _relations(incident))
    keep = [o.code for o in incident.offenses.all()] if offenses is None else list(offenses)
    if result.is_protected_only:
        # 5 U.S.C. 552a(e)(7): no record of a person for protected activity alone. Evidence,
        # subject ties, link proposals, case membership or exposure alerts pointing at the
        # incident would keep such a record, so the change is refused until they are resolved.
        links = _protected_links(incident)
        if links:
            raise ValidationError(
                {
                    "conduct": _(
                        "This conduct describes protected activity only, but other records "
                        "still point at this incident: %(links)s. Resolve them first (remove "
                        "the evidence, take the incident out of cases and subjects, close the "
                        "link proposals and alerts), then change the conduct."
                    )
                    % {"links": ", ".join(links)}
                }
            )
        keep = []
        # The conduct now shows protected activity only: drop what may not be kept (C-30).
        # The reporter is not here to take names out, so they are replaced (552a(e)(7)).
        incident.narrative, _count = screening.redact_identifiers(incident.narrative)
        incident.narrative, _count = screening.redact_personal_names(
            incident.narrative,
            _officer_names(
                office=incident.office,
                victim_users=[v.user for v in incident.victims.filter(user__isnull=False)],
            ),
        )
        incident.location_text, _count = screening.redact_identifiers(incident.location_text)
        incident.location_text, _count = screening.redact_personal_names(
            incident.location_text,
            _officer_names(
                office=incident.office,
                victim_users=[v.user for v in incident.victims.filter(user__isnull=False)],
            ),
        )
        incident.suspect_description = ""
        incident.reporter_name = incident.reporter_phone = incident.reporter_email = ""
        incident.victims.filter(user__isnull=True).delete()
        for victim in incident.victims.select_related("user").filter(user__isnull=False):
            assert victim.user is not None  # filtered above
            victim.name = victim.user.get_full_name()
            victim.relation = Victim.Relation.OFFICER
            victim.save(update_fields=["name", "relation"])
    else:
        keep = [c for c in keep if c in result.offenses_allowed] if offenses is None else keep
    chosen = _resolve_offenses(keep, result)
    before = list(incident.conduct)
    incident.conduct = screening.validate_conduct(list(conduct))
    incident.save()
    incident.offenses.set(chosen)
    audit_record(
        actor=actor,
        verb="incident.conduct_update",
        target=incident,
        reason=reason,
        data={"from": before, "to": incident.conduct, "offenses": [o.code for o in chosen]},
    )
    _transition(incident=incident, to=Status.SCREENING, actor=actor, reason="conduct changed")
    _apply_screening(incident=incident, result=result, actor=actor, reason="screening on edit")
    return incident


@transaction.atomic
def incident_set_offenses(
    *, incident: Incident, offenses: Iterable[Any], actor: User, reason: str
) -> Incident:
    """Set the alleged offenses, limited to those the chosen conduct can support."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _check_may_change(incident, actor, Perm.INCIDENT_SUBMIT)
    if incident.status == Status.CLOSED:
        raise ValidationError({"offenses": _("A closed incident cannot be changed.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    result = _screen_or_invalid(incident.conduct, "", _relations(incident))
    chosen = _resolve_offenses(offenses, result)
    incident.offenses.set(chosen)
    audit_record(
        actor=actor,
        verb="incident.offenses_set",
        target=incident,
        reason=reason,
        data={"offenses": [o.code for o in chosen]},
    )
    return incident


def incidents_purge_protected_only(*, now: Any = None) -> int:
    """Delete protected-activity-only incidents past their purge date; return how many.

    Each incident is deleted in its own savepoint: one that other records still point at
    (PROTECT) is left, audited as blocked, and the rest are still purged."""
    from django.db.models import ProtectedError

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Incident.objects.select_for_update()
            .filter(screening_outcome=Outcome.PROTECTED_ONLY, purge_after__lte=now)
            .order_by("pk")
        )
        purged: list[str] = []
        blocked: list[Incident] = []
        for incident in due:
            try:
                with transaction.atomic():
                    incident.delete()
            except ProtectedError:
                blocked.append(incident)
            else:
                purged.append(incident.reference)
        # 5 U.S.C. 552a(e)(7); C-30 "discarded per policy": the audit log keeps that it happened.
        if purged:
            audit_record(
                actor=None,
                verb="incident.purge_protected_only",
                data={"count": len(purged), "references": purged},
                actor_label="system",
            )
        for incident in blocked:
            audit_record(
                actor=None,
                verb="incident.purge_blocked",
                target=incident,
                data={"reference": incident.reference, "links": _protected_links(incident)},
                actor_label="system",
            )
    return len(purged)
