"""The field report page on a phone-width screen in a real browser, with axe-core."""

import pytest
from django.conf import settings
from django.test import Client

from common.fixtures import axe_violations
from common.testing import login_verified, make_office, make_user
from incidents.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)


def test_field_report_works_at_phone_width(live_server, browser):
    office = make_office("alpha")
    officer = make_user(office, "field_officer", username="alpha-phone-officer")
    client = login_verified(Client(), officer)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en")
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
        page.goto(f"{live_server.url}/incidents/report/")
        assert page.get_by_role("heading", level=1).inner_text() == "Field report"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe_violations(page) == []
        box = page.get_by_label("Physically blocking or holding an officer or vehicle")
        box.focus()
        page.keyboard.press("Space")
        page.locator("#id_narrative").fill(
            "Synthetic test: a car blocked the transport vehicle so the arrest could not proceed."
        )
        page.get_by_label("18 U.S.C. 111(a)").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Submit report").click()
        page.wait_for_load_state()
        reference = page.get_by_test_id("reference").inner_text()
        incident = Incident.objects.get(reference=reference)
        assert (incident.status, incident.channel) == ("open", "field_report")
        assert [o.code for o in incident.offenses.all()] == ["18 U.S.C. 111(a)"]
        page.get_by_role("link", name="Open the incident").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("status").inner_text() == "Open"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe_violations(page) == []
    finally:
        context.close()
