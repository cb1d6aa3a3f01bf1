"""Score the scanner on a labelled evaluation set (SYNTHETIC TEST DATA)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exposure.scanner.index import build_index
from exposure.scanner.scan import Scanner

from .generate import person_from_json

DATA = Path(__file__).parent / "data"
EVAL_KEY = b"synthetic-evaluation-key-not-secret"


@dataclass
class Score:
    """Pair-level counts: (document, person) exposure pairs."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    documents: int = 0
    characters: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Return TP / (TP + FP)."""
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        """Return TP / (TP + FN)."""
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL file, skipping the header line."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [row for row in rows if "comment" not in row]


def score(scanner: Scanner, rows: Iterable[dict[str, Any]]) -> Score:
    """Scan labelled rows and count pair-level hits and misses."""
    result = Score()
    for row in rows:
        found = {exposure.person for exposure in scanner.scan(row["text"], row["id"]).exposures}
        expected = set(row["expected"])
        result.documents += 1
        result.characters += len(row["text"])
        result.true_positive += len(found & expected)
        result.false_positive += len(found - expected)
        result.false_negative += len(expected - found)
        if found != expected and len(result.errors) < 50:
            result.errors.append(
                {
                    "id": row["id"],
                    "category": row.get("category", row.get("kind")),
                    "expected": sorted(expected),
                    "found": sorted(found),
                    "text": row["text"][:300],
                }
            )
    return result


def load_scanner(directory: Path = DATA) -> Scanner:
    """Build a scanner from the evaluation roster."""
    people = [person_from_json(row) for row in read_jsonl(directory / "roster.jsonl")]
    return Scanner(build_index(people, key=EVAL_KEY))


def main() -> None:
    """Print precision and recall on the stored evaluation set."""
    scanner = load_scanner()
    for name in ("documents.jsonl", "ocr_single.jsonl"):
        result = score(scanner, read_jsonl(DATA / name))
        print(
            f"{name}: documents={result.documents} precision={result.precision:.4f} "
            f"recall={result.recall:.4f} tp={result.true_positive} fp={result.false_positive} "
            f"fn={result.false_negative}"
        )
        for error in result.errors[:15]:
            print("   ", json.dumps(error, ensure_ascii=False)[:400])


if __name__ == "__main__":
    main()
