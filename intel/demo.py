"""Synthetic demo records for cases and the intelligence index (called by `custos demo`).

Fictional people, 555-01xx numbers, example.invalid addresses; idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

DEMO_TITLE = "Demo: repeated calls to Officer Quill (synthetic)"


def _incident(office, victim: str, days_ago: int, phone: str, actor):
    from cases.services import incident_identifier_add
    from incidents.models import Incident, Offense, Victim

    incident = Incident.objects.create(
        office=office,
        channel=Incident.Channel.FIELD_REPORT,
        status=Incident.Status.OPEN,
        screening_outcome="eligible",
        conduct=["threat_communicated"],
        narrative="SYNTHETIC DEMO: a caller threatened the officer and named her street.",
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        location_text="100 Fictional Avenue, Exampleville",
        created_by=actor,
    )
    offense = Offense.objects.filter(code__startswith="18 U.S.C. 2261A").first()
    if offense:
        incident.offenses.add(offense)
    Victim.objects.create(incident=incident, name=victim, relation=Victim.Relation.OFFICER)
    incident_identifier_add(incident_id=incident.pk, actor=actor, kind="phone", value=phone)
    return incident


def populate(*, offices) -> None:
    from accounts.models import User
    from cases.models import Case
    from cases.services import case_open, incident_share
    from intel.models import RecipientAgency, Subject
    from intel.services import IdentifierInput, subject_approve, subject_propose
    from intel.services.subjects import office_today

    if len(offices) < 2 or Case.objects.filter(title=DEMO_TITLE).exists():
        return
    first, second = offices[0], offices[1]

    def user(office, role):
        return User.objects.get(username=f"{office.code}-{role}")

    sup_a, sup_b = user(first, "supervisor"), user(second, "supervisor")
    victim = "Officer Avery Quill (synthetic)"
    i1 = _incident(first, victim, 40, "(555) 010-0142", sup_a)
    _incident(first, "Officer Rowan Pike (synthetic)", 20, "555.010.0142", sup_a)
    i3 = _incident(second, victim, 10, "+1 555 010 0142", sup_b)
    case = case_open(actor=sup_a, title=DEMO_TITLE, incident_ids=[i1.pk])
    offense = i1.offenses.first()
    if offense is None:
        return
    subject = subject_propose(
        actor=user(first, "analyst"),
        label="Unidentified caller from 555-010-0142 (synthetic)",
        case_id=case.pk,
        predicate_offense_id=offense.pk,
        predicate_element=offense.elements[0] if offense.elements else "course of conduct",
        predicate_facts="SYNTHETIC: repeated calls naming the officer's home street.",
        predicate_source="Victim statement (synthetic)",
        # The date of the facts is written in the office's local date (never its tomorrow).
        predicate_date=office_today(first),
        collection_method="officer_observation",
        sensitivity="open",
        source_reliability="reliable",
        content_validity="probable",
        control_official=sup_a,
        identifiers=[IdentifierInput("phone", "555-010-0142")],
    )
    subject_approve(
        subject=subject,
        approver=user(first, "rs-approver"),
        reason="SYNTHETIC: the facts meet reasonable suspicion.",
        lawfully_obtained=True,
    )
    incident_share(
        incident_id=i3.pk,
        office_id=first.pk,
        actor=sup_b,
        reason="SYNTHETIC: the same number threatens an officer of the other office.",
    )
    today = timezone.localdate()
    RecipientAgency.objects.get_or_create(
        name="Exampleville County Sheriff (synthetic)",
        defaults={
            "address": "1 Fictional Plaza, Exampleville",
            "is_law_enforcement": True,
            "agreement_signed": today - dt.timedelta(days=100),
            "agreement_expires": today + dt.timedelta(days=265),
            # Where correction and purge notices go (28 CFR 23.20(h)); a reserved test domain.
            "contact_email": "intel-desk@sheriff.example.invalid",
            "synthetic": True,
        },
    )
    RecipientAgency.objects.get_or_create(
        name="Exampleville School District (synthetic)",
        defaults={
            "address": "2 Fictional Road, Exampleville",
            "is_law_enforcement": False,
            "synthetic": True,
        },
    )
    assert Subject.objects.filter(pk=subject.pk, status="active").exists()
