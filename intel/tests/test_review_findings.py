"""Review findings in intel/: the purge queue, expired subjects, probes without the capability.

Legal-controls C-10 (28 CFR 23.20(e)): a restricted subject is shown only to who may open it.
C-18 (28 CFR 23.20(h)): an expired subject is queued for purge and no longer searchable.
All data synthetic.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.factories import active_subject
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
