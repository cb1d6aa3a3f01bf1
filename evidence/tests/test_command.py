"""The `custos evidence` command: add with progress, verify, export (synthetic files only)."""

from __future__ import annotations

import io

import bagit
import pytest
from django.core.management import CommandError, call_command

from audit.models import DisclosureRecord
from evidence import storage
from evidence.models import EvidenceItem
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes

pytestmark = pytest.mark.django_db


def test_add_verify_and_export_from_the_command_line(local_store, incident, world, tmp_path):
    photo, note, empty = tmp_path / "foto.jpg", tmp_path / "nota.txt", tmp_path / "vacia.txt"
    photo.write_bytes(jpeg_bytes())
    note.write_bytes(FICTIONAL_TEXT.encode())
    empty.write_bytes(b"")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "evidence", "add", incident.reference, str(photo), str(note), str(empty),
            "--as", "a-field_officer", stdout=out, stderr=err,
        )  # fmt: skip
    assert EvidenceItem.objects.filter(source="cli").count() == 2
    assert "refused (empty)" in err.getvalue()

    call_command("evidence", "verify", stdout=out)
    assert '"ok": 2' in out.getvalue()

    item = EvidenceItem.objects.get(original_filename="foto.jpg")
    storage._test_corrupt(item.blob.storage_key, offset=100)
    with pytest.raises(CommandError, match="1 changed"):
        call_command("evidence", "verify", stdout=io.StringIO())

    with pytest.raises(CommandError):
        call_command(
            "evidence", "export", incident.reference, "--out", str(tmp_path / "bags"),
            "--as", "a-field_officer", "--recipient", "R", "--agency", "A", "--purpose", "P",
            "--legal-basis", "L",
        )  # fmt: skip
    with pytest.raises(CommandError, match="no longer matches"):
        call_command(
            "evidence", "export", incident.reference, "--out", str(tmp_path / "bags"),
            "--as", "a-supervisor", "--recipient", "R", "--agency", "A", "--purpose", "P",
            "--legal-basis", "L",
        )  # fmt: skip
    assert not (tmp_path / "bags").exists() or list((tmp_path / "bags").iterdir()) == []
    assert not DisclosureRecord.objects.exists()
    # Move the damaged item aside: the rest of the incident exports and validates.
    EvidenceItem.objects.filter(pk=item.pk).update(incident=other_incident(world))
    out = io.StringIO()
    call_command(
        "evidence", "export", incident.reference, "--out", str(tmp_path / "bags"),
        "--as", "a-supervisor", "--recipient", "AUSA Example (synthetic)",
        "--agency", "USAO (synthetic)", "--purpose", "Referral", "--legal-basis", "552a(b)(7)",
        stdout=out,
    )  # fmt: skip
    bag_dir = next((tmp_path / "bags").iterdir())
    # The bag carries what is stored now; its own manifest is consistent, so it validates.
    bagit.Bag(str(bag_dir)).validate()


def other_incident(world):
    from incidents.screening import CRIMINAL_CONDUCT
    from incidents.services import incident_submit

    return incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=[next(iter(CRIMINAL_CONDUCT))],
        narrative="Synthetic: a second incident (fictional).",
        actor=world.user("a", "field_officer"),
    )


def test_a_user_of_another_office_cannot_add_to_the_incident(local_store, incident, tmp_path):
    note = tmp_path / "nota.txt"
    note.write_bytes(FICTIONAL_TEXT.encode())
    with pytest.raises(CommandError, match="No incident"):
        call_command("evidence", "add", incident.reference, str(note), "--as", "b-field_officer")


def test_demo_evidence_is_synthetic_and_idempotent(local_store, incident, world):
    from evidence.demo import populate

    populate(offices=[world.offices["a"]])
    populate(offices=[world.offices["a"]])
    items = EvidenceItem.objects.filter(incident=incident)
    assert items.count() == 2
    assert all("ynthetic" in item.collected_by_statement for item in items)
