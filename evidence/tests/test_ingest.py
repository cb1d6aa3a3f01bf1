"""Ingest, deduplication, refusal and clean-up, on both storage backends (synthetic files only)."""

from __future__ import annotations

import hashlib
import io
import os
import time

import pytest

from audit.models import AuditEvent
from evidence import fixity, storage
from evidence.models import Blob, CustodyEvent, EvidenceItem
from evidence.services import evidence_ingest
from evidence.streaming import EvidenceInterrupted, EvidenceRefused
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes, write_hostile_corpus

pytestmark = pytest.mark.django_db


def _ingest(incident, user, data: bytes, name: str, **kwargs) -> EvidenceItem:
    return evidence_ingest(
        incident=incident, fileobj=io.BytesIO(data), filename=name, actor=user, **kwargs
    )


def _stored_keys() -> list[str]:
    return list(storage.iter_keys(storage.ORIGINALS))


def test_identical_bytes_are_stored_once_and_recorded_as_two_items(store, incident, world):
    officer = world.user("a", "field_officer")
    data = jpeg_bytes()
    first = _ingest(incident, officer, data, "foto-1.jpg", collected_by_statement="From victim")
    second = _ingest(incident, officer, data, "foto-2.jpg")

    assert first.pk != second.pk
    assert first.blob_id == second.blob_id
    assert Blob.objects.count() == 1
    assert first.blob.sha256 == hashlib.sha256(data).hexdigest()
    assert _stored_keys() == [storage.key_for(first.blob.sha256)]
    assert b"".join(storage.iter_chunks(first.blob.storage_key)) == data
    # Each item's custody starts with collection and receipt, with the hash seen.
    actions = list(first.custody.values_list("action", "sha256_seen"))
    assert actions == [("collected", first.blob.sha256), ("received", first.blob.sha256)]
    assert AuditEvent.objects.filter(verb="evidence.ingest").count() == 2


def test_exif_claims_are_recorded_beside_the_collectors_statement(local_store, incident, world):
    item = _ingest(
        incident,
        world.user("a", "field_officer"),
        jpeg_bytes(),
        "foto.jpg",
        collected_by_statement="Photographed by the victim on the porch (synthetic).",
    )
    image = item.file_metadata["image"]
    assert image["camera_make"] and image["latitude"] is not None
    assert item.collected_by_statement.startswith("Photographed")
    assert item.kind == "image" and item.mime_type == "image/jpeg"


def test_a_flipped_byte_in_a_stored_original_is_reported_by_verify(store, incident, world):
    officer = world.user("a", "field_officer")
    good = _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt")
    bad = _ingest(incident, officer, jpeg_bytes(), "foto.jpg")
    storage._test_corrupt(bad.blob.storage_key, offset=200)

    report = fixity.fixity_check()

    assert report.checked == 2 and report.ok == 1
    assert report.mismatched == [bad.blob.sha256]
    checked = bad.custody.get(action=CustodyEvent.Action.CHECKED)
    assert checked.sha256_seen != bad.blob.sha256 and checked.data["outcome"] == "mismatch"
    assert good.custody.get(action="checked").sha256_seen == good.blob.sha256
    bad.blob.refresh_from_db()
    assert bad.blob.last_check_ok is False


def test_a_missing_original_is_reported_and_the_records_officer_is_told(
    local_store, incident, world, mailoutbox
):
    item = _ingest(incident, world.user("a", "field_officer"), jpeg_bytes(), "foto.jpg")
    path = local_store / item.blob.storage_key
    path.chmod(0o640)
    path.unlink()

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        report = fixity.fixity_check(sample=1)

    assert report.missing == [item.blob.sha256]
    assert item.custody.get(action="checked").sha256_seen == ""
    assert [m.to for m in mailoutbox] == [[world.user("a", "records_officer").email]]


class _Disconnecting(io.RawIOBase):
    """A client that sends some bytes and then drops the connection."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        self._data, self._fail_after, self._sent = data, fail_after, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._sent >= self._fail_after:
            raise ConnectionResetError("client went away")
        count = min(len(buffer), self._fail_after - self._sent, 4096)
        buffer[:count] = self._data[self._sent : self._sent + count]
        self._sent += count
        return count


def test_an_interrupted_upload_leaves_no_item_and_no_bytes(store, incident, world):
    data = jpeg_bytes((800, 600))
    with pytest.raises(EvidenceInterrupted):
        evidence_ingest(
            incident=incident,
            fileobj=_Disconnecting(data, fail_after=len(data) // 2),
            filename="foto.jpg",
            actor=world.user("a", "field_officer"),
        )
    assert EvidenceItem.objects.count() == 0 and Blob.objects.count() == 0
    assert _stored_keys() == []
    assert list(storage.staging_dir().iterdir()) == []


def test_the_sweep_removes_partials_and_orphans_left_by_a_killed_process(
    local_store, incident, world
):
    # A killed process leaves a staged part file, or bytes stored before its row committed.
    staged = storage.staging_dir() / "evidence-killed.part"
    staged.write_bytes(b"partial upload")
    orphan = jpeg_bytes((10, 10))
    orphan_path = storage.staging_dir() / "orphan.part"
    orphan_path.write_bytes(orphan)
    orphan_key, _ = storage.put(orphan_path, hashlib.sha256(orphan).hexdigest())
    kept = _ingest(incident, world.user("a", "field_officer"), jpeg_bytes(), "foto.jpg")
    old = time.time() - 7200
    os.utime(staged, (old, old))
    os.utime(local_store / orphan_key, (old, old))
    os.utime(local_store / kept.blob.storage_key, (old, old))

    assert fixity.sweep_orphans() == {"partials": 1, "orphans": 1, "expired_uploads": 0}
    assert not staged.exists()
    assert _stored_keys() == [kept.blob.storage_key]


def test_every_hostile_file_is_refused_with_its_own_message_and_leaves_nothing(
    store, incident, world, tmp_path, settings
):
    cases = write_hostile_corpus(tmp_path / "hostile")
    assert len(cases) >= 30
    officer = world.user("a", "field_officer")
    messages = set()
    for case in cases:
        settings.EVIDENCE_MAX_BYTES = case.limits.max_bytes if case.limits else 4 * 1024**3
        with open(case.path, "rb") as handle, pytest.raises(EvidenceRefused) as refused:
            evidence_ingest(
                incident=incident,
                fileobj=handle,
                filename=case.declared_name,
                content_type=case.declared_content_type,
                actor=officer,
            )
        assert refused.value.code == case.expected_code, case.label
        assert refused.value.message and "Traceback" not in refused.value.message
        messages.add((case.expected_code, refused.value.message))
    assert EvidenceItem.objects.count() == 0
    assert _stored_keys() == [] and list(storage.staging_dir().iterdir()) == []
    assert len({code for code, _ in messages}) >= 20


def test_s3_store_is_never_overwritten(s3_store, incident, world):
    data = FICTIONAL_TEXT.encode()
    item = _ingest(incident, world.user("a", "field_officer"), data, "nota.txt")
    # A second put of the same hash (a racing upload) keeps the first object and no duplicate.
    staged = storage.staging_dir() / "again.part"
    staged.write_bytes(data)
    key, new = storage.put(staged, item.blob.sha256)
    assert (key, new) == (item.blob.storage_key, False)
    assert _stored_keys() == [item.blob.storage_key]


def test_only_the_public_tip_form_adds_evidence_without_a_user(local_store, incident):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        evidence_ingest(incident=incident, fileobj=io.BytesIO(b"x"), filename="a.txt", actor=None)
    item = evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(FICTIONAL_TEXT.encode()),
        filename="nota.txt",
        actor=None,
        source="public_tip",
    )
    assert item.custody.first().actor_label == "public tip form"


def test_users_without_the_capability_cannot_add_evidence(local_store, incident, world):
    from django.core.exceptions import PermissionDenied

    for role in ("oversight", "rs_approver", "administrator"):
        with pytest.raises(PermissionDenied):
            _ingest(incident, world.user("a", role), FICTIONAL_TEXT.encode(), "nota.txt")


def test_a_refusal_reads_in_spanish_when_the_form_is_in_spanish(local_store, incident):
    from django.utils import translation

    with translation.override("es"), pytest.raises(EvidenceRefused) as refused:
        evidence_ingest(
            incident=incident,
            fileobj=io.BytesIO(b""),
            filename="vacia.jpg",
            actor=None,
            source="public_tip",
        )
    assert refused.value.code == "empty"
    assert refused.value.message == "El archivo está vacío (0 bytes)."
