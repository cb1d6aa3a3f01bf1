"""Build the roster index: keyed hashes only, never plaintext.

Design (why hash lookups, and where the automata fit)
-----------------------------------------------------
Roster PII is encrypted at rest, and the architecture rule is that the
scanner matches on keyed hashes (ARCHITECTURE.md §4). So every roster value is
normalised to a canonical key (``identifiers.py``) and stored only as
HMAC-SHA256(secret key, kind + ":" + canonical value), truncated to 128 bits.
At scan time the document is normalised once, candidate spans are extracted
(phones, e-mails, addresses, plates, SSNs, name n-grams) and each candidate's
HMAC is looked up in one dict. Nothing loops per person.

Hashing every word n-gram of every document costs ~400 ns per token just to
split the text in Python (measured: 11-19 MB/s), too slow for bulk crawls. So
the scanner picks the few places worth hashing:

* Hyperscan (one database of shape regexes, one for plates) finds phone,
  e-mail, address, SSN and plate shapes in a single pass over the bytes;
* a name is written with a capital, so only capitalised words (about 12 in a
  1.4 KB document of the benchmark corpus) can start one. Each is
  canonicalised and its keyed digest looked up in the token table, whose
  entries carry a flag for the tokens that begin a roster name key (given
  names, and relatives' given names). Only around a flagged token are the
  neighbouring tokens hashed and name n-grams looked up;
* a street named without a house number is read word by word only near a
  roster name.

The per-document path runs in compiled code when it is built (exposure/native,
docs/decisions/0011); these Python modules define it and are the reference.

What an attacker with the serialised index (``to_bytes``) learns without the
key: the roster ids, the number of keys per kind and how many name tokens are
flagged. Not a name, address, phone, e-mail or plate, and no part of one (an
earlier version kept three-letter prefixes of given names missing from a public
vocabulary as plaintext triggers; the flag replaced them). Unkeyed hashes would
not do: every 10-digit phone can be hashed in about an hour (research A3).
"""

from __future__ import annotations

import gc
import hmac
import json
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from .identifiers import address_key, email_key, phone_key
from .kinds import Kind
from .normalise import canonical_plate, fold, name_tokens
from .roster import RosterPerson
from .vocabulary import NAME_PARTICLES, given_name_variants, public_given_names

DIGEST_BYTES = 16
PREFIX_LENGTH = 3
SHORT_PLATE_LENGTH = 5
_MAGIC = b"CUSTOS-EXPOSURE-INDEX-3\n"  # 3: ordinal streets, surname particles

Entry = tuple[int, int]  # (person number, Kind)
_ENTRY = struct.Struct("<IB")
_PERSON = struct.Struct("<I")


def unpack_entries(packed: bytes) -> tuple[Entry, ...]:
    """Decode packed (person, kind) records."""
    return tuple(_ENTRY.iter_unpack(packed))


def unpack_persons(packed: bytes) -> tuple[int, ...]:
    """Decode packed person numbers."""
    return tuple(person for (person,) in _PERSON.iter_unpack(packed))


# First byte of a token-table value: set when the token begins a roster name
# key (a given name) and so may start a name in a document.
TOKEN_STARTS_NAME = 1


def unpack_token(packed: bytes) -> tuple[bool, tuple[int, ...]]:
    """Decode a token-table value: (starts a name, persons it is a relative of)."""
    return bool(packed[0] & TOKEN_STARTS_NAME), unpack_persons(packed[1:])


try:  # OpenSSL's HMAC object, without the pure-Python wrapper (CPython).
    from _hashlib import hmac_new as _hmac_new
except ImportError:  # pragma: no cover - other interpreters
    _hmac_new = hmac.new


class KeyedHasher:
    """HMAC-SHA256 under one key, truncated to ``DIGEST_BYTES``.

    The keyed inner and outer states are computed once and copied per value:
    the same digests as ``hmac.digest`` at about half the cost per call
    (1.3 vs 2.4 µs measured), which matters for ~700,000 roster keys.
    """

    __slots__ = ("_base",)

    def __init__(self, key: bytes) -> None:
        self._base = _hmac_new(key, digestmod="sha256")

    def __call__(self, kind: str, value: str) -> bytes:
        state = self._base.copy()
        state.update(f"{kind}:{value}".encode())
        return state.digest()[:DIGEST_BYTES]


def keyed_digest(key: bytes, kind: str, value: str) -> bytes:
    """Return the truncated HMAC-SHA256 of one canonical value."""
    return hmac.digest(key, f"{kind}:{value}".encode(), "sha256")[:DIGEST_BYTES]


@dataclass
class IndexStats:
    """Counts that describe an index without revealing its contents."""

    people: int = 0
    keys: int = 0
    name_tokens: int = 0
    prefix_triggers: int = 0
    build_seconds: float = 0.0


@dataclass
class ExposureIndex:
    """A plaintext-free roster index; see the module docstring."""

    key: bytes
    person_ids: list[str]
    # Digest -> packed (person u32, kind u8) records. Bytes values keep the
    # dict out of the garbage collector's reach: a million tracked tuples made
    # every full collection walk the whole index (measured: 3-5x slower scans).
    entries: dict[bytes, bytes]
    # Token digest -> flag byte (TOKEN_STARTS_NAME) + packed u32 persons for
    # whom it is a relative's given name.
    tokens: dict[bytes, bytes]
    # Always empty since index format 2 (kept for callers reading the stats).
    prefix_triggers: frozenset[str] = frozenset()
    stats: IndexStats = field(default_factory=IndexStats)

    def __post_init__(self) -> None:
        self._hasher = KeyedHasher(self.key)

    def digest(self, kind: str, value: str) -> bytes:
        """Return the keyed digest of a canonical value under this index's key."""
        return self._hasher(kind, value)

    def lookup(self, kind: str, value: str) -> tuple[Entry, ...]:
        """Return the (person, kind) entries whose key equals this value."""
        return unpack_entries(self.entries.get(self._hasher(kind, value), b""))

    def key_fingerprint(self) -> bytes:
        """Return a short value that tells whether two indexes share a key."""
        return hmac.digest(self.key, b"fingerprint", "sha256")[:8]

    def to_bytes(self) -> bytes:
        """Serialise without the key and without any roster plaintext."""
        header = json.dumps(
            {
                "person_ids": self.person_ids,
                "fingerprint": self.key_fingerprint().hex(),
                "entries": len(self.entries),
                "tokens": len(self.tokens),
            }
        ).encode()
        parts = [_MAGIC, struct.pack("<I", len(header)), header]
        for table in (self.entries, self.tokens):
            for digest, packed in table.items():
                parts.append(digest + struct.pack("<I", len(packed)) + packed)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes, key: bytes) -> ExposureIndex:
        """Load a serialised index; refuse it if the key does not match."""
        if not data.startswith(_MAGIC):
            raise ValueError("Not an exposure index of this version: rebuild it from the roster.")
        position = len(_MAGIC)
        (header_length,) = struct.unpack_from("<I", data, position)
        position += 4
        header = json.loads(data[position : position + header_length])
        position += header_length
        tables: list[dict[bytes, bytes]] = []
        for count in (header["entries"], header["tokens"]):
            table: dict[bytes, bytes] = {}
            for _ in range(count):
                digest = data[position : position + DIGEST_BYTES]
                (length,) = struct.unpack_from("<I", data, position + DIGEST_BYTES)
                position += DIGEST_BYTES + 4
                table[digest] = data[position : position + length]
                position += length
            tables.append(table)
        entries, tokens = tables
        index = cls(
            key=key,
            person_ids=header["person_ids"],
            entries=entries,
            tokens=tokens,
        )
        if index.key_fingerprint().hex() != header["fingerprint"]:
            raise ValueError("The key does not match the one this index was built with.")
        index.stats = IndexStats(
            people=len(index.person_ids),
            keys=len(entries),
            name_tokens=len(tokens),
        )
        return index


def _plain_tokens(value: str) -> list[str]:
    """Split a name into folded lower-case words (no OCR canonicalisation)."""
    letters = "".join(char if char.isalpha() else " " for char in fold(value))
    return [token for token in letters.split() if len(token) > 1]


def _split_name(person: RosterPerson) -> tuple[list[str], list[str], list[str]]:
    """Return (given, middle, family) plain words of a roster name."""
    if person.given_name and person.family_name:
        given = _plain_tokens(person.given_name)
        return given[:1], given[1:], _plain_tokens(person.family_name)
    if "," in person.full_name:
        family_part, given_part = person.full_name.split(",", 1)
        given = _plain_tokens(given_part)
        return given[:1], given[1:], _plain_tokens(family_part)
    tokens = _plain_tokens(person.full_name)
    return tokens[:1], tokens[1:-1], tokens[-1:]


def _family_options(middle: list[str], family: list[str]) -> set[str]:
    """Return the canonical ways a family name is written: whole, each surname."""
    middle, family = name_tokens(" ".join(middle)), name_tokens(" ".join(family))
    options = {" ".join(family)}
    if len(family) > 1:
        # Each surname alone ("Garcia" of "Garcia Lopez"), but never a particle
        # alone ("de" of "Villalpando de Jesus").
        options.update(token for token in family if token not in NAME_PARTICLES)
    if middle and not family[1:]:
        # "Juan Garcia Lopez" without an explicit split: Garcia may be the
        # paternal surname used alone, or "Garcia Lopez" the whole family name.
        # Particles belong to the surname after them: "Villalpando de Jesus" is
        # "Villalpando" and "de Jesus", never "de".
        paternal = len(middle)
        while paternal > 0 and middle[paternal - 1] in NAME_PARTICLES:
            paternal -= 1
        particles = middle[paternal:]
        if particles:
            options.add(" ".join([*particles, *family]))
        if paternal:
            options.add(middle[paternal - 1])
            options.add(" ".join([middle[paternal - 1], *particles, *family]))
    return {option for option in options if option}


def _given_options(given: list[str], aliases: Iterable[str]) -> set[str]:
    options: set[str] = set()
    for token in given:
        for variant in given_name_variants(token):
            options.update(name_tokens(variant))
    for alias in aliases:
        alias_tokens = _plain_tokens(alias)
        if len(alias_tokens) == 1:
            for variant in given_name_variants(alias_tokens[0]):
                options.update(name_tokens(variant))
    return options


class _Builder:
    """Collect roster keys; they are hashed once each when the index is made.

    The canonical values live only in this transient builder (the roster
    plaintext is in memory anyway); ``build_index`` keeps nothing but digests.
    """

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.entries: dict[tuple[str, str], set[Entry]] = {}
        self.name_tokens: set[str] = set()
        self.relative_tokens: dict[str, set[int]] = {}
        self.trigger_tokens: set[str] = set()

    def add(self, kind: str, value: str, person: int, role: Kind) -> None:
        found = self.entries.get((kind, value))
        if found is None:
            self.entries[(kind, value)] = {(person, int(role))}
        else:
            found.add((person, int(role)))

    def add_name(self, tokens: list[str], person: int, role: Kind, given_at: int) -> None:
        if len(tokens) < 2:
            return  # A lone given or family name is not a name match.
        self.add("name", " ".join(tokens), person, role)
        self.name_tokens.update(tokens)
        self.trigger_tokens.add(tokens[given_at])

    def add_person(self, number: int, person: RosterPerson) -> None:
        given, middle, family = _split_name(person)
        # A second given name is often the one used ("Maria Guadalupe" is
        # "Lupe"; "Robert James" may go by "Jim"): treat it as a given name too.
        second = [
            token for token in middle[:1] if person.given_name or token in public_given_names()
        ]
        givens = _given_options(given + second, person.aliases)
        formal = set(name_tokens(" ".join(given + second)))
        for last in _family_options(middle, family):
            last_tokens = last.split()
            for first in givens:
                self.add_name([first, *last_tokens], number, Kind.NAME, 0)
                if first in formal:
                    # "FAMILY, Given" lists use the formal given name.
                    self.add_name([*last_tokens, first], number, Kind.NAME, len(last_tokens))
        if given and middle and family:
            self.add_name(name_tokens(" ".join([*given, *middle, *family])), number, Kind.NAME, 0)
        for alias in person.aliases:
            alias_tokens = name_tokens(alias)
            self.add_name(alias_tokens, number, Kind.NAME, 0)
        for relative in person.relative_list():
            plain = _plain_tokens(relative.name)
            relative_tokens = name_tokens(" ".join(plain))
            if not relative_tokens:
                continue
            if relative_tokens == name_tokens(" ".join([*given, *family])):
                continue  # Same name as the officer ("Jr."): indistinguishable in text.
            relative_givens = _given_options(plain[:1], ())
            for first in relative_givens:
                # The given name alone counts only beside the officer's name
                # (decide.py); register it on the token digest.
                self.relative_tokens.setdefault(first, set()).add(number)
                self.trigger_tokens.add(first)
                if len(relative_tokens) > 1:
                    self.add_name([first, *relative_tokens[1:]], number, Kind.RELATIVE, 0)
                    self.add_name([relative_tokens[-1], first], number, Kind.RELATIVE, 1)
        for address in person.addresses:
            parsed = address_key(fold(address))
            if parsed:
                number_text, core, street_type = parsed
                # The type is part of the key: "583 Justin Fall" is not "583
                # Justin Crossing" (random collisions at 25,000 people, measured).
                self.add("addr", f"{number_text} {core} {street_type}", number, Kind.ADDRESS)
                self.add("street", f"{core} {street_type}", number, Kind.STREET)
        for phone in person.phones:
            e164 = phone_key(fold(phone))
            if e164:
                self.add("phone", e164, number, Kind.PHONE)
        for email in person.emails:
            canonical = email_key(fold(email))
            if canonical:
                self.add("email", canonical, number, Kind.EMAIL)
        for plate in person.plates:
            canonical = canonical_plate(plate)
            if len(canonical) >= 2:
                # Plates of 5+ characters, or 4 mixing letters and digits, are
                # rare in prose; shorter or all-digit ones ("1234") are not.
                written = "".join(char for char in fold(plate) if char.isalnum())
                mixed = not written.isdigit() and not written.isalpha()
                strong = len(canonical) >= SHORT_PLATE_LENGTH or (len(canonical) == 4 and mixed)
                role = Kind.PLATE if strong else Kind.SHORT_PLATE
                self.add("plate", canonical, number, role)
        for ssn in person.ssns:
            digits = "".join(char for char in ssn if char.isdigit())
            if len(digits) == 9:
                self.add("ssn", digits, number, Kind.SSN)


def build_index(people: Iterable[RosterPerson], key: bytes) -> ExposureIndex:
    """Build a plaintext-free index from roster people and a secret key."""
    if len(key) < 16:
        raise ValueError("The HMAC key must be at least 16 bytes.")
    # The build makes millions of short-lived tuples and sets and no reference
    # cycles: with the cyclic collector on, every few thousand of them trigger a
    # collection that walks the whole heap of the calling process (measured: a
    # 25,000-person build took 9.6 s instead of 6.3 s beside a large live heap).
    # The pause is process-wide: in the web app other threads run without the
    # cyclic collector for those seconds (reference counting still frees).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_index(people, key)
    finally:
        if collecting:
            gc.enable()


def _build_index(people: Iterable[RosterPerson], key: bytes) -> ExposureIndex:
    started = time.perf_counter()
    builder = _Builder(key)
    person_ids: list[str] = []
    for number, person in enumerate(people):
        person_ids.append(person.id)
        builder.add_person(number, person)
    hasher = KeyedHasher(key)
    entries: dict[bytes, bytes] = {}
    # Pop as we hash so the plaintext keys are freed while the digests grow
    # (the peak holds one of the two tables, not both).
    while builder.entries:
        (kind, value), items = builder.entries.popitem()
        if len(items) == 1:
            packed = _ENTRY.pack(*next(iter(items)))
        else:
            packed = b"".join(_ENTRY.pack(person, role) for person, role in sorted(items))
        entries[hasher(kind, value)] = packed
    tokens: dict[bytes, bytes] = {}
    for token in builder.name_tokens | builder.relative_tokens.keys():
        flags = TOKEN_STARTS_NAME if token in builder.trigger_tokens else 0
        persons = sorted(builder.relative_tokens.get(token, ()))
        tokens[hasher("tok", token)] = bytes([flags]) + b"".join(
            _PERSON.pack(person) for person in persons
        )
    index = ExposureIndex(key=key, person_ids=person_ids, entries=entries, tokens=tokens)
    index.stats = IndexStats(
        people=len(person_ids),
        keys=len(index.entries),
        name_tokens=len(index.tokens),
        prefix_triggers=0,
        build_seconds=time.perf_counter() - started,
    )
    return index
