"""The transfer, transcript and redaction pages: refusals are shown and nothing is recorded.

These pages share one form-action helper in evidence/views.py. All data is synthetic.
"""

from __future__ import annotations

import io

import pytest

from evidence import services
from evidence.models import CustodyEvent, EvidenceItem
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes

pytestmark = pytest.mark.django_db


def _ingest(incident, user, data: bytes, name: str) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(data), filename=name, actor=user
    )


def test_transfer_to_an_unknown_user_keeps_the_form_and_records_nothing(
    local_store, incident, world, signed_in
):
    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt")
    before = CustodyEvent.objects.filter(item=item).count()
    response = signed_in(officer).post(
        f"/evidence/{item.pk}/transfer/",
        {"to_username": "nobody-synthetic", "reason": "To the lab (synthetic)."},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "No user has that name." in page and 'href="#id_to_username"' in page
    # What was typed comes back in the form, ready to correct and send again.
    assert 'id="id_to_username"' in page and "To the lab (synthetic)." in page
    assert CustodyEvent.objects.filter(item=item).count() == before


def test_transfer_to_a_colleague_is_recorded_and_shows_the_item(
    local_store, incident, world, signed_in
):
    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt")
    response = signed_in(officer).post(
        f"/evidence/{item.pk}/transfer/",
        {"to_username": world.user("a", "supervisor").username, "reason": "Synthetic handover."},
    )
    assert response.status_code == 302 and response.url == f"/evidence/{item.pk}/"
    assert CustodyEvent.objects.filter(item=item, to_user=world.user("a", "supervisor")).exists()


def test_transcript_on_a_text_item_is_refused_on_the_form(local_store, incident, world, signed_in):
    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, FICTIONAL_TEXT.encode(), "nota.txt")
    response = signed_in(officer).post(
        f"/evidence/{item.pk}/transcript/", {"transcript": "Synthetic words."}
    )
    assert response.status_code == 422
    assert "Only audio and video items have a transcript." in response.content.decode()
    item.refresh_from_db()
    assert item.transcript == ""


def test_redaction_shows_the_new_copy_and_a_bad_box_list_keeps_the_form(
    local_store, incident, world, signed_in
):
    officer = world.user("a", "field_officer")
    item = _ingest(incident, officer, jpeg_bytes(), "foto.jpg")
    client = signed_in(officer)
    bad = client.post(f"/evidence/{item.pk}/redact/", {"boxes": "not json", "reason": "Synthetic."})
    assert bad.status_code == 422
    assert not EvidenceItem.objects.filter(parent=item, derivation="redacted").exists()

    good = client.post(
        f"/evidence/{item.pk}/redact/", {"boxes": "[[0, 0, 4, 4]]", "reason": "Synthetic."}
    )
    assert good.status_code == 302
    copy = EvidenceItem.objects.get(parent=item, derivation="redacted")
    assert good.url == f"/evidence/{copy.pk}/"
