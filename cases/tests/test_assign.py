"""Assigning a case's investigator from the page and the API (issue 5 item 1). Synthetic data."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from cases.models import Case
from cases.services import case_open
from cases.tests.factories import make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world) -> Case:
    incident = make_incident(world.offices["a"])
    return case_open(
        actor=world.user("a", "supervisor"), title="Synthetic", incident_ids=[incident.pk]
    )


def test_a_supervisor_assigns_the_investigator_on_the_case_page(case, world, signed_in):
    client = signed_in(world.user("a", "supervisor"))
    analyst = world.user("a", "analyst")
    assert f'action="/cases/{case.pk}/assign/"' in client.get(f"/cases/{case.pk}/").content.decode()

    response = client.post(f"/cases/{case.pk}/assign/", {"investigator": analyst.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.investigator == analyst
    assert case.events.filter(verb="assigned", detail=analyst.get_username()).exists()
    assert AuditEvent.objects.filter(verb="case.assign", target_id=str(case.pk)).exists()


def test_an_investigator_of_another_office_is_refused_and_nothing_changes(case, world, signed_in):
    client = signed_in(world.user("a", "supervisor"))
    outsider = world.user("b", "analyst")
    client.post(f"/cases/{case.pk}/assign/", {"investigator": outsider.pk})
    case.refresh_from_db()
    assert case.investigator is None

    api = client.post(
        f"/api/v1/cases/{case.pk}/assign",
        {"investigator_id": outsider.pk},
        content_type="application/json",
    )
    assert api.status_code == 422
    case.refresh_from_db()
    assert case.investigator is None


def test_the_api_assigns_and_other_offices_and_field_officers_cannot(case, world, signed_in):
    analyst = world.user("a", "analyst")
    body = {"investigator_id": analyst.pk}
    for user, status in (
        (world.user("b", "supervisor"), 404),
        (world.user("a", "field_officer"), 403),
        (world.user("a", "oversight"), 403),
    ):
        response = signed_in(user).post(
            f"/api/v1/cases/{case.pk}/assign", body, content_type="application/json"
        )
        assert response.status_code == status, user.username
    case.refresh_from_db()
    assert case.investigator is None

    response = signed_in(world.user("a", "supervisor")).post(
        f"/api/v1/cases/{case.pk}/assign", body, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["investigator"] == analyst.get_username()
