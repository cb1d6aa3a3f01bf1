"""Access expectations for the incidents routes (read by common/tests/test_access_matrix.py).

The API's POST operations are walked with a form-encoded empty body, which the API refuses (422)
before any capability check for every signed-in caller; their capability and office rules are
proved with JSON bodies in test_scenarios_api.py and test_access_rules.py.
"""

from accounts.permissions import Perm, is_read_only
from common.testing import Actor, Route, always, api_call, office_record, page


def _incident(world):
    from incidents.services import incident_submit

    incident = world.objects.get("incident")
    if incident is None:
        incident = incident_submit(
            office=world.offices["a"],
            channel="field_report",
            conduct=["physical_contact"],
            narrative="Synthetic test: a person shoved the officer during an arrest.",
            actor=world.user("a", "field_officer"),
        )
        world.objects["incident"] = incident
    return incident


def _incident_kwargs(world):
    return {"incident_id": _incident(world).pk}


def _api_post(actor: Actor) -> int:
    if actor.anonymous:
        return 401
    # Oversight roles change nothing: the read-only middleware refuses their writes first.
    return 403 if is_read_only(actor.user) else 422


ROUTES = [
    Route("incidents:list", page(Perm.INCIDENT_VIEW)),
    Route("incidents:field_report", page(Perm.INCIDENT_SUBMIT)),
    Route("incidents:phone_tip", page(Perm.PHONE_TIP_TAKE)),
    Route("incidents:review_queue", page(Perm.INCIDENT_REVIEW)),
    Route("incidents:protected_counts", page(Perm.PROTECTED_COUNTS_VIEW)),
    Route("incidents:notices", page(Perm.HOME)),
    Route("incidents:detail", office_record(Perm.INCIDENT_VIEW), kwargs=_incident_kwargs),
    # An empty review is refused with a message and a redirect back to the incident.
    Route(
        "incidents:review",
        office_record(Perm.INCIDENT_REVIEW, ok=302),
        method="POST",
        kwargs=_incident_kwargs,
    ),
    Route("incidents:public_tip", always(200)),
    Route("api:incidents_list", api_call(Perm.INCIDENT_VIEW), api=True),
    Route("api:incidents_protected_counts", api_call(Perm.PROTECTED_COUNTS_VIEW), api=True),
    Route(
        "api:incidents_detail",
        office_record(Perm.INCIDENT_VIEW, anonymous=401),
        kwargs=_incident_kwargs,
        api=True,
    ),
    Route("api:incidents_submit", _api_post, method="POST", api=True),
    Route("api:incidents_screen", _api_post, method="POST", api=True),
    Route("api:incidents_review", _api_post, method="POST", kwargs=_incident_kwargs, api=True),
    Route("api:incidents_conduct", _api_post, method="POST", kwargs=_incident_kwargs, api=True),
    Route("api:incidents_offenses", _api_post, method="POST", kwargs=_incident_kwargs, api=True),
]
