"""`custos exposure import-roster FILE.csv`: parse and load the protected roster, all or nothing.

Header (exactly): id,full_name,aliases,addresses,phones,emails,plates,relatives,office
Multi-values are separated by "|"; relatives are written "Name:relation". Rows are matched by
id, so importing the same file twice changes nothing. Any bad row stops the whole import, and
the error names its row (the file's line number) and column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import FieldOffice
from exposure.services import RosterValues, person_save, values_errors

HEADER = [
    "id",
    "full_name",
    "aliases",
    "addresses",
    "phones",
    "emails",
    "plates",
    "relatives",
    "office",
]
# The CSV column that holds each RosterValues field, for error messages.
_COLUMN = {
    "full_name": "full_name",
    "aliases": "aliases",
    "addresses": "addresses",
    "phones": "phones",
    "emails": "emails",
    "plates": "plates",
    "relatives": "relatives",
}


class RosterImportError(Exception):
    """A bad roster file; nothing was imported."""

    def __init__(self, line: int, column: str, message: str) -> None:
        self.line, self.column, self.message = line, column, message
        super().__init__(f"row {line}, column {column}: {message}")


@dataclass
class RosterRow:
    line: int
    roster_id: str
    office: FieldOffice
    values: RosterValues


def _split(cell: str) -> list[str]:
    return [item.strip() for item in (cell or "").split("|") if item.strip()]


def parse_roster(lines: Iterable[str]) -> list[RosterRow]:
    """Parse and validate every row; raise RosterImportError on the first bad one."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise RosterImportError(1, "header", "the file is empty")
    if [name.strip().lstrip("\ufeff") for name in header] != HEADER:
        raise RosterImportError(1, "header", "expected exactly " + ",".join(HEADER))
    offices = {office.code: office for office in FieldOffice.objects.all()}
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(HEADER):
            raise RosterImportError(
                line, "(row)", f"expected {len(HEADER)} columns, got {len(cells)}"
            )
        cell = dict(zip(HEADER, cells, strict=True))
        roster_id = cell["id"].strip()
        if not roster_id:
            raise RosterImportError(line, "id", "an id is required")
        if len(roster_id) > 64:
            raise RosterImportError(line, "id", "ids are at most 64 characters")
        if roster_id in seen:
            raise RosterImportError(
                line, "id", f"id {roster_id!r} is repeated (row {seen[roster_id]})"
            )
        seen[roster_id] = line
        office = offices.get(cell["office"].strip())
        if office is None:
            raise RosterImportError(line, "office", f"no field office with code {cell['office']!r}")
        relatives = []
        for item in _split(cell["relatives"]):
            name, _, relation = item.partition(":")
            if not name.strip() or not relation.strip():
                raise RosterImportError(
                    line, "relatives", f"write relatives as Name:relation, not {item!r}"
                )
            relatives.append({"name": name.strip(), "relation": relation.strip()})
        values = RosterValues(
            full_name=cell["full_name"].strip(),
            aliases=_split(cell["aliases"]),
            addresses=_split(cell["addresses"]),
            phones=_split(cell["phones"]),
            emails=_split(cell["emails"]),
            plates=_split(cell["plates"]),
            relatives=relatives,
        )
        errors = values_errors(values)
        if errors:
            field_name, message = next(iter(errors.items()))
            raise RosterImportError(line, _COLUMN[field_name], message)
        rows.append(RosterRow(line=line, roster_id=roster_id, office=office, values=values))
    return rows


@transaction.atomic
def import_roster(lines: Iterable[str], *, synthetic: bool = False) -> tuple[int, int]:
    """Import a roster file in one transaction; return (created, updated)."""
    created = updated = 0
    for row in parse_roster(lines):
        try:
            _person, was_created = person_save(
                actor=None,
                roster_id=row.roster_id,
                office=row.office,
                values=row.values,
                synthetic=synthetic,
            )
        except ValidationError as error:  # pragma: no cover - parse_roster validates first
            raise RosterImportError(row.line, "(row)", "; ".join(error.messages)) from error
        created += was_created
        updated += not was_created
    return created, updated
