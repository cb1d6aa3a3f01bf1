"""Custody chain, transfers and gaps, BagIt export, OCR and derivatives (synthetic data only)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from PIL import Image

from audit import triggers
from audit.models import DisclosureRecord
from evidence import services, storage
from evidence.bagexport import evidence_export_bag
from evidence.models import CustodyEvent, EvidenceItem
from evidence.selectors import custody_chain_verify, custody_gaps
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes, text_pdf_bytes

pytestmark = pytest.mark.django_db


def _ingest(incident, user, data: bytes, name: str) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(data), filename=name, actor=user
    )


def test_custody_chain_is_intact_and_any_edit_breaks_it(local_store, incident, world):
    item = _ingest(incident, world.user("a", "field_officer"), jpeg_bytes(), "foto.jpg")
    services.evidence_access_record(item=item, actor=world.user("a", "supervisor"), action="viewed")
    assert custody_chain_verify(item) == []

    # The table refuses edits (append-only triggers); lift them to simulate a tamperer.
    tables = ("evidence_custodyevent",)
    triggers.uninstall(connection, tables)
    try:
        CustodyEvent.objects.filter(item=item, sequence=2).update(reason="edited afterwards")
    finally:
        triggers.install(connection, tables)

    assert custody_chain_verify(item) == ["event 2: content changed"]


def test_an_unacknowledged_transfer_is_a_custody_gap_until_the_receiver_confirms(
    local_store, incident, world
):
    officer, supervisor = world.user("a", "field_officer"), world.user("a", "supervisor")
    item = _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt")
    transfer = services.evidence_transfer(
        item=item, actor=officer, reason="To the lab (synthetic).", to_user=supervisor
    )
    assert custody_gaps(item) == [transfer]

    with pytest.raises(PermissionDenied):
        services.evidence_acknowledge(transfer=transfer, actor=world.user("a", "analyst"))
    services.evidence_acknowledge(transfer=transfer, actor=supervisor, location="Evidence room 2")

    assert custody_gaps(item) == []
    assert custody_chain_verify(item) == []


def test_exported_bag_validates_in_full_and_a_changed_byte_fails(store, incident, world, tmp_path):
    officer, supervisor = world.user("a", "field_officer"), world.user("a", "supervisor")
    photo = _ingest(incident, officer, jpeg_bytes(), "foto.jpg")
    note = _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt")

    bag_path = evidence_export_bag(
        incident=incident,
        out_dir=tmp_path / "out",
        actor=supervisor,
        recipient="AUSA Example (synthetic)",
        agency="U.S. Attorney's Office, District of Nowhere",
        purpose="Prosecution referral",
        legal_basis="5 U.S.C. 552a(b)(7)",
    )

    bag = bagit.Bag(str(bag_path))
    bag.validate()  # full validation: every payload file re-hashed against the manifest
    assert "sha256" in bag.algorithms
    originals = sorted((bag_path / "data" / "originals").iterdir())
    assert [p.read_bytes() for p in originals] == [jpeg_bytes(), FICTIONAL_TEXT.encode()]
    custody = (bag_path / "data" / "custody.json").read_text()
    assert '"exported"' in custody
    for item in (photo, note):
        assert item.custody.filter(action="exported").count() == 1
    disclosure = DisclosureRecord.objects.get()
    assert disclosure.recipient == "AUSA Example (synthetic)"
    # The Library of Congress command-line tool agrees, in full mode.
    tool = [sys.executable, "-m", "bagit", "--validate", str(bag_path)]
    assert subprocess.run(tool, capture_output=True, check=False).returncode == 0

    tampered = originals[1]
    content = bytearray(tampered.read_bytes())
    content[3] ^= 0x01
    tampered.write_bytes(bytes(content))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_path)).validate()
    assert subprocess.run(tool, capture_output=True, check=False).returncode != 0
    # --fast only compares sizes, which is why Custos documents full validation.
    fast = subprocess.run([*tool, "--fast"], capture_output=True, check=False)
    assert fast.returncode == 0


def test_export_needs_the_capability_and_a_failed_export_records_nothing(
    local_store, incident, world, tmp_path
):
    _ingest(incident, world.user("a", "field_officer"), jpeg_bytes(), "foto.jpg")
    with pytest.raises(PermissionDenied):
        evidence_export_bag(
            incident=incident,
            out_dir=tmp_path,
            actor=world.user("a", "field_officer"),
            recipient="x",
            agency="y",
            purpose="z",
            legal_basis="w",
        )
    with pytest.raises(ValueError):
        evidence_export_bag(
            incident=incident,
            out_dir=tmp_path / "out",
            actor=world.user("a", "supervisor"),
            recipient="",
            agency="",
            purpose="",
            legal_basis="",
        )
    assert DisclosureRecord.objects.count() == 0
    assert not CustodyEvent.objects.filter(action="exported").exists()
    # Refused before anything is written: no bag, not even the output directory.
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_working_copy_strips_exif_and_redaction_leaves_the_original_untouched(
    local_store, incident, world
):
    officer = world.user("a", "field_officer")
    original = _ingest(incident, officer, jpeg_bytes((120, 90)), "foto.jpg")
    working = services.evidence_working_copy(item=original)
    assert services.evidence_working_copy(item=original) == working  # safe to run twice
    with Image.open(io.BytesIO(services.evidence_read_bytes(working))) as image:
        assert not image.getexif() and image.size == (120, 90)

    redacted = services.evidence_redact(
        item=original, actor=officer, reason="Release copy (synthetic)", boxes=[[0, 0, 59, 44]]
    )
    with Image.open(io.BytesIO(services.evidence_read_bytes(redacted))) as image:
        assert image.convert("RGB").getpixel((10, 10)) == (0, 0, 0)
        assert image.convert("RGB").getpixel((100, 80)) != (0, 0, 0)
    assert redacted.parent == original
    assert redacted.derivation_detail["parent_sha256"] == original.blob.sha256
    assert services.evidence_read_bytes(original) == jpeg_bytes((120, 90))

    pdf = _ingest(incident, officer, text_pdf_bytes(), "doc.pdf")
    kept = services.evidence_redact(item=pdf, actor=officer, reason="Page 1 only", pages=[1])
    assert kept.derivation_detail["pages_kept"] == [1]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr")
def test_ocr_task_reads_a_photographed_spanish_flyer(local_store, incident, world, tmp_path):
    from evidence.tasks import make_derivatives
    from evidence.tests.test_ocr import SPANISH_FLYER, SPANISH_KEYS, found_keys, render_flyer

    flyer = render_flyer(SPANISH_FLYER, tmp_path / "aviso.jpg", angle=6.0, seed=1)
    item = _ingest(incident, world.user("a", "field_officer"), flyer.read_bytes(), "aviso.jpg")
    assert item.ocr_status == "pending"

    make_derivatives.call(item.pk)  # what `manage.py db_worker` runs after the commit

    item.refresh_from_db()
    assert item.ocr_status == "done" and item.ocr_language == "spa"
    assert len(found_keys(item.ocr_text, SPANISH_KEYS)) >= len(SPANISH_KEYS) - 1
    assert item.derivatives.filter(derivation="working_copy").count() == 1
    assert Path(storage.staging_dir()).exists()
