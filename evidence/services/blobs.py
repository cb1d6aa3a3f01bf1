"""Stored objects and their Blob rows, serialised per content hash.

The same bytes can arrive twice at once (two uploads, a derivative that equals an earlier one)
while the orphan sweep or a failed ingest's clean-up deletes stored objects no Blob row names.
Without a common lock an ingest could find the object present, the sweep could then delete it
as unreferenced, and the ingest would commit an item that points at nothing.

So every decision "these bytes are stored and a row points at them" and every decision "no row
points at these bytes, delete them" is taken under one lock per SHA-256, held until the
transaction ends, and each re-checks the other side under that lock:

- registering checks that the object is still in the store before it writes the rows;
- deleting checks that no Blob row names the object before it deletes it.

PostgreSQL: a transaction-scoped advisory lock keyed by the hash (two-key form, its own key
space, so it never meets the audit chain's single-key lock). SQLite: the IMMEDIATE transaction
(settings) already holds the database's write lock from BEGIN, which serialises the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction

from evidence import storage
from evidence.models import Blob

# Namespace of the evidence content locks (first key of the two-key advisory lock): "evid".
_LOCK_NAMESPACE = 0x65766964


T = TypeVar("T")


class ObjectNotStored(Exception):
    """The store does not hold the object (never stored yet, or deleted as an orphan)."""


def content_lock(name: str) -> None:
    """Hold the lock for one stored object until the current transaction ends.

    ``name`` is the object's SHA-256 (or, for a stray key, its last path component).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("content_lock() must be called inside a transaction.")
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(name.encode()).digest()
        key = int.from_bytes(digest[:4], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])
    # SQLite: BEGIN IMMEDIATE took the write lock already (see the module docstring).


def blob_claim(*, sha256: str, size: int, key: str) -> Blob:
    """Return the Blob row for stored bytes, creating it; call inside the registering transaction.

    Raises ObjectNotStored if the object is not (or no longer) in the store, so the caller
    stores the bytes again instead of committing a row that points at nothing.
    """
    content_lock(sha256)
    blob = Blob.objects.filter(sha256=sha256).first()
    if not storage.exists(blob.storage_key if blob is not None else key):
        raise ObjectNotStored(sha256)
    if blob is None:
        blob = Blob.objects.create(sha256=sha256, size=size, storage_key=key)
    return blob


def discard_if_unreferenced(*, key: str) -> bool:
    """Delete a stored object if no Blob row names it (checked under its lock); return whether."""
    with transaction.atomic():
        content_lock(key.rsplit("/", 1)[-1])
        if Blob.objects.filter(storage_key=key).exists():
            return False
        if not storage.exists(key):
            return False
        storage.delete_unreferenced(key)
        return True


def store_and_register(
    *, key: str, store: Callable[[], tuple[str, bool]], register: Callable[[str], T], what: str
) -> T:
    """Register rows for bytes under ``key``, storing the bytes first only if they are not stored.

    ``register(key)`` runs the registering transaction (it calls ``blob_claim``, which raises
    ObjectNotStored when the object is missing); ``store()`` writes the bytes and returns the
    key and whether this call stored them. Bytes this call stored but no row came to name are
    removed again under the per-hash lock (a concurrent upload of the same bytes may have just
    committed); the sweep catches a kill.
    """
    try:
        return register(key)
    except ObjectNotStored:
        pass
    key, newly_stored = store()
    try:
        return register(key)
    except ObjectNotStored:
        # Deleted again between our store and our lock: only a concurrent clean-up of the same
        # bytes can do that. Nothing was registered; the caller may simply retry.
        raise storage.StorageError(
            f"The evidence store lost {what} while it was being registered; try again."
        ) from None
    except BaseException:
        if newly_stored:
            with contextlib.suppress(Exception):
                discard_if_unreferenced(key=key)
        raise
