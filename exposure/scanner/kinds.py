"""Identifier kinds and the legal weight each one carries."""

from __future__ import annotations

from enum import IntEnum


class Kind(IntEnum):
    """What a roster key identifies; the value is stored in the index."""

    NAME = 1
    RELATIVE = 2
    STREET = 3
    ADDRESS = 4
    PHONE = 5
    EMAIL = 6
    PLATE = 7
    SSN = 8
    SHORT_PLATE = 9
    RELATIVE_GIVEN = 10

    @property
    def label(self) -> str:
        """Return the name used in results ("address", "phone", ...)."""
        return _LABELS[self]


_LABELS = {
    Kind.NAME: "name",
    Kind.RELATIVE: "relative",
    Kind.STREET: "street",
    Kind.ADDRESS: "address",
    Kind.PHONE: "phone",
    Kind.EMAIL: "email",
    Kind.PLATE: "plate",
    Kind.SSN: "ssn",
    Kind.SHORT_PLATE: "plate",
    Kind.RELATIVE_GIVEN: "relative",
}

# A strong identifier exposes its person on its own.
STRONG = frozenset({Kind.ADDRESS, Kind.PHONE, Kind.EMAIL, Kind.PLATE, Kind.SSN})

# A weak identifier exposes its person only next to that person's name. A plate
# of under five characters collides with ordinary tokens ("B8", "X12"), so it is
# weak too.
WEAK = frozenset({Kind.RELATIVE, Kind.RELATIVE_GIVEN, Kind.STREET, Kind.SHORT_PLATE})

# 18 U.S.C. 119(b)(1): "restricted personal information" is a Social Security
# number, home address, home or mobile phone number, or personal e-mail (or home
# fax). Names and plates are not. A street without its house number is not a
# home address.
RESTRICTED = frozenset({Kind.ADDRESS, Kind.PHONE, Kind.EMAIL, Kind.SSN})
