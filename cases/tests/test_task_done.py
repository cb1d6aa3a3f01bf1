"""Completing a case task from the case page (a button per open task) and the API.

case_task_done existed with no route. Now: POST /cases/<id>/tasks/<task_id>/done/ (back to the
case with a message) and POST /api/v1/cases/{id}/tasks/{task_id}/done. Lead office managers
only; another office gets 404 as for a missing case; a task of another case is not found; a
second completion records nothing. All data synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Case, CaseTask
from cases.tests.factories import make_incident

pytestmark = pytest.mark.django_db


def _case(world, title="Synthetic case with tasks") -> Case:
    return services.case_open(
        actor=world.user("a", "supervisor"),
        title=title,
        incident_ids=[make_incident(world.offices["a"]).pk],
    )


def _task(world, case: Case, title="Synthetic task: call the victim back") -> CaseTask:
    return services.case_task_add(
        case=case,
        actor=world.user("a", "supervisor"),
        title=title,
        owner=world.user("a", "analyst"),
        due_date=dt.date(2030, 1, 31),
    )


def _page(task: CaseTask) -> str:
    return reverse("cases:task_done", args=[task.case_id, task.pk])


def _api(task: CaseTask, case_id: int | None = None) -> str:
    return reverse(
        "api:cases_task_done",
        kwargs={"case_id": case_id or task.case_id, "task_id": task.pk},
    )


def _done_events(task: CaseTask):
    return AuditEvent.objects.filter(verb="case.task_done", target_id=str(task.case_id)).filter(
        data__task=task.pk
    )


def test_the_case_page_offers_a_button_per_open_task_and_marks_it_done(world, signed_in):
    case = _case(world)
    task, other = _task(world, case), _task(world, case, title="Synthetic task: file the report")
    client = signed_in(world.user("a", "analyst"))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _page(task) in page and _page(other) in page
    response = client.post(_page(task))
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Task marked done."]
    task.refresh_from_db()
    assert task.done_at is not None
    assert case.events.filter(verb="task_done", detail=task.title).count() == 1
    assert _done_events(task).get().actor == world.user("a", "analyst")
    # The done task shows its date, no button; the other keeps its button.
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _page(task) not in page and _page(other) in page
    # A second click changes nothing and records nothing.
    assert client.post(_page(task)).status_code == 302
    assert _done_events(task).count() == 1


def test_the_api_marks_a_task_done_once(world, signed_in):
    case = _case(world)
    task = _task(world, case)
    client = signed_in(world.user("a", "supervisor"))
    response = client.post(_api(task), content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == task.pk and body["done_at"]
    assert client.post(_api(task), content_type="application/json").status_code == 200
    assert _done_events(task).count() == 1
    task.refresh_from_db()
    assert task.done_at is not None


def test_who_may_not_complete_a_task_is_refused(world, signed_in):
    case = _case(world)
    task = _task(world, case)
    # Another office: not found, as for a missing case (even a manager there).
    for user in (world.user("b", "supervisor"), world.user("b", "analyst")):
        client = signed_in(user)
        assert client.post(_page(task)).status_code == 404
        assert client.post(_api(task), content_type="application/json").status_code == 404
    # The lead office without CASE_MANAGE, and the read-only oversight role: 403.
    for user in (world.user("a", "rs_approver"), world.user("a", "oversight")):
        client = signed_in(user)
        assert client.post(_page(task)).status_code == 403
        assert client.post(_api(task), content_type="application/json").status_code == 403
    # A task named under another case of the office is not found there.
    other_case = _case(world, title="Synthetic other case")
    client = signed_in(world.user("a", "supervisor"))
    wrong_page = reverse("cases:task_done", args=[other_case.pk, task.pk])
    assert client.post(wrong_page).status_code == 404
    assert client.post(_api(task, other_case.pk), content_type="application/json").status_code == (
        404
    )
    assert client.get(_page(task)).status_code == 405
    task.refresh_from_db()
    assert task.done_at is None
    assert not _done_events(task).exists()


def test_a_shared_office_sees_the_tasks_but_does_not_complete_them(world, signed_in):
    case = _case(world)
    task = _task(world, case)
    services.case_share(
        case=case,
        office_id=world.offices["b"].pk,
        actor=world.user("a", "supervisor"),
        reason="Synthetic need-to-know: joint investigation.",
    )
    client = signed_in(world.user("b", "supervisor"))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert task.title in page and _page(task) not in page
    assert client.post(_page(task)).status_code == 403
    assert client.post(_api(task), content_type="application/json").status_code == 403
    task.refresh_from_db()
    assert task.done_at is None
