"""Synthetic roster and documents for the evaluation set and the benchmark.

SYNTHETIC TEST DATA: every name, address, phone, e-mail and plate here is
made up by Faker or by random choice with a fixed seed. None is a real
person's. Phone numbers use reserved N9X area codes (never assigned).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from faker import Faker

from exposure.scanner.roster import Relative, RosterPerson
from exposure.scanner.vocabulary import given_name_variants

# Confusions OCR makes (research A4/A7 and the issue): letter <-> digit look-alikes.
OCR_CONFUSIONS = {
    "0": "O",
    "O": "0",
    "o": "0",
    "1": "l",
    "l": "1",
    "I": "1",
    "i": "1",
    "5": "S",
    "S": "5",
    "s": "5",
    "8": "B",
    "B": "8",
}

_PROSE = [
    "the",
    "city",
    "council",
    "will",
    "meet",
    "again",
    "next",
    "week",
    "to",
    "discuss",
    "the",
    "budget",
    "and",
    "the",
    "new",
    "park",
    "residents",
    "said",
    "they",
    "may",
    "ask",
    "for",
    "more",
    "lights",
    "on",
    "the",
    "main",
    "road",
    "near",
    "the",
    "school",
    "a",
    "spokesperson",
    "for",
    "the",
    "department",
    "declined",
    "to",
    "comment",
    "on",
    "the",
    "case",
    "the",
    "weather",
    "turned",
    "cold",
    "on",
    "friday",
    "and",
    "the",
    "market",
    "closed",
    "early",
    "volunteers",
    "will",
    "hand",
    "out",
    "food",
    "at",
    "the",
    "community",
    "center",
    "every",
    "saturday",
    "morning",
    "the",
    "team",
    "won",
    "the",
    "game",
    "by",
    "three",
    "points",
    "after",
    "a",
    "long",
    "drive",
    "in",
    "the",
    "final",
    "minutes",
    "officials",
    "expect",
    "the",
    "bridge",
    "repairs",
    "to",
    "last",
    "until",
    "the",
    "end",
    "of",
    "the",
    "year",
    "local",
    "businesses",
    "reported",
    "strong",
    "sales",
    "during",
    "the",
    "holiday",
    "season",
    "la",
    "reunion",
    "de",
    "vecinos",
    "sera",
    "el",
    "martes",
    "en",
    "la",
    "biblioteca",
    "del",
    "barrio",
    "el",
    "mercado",
    "abre",
    "a",
    "las",
    "ocho",
    "y",
    "cierra",
    "a",
    "las",
    "seis",
    "de",
    "la",
    "tarde",
    "the",
    "report",
    "was",
    "filed",
    "at",
    "10",
    "am",
    "and",
    "updated",
    "at",
    "4",
    "pm",
    "with",
    "new",
    "figures",
    "prices",
    "rose",
    "3",
    "percent",
    "in",
    "march",
    "while",
    "rents",
    "stayed",
    "flat",
    "in",
    "most",
    "areas",
    "mark",
    "your",
    "calendar",
    "for",
    "the",
    "spring",
    "fair",
    "and",
    "bring",
    "a",
    "friend",
    "grace",
    "and",
    "hope",
    "are",
    "the",
    "themes",
    "of",
    "the",
    "choir",
    "concert",
    "this",
    "year",
    "bill",
    "payments",
    "can",
    "be",
    "made",
    "online",
    "or",
    "at",
    "the",
    "office",
    "on",
    "the",
    "first",
    "floor",
    "frank",
    "discussions",
    "about",
    "traffic",
    "safety",
    "continued",
    "at",
    "the",
    "town",
    "hall",
    "the",
    "art",
    "show",
    "will",
    "feature",
    "works",
    "by",
    "students",
    "from",
    "three",
    "schools",
]

_BUSINESS_KINDS = (
    "Bakery",
    "Auto Repair",
    "Dental Care",
    "Hardware",
    "Taqueria",
    "Laundry",
    "Insurance",
    "Pharmacy",
    "Barber Shop",
    "Pizza",
    "Florist",
    "Tire Center",
)


@dataclass
class Synthetic:
    """Fixed-seed generator of roster people and documents."""

    seed: int
    faker_en: Faker = field(init=False)
    faker_es: Faker = field(init=False)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        # Reproducible synthetic data, not security: a seeded PRNG is the point.
        self.rng = random.Random(self.seed)  # noqa: S311
        self.faker_en = Faker("en_US")
        self.faker_es = Faker("es_MX")
        self.faker_en.seed_instance(self.seed)
        self.faker_es.seed_instance(self.seed + 1)

    # --- roster ---------------------------------------------------------
    def phone(self) -> str:
        """Return a synthetic US phone number in a random common format.

        The area code has 9 as its middle digit ("N9X"): NANP reserves those codes for future
        expansion, so no such number can belong to a real person.
        """
        area = self.rng.randint(2, 9) * 100 + 90 + self.rng.randint(0, 9)
        exchange = self.rng.randint(200, 999)
        line = self.rng.randint(0, 9999)
        return format_phone(f"{area}{exchange}{line:04d}", self.rng)

    def plate(self) -> str:
        """Return a synthetic plate in one of several state styles."""
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        pick = self.rng.choice
        style = self.rng.randint(0, 4)
        if style == 0:
            return "".join(pick(letters) for _ in range(3)) + "".join(
                pick("0123456789") for _ in range(4)
            )
        if style == 1:
            return (
                pick("123456789")
                + "".join(pick(letters) for _ in range(3))
                + "".join(pick("0123456789") for _ in range(3))
            )
        if style == 2:
            return (
                "".join(pick(letters) for _ in range(3))
                + " "
                + "".join(pick("0123456789") for _ in range(3))
            )
        if style == 3:
            return (
                "".join(pick("0123456789") for _ in range(3))
                + "-"
                + "".join(pick(letters) for _ in range(3))
            )
        return self.faker_en.license_plate()

    def person(self, number: int) -> RosterPerson:
        """Return one synthetic roster person."""
        rng = self.rng
        hispanic = rng.random() < 0.35
        faker = self.faker_es if hispanic else self.faker_en
        given = faker.first_name()
        middle = faker.first_name() if rng.random() < 0.35 else ""
        family = faker.last_name()
        if hispanic and rng.random() < 0.5:
            family = f"{family} {faker.last_name()}"
        full_name = " ".join(part for part in (given, middle, family) if part)
        aliases: list[str] = []
        nicknames = sorted(given_name_variants(given) - {given.lower()})
        if nicknames and rng.random() < 0.4:
            aliases.append(rng.choice(nicknames).title())
        if hispanic and rng.random() < 0.25:
            address = self.faker_es.street_address()
        else:
            address = (
                f"{self.faker_en.street_address()}, {self.faker_en.city()}, "
                f"{self.faker_en.state_abbr()} {self.faker_en.zipcode()}"
            )
        local = (
            f"{given}.{family.split()[0]}".lower()
            if rng.random() < 0.5
            else f"{given[0]}{family.split()[0]}{rng.randint(1, 99)}".lower()
        )
        local = "".join(
            char for char in local if char.isascii() and (char.isalnum() or char == ".")
        )
        domains = ("example.com", "example.org", "mail.example.net", "correo.example.mx")
        email = f"{local}@{rng.choice(domains)}"
        relatives = []
        for relation in rng.sample(
            ("spouse", "son", "daughter", "mother", "brother"), rng.randint(1, 3)
        ):
            relative_given = faker.first_name()
            while relative_given == given:
                relative_given = faker.first_name()
            relative_family = family if relation != "mother" else faker.last_name()
            relatives.append(Relative(f"{relative_given} {relative_family}", relation))
        phones = [self.phone() for _ in range(rng.randint(1, 2))]
        return RosterPerson(
            id=f"R{number:05d}",
            full_name=full_name,
            aliases=tuple(aliases),
            addresses=(address,),
            phones=tuple(phones),
            emails=(email,),
            plates=(self.plate(),),
            relatives=tuple(relatives),
        )

    def roster(self, size: int, shared_fraction: float = 0.05) -> list[RosterPerson]:
        """Return a roster in which some people share another's full name."""
        people: list[RosterPerson] = []
        for number in range(size):
            person = self.person(number)
            if people and self.rng.random() < shared_fraction:
                twin = self.rng.choice(people)
                person = RosterPerson(
                    **{**_fields(person), "full_name": twin.full_name, "aliases": twin.aliases}
                )
            people.append(person)
        return people

    # --- text pieces -------------------------------------------------------
    def prose(self, words: int) -> str:
        """Return background prose with numbers, dates and ordinary names."""
        rng = self.rng
        out: list[str] = []
        while len(out) < words:
            roll = rng.random()
            # About 3% numeric tokens (dates, counts, prices), as in news prose.
            if roll < 0.01:
                out.append(f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1990, 2030)}")
            elif roll < 0.025:
                out.append(str(rng.randint(1, 5000)))
            elif roll < 0.03:
                out.append(f"${rng.randint(1, 999)}.{rng.randint(0, 99):02d}")
            else:
                out.append(rng.choice(_PROSE))
            if rng.random() < 0.08:
                out[-1] += "."
        text = " ".join(out)
        return text[0].upper() + text[1:] + "."

    def business_listing(self) -> str:
        """Return a business listing: address and phone that are on no roster."""
        faker = self.faker_en
        name = f"{faker.last_name()} {self.rng.choice(_BUSINESS_KINDS)}"
        return (
            f"{name}\n{faker.street_address()}\n{faker.city()}, {faker.state_abbr()} "
            f"{faker.zipcode()}\nTel: {self.phone()}  Open Mon-Sat 9-6"
        )

    def stranger_name(self) -> str:
        """Return a name drawn from the same pools as the roster (homonyms happen)."""
        faker = self.faker_es if self.rng.random() < 0.3 else self.faker_en
        return f"{faker.first_name()} {faker.last_name()}"


def _fields(person: RosterPerson) -> dict[str, object]:
    return {name: getattr(person, name) for name in person.__slots__}  # type: ignore[attr-defined]


def format_phone(digits: str, rng: random.Random) -> str:
    """Write 10 digits in one of the common US formats."""
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return rng.choice(
        (
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"{a} {b} {c}",
            f"{a}{b}{c}",
            f"+1 {a} {b} {c}",
            f"1-{a}-{b}-{c}",
            f"+1 ({a}) {b}-{c}",
            f"({a}){b}-{c}",
            f"+1-{a}-{b}-{c}",
        )
    )


def ocr_noise(text: str, rate: float, rng: random.Random) -> str:
    """Apply OCR-style confusions to about `rate` of the characters."""
    out: list[str] = []
    for char in text:
        if rng.random() < rate:
            if char in OCR_CONFUSIONS:
                out.append(OCR_CONFUSIONS[char])
                continue
            if char == "m":
                out.append("rn")
                continue
            if char == " " and rng.random() < 0.5:
                out.append("\n")
                continue
        out.append(char)
    return "".join(out)


def one_ocr_error(value: str, rng: random.Random) -> str | None:
    """Return the value with exactly one OCR confusion, or None if none applies."""
    positions = [i for i, char in enumerate(value) if char in OCR_CONFUSIONS or char == "m"]
    if not positions:
        return None
    i = rng.choice(positions)
    replacement = "rn" if value[i] == "m" else OCR_CONFUSIONS[value[i]]
    return value[:i] + replacement + value[i + 1 :]


def iter_background(synthetic: Synthetic, total_chars: int) -> Iterator[str]:
    """Yield clean background documents (prose, listings, homonym names)."""
    produced = 0
    rng = synthetic.rng
    while produced < total_chars:
        parts = [synthetic.prose(rng.randint(60, 400))]
        if rng.random() < 0.3:
            parts.append(synthetic.business_listing())
        if rng.random() < 0.3:
            parts.append(f"{synthetic.stranger_name()} said {synthetic.prose(20)}")
        text = "\n\n".join(parts)
        produced += len(text)
        yield text
