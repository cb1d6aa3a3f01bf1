"""Roster input: plain dataclasses the caller fills from decrypted roster rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Relative:
    """A family member named in the roster (spouse, child, parent...)."""

    name: str
    relation: str = ""


@dataclass(frozen=True, slots=True)
class RosterPerson:
    """One protected person, in plaintext, as handed to ``build_index`` only.

    ``full_name`` is "Given Middle Family" or "FAMILY, Given Middle". When the
    roster knows which part is the family name (Hispanic double surnames,
    particles such as "de la"), pass ``given_name`` and ``family_name`` too.
    """

    id: str
    full_name: str
    aliases: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    relatives: tuple[Relative | tuple[str, str], ...] = ()
    ssns: tuple[str, ...] = ()
    given_name: str = ""
    family_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def relative_list(self) -> list[Relative]:
        """Return relatives as ``Relative`` objects whatever form they came in."""
        return [
            relative if isinstance(relative, Relative) else Relative(*relative)
            for relative in self.relatives
        ]
