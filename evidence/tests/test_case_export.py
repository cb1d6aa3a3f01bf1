"""A whole case's evidence exported as one BagIt bag (issue 4 item 9). Synthetic data only."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import bagit
import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent, DisclosureRecord
from cases.services import case_incident_add, case_open, case_share
from cases.tests.factories import make_incident
from evidence import services
from evidence.bagexport import evidence_export_bag
from evidence.models import EvidenceItem
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes

pytestmark = pytest.mark.django_db


def _ingest(incident, user, data: bytes, name: str) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(data), filename=name, actor=user
    )


@pytest.fixture
def case_with_evidence(world):
    """A case of office a with two incidents' evidence, and one unrelated incident's item."""
    officer, supervisor = world.user("a", "field_officer"), world.user("a", "supervisor")
    first, second, outside = (make_incident(world.offices["a"]) for _ in range(3))
    case = case_open(actor=supervisor, title="Synthetic case", incident_ids=[first.pk, second.pk])
    items = [
        _ingest(first, officer, jpeg_bytes(), "foto.jpg"),
        _ingest(second, officer, FICTIONAL_TEXT.encode(), "nota.txt"),
    ]
    _ingest(outside, officer, b"Synthetic note of another incident (fictional).\n", "otra.txt")
    return case, items


def test_a_case_exports_all_its_incidents_evidence_as_one_bag_that_validates_in_full(
    store, world, case_with_evidence, tmp_path
):
    case, items = case_with_evidence
    supervisor = world.user("a", "supervisor")

    bag_path = evidence_export_bag(
        case=case,
        out_dir=tmp_path,
        actor=supervisor,
        recipient="AUSA Example (synthetic)",
        agency="USAO (synthetic)",
        purpose="Prosecution referral",
        legal_basis="5 U.S.C. 552a(b)(7)",
    )

    bagit.Bag(str(bag_path)).validate()  # full: every payload file re-hashed
    tool = [sys.executable, "-m", "bagit", "--validate", str(bag_path)]
    assert subprocess.run(tool, capture_output=True, check=False).returncode == 0
    originals = sorted((bag_path / "data" / "originals").iterdir())
    assert [p.read_bytes() for p in originals] == [jpeg_bytes(), FICTIONAL_TEXT.encode()]
    metadata = json.loads((bag_path / "data" / "metadata.json").read_text())
    assert metadata["case"] == case.reference
    assert {entry["incident"] for entry in metadata["items"]} == {
        item.incident.reference for item in items
    }
    assert bagit.Bag(str(bag_path)).info["External-Identifier"] == case.reference
    disclosure = DisclosureRecord.objects.get(target_type="cases.case")
    assert disclosure.target_id == str(case.pk)
    assert disclosure.released["case"] == case.reference
    assert len(disclosure.released["items"]) == 2
    for item in items:
        assert item.custody.filter(action="exported").count() == 1
    assert (
        EvidenceItem.objects.get(original_filename="otra.txt")
        .custody.filter(action="exported")
        .count()
        == 0
    )
    assert AuditEvent.objects.filter(verb="evidence.export", target_id=str(case.pk)).exists()


def test_a_case_export_holds_only_the_incidents_the_user_may_see(
    local_store, world, case_with_evidence, tmp_path
):
    case, items = case_with_evidence
    supervisor_a = world.user("a", "supervisor")
    case_share(case=case, office_id=world.offices["b"].pk, actor=supervisor_a, reason="Joint work")
    # Added after the share: office b was never shared this incident (need to know, 23.20(e)).
    later = make_incident(world.offices["a"])
    case_incident_add(case=case, actor=supervisor_a, incident_id=later.pk)
    hidden = _ingest(later, world.user("a", "field_officer"), b"Synthetic later note.\n", "l.txt")

    bag_path = evidence_export_bag(
        case=case,
        out_dir=tmp_path,
        actor=world.user("b", "supervisor"),
        recipient="AUSA Example (synthetic)",
        agency="USAO (synthetic)",
        purpose="Referral",
        legal_basis="5 U.S.C. 552a(b)(7)",
    )

    bagit.Bag(str(bag_path)).validate()
    metadata = json.loads((bag_path / "data" / "metadata.json").read_text())
    assert sorted(entry["id"] for entry in metadata["items"]) == sorted(i.pk for i in items)
    assert hidden.custody.filter(action="exported").count() == 0


def test_the_command_accepts_a_case_reference(local_store, world, case_with_evidence, tmp_path):
    case, _items = case_with_evidence
    common = ["--recipient", "R (synthetic)", "--agency", "A", "--purpose", "P"]
    common += ["--legal-basis", "L"]
    with pytest.raises(CommandError, match="No case"):
        call_command(
            "evidence", "export", case.reference, "--out", str(tmp_path / "bags"),
            "--as", "b-supervisor", *common,
        )  # fmt: skip
    out = io.StringIO()
    call_command(
        "evidence", "export", case.reference, "--out", str(tmp_path / "bags"),
        "--as", "a-supervisor", *common, stdout=out,
    )  # fmt: skip
    bag_dir = next((tmp_path / "bags").iterdir())
    assert bag_dir.name.startswith(case.reference)
    bagit.Bag(str(bag_dir)).validate()


def test_the_case_page_button_sends_the_bag_and_another_office_gets_404(
    local_store, world, case_with_evidence, signed_in
):
    import zipfile

    case, items = case_with_evidence
    supervisor = signed_in(world.user("a", "supervisor"))
    page = supervisor.get(f"/cases/{case.pk}/")
    assert f'action="/evidence/case/{case.pk}/export/"' in page.content.decode()
    form = {"recipient": "AUSA Example (synthetic)", "agency": "USAO (synthetic)"}
    form |= {"purpose": "Referral", "legal_basis": "5 U.S.C. 552a(b)(7)"}

    assert (
        signed_in(world.user("b", "supervisor"))
        .post(f"/evidence/case/{case.pk}/export/", form)
        .status_code
        == 404
    )
    incomplete = supervisor.post(f"/evidence/case/{case.pk}/export/", {"recipient": "R"})
    assert incomplete.status_code == 422
    assert not DisclosureRecord.objects.filter(target_type="cases.case").exists()

    response = supervisor.post(f"/evidence/case/{case.pk}/export/", form)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert sum("/data/originals/" in name for name in names) == len(items)
    assert any(name.endswith("manifest-sha256.txt") for name in names)
    assert DisclosureRecord.objects.filter(target_type="cases.case").count() == 1
    assert DisclosureRecord.objects.filter(target_type="cases.case").count() == 1
