"""The sweep removes what killed exports and copies leave in the staging directory, by age.

Every file here is synthetic test data.
"""

from __future__ import annotations

import io
import json
import os
import time

import pytest
from django.core.management import call_command

from evidence import fixity, storage

pytestmark = pytest.mark.django_db


def _age(path, seconds: float) -> None:
    stamp = time.time() - seconds
    for each in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(each, (stamp, stamp))


def _leftovers(age_seconds: float, tag: str) -> list:
    staging = storage.staging_dir()
    export = staging / f"export-{tag}"
    (export / f"INC-SYN-{tag}" / "originals").mkdir(parents=True)
    (export / f"INC-SYN-{tag}" / "originals" / "nota.txt").write_bytes(b"synthetic")
    derive = staging / f"derive-{tag}"
    derive.mkdir()
    (derive / "working.png").write_bytes(b"synthetic")
    copy = staging / f"evidence-copy-{tag}"
    copy.write_bytes(b"synthetic copy of a stored object")
    part = staging / f"evidence-{tag}.part"
    part.write_bytes(b"synthetic partial upload")
    paths = [export, derive, copy, part]
    for path in paths:
        _age(path, age_seconds)
    return paths


@pytest.mark.parametrize("run", ["command", "task"])
def test_the_sweep_removes_stale_export_and_copy_leftovers_and_keeps_young_ones(local_store, run):
    grace = fixity.ORPHAN_GRACE_SECONDS  # the partial-upload sweep's threshold
    stale = _leftovers(grace + 600, "old")
    young = _leftovers(grace - 600, "new")
    # An export still running: its directory is old, but it wrote a file a moment ago.
    running = storage.staging_dir() / "export-running"
    (running / "bag").mkdir(parents=True)
    _age(running, grace + 600)
    (running / "bag" / "copying.part-of-bag").write_bytes(b"synthetic bytes being copied")

    if run == "command":
        out = io.StringIO()
        call_command("evidence", "sweep", stdout=out)
        report = json.loads(out.getvalue())
    else:
        from evidence import tasks

        report = tasks.cleanup_partials.call()

    assert report == {"partials": len(stale), "orphans": 0, "expired_uploads": 0}
    assert [path for path in stale if path.exists()] == []
    assert all(path.exists() for path in young)
    assert (running / "bag" / "copying.part-of-bag").exists()
