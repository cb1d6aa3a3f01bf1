"""A background evidence scan is the system's act: alerts and incident drafts are recorded with no
user as their actor (audit label "system"); the uploader is named only as the source's submitter.

SYNTHETIC TEST DATA (see factories.py): fictional officers and streets, 555-01xx phones.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from evidence.models import EvidenceItem
from evidence.services import evidence_ingest
from exposure.models import ExposureAlert
from exposure.tasks import scan_evidence
from exposure.tests.factories import lucia_values, make_person
from incidents.models import Incident
from incidents.services import incident_submit

pytestmark = pytest.mark.django_db

FLYER = "Synthetic flyer: Lucia Quintero lives at 418 Mirlo Street, call (202) 555-0143."


@pytest.fixture
def evidence_store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        },
    }


def _uploaded_flyer(world, office_key: str) -> EvidenceItem:
    """An evidence item uploaded by a supervisor of the office, its text already read (OCR)."""
    uploader = world.user(office_key, "supervisor")
    incident = incident_submit(
        office=world.offices[office_key],
        channel="field_report",
        conduct=["threat_written"],
        narrative="Synthetic test: a flyer was found taped to a lamp post.",
        actor=uploader,
    )
    item = evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(b"synthetic flyer photo stand-in\n"),
        filename="flyer.txt",
        actor=uploader,
    )
    EvidenceItem.objects.filter(pk=item.pk).update(ocr_text=FLYER)
    return item


def test_an_evidence_scan_raises_alerts_and_drafts_as_the_system(
    world, evidence_store, django_capture_on_commit_callbacks
):
    officer = world.user("a", "field_officer")
    make_person(world.offices["a"], lucia_values(), "R-001", user=officer)
    item = _uploaded_flyer(world, "a")
    uploader = world.user("a", "supervisor")

    with django_capture_on_commit_callbacks(execute=True):
        assert scan_evidence.call(item.pk) == 1

    alert = ExposureAlert.objects.get(source_type="evidence", source_key=str(item.pk))
    assert alert.restricted and alert.raised_by is None
    raised = AuditEvent.objects.get(verb="exposure_alert.raise", target_id=str(alert.pk))
    assert (raised.actor_id, raised.actor_label) == (None, "system")
    # The uploader is still named, as who submitted the source.
    assert raised.data["source_submitted_by"] == uploader.pk

    # The draft (18 U.S.C. 119) is the system's too: no user created it, every event says so.
    draft = Incident.objects.get(channel=Incident.Channel.EXPOSURE_ALERT)
    assert alert.incident == draft and draft.created_by is None
    draft_events = AuditEvent.objects.filter(
        target_type="incidents.incident", target_id=str(draft.pk)
    )
    assert {"incident.submit", "incident.transition", "incident.screen"} <= set(
        draft_events.values_list("verb", flat=True)
    )
    linked = AuditEvent.objects.filter(
        verb="exposure_alert.incident_draft", target_id=str(alert.pk)
    )
    for event in [*draft_events, *linked]:
        assert (event.actor_id, event.actor_label) == (None, "system"), event.verb
    assert not AuditEvent.objects.filter(
        actor=uploader, verb__in=["exposure_alert.raise", "exposure_alert.incident_draft"]
    ).exists()
    assert not AuditEvent.objects.filter(
        actor=uploader, target_type="incidents.incident", target_id=str(draft.pk)
    ).exists()


def test_the_system_drafts_no_incident_from_another_offices_evidence(
    world, evidence_store, django_capture_on_commit_callbacks
):
    # Office B's evidence exposes office A's officer: A is alerted, and its protective unit
    # drafts the incident from the alert page; the system writes nothing into A's incidents.
    make_person(world.offices["a"], lucia_values(), "R-001", user=world.user("a", "field_officer"))
    item = _uploaded_flyer(world, "b")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_evidence.call(item.pk) == 1
    alert = ExposureAlert.objects.get()
    assert alert.office == world.offices["a"] and alert.incident is None
    assert not Incident.objects.filter(channel=Incident.Channel.EXPOSURE_ALERT).exists()


def test_only_an_exposure_alert_draft_comes_from_the_system(world):
    common = {
        "office": world.offices["a"],
        "conduct": ["restricted_info_with_call_to_harm"],
        "narrative": "Synthetic test: restricted information found.",
    }
    with pytest.raises(PermissionDenied):
        incident_submit(channel="exposure_alert", actor=None, **common)
    with pytest.raises(ValueError):
        incident_submit(channel="field_report", actor=None, system=True, **common)
    with pytest.raises(ValueError):
        incident_submit(
            channel="exposure_alert", actor=world.user("a", "supervisor"), system=True, **common
        )
