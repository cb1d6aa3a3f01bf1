"""A legal hold and a disposal at the same moment on one family of items (44 U.S.C. 3106).

Both services lock the original and all its copies before they check anything, so a hold set on
a copy while its original is being disposed of waits and then sees the disposal; the database's
CHECK refuses an item both held and disposed of, whatever writes it. The interleaving is forced
with events, as in test_content_lock. Every record and file here is synthetic test data.
"""

from __future__ import annotations

import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from evidence import services
from evidence.disposal import evidence_dispose, evidence_legal_hold
from evidence.models import EvidenceItem
from evidence.tests.hostile_corpus import jpeg_bytes
from evidence.tests.test_content_lock import (
    _someone_waits_for_a_lock,
    _Thread,
    _until,
    needs_postgresql,
)

pytestmark = pytest.mark.django_db

SCHEDULE = "GRS 5.2 item 020"


@pytest.fixture
def photo_and_copy(local_store, incident, world):
    photo = services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(jpeg_bytes()),
        filename="foto.jpg",
        actor=world.user("a", "field_officer"),
    )
    return photo, services.evidence_working_copy(item=photo)


def test_the_database_refuses_an_item_both_held_and_disposed_of(item):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_evidenceitem SET legal_hold = %s, disposed_at = %s WHERE id = %s",
            [True, timezone.now(), item.pk],
        )
    item.refresh_from_db()
    assert not item.legal_hold and item.disposed_at is None


def test_a_hold_on_a_sibling_copy_stops_the_disposal_of_a_copy(photo_and_copy, world):
    photo, working = photo_and_copy
    officer = world.user("a", "records_officer")
    redacted = services.evidence_redact(
        item=photo,
        actor=world.user("a", "field_officer"),
        reason="Synthetic.",
        boxes=[[0, 0, 2, 2]],
    )
    evidence_legal_hold(item=working, actor=officer, hold=True, reason="Synthetic litigation.")
    with pytest.raises(ValidationError, match="legal hold"):
        evidence_dispose(item=redacted, actor=officer, schedule_item=SCHEDULE, reason="Ended.")
    redacted.refresh_from_db()
    assert redacted.disposed_at is None


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_hold_on_a_copy_during_the_originals_disposal_waits_and_is_refused(
    photo_and_copy, world, monkeypatch
):
    photo, working = photo_and_copy
    officer = world.user("a", "records_officer")
    paused, release = threading.Event(), threading.Event()
    real_save = EvidenceItem.save

    def pausing_save(self, *args, **kwargs):
        # The disposal has locked what it locks and checked the holds; it has not written yet.
        if threading.current_thread().name == "dispose" and not paused.is_set():
            paused.set()
            assert release.wait(60)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceItem, "save", pausing_save)
    dispose = _Thread(
        lambda: evidence_dispose(
            item=photo, actor=officer, schedule_item=SCHEDULE, reason="Retention ended."
        )
    )
    dispose.name = "dispose"
    dispose.start()
    _until(paused.is_set, "the disposal to check the holds")

    hold = _Thread(
        lambda: evidence_legal_hold(
            item=working, actor=officer, hold=True, reason="Synthetic discovery request."
        )
    )
    hold.start()
    _until(lambda: not hold.is_alive() or _someone_waits_for_a_lock(), "the hold to decide")
    release.set()
    dispose.join(60)
    hold.join(60)

    assert dispose.error is None
    # The hold waited for the disposal and then found the copy disposed of.
    assert isinstance(hold.error, ValidationError)
    assert "already been disposed" in str(hold.error)
    for member in (photo, working):
        member.refresh_from_db()
        assert member.disposed_at is not None and not member.legal_hold
