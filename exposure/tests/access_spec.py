"""Access expectations for the exposure routes (read by common/tests/test_access_matrix.py).

SYNTHETIC TEST DATA: the roster entry comes from factories.py.
"""

from __future__ import annotations

import itertools

from accounts.permissions import Perm, has_perm, reads_all_offices
from common.testing import Actor, Route, api_call, api_write, page

_counter = itertools.count()


def _person(world):
    from exposure.tests.factories import lucia_values, make_person

    if "exposure_person" not in world.objects:
        world.objects["exposure_person"] = make_person(
            world.offices["a"], lucia_values(), "R-MATRIX", user=world.user("a", "field_officer")
        )
    return world.objects["exposure_person"]


def _person_kwargs(world):
    return {"person_id": _person(world).pk}


def _alert_kwargs(world):
    from exposure.models import ExposureAlert

    person = _person(world)
    alert = ExposureAlert.objects.create(
        person=person,
        office=person.office,
        source_type="text",
        source_key=f"matrix-{next(_counter)}",
        source_label="synthetic matrix text",
        identifier_types=["phone"],
        restricted=True,
    )
    return {"alert_id": alert.pk}


def _reads_roster(actor: Actor) -> bool:
    return has_perm(actor.user, Perm.ROSTER_MANAGE) or (
        reads_all_offices(actor.user) and has_perm(actor.user, Perm.OVERSIGHT_VIEW)
    )


def _roster(actor: Actor) -> int:
    if actor.anonymous:
        return 302
    return 200 if _reads_roster(actor) else 403


def _person_page(actor: Actor) -> int:
    if actor.anonymous:
        return 302
    if _reads_roster(actor) and (actor.office == "a" or reads_all_offices(actor.user)):
        return 200
    return 404


def _link(actor: Actor) -> int:
    if actor.anonymous:
        return 302
    if not has_perm(actor.user, Perm.ROSTER_MANAGE):
        return 403
    return 302 if actor.office == "a" else 404


def _alert_page(actor: Actor) -> int:
    if actor.anonymous:
        return 302
    if (actor.office, actor.role) == ("a", "field_officer"):
        return 200  # the exposed officer sees their own alert
    if reads_all_offices(actor.user):
        return 200
    if has_perm(actor.user, Perm.ALERT_WORK) and actor.office == "a":
        return 200
    return 404


def _alert_action(actor: Actor) -> int:
    if actor.anonymous:
        return 302
    if not has_perm(actor.user, Perm.ALERT_WORK):
        return 403
    return 302 if actor.office == "a" else 404


def _api_alert(actor: Actor) -> int:
    return 401 if actor.anonymous else _alert_page(actor)


ROUTES = [
    Route("exposure:roster", _roster),
    Route("exposure:person_new", page(Perm.ROSTER_MANAGE)),
    Route("exposure:person", _person_page, kwargs=_person_kwargs),
    # Re-saving the entry's own link: the unit of office A is redirected back to the entry.
    Route(
        "exposure:person_link",
        _link,
        method="POST",
        kwargs=_person_kwargs,
        data=lambda w: {"username": "a-field_officer"},
    ),
    Route("exposure:own_entry", page(Perm.ROSTER_VIEW_OWN)),
    Route("exposure:alerts", page(Perm.HOME)),
    Route("exposure:alert", _alert_page, kwargs=_alert_kwargs),
    Route("exposure:alert_acknowledge", _alert_action, method="POST", kwargs=_alert_kwargs),
    Route(
        "exposure:alert_measure",
        _alert_action,
        method="POST",
        kwargs=_alert_kwargs,
        data=lambda w: {"kind": "patrol"},
    ),
    Route(
        "exposure:alert_close",
        _alert_action,
        method="POST",
        kwargs=_alert_kwargs,
        data=lambda w: {"reason": "synthetic matrix close"},
    ),
    # Drafting an incident needs INCIDENT_SUBMIT too, which the protective unit holds.
    Route("exposure:alert_incident", _alert_action, method="POST", kwargs=_alert_kwargs),
    Route("exposure:scan", page(Perm.ALERT_WORK)),
    # Staff text scanned against the caller's office roster: ALERT_WORK, no record in the URL.
    Route(
        "api:exposure_scan",
        api_write(Perm.ALERT_WORK, record=False),
        method="POST",
        data=lambda w: {
            "text": "Synthetic post: see you at 12 Fictional Lane, call 555-010-0199.",
            "label": "synthetic matrix scan",
        },
        api=True,
    ),
    Route("api:exposure_alerts", api_call(Perm.HOME), api=True),
    Route("api:exposure_alert", _api_alert, kwargs=_alert_kwargs, api=True),
]
