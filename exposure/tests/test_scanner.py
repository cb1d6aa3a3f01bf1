"""Tests of the exposure scanner (pure library; no database, no Django).

SYNTHETIC TEST DATA: every name, address, phone, e-mail and plate below is
invented for these tests.
"""

from __future__ import annotations

import io
import json

import pytest

from exposure.scanner import (
    RosterPerson,
    Scanner,
    build_index,
    normalise,
    scan_documents,
    scan_jsonl,
)
from exposure.scanner.eval.metrics import DATA, load_scanner, read_jsonl, score
from exposure.scanner.index import ExposureIndex
from exposure.scanner.roster import Relative

KEY = b"test-key-synthetic-0123456789abcdef"

ROSTER = [
    RosterPerson(
        id="P1",
        full_name="Robert James Quillfeather",
        addresses=("1423 N Maple Ave Apt 4, Springfield, IL 62704",),
        phones=("(555) 201-3344",),
        emails=("rquillfeather84@example.com",),
        plates=("7ABC123",),
        relatives=(
            Relative("Jennifer Quillfeather", "spouse"),
            Relative("Tyler Quillfeather", "son"),
        ),
    ),
    RosterPerson(
        id="P2",
        full_name="Maria Guadalupe Zarzamora Lopez",
        given_name="Maria Guadalupe",
        family_name="Zarzamora Lopez",
        addresses=("Calle Hidalgo 45, Col. Centro",),
        phones=("+52 55 1234 5678",),
        relatives=(("Ernesto Zarzamora", "spouse"),),
    ),
    # Shares P3's name: attribution must follow the identifiers.
    RosterPerson(
        id="P3",
        full_name="Daniel Brookhollow",
        phones=("555-867-0199",),
        addresses=("88 Cedar Court",),
    ),
    RosterPerson(
        id="P4",
        full_name="Daniel Brookhollow",
        phones=("555-410-7722",),
        emails=("dbrook@example.org",),
    ),
    RosterPerson(
        id="P5",
        full_name="Susan Oberlin",
        ssns=("123-45-6789",),
        relatives=(("Mark Oberlin", "spouse"),),
    ),
]


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(build_index(ROSTER, key=KEY))


def exposed(scanner: Scanner, text: str) -> dict[str, list[str]]:
    return {exposure.person: list(exposure.ids) for exposure in scanner.scan(text).exposures}


# --- identifier kinds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "(555) 201-3344",
        "555-201-3344",
        "555.201.3344",
        "555 201 3344",
        "5552013344",
        "+1 555 201 3344",
        "1-555-201-3344",
        "+1 (555) 201-3344",
        "555-201-3344 x12",
    ],
)
def test_phone_in_any_common_format_exposes_its_person(scanner: Scanner, phone: str) -> None:
    assert exposed(scanner, f"Call him at {phone} tonight.") == {"P1": ["phone"]}


def test_international_phone_is_matched_in_e164(scanner: Scanner) -> None:
    assert "P2" in exposed(scanner, "Su celular: +52 55 1234 5678")


@pytest.mark.parametrize(
    "email",
    [
        "rquillfeather84@example.com",
        "rquillfeather84 at example dot com",
        "rquillfeather84 (at) example [dot] com",
        "RQuillfeather84 [at] example.com",
        "rquillfeather84 arroba example punto com",
    ],
)
def test_email_including_spelled_out_forms_exposes_its_person(scanner: Scanner, email: str) -> None:
    assert exposed(scanner, f"Write to {email} and tell him.") == {"P1": ["email"]}


@pytest.mark.parametrize("plate", ["7ABC123", "7ABC-123", "7 ABC 123", "7A8C123", "7ABCl23"])
def test_plate_with_separators_and_look_alikes_exposes_its_person(
    scanner: Scanner, plate: str
) -> None:
    assert exposed(scanner, f"Gray sedan, {plate}, parked outside.") == {"P1": ["plate"]}


@pytest.mark.parametrize(
    "address",
    [
        "1423 Maple Avenue",
        "1423 N. Maple Ave",
        "1423 MAPLE AVE APT 4",
        "1423 Maple\nAve",
        "l423 Maple Ave",
    ],
)
def test_street_address_with_number_exposes_its_person(scanner: Scanner, address: str) -> None:
    assert exposed(scanner, f"He lives at {address}, go say hi.")["P1"][0] == "address"


def test_spanish_address_with_numero_exposes_its_person(scanner: Scanner) -> None:
    assert "address" in exposed(scanner, "Vive en la Calle Hidalgo número 45, Col. Centro")["P2"]


def test_ssn_is_a_strong_restricted_identifier(scanner: Scanner) -> None:
    result = scanner.scan("SSN 123-45-6789 leaked")
    assert [(e.person, e.ids, e.restricted) for e in result.exposures] == [("P5", ("ssn",), True)]


# --- decision rules ------------------------------------------------------------------------


def test_name_alone_is_a_mention_not_an_exposure(scanner: Scanner) -> None:
    result = scanner.scan("Officer Robert Quillfeather, badge 4471, said the inquiry continues.")
    assert result.exposures == ()
    assert [mention.person for mention in result.mentions] == ["P1"]


def test_news_story_naming_officers_exposes_no_one(scanner: Scanner) -> None:
    story = (
        "The field office at 900 Federal Plaza (555-000-1212) confirmed that Agent Susan "
        "Oberlin and Agent Daniel Brookhollow testified on Tuesday. Badge numbers 1182 and "
        "2210 were read into the record."
    )
    result = scanner.scan(story)
    assert result.exposures == ()
    assert {mention.person for mention in result.mentions} >= {"P3", "P4", "P5"}


def test_business_address_and_phone_not_on_roster_expose_no_one(scanner: Scanner) -> None:
    listing = "Joe's Tire Center\n1425 Maple Ave\nSpringfield, IL\nTel (555) 201-3345"
    assert scanner.scan(listing).exposures == ()


def test_nickname_with_relative_name_is_an_exposure(scanner: Scanner) -> None:
    assert exposed(scanner, "Bobby Quillfeather and his wife Jennifer were at the game.") == {
        "P1": ["relative", "name"]
    }


def test_family_given_order_with_relative_full_name_is_an_exposure(scanner: Scanner) -> None:
    assert "P1" in exposed(scanner, "QUILLFEATHER, Robert -- son: Tyler Quillfeather")


def test_middle_initial_and_street_of_home_is_an_exposure(scanner: Scanner) -> None:
    assert exposed(scanner, "Robert J. Quillfeather lives on Maple Avenue.") == {
        "P1": ["street", "name"]
    }


def test_street_without_name_is_not_an_exposure(scanner: Scanner) -> None:
    assert scanner.scan("Lovely homes for sale on Maple Avenue this weekend.").exposures == ()


def test_spanish_hypocorism_and_relative_expose(scanner: Scanner) -> None:
    assert "P2" in exposed(scanner, "Lupe Zarzamora y su esposo Ernesto Zarzamora viven aquí.")


def test_relative_given_name_needs_capital_relation_word_and_no_surname(scanner: Scanner) -> None:
    assert "P5" in exposed(scanner, "Susan Oberlin and her husband Mark were at the mall.")
    assert scanner.scan("Susan Oberlin and Mark were at the mall.").exposures == ()
    assert scanner.scan("Susan Oberlin will mark the date.").exposures == ()
    assert scanner.scan("Susan Oberlin met Mark Twain fans.").exposures == ()


def test_shared_name_is_attributed_to_the_person_whose_identifier_is_present(
    scanner: Scanner,
) -> None:
    result = scanner.scan("Daniel Brookhollow -- cell 555-410-7722")
    assert [exposure.person for exposure in result.exposures] == ["P4"]
    assert result.mentions == ()  # the name belongs to the exposed P4, not to P3


def test_ocr_damaged_identifiers_still_match(scanner: Scanner) -> None:
    text = "R0BERT QUILLFEATHER -- (5S5) 2O1-3344 -- rquil1feather84@examp1e.corn"
    assert exposed(scanner, text) == {"P1": ["phone", "email", "name"]}


def test_spans_point_at_the_original_text(scanner: Scanner) -> None:
    text = "¡Atención! José vio a Bobby Quillfeather en 1423 Maple Ave con su esposa Jennifer."
    (exposure,) = scanner.scan(text).exposures
    pieces = {text[start:end] for start, end in exposure.spans}
    assert {"Bobby Quillfeather", "1423 Maple Ave", "Jennifer"} <= pieces
    assert pieces <= {"Bobby Quillfeather", "1423 Maple Ave", "Maple Ave", "Jennifer"}


def test_restricted_flag_follows_18_usc_119(scanner: Scanner) -> None:
    plate_only = scanner.scan("Plate 7ABC123 seen again").exposures[0]
    address = scanner.scan("1423 Maple Ave").exposures[0]
    name_and_relative = scanner.scan("Bobby Quillfeather and his wife Jennifer").exposures[0]
    assert (plate_only.restricted, address.restricted, name_and_relative.restricted) == (
        False,
        True,
        False,
    )


# --- index and bulk API --------------------------------------------------------------------


def test_serialised_index_holds_no_plaintext_and_round_trips() -> None:
    index = build_index(ROSTER, key=KEY)
    data = index.to_bytes().lower()
    for secret in (
        b"quillfeather",
        b"maple",
        b"2013344",
        b"201-3344",
        b"example.com",
        b"7abc123",
        b"jennifer",
        b"hidalgo",
        b"123-45-6789",
        b"123456789",
    ):
        assert secret not in data
    loaded = ExposureIndex.from_bytes(index.to_bytes(), key=KEY)
    assert exposed(Scanner(loaded), "call 555 201 3344") == {"P1": ["phone"]}
    with pytest.raises(ValueError):
        ExposureIndex.from_bytes(index.to_bytes(), key=b"another-key-0123456789abcdef")


def test_index_keeps_no_name_prefixes_yet_finds_a_given_name_outside_the_vocabulary() -> None:
    # "Zephyrine" is in no public given-name list: the index used to keep its
    # plaintext prefix "zep" as a trigger; now a keyed flag does that job.
    person = RosterPerson(
        id="Z1",
        full_name="Zephyrine Okonkwo",
        phones=("(555) 777-1212",),
        relatives=(Relative("Obinna Okonkwo", "spouse"),),
    )
    index = build_index([person], key=KEY)
    assert index.prefix_triggers == frozenset()
    assert index.stats.prefix_triggers == 0
    data = index.to_bytes().lower()
    assert b"zep" not in data and b"oko" not in data
    result = Scanner(index).scan("Zephyrine Okonkwo and her husband Obinna")
    assert [(exposure.person, exposure.ids) for exposure in result.exposures] == [
        ("Z1", ("relative", "name"))
    ]


def test_scan_jsonl_streams_results(scanner: Scanner) -> None:
    lines = "\n".join(
        json.dumps(row)
        for row in [
            {"id": "a", "text": "Bobby Quillfeather 1423 Maple Ave"},
            {"id": "b", "text": "nothing here"},
        ]
    )
    out = io.StringIO()
    assert scan_jsonl(io.StringIO(lines), out, scanner) == 2
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert results[0]["id"] == "a" and results[0]["exposures"][0]["person"] == "P1"
    assert results[0]["exposures"][0]["restricted"] is True
    assert results[1] == {"id": "b", "exposures": []}


def test_scan_documents_is_lazy(scanner: Scanner) -> None:
    def documents():
        yield {"id": "1", "text": "555-201-3344"}
        raise AssertionError("read past the first document")

    assert next(scan_documents(documents(), scanner))["exposures"][0]["person"] == "P1"


def test_normalise_keeps_offsets_of_the_original() -> None:
    text = "Ñandú\u2014JOSÉ\tPérez 🙂 ﬁn"
    view = normalise(text)
    assert len(view.lower) == len(text)
    assert view.lower.startswith("nandu-jose perez")


# --- quality on the generated evaluation set ----------------------------------------------


@pytest.fixture(scope="module")
def eval_scanner() -> Scanner:
    return load_scanner()


def test_eval_set_precision_and_recall_by_document_person_pair(eval_scanner: Scanner) -> None:
    result = score(eval_scanner, read_jsonl(DATA / "documents.jsonl"))
    assert result.documents > 1000
    assert result.recall >= 0.98, result.errors[:5]
    assert result.precision >= 0.98, result.errors[:5]


def test_eval_set_recall_on_identifiers_with_one_ocr_error(eval_scanner: Scanner) -> None:
    result = score(eval_scanner, read_jsonl(DATA / "ocr_single.jsonl"))
    assert result.recall >= 0.95, result.errors[:5]


def test_eval_set_background_raises_at_most_one_alert_per_10_mb(eval_scanner: Scanner) -> None:
    rows = [row for row in read_jsonl(DATA / "documents.jsonl") if not row["expected"]]
    alerts = sum(len(eval_scanner.scan(row["text"]).exposures) for row in rows)
    characters = sum(len(row["text"]) for row in rows)
    assert alerts <= max(1, characters / (10 * 2**20)), alerts
