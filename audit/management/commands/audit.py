"""`custos audit verify`: walk the hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` walks the hash chain and reports the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK {report.events} events")
            return
        broken = report.first_break
        assert broken is not None
        self.stderr.write(
            f"BROKEN at event {broken.event_id}: {broken.field} expected {broken.expected} "
            f"found {broken.found}"
        )
        raise CommandError("audit chain broken", returncode=1)
