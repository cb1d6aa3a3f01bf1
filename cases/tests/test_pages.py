"""Pages: bad input gets a clear error and loses nothing; good input goes through. Synthetic."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import make_incident
from intel.models import Subject
from intel.services.subjects import office_today

pytestmark = pytest.mark.django_db


def test_case_form_keeps_input_and_names_the_unknown_incident(world, signed_in):
    incident = make_incident(world.offices["a"])
    other = make_incident(world.offices["b"])
    client = signed_in(world.user("a", "supervisor"))
    response = client.post(
        reverse("cases:new"),
        {
            "title": "Synthetic title kept",
            "incident_references": f"{incident.reference} {other.reference}",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Synthetic title kept" in text and other.reference in text
    assert Case.objects.count() == 0
    response = client.post(
        reverse("cases:new"),
        {"title": "Synthetic case", "incident_references": incident.reference.lower()},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])


def test_subject_form_keeps_input_on_error_and_proposes_when_complete(world, signed_in):
    incident = make_incident(world.offices["a"])
    offense = incident.offenses.first()
    client = signed_in(world.user("a", "analyst"))
    data = {
        "label": "Synthetic caller kept",
        "incident_reference": incident.reference,
        "predicate_offense": offense.code,
        "predicate_element": offense.elements[0],
        "predicate_facts": "",
        "predicate_source": "Synthetic statement",
        "predicate_date": office_today(incident.office).isoformat(),
        "collection_method": "officer_observation",
        "sensitivity": "open",
        "source_reliability": "reliable",
        "content_validity": "probable",
        "control_official": world.user("a", "supervisor").pk,
        "identifier_kind": "phone",
        "identifier_value": "555-010-0111",
    }
    response = client.post(reverse("intel:subject_new"), data)
    assert response.status_code == 422
    assert "Synthetic caller kept" in response.content.decode()
    assert Subject.objects.count() == 0
    data["predicate_facts"] = "Synthetic: two calls naming the officer's street."
    data["collection_method"] = "legal_process"
    response = client.post(reverse("intel:subject_new"), data)
    assert response.status_code == 422 and "reference" in response.content.decode()
    data["process_reference"] = "SUBPOENA-0001 (synthetic)"
    response = client.post(reverse("intel:subject_new"), data)
    subject = Subject.objects.get()
    assert response.status_code == 302
    assert subject.identifiers.get().normalized == "+15550100111"
    page = signed_in(world.user("a", "rs_approver")).get(
        reverse("intel:subject", args=[subject.pk])
    )
    assert "Reasonable-suspicion decision" in page.content.decode()


def test_identifier_recorded_from_the_case_page_proposes_a_link(world, signed_in):
    from cases.tests.factories import active_subject

    subject = active_subject(world, identifiers=[("plate", "ABC-1O2")])
    incident = make_incident(world.offices["a"])
    client = signed_in(world.user("a", "supervisor"))
    case = Case.objects.create(
        title="Synthetic", lead_office=world.offices["a"], created_by=world.user("a", "supervisor")
    )
    case.incident_rows.create(incident=incident, added_by=world.user("a", "supervisor"))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:incident_identifier", args=[incident.pk]) in page
    response = client.post(
        reverse("cases:incident_identifier", args=[incident.pk]),
        {"kind": "plate", "value": "a8c 102", "case_id": case.pk},
    )
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert subject.links.get().incident == incident
    response = client.post(
        reverse("cases:incident_identifier", args=[incident.pk]),
        {"kind": "phone", "value": "not a number", "case_id": case.pk},
        follow=True,
    )
    assert "not a phone number" in response.content.decode()
