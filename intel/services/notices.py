"""Advise past recipients of corrections and purges (28 CFR 23.20(h); legal-controls C-09).

28 CFR 23.20(h): procedures "shall require that any recipient agencies be advised of such changes
which involve errors or corrections". Every distinct recipient in a subject's disclosure
accounting gets a `RecipientNotice` in the correcting (or purging) transaction; the email to the
agency's contact address is queued after commit, so a rolled-back correction tells nobody and a
mail outage loses no notice (it stays unsent on the notices page).
"""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.models import DisclosureRecord
from audit.services import audit_record
from intel.models import Dissemination, RecipientNotice, Subject

# Field names a recipient is told changed, in words (never the values).
FIELD_WORDS = {
    "label": "name or description",
    "predicate_element": "offense element",
    "predicate_facts": "facts supporting reasonable suspicion",
    "predicate_source": "source of the facts",
    "predicate_date": "date of the facts",
    "source_reliability": "source reliability",
    "content_validity": "content validity",
}


def past_recipients(*, subject_number: int) -> list[tuple[DisclosureRecord, Any]]:
    """Return each distinct recipient of a subject: its earliest disclosure and registry agency."""
    records = DisclosureRecord.objects.filter(
        target_type=Subject._meta.label_lower, target_id=str(subject_number)
    ).order_by("created_at", "pk")
    agencies = {
        d.disclosure_id: d.agency
        for d in Dissemination.objects.filter(disclosure__in=records).select_related("agency")
    }
    seen: dict[tuple[str, str], tuple[DisclosureRecord, Any]] = {}
    for record in records:
        key = (record.recipient.strip().casefold(), record.agency.strip().casefold())
        if key not in seen:
            seen[key] = (record, agencies.get(record.pk))
    return list(seen.values())


def recipients_advise(
    *,
    subject: Subject,
    actor: Any,
    kind: str,
    changed_fields: list[str] | None = None,
    tombstone: str = "",
) -> list[RecipientNotice]:
    """Write a notice for every past recipient of the subject and queue their emails."""
    # Called inside the correcting or purging service's transaction (both are atomic).
    notices = []
    for record, agency in past_recipients(subject_number=subject.pk):
        notice = RecipientNotice.objects.create(
            # A purge notice outlives its subject: it keeps only the number and the tombstone.
            subject=None if kind == RecipientNotice.Kind.PURGE else subject,
            subject_number=subject.pk,
            tombstone=tombstone,
            office_id=subject.office_id,
            disclosure=record,
            recipient=record.recipient,
            agency_name=agency.name if agency is not None else record.agency,
            agency=agency,
            kind=kind,
            changed_fields=sorted(changed_fields or []),
            email=agency.contact_email if agency is not None else "",
            created_by=actor,
        )
        audit_record(
            actor=actor,
            verb="recipient_notice.create",
            target=notice,
            data={
                "kind": kind,
                "subject_number": subject.pk,
                "tombstone": tombstone,
                "recipient": notice.recipient,
                "agency": notice.agency_name,
                "disclosure": record.pk,
                "changed_fields": notice.changed_fields,
                "email": bool(notice.email),
            },
        )
        if notice.email:
            transaction.on_commit(_enqueue(notice.pk))
        notices.append(notice)
    return notices


def _enqueue(notice_id: int) -> Any:
    def enqueue() -> None:
        from intel.tasks import send_recipient_notice

        send_recipient_notice.enqueue(notice_id)

    return enqueue


def recipient_notice_send(*, notice_id: int) -> bool:
    """Email one notice to its agency's contact address, once; return whether it went now."""
    with transaction.atomic():
        notice = RecipientNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.sent_at is not None or not notice.email:
            return False
        subject_line, body = _message(notice)
        # Sent inside the lock: a second run waits, then sees sent_at and does nothing. A mail
        # failure raises, rolls back, and leaves the notice unsent for a retry.
        send_mail(subject_line, body, from_email=None, recipient_list=[notice.email])
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
        audit_record(
            actor=None,
            actor_label="system",
            verb="recipient_notice.send",
            target=notice,
            data={"email": notice.email, "kind": notice.kind},
        )
    return True


def _message(notice: RecipientNotice) -> tuple[str, str]:
    # The mail names the subject number, the release date and the changed fields only, never
    # the record's content (which may be what was wrong, or what was purged).
    released = f"{notice.disclosure.created_at:%Y-%m-%d}"
    office = notice.office.name
    greeting = f"To {notice.recipient}, {notice.agency_name}:\n\n"
    if notice.kind == RecipientNotice.Kind.PURGE:
        return (
            f"Custos: subject {notice.subject_number} has been purged",
            greeting
            + f"Criminal intelligence about subject {notice.subject_number} released to you on "
            f"{released} by {office} has been purged from its intelligence index "
            f"(record {notice.tombstone}). Under 28 CFR 23.20(h) and your information-sharing "
            "agreement, do not rely on or redisseminate it; handle it as your agreement "
            f"requires. Contact {office} with any question.\n",
        )
    fields = ", ".join(FIELD_WORDS.get(name, name) for name in notice.changed_fields)
    return (
        f"Custos: correction to subject {notice.subject_number}",
        greeting
        + f"Criminal intelligence about subject {notice.subject_number} released to you on "
        f"{released} by {office} has been corrected (28 CFR 23.20(h)). Changed: {fields}. "
        f"Do not rely on those items as released; ask {office} for the corrected record.\n",
    )
