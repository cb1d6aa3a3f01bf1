"""Find roster names (and relatives' names) without holding roster plaintext.

Names are written with a capital, so one regex pass over the case-keeping
letters view lists the capitalised words (about 12 in a 1.4 KB document of
the benchmark corpus; an automaton over public given names reported ~65 word
starts there, 95% of them lower-case prose). Each is canonicalised and its
keyed digest looked up once per scanner (memoised); only a token the index
flags as the start of a roster name key goes further. Around it, a name
n-gram is hashed only when all its tokens are roster name tokens, which the
same memo answers in one dict lookup.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable

from .candidates import Hit
from .kinds import Kind
from .normalise import CASED_LETTERS_TABLE as _CASED_LETTERS_TABLE
from .normalise import NormalisedText, canonical_name_token
from .vocabulary import NAME_PARTICLES

_WORD = re.compile(rb"[a-z]{2,}")
# A word of the case-keeping letters view that starts with a capital (or with a
# digit OCR made of one: "8rown"); its lower-case form is the letters view's word.
_CAPITAL_WORD = re.compile(rb"(?<![A-Za-z])[A-Z][A-Za-z]*")
_NEXT_WORD = re.compile(r"[ \t]+(\w)")
_MAX_GAP = 5  # separators between name tokens: ", " or " q. " (a dropped initial)
# Reach in characters around a capitalised given name: the two roster tokens
# looked for right after it and the one right before (a quick check), and the
# words of the name n-grams to the right (up to three) and left (up to two).
_AFTER_REACH, _BEFORE_REACH, _RIGHT_REACH, _LEFT_REACH = 48, 40, 80, 60
_RELATIVE_WINDOW = 200  # characters either side of the officer's name
_RELATION_DISTANCE = 40  # a relation word this close announces a relative
# Relation words, found once per document in the folded lower-case view
# (accents are already stripped there: "mamá" reads "mama", "fiancé" "fiance").
# A bytes pattern without IGNORECASE runs ~4x faster than the Unicode,
# case-insensitive one over the original text.
_RELATION_WORDS = re.compile(
    rb"\b(?:wife|husband|spouse|son|sons|daughter|daughters|child|children|kid|kids|mother|mom|"
    rb"father|dad|brother|sister|family|married|partner|girlfriend|boyfriend|fiancee?|"
    rb"esposa|esposo|hij[oa]s?|madre|mama|padre|papa|herman[oa]s?|familia|novi[oa]|"
    rb"pareja|mujer|marido)\b"
)

Lookup = Callable[[str, str], tuple[tuple[int, int], ...]]
TokenInfo = Callable[[str], tuple[int, ...] | None]
StartsName = Callable[[str], bool]


class NameFinder:
    """Find names of roster people and their relatives in one document."""

    def __init__(self, lookup: Lookup, token_info: TokenInfo, starts_name: StartsName) -> None:
        self._lookup = lookup
        self._token_info = token_info
        self._starts_name = starts_name

    def find(self, text: NormalisedText) -> list[Hit]:
        """Return name, relative-name and relative-given-name hits."""
        letters = text.letters_bytes
        # Names are written with a capital (see _written_as_name), so only the
        # capitalised words of the letters view can start one (one C regex pass);
        # each is looked up by keyed digest, memoised per scanner, and only a
        # token that begins a roster name key goes further.
        cased_letters = text.cased_bytes.translate(_CASED_LETTERS_TABLE)
        hits: list[Hit] = []
        seen: set[tuple[int, int, int]] = set()
        for match in _CAPITAL_WORD.finditer(cased_letters):
            start, end = match.span()
            if end - start < 2:
                continue
            if not self._starts_name(canonical_name_token(letters[start:end].decode("ascii"))):
                continue
            # Cheap check before building n-grams: a name needs a roster token
            # right after or right before the given name ("will be" has none).
            if not self._neighbour_is_roster(letters, start, end):
                continue
            for sequence in _sequences(letters, start, end):
                canonical = [canonical_name_token(word) for word, _s, _e in sequence]
                if any(self._token_info(word) is None for word in canonical):
                    continue
                span_start, span_end = sequence[0][1], sequence[-1][2]
                if not _written_as_name(text.ascii_original, span_start, span_end):
                    continue
                for person, role in self._lookup("name", " ".join(canonical)):
                    marker = (person, span_start, span_end)
                    if marker not in seen:
                        seen.add(marker)
                        hits.append(Hit(person, Kind(role), span_start, span_end))
        if hits:
            hits.extend(self._relative_given_names(text, hits))
        return hits

    def _neighbour_is_roster(self, letters: bytes, start: int, end: int) -> bool:
        after = [word for word in letters[end : end + _AFTER_REACH].split() if len(word) > 1][:2]
        before = [
            word for word in letters[max(0, start - _BEFORE_REACH) : start].split() if len(word) > 1
        ][-1:]
        return any(
            self._token_info(canonical_name_token(word.decode("ascii"))) is not None
            for word in (*after, *before)
        )

    def _relative_given_names(self, text: NormalisedText, hits: list[Hit]) -> list[Hit]:
        """Find a relative's given name alone, capitalised, near the officer's name."""
        found: list[Hit] = []
        own_spans: dict[int, list[tuple[int, int]]] = {}
        for hit in hits:
            if hit.kind == Kind.NAME:
                own_spans.setdefault(hit.person, []).append((hit.start, hit.end))
        # The rule below needs a relation word within _RELATION_DISTANCE of the
        # given name: find them once; without one near a name, skip its window.
        # (Only in the reach of the names: the regex costs ~0.1 ms per KB.)
        reach = _RELATIVE_WINDOW + _RELATION_DISTANCE
        regions: list[tuple[int, int]] = []
        for span_start, span_end in sorted(span for spans in own_spans.values() for span in spans):
            start, end = max(0, span_start - reach), span_end + reach
            if regions and start <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(regions[-1][1], end))
            else:
                regions.append((start, end))
        relations = [
            match.span()
            for start, end in regions
            for match in _RELATION_WORDS.finditer(text.lower_bytes, start, end)
        ]
        if not relations:
            return found
        letters, original = text.letters_bytes, text.ascii_original
        relation_starts = [relation_start for relation_start, _end in relations]

        def relation_near(start: int, end: int) -> bool:
            # Is a relation word within _RELATION_DISTANCE of [start, end)? Binary
            # search: a long list of names and relation words stays linear.
            i = bisect.bisect_left(relation_starts, start - _RELATION_DISTANCE)
            limit = end + _RELATION_DISTANCE
            while i < len(relations) and relations[i][0] <= limit:
                if relations[i][1] <= limit:
                    return True
                i += 1
            return False

        for person, spans in own_spans.items():
            ordered = sorted(spans)
            span_starts = [span_start for span_start, _end in ordered]
            reach_ends = list(itertools.accumulate((end for _start, end in ordered), max))
            for span_start, span_end in spans:
                window_start = max(0, span_start - _RELATIVE_WINDOW)
                window_end = span_end + _RELATIVE_WINDOW
                if not relation_near(window_start, window_end):
                    continue
                window = letters[window_start:window_end]
                for match in _WORD.finditer(window):
                    start, end = window_start + match.start(), window_start + match.end()
                    # A given name alone is a weak signal; demand the capital
                    # letter a name is written with so "may" or "will" do not count.
                    if not original[start].isupper():
                        continue
                    position = bisect.bisect_right(span_starts, start) - 1
                    if position >= 0 and reach_ends[position] > start:
                        continue  # part of the officer's own name
                    relatives = self._token_info(canonical_name_token(match.group().decode()))
                    if not relatives or person not in relatives:
                        continue
                    # "Brandon Wall" or "Brandon Lee" is another name or a
                    # street, not the relative Brandon on their own.
                    following = _NEXT_WORD.match(original, end)
                    if following and following.group(1)[0].isupper():
                        continue
                    # A given name alone is common; count it only when a relation
                    # word stands next to it ("his wife Jennifer", "Tammy (son)").
                    if not relation_near(start, end):
                        continue
                    found.append(Hit(person, Kind.RELATIVE_GIVEN, start, end))
        return found


_ORIGINAL_WORD = re.compile(r"[^\W_]+")
_OCR_LETTER_DIGITS = frozenset("0158")  # read as o, l, s, b in the letters view


def _written_as_name(original: str, start: int, end: int) -> bool:
    """Return whether every word of a span is written like part of a name.

    Names are capitalised ("Grace Long", "GRACE LONG"); prose such as "long
    frank talks" or "rose the rose" is not. OCR may turn a capital into a
    digit ("8rown"), which is allowed; a number ("11") is not a name word.
    Surname particles keep their lower case inside a name ("Reina del Valle",
    "Ana de la Cruz", "Pieter van Dijk"), never as its first or last word.
    """
    words = [match.group() for match in _ORIGINAL_WORD.finditer(original, start, end)]
    for position, word in enumerate(words):
        if len(word) == 1:
            continue  # an initial
        if 0 < position < len(words) - 1 and word in NAME_PARTICLES:
            continue
        if not (word[0].isupper() or word[0] in _OCR_LETTER_DIGITS):
            return False
        # OCR may read letters as digits ("Hartwe11", "8rown"): at most one
        # other character, and at least as many letters as look-alike digits.
        letters = sum(char.isalpha() for char in word)
        look_alikes = sum(char in _OCR_LETTER_DIGITS for char in word)
        if letters + look_alikes < len(word) - 1 or look_alikes > letters:
            return False
    return True


def _sequences(letters: bytes, start: int, end: int) -> list[list[tuple[str, int, int]]]:
    """Return the candidate name n-grams around a given-name token."""
    given = (letters[start:end].decode("ascii"), start, end)
    right: list[tuple[str, int, int]] = []
    previous_end = end
    for match in _WORD.finditer(letters, end, min(len(letters), end + _RIGHT_REACH)):
        if match.start() - previous_end > _MAX_GAP or len(right) == 3:
            break
        right.append((match.group().decode("ascii"), match.start(), match.end()))
        previous_end = match.end()
    left: list[tuple[str, int, int]] = []
    window_start = max(0, start - _LEFT_REACH)
    for match in _WORD.finditer(letters, window_start, start):
        left.append((match.group().decode("ascii"), match.start(), match.end()))
    left = left[-2:]
    # Keep only the left tokens that sit right before the given name.
    kept_left: list[tuple[str, int, int]] = []
    boundary = start
    for item in reversed(left):
        if boundary - item[2] > _MAX_GAP:
            break
        kept_left.insert(0, item)
        boundary = item[1]
    sequences = []
    for length in range(1, len(right) + 1):
        sequences.append([given, *right[:length]])
    if len(right) >= 2:
        # Skip an unknown middle name: "John Henry Smith" for roster "John Smith".
        sequences.append([given, *right[1:2]])
        if len(right) == 3:
            sequences.append([given, *right[1:3]])
    for length in range(1, len(kept_left) + 1):
        # "SMITH, John" and "GARCIA LOPEZ, Juan".
        sequences.append([*kept_left[-length:], given])
    return sequences
