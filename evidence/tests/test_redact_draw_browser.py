"""Drawing redaction boxes over an image in a real browser (Debian Chromium). Synthetic data only.

Issue 4 item 8: a staff member draws boxes over an image to make a redacted derivative; the
original stays untouched and the derivative records what it was made from.
"""

import hashlib
import io

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


def _signed_in_page(browser, live_server, user, *, javascript: bool = True):
    client = login_verified(Client(), user)
    context = browser.new_context(
        viewport={"width": 1024, "height": 900}, locale="en", java_script_enabled=javascript
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _white_image_item(name: str):
    from incidents.services import incident_submit

    office = make_office("alpha")
    officer = make_user(office, "field_officer", username=f"alpha-{name}-officer")
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
    return officer, original


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def _tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element has the focus: it is reachable by keyboard alone."""
    for _ in range(limit):
        if _focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def _type_box(page, row: int, box: tuple[int, int, int, int]) -> None:
    edges = ("left", "top", "right", "bottom")
    for position, (edge, value) in enumerate(zip(edges, box, strict=True)):
        assert _focused_id(page) == f"id_box-{row}-{edge}"
        page.keyboard.type(str(value))
        if position < 3:
            page.keyboard.press("Tab")


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_two_boxes_typed_with_the_keyboard_only_make_the_redacted_copy(
    live_server, browser, local_store, javascript
):
    """Section 508 / WCAG 2.1 AA 2.1.1: Tab, typing and Enter make a redacted copy, with or
    without script (without it, "Add a box" is a submit and the new row has the focus)."""
    officer, original = _white_image_item("keyboard")
    context = _signed_in_page(browser, live_server, officer, javascript=javascript)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/evidence/{original.pk}/")
        assert "The image is 200 \N{MULTIPLICATION SIGN} 120 pixels" in page.content()
        page.locator("body").focus()
        _tab_to(page, "id_box-0-left")
        _type_box(page, 0, (10, 20, 49, 59))
        page.keyboard.press("Tab")  # Remove box 1
        page.keyboard.press("Tab")  # Add a box
        assert page.evaluate("() => document.activeElement.textContent.trim()") == "Add a box"
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        # The keyboard lands in the new row; what was typed in the first row is still there.
        page.locator("#id_box-1-left").wait_for()
        assert _focused_id(page) == "id_box-1-left"
        assert page.locator("#id_box-0-right").input_value() == "49"
        _type_box(page, 1, (120, 60, 179, 99))
        if javascript:  # axe runs as a script in the page
            assert axe_violations(page) == []
        _tab_to(page, "id_redact_reason", limit=5)
        page.keyboard.type("Hide two fictional names before release (synthetic).")
        page.keyboard.press("Enter")  # Enter makes the copy (never "Remove")
        page.wait_for_url(lambda url: url.endswith("/") and f"/evidence/{original.pk}/" not in url)
        redacted = EvidenceItem.objects.get(derivation=EvidenceItem.Derivation.REDACTED)
        assert page.url.endswith(f"/evidence/{redacted.pk}/")
    finally:
        context.close()

    assert redacted.parent_id == original.pk
    assert redacted.derivation_detail["boxes"] == [[10, 20, 49, 59], [120, 60, 179, 99]]
    with Image.open(io.BytesIO(services.evidence_read_bytes(redacted))) as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel((30, 40)) == (0, 0, 0) and rgb.getpixel((150, 80)) == (0, 0, 0)
        assert rgb.getpixel((100, 40)) == (255, 255, 255)


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
        # The drawn box fills the first row of edge inputs (the same form keyboard users fill).
        x0, y0, x1, y1 = (
            int(page.locator(f"#id_box-0-{edge}").input_value())
            for edge in ("left", "top", "right", "bottom")
        )
        boxes = [[x0, y0, x1, y1]]
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


def test_remove_by_keyboard_and_a_box_outside_the_image_is_named_on_an_accessible_page(
    live_server, browser, local_store
):
    """A row removed with Enter goes (focus to the row that took its place); a box outside the
    image comes back with its own error, linked to its input, and axe finds no violations."""
    officer, original = _white_image_item("remove")
    context = _signed_in_page(browser, live_server, officer)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/evidence/{original.pk}/")
        page.locator("body").focus()
        _tab_to(page, "id_box-0-left")
        _type_box(page, 0, (1, 2, 3, 4))
        page.keyboard.press("Tab")  # Remove box 1
        page.keyboard.press("Tab")  # Add a box
        page.keyboard.press("Enter")
        _type_box(page, 1, (150, 10, 250, 40))  # right edge beyond the 200-pixel width
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")  # "Remove box 1"
        assert page.evaluate("() => document.activeElement.textContent") == "Remove box 1"
        page.keyboard.press("Enter")
        # The second box is now the first, with the focus in it; one row is left.
        assert _focused_id(page) == "id_box-0-left"
        assert page.locator("#id_box-0-right").input_value() == "250"
        assert page.locator("[data-box-row]").count() == 1
        assert page.locator("#id_box-TOTAL_FORMS").input_value() == "1"
        _tab_to(page, "id_redact_reason")
        page.keyboard.type("Synthetic release.")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/evidence/{original.pk}/redact/")
        summary = page.locator("#form-errors a")
        assert summary.count() == 1
        assert summary.inner_text() == (
            "Box 1, Right: Outside the image (200 pixels wide): at most 199."
        )
        assert summary.get_attribute("href") == "#id_box-0-right"
        assert page.locator("#id_box-0-right").get_attribute("aria-invalid") == "true"
        assert axe_violations(page) == []
    finally:
        context.close()
    assert not EvidenceItem.objects.filter(derivation=EvidenceItem.Derivation.REDACTED).exists()
