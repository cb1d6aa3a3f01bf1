"""The pages: field report, phone tip, public tip form, lists, review; email notifications."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import Incident, Notice
from incidents.tests.scenarios import (
    ELIGIBLE,
    FAMILY_VICTIM,
    PLANTED_VALUES,
    PROTECTED,
    REVIEW,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _report(client, url, scenario, **extra):
    data = {"conduct": scenario.conduct, "narrative": scenario.narrative, **extra}
    return client.post(url, data)


@pytest.mark.parametrize("scenario", PROTECTED, ids=lambda s: s.name)
def test_field_report_page_protected_scenarios(scenario, world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    url = reverse("incidents:field_report")
    refused = _report(client, url, scenario, offenses=["18 U.S.C. 111(a)"])
    assert refused.status_code == 200
    assert "protected activity" in refused.content.decode()
    assert 'aria-describedby="id_offenses_helptext id_offenses_error"' in refused.content.decode()
    refused = _report(client, url, scenario, suspect_description="tall, red jacket")
    assert "no description of the person can be kept" in refused.content.decode()
    refused = _report(client, url, scenario, other_victim_name="Pat Example")
    assert "cannot be kept" in refused.content.decode()
    assert Incident.objects.count() == 0
    done = _report(client, url, scenario)
    assert "Protected activity only" in done.content.decode()
    incident = Incident.objects.get()
    assert incident.is_protected_only
    for value in PLANTED_VALUES:
        assert value not in incident.narrative
    detail = client.get(reverse("incidents:detail", args=[incident.pk]))
    assert detail.status_code == 404


@pytest.mark.parametrize("scenario", ELIGIBLE, ids=lambda s: s.name)
def test_field_report_page_eligible_scenarios(scenario, world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    url = reverse("incidents:field_report")
    family = (
        {"other_victim_name": FAMILY_VICTIM["name"], "other_victim_relation": "family"}
        if scenario.family_victim
        else {}
    )
    refused = _report(client, url, scenario, offenses=list(scenario.offenses_refused[:1]), **family)
    assert "cannot support" in refused.content.decode()
    response = _report(client, url, scenario, offenses=list(scenario.offenses_allowed), **family)
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert (incident.screening_outcome, incident.status) == ("eligible", "open")
    assert sorted(o.code for o in incident.offenses.all()) == sorted(scenario.offenses_allowed)


def test_phone_tip_with_optional_caller_contact(world, signed_in):
    client = signed_in(world.user("a", "analyst"))
    scenario = ELIGIBLE[0]
    response = _report(
        client,
        reverse("incidents:phone_tip"),
        scenario,
        reporter_name="Synthetic Caller",
        reporter_phone="202-555-0110",
    )
    assert response.status_code == 200, response.content
    incident = Incident.objects.get()
    assert incident.channel == "phone_tip" and incident.reporter_phone == "202-555-0110"
    # The caller's contact is optional.
    _report(client, reverse("incidents:phone_tip"), scenario)
    assert Incident.objects.count() == 2


def test_review_queue_and_review_page(world, signed_in):
    officer = signed_in(world.user("a", "field_officer"))
    _report(officer, reverse("incidents:field_report"), REVIEW)
    incident = Incident.objects.get()
    assert incident.status == "needs_review"
    supervisor = signed_in(world.user("a", "supervisor"))
    queue = supervisor.get(reverse("incidents:review_queue")).content.decode()
    assert incident.reference in queue and "filmed" in queue
    # 28 CFR 23.20(g): the queue read is audited with the references it showed.
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(verb="incident.review_queue")
    assert event.data["references"] == [incident.reference]
    assert event.actor == world.user("a", "supervisor")
    review_url = reverse("incidents:review", args=[incident.pk])
    assert officer.post(review_url, {"decision": "open", "reason": "x"}).status_code == 403
    supervisor.post(review_url, {"decision": "open", "reason": "filming was incidental"})
    incident.refresh_from_db()
    assert incident.status == "open"


def test_list_filters_search_pagination_and_every_search_is_audited(world, signed_in):
    from incidents import services

    officer = world.user("a", "field_officer")
    for i in range(27):
        services.incident_submit(
            office=world.offices["a"],
            channel="field_report" if i % 2 else "phone_tip",
            conduct=["property_damage"],
            narrative=f"Synthetic test {i}: a brick broke the window of the field office van.",
            offenses=["18 U.S.C. 1361"] if i < 5 else [],
            actor=world.user("a", "supervisor"),
        )
    services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=["threat_voicemail"],
        narrative="Synthetic test: a voicemail threatened the officer's family.",
        actor=officer,
    )
    services.incident_submit(
        office=world.offices["b"],
        channel="field_report",
        conduct=["threat_voicemail"],
        narrative="Synthetic test: another office's voicemail threat.",
        actor=world.user("b", "field_officer"),
    )
    client = signed_in(officer)
    url = reverse("incidents:list")
    page1 = client.get(url).content.decode()
    assert "28 incidents" in page1 and "another office" not in page1
    assert 'href="?&amp;page=2"' in page1
    found = client.get(url, {"q": "voicemail"}).content.decode()
    assert "1 incident" in found
    assert "5 incidents" in client.get(url, {"offense": "18 U.S.C. 1361"}).content.decode()
    assert "14 incidents" in client.get(url, {"channel": "phone_tip"}).content.decode()
    assert (
        "0 incidents"
        in client.get(url, {"from": "2001-01-01", "to": "2001-12-31"}).content.decode()
    )
    searches = AuditEvent.objects.filter(verb="incident.search", actor_id=officer.pk)
    assert searches.count() == 5
    assert any(e.data["text"] == "voicemail" for e in searches)


def test_suspect_description_is_never_searchable(world, signed_in):
    from incidents import services

    services.incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=["physical_contact"],
        narrative="Synthetic test: pushed the officer.",
        suspect_description="Synthetic test: distinctive green scarf",
        actor=world.user("a", "field_officer"),
    )
    client = signed_in(world.user("a", "field_officer"))
    assert (
        "0 incidents"
        in client.get(reverse("incidents:list"), {"q": "green scarf"}).content.decode()
    )
    api = client.get("/api/v1/incidents", {"q": "green scarf"}).json()
    assert api["count"] == 0


# The public tip form ---------------------------------------------------------------------------


def _tip(client, office, scenario=None, **extra):
    scenario = scenario or ELIGIBLE[0]
    data = {
        "office": office.pk,
        "conduct": scenario.conduct,
        "narrative": scenario.narrative,
        **extra,
    }
    return client.post(reverse("incidents:public_tip"), data)


def test_public_tip_gives_a_receipt_and_screens_like_any_other(client, office_a):
    response = _tip(client, office_a)
    assert response.status_code == 200
    reference = re.search(r'data-testid="reference">([A-Z0-9-]+)<', response.content.decode())[1]
    incident = Incident.objects.get(reference=reference)
    assert incident.channel == "public_tip" and incident.created_by is None
    assert incident.screening_outcome == "eligible"
    filming = _tip(client, office_a, PROTECTED[0])
    filming_ref = re.search(r'data-testid="reference">([A-Z0-9-]+)<', filming.content.decode())[1]
    assert Incident.objects.get(reference=filming_ref).is_protected_only


def test_public_tip_never_reveals_the_outcome_or_what_is_on_file(client, office_a):
    pages = [
        _tip(client, office_a, ELIGIBLE[0]).content.decode(),
        _tip(client, office_a, PROTECTED[0]).content.decode(),
        _tip(client, office_a, REVIEW).content.decode(),
        _tip(client, office_a, website="http://spam.example.invalid").content.decode(),
    ]
    normalised = {re.sub(r"CST-[A-Z0-9]+", "REF", page) for page in pages}
    normalised = {re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p) for p in normalised}
    normalised = {re.sub(r'"X-CSRFToken": "[^"]+"', "", p) for p in normalised}
    assert len(normalised) == 1
    # The honeypot stored nothing.
    assert Incident.objects.count() == 3


def test_public_tip_in_spanish(client, office_a):
    page = client.get(reverse("incidents:public_tip"), {"lang": "es"}).content.decode()
    assert '<html lang="es">' in page
    assert "Denuncie una amenaza o un ataque contra un agente" in page
    response = client.post(
        reverse("incidents:public_tip") + "?lang=es", {"office": office_a.pk, "lang": "es"}
    )
    assert response.status_code == 400
    assert "Elija al menos un tipo de conducta." in response.content.decode()


def test_public_tip_errors_are_linked_to_fields_and_nothing_is_lost(client, office_a):
    response = client.post(
        reverse("incidents:public_tip"),
        {"office": office_a.pk, "narrative": "Synthetic test: kept text", "conduct": []},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_conduct"' in page and 'id="id_conduct"' in page
    assert "Synthetic test: kept text" in page
    too_long = _tip(client, office_a, narrative="x" * 5001)
    assert too_long.status_code == 400 and Incident.objects.count() == 0


def test_public_tip_rate_limit_per_address(client, office_a, settings):
    settings.CUSTOS_TIP_RATE_LIMIT = 2
    assert _tip(client, office_a).status_code == 200
    assert _tip(client, office_a).status_code == 200
    assert _tip(client, office_a).status_code == 429
    other = client.__class__(REMOTE_ADDR="192.0.2.77")
    assert _tip(other, office_a).status_code == 200
    assert Incident.objects.count() == 3


def test_public_tip_attachments_go_to_the_evidence_locker(client, office_a, tmp_path, settings):
    import io

    from PIL import Image

    from evidence.models import EvidenceItem

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    png = buffer.getvalue()
    upload = SimpleUploadedFile("synthetic.png", png, content_type="image/png")
    response = _tip(client, office_a, attachments=[upload])
    assert response.status_code == 200, response.content.decode()[-2000:]
    incident = Incident.objects.get()
    assert EvidenceItem.objects.filter(incident=incident).count() == 1
    # A refused file rolls the tip back with a clear message; the text comes back to the form.
    bad = SimpleUploadedFile("synthetic.exe", b"MZ\x90\x00" * 100, content_type="image/png")
    refused = _tip(client, office_a, attachments=[bad])
    assert refused.status_code == 400
    assert 'id="id_attachments_error"' in refused.content.decode()
    assert Incident.objects.count() == 1
    # A protected-only tip keeps no attachment (they would show the people in it).
    upload = SimpleUploadedFile("synthetic.png", png, content_type="image/png")
    _tip(client, office_a, PROTECTED[0], attachments=[upload])
    assert EvidenceItem.objects.count() == 1


# Notifications ---------------------------------------------------------------------------------


def test_submit_emails_a_link_only_and_the_link_works_only_in_the_office(
    world, signed_in, smtp_server, django_capture_on_commit_callbacks, settings
):
    # The notice goes through the task queue; run tasks at once in this process.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    victim = world.user("a", "field_officer")
    client = signed_in(victim)
    scenario = ELIGIBLE[1]
    with django_capture_on_commit_callbacks(execute=True):
        _report(client, reverse("incidents:field_report"), scenario, victim_officers=[victim.pk])
    incident = Incident.objects.get()
    recipients = sorted(r for m in smtp_server.messages for r in m["to"])
    assert recipients == sorted([victim.email, world.user("a", "supervisor").email])
    body = smtp_server.messages[0]["message"].get_content()
    assert "shoved" not in body and incident.narrative[:20] not in body
    link = re.search(r"https?://\S+", body)[0]
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    assert signed_in(world.user("b", "field_officer")).get(path).status_code == 404
    assert signed_in(world.user("b", "supervisor")).get(path).status_code == 404
    assert Notice.objects.filter(user=victim, incident=incident).exists()
    assert incident.reference in client.get(reverse("incidents:notices")).content.decode()


def test_notices_are_queued_and_a_rerun_sends_nothing_twice(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    from django_tasks_db.models import DBTaskResult

    from incidents import services
    from incidents.notifications import notify_victims

    victim = world.user("a", "field_officer")
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_submit(
            office=world.offices["a"],
            channel="field_report",
            conduct=["threat_online"],
            narrative="Synthetic test: an online threat.",
            victims=[{"user": victim}],
            actor=victim,
        )
    queued = DBTaskResult.objects.filter(task_path__endswith="notify_incident")
    assert queued.count() == 1 and mailoutbox == []
    assert notify_victims(incident_id=incident.pk) == 2
    assert notify_victims(incident_id=incident.pk) == 0
    assert len(mailoutbox) == 2 and Notice.objects.filter(incident=incident).count() == 2


def test_public_tip_refuses_more_than_three_attachments_and_keeps_the_text(client, office_a):
    files = [
        SimpleUploadedFile(f"synthetic{i}.txt", b"Synthetic test note", content_type="text/plain")
        for i in range(4)
    ]
    response = _tip(client, office_a, attachments=files)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Attach at most 3 files." in page and ELIGIBLE[0].narrative[:30] in page
    assert Incident.objects.count() == 0


def test_phone_tip_about_filming_keeps_no_caller_or_person_details(world, signed_in):
    client = signed_in(world.user("a", "supervisor"))
    response = _report(
        client,
        reverse("incidents:phone_tip"),
        PROTECTED[0],
        reporter_name="Synthetic Caller",
        reporter_phone="202-555-0111",
    )
    assert "Protected activity only" in response.content.decode()
    incident = Incident.objects.get()
    assert (incident.reporter_name, incident.reporter_phone) == ("", "")
    assert incident.is_protected_only and incident.status == "closed"
