"""Scanner recall on numbered streets, names and streets with particles, and OCR digits.

SYNTHETIC TEST DATA: every name, address, phone and plate below is invented;
phone numbers use the reserved 555-01xx range.
"""

from __future__ import annotations

import pytest

from exposure.scanner import RosterPerson, Scanner, build_index
from exposure.scanner.roster import Relative

KEY = b"test-key-synthetic-particles-0123456789"

ROSTER = [
    RosterPerson(id="O1", full_name="Quentin Marlowe", addresses=("88 West 3rd Street",)),
    RosterPerson(id="O2", full_name="Odalys Farrington", addresses=("17 Fifth Avenue, Apt 2",)),
    RosterPerson(
        id="O3",
        full_name="Lupita Zaragoza Quintanar",
        given_name="Lupita",
        family_name="Zaragoza Quintanar",
        addresses=("Calle Cinco de Mayo 218, Col. Centro",),
    ),
    RosterPerson(
        id="O4",
        full_name="Reina Olvera del Valle",
        relatives=(Relative("Espartaco Olvera", "son"),),
    ),
    RosterPerson(
        id="O6",
        full_name="Winslow Hartwell",
        phones=("(555) 010-0143",),
        relatives=(Relative("Rosalind Hartwell", "spouse"),),
    ),
    RosterPerson(
        id="O7", full_name="Joaquina Esparza", addresses=("1234 Calle Roble, San Antonio",)
    ),
    RosterPerson(id="O8", full_name="Beatriz Ocampo", addresses=("Avenida Juarez 45, Depto 3",)),
    RosterPerson(id="O9", full_name="Dario Ferrel", addresses=("88 Camino del Mar Apt 2",)),
    RosterPerson(
        id="O5",
        full_name="Asunta Villalpando de Jesus",
        relatives=(Relative("Alberto Villalpando", "son"),),
    ),
]


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(build_index(ROSTER, key=KEY))


def exposed(scanner: Scanner, text: str) -> dict[str, list[str]]:
    return {exposure.person: list(exposure.ids) for exposure in scanner.scan(text).exposures}


@pytest.mark.parametrize(
    "address",
    ["88 W 3rd St", "88 West Third Street", "88 W. 3RD ST.", "88 West 3rd Street"],
)
def test_numbered_street_is_read_the_same_with_digits_or_words(
    scanner: Scanner, address: str
) -> None:
    # "3rd" must not fold to "rd" (a street type, "road"): the ordinal is the name.
    assert exposed(scanner, f"Flyer: he lives at {address}.") == {"O1": ["address", "street"]}


def test_other_numbered_streets_are_other_streets(scanner: Scanner) -> None:
    assert exposed(scanner, "Flyer: he lives at 88 W 4th St and 88 Third Avenue.") == {}


def test_spelled_ordinal_avenue_matches_digits(scanner: Scanner) -> None:
    assert exposed(scanner, "Lives at 17 5th Ave.") == {"O2": ["address", "street"]}


def test_spanish_street_with_particle_beside_the_name_is_an_exposure(scanner: Scanner) -> None:
    # "de" inside "calle Cinco de Mayo" no longer ends the street name.
    text = "La agente Lupita Zaragoza vive en la calle Cinco de Mayo, cerca del parque."
    assert exposed(scanner, text) == {"O3": ["street", "name"]}


def test_spanish_street_name_alone_is_no_exposure(scanner: Scanner) -> None:
    assert exposed(scanner, "Desfile en la calle Cinco de Mayo el domingo.") == {}


def test_lower_case_particle_inside_a_name_is_still_a_name(scanner: Scanner) -> None:
    text = "Reina del Valle and her son Espartaco were seen at the school again."
    assert exposed(scanner, text) == {"O4": ["relative", "name"]}


def test_a_particle_is_never_a_surname_on_its_own(scanner: Scanner) -> None:
    # "Asunta de" would be a name if "de" counted as a surname of "Villalpando de Jesus".
    result = scanner.scan("Asunta de la Rosa called Alberto (son) yesterday.")
    assert [exposure.person for exposure in result.exposures] == []
    assert [mention.person for mention in result.mentions] == []
    full = scanner.scan("Asunta A. de Jesus hangs out with Alberto (son).")
    assert [exposure.person for exposure in full.exposures] == ["O5"]


def test_two_ocr_digits_in_a_surname_still_read_as_a_name(scanner: Scanner) -> None:
    # "ll" read as "11" is a classic OCR error; "1111" is still no name word.
    text = "Winslow Hartwe11 and his wife Rosalind were seen."
    assert exposed(scanner, text) == {"O6": ["relative", "name"]}
    assert exposed(scanner, "Winslow 1111 and his wife Rosalind were seen.") == {}


def test_phone_with_a_slash_after_the_area_code(scanner: Scanner) -> None:
    assert exposed(scanner, "Tel 555/010-0143") == {"O6": ["phone"]}


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Vive en 1234 Calle Roble, cerca del parque.", "O7"),
        ("DOMICILIO: 1234 CALLE ROBLE", "O7"),
        ("88 Camino del Mar, San Diego", "O9"),
    ],
)
def test_number_before_a_spanish_street_type_is_an_address(
    scanner: Scanner, text: str, person: str
) -> None:
    # US Spanish street names: the number first, then "Calle"/"Camino" and the name.
    assert exposed(scanner, text) == {person: ["address", "street"]}


def test_another_number_or_street_is_no_match(scanner: Scanner) -> None:
    assert exposed(scanner, "Vive en 1235 Calle Roble y en 1234 Calle Robles.") == {}


@pytest.mark.parametrize("text", ["Av. Juárez #45", "Avda. Juarez 45", "45 Juarez Avenue"])
def test_avenida_and_avenue_are_one_street_type(scanner: Scanner, text: str) -> None:
    assert exposed(scanner, text) == {"O8": ["address", "street"]}
