"""Synthetic demo roster for `custos demo` (idempotent). Every value is invented: fictional
names and streets, 555-01xx phones, example.invalid e-mails."""

from __future__ import annotations

from accounts.models import User
from exposure.models import ProtectedPerson
from exposure.services import RosterValues, person_save

_PEOPLE = [
    ("Lucia Quintero Vale", "418 Mirlo Street", "(202) 555-0143", "7KQD214", "Tomas Quintero"),
    (
        "Anselmo Brightwater",
        "93 Quillfeather Avenue",
        "202-555-0178",
        "ZXR4471",
        "Marisol Brightwater",
    ),
    ("Dorotea Fenwick", "2207 Larchmere Road", "202-555-0112", "BFT3390", "Piers Fenwick"),
]


def populate(*, offices: list) -> None:
    """Give each demo office's field officer and supervisor a synthetic roster entry."""
    for office_number, office in enumerate(offices):
        for role_number, role in enumerate(("field-officer", "supervisor")):
            user = User.objects.filter(username=f"{office.code}-{role}").first()
            roster_id = f"DEMO-{office.code}-{role}"
            if user is None or ProtectedPerson.objects.filter(roster_id=roster_id).exists():
                continue
            name, street, phone, plate, relative = _PEOPLE[(office_number + role_number) % 3]
            number = 100 + office_number * 10 + role_number
            person_save(
                actor=None,
                roster_id=roster_id,
                office=office,
                user=user,
                synthetic=True,
                values=RosterValues(
                    full_name=f"{name.split()[0]} {office.code.title()}{name[name.index(' ') :]}",
                    addresses=[f"{number} {street.split(' ', 1)[1]}"],
                    phones=[phone[:-2] + f"{number % 100:02d}"],
                    emails=[f"{roster_id.lower()}@example.invalid"],
                    plates=[plate[:-1] + str(role_number)],
                    relatives=[{"name": relative, "relation": "spouse"}],
                ),
            )
