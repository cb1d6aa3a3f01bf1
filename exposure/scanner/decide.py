"""Decide which roster people a document exposes, and which it only mentions.

Rules (the issue's, in order):

1. A strong identifier of a person (home address with house number, personal
   phone, personal e-mail, plate, SSN) exposes that person on its own.
2. The person's name together with a weak identifier of the *same* person (a
   relative's name, the street of the home address, a short plate) exposes
   the person.
3. A name alone is a mention, not an exposure: names, photos and badge
   numbers are not restricted information, and a news story naming an officer
   is lawful. Mentions are returned apart so callers can ignore them.
4. Several roster people may share a name. Each one is judged on their own
   identifiers, so the one whose identifiers are present is exposed; a name
   span already attributed to an exposed person is no mention of the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .candidates import Hit
from .kinds import RESTRICTED, STRONG, WEAK, Kind

_LABEL_ORDER = ("address", "phone", "email", "ssn", "plate", "street", "relative", "name")


@dataclass(frozen=True, slots=True)
class Exposure:
    """One exposed person: what matched, where, and whether §119 applies."""

    person: str
    ids: tuple[str, ...]
    restricted: bool
    spans: tuple[tuple[int, int], ...]

    def as_dict(self) -> dict[str, object]:
        """Return the JSON-ready form used by the bulk API."""
        return {
            "person": self.person,
            "ids": list(self.ids),
            "restricted": self.restricted,
            "spans": [list(span) for span in self.spans],
        }


@dataclass(frozen=True, slots=True)
class Mention:
    """A roster person named without any identifier of theirs nearby."""

    person: str
    spans: tuple[tuple[int, int], ...]

    def as_dict(self) -> dict[str, object]:
        """Return the JSON-ready form."""
        return {"person": self.person, "spans": [list(span) for span in self.spans]}


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything the scanner decided about one document."""

    id: str | None
    exposures: tuple[Exposure, ...] = ()
    mentions: tuple[Mention, ...] = field(default=())

    @property
    def restricted(self) -> bool:
        """Return whether any exposure holds 18 U.S.C. 119 restricted information."""
        return any(exposure.restricted for exposure in self.exposures)

    def as_dict(self, include_mentions: bool = True) -> dict[str, object]:
        """Return the JSON-ready form used by the bulk API."""
        result: dict[str, object] = {
            "id": self.id,
            "exposures": [exposure.as_dict() for exposure in self.exposures],
        }
        if include_mentions:
            result["mentions"] = [mention.as_dict() for mention in self.mentions]
        return result


def decide(
    document_id: str | None, hits: Iterable[Hit], person_ids: Sequence[str]
) -> DocumentResult:
    """Apply the exposure rules to a document's hits."""
    by_person: dict[int, list[Hit]] = {}
    for hit in hits:
        by_person.setdefault(hit.person, []).append(hit)
    if not by_person:
        return DocumentResult(document_id)
    exposures: list[Exposure] = []
    exposed_name_spans: set[tuple[int, int]] = set()
    named: dict[int, list[Hit]] = {}
    for person, person_hits in by_person.items():
        kinds = {hit.kind for hit in person_hits}
        has_name = Kind.NAME in kinds
        if kinds & STRONG or (has_name and kinds & WEAK):
            labels = {hit.kind.label for hit in person_hits}
            exposures.append(
                Exposure(
                    person=person_ids[person],
                    ids=tuple(label for label in _LABEL_ORDER if label in labels),
                    restricted=bool(kinds & RESTRICTED),
                    spans=_spans(person_hits),
                )
            )
            exposed_name_spans.update(
                (hit.start, hit.end) for hit in person_hits if hit.kind == Kind.NAME
            )
        elif has_name:
            named[person] = [hit for hit in person_hits if hit.kind == Kind.NAME]
    mentions = []
    for person, name_hits in named.items():
        free = [hit for hit in name_hits if (hit.start, hit.end) not in exposed_name_spans]
        if free:
            mentions.append(Mention(person=person_ids[person], spans=_spans(free)))
    exposures.sort(key=lambda exposure: exposure.person)
    mentions.sort(key=lambda mention: mention.person)
    return DocumentResult(document_id, tuple(exposures), tuple(mentions))


def _labels_of(bits: int) -> tuple[str, ...]:
    """Return the labels of a bit set (bit i is ``_LABEL_ORDER[i]``), memoised."""
    labels = _LABELS_BY_BITS.get(bits)
    if labels is None:
        labels = tuple(label for i, label in enumerate(_LABEL_ORDER) if bits & (1 << i))
        _LABELS_BY_BITS[bits] = labels
    return labels


_LABELS_BY_BITS: dict[int, tuple[str, ...]] = {}


def from_compiled(
    document_id: str | None,
    exposures: Sequence[tuple[int, int, bool, list[tuple[int, int]]]],
    mentions: Sequence[tuple[int, list[tuple[int, int]]]],
    person_ids: Sequence[str],
) -> DocumentResult:
    """Return the result of the compiled core's ``decide`` (the same rules, native.py)."""
    if not exposures and not mentions:
        return DocumentResult(document_id)
    return DocumentResult(
        document_id,
        tuple(
            sorted(
                (
                    Exposure(person_ids[person], _labels_of(bits), restricted, tuple(spans))
                    for person, bits, restricted, spans in exposures
                ),
                key=lambda exposure: exposure.person,
            )
        ),
        tuple(
            sorted(
                (Mention(person_ids[person], tuple(spans)) for person, spans in mentions),
                key=lambda mention: mention.person,
            )
        ),
    )


def _spans(hits: Iterable[Hit]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted({(hit.start, hit.end) for hit in hits}))
