"""Link proposals between subjects and incidents that share an identifier, and their decisions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, has_perm, is_read_only
from audit.services import audit_record
from incidents.screening import Outcome
from intel import identifiers as ids
from intel.models import (
    Identifier,
    LinkProposal,
    Sensitivity,
    Subject,
    SubjectIncident,
)


def _matching_incident_identifiers(kind: str, normalized: str):
    from cases.models import IncidentIdentifier

    if kind != ids.Kind.NAME:
        return IncidentIdentifier.objects.filter(kind=kind, normalized=normalized)
    # Names: an exact match on the indexed surname key finds the candidates; nicknames decide.
    candidates = IncidentIdentifier.objects.filter(
        kind=kind, surname=ids.surname_key(kind, normalized)
    )
    return [c for c in candidates if ids.names_match(c.normalized, normalized)]


def _matching_subject_identifiers(kind: str, normalized: str):
    active = Identifier.objects.filter(kind=kind, subject__status=Subject.Status.ACTIVE)
    if kind != ids.Kind.NAME:
        return active.filter(normalized=normalized)
    candidates = active.filter(surname=ids.surname_key(kind, normalized))
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
            # 5 U.S.C. 552a(e)(7), 28 CFR 23.20(c): only an incident screened eligible (not one
            # awaiting review, not protected activity) is proposed for a subject.
            if (
                match.incident.is_protected_only
                or match.incident.screening_outcome != Outcome.ELIGIBLE
            ):
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


def _controls_restricted_side(user: Any, link: LinkProposal) -> bool:
    sides = (link.subject, link.other_subject)
    return any(
        side is not None
        and side.sensitivity == Sensitivity.RESTRICTED
        and side.control_official_id == user.pk
        for side in sides
    )


def link_may_decide(user: Any, link: LinkProposal) -> bool:
    """Return whether the user may decide this proposal (whether they may see it is separate).

    Analysts decide proposals (LINK_DECIDE). A proposal on a restricted subject is shown only to
    the subject's control official and the read-only oversight roles (28 CFR 23.20(e), C-10), so
    the control official decides it too, whatever their role; a read-only role never decides.
    """
    if user is None or not user.is_authenticated:
        return False
    if has_perm(user, Perm.LINK_DECIDE):
        return True
    if is_read_only(user) or not has_perm(user, Perm.SUBJECT_VIEW):
        return False
    return _controls_restricted_side(user, link)


@transaction.atomic
def link_decide(*, link: LinkProposal, analyst: Any, confirm: bool, reason: str) -> LinkProposal:
    """Confirm or reject a proposed link; a confirmed incident link ties it to the subject."""
    from intel.selectors import links_for_user

    if not link_may_decide(analyst, link):
        raise PermissionDenied(f"Not permitted: {Perm.LINK_DECIDE}")
    # Only someone who can see both sides may decide (need to know, 28 CFR 23.20(e)).
    if not links_for_user(analyst).filter(pk=link.pk).exists():
        from django.http import Http404

        raise Http404("No such link.")
    link = LinkProposal.objects.select_for_update().get(pk=link.pk)
    if link.status != LinkProposal.Status.PROPOSED:
        raise ValidationError(_("This link has already been decided."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Write the reason for the decision.")]})
    # 28 CFR 23.20(c), 5 U.S.C. 552a(e)(7): an incident is tied to a subject only while it is
    # screened eligible (its screening may have changed since the proposal).
    incident = link.incident
    if (
        confirm
        and incident is not None
        and (incident.is_protected_only or incident.screening_outcome != Outcome.ELIGIBLE)
    ):
        raise ValidationError(_("This incident is not screened eligible; it cannot be linked."))
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
            # C-10: decided by the restricted subject's control official, not as an analyst.
            "as_control_official": not has_perm(analyst, Perm.LINK_DECIDE),
        },
    )
    return link
