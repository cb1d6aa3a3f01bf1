"""Synthetic incidents, cases and subjects for the cases and intel tests (never real people)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from incidents.models import Incident, Offense, Victim
from incidents.screening import Outcome
from intel.services.subjects import office_today

_counter = itertools.count(1)

STALKING = "18 U.S.C. 2261A"


def offense(code_prefix: str = STALKING) -> Offense:
    found = Offense.objects.filter(code__startswith=code_prefix).first()
    return found or Offense.objects.order_by("code").first()


def make_incident(
    office,
    *,
    victim_name: str = "Officer Avery Quill (synthetic)",
    victim_user=None,
    outcome: str = Outcome.ELIGIBLE,
    with_offense: bool = True,
    occurred_at: dt.datetime | None = None,
    narrative: str = "Synthetic test narrative: repeated threatening calls.",
) -> Incident:
    """Create an incident directly (screening already done), as the intake app would leave it."""
    n = next(_counter)
    incident = Incident.objects.create(
        office=office,
        channel=Incident.Channel.FIELD_REPORT,
        status=Incident.Status.CLOSED
        if outcome == Outcome.PROTECTED_ONLY
        else Incident.Status.OPEN,
        screening_outcome=outcome,
        conduct=["threat_communicated"],
        narrative=narrative,
        occurred_at=occurred_at or timezone.now() - dt.timedelta(days=30 - n % 20),
        location_text=f"{n} Example Lane (fictional)",
    )
    if with_offense:
        incident.offenses.add(offense())
    Victim.objects.create(
        incident=incident, user=victim_user, name=victim_name, relation=Victim.Relation.OFFICER
    )
    return incident


def propose_kwargs(incident: Incident, control_official, **overrides):
    off = incident.offenses.first()
    values = {
        "label": "Unidentified caller (synthetic)",
        "incident_ids": [incident.pk],
        "predicate_offense_id": off.pk if off else None,
        "predicate_element": (off.elements[0] if off and off.elements else "element"),
        "predicate_facts": "Synthetic: three calls from one number naming the officer's street.",
        "predicate_source": "Victim statement (synthetic)",
        # The office's own today: a UTC date may already be tomorrow there (intel office_today).
        "predicate_date": office_today(incident.office),
        "collection_method": "officer_observation",
        "sensitivity": "open",
        "source_reliability": "reliable",
        "content_validity": "probable",
        "control_official": control_official,
    }
    values.update(overrides)
    return values


def active_subject(world, office_key: str = "a", *, identifiers=(), incident=None, **overrides):
    """Propose (analyst) and approve (RS approver) a subject in one office."""
    from intel.services import IdentifierInput, subject_approve, subject_propose

    analyst = world.user(office_key, "analyst")
    incident = incident or make_incident(world.offices[office_key])
    subject = subject_propose(
        actor=analyst,
        identifiers=[IdentifierInput(*i) for i in identifiers],
        **propose_kwargs(incident, world.user(office_key, "supervisor"), **overrides),
    )
    return subject_approve(
        subject=subject,
        approver=world.user(office_key, "rs_approver"),
        reason="Synthetic: facts meet reasonable suspicion.",
        lawfully_obtained=True,
    )


def le_agency(**overrides):
    """A synthetic law-enforcement agency with a current agreement."""
    from intel.models import RecipientAgency

    today = timezone.localdate()
    values = {
        "name": "Synthetic County Sheriff (test)",
        "address": "1 Fictional Plaza, Exampleville",
        "is_law_enforcement": True,
        "agreement_signed": today - dt.timedelta(days=365),
        "agreement_expires": today + dt.timedelta(days=365),
        "synthetic": True,
    }
    values.update(overrides)
    return RecipientAgency.objects.create(**values)


def correction_notice(world):
    """One correction notice to one past recipient (a release, then a correction), not yet sent."""
    from intel import services
    from intel.models import RecipientNotice

    subject = active_subject(world)
    services.disseminate_intelligence(
        subject_id=subject.pk,
        actor=world.user("a", "supervisor"),
        agency=le_agency(),
        recipient_name="Synthetic Liaison Officer",
        purpose="Synthetic joint threat investigation",
    )
    services.subject_correct(
        subject=subject,
        actor=world.user("a", "rs_approver"),
        field_changes={"source_reliability": "unreliable"},
        reason="Synthetic: the source was misread.",
    )
    return RecipientNotice.objects.get()
