"""`custos evidence add|verify|export|sweep`: the evidence locker from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from accounts.models import User
from evidence import fixity
from evidence.bagexport import evidence_export_bag
from evidence.models import EvidenceItem
from evidence.services import evidence_ingest
from evidence.storage import StorageError
from evidence.streaming import EvidenceRefused


class _Progress:
    """A read-only file wrapper that advances a progress bar as bytes are read.

    It hides the descriptor on purpose, so ingest streams through Python chunk by chunk and the
    bar moves (a regular file would otherwise be copied by the kernel in one call).
    """

    def __init__(self, handle: Any, bar: tqdm) -> None:
        self._handle, self._bar = handle, bar

    def readinto(self, buffer: Any) -> int:
        count = self._handle.readinto(buffer)
        self._bar.update(count or 0)
        return count


class Command(BaseCommand):
    help = "Add files to an incident's evidence, verify stored originals, export a BagIt bag."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add files as evidence to an incident.")
        add.add_argument("incident", help="Incident reference or id.")
        add.add_argument("files", nargs="+", type=Path)
        add.add_argument("--as", dest="username", required=True, help="Who is adding them.")
        add.add_argument("--statement", default="", help="The collector's statement.")
        add.add_argument("--no-progress", action="store_true")
        verify = sub.add_parser("verify", help="Re-hash stored originals (fixity check).")
        verify.add_argument("--sample", type=int, help="Check only N random originals.")
        verify.add_argument("--time-budget", type=float, help="Stop starting checks after S s.")
        verify.add_argument("--due", action="store_true", help="Only those not checked in 90 days.")
        export = sub.add_parser(
            "export", help="Write an incident's or a case's evidence as a BagIt bag."
        )
        export.add_argument("incident", help="Incident reference or id, or a case reference.")
        export.add_argument("--out", type=Path, required=True)
        export.add_argument("--as", dest="username", required=True)
        for name in ("recipient", "agency", "purpose", "legal-basis"):
            export.add_argument(f"--{name}", required=True)
        sub.add_parser(
            "sweep",
            help="Remove partial and expired resumable uploads and unreferenced stored objects.",
        )
        sub.add_parser("schedule", help="Queue the daily fixity check and clean-up (db_worker).")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user

    def _incident(self, key: str, user: User) -> Any:
        from incidents.selectors import incidents_visible_to

        incidents = incidents_visible_to(user)
        incident = incidents.filter(reference=key).first()
        if incident is None and key.isdigit():
            incident = incidents.filter(pk=int(key)).first()
        if incident is None:
            raise CommandError(f"No incident {key!r} that {user.username} may see.")
        return incident

    def _add(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        incident = self._incident(options["incident"], user)
        failures = 0
        for path in options["files"]:
            if not path.is_file():
                self.stderr.write(f"{path}: not a file")
                failures += 1
                continue
            with (
                open(path, "rb") as handle,
                tqdm(
                    total=path.stat().st_size,
                    unit="B",
                    unit_scale=True,
                    desc=path.name,
                    disable=options["no_progress"],
                    file=self.stderr,
                ) as bar,
            ):
                try:
                    item = evidence_ingest(
                        incident=incident,
                        fileobj=_Progress(handle, bar),
                        filename=path.name,
                        actor=user,
                        collected_by_statement=options["statement"],
                        source=EvidenceItem.Source.COMMAND_LINE,
                    )
                except EvidenceRefused as refused:
                    self.stderr.write(f"{path}: refused ({refused.code}): {refused.message}")
                    failures += 1
                    continue
                except PermissionDenied as error:
                    raise CommandError(str(error) or "Not permitted.") from error
            self.stdout.write(f"{path}: item {item.pk} sha256 {item.blob.sha256}")
        if failures:
            raise CommandError(f"{failures} file(s) were not added.")

    def _verify(self, options: dict[str, Any]) -> None:
        report = fixity.fixity_check(
            sample=options["sample"], time_budget=options["time_budget"], due_only=options["due"]
        )
        self.stdout.write(json.dumps(report.as_dict(), indent=2))
        if report.mismatched or report.missing:
            raise CommandError(
                f"Fixity failure: {len(report.mismatched)} changed, {len(report.missing)} missing."
            )

    def _case(self, key: str, user: User) -> Any:
        """A case the user may see, by its reference (CASE-…); None if the key names none."""
        from cases.selectors import cases_visible_to

        return cases_visible_to(user).filter(reference__iexact=key.strip()).first()

    def _export(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        key = options["incident"]
        case = self._case(key, user) if key.upper().startswith("CASE-") else None
        if key.upper().startswith("CASE-") and case is None:
            raise CommandError(f"No case {key!r} that {user.username} may see.")
        scope = {"case": case} if case else {"incident": self._incident(key, user)}
        try:
            bag = evidence_export_bag(
                **scope,
                out_dir=options["out"],
                actor=user,
                recipient=options["recipient"],
                agency=options["agency"],
                purpose=options["purpose"],
                legal_basis=options["legal_basis"],
            )
        except PermissionDenied as error:
            raise CommandError(str(error) or "Not permitted.") from error
        except (ValueError, StorageError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Bag written: {bag} (validate in full: bagit.py --validate {bag})")

    def _schedule(self, options: dict[str, Any]) -> None:
        from evidence import tasks

        for task_object, name in (
            (tasks.fixity_scheduled, "fixity_scheduled"),
            (tasks.cleanup_partials, "cleanup_partials"),
        ):
            if tasks._pending(name):
                self.stdout.write(f"{name}: already queued")
            else:
                task_object.enqueue()
                self.stdout.write(f"{name}: queued; it re-queues itself daily")

    def _sweep(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(fixity.sweep_orphans()))
