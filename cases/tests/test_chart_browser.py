"""The link chart and the course-of-conduct flag in a real browser (Debian Chromium, Playwright).

SYNTHETIC TEST DATA only.
"""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cases import services as case_services
from cases.tests.factories import make_incident, propose_kwargs
from common.testing import login_verified
from intel import services as intel_services
from intel.services import IdentifierInput

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian chromium"),
]

VICTIM = "Officer Avery Quill (synthetic)"


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


def test_chart_draws_the_confirmed_link_and_the_case_shows_the_flag(world, live_server, browser):
    sup, analyst = world.user("a", "supervisor"), world.user("a", "analyst")
    i1 = make_incident(world.offices["a"], victim_name=VICTIM)
    i2 = make_incident(world.offices["a"], victim_name=VICTIM)
    case_services.incident_identifier_add(
        incident_id=i2.pk, actor=sup, kind="phone", value="555.010.0121"
    )
    case = case_services.case_open(actor=sup, title="Synthetic chart case", incident_ids=[i1.pk])
    subject = intel_services.subject_propose(
        actor=analyst,
        identifiers=[IdentifierInput("phone", "(555) 010-0121")],
        **propose_kwargs(i1, sup),
    )
    intel_services.subject_approve(
        subject=subject,
        approver=world.user("a", "rs_approver"),
        reason="Synthetic RS",
        lawfully_obtained=True,
    )
    page = _page_for(browser, live_server, analyst)
    page.goto(f"/cases/{case.pk}/")
    assert page.get_by_test_id("course-of-conduct").count() == 0
    page.goto("/intel/links/")
    page.get_by_label("Reason").fill("Same number, same officer (synthetic)")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/intel/links/")
    page.goto(f"/cases/{case.pk}/")
    flag = page.get_by_test_id("course-of-conduct")
    assert i1.reference in flag.inner_text() and i2.reference in flag.inner_text()

    page.goto(f"/cases/{case.pk}/chart/")
    page.wait_for_function("window.custosChart && window.custosChart.nodes().length > 0")
    ids = page.evaluate("window.custosChart.nodes().map(n => n.id())")
    assert f"subject-{subject.pk}" in ids and f"incident-{i2.pk}" in ids
    evidence = page.evaluate(
        f'window.custosChart.edges(\'[source = "subject-{subject.pk}"][target = '
        f"\"incident-{i2.pk}\"]').data('evidence')"
    )
    assert "555.010.0121" in evidence and "(555) 010-0121" in evidence
    # Selecting the edge shows its evidence on the page.
    page.evaluate(
        f'window.custosChart.edges(\'[target = "incident-{i2.pk}"][source = '
        f"\"subject-{subject.pk}\"]').emit('tap')"
    )
    assert "confirmed link" in page.get_by_test_id("edge-evidence").inner_text()
