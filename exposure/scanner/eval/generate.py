"""Generate the labelled evaluation set (SYNTHETIC TEST DATA, fixed seed).

    python -m exposure.scanner.eval.generate [--people 400] [--seed 2024] [--out DIR]

Writes ``roster.jsonl``, ``documents.jsonl`` (each with ``expected``: the
roster ids it exposes) and ``ocr_single.jsonl`` (one identifier with exactly
one OCR confusion per document). No real person's data is used.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exposure.scanner.identifiers import ENGLISH_ADDRESS, SPANISH_ADDRESS
from exposure.scanner.normalise import fold
from exposure.scanner.roster import RosterPerson
from exposure.scanner.vocabulary import given_name_variants

from .synthetic import Synthetic, iter_background, ocr_noise, one_ocr_error

HERE = Path(__file__).parent

EN_FLYER = (
    "KNOW YOUR NEIGHBOR! {name} works for the agency. {details} Let them know how you feel.",
    "ATTENTION: {name} {details} Share this flyer.",
    "{name} -- {details} Posted by the neighborhood group.",
)
ES_FLYER = (
    "¡CONOZCA A SU VECINO! {name} trabaja para la agencia. {details} Compártalo.",
    "ATENCIÓN: {name}. {details} Difunda este volante.",
)
EN_DETAILS = {
    "address": ("Lives at {v}.", "Home: {v}", "address {v}"),
    "phone": ("Call {v}.", "Cell: {v}", "phone number {v}"),
    "email": ("Email: {v}", "write to {v}", "personal email {v}"),
    "plate": ("Drives a gray sedan, plate {v}.", "Car tag {v}.", "Vehicle: {v}"),
}
ES_DETAILS = {
    "address": ("Vive en {v}.", "Domicilio: {v}", "dirección {v}"),
    "phone": ("Llámele al {v}.", "Tel: {v}", "celular {v}"),
    "email": ("Correo: {v}", "escríbale a {v}"),
    "plate": ("Maneja un carro gris, placas {v}.", "Placa {v}."),
}


def name_form(person: RosterPerson, synthetic: Synthetic) -> str:
    """Return the person's name in one of the ways flyers write it."""
    rng = synthetic.rng
    parts = person.full_name.split()
    given, family = parts[0], " ".join(parts[-2:]) if len(parts) >= 4 else parts[-1]
    nicknames = sorted(given_name_variants(given) - {given.lower()})
    choice = rng.randint(0, 5)
    if choice == 1 and nicknames:
        given = rng.choice(nicknames).title()
    if choice == 2:
        return f"{family.upper()}, {given}"
    if choice == 3:
        return f"{given} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {family}"
    if choice == 4:
        return f"{given} {family}".upper()
    return f"{given} {family}"


def email_form(email: str, synthetic: Synthetic, spanish: bool) -> str:
    """Return an e-mail, sometimes spelled out to dodge filters."""
    local, domain = email.split("@")
    dotted = domain.replace(".", " dot ")
    forms = [
        email,
        f"{local} at {dotted}",
        f"{local} (at) {domain.replace('.', ' [dot] ')}",
        f"{local} [at] {domain}",
    ]
    if spanish:
        forms.append(f"{local} arroba {domain.replace('.', ' punto ')}")
    return synthetic.rng.choice(forms)


def street_of(address: str) -> str | None:
    """Return "Maple Avenue" from "1423 Maple Avenue, ..." (for street-only mentions)."""
    folded = fold(address)
    match = ENGLISH_ADDRESS.search(folded)
    if match:
        return address[match.start(2) : match.end(3)].strip(" ,")
    match = SPANISH_ADDRESS.search(folded)
    if match:
        return address[match.start(1) : match.end(2)].strip(" ,")
    return None


def flyer(person: RosterPerson, synthetic: Synthetic, spanish: bool, kinds: list[str]) -> str:
    """Return a flyer naming the person with the given identifier kinds."""
    rng = synthetic.rng
    details_table = ES_DETAILS if spanish else EN_DETAILS
    details = []
    for kind in kinds:
        value = {
            "address": person.addresses[0],
            "phone": rng.choice(person.phones),
            "email": email_form(person.emails[0], synthetic, spanish),
            "plate": person.plates[0],
        }[kind]
        details.append(rng.choice(details_table[kind]).format(v=value))
    template = rng.choice(ES_FLYER if spanish else EN_FLYER)
    return template.format(name=name_form(person, synthetic), details=" ".join(details))


def relative_post(person: RosterPerson, synthetic: Synthetic) -> str:
    """Return a post naming the person with a relative (weak identifier)."""
    rng = synthetic.rng
    relative = rng.choice(person.relative_list())
    relative_name = relative.name if rng.random() < 0.5 else relative.name.split()[0]
    return rng.choice(
        (
            "{name} and his {rel} {r} were seen at the school again.",
            "We know where {name} hangs out with {r} ({rel}).",
            "{name} y su familia: {r}. Ya saben quiénes son.",
        )
    ).format(name=name_form(person, synthetic), rel=relative.relation, r=relative_name)


def news_story(people: list[RosterPerson], synthetic: Synthetic) -> str:
    """Return a news story that names officers but holds none of their PII."""
    rng = synthetic.rng
    lines = [synthetic.prose(rng.randint(40, 120))]
    for person in people:
        lines.append(
            rng.choice(
                (
                    "Officer {n}, badge {b}, said the investigation is ongoing.",
                    "According to Agent {n} (badge #{b}), the suspect fled on foot.",
                    "El agente {n}, placa {b}, declaró ante el juez.",
                )
            ).format(n=name_form(person, synthetic), b=rng.randint(100, 99999))
        )
    lines.append(
        f"The field office is at {synthetic.faker_en.street_address()}; the press line is "
        f"{synthetic.phone()}."
    )
    lines.append(synthetic.prose(rng.randint(40, 120)))
    return " ".join(lines)


def documents(roster: list[RosterPerson], synthetic: Synthetic) -> Iterator[dict[str, Any]]:
    """Yield labelled documents covering every rule and text kind."""
    rng = synthetic.rng
    by_name: dict[str, list[RosterPerson]] = {}
    for person in roster:
        by_name.setdefault(person.full_name, []).append(person)
    number = 0

    def emit(text: str, expected: list[str], category: str) -> dict[str, Any]:
        nonlocal number
        number += 1
        return {
            "id": f"D{number:05d}",
            "text": text,
            "expected": sorted(set(expected)),
            "category": category,
        }

    for person in roster:
        kinds = rng.sample(["address", "phone", "email", "plate"], rng.randint(1, 3))
        spanish = rng.random() < 0.35
        text = flyer(person, synthetic, spanish, kinds)
        yield emit(text, [person.id], "flyer_es" if spanish else "flyer_en")
        if rng.random() < 0.5:
            noisy = ocr_noise(text, rng.uniform(0.01, 0.04), rng)
            yield emit(noisy, [person.id], "flyer_ocr")
        if rng.random() < 0.4:
            yield emit(relative_post(person, synthetic), [person.id], "name_relative")
        street = street_of(person.addresses[0])
        if street and rng.random() < 0.3:
            yield emit(
                f"{name_form(person, synthetic)} lives on {street}, right by the park.",
                [person.id],
                "name_street",
            )
        if rng.random() < 0.3:
            yield emit(news_story([person], synthetic), [], "news")
    for people in by_name.values():
        if len(people) > 1:
            target = rng.choice(people)
            text = flyer(target, synthetic, False, [rng.choice(["phone", "email", "address"])])
            yield emit(text, [target.id], "shared_name")
    for _ in range(len(roster) // 4):
        group = rng.sample(roster, rng.randint(2, 4))
        lines = [
            flyer(p, synthetic, False, rng.sample(["address", "phone", "email", "plate"], 1))
            for p in group
        ]
        yield emit("\n".join(lines), [p.id for p in group], "multi_person")
    for _ in range(len(roster) // 4):
        yield emit(synthetic.business_listing(), [], "business")
    for text in iter_background(synthetic, 400 * len(roster)):
        yield emit(text, [], "background")


def ocr_single(roster: list[RosterPerson], synthetic: Synthetic) -> Iterator[dict[str, Any]]:
    """Yield documents holding one identifier with exactly one OCR confusion."""
    rng = synthetic.rng
    for number, person in enumerate(roster):
        kind = rng.choice(["address", "phone", "email", "plate", "name"])
        if kind == "name":
            relative = person.relative_list()[0]
            damaged = one_ocr_error(name_form(person, synthetic), rng)
            text = f"{damaged} lives with {relative.name}." if damaged else None
        else:
            value = {
                "address": person.addresses[0],
                "phone": person.phones[0],
                "email": person.emails[0],
                "plate": person.plates[0],
            }[kind]
            damaged = one_ocr_error(value, rng)
            text = f"Posted on the wall: {damaged} -- you know who." if damaged else None
        if text:
            yield {"id": f"O{number:05d}", "text": text, "expected": [person.id], "kind": kind}


def person_to_json(person: RosterPerson) -> dict[str, Any]:
    """Return a roster person as a JSON-ready dict."""
    data = dataclasses.asdict(person)
    data["relatives"] = [[relative.name, relative.relation] for relative in person.relative_list()]
    return data


def person_from_json(data: dict[str, Any]) -> RosterPerson:
    """Rebuild a roster person from ``person_to_json`` output."""
    fields = dict(data)
    for name in ("aliases", "addresses", "phones", "emails", "plates", "ssns"):
        fields[name] = tuple(fields.get(name, ()))
    fields["relatives"] = tuple(tuple(item) for item in fields.get("relatives", ()))
    return RosterPerson(**fields)


def generate(people: int, seed: int, out: Path) -> None:
    """Write the evaluation files."""
    synthetic = Synthetic(seed)
    roster = synthetic.roster(people)
    out.mkdir(parents=True, exist_ok=True)
    header = {"comment": "SYNTHETIC TEST DATA - no real person", "seed": seed, "people": people}
    with open(out / "roster.jsonl", "w", encoding="utf-8") as handle:
        handle.write(json.dumps(header) + "\n")
        for person in roster:
            handle.write(json.dumps(person_to_json(person), ensure_ascii=False) + "\n")
    for name, rows in (
        ("documents.jsonl", documents(roster, synthetic)),
        ("ocr_single.jsonl", ocr_single(roster, synthetic)),
    ):
        with open(out / name, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(header) + "\n")
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    """Parse arguments and write the evaluation set."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=HERE / "data")
    arguments = parser.parse_args()
    generate(arguments.people, arguments.seed, arguments.out)


if __name__ == "__main__":
    main()
