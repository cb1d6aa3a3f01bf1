"""Synthetic roster entries for the exposure app's tests.

SYNTHETIC TEST DATA: every name, street, phone (555-01xx), e-mail (example.invalid) and plate
here is invented.
"""

from __future__ import annotations

from exposure.services import RosterValues, person_save


def lucia_values() -> RosterValues:
    return RosterValues(
        full_name="Lucia Quintero Vale",
        aliases=["Lucy Quintero"],
        addresses=["418 Mirlo Street"],
        phones=["(202) 555-0143"],
        emails=["lucia.quintero@example.invalid"],
        plates=["7KQD214"],
        relatives=[{"name": "Tomas Quintero", "relation": "son"}],
    )


def anselmo_values() -> RosterValues:
    return RosterValues(
        full_name="Anselmo Brightwater",
        addresses=["93 Quillfeather Avenue Apt 2"],
        phones=["202-555-0178"],
        emails=["a.brightwater@example.invalid"],
        plates=["ZXR-4471"],
        relatives=[{"name": "Marisol Brightwater", "relation": "spouse"}],
    )


def make_person(office, values: RosterValues, roster_id: str, user=None, linked_to=None):
    person, _created = person_save(
        actor=None,
        roster_id=roster_id,
        office=office,
        values=values,
        user=user,
        linked_to=linked_to,
        relation_to_linked="spouse" if linked_to else "",
        synthetic=True,
    )
    return person
