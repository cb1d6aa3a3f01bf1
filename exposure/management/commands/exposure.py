"""`custos exposure` subcommands.

import-roster FILE.csv | scan FILE.jsonl [--out FILE] [--alert] | scan-evidence [ID...] | rotate
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit.services import audit_record
from exposure import scanning
from exposure.models import ExposureAlert
from exposure.roster_import import RosterImportError, import_roster
from exposure.scanner import scan_jsonl
from exposure.services import alerts_raise, evidence_scan, roster_rotate_keys


class Command(BaseCommand):
    help = "Exposure protection: import the roster, scan a JSONL file, rotate roster keys."

    def add_arguments(self, parser: Any) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        roster = commands.add_parser("import-roster", help="Import the protected roster (CSV).")
        roster.add_argument("file")
        roster.add_argument("--synthetic", action="store_true", help="Mark entries as test data.")
        scan = commands.add_parser("scan", help='Scan lines {"id": ..., "text": ...}.')
        scan.add_argument("file")
        scan.add_argument("--out", help="Write results here instead of stdout.")
        scan.add_argument(
            "--alert",
            action="store_true",
            help="Also raise alerts (once per person and document) for the exposures found.",
        )
        evidence = commands.add_parser(
            "scan-evidence",
            help="Scan evidence items' OCR text against the roster (all, or the ids given).",
        )
        evidence.add_argument("ids", nargs="*", type=int)
        commands.add_parser(
            "rotate",
            help="Re-encrypt roster values under the first FIELD_ENCRYPTION_KEYS key and rehash.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)

    def _import_roster(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                created, updated = import_roster(handle, synthetic=options["synthetic"])
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text. Nothing was imported.") from error
        except RosterImportError as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from error
        self.stderr.write(f"Roster imported: {created} created, {updated} updated.")

    def _scan(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}.")
        scanner = scanning.current_scanner()
        total = path.stat().st_size
        # The progress bar goes to stderr, and only on a terminal: stdout carries results only.
        bar = tqdm(
            total=total, unit="B", unit_scale=True, disable=not sys.stderr.isatty(), file=sys.stderr
        )
        out = open(options["out"], "w", encoding="utf-8") if options["out"] else sys.stdout  # noqa: SIM115
        lines = None
        try:
            with path.open(encoding="utf-8") as handle:
                lines = _Progress(handle, bar)
                if options["alert"]:
                    count = self._scan_and_alert(lines, out, scanner, path.name)
                else:
                    count = scan_jsonl(lines, out, scanner)
        except (ValueError, UnicodeDecodeError) as error:
            where = f"line {lines.line}" if lines is not None else "the file"
            raise CommandError(
                f'{path}, {where}: not a JSON line {{"id": ..., "text": ...}}: {error}'
            ) from error
        finally:
            bar.close()
            if options["out"]:
                out.close()
        audit_record(
            actor=None,
            verb="exposure.scan_bulk",
            data={"file": path.name, "documents": count},
            actor_label="system",
        )

    def _scan_and_alert(self, lines: Any, out: Any, scanner: Any, name: str) -> int:
        count = 0
        for line in lines:
            if not line.strip():
                continue
            document = json.loads(line)
            if not isinstance(document, dict):
                raise ValueError("each line must be a JSON object")
            result = scanner.scan(document.get("text") or "", document.get("id"))
            out.write(json.dumps(result.as_dict(include_mentions=False)) + "\n")
            if result.exposures:
                alerts_raise(
                    result=result,
                    source_type=ExposureAlert.SourceType.BULK,
                    source_key=f"{name}:{document.get('id')}"[:128],
                    source_label=f"bulk file {name}, document {document.get('id')}"[:200],
                    actor=None,
                )
            count += 1
        return count

    def _scan_evidence(self, options: dict[str, Any]) -> None:
        # Re-scanning is safe: alerts are unique per (person, source). Run it after a roster
        # import so people added later learn of flyers already in the locker.
        from evidence.models import EvidenceItem

        items = EvidenceItem.objects.exclude(ocr_text="", transcript="")
        if options["ids"]:
            items = items.filter(pk__in=options["ids"])
        new = 0
        for item_id in items.order_by("pk").values_list("pk", flat=True).iterator():
            new += len(evidence_scan(item_id=item_id))
        self.stderr.write(f"New alerts: {new}.")

    def _rotate(self, options: dict[str, Any]) -> None:
        count = roster_rotate_keys()
        self.stderr.write(f"Re-encrypted and rehashed {count} roster entries.")


class _Progress:
    """Iterate a file's lines, advancing a progress bar by their size (streams: one at a time)."""

    def __init__(self, handle: Any, bar: tqdm) -> None:
        self.handle, self.bar, self.line = handle, bar, 0

    def __iter__(self) -> Any:
        for line in self.handle:
            self.line += 1
            self.bar.update(len(line.encode()))
            yield line
