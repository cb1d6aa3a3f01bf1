"""Access expectations for the incidents routes (read by common/tests/test_access_matrix.py).

API writes are walked with valid JSON bodies on records office A owns, so each status is the
authorisation answer (who may write, in which office), not a validation error. Synthetic data.
"""

from accounts.permissions import Perm
from common.testing import Route, always, api_call, api_write, office_record, page

NARRATIVE = "Synthetic test: a person shoved the officer during an arrest."


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


def _flagged_incident_kwargs(world):
    # A fresh flagged incident per actor: a successful review takes it out of the queue.
    from incidents.services import incident_submit

    incident = incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=["physical_contact"],
        narrative="Synthetic test: after the rally he pushed the officer",
        actor=world.user("a", "field_officer"),
    )
    assert incident.status == "needs_review"
    return {"incident_id": incident.pk}


def _submit_body(world):
    return {"channel": "field_report", "conduct": ["physical_contact"], "narrative": NARRATIVE}


ROUTES = [
    Route("incidents:list", page(Perm.INCIDENT_VIEW)),
    Route("incidents:field_report", page(Perm.INCIDENT_SUBMIT)),
    Route("incidents:phone_tip", page(Perm.PHONE_TIP_TAKE)),
    Route("incidents:review_queue", page(Perm.INCIDENT_REVIEW)),
    Route("incidents:protected_counts", page(Perm.PROTECTED_COUNTS_VIEW)),
    Route("incidents:notices", page(Perm.HOME)),
    Route("incidents:detail", office_record(Perm.INCIDENT_VIEW), kwargs=_incident_kwargs),
    # An empty review is refused: the incident page again with the error (422), input kept.
    Route(
        "incidents:review",
        office_record(Perm.INCIDENT_REVIEW, ok=422),
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
    Route(
        "api:incidents_submit",
        api_write(Perm.INCIDENT_SUBMIT, ok=201, record=False),
        method="POST",
        data=_submit_body,
        api=True,
    ),
    # Screening a draft stores nothing and needs only INCIDENT_VIEW, but it is a POST: the
    # read-only middleware refuses every POST from oversight roles first (they change nothing).
    Route(
        "api:incidents_screen",
        api_write(Perm.INCIDENT_VIEW, record=False),
        method="POST",
        data=lambda w: {"conduct": ["physical_contact"], "narrative": NARRATIVE},
        api=True,
    ),
    Route(
        "api:incidents_review",
        api_write(Perm.INCIDENT_REVIEW),
        method="POST",
        kwargs=_flagged_incident_kwargs,
        data=lambda w: {"decision": "open", "reason": "Synthetic review: the push is the offense."},
        api=True,
    ),
    Route(
        "api:incidents_conduct",
        api_write(Perm.INCIDENT_SUBMIT),
        method="POST",
        kwargs=_incident_kwargs,
        data=lambda w: {"conduct": ["physical_contact"], "reason": "Synthetic correction."},
        api=True,
    ),
    Route(
        "api:incidents_offenses",
        api_write(Perm.INCIDENT_SUBMIT),
        method="POST",
        kwargs=_incident_kwargs,
        data=lambda w: {"offenses": ["18 U.S.C. 111(a)"], "reason": "Synthetic correction."},
        api=True,
    ),
]
