"""Two intake gaps, closed. All names below are invented for tests (synthetic data).

1. 18 U.S.C. 115(a)(1)(A) only with a victim who is a family member of an officer (legal-controls
   section 8), in the screening library, the API, the pages and `custos screen`.
2. A protected-activity-only narrative keeps no personal names of non-officers
   (5 U.S.C. 552a(e)(7)): the submission is refused with a message, nothing is stored.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from audit.models import AuditEvent
from incidents import screening, services
from incidents.models import Incident
from incidents.tests.scenarios import FAMILY_VICTIM, PROTECTED

FAMILY = "18 U.S.C. 115(a)(1)(A)"
URL = "/api/v1/incidents"
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db
# Invented names: given names from the `nicknames` list, surnames made up.
STRANGER = "Robert Quillbramble"
TITLED = "Sra. Thistlecombe"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _stored_anywhere(text: str) -> bool:
    """Whether text is in any incident narrative or any audit event's data or reason."""
    if Incident.objects.filter(narrative__contains=text).exists():
        return True
    return any(
        text in json.dumps(e.data) or text in (e.reason or "") for e in AuditEvent.objects.all()
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


# 1. 115(a)(1)(A) needs a family-member victim ---------------------------------------------------


def test_library_allows_115a1a_only_with_a_family_victim():
    for conduct in (["threat_voicemail"], ["physical_contact"], ["weapon"], ["threat_spoken"]):
        assert FAMILY not in screening.offenses_allowed(conduct)
        assert FAMILY not in screening.offenses_allowed(conduct, ["officer", "other", "employee"])
        assert FAMILY in screening.offenses_allowed(conduct, ["officer", "family"])
    assert FAMILY not in screening.screen(["threat_online"], "x").offenses_allowed
    assert FAMILY in screening.screen(["threat_online"], "x", ["family"]).offenses_allowed
    # A family victim does not make conduct that cannot support it support it.
    assert FAMILY not in screening.offenses_allowed(["property_damage"], ["family"])
    assert screening.screen(["recording"], "", ["family"]).offenses_allowed == []


def test_api_refuses_115a1a_without_family_victim_and_takes_it_with_one(world, signed_in):
    officer = world.user("a", "field_officer")
    client = signed_in(officer)
    body = {
        "conduct": ["threat_voicemail"],
        "narrative": "Synthetic test: a voicemail said the caller would hurt the officer's son.",
        "victims": [{"user_id": officer.pk}],
    }
    screened = _post(client, f"{URL}/screen", body).json()
    assert FAMILY not in screened["offenses_allowed"]
    assert "18 U.S.C. 875(c)" in screened["offenses_allowed"]
    with_family = {**body, "victims": [{"user_id": officer.pk}, FAMILY_VICTIM]}
    assert FAMILY in _post(client, f"{URL}/screen", with_family).json()["offenses_allowed"]

    refused = _post(client, URL, {**body, "offenses": [FAMILY, "18 U.S.C. 875(c)"]})
    assert refused.status_code == 422
    message = refused.json()["detail"]["offenses"][0]
    assert "needs a victim who is a family member of an officer" in message
    assert Incident.objects.count() == 0

    created = _post(client, URL, {**with_family, "offenses": [FAMILY]})
    assert created.status_code == 201, created.content
    assert FAMILY in created.json()["offenses_allowed"]
    detail = client.get(f"{URL}/{created.json()['id']}").json()
    assert detail["offenses"] == [FAMILY] and FAMILY in detail["offenses_allowed"]

    # Setting offenses later checks the victims too.
    plain = _post(client, URL, body).json()
    assert FAMILY not in client.get(f"{URL}/{plain['id']}").json()["offenses_allowed"]
    later = _post(client, f"{URL}/{plain['id']}/offenses", {"offenses": [FAMILY], "reason": "x"})
    assert later.status_code == 422
    assert "family member" in later.json()["detail"]["offenses"][0]
    assert Incident.objects.get(pk=plain["id"]).offenses.count() == 0


def test_editing_conduct_keeps_115a1a_out_without_family_victim(world, signed_in):
    officer = world.user("a", "field_officer")
    client = signed_in(officer)
    out = _post(
        client,
        URL,
        {
            "conduct": ["threat_voicemail"],
            "narrative": "Synthetic test: a threatening voicemail.",
            "victims": [{"user_id": officer.pk}],
        },
    ).json()
    response = _post(
        client,
        f"{URL}/{out['id']}/conduct",
        {"conduct": ["physical_contact"], "reason": "x", "offenses": [FAMILY]},
    )
    assert response.status_code == 422
    assert "family member" in response.json()["detail"]["offenses"][0]


def test_field_report_page_explains_the_family_requirement(world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    url = reverse("incidents:field_report")
    data = {
        "conduct": ["physical_contact"],
        "narrative": "Synthetic test: a man pushed the officer's daughter at the office door.",
        "offenses": [FAMILY],
    }
    page = client.get(url).content.decode()
    assert "only with a victim who is a family member of an officer" in page
    refused = client.post(url, data).content.decode()
    assert "needs a victim who is a family member of an officer" in refused
    assert Incident.objects.count() == 0
    # "Other employee" is not family.
    refused = client.post(
        url,
        {**data, "other_victim_name": "Synthetic Colleague", "other_victim_relation": "employee"},
    )
    assert "family member of an officer" in refused.content.decode()
    assert Incident.objects.count() == 0
    client.post(
        url,
        {**data, "other_victim_name": FAMILY_VICTIM["name"], "other_victim_relation": "family"},
    )
    incident = Incident.objects.get()
    assert [o.code for o in incident.offenses.all()] == [FAMILY]
    assert incident.victims.get().relation == "family"


def test_screen_command_uses_victims_when_given(tmp_path):
    lines = [
        {"id": "old-format", "conduct": ["threat_online"], "narrative": "Synthetic test"},
        {"id": "officer", "conduct": ["threat_online"], "victims": [{"relation": "officer"}]},
        {"id": "family", "conduct": ["threat_online"], "victims": [{"relation": "family"}]},
        {"id": "bad", "conduct": ["threat_online"], "victims": [{"relation": "cousin"}]},
        {"id": "worse", "conduct": ["threat_online"], "victims": "family"},
    ]
    path = tmp_path / "victims.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "custos", "screen", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    out = {o["id"]: o for o in map(json.loads, result.stdout.splitlines())}
    assert out["old-format"]["outcome"] == "eligible"
    assert FAMILY not in out["old-format"]["offenses_allowed"]
    assert "18 U.S.C. 875(c)" in out["old-format"]["offenses_allowed"]
    assert FAMILY not in out["officer"]["offenses_allowed"]
    assert FAMILY in out["family"]["offenses_allowed"]
    assert "unknown relation: cousin" in out["bad"]["error"]
    assert '"victims" must be a list' in out["worse"]["error"]
    assert result.returncode == 1 and "2 line(s)" in result.stderr


# 2. Names in protected-only narratives -----------------------------------------------------------


def test_name_detector_finds_given_name_pairs_and_titles_but_not_ordinary_words():
    text = (
        f"Synthetic test: {STRANGER} filmed from the corner while Mr. Fernwhistle and "
        f"{TITLED} watched; Linda Marrowgate posted it."
    )
    assert screening.find_personal_names(text) == [
        "Mr. Fernwhistle",
        TITLED,
        STRANGER,
        "Linda Marrowgate",
    ]
    ordinary = (
        "Synthetic test: a person on Fictional Ave filmed Officer Example near Main Street on "
        "Monday. Will Officers come back? Mark Street was busy. The ICE vehicle left."
    )
    assert screening.find_personal_names(ordinary) == []
    # An officer's own name is allowed, also by surname with a title.
    mine = "Synthetic test: someone filmed Officer Susan Brambleton; Ms. Brambleton was fine."
    assert screening.find_personal_names(mine, ["Susan Brambleton"]) == []
    assert screening.find_personal_names(mine) == ["Ms. Brambleton", "Susan Brambleton"]


def test_api_refuses_protected_only_narrative_with_names_and_stores_nothing(world, signed_in):
    officer = world.user("a", "field_officer")
    officer.first_name, officer.last_name = "Susan", "Brambleton"
    officer.save()
    client = signed_in(officer)
    named = f"Synthetic test: {STRANGER} filmed Officer Susan Brambleton from the sidewalk."
    body = {"conduct": ["recording"], "narrative": named, "victims": [{"user_id": officer.pk}]}
    refused = _post(client, URL, body)
    assert refused.status_code == 422
    message = refused.json()["detail"]["narrative"][0]
    assert "names of people who are not officers cannot be kept" in message
    assert STRANGER in message and "Brambleton" not in message
    assert Incident.objects.count() == 0 and not _stored_anywhere("Quillbramble")

    # The officer's own name stays; the stranger is gone once the reporter takes it out.
    fixed = named.replace(STRANGER, "A person")
    created = _post(client, URL, {**body, "narrative": fixed})
    assert created.status_code == 201, created.content
    incident = Incident.objects.get()
    assert incident.is_protected_only and "Susan Brambleton" in incident.narrative

    # Eligible (criminal) incidents are never refused for names.
    crime = _post(
        client,
        URL,
        {"conduct": ["physical_contact"], "narrative": f"Synthetic test: {STRANGER} shoved him."},
    )
    assert crime.status_code == 201
    assert Incident.objects.get(pk=crime.json()["id"]).narrative.count("Quillbramble") == 1


def test_field_report_page_refuses_names_in_protected_only_narrative(world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    narrative = f"Synthetic test: {TITLED} was livestreaming the arrest."
    response = client.post(
        reverse("incidents:field_report"), {"conduct": ["livestreaming"], "narrative": narrative}
    )
    page = response.content.decode()
    assert "Please take these names out of the description" in page
    assert 'href="#id_narrative"' in page and narrative in page  # nothing the reporter typed lost
    assert Incident.objects.count() == 0 and not _stored_anywhere("Thistlecombe")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "names of people who are not officers cannot be kept"),
        ("es", "no se pueden guardar nombres de personas que no son agentes"),
    ],
)
def test_public_tip_refuses_names_in_protected_only_narrative(client, office_a, lang, expected):
    narrative = (
        f"Synthetic test: {STRANGER} y {TITLED} grababan a los agentes desde la acera."
        if lang == "es"
        else f"Synthetic test: {STRANGER} and {TITLED} were filming officers from the sidewalk."
    )
    url = reverse("incidents:public_tip") + f"?lang={lang}"
    data = {"office": office_a.pk, "conduct": ["recording"], "narrative": narrative, "lang": lang}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert expected in page and STRANGER in page and TITLED in page
    assert Incident.objects.count() == 0
    assert not _stored_anywhere("Quillbramble") and not _stored_anywhere("Thistlecombe")

    cleaned = narrative.replace(STRANGER, "alguien").replace(TITLED, "otra persona")
    done = client.post(url, {**data, "narrative": cleaned})
    assert done.status_code == 200
    reference = re.search(r'data-testid="reference">([A-Z0-9-]+)<', done.content.decode())[1]
    assert Incident.objects.get(reference=reference).is_protected_only


def test_public_tip_with_names_in_an_eligible_report_is_kept(client, office_a):
    narrative = f"Synthetic test: {STRANGER} threatened to kill the officer in a voicemail."
    response = client.post(
        reverse("incidents:public_tip"),
        {"office": office_a.pk, "conduct": ["threat_voicemail"], "narrative": narrative},
    )
    assert response.status_code == 200
    assert Incident.objects.get().narrative == narrative


def test_conduct_edited_to_protected_only_replaces_names(world):
    officer = world.user("a", "field_officer")
    incident = services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=["physical_contact"],
        narrative=f"Synthetic test: {STRANGER} pushed the officer, said {TITLED}.",
        actor=officer,
    )
    services.incident_update_conduct(
        incident=incident, conduct=["recording"], actor=officer, reason="only filmed"
    )
    incident.refresh_from_db()
    assert incident.is_protected_only
    assert "Quillbramble" not in incident.narrative and "Thistlecombe" not in incident.narrative
    assert incident.narrative.count("[name removed]") == 2


def test_existing_protected_scenarios_have_no_names_detected():
    # The protected scenarios must still go through (no false refusal).
    for scenario in PROTECTED:
        assert screening.find_personal_names(scenario.narrative) == [], scenario.name
