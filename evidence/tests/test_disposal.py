"""Records-schedule disposal, legal holds and the append-only chain of custody (C-37, C-38).

Synthetic data only.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from evidence.bagexport import evidence_export_bag
from evidence.disposal import evidence_dispose, evidence_legal_hold
from evidence.models import CustodyEvent
from evidence.selectors import custody_chain_verify

pytestmark = pytest.mark.django_db

SCHEDULE = "GRS 5.2 item 020"


def test_a_records_officer_disposes_under_a_schedule_item_as_the_last_custody_event(
    item, world, tmp_path
):
    officer = world.user("a", "records_officer")

    event = evidence_dispose(
        item=item, actor=officer, schedule_item=SCHEDULE, reason="Retention period ended."
    )

    item.refresh_from_db()
    assert item.disposed_at is not None and item.disposal_schedule_item == SCHEDULE
    assert event.action == CustodyEvent.Action.DISPOSED
    assert item.custody.order_by("-sequence").first() == event
    assert SCHEDULE in event.reason and event.sha256_seen == item.blob.sha256
    assert custody_chain_verify(item) == []
    assert AuditEvent.objects.filter(verb="evidence.dispose", target_id=str(item.pk)).exists()
    with pytest.raises(ValidationError, match="already"):
        evidence_dispose(item=item, actor=officer, schedule_item=SCHEDULE, reason="Again.")
    # A disposed item is no longer released in an export.
    bag = evidence_export_bag(
        incident=item.incident,
        out_dir=tmp_path,
        actor=officer,
        recipient="R (synthetic)",
        agency="A",
        purpose="P",
        legal_basis="L",
    )
    assert list((bag / "data" / "originals").iterdir()) == []


@pytest.mark.parametrize("role", ["supervisor", "field_officer", "oversight", "privacy_officer"])
def test_only_a_records_officer_may_dispose(item, world, role):
    with pytest.raises(PermissionDenied):
        evidence_dispose(
            item=item, actor=world.user("a", role), schedule_item=SCHEDULE, reason="Ended."
        )
    assert not item.custody.filter(action="disposed").exists()


def test_another_offices_records_officer_may_not_dispose(item, world):
    with pytest.raises(PermissionDenied):
        evidence_dispose(
            item=item, actor=world.user("b", "records_officer"), schedule_item=SCHEDULE, reason="x"
        )
    item.refresh_from_db()
    assert item.disposed_at is None


@pytest.mark.parametrize("schedule_item", ["", "   ", "because", "GRS item"])
def test_disposal_needs_a_records_schedule_item(item, world, schedule_item):
    with pytest.raises(ValidationError) as error:
        evidence_dispose(
            item=item,
            actor=world.user("a", "records_officer"),
            schedule_item=schedule_item,
            reason="Ended.",
        )
    assert "schedule_item" in error.value.message_dict
    item.refresh_from_db()
    assert item.disposed_at is None and not item.custody.filter(action="disposed").exists()


def test_an_item_under_legal_hold_cannot_be_disposed_until_the_hold_is_lifted(item, world):
    officer = world.user("a", "records_officer")
    with pytest.raises(PermissionDenied):
        evidence_legal_hold(
            item=item, actor=world.user("a", "field_officer"), hold=True, reason="Litigation"
        )
    evidence_legal_hold(item=item, actor=officer, hold=True, reason="Litigation hold (synthetic)")

    with pytest.raises(ValidationError, match="legal hold"):
        evidence_dispose(item=item, actor=officer, schedule_item=SCHEDULE, reason="Ended.")
    item.refresh_from_db()
    assert item.disposed_at is None and not item.custody.filter(action="disposed").exists()

    evidence_legal_hold(item=item, actor=officer, hold=False, reason="Litigation closed")
    evidence_dispose(item=item, actor=officer, schedule_item=SCHEDULE, reason="Ended.")
    item.refresh_from_db()
    assert item.disposed_at is not None


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE evidence_custodyevent SET reason = 'edited' WHERE item_id = %s",
        "DELETE FROM evidence_custodyevent WHERE item_id = %s",
    ],
)
def test_custody_events_are_append_only_in_the_database(item, sql):
    before = list(item.custody.values_list("hash", "reason"))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [item.pk])
    assert list(item.custody.values_list("hash", "reason")) == before
    with pytest.raises(DatabaseError), transaction.atomic():
        CustodyEvent.objects.filter(item=item).update(reason="edited through the ORM")
    assert custody_chain_verify(item) == []


def test_a_disposed_item_can_no_longer_be_downloaded(item, world):
    from django.http import Http404

    from evidence.selectors import download_token_make, download_token_open

    officer = world.user("a", "records_officer")
    token = download_token_make(item=item, user=officer)
    assert download_token_open(token=token, user=officer) == item
    evidence_dispose(item=item, actor=officer, schedule_item=SCHEDULE, reason="Retention ended.")
    with pytest.raises(Http404):
        download_token_open(token=token, user=officer)
