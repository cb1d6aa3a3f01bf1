"""Someone of the office refused a restricted subject by number: its control official is told.

Legal-controls C-10: a search by an unrelated user over a restricted record returns nothing and
notifies the control official. Opening the subject by its number (page or API) gets "not found"
since 665b36f; it now notifies the control official the same way, at most once per (user,
subject) per day, so a refresh does not spam. All data synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.factories import active_subject
from common.testing import make_user
from intel import selectors
from intel.models import ControlOfficialNotice
from intel.services.subjects import OPEN_BY_NUMBER

pytestmark = pytest.mark.django_db


def _restricted(world):
    # Control official: office A's supervisor (cases/tests/factories.py propose_kwargs).
    return active_subject(world, sensitivity="restricted")


def _page(subject):
    return reverse("intel:subject", args=[subject.pk])


def _api(subject):
    return reverse("api:intel_subject", kwargs={"subject_id": subject.pk})


def _notices(subject, user):
    return ControlOfficialNotice.objects.filter(subject=subject, searcher=user)


def test_a_refused_opening_by_number_tells_the_control_official_once_a_day(world, signed_in):
    subject = _restricted(world)
    analyst = world.user("a", "analyst")
    client = signed_in(analyst)
    assert client.get(_page(subject)).status_code == 404
    (notice,) = _notices(subject, analyst)
    assert notice.control_official == world.user("a", "supervisor")
    assert notice.context == OPEN_BY_NUMBER
    # A refresh, and the API, the same day: still one notice, each attempt audited.
    assert client.get(_page(subject)).status_code == 404
    assert client.get(_api(subject)).status_code == 404
    assert _notices(subject, analyst).count() == 1
    hits = AuditEvent.objects.filter(
        verb="subject.restricted_hit", actor=analyst, target_id=str(subject.pk)
    )
    assert [e.data["notified"] for e in hits.order_by("id")] == [True, False, False]
    # The control official reads it on the subject list page.
    page = signed_in(world.user("a", "supervisor")).get(reverse("intel:subjects"))
    assert OPEN_BY_NUMBER in page.content.decode()
    # The next day the next attempt notifies again.
    _notices(subject, analyst).update(created_at=notice.created_at - dt.timedelta(days=1))
    assert client.get(_api(subject)).status_code == 404
    assert _notices(subject, analyst).count() == 2


def test_the_api_alone_notifies_too_and_each_person_counts_on_their_own(world, signed_in):
    subject = _restricted(world)
    analyst = world.user("a", "analyst")
    other_analyst = make_user(world.offices["a"], "analyst", username="a-other-analyst")
    assert signed_in(analyst).get(_api(subject)).status_code == 404
    assert signed_in(other_analyst).get(_page(subject)).status_code == 404
    assert _notices(subject, analyst).count() == 1
    assert _notices(subject, other_analyst).count() == 1
    # Without the subject-view capability the answer is 403, as for an open subject, and nobody
    # is told: the number's restriction is not the field officer's to learn (C-10).
    field_officer = world.user("a", "field_officer")
    assert signed_in(field_officer).get(_page(subject)).status_code == 403
    assert not _notices(subject, field_officer).exists()
    # Search notices are their own: a search the same day does not stop the opening's notice.
    searched = _restricted(world)
    selectors.subject_search(user=analyst, query=searched.label)
    assert _notices(searched, analyst).exclude(context=OPEN_BY_NUMBER).count() == 1
    assert signed_in(analyst).get(_page(searched)).status_code == 404
    assert _notices(searched, analyst).filter(context=OPEN_BY_NUMBER).count() == 1


def test_no_notice_for_who_may_open_it_another_office_or_an_open_subject(world, signed_in):
    subject = _restricted(world)
    for user in (world.user("a", "supervisor"), world.user("a", "oversight")):
        assert signed_in(user).get(_page(subject)).status_code == 200
    # Another office: the number is as if it did not exist; nobody is told.
    assert signed_in(world.user("b", "analyst")).get(_page(subject)).status_code == 404
    open_subject = active_subject(world)
    assert signed_in(world.user("a", "analyst")).get(_page(open_subject)).status_code == 200
    assert not ControlOfficialNotice.objects.exists()
    assert not AuditEvent.objects.filter(verb="subject.restricted_hit").exists()


def test_a_refused_action_on_a_restricted_subject_notifies_as_well(world, signed_in):
    subject = _restricted(world)
    analyst = world.user("a", "analyst")
    response = signed_in(analyst).post(reverse("intel:disseminate", args=[subject.pk]), {})
    assert response.status_code == 404
    assert _notices(subject, analyst).count() == 1
