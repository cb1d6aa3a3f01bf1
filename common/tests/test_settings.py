"""Production settings refuse insecure values; `check --deploy` passes with real ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


SAFE = {
    "CUSTOS_ENV": "production",
    "SECRET_KEY": "synthetic-test-secret-" + "x" * 60,
    "ALLOWED_HOSTS": "custos.example.invalid",
    "CUSTOS_FIELD_ENCRYPTION_KEYS": "synthetic-field-key",
    "CUSTOS_MATCHING_HMAC_KEY": "synthetic-matching-key-" + "y" * 20,
}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({"CUSTOS_MATCHING_HMAC_KEY": ""}, "CUSTOS_MATCHING_HMAC_KEY"),
    ],
)
def test_production_refuses_insecure_settings(override, message, tmp_path):
    env = {**SAFE, **override, "CUSTOS_VAR_DIR": str(tmp_path)}
    env = {k: v for k, v in env.items() if v != ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_passes_in_production_mode(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **SAFE, CUSTOS_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr + result.stdout
