"""Access expectations for the intel routes (read by common/tests/test_access_matrix.py).

Office A owns the subjects, links and purge requests; office B users get 404. API writes are
walked with valid JSON bodies, so each status is the authorisation answer (28 CFR 23.20(c): only
an RS approver of the submitting office approves). Writes that consume their object (approve,
purge, decide) get a fresh one per actor. Synthetic data only.
"""

from accounts.permissions import Perm
from common.testing import Route, api_call, api_write, office_record, page

PHONE = "555-010-0166"


def _subject(world):
    from cases.tests.factories import active_subject

    if "subject" not in world.objects:
        world.objects["subject"] = active_subject(world, identifiers=[("phone", PHONE)])
    return world.objects["subject"]


def _subject_kwargs(world):
    return {"subject_id": _subject(world).pk}


def _new_link(world, subject, phone: str, normalized: str):
    from cases.models import IncidentIdentifier
    from cases.tests.factories import make_incident
    from intel.services import links_propose_for_incident_identifier

    incident = make_incident(world.offices["a"])
    row = IncidentIdentifier.objects.create(
        incident=incident, kind="phone", raw=phone, normalized=normalized
    )
    links_propose_for_incident_identifier(incident_identifier=row)
    return subject.links.get(incident=incident)


def _link_kwargs(world):
    if "link" not in world.objects:
        world.objects["link"] = _new_link(world, _subject(world), PHONE, "+15550100166")
    return {"link_id": world.objects["link"].pk}


def _fresh_link_kwargs(world):
    # A deciding analyst consumes the proposal: a fresh subject and link per actor.
    from cases.tests.factories import active_subject

    phone = "555-010-0177"
    subject = active_subject(world, identifiers=[("phone", phone)])
    return {"link_id": _new_link(world, subject, phone, "+15550100177").pk}


def _proposed_subject_kwargs(world):
    # A fresh proposal per actor (an approval consumes it), proposed by office A's analyst.
    from cases.tests.factories import make_incident, propose_kwargs
    from intel.services import subject_propose

    incident = make_incident(world.offices["a"])
    subject = subject_propose(
        actor=world.user("a", "analyst"),
        identifiers=[],
        **propose_kwargs(incident, world.user("a", "supervisor")),
    )
    return {"subject_id": subject.pk}


def _active_subject_kwargs(world):
    # A fresh active subject per actor: a purge request blocks a second one.
    from cases.tests.factories import active_subject

    return {"subject_id": active_subject(world).pk}


def _propose_body(world):
    from cases.tests.factories import make_incident, propose_kwargs

    if "intel_incident" not in world.objects:
        world.objects["intel_incident"] = make_incident(world.offices["a"])
    body = propose_kwargs(world.objects["intel_incident"], None)
    del body["control_official"]
    body["control_official_id"] = world.user("a", "supervisor").pk
    return body


def _agency(world):
    from cases.tests.factories import le_agency

    if "intel_agency" not in world.objects:
        world.objects["intel_agency"] = le_agency()
    return world.objects["intel_agency"]


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


ROUTES = [
    Route("intel:subjects", page(Perm.SUBJECT_VIEW)),
    Route("intel:subject_new", page(Perm.SUBJECT_PROPOSE)),
    Route("intel:links", page(Perm.SUBJECT_VIEW)),
    Route("intel:review", page(Perm.SUBJECT_VIEW)),
    Route("intel:oversight", page(Perm.OVERSIGHT_VIEW)),
    Route("intel:subject", office_record(Perm.SUBJECT_VIEW), kwargs=_subject_kwargs),
    # Empty forms are refused: the form comes back with its errors (422), nothing is lost.
    Route(
        "intel:approve",
        office_record(Perm.SUBJECT_APPROVE, ok=422),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:validate",
        office_record(Perm.SUBJECT_VALIDATE, ok=422),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:purge_request",
        office_record(Perm.PURGE_APPROVE, ok=422),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:disseminate",
        office_record(Perm.DISSEMINATE, ok=422),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    Route(
        "intel:link_decide",
        office_record(Perm.LINK_DECIDE, ok=422),
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
    # Proposing names an incident office A owns: office B cannot see it.
    Route(
        "api:intel_subject_propose",
        api_write(Perm.SUBJECT_PROPOSE, ok=201, in_body=True),
        method="POST",
        data=_propose_body,
        api=True,
    ),
    # 28 CFR 23.20(c): an RS approver of the submitting office, never the submitter (the
    # submitting analyst holds no SUBJECT_APPROVE, so the builder's 403 covers them).
    Route(
        "api:intel_approve",
        api_write(Perm.SUBJECT_APPROVE),
        method="POST",
        kwargs=_proposed_subject_kwargs,
        data=lambda w: {"reason": "Synthetic: the facts meet RS.", "lawfully_obtained": True},
        api=True,
    ),
    # 28 CFR 23.20(h): a review restarts the five-year clock; it may be repeated.
    Route(
        "api:intel_validate",
        api_write(Perm.SUBJECT_VALIDATE),
        method="POST",
        kwargs=_subject_kwargs,
        data=lambda w: {
            "reason": "still_active",
            "explanation": "Synthetic: the calls continue; the subject stays relevant.",
            "rs_facts_reconfirmed": True,
            "rs_facts_statement": "Synthetic: the threatening calls from the number continue.",
        },
        api=True,
    ),
    Route(
        "api:intel_purge",
        api_write(Perm.PURGE_APPROVE, ok=201),
        method="POST",
        kwargs=_active_subject_kwargs,
        data=lambda w: {"schedule_item": "DAA-synthetic", "reason": "Synthetic purge."},
        api=True,
    ),
    Route(
        "api:intel_disseminate",
        api_write(Perm.DISSEMINATE, ok=201),
        method="POST",
        kwargs=_subject_kwargs,
        data=lambda w: {
            "agency_id": _agency(w).pk,
            "recipient_name": "Deputy Sample (synthetic)",
            "purpose": "Synthetic: the same caller threatened a deputy.",
        },
        api=True,
    ),
    Route(
        "api:intel_link_decide",
        api_write(Perm.LINK_DECIDE),
        method="POST",
        kwargs=_fresh_link_kwargs,
        data=lambda w: {"confirm": True, "reason": "Synthetic: same number, same week."},
        api=True,
    ),
    # No body: the second approval itself (a different approver of the submitting office; the
    # first approval was a-purge-first, who is no actor here). Office A approvers purge (200).
    Route(
        "api:intel_purge_approve",
        api_write(Perm.PURGE_APPROVE),
        method="POST",
        kwargs=_purge_kwargs,
        api=True,
    ),
    # The recipient-agency registry (global, not office-owned): supervisors (DISSEMINATE) list
    # and add, oversight roles read; an empty form is refused with 422; each name is unique.
    Route("intel:agencies", lambda a: 302 if a.anonymous else (200 if _reads(a) else 403)),
    Route(
        "intel:agencies",
        lambda a: 302 if a.anonymous else (422 if _adds(a) else 403),
        method="POST",
    ),
    Route(
        "api:intel_agencies",
        lambda a: 401 if a.anonymous else (200 if _reads(a) else 403),
        api=True,
    ),
    Route(
        "api:intel_agency_register",
        api_write(Perm.DISSEMINATE, ok=201, record=False),
        method="POST",
        data=lambda w: {
            "name": f"Example Agency {next(_AGENCY_NUMBERS)} (synthetic)",
            "address": "1 Fictional Plaza",
            "is_law_enforcement": True,
        },
        api=True,
    ),
    # 28 CFR 23.20(h) (C-09): notices to past recipients; oversight roles read every office's,
    # supervisors their own office's (the list is filtered, so there is no 404 case).
    Route("intel:notices", lambda a: 302 if a.anonymous else (200 if _reads_notices(a) else 403)),
    # The correction page: the form (GET) and an empty POST, refused with 422 (nothing lost).
    Route("intel:correct", office_record(Perm.SUBJECT_VALIDATE), kwargs=_subject_kwargs),
    Route(
        "intel:correct",
        office_record(Perm.SUBJECT_VALIDATE, ok=422),
        method="POST",
        kwargs=_subject_kwargs,
    ),
    # 28 CFR 23.20(h): an RS approver of the owning office corrects (a fresh subject per actor,
    # so each correction really changes a value).
    Route(
        "api:intel_correct",
        api_write(Perm.SUBJECT_VALIDATE),
        method="POST",
        kwargs=_active_subject_kwargs,
        data=lambda w: {
            "field_changes": {"content_validity": "doubtful"},
            "reason": "Synthetic: a second statement contradicts the first.",
        },
        api=True,
    ),
]

_AGENCY_NUMBERS = __import__("itertools").count(1)


def _adds(actor) -> bool:
    from accounts.permissions import has_perm

    return has_perm(actor.user, Perm.DISSEMINATE)


def _reads(actor) -> bool:
    from accounts.permissions import has_perm

    return _adds(actor) or has_perm(actor.user, Perm.OVERSIGHT_VIEW)


def _reads_notices(actor) -> bool:
    # Written apart from the view's own check, so a wrong check fails the matrix.
    return actor.role in {"supervisor", "oversight", "privacy_officer"}
