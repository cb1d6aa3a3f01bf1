"""Protected-only incidents keep no links, officer-only victims, bare places; offenses guarded.

5 U.S.C. 552a(e)(7). SYNTHETIC TEST DATA: every name, street and phone here is invented.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from exposure.models import ExposureAlert
from exposure.tests.factories import lucia_values, make_person
from incidents import services
from incidents.models import Incident

pytestmark = pytest.mark.django_db


def _submit(world, conduct, **extra):
    return services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=conduct,
        narrative=extra.pop("narrative", "Synthetic test narrative."),
        actor=world.user("a", "field_officer"),
        **extra,
    )


def _alert_on(world, incident):
    person = make_person(world.offices["a"], lucia_values(), "SYN-LINK-1")
    return ExposureAlert.objects.create(
        person=person,
        office=world.offices["a"],
        source_type=ExposureAlert.SourceType.TEXT,
        source_key=f"synthetic-{incident.pk}",
        source_label="Synthetic test text",
        incident=incident,
    )


def test_conduct_change_to_protected_only_is_refused_while_records_point_at_it(world):
    officer = world.user("a", "field_officer")
    incident = _submit(world, ["physical_contact"])
    _alert_on(world, incident)
    with pytest.raises(ValidationError) as caught:
        services.incident_update_conduct(
            incident=incident, conduct=["recording"], actor=officer, reason="only filmed"
        )
    assert "exposure alert" in str(caught.value)
    incident.refresh_from_db()
    assert not incident.is_protected_only and incident.conduct == ["physical_contact"]


def test_purge_deletes_each_due_incident_alone_and_audits_the_blocked_one(world, settings):
    settings.CUSTOS_PROTECTED_ONLY_PURGE_DAYS = 1
    blocked = _submit(world, ["recording"])
    free = _submit(world, ["recording"])
    _alert_on(world, blocked)
    later = timezone.now() + timedelta(days=2)
    assert services.incidents_purge_protected_only(now=later) == 1
    assert list(Incident.objects.values_list("pk", flat=True)) == [blocked.pk]
    assert AuditEvent.objects.get(verb="incident.purge_protected_only").data["references"] == [
        free.reference
    ]
    event = AuditEvent.objects.get(verb="incident.purge_blocked")
    assert event.data["reference"] == blocked.reference
    assert event.data["links"]


def test_protected_only_officer_victim_keeps_own_name_and_officer_relation(world):
    officer = world.user("a", "field_officer")
    incident = _submit(
        world,
        ["recording"],
        victims=[{"user_id": officer.pk, "name": "Zebulon Quarrytree", "relation": "family"}],
    )
    victim = incident.victims.get()
    assert incident.is_protected_only
    assert victim.name == officer.get_full_name()
    assert victim.relation == "officer"


def test_protected_only_place_refuses_names_and_redacts_identifiers(world):
    with pytest.raises(ValidationError) as caught:
        _submit(world, ["recording"], location_text="Outside the home of Robert Quillbramble")
    assert "location_text" in caught.value.message_dict
    assert not Incident.objects.exists()
    incident = _submit(world, ["recording"], location_text="Lot B, call (202) 555-0143")
    assert "555-0143" not in incident.location_text


def test_offenses_need_a_reason_and_an_open_incident(world):
    officer = world.user("a", "field_officer")
    incident = _submit(world, ["physical_contact"])
    codes = list(incident.offenses.values_list("code", flat=True))
    with pytest.raises(ValidationError) as caught:
        services.incident_set_offenses(
            incident=incident, offenses=codes, actor=officer, reason="  "
        )
    assert "reason" in caught.value.message_dict
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.CLOSED)
    with pytest.raises(ValidationError) as caught:
        services.incident_set_offenses(
            incident=incident, offenses=codes, actor=officer, reason="correcting"
        )
    assert "offenses" in caught.value.message_dict
