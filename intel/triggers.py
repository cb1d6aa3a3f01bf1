"""Database triggers that keep a recipient notice as it was written (28 CFR 23.20(g)(3), (h)).

A `RecipientNotice` is part of the dissemination accounting: who was told of a correction or a
purge, and on which release. It cannot be fully append-only like the audit tables
(audit/triggers.py), because two columns legitimately change after creation:

- `sent_at`, once, from empty to the time the email went (intel.services.recipient_notice_send);
- `subject_id`, once, to NULL when the subject is purged (the FK is SET_NULL; the notice keeps
  `subject_number` and the tombstone).

Everything else is immutable, and no row is ever deleted. The triggers refuse any other UPDATE and
every DELETE, from any client, raw SQL and bulk ORM calls included. TRUNCATE is left alone (the
test-only `flush` empties tables with it on PostgreSQL); `flush` outside production lifts these
triggers and puts them back (audit/management/commands/flush.py), as SQLite's flush uses DELETE.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "intel_recipientnotice"

# Every column but the two that may change (see above). A new column is immutable unless it is
# added here on purpose: the test in intel/tests/test_recipient_notice_guard.py compares this
# list with the model.
IMMUTABLE_COLUMNS = (
    "id",
    "subject_number",
    "tombstone",
    "office_id",
    "disclosure_id",
    "recipient",
    "agency_name",
    "agency_id",
    "kind",
    "changed_fields",
    "email",
    "created_by_id",
    "created_at",
)
MUTABLE_COLUMNS = ("sent_at", "subject_id")

_MESSAGE = "intel_recipientnotice keeps what was written (28 CFR 23.20(h))"


def _postgres_statements() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in IMMUTABLE_COLUMNS)
    return [
        f"""
        CREATE OR REPLACE FUNCTION intel_recipient_notice_guard() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{_MESSAGE}: rows are never deleted'
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          IF {changed}
             OR (OLD.sent_at IS NOT NULL AND NEW.sent_at IS DISTINCT FROM OLD.sent_at)
             OR (NEW.subject_id IS DISTINCT FROM OLD.subject_id AND NEW.subject_id IS NOT NULL)
          THEN
            RAISE EXCEPTION '{_MESSAGE}: only sent_at (once) and the purged subject may change'
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql;
        """,
        f"""
        CREATE OR REPLACE TRIGGER {TABLE}_guard BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION intel_recipient_notice_guard();
        """,
    ]


def _sqlite_statements() -> list[str]:
    # SQLite has no IS DISTINCT FROM; `IS NOT` is its null-safe inequality.
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in IMMUTABLE_COLUMNS)
    return [
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_change BEFORE UPDATE ON {TABLE} "
        f"WHEN {changed} "
        "OR (OLD.sent_at IS NOT NULL AND NEW.sent_at IS NOT OLD.sent_at) "
        "OR (NEW.subject_id IS NOT OLD.subject_id AND NEW.subject_id IS NOT NULL) "
        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: only sent_at (once) and the purged subject "
        "may change'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: rows are never deleted'); END;",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the recipient-notice guard triggers."""
    statements = (
        _postgres_statements() if connection.vendor == "postgresql" else _sqlite_statements()
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the guard triggers (a `flush` outside production, and tamper tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_change")
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
