"""`custos screen FILE.jsonl`: a bulk dry run of conduct screening. It stores nothing.

Each input line: {"id": "...", "conduct": ["..."], "narrative": "..."}, optionally with
"victims": [{"relation": "officer" | "family" | "employee" | "other"}, ...]; the relations limit
the offenses (18 U.S.C. 115(a)(1)(A) needs a victim who is a family member of an officer, so a
line without one never lists it).
Each output line: {"id": "...", "outcome": "...", "reasons": [...], "offenses_allowed": [...]};
a line that cannot be screened gives {"id": ..., "line": N, "error": "..."} and the run goes on.
The exit status is 1 when any line had an error. Use "-" to read standard input.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from incidents import screening
from incidents.models import Victim


def screen_line(raw: str, number: int) -> dict[str, Any]:
    """Screen one JSON line; return the output record (with "error" when it cannot)."""
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"not valid JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "line": number, "error": "each line must be a JSON object"}
    ident = item.get("id")
    conduct = item.get("conduct")
    narrative = item.get("narrative", "")
    if not isinstance(conduct, list) or not all(isinstance(c, str) for c in conduct):
        return {"id": ident, "line": number, "error": '"conduct" must be a list of codes'}
    if not isinstance(narrative, str):
        return {"id": ident, "line": number, "error": '"narrative" must be text'}
    victims = item.get("victims", [])
    if not isinstance(victims, list) or not all(
        isinstance(v, dict) and isinstance(v.get("relation", ""), str) for v in victims
    ):
        return {"id": ident, "line": number, "error": '"victims" must be a list of objects'}
    relations = [v.get("relation") or "other" for v in victims]
    unknown = sorted(set(relations) - set(Victim.Relation.values))
    if unknown:
        return {"id": ident, "line": number, "error": f"unknown relation: {', '.join(unknown)}"}
    try:
        result = screening.screen(conduct, narrative, relations)
    except screening.UnknownConduct as exc:
        return {"id": ident, "line": number, "error": str(exc)}
    return {
        "id": ident,
        "outcome": result.outcome,
        "reasons": result.reasons,
        "offenses_allowed": result.offenses_allowed,
    }


class Command(BaseCommand):
    help = "Screen incidents from a JSON Lines file without storing anything (a dry run)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="JSON Lines file, or - for standard input")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        errors = 0
        with stream:
            for number, raw in enumerate(stream, start=1):
                if not raw.strip():
                    continue
                record = screen_line(raw, number)
                errors += "error" in record
                self.stdout.write(json.dumps(record, ensure_ascii=False))
        if errors:
            self.stderr.write(f"{errors} line(s) could not be screened")
            raise SystemExit(1)
