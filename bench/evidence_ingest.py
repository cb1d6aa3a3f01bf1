"""Benchmark evidence ingest against `sha256sum` on the same generated file, in the same run.

    python bench/evidence_ingest.py               # a 2 GiB WAV file
    python bench/evidence_ingest.py --mib 256     # quick run

SYNTHETIC TEST DATA: the file is a WAV header followed by pseudo-random samples (noise).

The ingest runs in a child process against a throw-away SQLite database and local evidence
store, through ``evidence.services.evidence_ingest`` exactly as an upload does: stream to a
staging file while hashing, sniff and validate (ffprobe on the WAV), read metadata, fsync and
rename into the content-addressed store, register the item and its custody events. Prints the
throughput of each, their ratio (target >= 0.8) and the child's peak memory (ru_maxrss of the
ingest process; target < 100 MB), plus its RSS before the ingest started (Django loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def write_wav(path: Path, size: int) -> None:
    """Write a mono 16-bit 48 kHz WAV of exactly ``size`` bytes (noise, synthetic)."""
    data_size = size - 44
    header = b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 48_000, 96_000, 2, 16)
    header += b"data" + struct.pack("<I", data_size)
    block = os.urandom(8 * MIB)
    with open(path, "wb") as handle:
        handle.write(header)
        remaining = data_size
        while remaining:
            count = min(remaining, len(block))
            handle.write(block[:count])
            remaining -= count


def child_environment(work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "custos.settings",
        "CUSTOS_ENV": "development",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "CUSTOS_EVIDENCE_ROOT": str(work / "evidence"),
        "CUSTOS_EVIDENCE_MAX_BYTES": str(8 * 1024**3),
    }


SETUP = r"""
import django
django.setup()
from accounts import services as accounts
from incidents.screening import CRIMINAL_CONDUCT
from incidents.services import incident_submit

office = accounts.office_create(code="bench", name="Bench Office (synthetic)", synthetic=True)
# Argon2 hashing of the password takes ~100 MB by design: done here, not in the ingest process.
user = accounts.user_create(username="bench-officer", office=office, roles=["field_officer"],
    password="synthetic-bench-password-1", actor=None, email="bench@example.invalid",
    synthetic=True)
incident_submit(office=office, channel="field_report",
    conduct=[next(iter(CRIMINAL_CONDUCT))], narrative="Synthetic benchmark incident.", actor=user)
"""

CHILD = r"""
import json, resource, sys, time
import django
django.setup()
from accounts.models import User
from incidents.models import Incident
from evidence.services import evidence_ingest

from evidence import storage
# The ingest phases live in evidence.services.ingest (the package re-exports only the API).
from evidence.services import ingest as services

phases = {}


def timed(module, name, label):
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            phases[label] = phases.get(label, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


timed(services, "stream_to_temp", "copy_and_hash")
timed(services, "sniff_and_validate", "sniff_and_validate")
timed(services, "_file_metadata", "metadata")
timed(storage, "_fsync_path", "fsync")
timed(services, "_register", "database")
user = User.objects.get(username="bench-officer")
incident = Incident.objects.get(office__code="bench")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    item = evidence_ingest(incident=incident, fileobj=handle, filename="bench.wav", actor=user)
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "sha256": item.blob.sha256,
    "rss_before_kib": before,
    "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "phases": phases,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=2048, help="file size in MiB (default 2048)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    # Same filesystem as the evidence store, so disk and page cache are the same for both.
    work = Path(tempfile.mkdtemp(prefix="custos-bench-", dir=ROOT / "var"))
    try:
        source = work / "bench.wav"
        size = args.mib * MIB
        write_wav(source, size)
        environment = child_environment(work)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=environment, check=True)

        def sha256sum() -> tuple[float, str]:
            start = time.perf_counter()
            out = subprocess.run(
                ["sha256sum", str(source)], capture_output=True, check=True, text=True
            ).stdout
            return time.perf_counter() - start, out.split()[0]

        sha256sum()  # warm the page cache so both read the file from memory
        baseline_seconds, expected = sha256sum()
        completed = subprocess.run(
            [sys.executable, "-c", CHILD, str(source)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        ingest = json.loads(completed.stdout.strip().splitlines()[-1])
        after_seconds, _ = sha256sum()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    assert ingest["sha256"] == expected, "ingest hash differs from sha256sum"
    baseline = min(baseline_seconds, after_seconds)
    mb = size / 1e6
    print(f"file                 {args.mib} MiB WAV (synthetic noise), local storage")
    print(f"sha256sum            {mb / baseline:8.1f} MB/s  ({baseline:.2f} s, best of 2)")
    print(f"evidence_ingest      {mb / ingest['seconds']:8.1f} MB/s  ({ingest['seconds']:.2f} s)")
    print(f"ratio ingest/sha256  {baseline / ingest['seconds']:8.2f}   (target >= 0.80)")
    print(f"ingest peak RSS      {ingest['rss_peak_kib'] / 1024:8.1f} MiB (target < 100 MB)")
    print(f"  RSS before ingest  {ingest['rss_before_kib'] / 1024:8.1f} MiB (Django loaded)")
    for label, seconds in ingest["phases"].items():
        print(f"  phase {label:20} {seconds:7.2f} s")
    print(
        f"this process         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
