"""The audit chain: append-only in the database, and `audit verify` finds tampering."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts.roles import Role
from audit import triggers
from audit.chain import verify_chain
from audit.models import AuditEvent, DisclosureRecord
from audit.services import audit_record, disclosure_record
from common.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(office_a):
    actor = make_user(office_a, Role.ANALYST)
    return [
        audit_record(
            actor=actor, verb="test.event", target=actor, reason=f"synthetic {i}", data={"n": i}
        )
        for i in range(5)
    ]


def _refused(sql: str, params: list | None = None) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    except DatabaseError:
        return True
    return False


def test_each_event_hash_covers_the_previous_one(events):
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
    report = verify_chain()
    assert report.ok and report.events == AuditEvent.objects.count()


def test_update_and_delete_of_audit_rows_are_refused(events):
    target = events[2].pk
    assert _refused("UPDATE audit_auditevent SET reason = 'edited' WHERE id = %s", [target])
    assert _refused("DELETE FROM audit_auditevent WHERE id = %s", [target])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=target).update(verb="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=target).delete()
    assert AuditEvent.objects.get(pk=target).reason == "synthetic 2"


@pytest.mark.postgres
def test_truncate_of_the_audit_table_is_refused_on_postgresql(events):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE triggers exist on PostgreSQL only")
    assert _refused("TRUNCATE audit_auditevent CASCADE")


def test_disclosure_records_are_append_only(office_a):
    actor = make_user(office_a, Role.SUPERVISOR)
    record = disclosure_record(
        released_by=actor,
        recipient="Synthetic Liaison",
        agency="Synthetic Partner Agency",
        purpose="test release",
        legal_basis="test",
        released={"incident": [1]},
    )
    assert _refused("UPDATE audit_disclosurerecord SET purpose = 'x' WHERE id = %s", [record.pk])
    assert _refused("DELETE FROM audit_disclosurerecord WHERE id = %s", [record.pk])
    assert record.audit_event.verb == "disclosure.record"


def test_disclosure_needs_recipient_purpose_and_basis(office_a):
    actor = make_user(office_a, Role.SUPERVISOR)
    with pytest.raises(ValueError):
        disclosure_record(
            released_by=actor, recipient="", agency="x", purpose="y", legal_basis="z", released={}
        )
    assert DisclosureRecord.objects.count() == 0


def _tamper(sql: str, params: list) -> None:
    """Edit the audit table behind the database's back: drop the trigger, change, restore."""
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)


def test_an_edited_row_breaks_the_chain_at_that_row(events, capsys):
    victim = events[3]
    _tamper("UPDATE audit_auditevent SET reason = 'rewritten' WHERE id = %s", [victim.pk])
    report = verify_chain()
    assert not report.ok
    assert report.first_break.event_id == victim.pk
    assert report.first_break.field == "hash"
    assert report.first_break.found == victim.hash
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1
    assert f"BROKEN at event {victim.pk}" in capsys.readouterr().err


def test_a_deleted_row_breaks_the_chain_at_the_next_row(events):
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert report.first_break.event_id == events[2].pk
    assert report.first_break.field == "prev_hash"
    assert report.first_break.expected == events[0].hash


def test_verify_reports_ok_with_the_count(events, capsys):
    call_command("audit", "verify")
    assert capsys.readouterr().out.strip() == f"OK {AuditEvent.objects.count()} events"


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_the_triggers(office_a):
    # Outside a test transaction: PostgreSQL will not TRUNCATE with deferred trigger events pending.
    make_user(office_a, Role.ANALYST)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    audit_record(actor=None, verb="test.after_flush")
    assert _refused("DELETE FROM audit_auditevent")
