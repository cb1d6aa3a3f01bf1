"""The protective unit works an alert in a real browser (Debian Chromium via Playwright).

SYNTHETIC TEST DATA (see factories.py).
"""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings as django_settings
from django.test import Client

from common.testing import login_verified
from exposure.models import ExposureAlert
from exposure.tests.factories import lucia_values, make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian chromium"),
]


def _page_for(browser, live_server, user):
    client = login_verified(Client(), user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_the_unit_acknowledges_records_a_measure_and_closes(world, live_server, browser):
    from common.fixtures import axe_violations

    person = make_person(
        world.offices["a"], lucia_values(), "R-001", user=world.user("a", "field_officer")
    )
    alert = ExposureAlert.objects.create(
        person=person,
        office=person.office,
        source_type="text",
        source_key="browser-1",
        source_label="synthetic pasted post",
        identifier_types=["address", "phone"],
        restricted=True,
    )
    page = _page_for(browser, live_server, world.user("a", "protective_unit"))
    page.goto(f"/exposure/alerts/{alert.pk}/")
    assert page.get_by_test_id("alert-status").inner_text() == "Open"
    assert "418 Mirlo" not in page.content()  # the alert page shows types, never values
    assert axe_violations(page) == []
    page.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_test_id("alert-status").inner_text() == "Acknowledged"
    page.get_by_label("Protective measure").select_option("residence_check")
    page.get_by_role("button", name="Record measure").click()
    assert "Residence check" in page.content()
    page.get_by_label("Why the alert is closed").fill("Synthetic: flyer removed.")
    page.get_by_role("button", name="Close alert").click()
    assert page.get_by_test_id("alert-status").inner_text() == "Closed"
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.measures.get().kind == "residence_check"
