"""The compiled scanner core gives the Python scanner's results (SYNTHETIC TEST DATA).

The Python modules in exposure/scanner define the rules; exposure/native is the
fast route to the same hits and decisions (docs/decisions/0011). These tests run
both routes over the evaluation set, over freshly generated flyers, posts,
news stories and background prose, over a small hand-made roster written in
many spellings, and over documents strewn with non-ASCII characters, and
compare every hit and every result. Every person, number and address here is
invented: fictional numbers (+44 20 7946 0xxx and 07700 900xxx are Ofcom's
drama ranges; 987-65-432x are SSNs reserved for advertising), example.com
addresses.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator

import pytest

from exposure.scanner import Kind, Relative, RosterPerson, Scanner, build_index, native
from exposure.scanner.eval.generate import documents, ocr_single, person_from_json
from exposure.scanner.eval.metrics import DATA, EVAL_KEY, read_jsonl
from exposure.scanner.eval.synthetic import Synthetic, iter_background
from exposure.scanner.identifiers import iter_streets, phone_key

pytestmark = pytest.mark.skipif(
    not native.available(), reason="compiled core not built: run scripts/build-native"
)


@pytest.fixture(scope="module")
def eval_people() -> list[RosterPerson]:
    return [person_from_json(row) for row in read_jsonl(DATA / "roster.jsonl")]


@pytest.fixture(scope="module")
def eval_scanners(eval_people) -> tuple[Scanner, Scanner]:
    index = build_index(eval_people, key=EVAL_KEY)
    return Scanner(index, compiled=True), Scanner(index, compiled=False)


def _hits(scanner: Scanner, text: str) -> list[tuple[int, int, int, int]]:
    return sorted((hit.person, int(hit.kind), hit.start, hit.end) for hit in scanner.hits(text))


def _assert_same(compiled: Scanner, python: Scanner, rows: list[dict[str, str]]) -> int:
    exposures = 0
    for row in rows:
        text = row["text"]
        assert _hits(compiled, text) == _hits(python, text), row["id"]
        ours = compiled.scan(text, row["id"])
        theirs = python.scan(text, row["id"]).as_dict()
        assert ours.as_dict() == theirs, row["id"]
        # The bulk path builds the same dict in one step (scan_jsonl uses it).
        assert compiled.scan_dict(text, row["id"]) == theirs, row["id"]
        assert compiled.scan_dict(text, row["id"], include_mentions=False) == {
            "id": row["id"],
            "exposures": theirs["exposures"],
        }
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
        {"id": f"bg{i}", "text": text} for i, text in enumerate(iter_background(synthetic, 400_000))
    ]
    assert _assert_same(compiled, python, rows + background) > 200


def test_every_identifier_kind_through_the_compiled_core(eval_scanners):
    compiled, _python = eval_scanners
    found: set[str] = set()
    for row in read_jsonl(DATA / "documents.jsonl"):
        for exposure in compiled.scan(row["text"], row["id"]).exposures:
            found.update(exposure.ids)
    assert {"address", "phone", "email", "plate", "street", "relative", "name"} <= found


def test_a_mistyped_international_number_and_odd_input_do_not_break_the_core(
    eval_people, eval_scanners
):
    compiled, python = eval_scanners
    person = eval_people[0]
    name, phone, address = person.full_name, person.phones[0], person.addresses[0]
    email, plate = person.emails[0], person.plates[0]
    relative = person.relative_list()[0].name
    nbsp_name, dash_plate = name.replace(" ", "\u00a0"), plate.replace("-", "\u2013")
    wide_phone = phone.replace("5", "\uff15")  # full-width digit five
    quiet = [
        "",
        "+",
        "call +44 20 7946 0958 or +52 55 1234 5678 or + 1 (555) 010-0143",
        "ñ" * 50 + " Calle 5 #" + "9" * 40,
        "\u00c9mile \u0130\u0131 \U0001f600 Av. Ju\u00e1rez 1234 \t\n\x00",
        "x" * 10_000,
        "John " * 3_000,
        "+" * 500 + " " + phone,  # a mistyped international number: no hit
    ]
    # Odd input around one roster person's identifiers: each text exposes them.
    exposing = [
        f"{name}\x00{phone}\x00",
        "ñ" * 50 + f" {name.upper()} " + "9" * 40 + f" {plate} ",
        "\t\n".join([name, address, email]),
        "\u00a0".join(address.split()),
        f"{name} " * 300 + phone,
        f"{name}, {relative}; " * 200,
        "+" * 500 + ". Call " + phone,
        email.upper() + "\U0001f600" + name,
        f"{nbsp_name} (\u2122) {dash_plate}",
        "x" * 5_000 + f" {phone} " + "x" * 5_000,
        f"+{phone} / + 1 {phone} / 001 {phone}",
        "\u00c9" + name + "\u00e9 " + wide_phone,
    ]
    for number, text in enumerate(quiet + exposing):
        assert _hits(compiled, text) == _hits(python, text), number
        result = compiled.scan(text, f"odd{number}").as_dict()
        assert result == python.scan(text, f"odd{number}").as_dict(), number
        if number >= len(quiet):
            assert [exposure["person"] for exposure in result["exposures"]] == [person.id], number


# --- A small hand-made roster (SYNTHETIC TEST DATA: invented people) -------------

HANDMADE_KEY = b"synthetic-native-handmade-key-01"


def _handmade_roster() -> list[RosterPerson]:
    return [
        RosterPerson(
            id="S-marisol",
            full_name="Marisol Quintero Vega",
            given_name="Marisol",
            family_name="Quintero Vega",
            addresses=("Calle Hidalgo 45, Col. Centro, Puebla",),
            phones=("+52 55 4132 8765",),
            emails=("marisol.quintero@correo.example.com",),
            plates=("XYZ-4821",),
            relatives=(Relative("Guadalupe Quintero", "madre"),),
            ssns=("987-65-4321",),
        ),
        RosterPerson(
            id="S-nigel",
            full_name="Nigel Ashworth",
            addresses=("1234 Calle Roble, San Antonio, TX 78201",),
            phones=("+44 20 7946 0321",),
            emails=("nigel.ashworth@example.com",),
            plates=("AB12 CDE",),
            relatives=(("Penelope Ashworth", "wife"),),
            ssns=("987654322",),
        ),
        RosterPerson(
            id="S-darnell",
            full_name="Darnell Okafor",
            addresses=("77 W 3rd St, Springfield",),
            phones=("44 7700 900123",),  # 12 digits, no "+": a "digits:" key
            emails=("dokafor@mail.example.org",),
            plates=("7KLM 305", "QX7"),  # QX7: a short (weak) plate
            relatives=(("Keisha Okafor", "sister"),),
            ssns=("987 65 4323",),
        ),
    ]


@pytest.fixture(scope="module")
def handmade_scanners() -> tuple[Scanner, Scanner]:
    index = build_index(_handmade_roster(), key=HANDMADE_KEY)
    return Scanner(index, compiled=True), Scanner(index, compiled=False)


_MARISOL, _NIGEL, _DARNELL = 0, 1, 2

# (document, person number, a kind of hit the document must give for that person)
HANDMADE_CASES = [
    ("SSN 987-65-4321", _MARISOL, Kind.SSN),
    ("ssn 987 65 4321.", _MARISOL, Kind.SSN),
    ("seguro social 987654321", _MARISOL, Kind.SSN),
    ("SSN: 987-65-4322 and 987 65 4323", _NIGEL, Kind.SSN),
    ("SSN: 987-65-4322 and 987 65 4323", _DARNELL, Kind.SSN),
    ("Llame al +52 55 4132 8765", _MARISOL, Kind.PHONE),
    ("tel +52 (55) 4132-8765", _MARISOL, Kind.PHONE),
    ("+525541328765", _MARISOL, Kind.PHONE),
    ("+52 55.4132.8765 (celular)", _MARISOL, Kind.PHONE),
    ("call +44 20 7946 0321", _NIGEL, Kind.PHONE),
    ("+44 (0)20 7946 0321", _NIGEL, Kind.PHONE),
    ("+44-20-7946-0321", _NIGEL, Kind.PHONE),
    ("mobile:+442079460321.", _NIGEL, Kind.PHONE),
    ("ring 44 7700 900123 now", _DARNELL, Kind.PHONE),
    ("447700900123", _DARNELL, Kind.PHONE),
    ("44-7700-900-123", _DARNELL, Kind.PHONE),
    ("44.7700.900.123", _DARNELL, Kind.PHONE),
    ("write to nigel.ashworth at example dot com", _NIGEL, Kind.EMAIL),
    ("nigel.ashworth (at) example [dot] com", _NIGEL, Kind.EMAIL),
    ("NIGEL.ASHWORTH@EXAMPLE.COM", _NIGEL, Kind.EMAIL),
    ("escriba a marisol.quintero arroba correo punto example punto com", _MARISOL, Kind.EMAIL),
    ("marisol.quintero@correo.example.com.", _MARISOL, Kind.EMAIL),
    ("dokafor at mail dot example dot org", _DARNELL, Kind.EMAIL),
    ("plate XYZ 4821", _MARISOL, Kind.PLATE),
    ("XYZ4821 parked", _MARISOL, Kind.PLATE),
    ("car XYZ-4821", _MARISOL, Kind.PLATE),
    ("UK plate AB12 CDE", _NIGEL, Kind.PLATE),
    ("AB12CDE", _NIGEL, Kind.PLATE),
    ("AB12-CDE", _NIGEL, Kind.PLATE),
    ("7KLM 305", _DARNELL, Kind.PLATE),
    ("7KLM-305", _DARNELL, Kind.PLATE),
    ("placas 7 KLM 305", _DARNELL, Kind.PLATE),
    ("Darnell Okafor drives plate QX7", _DARNELL, Kind.SHORT_PLATE),
    ("OKAFOR, Darnell: tag QX-7.", _DARNELL, Kind.SHORT_PLATE),
    ("Vive en Calle Hidalgo 45", _MARISOL, Kind.ADDRESS),
    ("calle Hidalgo #45", _MARISOL, Kind.ADDRESS),
    ("CALLE HIDALGO NUMERO 45", _MARISOL, Kind.ADDRESS),
    ("Calle Hidalgo núm. 45, Puebla", _MARISOL, Kind.ADDRESS),
    ("lives at 1234 Calle Roble, San Antonio", _NIGEL, Kind.ADDRESS),
    ("1234 calle roble", _NIGEL, Kind.ADDRESS),
    ("1234 CALLE ROBLE apt 2", _NIGEL, Kind.ADDRESS),
    ("77 W 3rd St", _DARNELL, Kind.ADDRESS),
    ("77 West Third Street", _DARNELL, Kind.ADDRESS),
    ("77 W. 3rd St.", _DARNELL, Kind.ADDRESS),
    ("77 w 3rd street", _DARNELL, Kind.ADDRESS),
    ("77 West 3rd Street, Springfield", _DARNELL, Kind.ADDRESS),
    ("Darnell Okafor lives on W 3rd St by the park", _DARNELL, Kind.STREET),
    ("Marisol Quintero Vega vive en la calle Hidalgo", _MARISOL, Kind.STREET),
    ("QUINTERO VEGA, Marisol en Calle Hidalgo", _MARISOL, Kind.STREET),
    ("Nigel Ashworth and his wife Penelope Ashworth", _NIGEL, Kind.RELATIVE),
    ("Marisol Quintero y su madre Guadalupe Quintero", _MARISOL, Kind.RELATIVE),
    ("Nigel Ashworth and his wife Penelope", _NIGEL, Kind.RELATIVE_GIVEN),
    ("Darnell Okafor's sister Keisha was there", _DARNELL, Kind.RELATIVE_GIVEN),
    ("Marisol Quintero", _MARISOL, Kind.NAME),
    ("QUINTERO VEGA, Marisol", _MARISOL, Kind.NAME),
    ("Officer Nigel Ashworth spoke.", _NIGEL, Kind.NAME),
    ("DARNELL OKAFOR", _DARNELL, Kind.NAME),
]


def test_the_hand_made_cases_cover_every_kind():
    assert {kind for _text, _person, kind in HANDMADE_CASES} == set(Kind)


@pytest.mark.parametrize(("text", "person", "kind"), HANDMADE_CASES)
def test_hand_made_roster_gives_the_same_hits_and_results(handmade_scanners, text, person, kind):
    compiled, python = handmade_scanners
    hits = _hits(python, text)
    assert (person, int(kind)) in {(hit[0], hit[1]) for hit in hits}  # not [] == []
    assert _hits(compiled, text) == hits
    result = python.scan(text, "handmade").as_dict()
    assert compiled.scan(text, "handmade").as_dict() == result
    person_id = python.index.person_ids[person]
    exposed = [exposure["person"] for exposure in result["exposures"]]
    mentioned = [mention["person"] for mention in result["mentions"]]
    # A name alone is a mention; every other case here is an exposure.
    assert person_id in (mentioned if kind == Kind.NAME else exposed)


def test_hand_made_cases_together_in_one_document(handmade_scanners):
    compiled, python = handmade_scanners
    text = "\n".join(text for text, _person, _kind in HANDMADE_CASES)
    assert _hits(compiled, text) == _hits(python, text)
    result = compiled.scan(text, "all").as_dict()
    assert result == python.scan(text, "all").as_dict()
    assert {exposure["person"] for exposure in result["exposures"]} == {
        "S-marisol",
        "S-nigel",
        "S-darnell",
    }


# Characters with no one-to-one ASCII twin, or whose fold is surprising: Cyrillic,
# CJK, accented capitals, trade mark (folds to "t"), no-break space, an emoji
# outside the BMP, superscript two ("2"), sharp s, the DZ digraphs (upper and
# title case), dotted capital I, Kelvin sign, a full-width digit, line separator,
# a combining accent, a ligature, a Roman numeral, zero-width space, dashes,
# curly apostrophe, full-width at, ordinal sign.
_ODD = [
    "ж",
    "先",
    "É",
    "é",
    "™",
    "\u00a0",
    "\U0001f600",
    "²",
    "ß",
    "Ǆ",
    "ǅ",
    "İ",
    "\u212a",
    "\uff11",
    "\u2028",
    "e\u0301",
    "ﬁ",
    "Ⅻ",
    "\u200b",
    "\u2014",
    "\u2019",
    "\uff20",
    "º",
]
_WORDS = ["the", "and", "Calle", "Street", "plate", "tel", "+", "@", "at", "dot", "punto"]
_WORDS += ["wife", "madre", "#", "No.", "-", ",", "St"]


def _fragments(people: list[RosterPerson]) -> list[str]:
    fragments = [
        "nigel.ashworth at example dot com",
        "marisol.quintero arroba correo punto example punto com",
        "77 West Third Street",
        "lives on W 3rd St",
        "calle Hidalgo #45",
        "plate XYZ 4821",
        "+44 (0)20 7946 0321",
        "44-7700-900-123",
        "1234 calle roble",
    ]
    for person in people:
        given, *_middle, family = person.full_name.split()
        relative = person.relative_list()[0].name
        fragments += [
            person.full_name,
            person.full_name.upper(),
            f"{family.upper()}, {given}",
            f"{person.full_name} and his wife {relative.split()[0]}",
            relative,
            *person.addresses,
            *person.phones,
            *person.emails,
            *person.plates,
            *person.ssns,
        ]
    return fragments


def _odd_documents(seed: int, count: int) -> Iterator[str]:
    """Yield short documents of roster fragments with odd characters in and around them."""
    rng = random.Random(seed)
    fragments = _fragments(_handmade_roster())
    separators = [" ", " ", "\u00a0", ", ", "", "\n", " \u2014 "]
    for _ in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(1, 5)):
            roll = rng.random()
            if roll < 0.6:
                chars = list(rng.choice(fragments))
                for _ in range(rng.randint(0, 2)):  # insert or overwrite next to a letter
                    at = rng.randrange(len(chars) + 1)
                    if rng.random() < 0.5 or at == len(chars):
                        chars.insert(at, rng.choice(_ODD))
                    else:
                        chars[at] = rng.choice(_ODD)
                parts.append("".join(chars))
            elif roll < 0.8:
                parts.append(rng.choice(_WORDS))
            else:
                parts.append("".join(rng.choice(_ODD) for _ in range(rng.randint(1, 3))))
            parts.append(rng.choice([*separators, rng.choice(_ODD)]))
        yield "".join(parts)


def test_random_documents_with_non_ascii_characters_give_the_same_hits(handmade_scanners):
    compiled, python = handmade_scanners
    differing: list[str] = []
    kinds: set[int] = set()
    with_hits = total = 0
    for text in _odd_documents(seed=20261121, count=4_000):
        total += 1
        hits = _hits(python, text)
        kinds.update(hit[1] for hit in hits)
        with_hits += bool(hits)
        same_hits = _hits(compiled, text) == hits
        same_result = compiled.scan(text, "r").as_dict() == python.scan(text, "r").as_dict()
        if not (same_hits and same_result):
            differing.append(text)
    assert not differing, f"{len(differing)} of {total} differ, e.g. {differing[:5]!r}"
    assert with_hits > total // 3  # most documents hold a roster identifier
    assert kinds == {int(kind) for kind in Kind}


# --- One core, several threads -----------------------------------------------------


def _international_texts(count: int) -> list[str]:
    """Return texts full of distinct "+44 ..." numbers (fictional drama ranges).

    A number the core has not seen goes to libphonenumber in Python, where the
    interpreter may switch threads in the middle of a scan; distinct spellings
    keep the core's memo from answering instead.
    """
    rng = random.Random(44)
    forms = ["+44 {a} {b} {c}", "+44-{a}-{b}-{c}", "+44 (0){a} {b} {c}", "+44{a}{b}{c}"]
    areas = [("20", "7946"), ("113", "496"), ("161", "496"), ("121", "496")]
    numbers = [
        form.format(a=area, b=exchange, c=f"{line:04d}")
        for form in forms
        for area, exchange in areas
        for line in range(0, 1000, 3)
    ]
    rng.shuffle(numbers)
    per_text = len(numbers) // count
    texts = []
    for number in range(count):
        chunk = numbers[number * per_text : (number + 1) * per_text]
        if number % 3 == 0:  # a roster person too, so results are not all empty
            chunk.append("Nigel Ashworth +44 20 7946 0321")
        texts.append("Call " + "; or call ".join(chunk) + ".")
    return texts


def _scan_in_threads(
    scanner: Scanner, texts: list[str], lock: threading.Lock | None
) -> list[tuple[int, object]]:
    """Scan every text from three threads at once; return (text number, outcome) pairs."""
    outcomes: list[tuple[int, object]] = []
    barrier = threading.Barrier(3)

    def work(offset: int) -> None:
        barrier.wait()
        for step in range(len(texts)):
            number = (step + offset) % len(texts)
            try:
                if lock is None:
                    outcome: object = scanner.scan(texts[number], str(number)).as_dict()
                else:
                    with lock:  # as exposure/scanning.py does
                        outcome = scanner.scan(texts[number], str(number)).as_dict()
            except BaseException as error:  # PanicException is a BaseException
                outcome = error
            outcomes.append((number, outcome))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        threads = [threading.Thread(target=work, args=(offset * 7,)) for offset in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert len(outcomes) == 3 * len(texts)
    return outcomes


def _expected(texts: list[str]) -> list[dict[str, object]]:
    # The Python route, the reference; the shared compiled scanner must not have
    # seen these texts before the threads run (its memo would skip libphonenumber).
    python = Scanner(build_index(_handmade_roster(), key=HANDMADE_KEY), compiled=False)
    expected = [python.scan(text, str(number)).as_dict() for number, text in enumerate(texts)]
    assert any(result["exposures"] for result in expected)
    return expected


def test_one_scanner_in_several_threads_without_a_lock_refuses_or_answers_right():
    texts = _international_texts(60)
    expected = _expected(texts)
    shared = Scanner(build_index(_handmade_roster(), key=HANDMADE_KEY), compiled=True)
    outcomes = _scan_in_threads(shared, texts, lock=None)
    wrong = [
        (number, outcome if isinstance(outcome, BaseException) else "wrong result")
        for number, outcome in outcomes
        if not isinstance(outcome, RuntimeError) and outcome != expected[number]
    ]
    assert not wrong, wrong[:5]
    assert any(not isinstance(outcome, BaseException) for _number, outcome in outcomes)
    # The scanner is still usable once the threads are done.
    assert shared.scan(texts[0], "0").as_dict() == expected[0]


def test_one_scanner_serves_several_threads_in_turn_under_a_lock():
    texts = _international_texts(60)
    expected = _expected(texts)
    shared = Scanner(build_index(_handmade_roster(), key=HANDMADE_KEY), compiled=True)
    outcomes = _scan_in_threads(shared, texts, lock=threading.Lock())
    assert [outcome for _number, outcome in outcomes] == [
        expected[number] for number, _outcome in outcomes
    ]


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


def test_phone_keys_equal_libphonenumber_on_random_numbers(eval_scanners):
    # The core answers "+1" and ten digits itself and asks Python's phone_key
    # (libphonenumber) for other international numbers: both must agree.
    compiled, _python = eval_scanners
    rng = random.Random(11)
    formats = ["+1 {} {} {}", "+1-{}-{}-{}", "+1 ({}) {}-{}", "+ 1 {}.{}.{}", "({}) {}-{}"]
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(10))
        raw = rng.choice(formats).format(digits[:3], digits[3:6], digits[6:])
        if rng.random() < 0.2:
            raw = "+" + rng.choice(["44", "52", "34", "49", "7", "81"]) + " " + raw.lstrip("+1 ")
        assert compiled._core.phone_key(raw.encode()) == phone_key(raw), raw


def test_folds_and_reaches_out_of_step_with_python_are_refused(eval_scanners):
    compiled, _python = eval_scanners
    config = native.config(compiled.index)
    config["plate_folds"] = {**config["plate_folds"], ord("g"): "9"}  # Python would fold g
    with pytest.raises(ValueError, match="plate_folds"):
        native._native.Core(config)
    config = native.config(compiled.index)
    del config["after_reach"]
    with pytest.raises(ValueError, match="after_reach"):
        native._native.Core(config)


def test_crafted_runs_lone_surrogates_and_long_words_give_the_same_results(eval_scanners):
    compiled, python = eval_scanners
    person = read_jsonl(DATA / "roster.jsonl")[0]
    texts = [
        "a" * 40_000 + "#bb@example.com",  # the e-mail window once backed over the whole run
        "\ud800 " + person["full_name"] + " \udfff" + person["emails"][0]
        if person.get("emails")
        else "\ud800",
        "x" * 5_000 + " Calle" * 2_000,
        "Street " * 3_000,
    ]
    for text in texts:
        assert _hits(compiled, text) == _hits(python, text)
        assert compiled.scan_dict(text, "d") == python.scan(text, "d").as_dict()


def test_a_malformed_index_is_refused_with_value_error(eval_scanners):
    compiled, _python = eval_scanners
    for broken in (
        {"entries": {b"short": b"\x00\x00\x00\x00\x01"}},
        {"entries": {b"0" * 16: b"\x00\x00"}},
        {"entries": {b"0" * 16: (10**6).to_bytes(4, "little") + b"\x01"}},  # no such person
        {"tokens": {b"0" * 16: b""}},
    ):
        config = {**native.config(compiled.index), **broken}
        with pytest.raises(ValueError, match="malformed"):
            native._native.Core(config)


def test_the_test_entry_points_answer_like_python(eval_scanners):
    compiled, _python = eval_scanners
    core = compiled._core
    assert core.phone_key(b"(555) 010-0143") == phone_key("(555) 010-0143") == "+15550100143"
    text = "lives on maple avenue"
    assert core.iter_streets(text.encode(), 0, len(text)) == list(iter_streets(text, 0, len(text)))
    assert core.iter_streets(text.encode(), 0, len(text)) == [("maple avenue", 9, 21)]


def test_a_long_document_is_read_in_overlapping_chunks_with_the_same_result(
    eval_scanners, monkeypatch
):
    from exposure.scanner import scan as scan_module

    compiled, python = eval_scanners
    rows = read_jsonl(DATA / "documents.jsonl")[:300]
    text = "\n\n".join(row["text"] for row in rows)
    assert len(text) > 60_000
    whole = compiled.scan(text, "long").as_dict()
    assert len(whole["exposures"]) > 50
    monkeypatch.setattr(scan_module, "CHUNK", 12_000)
    for scanner in (compiled, python):
        assert scanner.scan(text, "long").as_dict() == whole
        assert scanner.scan_dict(text, "long") == whole
