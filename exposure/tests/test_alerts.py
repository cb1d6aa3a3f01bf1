"""Alerts: once per (person, source), who is told and what the e-mail holds, the protective
unit's work (acknowledge, measures, close), and incident drafts for restricted information only.

SYNTHETIC TEST DATA throughout (see factories.py): fictional names and streets, 555-01xx phones,
example.invalid e-mails.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from exposure import services
from exposure.models import AlertNotice, ExposureAlert
from exposure.tests.factories import anselmo_values, lucia_values, make_person
from incidents import screening
from incidents.models import Incident

pytestmark = pytest.mark.django_db

FLYER = (
    "SE BUSCA: la agente Lucia Quintero vive en 418 Mirlo St. Llamela al 202.555.0143. "
    "Tambien Anselmo Brightwater, placa ZXR 4471."
)
NEWS = "Officer Lucia Quintero received an award at the ceremony on Tuesday."


@pytest.fixture
def roster(world):
    office = world.offices["a"]
    lucia = make_person(office, lucia_values(), "R-001", user=world.user("a", "field_officer"))
    anselmo = make_person(office, anselmo_values(), "R-002", user=world.user("a", "supervisor"))
    return lucia, anselmo


def _alert_mail():
    return [m for m in mail.outbox if "exposure alert" in m.subject]


def _scan(world, text, execute, label="synthetic flyer"):
    with execute(execute=True):
        return services.text_scan(actor=world.user("a", "protective_unit"), text=text, label=label)


def test_a_flyer_raises_one_alert_per_person_and_source(
    world, roster, django_capture_on_commit_callbacks
):
    _result, alerts = _scan(world, FLYER, django_capture_on_commit_callbacks)
    assert sorted(a.person.roster_id for a in alerts) == ["R-001", "R-002"]
    lucia_alert = next(a for a in alerts if a.person.roster_id == "R-001")
    assert {"address", "phone"} <= set(lucia_alert.identifier_types)
    assert lucia_alert.restricted
    anselmo_alert = next(a for a in alerts if a.person.roster_id == "R-002")
    assert anselmo_alert.identifier_types[0] == "plate" and not anselmo_alert.restricted
    sent = len(mail.outbox)
    assert len(_alert_mail()) == 4  # each exposed officer once, the protective unit twice
    _again, repeat = _scan(world, FLYER, django_capture_on_commit_callbacks)
    assert repeat == []
    assert ExposureAlert.objects.count() == 2
    assert len(mail.outbox) == sent  # nobody is told twice


def test_the_email_names_source_and_types_never_values(
    world, roster, django_capture_on_commit_callbacks
):
    _scan(world, FLYER, django_capture_on_commit_callbacks)
    officer = world.user("a", "field_officer")
    unit = world.user("a", "protective_unit")
    # (The intake service also tells the victim of the drafted incident: a separate e-mail.)
    to_officer = [m for m in _alert_mail() if m.to == [officer.email]]
    assert len(to_officer) == 1
    body = to_officer[0].body
    assert "synthetic flyer" in body and "address" in body and "phone" in body
    for value in ("Mirlo", "555", "0143", "Quintero", "Lucia", "ZXR", "4471"):
        assert value.lower() not in (body + to_officer[0].subject).lower()
    # The protective unit hears of both alerts; in-app notices match the e-mails.
    assert len([m for m in _alert_mail() if m.to == [unit.email]]) == 2
    assert AlertNotice.objects.filter(recipient=officer).count() == 1
    assert AlertNotice.objects.filter(recipient=unit).count() == 2
    assert not [m for m in mail.outbox if m.to == [world.user("b", "protective_unit").email]]


def test_a_family_members_alert_goes_to_their_officer(
    world, roster, django_capture_on_commit_callbacks
):
    lucia, _anselmo = roster
    values = lucia_values()
    values.full_name, values.aliases = "Tomas Quintero", []
    values.phones, values.emails, values.plates = ["(202) 555-0166"], [], []
    values.relatives = []
    make_person(world.offices["a"], values, "R-001-F1", linked_to=lucia)
    _result, alerts = _scan(
        world, "Tomas Quintero: 202 555 0166", django_capture_on_commit_callbacks
    )
    assert [a.person.roster_id for a in alerts] == ["R-001-F1"]
    officer = world.user("a", "field_officer")
    assert [m.to for m in _alert_mail() if m.to == [officer.email]] == [[officer.email]]
    assert AlertNotice.objects.filter(recipient=officer, alert=alerts[0]).exists()


def test_a_name_alone_is_no_exposure(world, roster, django_capture_on_commit_callbacks):
    result, alerts = _scan(world, NEWS, django_capture_on_commit_callbacks)
    assert alerts == [] and result.exposures == ()
    assert [m.person for m in result.mentions] == ["R-001"]
    assert not Incident.objects.exists()
    assert mail.outbox == []


def test_restricted_information_drafts_an_incident_without_offense_or_subject(
    world, roster, django_capture_on_commit_callbacks
):
    _result, alerts = _scan(world, FLYER, django_capture_on_commit_callbacks)
    incident = Incident.objects.get()
    assert incident.channel == Incident.Channel.EXPOSURE_ALERT
    assert incident.conduct == [services.RESTRICTED_INFO_CONDUCT]
    assert "18 U.S.C. 119" in screening.offenses_allowed(incident.conduct)
    assert not incident.offenses.exists()  # intent must be shown before any offense is alleged
    assert [v.user for v in incident.victims.all()] == [world.user("a", "field_officer")]
    restricted = [a for a in alerts if a.restricted]
    assert [a.incident_id for a in restricted] == [incident.pk]
    # The plate-only alert stays a protective matter.
    assert [a.incident_id for a in alerts if not a.restricted] == [None]
    for value in ("Mirlo", "0143"):
        assert value not in incident.narrative
    from intel.models import Subject

    assert not Subject.objects.exists()


def test_the_unit_drafts_the_incident_when_the_source_had_no_reporter(world, roster):
    lucia, _anselmo = roster
    alert = ExposureAlert.objects.create(
        person=lucia,
        office=lucia.office,
        source_type="bulk",
        source_key="doc-1",
        source_label="bulk file",
        identifier_types=["phone"],
        restricted=True,
    )
    plate_only = ExposureAlert.objects.create(
        person=lucia,
        office=lucia.office,
        source_type="bulk",
        source_key="doc-2",
        source_label="bulk file",
        identifier_types=["plate", "name"],
        restricted=False,
    )
    incident = services.alert_incident_draft(alert=alert, actor=world.user("a", "protective_unit"))
    assert incident.channel == "exposure_alert"
    with pytest.raises(ValidationError, match="already"):
        services.alert_incident_draft(alert=alert, actor=world.user("a", "protective_unit"))
    with pytest.raises(ValidationError, match="protective matter"):
        services.alert_incident_draft(alert=plate_only, actor=world.user("a", "protective_unit"))


def test_the_protective_unit_works_an_alert(world, roster, django_capture_on_commit_callbacks):
    _result, alerts = _scan(world, FLYER, django_capture_on_commit_callbacks)
    alert = alerts[0]
    unit = world.user("a", "protective_unit")
    for outsider in (
        world.user("b", "protective_unit"),
        world.user("a", "oversight"),
        world.user("a", "supervisor"),
    ):
        with pytest.raises(PermissionDenied):
            services.alert_acknowledge(alert=alert, actor=outsider)
    services.alert_acknowledge(alert=alert, actor=unit)
    with pytest.raises(ValidationError):
        services.alert_acknowledge(alert=alert, actor=unit)
    services.measure_record(alert=alert, actor=unit, kind="takedown", note="request to host")
    services.measure_record(alert=alert, actor=unit, kind="residence_check")
    with pytest.raises(ValidationError):
        services.measure_record(alert=alert, actor=unit, kind="other")  # needs a note
    with pytest.raises(ValidationError):
        services.alert_close(alert=alert, actor=unit, reason=" ")
    services.alert_close(alert=alert, actor=unit, reason="flyer removed, patrol briefed")
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.measures.count() == 2
    with pytest.raises(ValidationError):
        services.measure_record(alert=alert, actor=unit, kind="patrol")
    verbs = set(AuditEvent.objects.filter(target_id=str(alert.pk)).values_list("verb", flat=True))
    assert {
        "exposure_alert.raise",
        "exposure_alert.acknowledge",
        "exposure_alert.measure",
        "exposure_alert.close",
    } <= verbs


def test_every_read_of_a_roster_entry_is_audited(world, roster, signed_in):
    lucia, _anselmo = roster
    unit = signed_in(world.user("a", "protective_unit"))
    assert unit.get(f"/exposure/roster/{lucia.pk}/").status_code == 200
    assert AuditEvent.objects.filter(verb="roster.read", target_id=str(lucia.pk)).count() == 1
    page = unit.get("/exposure/roster/")
    assert "R-001" in page.content.decode()
    assert AuditEvent.objects.filter(verb="roster.list").count() == 1
    own = signed_in(world.user("a", "field_officer")).get("/exposure/me/")
    assert "418 Mirlo Street" in own.content.decode()
    assert AuditEvent.objects.filter(verb="roster.read_own", target_id=str(lucia.pk)).count() == 1
    # Another office's protective unit: the entry does not exist for them.
    other = signed_in(world.user("b", "protective_unit"))
    assert other.get(f"/exposure/roster/{lucia.pk}/").status_code == 404


def test_a_person_corrects_their_own_entry_through_the_page(world, roster, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    form = {
        "full_name": "Lucia Quintero Vale",
        "aliases": "",
        "addresses": "418 Mirlo Street",
        "phones": "(202) 555-0143\nnot a phone",
        "emails": "",
        "plates": "",
        "relatives": "",
    }
    response = client.post("/exposure/me/", form)
    assert response.status_code == 200 and "Not a valid phone number" in response.content.decode()
    form["phones"] = "(202) 555-0147"
    assert client.post("/exposure/me/", form).status_code == 302
    lucia, _ = roster
    lucia.refresh_from_db()
    assert lucia.phones == ["(202) 555-0147"] and lucia.emails == []


def test_the_scan_page_raises_alerts(world, roster, signed_in, django_capture_on_commit_callbacks):
    client = signed_in(world.user("a", "protective_unit"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exposure/scan/", {"label": "pasted post", "text": FLYER})
    assert response.status_code == 200
    assert "2 protected people exposed" in response.content.decode()
    assert ExposureAlert.objects.filter(source_type="text").count() == 2
    empty = client.post("/exposure/scan/", {"label": "", "text": "   "})
    assert "This field is required" in empty.content.decode()


def test_the_unit_links_a_family_member_to_their_officer(world, signed_in):
    office = world.offices["a"]
    officer_entry = make_person(office, lucia_values(), "R-001")
    values = lucia_values()
    values.full_name, values.aliases, values.relatives = "Tomas Quintero", [], []
    values.phones, values.emails, values.plates = ["(202) 555-0166"], [], []
    family = make_person(office, values, "R-001-F1")
    unit = signed_in(world.user("a", "protective_unit"))
    url = f"/exposure/roster/{officer_entry.pk}/link/"
    assert unit.post(url, {"username": "a-field_officer"}).status_code == 302
    bad = unit.post(f"/exposure/roster/{family.pk}/link/", {"family_of": "R-001"})
    assert bad.status_code == 422 and "related" in bad.content.decode()
    ok = unit.post(f"/exposure/roster/{family.pk}/link/", {"family_of": "R-001", "relation": "son"})
    assert ok.status_code == 302
    family.refresh_from_db()
    assert family.linked_to == officer_entry and family.relation_to_linked == "son"
    other_office = unit.post(url, {"username": "b-field_officer"})
    assert other_office.status_code == 422
    assert AuditEvent.objects.filter(verb="roster.link").count() == 2


def test_an_officer_sees_their_family_entries_and_ids_are_not_an_oracle(world, signed_in):
    office = world.offices["a"]
    officer_entry = make_person(
        office, lucia_values(), "R-001", user=world.user("a", "field_officer")
    )
    values = lucia_values()
    values.full_name, values.aliases, values.relatives = "Tomas Quintero", [], []
    values.phones, values.emails, values.plates = ["(202) 555-0166"], [], []
    make_person(office, values, "R-001-F1", linked_to=officer_entry)
    page = signed_in(world.user("a", "field_officer")).get("/exposure/me/").content.decode()
    assert "Tomas Quintero" in page and "(202) 555-0166" in page
    assert AuditEvent.objects.filter(verb="roster.read_own_family").count() == 1
    form = {"roster_id": "R-001", "full_name": "Synthetic Person Example"}
    for unit in (world.user("a", "protective_unit"), world.user("b", "protective_unit")):
        response = signed_in(unit).post("/exposure/roster/new/", form)
        assert response.status_code == 200
        assert "already in use" in response.content.decode()
