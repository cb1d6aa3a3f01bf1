"""End to end: a photographed Spanish flyer is uploaded as evidence, OCR reads it, the scanner
finds the two rostered officers on it, each gets one alert e-mail at a real SMTP server on
localhost, and an incident draft exists with 18 U.S.C. 119 allowed and no subject.

SYNTHETIC TEST DATA: fictional officers and streets, 555-01xx phones, example.invalid e-mails.
Real components: Tesseract, aiosmtpd, the database.
"""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import call_command

from evidence.services import evidence_ingest
from evidence.tasks import make_derivatives
from evidence.tests.test_ocr import FONT, render_flyer
from exposure.models import ExposureAlert
from exposure.tasks import scan_evidence
from exposure.tests.factories import anselmo_values, lucia_values, make_person
from incidents import screening
from incidents.models import Incident
from incidents.services import incident_submit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("tesseract") is None or not FONT.exists(),
        reason="needs tesseract-ocr (eng, spa) and fonts-dejavu-core",
    ),
]

FLYER = [
    "AVISO A LOS VECINOS",
    "La agente Lucia Quintero vive en",
    "418 Mirlo Street. Su teléfono: (202) 555-0143.",
    "El agente Anselmo Brightwater vive en",
    "93 Quillfeather Avenue. Teléfono 202-555-0178.",
    "Díganles que no son bienvenidos aquí.",
]


@pytest.fixture
def evidence_store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        },
    }


def _run_worker() -> None:
    """Run every queued task, as `custos db_worker` does beside the server."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_spanish_flyer_photo_to_alert_emails_and_incident_draft(
    world, evidence_store, smtp_server, tmp_path
):
    # Real commits, so the upload and OCR schedule their follow-up tasks as in production.
    office = world.offices["a"]
    lucia_user, anselmo_user = world.user("a", "field_officer"), world.user("a", "analyst")
    make_person(office, lucia_values(), "R-001", user=lucia_user)
    make_person(office, anselmo_values(), "R-002", user=anselmo_user)
    reporter = world.user("a", "supervisor")
    found_flyer = incident_submit(
        office=office,
        channel="field_report",
        conduct=["threat_written"],
        narrative="Synthetic test: a flyer was found taped to a lamp post.",
        actor=reporter,
    )
    photo = render_flyer(FLYER, tmp_path / "aviso.jpg", angle=5.0, seed=3)
    with photo.open("rb") as handle:
        item = evidence_ingest(
            incident=found_flyer, fileobj=handle, filename="aviso.jpg", actor=reporter
        )

    _run_worker()  # evidence: working copy and OCR, which queues the exposure scan
    item.refresh_from_db()
    assert item.ocr_status == "done" and item.ocr_language == "spa"
    _run_worker()  # exposure: scan the OCR text, raise alerts, e-mail after commit
    assert scan_evidence.call(item.pk) == 0  # safe to run twice: once per (person, source)

    alerts = ExposureAlert.objects.filter(source_type="evidence", source_key=str(item.pk))
    assert sorted(alerts.values_list("person__roster_id", flat=True)) == ["R-001", "R-002"]
    assert all(alert.restricted for alert in alerts)

    alert_mail = [m for m in smtp_server.messages if "exposure alert" in m["message"]["Subject"]]
    for officer in (lucia_user, anselmo_user):
        mine = [m for m in alert_mail if m["to"] == [officer.email]]
        assert len(mine) == 1
        body = mine[0]["message"].get_content()
        assert f"evidence item {item.pk}" in body and "phone" in body and "address" in body
        for value in ("Mirlo", "Quillfeather", "555", "Quintero", "Brightwater"):
            assert value not in body
    unit = world.user("a", "protective_unit")
    assert len([m for m in alert_mail if m["to"] == [unit.email]]) == 2

    draft = Incident.objects.get(channel=Incident.Channel.EXPOSURE_ALERT)
    assert draft.office == office
    assert "18 U.S.C. 119" in screening.offenses_allowed(draft.conduct)
    assert not draft.offenses.exists()
    assert {v.user for v in draft.victims.all()} == {lucia_user, anselmo_user}
    assert set(alerts.values_list("incident", flat=True)) == {draft.pk}
    from intel.models import Subject

    assert not Subject.objects.exists()


def test_scan_evidence_command_finds_flyers_already_in_the_locker(
    world, evidence_store, tmp_path, django_capture_on_commit_callbacks
):
    office = world.offices["a"]
    reporter = world.user("a", "supervisor")
    incident = incident_submit(
        office=office,
        channel="field_report",
        conduct=["threat_written"],
        narrative="Synthetic test: flyer found before the officer was on the roster.",
        actor=reporter,
    )
    photo = render_flyer(FLYER, tmp_path / "aviso.jpg", angle=-4.0, seed=5)
    with photo.open("rb") as handle:
        item = evidence_ingest(incident=incident, fileobj=handle, filename="a.jpg", actor=reporter)
    make_derivatives.call(item.pk)
    make_person(office, lucia_values(), "R-001", user=world.user("a", "field_officer"))
    err = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("exposure", "scan-evidence", stderr=err)
    assert "New alerts: 1." in err.getvalue()
    assert ExposureAlert.objects.get().source_key == str(item.pk)
