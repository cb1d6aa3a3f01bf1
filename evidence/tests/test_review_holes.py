"""Holes a reviewer found: disposed copies, receipts, downloads of missing bytes, list audit,
broken redaction input. Every record and file here is synthetic test data.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from evidence import selectors, services
from evidence.disposal import evidence_dispose
from evidence.models import CustodyEvent, EvidenceItem
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes

pytestmark = pytest.mark.django_db

SCHEDULE = "GRS 5.2 item 020"


def _ingest(incident, user, data: bytes, name: str) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(data), filename=name, actor=user
    )


@pytest.fixture
def photo_with_copies(local_store, incident, world):
    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, jpeg_bytes(), "foto.jpg")
    working = services.evidence_working_copy(item=item)
    redacted = services.evidence_redact(
        item=item, actor=officer, reason="Synthetic release.", boxes=[[0, 0, 4, 4]]
    )
    return item, working, redacted


def _dispose(item, world):
    return evidence_dispose(
        item=item,
        actor=world.user("a", "records_officer"),
        schedule_item=SCHEDULE,
        reason="Retention ended (synthetic).",
    )


# 1. Disposal reaches the copies -------------------------------------------------------------


def test_disposal_marks_the_working_and_redacted_copies_with_custody_and_audit(
    photo_with_copies, world
):
    item, working, redacted = photo_with_copies
    _dispose(item, world)
    for copy in (working, redacted):
        copy.refresh_from_db()
        assert copy.disposed_at is not None and copy.disposal_schedule_item == SCHEDULE
        last = copy.custody.order_by("-sequence").first()
        assert last.action == CustodyEvent.Action.DISPOSED
        assert selectors.custody_chain_verify(copy) == []
        assert AuditEvent.objects.filter(verb="evidence.dispose", target_id=str(copy.pk)).exists()


def test_a_copy_of_a_disposed_item_is_not_downloadable_even_by_an_earlier_link(
    photo_with_copies, world, signed_in
):
    item, working, redacted = photo_with_copies
    officer = world.user("a", "field_officer")
    tokens = {
        c.pk: selectors.download_token_make(item=c, user=officer) for c in (working, redacted)
    }
    _dispose(item, world)
    # Even if a copy had been left undisposed, the parent's disposal alone must refuse it.
    EvidenceItem.objects.filter(pk=redacted.pk).update(disposed_at=None)
    client = signed_in(officer)
    for pk, token in tokens.items():
        before = CustodyEvent.objects.filter(item_id=pk).count()
        response = client.get(f"/evidence/{pk}/download/{token}/")
        assert response.status_code == 404
        assert CustodyEvent.objects.filter(item_id=pk).count() == before


def test_the_detail_page_of_a_disposed_image_offers_no_preview_link(
    photo_with_copies, world, signed_in
):
    item, working, _redacted = photo_with_copies
    officer = world.user("a", "field_officer")
    _dispose(item, world)
    page = signed_in(officer).get(f"/evidence/{item.pk}/").content.decode()
    assert "data-redact-draw" not in page
    assert f"/evidence/{working.pk}/download/" not in page


@pytest.mark.parametrize("action", ["redact", "transfer", "transcript"])
def test_services_refuse_a_disposed_item(photo_with_copies, world, action):
    item, _working, redacted = photo_with_copies
    officer = world.user("a", "field_officer")
    _dispose(item, world)
    item.refresh_from_db()
    before = EvidenceItem.objects.count(), CustodyEvent.objects.count()
    with pytest.raises(ValidationError, match="disposed"):
        if action == "redact":
            services.evidence_redact(item=item, actor=officer, reason="x", boxes=[[0, 0, 2, 2]])
        elif action == "transfer":
            services.evidence_transfer(item=redacted, actor=officer, reason="x", to_place="Lab")
        else:
            item.kind = "audio"  # the refusal comes before the kind check
            services.evidence_transcript_set(item=item, actor=officer, transcript="Synthetic.")
    assert (EvidenceItem.objects.count(), CustodyEvent.objects.count()) == before


def test_redacting_a_disposed_item_on_the_page_shows_the_refusal(
    photo_with_copies, world, signed_in
):
    item, _working, _redacted = photo_with_copies
    _dispose(item, world)
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{item.pk}/redact/", {"boxes": "[[0, 0, 4, 4]]", "reason": "Synthetic."}
    )
    assert response.status_code == 422
    assert "disposed of" in response.content.decode()


# 2. Receipts and transfer targets -----------------------------------------------------------


@pytest.fixture
def text_item(local_store, incident, world):
    return _ingest(incident, world.user("a", "field_officer"), FICTIONAL_TEXT.encode(), "nota.txt")


def test_oversight_named_as_receiver_cannot_acknowledge(text_item, world):
    from django.core.exceptions import PermissionDenied

    oversight = world.user("a", "oversight")
    transfer = services.evidence_transfer(
        item=text_item, actor=world.user("a", "field_officer"), reason="x", to_user=oversight
    )
    with pytest.raises(PermissionDenied):
        services.evidence_acknowledge(transfer=transfer, actor=oversight)
    assert not CustodyEvent.objects.filter(acknowledges=transfer).exists()


def test_a_double_submitted_acknowledgement_is_a_clear_refusal(text_item, world, monkeypatch):
    from evidence.services import custody

    receiver = world.user("a", "supervisor")
    transfer = services.evidence_transfer(
        item=text_item, actor=world.user("a", "field_officer"), reason="x", to_user=receiver
    )
    # The other submit of the same form committed its receipt after this one's check ran: the
    # check sees nothing, the insert meets the unique constraint.
    services.evidence_acknowledge(transfer=transfer, actor=receiver)
    real = custody._acknowledged
    calls = []

    def stale_first(event):
        calls.append(event)
        return False if len(calls) == 1 else real(event)

    monkeypatch.setattr(custody, "_acknowledged", stale_first)
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.evidence_acknowledge(transfer=transfer, actor=receiver)
    assert CustodyEvent.objects.filter(acknowledges=transfer).count() == 1


@pytest.mark.parametrize("target", [("a", "oversight"), ("b", "field_officer")])
def test_transfer_to_someone_who_cannot_take_custody_is_a_form_error(
    text_item, world, signed_in, target
):
    officer = world.user("a", "field_officer")
    before = CustodyEvent.objects.filter(item=text_item).count()
    response = signed_in(officer).post(
        f"/evidence/{text_item.pk}/transfer/",
        {"to_username": world.user(*target).username, "reason": "Synthetic handover."},
    )
    assert response.status_code == 422
    assert "cannot take custody" in response.content.decode()
    assert CustodyEvent.objects.filter(item=text_item).count() == before


# 3. Downloads of bytes that are not there ---------------------------------------------------


def test_a_download_of_a_missing_object_is_a_clear_409_and_records_nothing(
    text_item, world, signed_in, local_store
):
    officer = world.user("a", "field_officer")
    (local_store / text_item.blob.storage_key).unlink()
    token = selectors.download_token_make(item=text_item, user=officer)
    before = CustodyEvent.objects.filter(item=text_item).count()
    audits = AuditEvent.objects.filter(verb="evidence.downloaded").count()
    response = signed_in(officer).get(f"/evidence/{text_item.pk}/download/{token}/")
    assert response.status_code == 409
    assert "missing from the evidence store" in response.content.decode()
    assert CustodyEvent.objects.filter(item=text_item).count() == before
    assert AuditEvent.objects.filter(verb="evidence.downloaded").count() == audits


def test_a_download_while_the_store_is_down_is_a_clear_503_and_records_nothing(
    s3_store, incident, world, signed_in, settings
):
    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt")
    # The store goes away: same bucket, an endpoint nothing listens on (the discard port).
    evidence = settings.STORAGES["evidence"]
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            **evidence,
            "OPTIONS": {**evidence["OPTIONS"], "endpoint_url": "http://127.0.0.1:9"},
        },
    }
    token = selectors.download_token_make(item=item, user=officer)
    before = CustodyEvent.objects.filter(item=item).count()
    response = signed_in(officer).get(f"/evidence/{item.pk}/download/{token}/")
    assert response.status_code == 503
    assert "cannot be reached" in response.content.decode()
    assert CustodyEvent.objects.filter(item=item).count() == before


# 4. The incident's evidence list is an audited read -----------------------------------------


def test_viewing_an_incidents_evidence_list_is_audited(text_item, incident, world, signed_in):
    reader = world.user("a", "oversight")
    response = signed_in(reader).get(f"/evidence/incident/{incident.pk}/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(
        verb="evidence.list", target_id=str(incident.pk), actor_id=reader.pk
    )
    assert event.data == {"items": [text_item.pk]}


# 5. Redaction of unreadable input is a form error ------------------------------------------


def test_redacting_a_pdf_that_cannot_be_parsed_is_a_form_error(
    local_store, incident, world, signed_in
):
    import os

    from evidence.tests.hostile_corpus import image_pdf_bytes

    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, image_pdf_bytes(), "escaneo.pdf")
    stored = local_store / item.blob.storage_key
    os.chmod(stored, 0o600)
    stored.write_bytes(b"%PDF-1.4\nsynthetic damaged file, no objects, no trailer\n")
    response = signed_in(officer).post(
        f"/evidence/{item.pk}/redact/", {"pages": "1", "reason": "Synthetic."}
    )
    assert response.status_code == 422
    assert "The PDF could not be read" in response.content.decode()
    assert not EvidenceItem.objects.filter(parent=item).exists()


def test_redacting_an_item_whose_file_is_missing_is_a_form_error(
    local_store, incident, world, signed_in
):
    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, jpeg_bytes(), "foto.jpg")
    (local_store / item.blob.storage_key).unlink()
    response = signed_in(officer).post(
        f"/evidence/{item.pk}/redact/", {"boxes": "[[0, 0, 4, 4]]", "reason": "Synthetic."}
    )
    assert response.status_code == 422
    assert "The stored file could not be read" in response.content.decode()
    assert not EvidenceItem.objects.filter(parent=item, derivation="redacted").exists()
