"""The shared contract: offenses loaded, submit screens, selectors scope by office and share."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from audit.models import AuditEvent
from incidents import selectors, services
from incidents.models import Incident, IncidentShare, Offense

pytestmark = pytest.mark.django_db


def test_offense_reference_data_is_loaded_with_elements_and_nibrs():
    codes = set(Offense.objects.values_list("code", flat=True))
    assert {"18 U.S.C. 111(a)", "18 U.S.C. 119", "18 U.S.C. 875(c)", "18 U.S.C. 1505"} <= codes
    assert len(codes) == 10
    assert Offense.objects.get(code="18 U.S.C. 1361").nibrs_code == "290"
    assert all(o.elements for o in Offense.objects.all())


def test_submit_runs_screening_and_the_state_machine_with_audit(world):
    officer = world.user("a", "field_officer")
    incident = services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=["physical_contact"],
        narrative="Synthetic test: a person shoved the officer during an arrest.",
        offenses=["18 U.S.C. 111(a)"],
        actor=officer,
    )
    assert incident.status == Incident.Status.OPEN
    assert incident.screening_outcome == "eligible"
    assert not incident.is_protected_only
    assert incident.reference.startswith("CST-")
    moves = AuditEvent.objects.filter(verb="incident.transition", target_id=str(incident.pk))
    assert [(e.data["from"], e.data["to"]) for e in moves.order_by("id")] == [
        ("received", "screening"),
        ("screening", "open"),
    ]
    assert all(e.actor_id == officer.pk for e in moves)


def test_offense_the_conduct_cannot_support_is_refused(world):
    with pytest.raises(ValidationError) as err:
        services.incident_submit(
            office=world.offices["a"],
            channel="field_report",
            conduct=["property_damage"],
            narrative="Synthetic test: a window was broken.",
            offenses=["18 U.S.C. 119"],
            actor=world.user("a", "field_officer"),
        )
    assert "offenses" in err.value.message_dict
    assert Incident.objects.count() == 0


def test_selectors_scope_by_office_and_share_and_hide_the_rest_as_404(world):
    incident = services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=["blocking"],
        narrative="Synthetic test: a car blocked the vehicle.",
        actor=world.user("a", "field_officer"),
    )
    b_officer = world.user("b", "field_officer")
    assert incident not in selectors.incidents_visible_to(b_officer)
    with pytest.raises(Http404):
        selectors.incident_get_for_user(incident_id=incident.pk, user=b_officer)
    with pytest.raises(Http404):
        selectors.incident_get_for_user(incident_id=999999, user=b_officer)
    IncidentShare.objects.create(
        incident=incident,
        office=world.offices["b"],
        reason="Synthetic test share",
        shared_by=world.user("a", "supervisor"),
    )
    assert selectors.incident_get_for_user(incident_id=incident.pk, user=b_officer) == incident
    assert incident in selectors.incidents_visible_to(world.user("b", "oversight"))
