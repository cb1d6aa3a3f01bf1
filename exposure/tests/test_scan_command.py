"""`custos exposure scan FILE.jsonl [--out FILE]`: results only on stdout, one line per document.

SYNTHETIC TEST DATA (see factories.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from exposure.tests.factories import anselmo_values, lucia_values, make_person

pytestmark = pytest.mark.django_db

DOCUMENTS = [
    {"id": "d1", "text": "Lucia Quintero, 418 Mirlo St, tel 202-555-0143"},
    {"id": "d2", "text": "Nothing to see here, a business listing: Acme Bakery 202-555-0199."},
    {"id": "d3", "text": "Anselmo Brightwater and Marisol Brightwater drive plate ZXR-4471"},
]


@pytest.fixture
def jsonl(tmp_path, office_a) -> Path:
    make_person(office_a, lucia_values(), "R-001")
    make_person(office_a, anselmo_values(), "R-002")
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCUMENTS))
    return path


def test_scan_writes_one_result_line_per_document_to_stdout(jsonl, capfd):
    call_command("exposure", "scan", str(jsonl))
    out, err = capfd.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["d1", "d2", "d3"]
    first = lines[0]["exposures"]
    assert [e["person"] for e in first] == ["R-001"] and first[0]["restricted"] is True
    assert {"address", "phone"} <= set(first[0]["ids"])
    start, end = first[0]["spans"][0]
    assert DOCUMENTS[0]["text"][start:end]  # offsets point into the document
    assert lines[1]["exposures"] == []
    assert [e["person"] for e in lines[2]["exposures"]] == ["R-002"]
    assert lines[2]["exposures"][0]["restricted"] is False
    assert err == ""  # not a terminal: no progress bar
    assert AuditEvent.objects.filter(verb="exposure.scan_bulk").exists()


def test_scan_out_writes_the_file_and_nothing_to_stdout(jsonl, tmp_path, capfd):
    out_path = tmp_path / "results.jsonl"
    call_command("exposure", "scan", str(jsonl), "--out", str(out_path))
    out, _err = capfd.readouterr()
    assert out == ""
    assert len(out_path.read_text().splitlines()) == 3


def test_scan_bad_input_is_a_clear_error(jsonl, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "fine"}\nnot json\n')
    with pytest.raises(CommandError, match=r"bad\.jsonl, line 2: not a JSON line"):
        call_command("exposure", "scan", str(bad), "--out", str(tmp_path / "o.jsonl"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("exposure", "scan", str(tmp_path / "missing.jsonl"))


def test_scan_alert_raises_one_alert_per_person_and_document(
    jsonl, tmp_path, capfd, world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from exposure.models import ExposureAlert

    out_path = tmp_path / "results.jsonl"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("exposure", "scan", str(jsonl), "--out", str(out_path), "--alert")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("exposure", "scan", str(jsonl), "--out", str(out_path), "--alert")
    alerts = ExposureAlert.objects.order_by("source_key")
    assert [(a.person.roster_id, a.source_key) for a in alerts] == [
        ("R-001", "docs.jsonl:d1"),
        ("R-002", "docs.jsonl:d3"),
    ]
    assert alerts[0].restricted and alerts[0].incident is None  # the unit drafts it
    assert capfd.readouterr().out == ""
    # The roster people have no account: the office's protective unit is told once per alert,
    # and the second run (same documents) sends nothing more.
    unit = world.user("a", "protective_unit")
    assert sorted((m.to, "exposure alert" in m.subject) for m in mail.outbox) == [
        ([unit.email], True),
        ([unit.email], True),
    ]
