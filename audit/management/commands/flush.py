"""`flush` that respects the append-only tables.

Outside production it lifts the append-only triggers for the flush and puts them back (tests and
local resets need it). In production it refuses: the audit log is never emptied (28 CFR
23.20(g)(3); 44 U.S.C. 3106).
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from audit import triggers
from intel import triggers as intel_triggers


class Command(DjangoFlush):
    def handle(self, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("flush is disabled in production: the audit log is append-only.")
        connection = connections[str(options.get("database") or "default")]
        tables = triggers.APPEND_ONLY_TABLES + triggers.OTHER_APPEND_ONLY_TABLES
        # The recipient-notice guard (intel migration 0007) refuses DELETE, which is how flush
        # empties tables on SQLite; it is lifted and restored with the audit triggers.
        notices_guarded = intel_triggers.TABLE in connection.introspection.table_names()
        triggers.uninstall(connection, tables)
        if notices_guarded:
            intel_triggers.uninstall(connection)
        try:
            super().handle(**options)
        finally:
            triggers.install(connection, tables)
            if notices_guarded:
                intel_triggers.install(connection)
