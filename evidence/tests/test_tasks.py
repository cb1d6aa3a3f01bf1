"""Scheduled fixity and clean-up, transcripts, the exposure-scanner feed and text search."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import TestCase

from audit.models import AuditEvent
from evidence import services
from evidence.selectors import incident_ids_matching_evidence_text
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, wav_bytes

pytestmark = pytest.mark.django_db


def test_schedule_queues_each_daily_task_once_and_each_run_queues_the_next(settings):
    from django_tasks_db.models import DBTaskResult

    from evidence import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("evidence", "schedule", stdout=io.StringIO())
    call_command("evidence", "schedule", stdout=io.StringIO())
    assert DBTaskResult.objects.filter(task_path__endswith="fixity_scheduled").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="cleanup_partials").count() == 1

    DBTaskResult.objects.all().delete()
    report = tasks.fixity_scheduled.call()
    assert report["checked"] == 0
    queued = DBTaskResult.objects.get(task_path__endswith="fixity_scheduled")
    assert queued.run_after is not None  # tomorrow, not now


def test_staff_transcript_feeds_the_exposure_scanner(local_store, incident, world):
    officer = world.user("a", "field_officer")
    voicemail = services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(wav_bytes()), filename="buzon.wav", actor=officer
    )
    assert voicemail.kind == "audio" and voicemail.file_metadata["av"]["duration"] > 0
    # No speech-to-text model is configured: nothing is filled in, nothing is downloaded.
    assert services.evidence_transcribe(item=voicemail).transcript == ""

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.evidence_transcript_set(
            item=voicemail, actor=officer, transcript="Synthetic: he lives at 456 Imaginary Lane."
        )
    voicemail.refresh_from_db()
    assert voicemail.transcript_machine_made is False
    assert AuditEvent.objects.filter(
        verb="exposure.scan_evidence", target_id=str(voicemail.pk)
    ).exists()


def test_a_configured_model_directory_without_the_package_changes_nothing(
    local_store, incident, world, tmp_path, monkeypatch
):
    monkeypatch.setenv("CUSTOS_WHISPER_MODEL_DIR", str(tmp_path))
    item = services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(wav_bytes()),
        filename="buzon.wav",
        actor=world.user("a", "field_officer"),
    )
    try:
        import faster_whisper  # noqa: F401

        pytest.skip("faster-whisper is installed: this checks the fallback only")
    except ImportError:
        pass
    assert services.evidence_transcribe(item=item).transcript == ""


def test_evidence_text_is_searchable_beside_the_narrative(local_store, incident, world):
    item = services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(FICTIONAL_TEXT.encode()),
        filename="nota.txt",
        actor=world.user("a", "field_officer"),
    )
    type(item).objects.filter(pk=item.pk).update(ocr_text="AVISO A LOS VECINOS Calle Ficticia")
    assert list(incident_ids_matching_evidence_text("Ficticia")) == [{"incident_id": incident.pk}]
    assert list(incident_ids_matching_evidence_text("Inexistente")) == []
