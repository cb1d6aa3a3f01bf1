"""Database triggers that make the audit and disclosure tables append-only.

28 CFR 23.20(g)(3): information cannot be "modified, destroyed ... without authorization". The
application never updates or deletes these rows; the triggers make sure nothing else does either,
including raw SQL and bulk ORM calls.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_disclosurerecord")
# Append-only tables of other apps, whose own migrations install the same triggers; `flush` lifts
# and restores them with the audit tables (evidence: the chain of custody, legal-controls C-38).
OTHER_APPEND_ONLY_TABLES = ("evidence_custodyevent",)


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
    ]


def _postgres_statements(table: str) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION custos_refuse_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END; $$ LANGUAGE plpgsql;",
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION custos_refuse_change();",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change();",
    ]


def install(connection: BaseDatabaseWrapper, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> None:
    """Create the append-only triggers on the given tables."""
    with connection.cursor() as cursor:
        for table in tables:
            statements = (
                _postgres_statements(table)
                if connection.vendor == "postgresql"
                else _sqlite_statements(table)
            )
            for statement in statements:
                cursor.execute(statement)


def uninstall(
    connection: BaseDatabaseWrapper, tables: tuple[str, ...] = APPEND_ONLY_TABLES
) -> None:
    """Drop the append-only triggers (for `flush` outside production, and for tamper tests)."""
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
