"""Exposure alerts: raising them from scans, drafting incidents, acknowledging, measures, closing.

Each function runs in a transaction and writes its audit event there (28 CFR 23.20(g)).
"""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.permissions import Perm, check, has_perm
from accounts.roles import Role
from audit.services import audit_record
from exposure import scanning
from exposure.models import (
    AlertNotice,
    ExposureAlert,
    ProtectedPerson,
    ProtectiveMeasure,
)
from exposure.scanner import DocumentResult

# incidents.screening's conduct code for publishing restricted personal information (119).
RESTRICTED_INFO_CONDUCT = "restricted_info_with_call_to_harm"


def _person_contact(person: ProtectedPerson) -> User | None:
    """Return the account told about an exposure: the person's, or for family their officer's."""
    if person.user_id is not None:
        return person.user
    officer = person.linked_to
    if officer is not None and officer.user_id is not None:
        return officer.user
    return None


def _protective_unit(office_id: int) -> list[User]:
    return list(
        User.objects.filter(
            office_id=office_id, is_active=True, role_grants__role=Role.PROTECTIVE_UNIT
        ).distinct()
    )


def _alert_recipients(alert: ExposureAlert) -> list[User]:
    recipients: dict[int, User] = {}
    contact = _person_contact(alert.person)
    if contact is not None:
        recipients[contact.pk] = contact
    for member in _protective_unit(alert.office_id):
        recipients[member.pk] = member
    return list(recipients.values())


# The identifier types an alert names, in the recipient's words (codes from the scanner).
IDENTIFIER_TYPE_WORDS = {
    "address": pgettext_lazy("identifier type", "address"),
    "phone": pgettext_lazy("identifier type", "phone"),
    "email": pgettext_lazy("identifier type", "email"),
    "ssn": pgettext_lazy("identifier type", "Social Security number"),
    "plate": pgettext_lazy("identifier type", "plate"),
    "street": pgettext_lazy("identifier type", "street"),
    "relative": pgettext_lazy("identifier type", "relative"),
    "name": pgettext_lazy("identifier type", "name"),
}


def _source_words(alert: ExposureAlert) -> str:
    """Name the source in the active language where Custos wrote its label, else as stored."""
    if alert.source_type == ExposureAlert.SourceType.EVIDENCE:
        return _("evidence item %(number)s") % {"number": alert.source_key}
    return alert.source_label


def _send_alert_email(alert_id: int, recipient_id: int) -> None:
    """Email one recipient about an alert: the source and identifier types, never the values."""
    alert = ExposureAlert.objects.select_related("person").get(pk=alert_id)
    recipient = User.objects.get(pk=recipient_id)
    if not recipient.email:
        return
    link = settings.CUSTOS_BASE_URL.rstrip("/") + reverse("exposure:alert", args=[alert.pk])
    # In the recipient's language, not the language of whoever (or whatever) ran the scan.
    with translation.override(recipient.language):
        words = {
            "source": _source_words(alert),
            "roster_id": alert.person.roster_id,
            "types": ", ".join(
                str(IDENTIFIER_TYPE_WORDS.get(code, code)) for code in alert.identifier_types
            ),
            "restricted": _("yes") if alert.restricted else _("no"),
            "link": link,
        }
        if alert.person.user_id == recipient.pk:
            found = _("Custos found your personal information in %(source)s.")
        else:
            found = _(
                "Custos found personal information of roster entry %(roster_id)s in %(source)s."
            )
        body = (
            found % words
            + "\n\n"
            + _("Identifier types found: %(types)s.") % words
            + "\n"
            + _("Restricted personal information (18 U.S.C. 119): %(restricted)s.") % words
            + "\n\n"
            + _("Details (sign-in required): %(link)s") % words
            + "\n"
        )
        subject = _("Custos exposure alert %(number)s") % {"number": alert.pk}
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[recipient.email])


def _draft_incident(
    *,
    alerts: list[ExposureAlert],
    source_label: str,
    actor: User | None,
    source_office_id: int | None = None,
) -> Any | None:
    """Draft an incident for restricted exposures (18 U.S.C. 119) through the intake service.

    The draft records the conduct (publishing restricted personal information) so that 119 is an
    offense the incident *may* allege; it alleges none. Intent to threaten or intimidate is an
    element a person must establish from evidence, and no subject is created (28 CFR 23.20(a),
    (c): a subject needs an alleged offense, a written justification and an approval).

    A person drafts it when they may report for the alerts' office. A background scan has no
    person: the system drafts it (audited as the system) only when the source is a record of
    the alerts' own office (``source_office_id``), so it never writes across offices.
    """
    from incidents import services as incident_services
    from incidents.models import Victim

    office = alerts[0].office
    if actor is None:
        if source_office_id != office.pk:
            # A bulk file, or another office's evidence: the protective unit drafts it from
            # the alert page instead (alert_incident_draft).
            return None
    elif not has_perm(actor, Perm.INCIDENT_SUBMIT) or actor.office_id != office.pk:
        # Nobody who may report for this office raised it: the protective unit drafts it from
        # the alert page instead (alert_incident_draft).
        return None
    victims: list[dict[str, Any]] = []
    for alert in alerts:
        person = alert.person
        if person.user_id is not None:
            victims.append({"user": person.user, "relation": Victim.Relation.OFFICER})
        else:
            victims.append(
                {"name": f"Roster entry {person.roster_id}", "relation": Victim.Relation.FAMILY}
            )
    narrative = (
        f"Exposure alert: restricted personal information (18 U.S.C. 119) of {len(alerts)} "
        f"protected person(s) found in {source_label}. Identifier types: "
        + "; ".join(f"{a.person.roster_id}: {', '.join(a.identifier_types)}" for a in alerts)
        + ". Draft opened automatically: add the evidence of intent to threaten, intimidate or "
        "incite before alleging an offense."
    )
    return incident_services.incident_submit(
        office=office,
        channel="exposure_alert",
        conduct=[RESTRICTED_INFO_CONDUCT],
        narrative=narrative,
        victims=victims,
        actor=actor,
        system=actor is None,
    )


@transaction.atomic
def alerts_raise(
    *,
    result: DocumentResult,
    source_type: str,
    source_key: str,
    source_label: str,
    actor: User | None,
    submitted_by: User | None = None,
    source_office_id: int | None = None,
) -> list[ExposureAlert]:
    """Raise one alert per exposed person for this source (once), notify, draft incidents.

    ``actor`` is the person who asked for the scan, or None for a background scan (recorded as
    the system). ``submitted_by`` names who put the source into Custos (an evidence uploader):
    it goes into the audit data, never into who raised the alert. ``source_office_id`` is the
    office whose record the source is, where the system may draft incidents.
    """
    people = {
        person.roster_id: person
        for person in ProtectedPerson.objects.filter(
            roster_id__in=[exposure.person for exposure in result.exposures]
        ).select_related("linked_to", "user")
    }
    new_alerts: list[ExposureAlert] = []
    for exposure in result.exposures:
        person = people.get(exposure.person)
        if person is None:
            continue  # removed from the roster since the index was built
        alert, created = ExposureAlert.objects.get_or_create(
            person=person,
            source_type=source_type,
            source_key=source_key,
            defaults={
                "office": person.office,
                "source_label": source_label,
                "identifier_types": list(exposure.ids),
                "spans": [list(span) for span in exposure.spans],
                "restricted": exposure.restricted,
                "raised_by": actor,
            },
        )
        if not created:
            continue  # one alert per (person, source)
        data: dict[str, Any] = {
            "roster_id": person.roster_id,
            "source": f"{source_type}:{source_key}",
            "ids": list(exposure.ids),
            "restricted": exposure.restricted,
        }
        if submitted_by is not None:
            data["source_submitted_by"] = submitted_by.pk
        audit_record(
            actor=actor,
            verb="exposure_alert.raise",
            target=alert,
            data=data,
            actor_label=_label(actor),
        )
        for recipient in _alert_recipients(alert):
            AlertNotice.objects.create(alert=alert, recipient=recipient)
            transaction.on_commit(partial(_send_alert_email, alert.pk, recipient.pk), robust=True)
        new_alerts.append(alert)
    # 18 U.S.C. 119: restricted information may be a crime; draft one incident per office for a
    # person to complete with intent evidence. Otherwise the alert stays a protective matter.
    by_office: dict[int, list[ExposureAlert]] = {}
    for alert in new_alerts:
        if alert.restricted:
            by_office.setdefault(alert.office_id, []).append(alert)
    for office_alerts in by_office.values():
        _attach_incident(
            office_alerts,
            _draft_incident(
                alerts=office_alerts,
                source_label=source_label,
                actor=actor,
                source_office_id=source_office_id,
            ),
            actor,
        )
    return new_alerts


def _label(actor: User | None) -> str | None:
    """The audit label of a write with no user: a background scan is the system."""
    return None if actor is not None else "system"


def _attach_incident(alerts: list[ExposureAlert], incident: Any, actor: User | None) -> None:
    if incident is None:
        return
    for alert in alerts:
        alert.incident = incident
        alert.save(update_fields=["incident"])
        audit_record(
            actor=actor,
            verb="exposure_alert.incident_draft",
            target=alert,
            data={"incident": incident.reference},
            actor_label=_label(actor),
        )


@transaction.atomic
def alert_incident_draft(*, alert: ExposureAlert, actor: User) -> Any:
    """Draft the incident for a restricted exposure that has none yet (protective unit)."""
    _working_alert(alert, actor)
    alert = ExposureAlert.objects.select_for_update().select_related("person").get(pk=alert.pk)
    if not alert.restricted:
        # 18 U.S.C. 119 covers restricted personal information only: a name, photo or badge
        # number is a protective matter, with no incident and no subject.
        raise ValidationError("No restricted personal information: this stays a protective matter.")
    if alert.incident_id is not None:
        raise ValidationError("This alert already has an incident.")
    incident = _draft_incident(alerts=[alert], source_label=alert.source_label, actor=actor)
    if incident is None:
        raise PermissionDenied("You cannot report incidents for this office.")
    _attach_incident([alert], incident, actor)
    return incident


def evidence_scan(*, item_id: int) -> list[ExposureAlert]:
    """Scan an evidence item's OCR text (or transcript) and raise alerts (safe to run twice)."""
    from evidence.models import EvidenceItem

    item = EvidenceItem.objects.select_related("added_by").filter(pk=item_id).first()
    if item is None:
        return []
    text = "\n".join(part for part in (item.ocr_text, item.transcript) if part)
    if not text.strip():
        return []
    result = scanning.scan_text(text, str(item.pk))
    with transaction.atomic():
        audit_record(
            actor=None,
            verb="exposure.scan_evidence",
            target=item,
            data={"exposures": len(result.exposures)},
            actor_label="system",
        )
        # A background scan: the system raises the alerts and drafts any incident. The uploader
        # did not ask for the scan, so they are named only as the source's submitter.
        return alerts_raise(
            result=result,
            source_type=ExposureAlert.SourceType.EVIDENCE,
            source_key=str(item.pk),
            source_label=f"evidence item {item.pk}",
            actor=None,
            submitted_by=item.added_by,
            source_office_id=item.office_id,
        )


def text_scan(
    *, actor: User, text: str, label: str = ""
) -> tuple[DocumentResult, list[ExposureAlert]]:
    """Scan text typed or pasted by staff and raise alerts for its exposures."""
    check(actor, Perm.ALERT_WORK)
    if not text.strip():
        raise ValidationError({"text": "Paste or type the text to scan."})
    result = scanning.scan_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    source_label = f"text submitted by staff ({label.strip()[:80] or 'untitled'})"
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="exposure.scan_text",
            data={"sha256": digest, "exposures": len(result.exposures)},
        )
        alerts = alerts_raise(
            result=result,
            source_type=ExposureAlert.SourceType.TEXT,
            source_key=digest,
            source_label=source_label,
            actor=actor,
        )
    return result, alerts


def _working_alert(alert: ExposureAlert, actor: User) -> None:
    check(actor, Perm.ALERT_WORK)
    if actor.office_id != alert.office_id:
        raise PermissionDenied("This alert belongs to another office.")


_TRANSITIONS = {
    ExposureAlert.Status.OPEN: {ExposureAlert.Status.ACKNOWLEDGED, ExposureAlert.Status.CLOSED},
    ExposureAlert.Status.ACKNOWLEDGED: {ExposureAlert.Status.CLOSED},
    ExposureAlert.Status.CLOSED: set(),
}


def _move(alert: ExposureAlert, to: str) -> None:
    if to not in _TRANSITIONS[ExposureAlert.Status(alert.status)]:
        raise ValidationError(f"An alert that is {alert.status} cannot become {to}.")
    alert.status = to


@transaction.atomic
def alert_acknowledge(*, alert: ExposureAlert, actor: User) -> ExposureAlert:
    """Acknowledge an open alert (the protective unit has seen it)."""
    _working_alert(alert, actor)
    alert = ExposureAlert.objects.select_for_update().get(pk=alert.pk)
    _move(alert, ExposureAlert.Status.ACKNOWLEDGED)
    alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    audit_record(actor=actor, verb="exposure_alert.acknowledge", target=alert)
    return alert


@transaction.atomic
def measure_record(
    *, alert: ExposureAlert, actor: User, kind: str, note: str = ""
) -> ProtectiveMeasure:
    """Record a protective measure taken on an alert that is not closed."""
    _working_alert(alert, actor)
    if kind not in ProtectiveMeasure.Kind.values:
        raise ValidationError({"kind": "Choose a protective measure."})
    if kind == ProtectiveMeasure.Kind.OTHER and not note.strip():
        raise ValidationError({"note": "Describe the measure taken."})
    alert = ExposureAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == ExposureAlert.Status.CLOSED:
        raise ValidationError("This alert is closed.")
    measure = ProtectiveMeasure.objects.create(
        alert=alert, kind=kind, note=note.strip(), recorded_by=actor
    )
    audit_record(actor=actor, verb="exposure_alert.measure", target=alert, data={"kind": kind})
    return measure


@transaction.atomic
def alert_close(*, alert: ExposureAlert, actor: User, reason: str) -> ExposureAlert:
    """Close an alert with a reason."""
    _working_alert(alert, actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the alert is closed."})
    alert = ExposureAlert.objects.select_for_update().get(pk=alert.pk)
    _move(alert, ExposureAlert.Status.CLOSED)
    alert.closed_by, alert.closed_at, alert.close_reason = actor, timezone.now(), reason.strip()
    alert.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
    audit_record(actor=actor, verb="exposure_alert.close", target=alert, reason=reason.strip())
    return alert


@transaction.atomic
def notice_mark_read(*, notice: AlertNotice, user: User) -> None:
    """Mark one's own in-app notice read."""
    if notice.recipient_id != user.pk:
        raise PermissionDenied
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
