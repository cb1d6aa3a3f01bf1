"""Access expectations for the intel routes (read by common/tests/test_access_matrix.py).

Office A owns the subject, the link and the purge request; office B users get 404. API POSTs are
walked with a form-encoded body (422 after read-only roles' 403); their rules are proved with JSON
bodies in intel/tests/test_api.py. Synthetic data only.
"""

from accounts.permissions import Perm, is_read_only
from common.testing import Actor, Route, api_call, office_record, page

PHONE = "555-010-0166"


def _subject(world):
    from cases.tests.factories import active_subject

    if "subject" not in world.objects:
        world.objects["subject"] = active_subject(world, identifiers=[("phone", PHONE)])
    return world.objects["subject"]


def _subject_kwargs(world):
    return {"subject_id": _subject(world).pk}


def _link_kwargs(world):
    from cases.models import IncidentIdentifier
    from cases.tests.factories import make_incident
    from intel.services import links_propose_for_incident_identifier

    if "link" not in world.objects:
        subject = _subject(world)
        incident = make_incident(world.offices["a"])
        row = IncidentIdentifier.objects.create(
            incident=incident, kind="phone", raw=PHONE, normalized="+15550100166"
        )
        links_propose_for_incident_identifier(incident_identifier=row)
        world.objects["link"] = subject.links.get(incident=incident)
    return {"link_id": world.objects["link"].pk}


def _purge_kwargs(world):
    # A fresh subject and request per actor: a successful approval purges it.
    from cases.tests.factories import active_subject
    from common.testing import make_user
    from intel.services import purge_request

    first = world.objects.get("purge_first") or make_user(
        world.offices["a"], "supervisor", username="a-purge-first"
    )
    world.objects["purge_first"] = first
    request = purge_request(
        record=active_subject(world),
        approver=first,
        schedule_item="DAA-synthetic",
        reason="Synthetic matrix purge",
    )
    return {"purge_id": request.pk}


def _api_post(actor: Actor) -> int:
    if actor.anonymous:
        return 401
    return 403 if is_read_only(actor.user) else 422


ROUTES = [
    Route("intel:subjects", page(Perm.SUBJECT_VIEW)),
    Route("intel:subject_new", page(Perm.SUBJECT_PROPOSE)),
    Route("intel:links", page(Perm.SUBJECT_VIEW)),
    Route("intel:review", page(Perm.SUBJECT_VIEW)),
    Route("intel:oversight", page(Perm.OVERSIGHT_VIEW)),
    Route("intel:subject", office_record(Perm.SUBJECT_VIEW), kwargs=_subject_kwargs),
    # Empty forms are refused with a message and a redirect back.
    Route(
        "intel:approve",
        office_record(Perm.SUBJECT_APPROVE, ok=302),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:validate",
        office_record(Perm.SUBJECT_VALIDATE, ok=302),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:purge_request",
        office_record(Perm.PURGE_APPROVE, ok=302),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:disseminate",
        office_record(Perm.DISSEMINATE, ok=302),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:link_decide",
        office_record(Perm.LINK_DECIDE, ok=302),
        method="POST",
        kwargs=_link_kwargs,
    ),
    Route(
        "intel:purge_approve",
        office_record(Perm.PURGE_APPROVE, ok=302),
        method="POST",
        kwargs=_purge_kwargs,
    ),
    Route("api:intel_subjects", api_call(Perm.SUBJECT_VIEW), api=True),
    Route("api:intel_links", api_call(Perm.SUBJECT_VIEW), api=True),
    Route(
        "api:intel_subject",
        office_record(Perm.SUBJECT_VIEW, anonymous=401),
        kwargs=_subject_kwargs,
        api=True,
    ),
    Route("api:intel_subject_propose", _api_post, method="POST", api=True),
    Route("api:intel_approve", _api_post, method="POST", kwargs=_subject_kwargs, api=True),
    Route("api:intel_validate", _api_post, method="POST", kwargs=_subject_kwargs, api=True),
    Route("api:intel_purge", _api_post, method="POST", kwargs=_subject_kwargs, api=True),
    Route("api:intel_disseminate", _api_post, method="POST", kwargs=_subject_kwargs, api=True),
    Route("api:intel_link_decide", _api_post, method="POST", kwargs=_link_kwargs, api=True),
    # No body: the second approval itself. Office A approvers purge (200); others 403, B 404.
    Route(
        "api:intel_purge_approve",
        office_record(Perm.PURGE_APPROVE, anonymous=401),
        method="POST",
        kwargs=_purge_kwargs,
        api=True,
    ),
]
