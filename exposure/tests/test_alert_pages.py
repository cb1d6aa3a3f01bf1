"""The alert page: a refused close or measure keeps what was typed; an alert's read is audited once,
by the one selector the page and the API share (28 CFR 23.20(g)).

SYNTHETIC TEST DATA (see factories.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from exposure import services
from exposure.models import ExposureAlert
from exposure.tests.factories import lucia_values, make_person

pytestmark = pytest.mark.django_db

REASON = "Synthetic close note: the host removed the flyer and patrol was briefed."


@pytest.fixture
def alert(world) -> ExposureAlert:
    person = make_person(
        world.offices["a"], lucia_values(), "R-001", user=world.user("a", "field_officer")
    )
    return ExposureAlert.objects.create(
        person=person,
        office=person.office,
        source_type="text",
        source_key="synthetic-1",
        source_label="synthetic pasted post",
        identifier_types=["phone"],
        restricted=True,
    )


def _reads(alert: ExposureAlert) -> int:
    return AuditEvent.objects.filter(verb="exposure_alert.read", target_id=str(alert.pk)).count()


def test_a_refused_close_keeps_the_reason_typed(world, signed_in, alert):
    unit = signed_in(world.user("a", "protective_unit"))
    url = reverse("exposure:alert_close", args=[alert.pk])

    blank = unit.post(url, {"reason": "  "})
    assert blank.status_code == 422
    assert "This field is required." in blank.content.decode()

    # Closed meanwhile by a colleague: the refusal is shown and the reason typed is still there.
    services.alert_close(
        alert=alert, actor=world.user("a", "protective_unit"), reason="Synthetic: closed first."
    )
    late = unit.post(url, {"reason": REASON})
    assert late.status_code == 422
    page = late.content.decode()
    assert "cannot become closed" in page and REASON in page
    alert.refresh_from_db()
    assert alert.close_reason == "Synthetic: closed first."


def test_a_refused_measure_keeps_the_choice_and_shows_why(world, signed_in, alert):
    unit = signed_in(world.user("a", "protective_unit"))
    refused = unit.post(reverse("exposure:alert_measure", args=[alert.pk]), {"kind": "other"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Describe the measure taken." in page
    assert '<option value="other" selected>' in page
    assert not alert.measures.exists()


def test_page_and_api_read_an_alert_once_and_actions_are_not_reads(world, signed_in, alert):
    unit = signed_in(world.user("a", "protective_unit"))
    assert unit.get(reverse("exposure:alert", args=[alert.pk])).status_code == 200
    assert _reads(alert) == 1
    assert unit.get(f"/api/v1/exposure/alerts/{alert.pk}").status_code == 200
    assert _reads(alert) == 2

    # A close is audited as a close; the page shown after it is the one read.
    url = reverse("exposure:alert_close", args=[alert.pk])
    done = unit.post(url, {"reason": REASON}, follow=True)
    assert done.status_code == 200 and "Closed because" in done.content.decode()
    assert _reads(alert) == 3
    assert AuditEvent.objects.filter(verb="exposure_alert.close", target_id=str(alert.pk)).exists()
    acknowledge = reverse("exposure:alert_acknowledge", args=[alert.pk])
    assert unit.post(acknowledge).status_code == 302  # refused (closed): a message, no read
    assert _reads(alert) == 3

    # Another office: as if it did not exist, and no read is logged.
    other = signed_in(world.user("b", "protective_unit"))
    assert other.get(reverse("exposure:alert", args=[alert.pk])).status_code == 404
    assert other.post(url, {"reason": REASON}).status_code == 404
    assert _reads(alert) == 3
