"""The item page: found through the selector, a cheap custody-chain check on every view with
the whole chain on demand, and a disposed item's disposal record instead of a download link.

Every record and file here is synthetic test data.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection

from audit import triggers
from audit.models import AuditEvent
from evidence import selectors, services
from evidence.disposal import evidence_dispose
from evidence.models import CustodyEvent, EvidenceItem
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes

pytestmark = pytest.mark.django_db

SCHEDULE = "GRS 5.2 item 020"


@pytest.fixture
def note(local_store, incident, world) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(FICTIONAL_TEXT.encode()),
        filename="nota.txt",
        actor=world.user("a", "field_officer"),
    )


def _tamper(event: CustodyEvent, reason: str) -> None:
    """Change a recorded event as a tamperer would (the append-only triggers lifted)."""
    tables = ("evidence_custodyevent",)
    triggers.uninstall(connection, tables)
    try:
        CustodyEvent.objects.filter(pk=event.pk).update(reason=reason)
    finally:
        triggers.install(connection, tables)


# 4. One place scopes the item -----------------------------------------------------------------


def test_every_item_page_finds_its_item_through_the_evidence_selector(
    note, world, signed_in, monkeypatch
):
    officer = world.user("a", "field_officer")
    transfer = services.evidence_transfer(
        item=note, actor=officer, reason="Synthetic handover.", to_user=world.user("a", "analyst")
    )
    token = selectors.download_token_make(item=note, user=officer)
    # The selector's scope is the only scope: narrow it to nothing and every page says 404.
    monkeypatch.setattr(
        selectors, "evidence_in_scope", lambda user: EvidenceItem.objects.none(), raising=False
    )
    client = signed_in(officer)
    requests = [
        ("get", f"/evidence/{note.pk}/", {}),
        ("get", f"/evidence/{note.pk}/download/{token}/", {}),
        ("post", f"/evidence/{note.pk}/transfer/", {"to_place": "Lab", "reason": "Synthetic."}),
        ("post", f"/evidence/{note.pk}/transcript/", {"transcript": "Synthetic."}),
        ("post", f"/evidence/{note.pk}/redact/", {"boxes": "[[0, 0, 2, 2]]", "reason": "S."}),
    ]
    for method, url, data in requests:
        assert getattr(client, method)(url, data).status_code == 404, url
    acknowledge = signed_in(world.user("a", "analyst")).post(
        f"/evidence/custody/{transfer.pk}/acknowledge/"
    )
    assert acknowledge.status_code == 404


def test_opening_the_item_page_records_one_view(note, world, signed_in):
    reader = world.user("a", "supervisor")
    assert signed_in(reader).get(f"/evidence/{note.pk}/").status_code == 200
    assert note.custody.filter(action="viewed", actor=reader).count() == 1
    assert AuditEvent.objects.filter(verb="evidence.viewed", actor_id=reader.pk).count() == 1


# 5. The custody chain: new events on every view, the whole chain on demand --------------------


def test_each_view_hashes_only_the_events_added_since_the_last_check(
    note, world, signed_in, monkeypatch
):
    from evidence.services import custody

    officer = world.user("a", "field_officer")
    for _ in range(12):  # a long chain: every earlier view and download added an event
        services.evidence_access_record(item=note, actor=officer, action="viewed")
    client = signed_in(officer)
    assert client.get(f"/evidence/{note.pk}/").status_code == 200  # the first check: all events

    hashed: list[int] = []
    real = custody.custody_content

    def counting(event):
        hashed.append(event.sequence)
        return real(event)

    monkeypatch.setattr(custody, "custody_content", counting)
    monkeypatch.setattr(services, "custody_content", counting)
    page = client.get(f"/evidence/{note.pk}/").content.decode()

    newest = note.custody.order_by("-sequence").first().sequence
    # This view's own event is hashed once when recorded and once when checked, and the marked
    # event (the previous view's) is recomputed once against its mark; nothing older.
    assert hashed == [newest, newest - 1, newest]
    assert f"Hash chain verified through event {newest}." in page


def test_a_changed_event_after_the_last_check_is_shown_on_the_next_view(note, world, signed_in):
    officer = world.user("a", "field_officer")
    client = signed_in(officer)
    client.get(f"/evidence/{note.pk}/")
    transfer = services.evidence_transfer(
        item=note, actor=officer, reason="To the lab (synthetic).", to_place="Lab"
    )
    _tamper(transfer, "edited afterwards")

    page = client.get(f"/evidence/{note.pk}/").content.decode()

    assert "The custody chain does not verify" in page
    assert f"event {transfer.sequence}: content changed" in page


def test_an_older_change_is_found_by_the_whole_chain_check_and_then_shown_on_every_view(
    note, world, signed_in
):
    officer = world.user("a", "field_officer")
    client = signed_in(officer)
    client.get(f"/evidence/{note.pk}/")  # events 1-3 verified
    client.get(f"/evidence/{note.pk}/")  # event 4 verified; the mark moves to it
    collected = note.custody.get(sequence=1)
    _tamper(collected, "edited long afterwards")

    on_demand = client.get(f"/evidence/{note.pk}/?verify=all").content.decode()

    assert "event 1: content changed" in on_demand
    check = AuditEvent.objects.get(verb="evidence.custody_verify", target_id=str(note.pk))
    assert check.actor_id == officer.pk and check.data["problems"] == ["event 1: content changed"]
    # The mark is cleared: ordinary views re-check from the start and keep showing it.
    assert "event 1: content changed" in client.get(f"/evidence/{note.pk}/").content.decode()


def test_a_changed_verified_event_is_caught_by_the_mark(note, world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    client.get(f"/evidence/{note.pk}/")
    note.refresh_from_db()
    marked = note.custody.get(sequence=note.custody_verified_sequence)
    tables = ("evidence_custodyevent",)
    triggers.uninstall(connection, tables)
    try:
        CustodyEvent.objects.filter(pk=marked.pk).update(hash="f" * 64)
    finally:
        triggers.install(connection, tables)

    page = client.get(f"/evidence/{note.pk}/").content.decode()

    assert f"event {marked.sequence}: changed or removed since it was verified" in page


def test_an_edited_verified_event_with_its_old_hash_is_caught_by_the_mark(note, world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    client.get(f"/evidence/{note.pk}/")
    note.refresh_from_db()
    marked = note.custody.get(sequence=note.custody_verified_sequence)
    _tamper(marked, "Edited after it was verified (synthetic).")  # the hash column left alone

    page = client.get(f"/evidence/{note.pk}/").content.decode()

    assert f"event {marked.sequence}: changed or removed since it was verified" in page


# 6. A disposed item shows its disposal, not a download link ---------------------------------


def test_a_disposed_items_page_shows_the_disposal_record_and_no_download_link(
    note, world, signed_in
):
    evidence_dispose(
        item=note,
        actor=world.user("a", "records_officer"),
        schedule_item=SCHEDULE,
        reason="Retention period ended (synthetic).",
    )

    page = signed_in(world.user("a", "field_officer")).get(f"/evidence/{note.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "/download/" not in html
    assert 'data-testid="disposal"' in html
    assert SCHEDULE in html and "Retention period ended (synthetic)." in html
    assert "a-records_officer" in html
    # Actions the services would refuse are not offered either.
    assert f"/evidence/{note.pk}/transfer/" not in html


def test_a_copy_of_a_disposed_item_shows_the_disposal_and_no_download_link(
    local_store, incident, world, signed_in
):
    officer = world.user("a", "field_officer")
    photo = services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(jpeg_bytes()), filename="foto.jpg", actor=officer
    )
    redacted = services.evidence_redact(
        item=photo, actor=officer, reason="Synthetic release.", boxes=[[0, 0, 4, 4]]
    )
    evidence_dispose(
        item=photo,
        actor=world.user("a", "records_officer"),
        schedule_item=SCHEDULE,
        reason="Retention ended (synthetic).",
    )
    # Even a copy left undisposed shows the disposal of the item it was made from.
    EvidenceItem.objects.filter(pk=redacted.pk).update(disposed_at=None)

    html = signed_in(officer).get(f"/evidence/{redacted.pk}/").content.decode()

    assert "/download/" not in html
    assert 'data-testid="disposal"' in html and SCHEDULE in html
    assert "The item this copy was made from was disposed of" in html


def test_an_item_that_is_not_disposed_still_offers_its_download(note, world, signed_in):
    html = signed_in(world.user("a", "field_officer")).get(f"/evidence/{note.pk}/").content.decode()
    assert f"/evidence/{note.pk}/download/" in html
    assert 'data-testid="disposal"' not in html
