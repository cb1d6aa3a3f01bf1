"""Compare the exposure scanner at a git revision with the working tree, on one corpus, interleaved.

    python bench/exposure_ab.py --old HEAD~3 [--docs 12000] [--people 25000]

SYNTHETIC TEST DATA: roster and corpus come from the same seeded generator as
bench/exposure_scan.py (run that once first: it writes the corpus to --workdir).

On a shared machine two separate runs differ by tens of per cent; here both
scanners run in one process on alternating batches of 500 documents, so load
hits both alike. Prints CPU seconds for each, the speed-up, and whether the
results (exposures and mentions) are identical document by document.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exposure.scanner import Scanner, build_index  # noqa: E402
from exposure.scanner.eval.synthetic import Synthetic  # noqa: E402

KEY = b"benchmark-key-synthetic-not-secret"


def old_package(revision: str, into: Path) -> object:
    """Extract exposure/scanner at a revision as the package ``scanner_old`` and import it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "exposure/scanner"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / "exposure" / "scanner").rename(into / "scanner_old")
    sys.path.insert(0, str(into))
    return importlib.import_module("scanner_old")


def main() -> None:
    """Build both indexes, scan interleaved, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True, help="git revision to compare against")
    parser.add_argument("--docs", type=int, default=12_000)
    parser.add_argument("--people", type=int, default=25_000)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "custos-exposure-bench"
    )
    arguments = parser.parse_args()
    corpus = arguments.workdir / "corpus.jsonl"
    if not corpus.exists():
        sys.exit(f"{corpus} is missing: run bench/exposure_scan.py --workdir {arguments.workdir}")
    with tempfile.TemporaryDirectory() as temporary:
        old = old_package(arguments.old, Path(temporary))
        roster = Synthetic(1).roster(arguments.people)
        scanners = {
            "old": old.Scanner(old.build_index(roster, key=KEY)),  # type: ignore[attr-defined]
            "new": Scanner(build_index(roster, key=KEY)),
        }
        documents = []
        with open(corpus, encoding="utf-8") as handle:
            for line in handle:
                documents.append(json.loads(line))
                if len(documents) >= arguments.docs:
                    break
        results: dict[str, list[str]] = {"old": [], "new": []}
        for name, scanner in scanners.items():  # warm both, and keep their results
            for document in documents:
                result = scanner.scan(document["text"], document["id"])
                results[name].append(json.dumps(result.as_dict(include_mentions=True)))
        seconds = {"old": 0.0, "new": 0.0}
        for batch_number, start in enumerate(range(0, len(documents), 500)):
            batch = documents[start : start + 500]
            order = ["old", "new"] if batch_number % 2 == 0 else ["new", "old"]
            for name in order:
                started = time.process_time()
                for document in batch:
                    scanners[name].scan(document["text"], document["id"])
                seconds[name] += time.process_time() - started
    differing = sum(a != b for a, b in zip(results["old"], results["new"], strict=True))
    speed_up = seconds["old"] / seconds["new"]
    print(
        f"{len(documents)} documents: old ({arguments.old}) {seconds['old']:.2f} s CPU, "
        f"new (working tree) {seconds['new']:.2f} s CPU, speed-up {speed_up:.2f}x; "
        f"documents with different results: {differing}"
    )


if __name__ == "__main__":
    main()
