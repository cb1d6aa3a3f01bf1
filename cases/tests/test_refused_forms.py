"""Case pages: a refused submit gives the form back with the error and what was typed (422).

Transition, share, task, investigator, incident share and incident identifier used to flash the
refusal and redirect to the case, losing the typed reason or title. Now the form comes back
(common/formpage.py) with the service's explanation on the field it concerns and nothing
changed; success still redirects with a message. All data synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases import services
from cases.models import Case, CaseShare, CaseTask, IncidentIdentifier
from cases.tests.factories import make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world) -> Case:
    return services.case_open(
        actor=world.user("a", "supervisor"),
        title="Synthetic case for refused forms",
        incident_ids=[make_incident(world.offices["a"]).pk],
    )


@pytest.fixture
def client(world, signed_in):
    return signed_in(world.user("a", "supervisor"))


def _form(response):
    return response.context["form"]


def _refused(response) -> None:
    assert response.status_code == 422
    assert [str(m) for m in get_messages(response.wsgi_request)] == []


def test_a_refused_transition_keeps_the_typed_reason(case, client):
    typed = "Synthetic: the prosecutor asked for the file again."
    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to": "open", "reason": typed}
    )
    _refused(response)
    # The service's refusal (its "status" key) lands on the status field of the form.
    assert _form(response).errors["to"] == ["A case cannot go from open to open."]
    assert _form(response)["reason"].value() == typed
    assert typed in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_reopening_without_a_reason_says_so_on_the_reason(case, client, world):
    services.case_transition(case=case, actor=world.user("a", "supervisor"), to="closed")
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to": "open"})
    _refused(response)
    assert _form(response).errors["reason"] == ["Write why the case is reopened."]
    assert _form(response)["to"].value() == "open"
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_a_transition_that_goes_through_still_redirects(case, client):
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to": "referred"})
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED


def test_a_refused_share_keeps_the_typed_reason(case, client, world):
    office_b = world.offices["b"]
    services.case_share(
        case=case, office_id=office_b.pk, actor=world.user("a", "supervisor"), reason="First."
    )
    typed = "Synthetic: the same caller phoned their desk as well."
    response = client.post(
        reverse("cases:share", args=[case.pk]), {"office": office_b.pk, "reason": typed}
    )
    _refused(response)
    assert _form(response).errors["office"] == ["Already shared with that office."]
    assert _form(response)["reason"].value() == typed
    assert CaseShare.objects.filter(case=case).count() == 1


def test_a_refused_task_keeps_the_typed_title_and_date(case, client, world):
    typed = "Synthetic: call the victim back about the second letter"
    outsider = world.user("b", "analyst")
    response = client.post(
        reverse("cases:task_add", args=[case.pk]),
        {"title": typed, "owner": outsider.pk, "due_date": "2030-01-31"},
    )
    _refused(response)
    assert set(_form(response).errors) == {"owner"}
    assert _form(response)["title"].value() == typed
    assert _form(response)["due_date"].value() == "2030-01-31"
    assert typed in response.content.decode()
    assert not CaseTask.objects.filter(case=case).exists()


def test_a_task_that_goes_through_still_redirects(case, client, world):
    response = client.post(
        reverse("cases:task_add", args=[case.pk]),
        {
            "title": "Synthetic: file the report",
            "owner": world.user("a", "analyst").pk,
            "due_date": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert CaseTask.objects.filter(case=case).count() == 1


def test_a_refused_assignment_says_why(case, client, world):
    response = client.post(
        reverse("cases:assign", args=[case.pk]), {"investigator": world.user("b", "analyst").pk}
    )
    _refused(response)
    assert set(_form(response).errors) == {"investigator"}
    case.refresh_from_db()
    assert case.investigator is None


def test_a_refused_incident_share_keeps_the_typed_reason(case, client, world):
    incident = case.incident_rows.get().incident
    office_b = world.offices["b"]
    services.incident_share(
        incident_id=incident.pk,
        office_id=office_b.pk,
        actor=world.user("a", "supervisor"),
        reason="First.",
    )
    typed = "Synthetic: their officer took the second call."
    response = client.post(
        reverse("cases:incident_share", args=[incident.pk]),
        {"office": office_b.pk, "reason": typed},
    )
    _refused(response)
    assert _form(response).errors["office"] == ["Already shared with that office."]
    assert _form(response)["reason"].value() == typed


def test_a_refused_identifier_keeps_the_value_and_the_way_back_to_the_case(case, client):
    incident = case.incident_rows.get().incident
    response = client.post(
        reverse("cases:incident_identifier", args=[incident.pk]),
        {"kind": "phone", "value": "not a number (synthetic)", "case_id": case.pk},
    )
    _refused(response)
    assert "value" in _form(response).errors
    assert _form(response)["value"].value() == "not a number (synthetic)"
    page = response.content.decode()
    # Submitting again still returns to the case, and the link back names it.
    assert f'name="case_id" value="{case.pk}"' in page
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in page
    assert not IncidentIdentifier.objects.filter(incident=incident).exists()
