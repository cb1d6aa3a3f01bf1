"""Drawing redaction boxes over an image in a real browser (Debian Chromium). Synthetic data only.

Issue 4 item 8: a staff member draws boxes over an image to make a redacted derivative; the
original stays untouched and the derivative records what it was made from.
"""

import hashlib
import io
import json

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from common.fixtures import axe_violations
from common.testing import login_verified, make_office, make_user
from evidence import services, storage
from evidence.models import EvidenceItem
from incidents.screening import CRIMINAL_CONDUCT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _white_png(size=(200, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def _stored_sha256(item: EvidenceItem) -> str:
    digest = hashlib.sha256()
    for chunk in storage.iter_chunks(item.blob.storage_key):
        digest.update(chunk)
    return digest.hexdigest()


def test_drawn_box_blacks_out_those_pixels_in_the_copy_and_leaves_the_original(
    live_server, browser, local_store
):
    from incidents.services import incident_submit

    office = make_office("alpha")
    officer = make_user(office, "field_officer", username="alpha-redact-officer")
    incident = incident_submit(
        office=office,
        channel="field_report",
        conduct=[next(iter(CRIMINAL_CONDUCT))],
        narrative="Synthetic browser redaction test incident (fictional).",
        actor=officer,
    )
    original = services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(_white_png()),
        filename="flyer.png",
        actor=officer,
        collected_by_statement="Synthetic flyer photographed by a fictional officer.",
    )
    sha_before = original.blob.sha256
    client = login_verified(Client(), officer)
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/evidence/{original.pk}/")
        page.get_by_role("button", name="Draw boxes on the image").click()
        canvas = page.get_by_test_id("redact-canvas")
        canvas.wait_for(state="visible")
        box = canvas.bounding_box()
        assert box is not None
        # Drag from 20 % / 25 % to 50 % / 75 % of the drawn image.
        page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.25)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.5, steps=4)
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.75, steps=4)
        page.mouse.up()
        boxes = json.loads(page.locator("#id_redact_boxes").input_value())
        assert len(boxes) == 1
        x0, y0, x1, y1 = boxes[0]
        # In the image's own pixels (200 x 120), whatever size the canvas is shown at.
        assert abs(x0 - 40) <= 3 and abs(y0 - 30) <= 3 and abs(x1 - 100) <= 3 and abs(y1 - 90) <= 3
        assert axe_violations(page) == []
        page.locator("#id_redact_reason").fill(
            "Hide the fictional name before release (synthetic)."
        )
        page.get_by_role("button", name="Make redacted copy").click()
        page.wait_for_load_state()
        redacted = EvidenceItem.objects.get(derivation=EvidenceItem.Derivation.REDACTED)
        assert page.url.endswith(f"/evidence/{redacted.pk}/")
    finally:
        context.close()

    assert redacted.parent_id == original.pk
    assert redacted.derivation_detail["boxes"] == boxes
    with Image.open(io.BytesIO(services.evidence_read_bytes(redacted))) as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel(((x0 + x1) // 2, (y0 + y1) // 2)) == (0, 0, 0)
        assert rgb.getpixel((x0, y0)) == (0, 0, 0) and rgb.getpixel((x1, y1)) == (0, 0, 0)
        assert rgb.getpixel((x0 - 2, y0)) == (255, 255, 255)
        assert rgb.getpixel((x1 + 2, y1 + 2)) == (255, 255, 255)
    original.refresh_from_db()
    assert original.blob.sha256 == sha_before == _stored_sha256(original)
