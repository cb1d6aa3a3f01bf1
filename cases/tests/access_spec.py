"""Access expectations for the cases routes (read by common/tests/test_access_matrix.py).

Office A owns the case and the incident; office B users get 404 as for a missing record. API
writes are walked with valid JSON bodies (the matrix sends JSON to API routes), so each status is
the authorisation answer. Writes that change what an office may see (shares, transitions) get a
fresh case or incident per actor. Synthetic data only.
"""

from datetime import date

from accounts.permissions import Perm
from common.testing import Route, api_call, api_write, office_record, page


def _incident(world):
    from cases.tests.factories import make_incident

    if "cases_incident" not in world.objects:
        world.objects["cases_incident"] = make_incident(world.offices["a"])
    return world.objects["cases_incident"]


def _case(world):
    from cases.services import case_open

    if "case" not in world.objects:
        world.objects["case"] = case_open(
            actor=world.user("a", "supervisor"),
            title="Synthetic matrix case",
            incident_ids=[_incident(world).pk],
        )
    return world.objects["case"]


def _case_kwargs(world):
    return {"case_id": _case(world).pk}


def _incident_kwargs(world):
    return {"incident_id": _incident(world).pk}


def _task_kwargs(world):
    # Completing a task is idempotent: every actor meets the same task, open or done.
    from cases.services import case_task_add

    if "case_task" not in world.objects:
        world.objects["case_task"] = case_task_add(
            case=_case(world),
            actor=world.user("a", "supervisor"),
            title="Synthetic task: call the victim back",
            owner=world.user("a", "analyst"),
            due_date=date(2030, 1, 31),
        )
    return {"case_id": _case(world).pk, "task_id": world.objects["case_task"].pk}


def _fresh_case_kwargs(world):
    # A case per actor: a transition or a share changes what the next actor would meet.
    from cases.services import case_open
    from cases.tests.factories import make_incident

    case = case_open(
        actor=world.user("a", "supervisor"),
        title="Synthetic matrix case (fresh)",
        incident_ids=[make_incident(world.offices["a"]).pk],
    )
    return {"case_id": case.pk}


def _fresh_incident_kwargs(world):
    from cases.tests.factories import make_incident

    return {"incident_id": make_incident(world.offices["a"]).pk}


def _share_body(world):
    return {"office_id": world.offices["b"].pk, "reason": "Synthetic need-to-know: same caller."}


ROUTES = [
    Route("cases:list", page(Perm.CASE_VIEW)),
    Route("cases:new", page(Perm.CASE_MANAGE)),
    Route("cases:detail", office_record(Perm.CASE_VIEW), kwargs=_case_kwargs),
    Route("cases:chart", office_record(Perm.CASE_VIEW), kwargs=_case_kwargs),
    # Empty forms are refused: the form comes back with its errors (422), nothing is lost.
    Route(
        "cases:transition",
        office_record(Perm.CASE_MANAGE, ok=422),
        method="POST",
        kwargs=_case_kwargs,
    ),
    Route("cases:share", office_record(Perm.SHARE, ok=422), method="POST", kwargs=_case_kwargs),
    Route(
        "cases:task_add",
        office_record(Perm.CASE_MANAGE, ok=422),
        method="POST",
        kwargs=_case_kwargs,
    ),
    # Nothing is typed: done, back to the case (302).
    Route(
        "cases:task_done",
        office_record(Perm.CASE_MANAGE, ok=302),
        method="POST",
        kwargs=_task_kwargs,
    ),
    Route(
        "cases:incident_share",
        office_record(Perm.SHARE, ok=422),
        method="POST",
        kwargs=_incident_kwargs,
    ),
    Route(
        "cases:incident_identifier",
        office_record(Perm.CASE_MANAGE, ok=422),
        method="POST",
        kwargs=_incident_kwargs,
    ),
    Route("api:cases_list", api_call(Perm.CASE_VIEW), api=True),
    Route("api:cases_counts", api_call(Perm.CASE_VIEW), api=True),
    # Opening a case groups incidents the office can see: office B cannot see office A's.
    Route(
        "api:cases_open",
        api_write(Perm.CASE_MANAGE, ok=201, in_body=True),
        method="POST",
        data=lambda w: {"title": "Synthetic matrix case", "incident_ids": [_incident(w).pk]},
        api=True,
    ),
    Route(
        "api:cases_detail",
        office_record(Perm.CASE_VIEW, anonymous=401),
        kwargs=_case_kwargs,
        api=True,
    ),
    Route(
        "api:cases_conduct",
        office_record(Perm.CASE_VIEW, anonymous=401),
        kwargs=_case_kwargs,
        api=True,
    ),
    Route(
        "api:cases_graph",
        office_record(Perm.CASE_VIEW, anonymous=401),
        kwargs=_case_kwargs,
        api=True,
    ),
    Route(
        "api:cases_transition",
        api_write(Perm.CASE_MANAGE),
        method="POST",
        kwargs=_fresh_case_kwargs,
        data=lambda w: {"to": "referred", "reason": "Synthetic referral."},
        api=True,
    ),
    Route(
        "api:cases_share",
        api_write(Perm.SHARE, ok=201),
        method="POST",
        kwargs=_fresh_case_kwargs,
        data=_share_body,
        api=True,
    ),
    Route(
        "api:cases_task_add",
        api_write(Perm.CASE_MANAGE, ok=201),
        method="POST",
        kwargs=_case_kwargs,
        data=lambda w: {
            "title": "Synthetic task: call the victim back",
            "owner_id": w.user("a", "analyst").pk,
            "due_date": "2030-01-31",
        },
        api=True,
    ),
    Route(
        "api:cases_task_done",
        api_write(Perm.CASE_MANAGE),
        method="POST",
        kwargs=_task_kwargs,
        data=lambda w: {},
        api=True,
    ),
    Route(
        "api:cases_incident_share",
        api_write(Perm.SHARE, ok=201),
        method="POST",
        kwargs=_fresh_incident_kwargs,
        data=_share_body,
        api=True,
    ),
    Route(
        "api:cases_incident_identifier",
        api_write(Perm.CASE_MANAGE, ok=201),
        method="POST",
        kwargs=_incident_kwargs,
        data=lambda w: {"kind": "phone", "value": "555-010-0188"},
        api=True,
    ),
    # Assign the investigator: an empty form comes back with its error (422); the API names an
    # analyst of the lead office (office A).
    Route(
        "cases:assign",
        office_record(Perm.CASE_MANAGE, ok=422),
        method="POST",
        kwargs=_case_kwargs,
    ),
    Route(
        "api:cases_assign",
        api_write(Perm.CASE_MANAGE),
        method="POST",
        kwargs=_case_kwargs,
        data=lambda w: {"investigator_id": w.user("a", "analyst").pk},
        api=True,
    ),
]
