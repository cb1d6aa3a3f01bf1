"""Compare the compiled scanner core with the Python scanner, hit by hit (SYNTHETIC DATA).

    python bench/exposure_native_check.py [--people 3000] [--mb 4]
        [--part results|hits|addresses|streets]

Runs both routes over the evaluation set and a generated benchmark corpus and
prints every document whose hits differ (up to --show), per identifier kind.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from exposure.scanner import Scanner, build_index
from exposure.scanner.eval.generate import person_from_json
from exposure.scanner.eval.metrics import DATA, EVAL_KEY, read_jsonl
from exposure.scanner.identifiers import iter_addresses, iter_streets
from exposure.scanner.normalise import normalise


def documents(people: int, mb: float) -> tuple[list, list[dict]]:
    """Return (roster, documents): the evaluation set's, then a benchmark corpus's."""
    from exposure_scan import KEY, Synthetic, write_corpus  # type: ignore[import-not-found]

    eval_roster = [person_from_json(row) for row in read_jsonl(DATA / "roster.jsonl")]
    eval_docs = [
        {"id": row["id"], "text": row["text"], "set": "eval"}
        for name in ("documents.jsonl", "ocr_single.jsonl")
        for row in read_jsonl(DATA / name)
    ]
    random.seed(1)
    synthetic = Synthetic(1)
    roster = synthetic.roster(people)
    corpus = Path(tempfile.gettempdir()) / f"custos-native-check-{people}-{mb}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, synthetic, roster, mb, 4)
    with open(corpus, encoding="utf-8") as handle:
        bench_docs = [dict(json.loads(line), set="bench") for line in handle]
    return [(eval_roster, EVAL_KEY, eval_docs), (roster, KEY, bench_docs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--mb", type=float, default=4)
    parser.add_argument(
        "--part", default="hits", choices=["hits", "results", "addresses", "streets"]
    )
    parser.add_argument("--show", type=int, default=10)
    arguments = parser.parse_args()
    differing = collections.Counter()
    shown = 0
    total = 0
    for roster, key, docs in documents(arguments.people, arguments.mb):
        index = build_index(roster, key=key)
        python, compiled = Scanner(index, compiled=False), Scanner(index, compiled=True)
        for document in docs:
            text = document["text"]
            total += 1
            if arguments.part == "hits":
                ours = sorted((h.person, int(h.kind), h.start, h.end) for h in compiled.hits(text))
                theirs = sorted((h.person, int(h.kind), h.start, h.end) for h in python.hits(text))
            elif arguments.part == "results":
                ours = [compiled.scan(text, document["id"]).as_dict()]
                theirs = [python.scan(text, document["id"]).as_dict()]
            else:
                lower = normalise(text).lower
                raw = lower.encode("ascii")
                if arguments.part == "addresses":
                    ours = compiled._core.iter_addresses(raw, 0)
                    theirs = list(iter_addresses(lower, 0))
                else:
                    ours = compiled._core.iter_streets(raw, 0, len(raw))
                    theirs = list(iter_streets(lower, 0, len(raw)))
            if ours != theirs:
                only_ours = [h for h in ours if h not in theirs]
                only_theirs = [h for h in theirs if h not in ours]
                kinds = {h[1] for h in only_ours + only_theirs} if arguments.part == "hits" else {0}
                for kind in kinds:
                    differing[kind] += 1
                if shown < arguments.show:
                    shown += 1
                    print(f"--- {document['set']} {document['id']}")
                    print(f"    compiled only: {only_ours[:8]}")
                    print(f"    python only:   {only_theirs[:8]}")
                    for h in (only_ours + only_theirs)[:3]:
                        if arguments.part == "hits":
                            print(f"    text[{h[2]}:{h[3]}] = {text[h[2] : h[3]]!r}")
    print(f"{total} documents; differing documents by kind: {dict(differing) or 'none'}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
