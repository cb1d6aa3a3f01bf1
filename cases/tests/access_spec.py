"""Access expectations for the cases routes (read by common/tests/test_access_matrix.py).

Office A owns the case and the incident; office B users get 404 as for a missing record. The API
POST operations are walked with a form-encoded body, which the API refuses (422) after the
read-only roles (403); their rules are proved with JSON bodies in test_api.py. Synthetic data.
"""

from accounts.permissions import Perm, is_read_only
from common.testing import Actor, Route, api_call, office_record, page


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


def _api_post(actor: Actor) -> int:
    if actor.anonymous:
        return 401
    return 403 if is_read_only(actor.user) else 422


ROUTES = [
    Route("cases:list", page(Perm.CASE_VIEW)),
    Route("cases:new", page(Perm.CASE_MANAGE)),
    Route("cases:detail", office_record(Perm.CASE_VIEW), kwargs=_case_kwargs),
    Route("cases:chart", office_record(Perm.CASE_VIEW), kwargs=_case_kwargs),
    # Empty forms are refused with a message and a redirect back to the case.
    Route(
        "cases:transition",
        office_record(Perm.CASE_MANAGE, ok=302),
        method="POST",
        kwargs=_case_kwargs,
    ),
    Route("cases:share", office_record(Perm.SHARE, ok=302), method="POST", kwargs=_case_kwargs),
    Route(
        "cases:task_add",
        office_record(Perm.CASE_MANAGE, ok=302),
        method="POST",
        kwargs=_case_kwargs,
    ),
    Route(
        "cases:incident_share",
        office_record(Perm.SHARE, ok=302),
        method="POST",
        kwargs=_incident_kwargs,
    ),
    Route(
        "cases:incident_identifier",
        office_record(Perm.CASE_MANAGE, ok=302),
        method="POST",
        kwargs=_incident_kwargs,
    ),
    Route("api:cases_list", api_call(Perm.CASE_VIEW), api=True),
    Route("api:cases_counts", api_call(Perm.CASE_VIEW), api=True),
    Route("api:cases_open", _api_post, method="POST", api=True),
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
    Route("api:cases_transition", _api_post, method="POST", kwargs=_case_kwargs, api=True),
    Route("api:cases_share", _api_post, method="POST", kwargs=_case_kwargs, api=True),
    Route("api:cases_task_add", _api_post, method="POST", kwargs=_case_kwargs, api=True),
    Route("api:cases_incident_share", _api_post, method="POST", kwargs=_incident_kwargs, api=True),
    Route(
        "api:cases_incident_identifier",
        _api_post,
        method="POST",
        kwargs=_incident_kwargs,
        api=True,
    ),
]
