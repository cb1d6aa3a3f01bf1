"""`custos screen FILE.jsonl`: bulk dry runs, one output line per input line, nothing stored."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.tests.scenarios import ELIGIBLE, PROTECTED, REVIEW

ROOT = Path(__file__).resolve().parents[2]


def _run(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "custos", "screen", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_screen_command_outputs_one_line_per_scenario(tmp_path):
    scenarios = [*PROTECTED, *ELIGIBLE, REVIEW]
    lines = [
        json.dumps(
            {
                "id": f"s{i}",
                "conduct": s.conduct,
                "narrative": s.narrative,
                **({"victims": [{"relation": "family"}]} if s.family_victim else {}),
            }
        )
        for i, s in enumerate(scenarios)
    ]
    path = tmp_path / "synthetic.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [f"s{i}" for i in range(len(scenarios))]
    for scenario, record in zip(scenarios, out, strict=True):
        assert record["outcome"] == scenario.outcome
        assert set(scenario.offenses_allowed) <= set(record["offenses_allowed"])
        assert not set(scenario.offenses_refused) & set(record["offenses_allowed"])
        assert record["reasons"]
    assert all(o["offenses_allowed"] == [] for o in out[: len(PROTECTED)])


def test_screen_command_reports_bad_lines_and_goes_on(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "not json\n"
        '{"id": "x", "conduct": ["mind_reading"]}\n'
        '{"id": "y", "conduct": "recording"}\n'
        '{"id": "z", "conduct": ["recording"], "narrative": "Synthetic test"}\n',
        encoding="utf-8",
    )
    result = _run(path)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert "not valid JSON" in out[0]["error"] and out[0]["line"] == 1
    assert "Unknown conduct: mind_reading" in out[1]["error"]
    assert "must be a list" in out[2]["error"]
    assert out[3]["outcome"] == "protected_only"
    assert "3 line(s)" in result.stderr


@pytest.mark.django_db
def test_screen_command_stores_nothing(tmp_path):
    from django.core.management import call_command

    from audit.models import AuditEvent
    from incidents.models import Incident

    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "1", "conduct": ["physical_contact"], "narrative": "x"}\n')
    call_command("screen", str(path))
    assert Incident.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_screen_command_missing_file_is_a_clear_error(tmp_path):
    result = _run(tmp_path / "missing.jsonl")
    assert result.returncode != 0 and "cannot read" in result.stderr
