"""Adapter between the Django roster and the pure scanner library (``exposure.scanner``).

The index is built in memory from decrypted roster rows and holds only keyed hashes
(HMAC under MATCHING_HMAC_KEY); it is rebuilt when the roster changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max

from exposure.crypto import matching_key
from exposure.models import ProtectedPerson
from exposure.scanner import DocumentResult, ExposureIndex, Relative, RosterPerson, Scanner
from exposure.scanner import build_index as _build_index
from exposure.scanner.identifiers import address_key, email_key, phone_key
from exposure.scanner.index import keyed_digest
from exposure.scanner.normalise import canonical_plate, fold

_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "scanner": None}


def roster_person(person: ProtectedPerson) -> RosterPerson:
    """Return the scanner's plaintext view of one decrypted roster row (memory only)."""
    return RosterPerson(
        id=person.roster_id,
        full_name=person.full_name or "",
        aliases=tuple(person.aliases or ()),
        addresses=tuple(person.addresses or ()),
        phones=tuple(person.phones or ()),
        emails=tuple(person.emails or ()),
        plates=tuple(person.plates or ()),
        relatives=tuple(
            Relative(item.get("name", ""), item.get("relation", ""))
            for item in person.relatives or ()
        ),
    )


def value_digests(person: ProtectedPerson) -> set[tuple[str, str]]:
    """Return (kind, hex HMAC) for each normalised strong value, as the scanner keys them."""
    key = matching_key()
    found: set[tuple[str, str]] = set()
    for address in person.addresses or ():
        parsed = address_key(fold(address))
        if parsed:
            number, core, street_type = parsed
            found.add(("addr", keyed_digest(key, "addr", f"{number} {core} {street_type}").hex()))
            found.add(("street", keyed_digest(key, "street", f"{core} {street_type}").hex()))
    for phone in person.phones or ():
        canonical = phone_key(fold(phone))
        if canonical:
            found.add(("phone", keyed_digest(key, "phone", canonical).hex()))
    for email in person.emails or ():
        canonical = email_key(fold(email))
        if canonical:
            found.add(("email", keyed_digest(key, "email", canonical).hex()))
    for plate in person.plates or ():
        canonical = canonical_plate(plate)
        if len(canonical) >= 2:
            found.add(("plate", keyed_digest(key, "plate", canonical).hex()))
    return found


def build_index(people: Iterable[ProtectedPerson]) -> ExposureIndex:
    """Build a plaintext-free index from roster rows."""
    return _build_index((roster_person(person) for person in people), key=matching_key())


def _roster_version() -> tuple[Any, ...]:
    summary = ProtectedPerson.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return (summary["count"], summary["latest"], matching_key())


def current_scanner() -> Scanner:
    """Return a scanner over the whole roster, rebuilt when the roster has changed."""
    version = _roster_version()
    with _lock:
        if _cache["version"] != version or _cache["scanner"] is None:
            _cache["scanner"] = Scanner(build_index(ProtectedPerson.objects.all()))
            _cache["version"] = version
        return _cache["scanner"]


def scan_text(text: str, document_id: str | None = None) -> DocumentResult:
    """Scan one text against the current roster."""
    scanner = current_scanner()
    with _lock:  # a Scanner's compiled databases are not thread-safe
        return scanner.scan(text, document_id)
