"""`flush` (tests and local resets) lifts the recipient-notice guard and puts it back.

intel/triggers.py refuses every DELETE on intel_recipientnotice (28 CFR 23.20(g)(3), (h)). On
SQLite `flush` empties tables with DELETE, so without lifting the guard a transactional test that
had created a notice failed at its teardown flush. On PostgreSQL `flush` uses TRUNCATE, which the
guard does not watch; the command lifts and restores the guard there as well. Synthetic data only.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from cases.tests.factories import correction_notice
from intel import triggers
from intel.models import RecipientNotice

pytestmark = pytest.mark.django_db(transaction=True)


def _guard_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = %s::regclass",
                [triggers.TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [triggers.TABLE],
            )
        return {row[0] for row in cursor.fetchall()}


def test_a_transactional_test_with_a_notice_ends_with_a_clean_flush(world):
    # The test itself is the teardown: pytest-django flushes after it (this errored on SQLite).
    assert correction_notice(world).pk


def test_flush_empties_the_notices_and_puts_the_guard_back(world):
    correction_notice(world)
    guard = _guard_triggers()
    assert guard

    call_command("flush", interactive=False, verbosity=0)

    assert not RecipientNotice.objects.exists()
    assert _guard_triggers() == guard
