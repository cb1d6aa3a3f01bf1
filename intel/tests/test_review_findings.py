"""Review findings in intel/: the purge queue, expired subjects, probes without the capability,
and "today" for the date of the facts.

Legal-controls C-10 (28 CFR 23.20(e)): a restricted subject is shown only to who may open it.
C-18 (28 CFR 23.20(h)): an expired subject is queued for purge and no longer searchable.
28 CFR 23.20(c): the facts behind reasonable suspicion have already happened. All data synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.models import FieldOffice
from audit.models import AuditEvent
from cases.tests.factories import active_subject, make_incident, propose_kwargs
from intel import selectors, services
from intel.models import ControlOfficialNotice, Subject

pytestmark = pytest.mark.django_db

PURGE_REASON = "Synthetic: purge reason only the purge workflow may read."


def _restricted(world):
    # Control official: office A's supervisor (propose_kwargs).
    return active_subject(world, sensitivity="restricted")


# 1. The purge queue lists only the purges of subjects the user may open (C-10) ---------------


def test_an_analyst_does_not_see_the_purge_request_of_a_restricted_subject(world, signed_in):
    subject = _restricted(world)
    request = services.purge_request(
        record=subject,
        approver=world.user("a", "supervisor"),
        schedule_item="Synthetic schedule 1.1",
        reason=PURGE_REASON,
    )
    analyst = world.user("a", "analyst")
    assert list(selectors.review_queue(user=analyst)["purges"]) == []
    page = signed_in(analyst).get(reverse("intel:review"))
    assert page.status_code == 200
    assert PURGE_REASON not in page.content.decode()
    # The second approver (its purge step) and oversight still see it.
    for role in ("rs_approver", "oversight"):
        assert list(selectors.review_queue(user=world.user("a", role))["purges"]) == [request]
    page = signed_in(world.user("a", "rs_approver")).get(reverse("intel:review"))
    assert PURGE_REASON in page.content.decode()


def test_the_purge_request_of_an_open_subject_stays_listed_to_its_office(world):
    subject = active_subject(world)
    request = services.purge_request(
        record=subject,
        approver=world.user("a", "supervisor"),
        schedule_item="Synthetic schedule 1.1",
        reason=PURGE_REASON,
    )
    assert list(selectors.review_queue(user=world.user("a", "rs_approver"))["purges"]) == [request]
    assert list(selectors.review_queue(user=world.user("b", "rs_approver"))["purges"]) == []


# 2. An expired subject opens only for oversight and its office's purge approvers (C-18) -------


def test_an_expired_subject_no_longer_opens_by_number_for_the_whole_office(world, signed_in):
    subject = active_subject(world)
    Subject.objects.filter(pk=subject.pk).update(status=Subject.Status.EXPIRED)
    page = reverse("intel:subject", args=[subject.pk])
    api = reverse("api:intel_subject", kwargs={"subject_id": subject.pk})
    analyst = world.user("a", "analyst")
    assert signed_in(analyst).get(page).status_code == 404
    assert signed_in(analyst).get(api).status_code == 404
    with pytest.raises(Http404):
        selectors.subject_in_scope(subject_id=subject.pk, user=analyst)
    # Its purge step: the purge approvers of its office (and oversight) still open it.
    for role in ("supervisor", "rs_approver", "oversight"):
        assert signed_in(world.user("a", role)).get(page).status_code == 200
    # Another office's purge approver has no step on it.
    assert signed_in(world.user("b", "supervisor")).get(page).status_code == 404


def test_an_expired_subject_can_still_be_purged_by_two_approvers(world, signed_in):
    subject = active_subject(world)
    Subject.objects.filter(pk=subject.pk).update(status=Subject.Status.EXPIRED)
    first = signed_in(world.user("a", "supervisor"))
    response = first.post(
        reverse("intel:purge_request", args=[subject.pk]),
        {"schedule_item": "Synthetic schedule 1.1", "reason": PURGE_REASON},
    )
    assert response.status_code == 302
    request = subject.purge_requests.get()
    queue = selectors.review_queue(user=world.user("a", "rs_approver"))
    assert list(queue["expired"]) == [subject] and list(queue["purges"]) == [request]
    second = signed_in(world.user("a", "rs_approver"))
    assert second.post(reverse("intel:purge_approve", args=[request.pk])).status_code == 302
    assert not Subject.objects.filter(pk=subject.pk).exists()


# 3. Without the subject-view capability: 403 for restricted and open alike, no notice ----------


def test_a_user_without_the_capability_cannot_tell_restricted_numbers_from_open_ones(
    world, signed_in
):
    restricted, open_one = _restricted(world), active_subject(world)
    officer = world.user("a", "field_officer")  # of the office, no subject-view capability
    client = signed_in(officer)
    for subject in (restricted, open_one):
        assert client.get(reverse("intel:subject", args=[subject.pk])).status_code == 403
        api = reverse("api:intel_subject", kwargs={"subject_id": subject.pk})
        assert client.get(api).status_code == 403
        with pytest.raises(PermissionDenied):
            selectors.subject_get_for_user(subject_id=subject.pk, user=officer)
    # A probe writes no notice to the control official and no restricted-hit audit event.
    assert not ControlOfficialNotice.objects.filter(searcher=officer).exists()
    assert not AuditEvent.objects.filter(actor=officer, verb="subject.restricted_hit").exists()
    # Another office (whatever its roles) and a number that does not exist: not found.
    other = signed_in(world.user("b", "field_officer"))
    assert other.get(reverse("intel:subject", args=[open_one.pk])).status_code == 404
    missing = max(restricted.pk, open_one.pk) + 1000
    assert client.get(reverse("intel:subject", args=[missing])).status_code == 404


def test_a_user_with_the_capability_still_gets_not_found_and_the_official_is_told(world):
    restricted = _restricted(world)
    analyst = world.user("a", "analyst")
    with pytest.raises(Http404):
        selectors.subject_get_for_user(subject_id=restricted.pk, user=analyst)
    assert ControlOfficialNotice.objects.filter(searcher=analyst, subject=restricted).count() == 1


# 4. "Today" for the date of the facts is the office's local date ------------------------------


def _propose(world, **overrides) -> Subject:
    incident = make_incident(world.offices["a"])
    return services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(incident, world.user("a", "supervisor"), **overrides),
    )


# 2026-03-11 02:00 UTC is still the evening of 2026-03-10 in New York (UTC-4 since 8 March).
WEST_EVENING = dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.UTC)


def test_tomorrow_in_an_office_west_of_utc_is_the_future(world):
    office = world.offices["a"]
    office.timezone = "America/New_York"
    office.save(update_fields=["timezone"])
    with time_machine.travel(WEST_EVENING, tick=False):
        local_today, utc_today = dt.date(2026, 3, 10), dt.date(2026, 3, 11)
        with pytest.raises(ValidationError) as exc:
            _propose(world, predicate_date=utc_today)
        assert set(exc.value.message_dict) == {"predicate_date"}
        assert _propose(world, predicate_date=local_today).predicate_date == local_today


def test_a_correction_to_tomorrow_in_an_office_west_of_utc_is_refused(world):
    office = world.offices["a"]
    office.timezone = "America/New_York"
    office.save(update_fields=["timezone"])
    with time_machine.travel(WEST_EVENING, tick=False):
        subject = active_subject(world, predicate_date=dt.date(2026, 3, 9))
        with pytest.raises(ValidationError) as exc:
            services.subject_correct(
                subject=subject,
                actor=world.user("a", "rs_approver"),
                field_changes={"predicate_date": "2026-03-11"},
                reason="Synthetic: date typed wrong.",
            )
        assert set(exc.value.message_dict) == {"predicate_date"}


def test_an_office_without_a_time_zone_uses_the_utc_date(world):
    FieldOffice.objects.filter(pk=world.offices["a"].pk).update(timezone="")
    world.offices["a"].refresh_from_db()
    with time_machine.travel(WEST_EVENING, tick=False):
        today = dt.date(2026, 3, 11)
        assert _propose(world, predicate_date=today).predicate_date == today
        with pytest.raises(ValidationError):
            _propose(world, predicate_date=today + dt.timedelta(days=1))
