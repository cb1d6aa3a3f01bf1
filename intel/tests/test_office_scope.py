"""The review queue and the dissemination list are scoped by accounts.permissions.office_q.

A field office sees its own subjects due for review, its purges awaiting a second approver and
its releases; oversight roles see every office; a user without an office sees nothing. The
purge-approval page finds a request the same way (404 for another office's). Synthetic data only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.tests.factories import active_subject, le_agency
from common.testing import make_user
from intel import selectors, services
from intel.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_offices(world):
    """In each office: a subject due within 90 days, a purge awaiting approval, a release."""
    agency = le_agency()
    made = {}
    for key in ("a", "b"):
        due, purged = active_subject(world, key), active_subject(world, key)
        Subject.objects.filter(pk=due.pk).update(review_due=timezone.now() + dt.timedelta(days=30))
        request = services.purge_request(
            record=purged,
            approver=world.user(key, "supervisor"),
            schedule_item="DAA-synthetic",
            reason="Synthetic purge",
        )
        release = services.disseminate_intelligence(
            subject_id=due.pk,
            actor=world.user(key, "supervisor"),
            agency=agency,
            recipient_name="Synthetic Liaison Officer",
            purpose="Synthetic joint threat investigation",
        )
        made[key] = {"due": due, "purge": request, "release": release}
    return made


def _queue(user) -> dict[str, set[int]]:
    queue = selectors.review_queue(user=user)
    return {name: {row.pk for row in queue[name]} for name in ("due", "purges")}


def test_a_field_office_sees_only_its_own_review_queue_and_releases(world, both_offices):
    for key, other in (("a", "b"), ("b", "a")):
        user = world.user(key, "supervisor")
        assert _queue(user) == {
            "due": {both_offices[key]["due"].pk},
            "purges": {both_offices[key]["purge"].pk},
        }
        releases = set(selectors.disseminations_visible_to(user).values_list("pk", flat=True))
        assert releases == {both_offices[key]["release"].pk}
        assert both_offices[other]["release"].pk not in releases


def test_oversight_sees_every_office_and_a_user_without_an_office_sees_nothing(world, both_offices):
    everyone = _queue(world.user("b", "oversight"))
    assert everyone["due"] == {both_offices[k]["due"].pk for k in "ab"}
    assert everyone["purges"] == {both_offices[k]["purge"].pk for k in "ab"}
    nobody = make_user(None, "supervisor", username="no-office-supervisor")
    assert _queue(nobody) == {"due": set(), "purges": set()}
    assert not selectors.disseminations_visible_to(nobody).exists()


def test_the_purge_approval_page_answers_404_for_another_offices_request(
    world, both_offices, signed_in
):
    request = both_offices["a"]["purge"]
    response = signed_in(world.user("b", "rs_approver")).post(
        f"/intel/purges/{request.pk}/approve/"
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == request.Status.AWAITING_SECOND
