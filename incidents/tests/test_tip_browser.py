"""The public tip form in a real browser (headless Chromium), both languages, with axe-core."""

import re

import pytest

from common.fixtures import axe_violations
from incidents.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office(transactional_db):
    from common.testing import make_office

    return make_office("alpha")


@pytest.mark.parametrize(
    ("lang", "heading", "send", "error_text", "conduct_label", "office_label"),
    [
        (
            "en",
            "Report a threat or attack on an officer",
            "Send report",
            "Choose at least one kind of conduct.",
            "Threat of violence by phone or voicemail",
            "Which field office is this about?",
        ),
        (
            "es",
            "Denuncie una amenaza o un ataque contra un agente",
            "Enviar denuncia",
            "Elija al menos un tipo de conducta.",
            "Amenaza de violencia por teléfono o buzón de voz",
            "¿A qué oficina de campo se refiere?",
        ),
    ],
)
def test_public_tip_form_in_a_browser(
    lang, heading, send, error_text, conduct_label, office_label, live_server, browser, office
):
    context = browser.new_context(locale=lang, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/tip/?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert axe_violations(page) == []

        # Error state: office chosen, narrative written, no conduct; keyboard only to submit.
        page.get_by_label(office_label).select_option(value=str(office.pk))
        page.locator("#id_narrative").fill("Synthetic test: a voicemail threatened the officer.")
        page.get_by_role("button", name=send).focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        summary = page.locator("#form-errors")
        assert error_text in summary.inner_text()
        # The summary links to the field; the error is tied to the group; nothing typed is lost.
        link = summary.get_by_role("link").first
        assert link.get_attribute("href") == "#id_conduct"
        assert page.locator("#id_conduct_0_0").get_attribute("aria-describedby") == (
            "id_conduct_error"
        )
        assert page.locator("#id_narrative").input_value().startswith("Synthetic test")
        assert axe_violations(page) == []
        assert Incident.objects.count() == 0

        # Fix it with the keyboard only: focus the conduct box, tick it with Space, send.
        box = page.get_by_label(conduct_label)
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
        page.get_by_role("button", name=send).focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        reference = page.get_by_test_id("reference").inner_text()
        assert re.fullmatch(r"CST-[0-9A-Z]{10}", reference)
        assert axe_violations(page) == []
        assert Incident.objects.get(reference=reference).channel == "public_tip"
    finally:
        context.close()
