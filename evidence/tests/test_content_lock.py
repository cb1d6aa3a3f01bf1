"""Uploads of the same bytes against the orphan sweep and the failed-ingest clean-up.

The sweep and the clean-up delete stored objects that no Blob row names; an upload of the same
bytes may be registering them at that moment. Both sides decide under one lock per SHA-256
(evidence.services.blobs), so an item never commits pointing at deleted bytes.

The interleavings are forced with events, not timing: a thread is paused at a named point and
the test waits until the other side is either finished or waiting for a lock (pg_locks).
Every record and file here is synthetic test data.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time

import pytest
from django.db import connection, connections

from evidence import fixity, services, storage
from evidence.models import EvidenceItem

pytestmark = pytest.mark.django_db

DATA = b"Synthetic note for the content-lock tests: Officer Sample Two (fictional).\n"
SHA = hashlib.sha256(DATA).hexdigest()
KEY = storage.key_for(SHA)


def _store_orphan(local_store) -> None:
    """Bytes stored by a process killed before its rows committed, long enough ago to sweep."""
    staged = storage.staging_dir() / "killed.part"
    staged.write_bytes(DATA)
    storage.put(staged, SHA)
    old = time.time() - 7200
    os.utime(local_store / KEY, (old, old))


def _ingest(incident, world) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(DATA),
        filename="nota.txt",
        actor=world.user("a", "field_officer"),
    )


def test_an_upload_registered_after_the_sweep_listed_the_store_keeps_its_bytes(
    local_store, incident, world, monkeypatch
):
    _store_orphan(local_store)
    real_modified_at = storage.modified_at
    registered: list[EvidenceItem] = []

    def upload_meanwhile(key):
        # The sweep has listed the store and its Blob rows; the same bytes are uploaded and
        # committed before it decides to delete them.
        if key == KEY and not registered:
            registered.append(_ingest(incident, world))
        return real_modified_at(key)

    monkeypatch.setattr(storage, "modified_at", upload_meanwhile)

    assert fixity.sweep_orphans() == {"partials": 0, "orphans": 0, "expired_uploads": 0}

    (item,) = registered
    assert storage.exists(item.blob.storage_key)
    assert services.evidence_read_bytes(item) == DATA


# Real concurrency: PostgreSQL only (the SQLite test database is one connection's business, and
# there IMMEDIATE transactions serialise every writer anyway).
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two connections to PostgreSQL"
)


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + 60  # a safety net against a hung test, not a measurement
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.02)


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


class _Thread(threading.Thread):
    """A thread with its own database connection that keeps its result or error."""

    def __init__(self, target) -> None:
        super().__init__(daemon=True)
        self._target_function = target
        self.result = self.error = None

    def run(self) -> None:
        try:
            self.result = self._target_function()
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            connections.close_all()


def _pause_registration(monkeypatch, thread_name: str):
    """Pause the named thread's ingest after its rows are written, before it commits."""
    from evidence.services import ingest

    paused, release = threading.Event(), threading.Event()
    real = ingest.custody_record

    def pausing(**kwargs):
        if threading.current_thread().name == thread_name and not paused.is_set():
            paused.set()
            assert release.wait(60)
        return real(**kwargs)

    monkeypatch.setattr(ingest, "custody_record", pausing)
    return paused, release


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_sweep_waits_for_an_upload_of_the_same_bytes_to_commit(
    local_store, incident, world, monkeypatch
):
    _store_orphan(local_store)
    paused, release = _pause_registration(monkeypatch, "upload")
    upload = _Thread(lambda: _ingest(incident, world))
    upload.name = "upload"
    upload.start()
    _until(paused.is_set, "the upload to write its rows")

    sweep = _Thread(fixity.sweep_orphans)
    sweep.start()
    _until(lambda: not sweep.is_alive() or _someone_waits_for_a_lock(), "the sweep to decide")
    release.set()
    upload.join(60)
    sweep.join(60)

    assert upload.error is None and sweep.error is None
    assert sweep.result == {"partials": 0, "orphans": 0, "expired_uploads": 0}
    assert services.evidence_read_bytes(upload.result) == DATA


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failed_upload_does_not_delete_bytes_a_concurrent_upload_is_registering(
    local_store, incident, world, monkeypatch
):
    from evidence.services import ingest

    stored, paused_second = threading.Event(), threading.Event()
    real_register = ingest._register

    def failing_after_store(**kwargs):
        # The first upload stored the bytes itself, then its registration fails; before its
        # clean-up runs, the second upload (which found the bytes stored) is mid-registration.
        if threading.current_thread().name == "first" and storage.exists(kwargs["key"]):
            stored.set()
            assert paused_second.wait(60)
            raise RuntimeError("synthetic failure after the bytes were stored")
        return real_register(**kwargs)

    monkeypatch.setattr(ingest, "_register", failing_after_store)
    paused, release = _pause_registration(monkeypatch, "second")
    first = _Thread(lambda: _ingest(incident, world))
    first.name = "first"
    first.start()
    _until(stored.is_set, "the first upload to store the bytes")
    second = _Thread(lambda: _ingest(incident, world))
    second.name = "second"
    second.start()
    _until(paused.is_set, "the second upload to write its rows")
    paused_second.set()

    _until(lambda: not first.is_alive() or _someone_waits_for_a_lock(), "the clean-up to decide")
    release.set()
    first.join(60)
    second.join(60)

    assert isinstance(first.error, RuntimeError)
    assert second.error is None
    assert services.evidence_read_bytes(second.result) == DATA
