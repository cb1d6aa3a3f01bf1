"""Authorisation by role and office, in one module. Views and services never decide ad hoc.

Each capability (`Perm`) is granted to roles in `ROLE_PERMS`. Capabilities that change data are
listed in `WRITE_PERMS`; a user holding a read-only role (oversight, privacy officer) never gets
one, whatever else they hold: oversight roles read everything and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from accounts.roles import CROSS_OFFICE_READ_ROLES, MFA_EXEMPT_ROLES, READ_ONLY_ROLES, Role


class Perm(StrEnum):
    # Foundation
    HOME = "home"
    OWN_TOKENS = "own_tokens"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    # Intake and screening
    INCIDENT_VIEW = "incident.view"
    INCIDENT_SUBMIT = "incident.submit"
    PHONE_TIP_TAKE = "phone_tip.take"
    INCIDENT_REVIEW = "incident.review"
    PROTECTED_COUNTS_VIEW = "protected_counts.view"
    # Evidence
    EVIDENCE_VIEW = "evidence.view"
    EVIDENCE_ADD = "evidence.add"
    EVIDENCE_EXPORT = "evidence.export"
    EVIDENCE_VERIFY = "evidence.verify"
    EVIDENCE_DISPOSE = "evidence.dispose"  # records officer only (44 U.S.C. 3105; C-37)
    # Cases and the intelligence index
    CASE_VIEW = "case.view"
    CASE_MANAGE = "case.manage"
    SHARE = "share"
    SUBJECT_VIEW = "subject.view"
    SUBJECT_PROPOSE = "subject.propose"
    SUBJECT_APPROVE = "subject.approve"
    SUBJECT_VALIDATE = "subject.validate"
    PURGE_APPROVE = "purge.approve"
    LINK_DECIDE = "link.decide"
    DISSEMINATE = "disseminate"
    # Exposure protection
    ROSTER_MANAGE = "roster.manage"
    ROSTER_VIEW_OWN = "roster.view_own"
    ALERT_WORK = "alert.work"
    # Oversight and statistics
    OVERSIGHT_VIEW = "oversight.view"
    STATS_VIEW = "stats.view"


WRITE_PERMS = frozenset(
    {
        Perm.USERS_MANAGE,
        Perm.INCIDENT_SUBMIT,
        Perm.PHONE_TIP_TAKE,
        Perm.INCIDENT_REVIEW,
        Perm.EVIDENCE_ADD,
        Perm.EVIDENCE_EXPORT,
        Perm.EVIDENCE_VERIFY,
        Perm.EVIDENCE_DISPOSE,
        Perm.CASE_MANAGE,
        Perm.SHARE,
        Perm.SUBJECT_PROPOSE,
        Perm.SUBJECT_APPROVE,
        Perm.SUBJECT_VALIDATE,
        Perm.PURGE_APPROVE,
        Perm.LINK_DECIDE,
        Perm.DISSEMINATE,
        Perm.ROSTER_MANAGE,
        Perm.ALERT_WORK,
    }
)

_EVERYONE = {Perm.HOME, Perm.OWN_TOKENS, Perm.ROSTER_VIEW_OWN}
_READ_ALL = {
    Perm.INCIDENT_VIEW,
    Perm.EVIDENCE_VIEW,
    Perm.CASE_VIEW,
    Perm.SUBJECT_VIEW,
    Perm.AUDIT_READ,
    Perm.OVERSIGHT_VIEW,
    Perm.STATS_VIEW,
    Perm.PROTECTED_COUNTS_VIEW,
}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.FIELD_OFFICER: frozenset(
        _EVERYONE
        | {Perm.INCIDENT_VIEW, Perm.INCIDENT_SUBMIT, Perm.EVIDENCE_VIEW, Perm.EVIDENCE_ADD}
    ),
    Role.SUPERVISOR: frozenset(
        _EVERYONE
        | {
            Perm.INCIDENT_VIEW,
            Perm.INCIDENT_SUBMIT,
            Perm.PHONE_TIP_TAKE,
            Perm.INCIDENT_REVIEW,
            Perm.PROTECTED_COUNTS_VIEW,
            Perm.EVIDENCE_VIEW,
            Perm.EVIDENCE_ADD,
            Perm.EVIDENCE_EXPORT,
            Perm.CASE_VIEW,
            Perm.CASE_MANAGE,
            Perm.SHARE,
            Perm.SUBJECT_VIEW,
            Perm.SUBJECT_PROPOSE,
            Perm.PURGE_APPROVE,
            Perm.DISSEMINATE,
            Perm.STATS_VIEW,
        }
    ),
    Role.ANALYST: frozenset(
        _EVERYONE
        | {
            Perm.INCIDENT_VIEW,
            Perm.PHONE_TIP_TAKE,
            Perm.EVIDENCE_VIEW,
            Perm.EVIDENCE_ADD,
            Perm.CASE_VIEW,
            Perm.CASE_MANAGE,
            Perm.SUBJECT_VIEW,
            Perm.SUBJECT_PROPOSE,
            Perm.LINK_DECIDE,
            Perm.STATS_VIEW,
        }
    ),
    Role.RS_APPROVER: frozenset(
        _EVERYONE
        | {
            Perm.INCIDENT_VIEW,
            Perm.CASE_VIEW,
            Perm.SUBJECT_VIEW,
            Perm.SUBJECT_APPROVE,
            Perm.SUBJECT_VALIDATE,
            Perm.PURGE_APPROVE,
        }
    ),
    Role.PRIVACY_OFFICER: frozenset(_EVERYONE | _READ_ALL),
    Role.OVERSIGHT: frozenset(_EVERYONE | _READ_ALL),
    Role.RECORDS_OFFICER: frozenset(
        _EVERYONE
        | {
            Perm.EVIDENCE_VIEW,
            Perm.EVIDENCE_VERIFY,
            Perm.EVIDENCE_EXPORT,
            Perm.EVIDENCE_DISPOSE,
            Perm.STATS_VIEW,
        }
    ),
    Role.PROTECTIVE_UNIT: frozenset(
        _EVERYONE | {Perm.ROSTER_MANAGE, Perm.ALERT_WORK, Perm.INCIDENT_VIEW, Perm.INCIDENT_SUBMIT}
    ),
    Role.ADMINISTRATOR: frozenset(_EVERYONE | {Perm.USERS_MANAGE}),
}


def _roles(user: Any) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return user.role_set


def is_read_only(user: Any) -> bool:
    """Return whether the user holds a role that may never change anything."""
    return bool(_roles(user) & READ_ONLY_ROLES)


def has_perm(user: Any, perm: Perm) -> bool:
    """Return whether the user's roles grant the capability."""
    roles = _roles(user)
    if perm in WRITE_PERMS and roles & READ_ONLY_ROLES:
        return False
    return any(perm in ROLE_PERMS.get(role, ()) for role in roles)


def reads_all_offices(user: Any) -> bool:
    """Return whether the user reads records of every field office (oversight roles)."""
    return bool(_roles(user) & CROSS_OFFICE_READ_ROLES)


def office_q(user: Any, field: str = "office") -> Q:
    """Return a filter for the records the user's office owns (all, for oversight roles).

    Records shared from another office are added by each app's selectors, which know their own
    share tables; this covers ownership only.
    """
    if reads_all_offices(user):
        return Q()
    if user.office_id is None:
        return Q(pk__in=[])
    return Q(**{f"{field}_id": user.office_id})


def mfa_required(user: Any) -> bool:
    """Return whether the user must pass a second factor before using Custos."""
    roles = _roles(user)
    if not roles:
        return False
    if roles - MFA_EXEMPT_ROLES:
        return True
    office = user.office
    return bool(office is not None and office.require_mfa_for_field_officers)


def require(perm: Perm) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view: sign-in required, then the capability, else 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_perm = perm  # type: ignore[attr-defined]  # read by the access test
        return wrapper

    return decorator


def check(user: Any, perm: Perm) -> None:
    """Raise PermissionDenied unless the user holds the capability (for services)."""
    if not has_perm(user, perm):
        raise PermissionDenied(f"Not permitted: {perm}")
