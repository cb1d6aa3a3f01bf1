"""A case share never re-shares an incident another office only shared with us (need to know,
28 CFR 23.20(e)); the skipped incidents are named in the audit and disclosure. Synthetic data."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent, DisclosureRecord
from cases import services as case_services
from cases.tests.factories import make_incident
from common.testing import make_office, make_user
from incidents.models import IncidentShare
from incidents.selectors import incidents_visible_to

pytestmark = pytest.mark.django_db


def test_case_share_skips_incidents_the_office_does_not_own(world):
    charlie = make_office("charlie")
    c_analyst = make_user(charlie, "analyst", username="c-analyst")
    own = make_incident(world.offices["a"])
    theirs = make_incident(world.offices["b"])
    case_services.incident_share(
        incident_id=theirs.pk,
        office_id=world.offices["a"].pk,
        actor=world.user("b", "supervisor"),
        reason="Synthetic: same caller.",
    )
    a_sup = world.user("a", "supervisor")
    case = case_services.case_open(
        actor=a_sup, title="Synthetic case", incident_ids=[own.pk, theirs.pk]
    )
    case_services.case_share(
        case=case, office_id=charlie.pk, actor=a_sup, reason="Synthetic: joint work."
    )
    visible = set(incidents_visible_to(c_analyst).values_list("pk", flat=True))
    assert own.pk in visible
    assert theirs.pk not in visible
    assert not IncidentShare.objects.filter(incident=theirs, office=charlie).exists()
    record = DisclosureRecord.objects.get(target_type="cases.case")
    assert record.released["incidents"] == [own.pk]
    assert record.released["not_shared"] == [theirs.pk]
    event = AuditEvent.objects.get(verb="case.share")
    assert event.data["not_shared"] == [theirs.pk]
