"""Every scoped read of the exposure app. Reads of roster entries are audited.

"Not allowed" and "does not exist" give the same answer (Http404). Field offices see their own
roster and alerts; oversight roles read all and change nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import Perm, has_perm, office_q, reads_all_offices
from audit.services import audit_record
from exposure.models import AlertNotice, ExposureAlert, ProtectedPerson


def may_read_roster(user: User) -> bool:
    """Return whether the user reads their office's roster (protective unit) or all (oversight)."""
    return has_perm(user, Perm.ROSTER_MANAGE) or (
        reads_all_offices(user) and has_perm(user, Perm.OVERSIGHT_VIEW)
    )


def roster_visible_to(user: User) -> QuerySet[ProtectedPerson]:
    """Return the roster entries the user may read, unaudited (callers audit what they show)."""
    if not may_read_roster(user):
        return ProtectedPerson.objects.none()
    return ProtectedPerson.objects.filter(office_q(user)).select_related("office", "linked_to")


def roster_list_for_user(*, user: User) -> list[ProtectedPerson]:
    """Return the roster entries the user may read, decrypted, with one audit event."""
    people = list(roster_visible_to(user))
    # Every read of a roster entry is audited (DEVELOPERS: reads of sensitive records).
    audit_record(actor=user, verb="roster.list", data={"roster_ids": [p.roster_id for p in people]})
    return people


def person_get_for_user(*, person_id: int, user: User) -> ProtectedPerson:
    """Return one roster entry the user may read, and audit the read; else Http404."""
    person = roster_visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    audit_record(
        actor=user, verb="roster.read", target=person, data={"roster_id": person.roster_id}
    )
    return person


def own_entry_for_user(*, user: User) -> ProtectedPerson | None:
    """Return the user's own roster entry (audited), or None."""
    person = ProtectedPerson.objects.filter(user=user).first()
    if person is not None:
        audit_record(
            actor=user, verb="roster.read_own", target=person, data={"roster_id": person.roster_id}
        )
    return person


def own_family_for_user(*, user: User, person: ProtectedPerson) -> list[ProtectedPerson]:
    """Return the family entries linked to the user's own entry (audited)."""
    family = list(ProtectedPerson.objects.filter(linked_to=person, linked_to__user=user))
    if family:
        audit_record(
            actor=user,
            verb="roster.read_own_family",
            target=person,
            data={"roster_ids": [member.roster_id for member in family]},
        )
    return family


def roster_id_taken(roster_id: str) -> bool:
    """Return whether a roster id is in use in any office."""
    return ProtectedPerson.objects.filter(roster_id=roster_id.strip()).exists()


def alerts_visible_to(user: User) -> QuerySet[ExposureAlert]:
    """Return alerts the user may see: the office's for the protective unit, all for oversight,
    and always those about the user or a family member linked to them."""
    own = Q(person__user=user) | Q(person__linked_to__user=user)
    alerts = ExposureAlert.objects.select_related("person", "office")
    if reads_all_offices(user) and has_perm(user, Perm.OVERSIGHT_VIEW):
        return alerts.all()
    if has_perm(user, Perm.ALERT_WORK):
        # Q() | own would be just own, so the office filter is spelled out.
        return alerts.filter(Q(office_id=user.office_id) | own)
    return alerts.filter(own)


def alert_list_for_user(*, user: User, limit: int = 200) -> list[ExposureAlert]:
    """Return the alerts the user may see, newest first, at most ``limit``; the read is audited
    with the ids shown (28 CFR 23.20(g): every read of sensitive records is logged)."""
    alerts = list(alerts_visible_to(user).select_related("incident")[:limit])
    audit_record(
        actor=user, verb="exposure_alert.list", data={"ids": [alert.pk for alert in alerts]}
    )
    return alerts


def scan_result_for_user(*, user: User, result: Any, alerts: list[ExposureAlert]) -> dict:
    """What a scan shows its caller: roster ids and spans only for people of the caller's own
    office (oversight reads all); for others only how many matched, since that office is alerted
    by the service (field offices see their own records; sharing is explicit)."""
    roster_ids = [exposure.person for exposure in result.exposures]
    offices = dict(
        ProtectedPerson.objects.filter(roster_id__in=roster_ids).values_list(
            "roster_id", "office_id"
        )
    )
    all_offices = reads_all_offices(user) and has_perm(user, Perm.OVERSIGHT_VIEW)

    def own(roster_id: str) -> bool:
        return all_offices or offices.get(roster_id) == user.office_id

    return {
        "exposures": [e for e in result.exposures if own(e.person)],
        "other_office_matches": sum(1 for e in result.exposures if not own(e.person)),
        "new_alerts": [a for a in alerts if own(a.person.roster_id)],
    }


def alert_get_for_user(*, alert_id: int, user: User) -> ExposureAlert:
    """Return one alert to show (page or API), audited once per read; else Http404."""
    alert = alert_to_work(alert_id=alert_id, user=user)
    # 28 CFR 23.20(g): every read of a sensitive record is logged; this is the only place an
    # alert's read is, so a page and the API log one event per read.
    audit_record(actor=user, verb="exposure_alert.read", target=alert)
    return alert


def alert_to_work(*, alert_id: int, user: User) -> ExposureAlert:
    """Return the alert an action names if the user may see it (else Http404), unaudited: the
    action's service audits its write, and a page that then shows the alert reads it through
    alert_get_for_user."""
    alert = alerts_visible_to(user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    return alert


def notices_for_user(*, user: User) -> QuerySet[AlertNotice]:
    """Return the user's own in-app notices, newest first."""
    return AlertNotice.objects.filter(recipient=user).select_related("alert")
