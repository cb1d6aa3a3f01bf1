"""Access expectations for the incidents routes (read by common/tests/test_access_matrix.py)."""

from accounts.permissions import Perm
from common.testing import Route, office_record


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


ROUTES = [
    Route(
        "incidents:detail",
        office_record(Perm.INCIDENT_VIEW),
        kwargs=lambda w: {"incident_id": _incident(w).pk},
    ),
]
