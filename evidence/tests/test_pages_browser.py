"""The evidence pages in a real browser (Debian Chromium), with axe-core. Synthetic data only."""

import pytest
from django.conf import settings
from django.test import Client

from common.fixtures import axe_violations
from common.testing import login_verified, make_office, make_user
from evidence.models import EvidenceItem
from evidence.tests.hostile_corpus import jpeg_bytes
from incidents.screening import CRIMINAL_CONDUCT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_upload_a_photo_see_its_custody_and_get_a_clear_refusal(
    live_server, browser, local_store, tmp_path
):
    from incidents.services import incident_submit

    office = make_office("alpha")
    officer = make_user(office, "field_officer", username="alpha-evidence-officer")
    incident = incident_submit(
        office=office,
        channel="field_report",
        conduct=[next(iter(CRIMINAL_CONDUCT))],
        narrative="Synthetic browser test incident (fictional).",
        actor=officer,
    )
    client = login_verified(Client(), officer)
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    photo = tmp_path / "porch.jpg"
    photo.write_bytes(jpeg_bytes())
    fake = tmp_path / "porch2.jpg"
    fake.write_bytes(b"MZ\x90\x00" + bytes(200))  # a Windows program named like a photo
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/evidence/incident/{incident.pk}/")
        assert axe_violations(page) == []
        page.locator("#id_file").set_input_files(str(photo))
        page.locator("#id_collected_by_statement").fill("Photographed by the victim (synthetic).")
        page.get_by_role("button", name="Upload").click()
        page.wait_for_load_state()
        item = EvidenceItem.objects.get(parent__isnull=True)
        # After the commit the task (immediate backend in tests) made the metadata-free copy.
        assert item.derivatives.get().derivation == "working_copy"
        assert page.get_by_test_id("sha256").inner_text() == item.blob.sha256
        custody = page.get_by_test_id("custody").inner_text()
        assert "Collected" in custody and "Received" in custody and "Viewed" in custody
        assert axe_violations(page) == []

        page.goto(f"{live_server.url}/evidence/incident/{incident.pk}/")
        page.locator("#id_file").set_input_files(str(fake))
        page.locator("#id_collected_by_statement").fill("Second file (synthetic).")
        page.get_by_role("button", name="Upload").click()
        page.wait_for_load_state()
        alert = page.locator(".usa-alert--error").inner_text()
        assert "Windows program" in alert
        assert page.locator("#id_collected_by_statement").input_value() == (
            "Second file (synthetic)."
        )
        assert EvidenceItem.objects.filter(parent__isnull=True).count() == 1
        assert axe_violations(page) == []
    finally:
        context.close()
