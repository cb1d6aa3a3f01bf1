"""BagIt export in two phases: the copy holds no lock, the release is re-checked and recorded in
one short transaction, and a change in between is refused with nothing left behind.

Every record and file here is synthetic test data.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading

import bagit
import pytest
from django.db import connection

from audit.models import AuditEvent, DisclosureRecord
from evidence import bagexport, services, storage
from evidence.bagexport import evidence_export_bag
from evidence.disposal import evidence_dispose
from evidence.models import Blob, CustodyEvent, EvidenceItem
from evidence.selectors import custody_chain_verify
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes
from evidence.tests.test_content_lock import (
    _someone_waits_for_a_lock,
    _Thread,
    _until,
    needs_postgresql,
)

pytestmark = pytest.mark.django_db

RELEASE = {
    "recipient": "AUSA Example (synthetic)",
    "agency": "USAO, District of Nowhere (synthetic)",
    "purpose": "Prosecution referral",
    "legal_basis": "5 U.S.C. 552a(b)(7)",
}


def _ingest(incident, user, data: bytes, name: str) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(data), filename=name, actor=user
    )


@pytest.fixture
def two_items(local_store, incident, world):
    officer = world.user("a", "field_officer")
    # A "%" in a name is kept in metadata.json but not in the bag's file name (RFC 8493 would
    # percent-encode it in the manifest, which bagit.py does not decode).
    return (
        _ingest(incident, officer, jpeg_bytes(), "foto 100%.jpg"),
        _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt"),
    )


def _watch_copies(monkeypatch, after_copy=None):
    """Record the transaction depth at each copy; run ``after_copy(item)`` after each one."""
    real = bagexport._copy_checked
    depths: list[int] = []

    def watching(item, destination):
        depths.append(len(connection.atomic_blocks))
        # Nothing is accounted for while bytes are still being copied.
        assert not DisclosureRecord.objects.exists()
        assert not CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORTED).exists()
        size = real(item, destination)
        if after_copy is not None:
            after_copy(item)
        return size

    monkeypatch.setattr(bagexport, "_copy_checked", watching)
    return depths


def test_originals_are_copied_outside_any_transaction_then_the_release_is_recorded(
    two_items, incident, world, tmp_path, monkeypatch
):
    photo, note = two_items
    outside = len(connection.atomic_blocks)  # the test's own wrapping transaction(s)
    depths = _watch_copies(monkeypatch)

    bag = evidence_export_bag(
        incident=incident, out_dir=tmp_path / "out", actor=world.user("a", "supervisor"), **RELEASE
    )

    assert depths == [outside, outside]
    released = {"items": [photo.blob.sha256, note.blob.sha256], "incident": incident.reference}
    disclosure = DisclosureRecord.objects.get()
    assert (disclosure.recipient, disclosure.agency) == (RELEASE["recipient"], RELEASE["agency"])
    assert (disclosure.purpose, disclosure.legal_basis) == (
        RELEASE["purpose"],
        RELEASE["legal_basis"],
    )
    assert disclosure.released == released
    export_audit = AuditEvent.objects.get(verb="evidence.export", target_id=str(incident.pk))
    assert export_audit.data == released
    custody = json.loads((bag / "data" / "custody.json").read_text())
    for item in (photo, note):
        event = item.custody.get(action=CustodyEvent.Action.EXPORTED)
        assert event == item.custody.order_by("-sequence").first()
        assert event.sha256_seen == item.blob.sha256
        assert event.to_place == f"{RELEASE['recipient']}, {RELEASE['agency']}"
        assert custody_chain_verify(item) == []
        # The bag's custody file carries this export's own event.
        assert custody[str(item.pk)][-1]["hash"] == event.hash
    metadata = json.loads((bag / "data" / "metadata.json").read_text())
    assert [entry["original_filename"] for entry in metadata["items"]] == [
        "foto 100%.jpg",
        "nota.txt",
    ]
    names = sorted(path.name for path in (bag / "data" / "originals").iterdir())
    assert names == sorted(entry["file"].split("/")[1] for entry in metadata["items"])
    assert "%" not in "".join(names)
    # The hand-written manifests validate in full, with bagit.py and its command-line tool.
    bagit.Bag(str(bag)).validate()
    tool = [sys.executable, "-m", "bagit", "--validate", str(bag)]
    assert subprocess.run(tool, capture_output=True, check=False).returncode == 0


def _dispose(item, world):
    evidence_dispose(
        item=item,
        actor=world.user("a", "records_officer"),
        schedule_item="GRS 5.2 item 020",
        reason="Retention ended (synthetic).",
    )


def _replace_original(item, world):
    other = Blob.objects.create(sha256="e" * 64, size=1, storage_key=storage.key_for("e" * 64))
    EvidenceItem.objects.filter(pk=item.pk).update(blob=other)


@pytest.mark.parametrize(
    ("change", "message"),
    [(_dispose, "was disposed of"), (_replace_original, "now points at another stored original")],
)
def test_a_change_between_copy_and_release_is_refused_and_leaves_nothing(
    two_items, incident, world, tmp_path, monkeypatch, change, message
):
    photo, note = two_items

    def after_copy(item):
        if item.pk == note.pk:  # both originals are copied; the first one changes now
            change(photo, world)

    _watch_copies(monkeypatch, after_copy)
    with pytest.raises(ValueError, match=f"{message}.*nothing was released"):
        evidence_export_bag(
            incident=incident,
            out_dir=tmp_path / "out",
            actor=world.user("a", "supervisor"),
            **RELEASE,
        )

    assert not DisclosureRecord.objects.exists()
    assert not CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORTED).exists()
    assert not AuditEvent.objects.filter(verb__in=["evidence.export", "disclosure.record"]).exists()
    assert list((tmp_path / "out").iterdir()) == []  # no partial bag


def test_the_export_page_refuses_a_concurrent_disposal_with_409_and_no_leftover(
    two_items, incident, world, signed_in, monkeypatch
):
    photo, note = two_items
    _watch_copies(monkeypatch, lambda item: _dispose(photo, world) if item.pk == note.pk else None)

    response = signed_in(world.user("a", "supervisor")).post(
        f"/evidence/incident/{incident.pk}/export/", RELEASE
    )

    assert response.status_code == 409
    assert "nothing was released" in response.content.decode()
    assert not DisclosureRecord.objects.exists()
    assert list(storage.staging_dir().glob("export-*")) == []


def test_a_share_revoked_between_copy_and_release_is_refused_and_leaves_nothing(
    local_store, world, tmp_path, monkeypatch
):
    from cases.services import case_open, case_share
    from cases.tests.factories import make_incident
    from incidents.models import IncidentShare

    supervisor_a = world.user("a", "supervisor")
    shared = make_incident(world.offices["a"])
    case = case_open(actor=supervisor_a, title="Synthetic joint case", incident_ids=[shared.pk])
    note = _ingest(shared, world.user("a", "field_officer"), FICTIONAL_TEXT.encode(), "nota.txt")
    case_share(case=case, office_id=world.offices["b"].pk, actor=supervisor_a, reason="Joint")
    assert IncidentShare.objects.filter(incident=shared, office=world.offices["b"]).exists()

    real_copy = bagexport._copy_checked
    shares_disclosed = DisclosureRecord.objects.count()  # the share itself was accounted for

    def copy_then_revoke(item, destination):
        size = real_copy(item, destination)
        # The owning office withdraws the share while office b's bag is being written.
        IncidentShare.objects.filter(incident=shared, office=world.offices["b"]).delete()
        return size

    monkeypatch.setattr(bagexport, "_copy_checked", copy_then_revoke)
    with pytest.raises(ValueError, match=f"Item {note.pk} is in an incident you may no longer"):
        evidence_export_bag(
            case=case, out_dir=tmp_path / "out", actor=world.user("b", "supervisor"), **RELEASE
        )

    assert DisclosureRecord.objects.count() == shares_disclosed
    assert not CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORTED).exists()
    assert not AuditEvent.objects.filter(verb="evidence.export").exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_the_bags_metadata_describes_the_items_as_locked_at_the_release(
    two_items, incident, world, tmp_path, monkeypatch
):
    photo, note = two_items

    def transcribed_meanwhile(item):
        if item.pk == note.pk:
            EvidenceItem.objects.filter(pk=photo.pk).update(ocr_text="Synthetic text, read late.")

    _watch_copies(monkeypatch, transcribed_meanwhile)
    bag = evidence_export_bag(
        incident=incident, out_dir=tmp_path / "out", actor=world.user("a", "supervisor"), **RELEASE
    )

    metadata = json.loads((bag / "data" / "metadata.json").read_text())
    by_id = {entry["id"]: entry for entry in metadata["items"]}
    assert by_id[photo.pk]["ocr_text"] == "Synthetic text, read late."
    bagit.Bag(str(bag)).validate()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_share_revoked_during_the_release_waits_until_it_is_recorded(
    local_store, world, tmp_path, monkeypatch
):
    # 28 CFR 23.20(e): the re-check locks the share it relies on, so a revocation that comes
    # after the check (here: while the disclosure is being recorded) waits for the commit
    # instead of slipping in before it.
    from cases.services import case_open, case_share
    from cases.tests.factories import make_incident
    from incidents.models import IncidentShare

    supervisor_a = world.user("a", "supervisor")
    shared = make_incident(world.offices["a"])
    case = case_open(actor=supervisor_a, title="Synthetic joint case", incident_ids=[shared.pk])
    _ingest(shared, world.user("a", "field_officer"), FICTIONAL_TEXT.encode(), "nota.txt")
    case_share(case=case, office_id=world.offices["b"].pk, actor=supervisor_a, reason="Joint")
    paused, release = threading.Event(), threading.Event()
    real_record = bagexport.disclosure_record

    def record_slowly(**fields):
        paused.set()
        release.wait(60)
        return real_record(**fields)

    monkeypatch.setattr(bagexport, "disclosure_record", record_slowly)
    exporter = _Thread(
        lambda: evidence_export_bag(
            case=case, out_dir=tmp_path / "out", actor=world.user("b", "supervisor"), **RELEASE
        )
    )
    exporter.start()
    _until(paused.is_set, "the release to reach the disclosure record")
    revoker = _Thread(
        lambda: IncidentShare.objects.filter(incident=shared, office=world.offices["b"]).delete()
    )
    revoker.start()
    try:
        _until(lambda: not revoker.is_alive() or _someone_waits_for_a_lock(), "the revocation")
        assert revoker.is_alive(), "the revocation went through between the check and the commit"
    finally:
        release.set()
    exporter.join(60)
    revoker.join(60)
    assert exporter.error is None and revoker.error is None
    assert DisclosureRecord.objects.filter(
        released_by__username=world.user("b", "supervisor").username
    ).exists()
    assert not IncidentShare.objects.filter(incident=shared, office=world.offices["b"]).exists()
