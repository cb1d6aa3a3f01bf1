"""A copy (working copy, redacted copy, PDF page selection) made while its original is disposed of.

The early refuse_if_disposed reads the original before any lock; evidence_dispose locks the whole
family and commits later. The registering transaction of a copy locks the original's row and
reads it again, so a copy started during a disposal is refused once the disposal commits and
leaves no item and no bytes of its own (C-37; 44 U.S.C. 3106). The interleavings are forced:
on SQLite by disposing at a named point, on PostgreSQL with two connections and events, as in
test_hold_disposal_race. Every record and file here is synthetic test data.
"""

from __future__ import annotations

import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from evidence import services, storage
from evidence.disposal import evidence_dispose, evidence_legal_hold
from evidence.models import EvidenceItem
from evidence.services import derivatives
from evidence.tests.hostile_corpus import jpeg_bytes
from evidence.tests.test_content_lock import _Thread, _until, needs_postgresql

pytestmark = pytest.mark.django_db

SCHEDULE = "GRS 5.2 item 020"
DISPOSED = "disposed of under the records schedule"


@pytest.fixture
def photo(local_store, incident, world):
    return services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(jpeg_bytes()),
        filename="foto.jpg",
        actor=world.user("a", "field_officer"),
    )


def _stored(local_store) -> set[str]:
    root = local_store / storage.DERIVATIVES
    return {str(path) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def _redact(photo, world) -> EvidenceItem:
    return services.evidence_redact(
        item=photo,
        actor=world.user("a", "field_officer"),
        reason="Synthetic release.",
        boxes=[[0, 0, 2, 2]],
    )


def _dispose(photo, world) -> None:
    evidence_dispose(
        item=photo,
        actor=world.user("a", "records_officer"),
        schedule_item=SCHEDULE,
        reason="Retention ended.",
    )


def _redacted_copies(photo) -> int:
    return EvidenceItem.objects.filter(
        parent=photo, derivation=EvidenceItem.Derivation.REDACTED
    ).count()


def test_a_copy_is_refused_when_the_original_is_disposed_of_after_the_early_check(
    photo, world, local_store, monkeypatch
):
    stored_before = _stored(local_store)
    real_check = derivatives.refuse_if_disposed

    def check_then_dispose(item):
        real_check(item)  # the original is not disposed of yet ...
        _dispose(photo, world)  # ... and is by the time the copy's rows are written

    monkeypatch.setattr(derivatives, "refuse_if_disposed", check_then_dispose)

    with pytest.raises(ValidationError, match=DISPOSED):
        _redact(photo, world)
    assert _redacted_copies(photo) == 0
    assert _stored(local_store) == stored_before


def test_a_copy_is_refused_when_the_disposal_commits_while_its_bytes_are_stored(
    photo, world, local_store, monkeypatch
):
    # The bytes are stored by this call, then the registration refuses: they are removed again.
    stored_before = _stored(local_store)
    real_put_bytes = storage.put_bytes

    def put_then_dispose(data, sha256):
        result = real_put_bytes(data, sha256)
        _dispose(photo, world)
        return result

    monkeypatch.setattr(storage, "put_bytes", put_then_dispose)

    with pytest.raises(ValidationError, match=DISPOSED):
        _redact(photo, world)
    assert _redacted_copies(photo) == 0
    assert _stored(local_store) == stored_before


def test_a_legal_hold_does_not_stop_a_copy(photo, world):
    evidence_legal_hold(
        item=photo,
        actor=world.user("a", "records_officer"),
        hold=True,
        reason="Synthetic litigation.",
    )
    assert _redact(photo, world).parent_id == photo.pk


def test_no_working_copy_is_made_of_a_disposed_item(local_store, incident, world, monkeypatch):
    # The working-copy task has not run yet when the original is disposed of.
    monkeypatch.setattr(services, "evidence_working_copy", lambda item: None)
    photo = services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(jpeg_bytes()),
        filename="foto.jpg",
        actor=world.user("a", "field_officer"),
    )
    _dispose(photo, world)
    photo.refresh_from_db()
    assert derivatives.evidence_working_copy(item=photo) is None
    assert not photo.derivatives.exists()


def test_the_working_copy_is_refused_under_the_lock_too(local_store, incident, world, monkeypatch):
    monkeypatch.setattr(services, "evidence_working_copy", lambda item: None)
    photo = services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(jpeg_bytes()),
        filename="foto.jpg",
        actor=world.user("a", "field_officer"),
    )
    stale = EvidenceItem.objects.get(pk=photo.pk)  # read before the disposal, as a task does
    _dispose(photo, world)
    with pytest.raises(ValidationError, match=DISPOSED):
        derivatives.evidence_working_copy(item=stale)
    assert not photo.derivatives.exists()


def _this_database_waits_for_a_lock() -> bool:
    # Only this test database's sessions: other test runs share the server.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_copy_started_during_the_originals_disposal_waits_and_is_refused(
    photo, world, local_store, monkeypatch
):
    stored_before = _stored(local_store)
    paused, release = threading.Event(), threading.Event()
    real_save = EvidenceItem.save

    def pausing_save(self, *args, **kwargs):
        # The disposal has locked the family and checked it; it has not written yet.
        if threading.current_thread().name == "dispose" and not paused.is_set():
            paused.set()
            assert release.wait(60)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceItem, "save", pausing_save)
    dispose = _Thread(lambda: _dispose(photo, world))
    dispose.name = "dispose"
    dispose.start()
    _until(paused.is_set, "the disposal to lock the family")

    # The early check passes: the disposal has not committed.
    copy = _Thread(lambda: _redact(photo, world))
    copy.start()
    _until(lambda: not copy.is_alive() or _this_database_waits_for_a_lock(), "the copy to register")
    release.set()
    dispose.join(60)
    copy.join(60)

    assert dispose.error is None
    assert isinstance(copy.error, ValidationError), copy.result
    assert DISPOSED in str(copy.error)
    assert _redacted_copies(photo) == 0
    assert _stored(local_store) == stored_before
    photo.refresh_from_db()
    assert photo.disposed_at is not None
    assert not EvidenceItem.objects.filter(disposed_at__isnull=True, parent=photo).exists()
