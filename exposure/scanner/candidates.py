"""Find candidate identifiers (phones, e-mails, addresses, plates, SSNs).

One Hyperscan database holds the shape patterns and runs once over the
folded bytes of a document (a second one finds plate-like tokens in the
case-keeping view); Python then looks only at the few reported
spans, builds each one's canonical key and looks its keyed hash up. Hyperscan
scans these shapes at ~200 MB/s where Python's ``re`` manages 16-18 MB/s for a
single phone regex (research note A2), which would make it the bottleneck.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import hyperscan

from .identifiers import (
    ES_TYPE_ALTERNATION,
    HOUSE_NUMBER,
    TYPE_ALTERNATION,
    email_key,
    iter_addresses,
    phone_key,
)
from .kinds import Kind
from .normalise import NormalisedText, canonical_plate
from .vocabulary import PLATE_CONTEXT


@dataclass(frozen=True, slots=True)
class Hit:
    """One roster key found in a document, as a span of the original text."""

    person: int
    kind: Kind
    start: int
    end: int


(
    PHONE_US,
    PHONE_INTL,
    EMAIL,
    ADDRESS_EN,
    ADDRESS_ES,
    SSN,
    DIGIT_TOKEN,
    PLATE_WORD,
    PHONE_LONG,
    STREET_TYPE,
    ADDRESS_NUMBER_ES,
) = range(11)

_PC = "[0-9oilsbz|]"
_SEP = "[ ./\\-]{0,3}"  # "555-201-3344", "555.201.3344", "555/201-3344"
_TYPES = TYPE_ALTERNATION
_ES_TYPES = ES_TYPE_ALTERNATION

_SHAPES: dict[int, str] = {
    PHONE_US: rf"(?:\+ ?)?(?:(?:00)?1{_SEP})?\(?{_PC}{{3}}\)?{_SEP}{_PC}{{3}}{_SEP}{_PC}{{4}}",
    PHONE_LONG: r"\b[0-9](?:[ .\-]?[0-9]){10,12}\b",
    PHONE_INTL: r"\+ ?[0-9]{1,3}(?:[ .\-]{0,2}\(?[0-9]{1,4}\)?){2,5}",
    EMAIL: (
        r"[a-z0-9][a-z0-9._%+\-]* ?(?:@|[(\[{<] ?at ?[)\]}>]| at | arroba ) ?"
        r"[a-z0-9][a-z0-9\-]*(?: ?(?:\.|[(\[{<] ?dot ?[)\]}>]| dot | punto ) ?"
        r"[a-z0-9\-]{2,}){1,3}"
    ),
    ADDRESS_EN: rf"\b{HOUSE_NUMBER}[a-z]?[ ,]+(?:[a-z0-9.'\-|]+[ ,]+){{1,5}}(?:{_TYPES})\b",
    ADDRESS_ES: (
        rf"\b(?:{_ES_TYPES})\.? +(?:[a-z0-9.'\-|]+ +){{0,5}}"
        rf"(?:(?:numero|num|no|nro|n)\.? *|# *)?#? *{HOUSE_NUMBER}\b"
    ),
    # "1234 Calle Roble": a number, then a Spanish street type; the name follows.
    ADDRESS_NUMBER_ES: rf"\b{HOUSE_NUMBER}[a-z]?[ ,]+(?:{_ES_TYPES})\b",
    SSN: r"\b[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{4}\b",
    # Plates: a token mixing letters and digits ("7abc123"), or a short group of
    # letters or digits next to a group of digits ("abc 1234", "123-xyz").
    # (Run over the case-keeping view: plates are written in capitals.)
    DIGIT_TOKEN: (
        r"\b[A-Z0-9ilos]*(?:[A-Z][ilos]?[0-9]|[0-9][ilos]?[A-Z])[A-Z0-9ilos]*\b"
        r"|\b(?:[A-Z0-9]{1,4}[ \-][ilos]?[0-9][0-9ilos]{0,3}|[0-9][0-9ilos]{0,3}[ \-][A-Z]{1,4})\b"
    ),
    PLATE_WORD: rf"\b(?:{'|'.join(PLATE_CONTEXT)})\b",
    # Street-type words ("Ave", "Calle"); not scanned: a street named without a
    # house number is read word by word near a roster name (scan.py).
    STREET_TYPE: rf"\b(?:{_TYPES}|{_ES_TYPES})\b",
}

# Hyperscan reports only where a match ends: start-of-match tracking (SOM)
# costs 2-7x in throughput (measured). Python re-runs the same regex on a short
# window before each end, only where Hyperscan found something.
_WINDOW = {
    PHONE_US: 34,
    PHONE_INTL: 34,
    PHONE_LONG: 22,
    EMAIL: 140,
    ADDRESS_EN: 150,
    ADDRESS_ES: 150,
    ADDRESS_NUMBER_ES: 40,
    SSN: 14,
    DIGIT_TOKEN: 20,
    PLATE_WORD: 14,
    STREET_TYPE: 0,
}
_PYTHON = {pattern: re.compile(expression) for pattern, expression in _SHAPES.items()}
_PYTHON[DIGIT_TOKEN] = re.compile(r"\b[a-zA-Z0-9]*[0-9][a-zA-Z0-9]*\b")
_TOKEN = re.compile(r"[a-z0-9]+")
_MAX_BACKUP = 64
# After a word announcing a plate ("plate", "placa"): up to three tokens within
# this many characters, skipping these filler words.
_PLATE_CONTEXT_REACH = 40
_PLATE_CONTEXT_SKIP = frozenset({"number", "no", "num", "numero", "is", "es", "de"})
_PLATE_GROUP = 4  # characters in a group joined to a plate ("ABC 1234", "7 ABC 123")
_MIN_PHONE_DIGITS = 7  # of 10: at most three OCR look-alikes in one number
_MAX_PLATE = 8
_NAME_AFTER_TYPE = 60  # characters after "1234 Calle": three name words


def compile_shapes(ids: list[int]) -> hyperscan.Database:
    """Compile a database of the given shapes (about 10 ms)."""
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[_SHAPES[i].encode() for i in ids],
        ids=ids,
        elements=len(ids),
        flags=[0] * len(ids),
    )
    return database


Lookup = Callable[[str, str], tuple[tuple[int, int], ...]]


class ShapeFinder:
    """Find strong identifiers of roster people in one normalised document."""

    def __init__(self, lookup: Lookup) -> None:
        self._database = compile_shapes(
            [i for i in sorted(_SHAPES) if i not in (DIGIT_TOKEN, STREET_TYPE)]
        )
        self._plate_database = compile_shapes([DIGIT_TOKEN])
        self._lookup = lookup

    def find(self, text: NormalisedText) -> list[Hit]:
        """Return every roster identifier (other than names) found in the text."""
        ends: dict[int, list[int]] = {}

        def on_match(pattern: int, _start: int, end: int, _flags: int, _context: object) -> None:
            ends.setdefault(pattern, []).append(end)

        self._database.scan(text.lower_bytes, match_event_handler=on_match)
        self._plate_database.scan(text.cased_bytes, match_event_handler=on_match)
        if not ends:
            return []
        reports = {
            pattern: self._spans(
                text.ascii_original if pattern == DIGIT_TOKEN else text.lower, pattern, pattern_ends
            )
            for pattern, pattern_ends in ends.items()
            if pattern not in (ADDRESS_EN, ADDRESS_ES, ADDRESS_NUMBER_ES)
        }
        # The address parser re-reads the windows itself; no span pass needed. A number and a
        # Spanish type ("1234 Calle") are followed by the name: read up to three words on.
        address_windows = [
            (end, end) for end in ends.get(ADDRESS_EN, []) + ends.get(ADDRESS_ES, [])
        ] + [
            (end, min(len(text.lower), end + _NAME_AFTER_TYPE))
            for end in ends.get(ADDRESS_NUMBER_ES, [])
        ]
        if address_windows:
            reports[ADDRESS_EN] = {}
            for end, window_end in sorted(address_windows):
                start = _address_window_start(text.lower, end)
                reports[ADDRESS_EN][start] = max(reports[ADDRESS_EN].get(start, 0), window_end)
        hits: list[Hit] = []
        lower = text.lower
        for pattern, spans in reports.items():
            if pattern in (PHONE_US, PHONE_INTL, PHONE_LONG):
                self._phones(lower, spans, hits)
            elif pattern == EMAIL:
                self._emails(lower, spans, hits)
            elif pattern == ADDRESS_EN:
                self._addresses(lower, spans, hits)
            elif pattern == SSN:
                for start, end in spans.items():
                    digits = "".join(char for char in lower[start:end] if char.isdigit())
                    self._emit(hits, "ssn", digits, start, end)
            elif pattern == DIGIT_TOKEN:
                self._plates_around(text, spans, hits)
            elif pattern == PLATE_WORD:
                self._plates_after_context(text, spans, hits)
        return hits

    @staticmethod
    def _spans(lower: str, pattern: int, pattern_ends: list[int]) -> dict[int, int]:
        """Re-run a shape regex before each reported end; return start -> end."""
        window = _WINDOW[pattern]
        regions: list[tuple[int, int]] = []
        for end in pattern_ends:
            start = max(0, end - window)
            # Back up to a word start so the window does not cut a token, but not
            # past the previous window: that one is merged with this one anyway.
            # (Backing up and merging first keeps a long run of letters and
            # digits from being rescanned once per match in it: linear time.)
            # At most _MAX_BACKUP characters: an e-mail's local part is at most 64
            # (RFC 5321), and a phone may not follow a letter or digit at all; a
            # longer run would only make the regex retry from every position in it.
            limit = max(regions[-1][1] if regions else 0, start - _MAX_BACKUP)
            while start > limit and lower[start - 1].isalnum():
                start -= 1
            if regions and start <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(regions[-1][1], end))
            else:
                regions.append((start, end))
        spans: dict[int, int] = {}
        expression = _PYTHON[pattern]
        for start, end in regions:
            for match in expression.finditer(lower, start, end):
                if match.end() > spans.get(match.start(), -1):
                    spans[match.start()] = match.end()
        return spans

    def _emit(self, hits: list[Hit], kind: str, value: str, start: int, end: int) -> bool:
        found = self._lookup(kind, value)
        for person, role in found:
            hits.append(Hit(person, Kind(role), start, end))
        return bool(found)

    def _phones(self, lower: str, spans: dict[int, int], hits: list[Hit]) -> None:
        for start, end in spans.items():
            # Hyperscan has no look-around: check the boundaries here so a
            # 10-digit run inside a longer number or word is not a phone.
            if start > 0 and lower[start - 1].isalnum():
                continue
            # An extension ("x5178", "ext 12") may follow directly; another
            # digit may not.
            if end < len(lower) and (
                lower[end].isdigit()
                or (lower[end].isalpha() and lower[end] != "x" and lower[end : end + 3] != "ext")
            ):
                continue
            raw = lower[start:end]
            if sum(char.isdigit() for char in raw) < _MIN_PHONE_DIGITS:
                continue
            e164 = phone_key(raw)
            if e164:
                self._emit(hits, "phone", e164, start, end)

    def _emails(self, lower: str, spans: dict[int, int], hits: list[Hit]) -> None:
        for start, end in spans.items():
            if start > 0 and (lower[start - 1].isalnum() or lower[start - 1] in "._%+-"):
                continue
            # The longest end may run into the next sentence ("x@y.com. Then");
            # try the dotted prefixes from the longest down.
            raw = lower[start:end]
            candidates = [end]
            for match in re.finditer(r"(?:\.| dot | punto |[)\]}>])", raw):
                candidates.append(start + match.start())
            for candidate_end in sorted(set(candidates), reverse=True):
                canonical = email_key(lower[start:candidate_end])
                if canonical and self._emit(hits, "email", canonical, start, candidate_end):
                    break

    def _addresses(self, lower: str, spans: dict[int, int], hits: list[Hit]) -> None:
        regions = _merge(spans)
        for region_start, region_end in regions:
            for number, core, kind, start, end in iter_addresses(
                lower[region_start:region_end], region_start
            ):
                # Every roster address is indexed under its street key too, so a
                # street with no roster entry needs no address lookup. Street keys
                # repeat across documents and hit the memo; full addresses rarely do.
                if self._emit(hits, "street", f"{core} {kind}", start, end):
                    self._emit(hits, "addr", f"{number} {core} {kind}", start, end)

    def _plates_around(self, text: NormalisedText, spans: dict[int, int], hits: list[Hit]) -> None:
        lower, original = text.lower, text.ascii_original
        for start, end in spans.items():
            if end - start > _MAX_PLATE:
                continue
            pieces = [(start, end)]
            # Plates are written "ABC 1234" or "ABC-1234": join a short neighbour
            # separated by one space or dash when it is upper case or has digits.
            before = _neighbour(lower, original, start, -1)
            after = _neighbour(lower, original, end, 1)
            if before:
                pieces.append((before[0], end))
            if after:
                pieces.append((start, after[1]))
            if before and after:
                pieces.append((before[0], after[1]))
            # Three groups: "7 ABC 123".
            further_before = before and _neighbour(lower, original, before[0], -1)
            further_after = after and _neighbour(lower, original, after[1], 1)
            if further_before:
                pieces.append((further_before[0], end))
            if further_after:
                pieces.append((start, further_after[1]))
            for piece_start, piece_end in pieces:
                # A bare number ("47082", a ZIP code) is no plate outside a
                # "plate ..." context: roster plates that fold to digits only
                # ("BSO 1234" -> "8501234") would meet counts and ZIP codes.
                if not any(char.isalpha() for char in original[piece_start:piece_end]):
                    continue
                canonical = canonical_plate(lower[piece_start:piece_end])
                if 2 <= len(canonical) <= _MAX_PLATE:
                    self._emit(hits, "plate", canonical, piece_start, piece_end)

    def _plates_after_context(
        self, text: NormalisedText, spans: dict[int, int], hits: list[Hit]
    ) -> None:
        lower = text.lower
        for _start, end in spans.items():
            # An all-letter vanity plate looks like a word; look it up only
            # right after a word that announces a plate.
            tokens = [
                (match.start() + end, match.end() + end)
                for match in _TOKEN.finditer(lower[end : end + _PLATE_CONTEXT_REACH])
                if match.group() not in _PLATE_CONTEXT_SKIP
            ][:3]
            for i, (token_start, _token_end) in enumerate(tokens):
                for j in range(i, min(i + 3, len(tokens))):
                    piece_end = tokens[j][1]
                    canonical = canonical_plate(lower[token_start:piece_end])
                    if 2 <= len(canonical) <= _MAX_PLATE:
                        self._emit(hits, "plate", canonical, token_start, piece_end)


def _neighbour(lower: str, original: str, position: int, direction: int) -> tuple[int, int] | None:
    """Return the short token one separator away from a digit token, if plate-like."""
    if direction < 0:
        if position < 2 or lower[position - 1] not in " -":
            return None
        end = position - 1
        start = end
        while start > 0 and lower[start - 1].isalnum() and end - start < _PLATE_GROUP:
            start -= 1
        if start == end or (start > 0 and lower[start - 1].isalnum()):
            return None
    else:
        if position + 1 >= len(lower) or lower[position] not in " -":
            return None
        start = position + 1
        end = start
        while end < len(lower) and lower[end].isalnum() and end - start < _PLATE_GROUP:
            end += 1
        if start == end or (end < len(lower) and lower[end].isalnum()):
            return None
    token = original[start:end]
    if any(char.isdigit() for char in token) or token.isupper():
        return start, end
    return None


_ADDRESS_WORDS_BACK = (
    10  # house number + 5 words + type; Spanish: type + 5 + "numero" + "#" + number
)


def _address_window_start(lower: str, end: int) -> int:
    """Return where to start parsing for an address whose match ends at ``end``.

    An address spans at most ten words, so parse from the tenth space-separated
    word before the end rather than a fixed 150 characters (about 25 words of
    prose, each tokenised and canonicalised for nothing).
    """
    limit = max(0, end - _WINDOW[ADDRESS_EN])
    position = end
    for _ in range(_ADDRESS_WORDS_BACK):
        position = lower.rfind(" ", limit, position)
        if position < 0:
            return limit
        while position > limit and lower[position - 1] == " ":
            position -= 1
    return position


def _merge(spans: dict[int, int]) -> list[tuple[int, int]]:
    """Merge overlapping (start, end) spans into disjoint regions."""
    regions: list[tuple[int, int]] = []
    for start, end in sorted(spans.items()):
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions
