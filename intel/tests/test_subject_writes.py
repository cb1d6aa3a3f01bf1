"""Subject writes: the date of the facts is never in the future; a legal hold locks the row.

Every person, office and date here is synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import active_subject, make_incident, propose_kwargs
from intel import services
from intel.models import Subject
from intel.services.subjects import office_today

pytestmark = pytest.mark.django_db

FUTURE = "The date of the facts cannot be in the future."


def _propose(world, **overrides) -> Subject:
    incident = make_incident(world.offices["a"])
    return services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(incident, world.user("a", "supervisor"), **overrides),
    )


# 28 CFR 23.20(c): reasonable suspicion rests on facts that have happened ---------------------


def test_a_future_date_of_the_facts_is_refused_with_a_clear_message(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _propose(world, predicate_date=tomorrow)
    assert exc.value.message_dict == {"predicate_date": [FUTURE]}
    assert Subject.objects.count() == 0


def test_today_and_past_dates_of_the_facts_are_accepted(world):
    # Today where the facts were written: the office's local date, not the UTC one.
    today = office_today(world.offices["a"])
    assert _propose(world, predicate_date=today).pk
    assert _propose(world, predicate_date=today - dt.timedelta(days=400)).pk


def test_today_in_an_office_east_of_utc_is_not_the_future(world):
    office = world.offices["a"]
    office.timezone = "Pacific/Guam"  # UTC+10: its morning is still yesterday in UTC
    office.save(update_fields=["timezone"])
    with time_machine.travel(dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC), tick=False):
        guam_today = dt.date(2026, 3, 11)
        assert _propose(world, predicate_date=guam_today).predicate_date == guam_today
        with pytest.raises(ValidationError):
            _propose(world, predicate_date=guam_today + dt.timedelta(days=1))


def test_the_api_refuses_a_future_date_of_the_facts_with_422(world, signed_in):
    incident = make_incident(world.offices["a"])
    body = propose_kwargs(incident, None)
    del body["control_official"]
    body["control_official_id"] = world.user("a", "supervisor").pk
    body["predicate_date"] = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = signed_in(world.user("a", "analyst")).post(
        reverse("api:intel_subject_propose"), body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"]["predicate_date"] == [FUTURE]
    assert Subject.objects.count() == 0


def test_the_page_shows_a_future_date_of_the_facts_as_a_form_error(world, signed_in):
    incident = make_incident(world.offices["a"])
    offense = incident.offenses.first()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    data = {
        "label": "Synthetic caller (future date)",
        "incident_reference": incident.reference,
        "predicate_offense": offense.code,
        "predicate_element": offense.elements[0],
        "predicate_facts": "Synthetic: two calls naming the street of the officer.",
        "predicate_source": "Synthetic statement",
        "predicate_date": future,
        "collection_method": "officer_observation",
        "sensitivity": "open",
        "source_reliability": "reliable",
        "content_validity": "probable",
        "control_official": world.user("a", "supervisor").pk,
    }
    response = signed_in(world.user("a", "analyst")).post(reverse("intel:subject_new"), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors == {"predicate_date": [FUTURE]}
    assert form["predicate_date"].value() == future
    assert Subject.objects.count() == 0


# A legal hold is set under the same row lock as purge and the other subject writes ----------


@pytest.mark.postgres
def test_legal_hold_locks_the_subject_row(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (Django drops FOR UPDATE there)")
    subject = active_subject(world)
    with CaptureQueriesContext(connection) as captured:
        services.subject_legal_hold(
            subject=subject,
            actor=world.user("a", "supervisor"),
            hold=True,
            reason="Synthetic litigation hold",
        )
    locks = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "intel_subject"' in q["sql"] and q["sql"].rstrip().endswith("FOR UPDATE")
    ]
    assert locks, "the subject row is read with SELECT ... FOR UPDATE"
