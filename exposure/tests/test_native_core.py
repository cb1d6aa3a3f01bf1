"""The compiled scanner core gives the Python scanner's results (SYNTHETIC TEST DATA).

The Python modules in exposure/scanner define the rules; exposure/native is the
fast route to the same hits and decisions (docs/decisions/0011). These tests run
both routes over the evaluation set and over freshly generated flyers, posts,
news stories and background prose, and compare every hit and every result.
"""

from __future__ import annotations

import random
import threading

import pytest

from exposure.scanner import Scanner, build_index, native
from exposure.scanner.eval.generate import documents, ocr_single, person_from_json
from exposure.scanner.eval.metrics import DATA, EVAL_KEY, read_jsonl
from exposure.scanner.eval.synthetic import Synthetic, iter_background

pytestmark = pytest.mark.skipif(
    not native.available(), reason="compiled core not built: run scripts/build-native"
)


@pytest.fixture(scope="module")
def eval_scanners() -> tuple[Scanner, Scanner]:
    people = [person_from_json(row) for row in read_jsonl(DATA / "roster.jsonl")]
    index = build_index(people, key=EVAL_KEY)
    return Scanner(index, compiled=True), Scanner(index, compiled=False)


def _hits(scanner: Scanner, text: str) -> list[tuple[int, int, int, int]]:
    return sorted((hit.person, int(hit.kind), hit.start, hit.end) for hit in scanner.hits(text))


def _assert_same(compiled: Scanner, python: Scanner, rows: list[dict[str, str]]) -> int:
    exposures = 0
    for row in rows:
        text = row["text"]
        assert _hits(compiled, text) == _hits(python, text), row["id"]
        ours = compiled.scan(text, row["id"])
        assert ours.as_dict() == python.scan(text, row["id"]).as_dict(), row["id"]
        exposures += len(ours.exposures)
    return exposures


def test_same_hits_and_results_on_the_evaluation_set(eval_scanners):
    compiled, python = eval_scanners
    rows = read_jsonl(DATA / "documents.jsonl") + read_jsonl(DATA / "ocr_single.jsonl")
    exposures = _assert_same(compiled, python, rows)
    assert exposures > 1000  # the set is mostly exposures: the comparison saw real hits


def test_same_results_on_newly_generated_documents():
    synthetic = Synthetic(20261121)
    roster = synthetic.roster(300)
    index = build_index(roster, key=b"synthetic-native-test-key")
    compiled, python = Scanner(index, compiled=True), Scanner(index, compiled=False)
    rows = list(documents(roster, synthetic)) + list(ocr_single(roster, synthetic))
    background = [
        {"id": f"bg{i}", "text": text}
        for i, text in enumerate(iter_background(synthetic, 400_000))
    ]
    assert _assert_same(compiled, python, rows + background) > 200


def test_every_identifier_kind_through_the_compiled_core(eval_scanners):
    compiled, _python = eval_scanners
    found: set[str] = set()
    for row in read_jsonl(DATA / "documents.jsonl"):
        for exposure in compiled.scan(row["text"], row["id"]).exposures:
            found.update(exposure.ids)
    assert {"address", "phone", "email", "plate", "street", "relative", "name"} <= found


def test_a_mistyped_international_number_and_odd_input_do_not_break_the_core(eval_scanners):
    compiled, python = eval_scanners
    texts = [
        "",
        "+",
        "call +44 20 7946 0958 or +52 55 1234 5678 or + 1 (555) 010-0143",
        "ñ" * 50 + " Calle 5 #" + "9" * 40,
        "\u00c9mile \u0130\u0131 \U0001f600 Av. Ju\u00e1rez 1234 \t\n\x00",
        "x" * 10_000,
        "John " * 3_000,
    ]
    for text in texts:
        assert _hits(compiled, text) == _hits(python, text)


def test_one_scanner_serves_several_threads_in_turn(eval_scanners):
    compiled, _python = eval_scanners
    row = read_jsonl(DATA / "documents.jsonl")[0]
    expected = compiled.scan(row["text"], row["id"]).as_dict()
    results: list[dict[str, object]] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(20):
            with lock:  # as exposure/scanning.py does
                results.append(compiled.scan(row["text"], row["id"]).as_dict())

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 60


def test_a_table_out_of_step_with_normalise_is_refused(eval_scanners):
    compiled, _python = eval_scanners
    config = native.config(compiled.index)
    letters = bytearray(config["letters"])
    letters[ord("0")] = ord("0")  # Python reads 0 as o in names; this core would not
    config["letters"] = bytes(letters)
    with pytest.raises(ValueError, match="letters"):
        native._native.Core(config)


def test_the_python_route_is_used_when_asked_or_when_not_built(monkeypatch, eval_scanners):
    compiled, _python = eval_scanners
    monkeypatch.setenv("CUSTOS_SCANNER", "python")
    assert Scanner(compiled.index)._core is None
    monkeypatch.delenv("CUSTOS_SCANNER")
    assert Scanner(compiled.index)._core is not None
    monkeypatch.setattr(native, "_native", None)
    assert Scanner(compiled.index)._core is None
    with pytest.raises(RuntimeError, match="build-native"):
        Scanner(compiled.index, compiled=True)


def test_random_fragments_of_flyers_give_the_same_hits(eval_scanners):
    # Cut documents at random places (a name, number or address cut in two).
    compiled, python = eval_scanners
    rng = random.Random(7)
    rows = read_jsonl(DATA / "documents.jsonl")
    for _ in range(400):
        text = rng.choice(rows)["text"]
        start = rng.randrange(len(text))
        fragment = text[start : start + rng.randrange(1, 200)]
        assert _hits(compiled, fragment) == _hits(python, fragment), fragment
