"""Resumable evidence uploads over tus 1.0 (core + creation), with a real tus client (tuspy).

Every file, incident and user here is synthetic test data.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from tusclient.client import TusClient
from tusclient.exceptions import TusUploadFailed

from accounts import services as account_services
from accounts.permissions import Perm, has_perm, is_read_only
from audit.models import AuditEvent
from evidence import storage
from evidence.models import Blob, CustodyEvent, EvidenceItem, UploadSession
from evidence.services import resumable
from evidence.tests.hostile_corpus import pe_bytes, wav_bytes

UPLOADS = "/api/v1/evidence/uploads"
CHUNK = 4096
TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_STREAM = "application/offset+octet-stream"


def _secret(user) -> str:
    return account_services.token_create(user=user, name="tus")[1]


def _tus_client(live_server, user) -> TusClient:
    return TusClient(
        f"{live_server.url}{UPLOADS}", headers={"Authorization": f"Bearer {_secret(user)}"}
    )


def _metadata_header(**pairs: str) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items()
    )


def _create(client, user, incident, length: int, filename: str = "nota.txt", **extra):
    headers = {
        **TUS,
        "Authorization": f"Bearer {_secret(user)}",
        "Upload-Length": str(length),
        "Upload-Metadata": _metadata_header(incident=str(incident.pk), filename=filename),
        **extra,
    }
    return client.post(UPLOADS, headers=headers)


def _patch(client, user, url: str, offset: int, data: bytes, content_type=OFFSET_STREAM):
    headers = {
        **TUS,
        "Authorization": f"Bearer {_secret(user)}",
        "Upload-Offset": str(offset),
        # Set here too: the test client leaves both out of a request with an empty body.
        "Content-Type": content_type,
        "Content-Length": str(len(data)),
    }
    return client.generic("PATCH", url, data=data, content_type=content_type, headers=headers)


def _staged_files() -> list:
    return [path for path in storage.staging_dir().rglob("*") if path.is_file()]


def _stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_tus_client_stopped_halfway_resumes_with_a_new_client_into_one_item(
    live_server, local_store, incident, world
):
    officer = world.user("a", "field_officer")
    recording = wav_bytes(seconds=2.0)  # 32 KB: eight requests of 4 KiB
    assert len(recording) > 6 * CHUNK
    metadata = {
        "incident": incident.reference,
        "filename": "llamada.wav",
        "filetype": "audio/wav",
        "statement": "Voicemail saved by the officer (synthetic).",
        "location": "Synthetic field office, room 2",
    }
    first = _tus_client(live_server, officer).uploader(
        file_stream=io.BytesIO(recording), chunk_size=CHUNK, metadata=metadata
    )
    first.upload(stop_at=3 * CHUNK)  # the phone loses its network after three requests
    assert first.offset == 3 * CHUNK
    assert not EvidenceItem.objects.exists()

    # The app restarts: a new client resumes with the same URL and learns the offset (HEAD).
    second = _tus_client(live_server, officer).uploader(
        file_stream=io.BytesIO(recording), chunk_size=CHUNK, url=first.url
    )
    assert second.offset == 3 * CHUNK
    second.upload()

    item = EvidenceItem.objects.get()
    assert item.blob.sha256 == hashlib.sha256(recording).hexdigest()
    assert item.blob.size == len(recording)
    assert (item.kind, item.original_filename, item.source) == ("audio", "llamada.wav", "api")
    assert item.collected_by_statement == metadata["statement"]
    assert second.request.response_headers["custos-evidence-id"] == str(item.pk)
    collected = item.custody.get(action=CustodyEvent.Action.COLLECTED)
    assert (collected.location, collected.sha256_seen) == (metadata["location"], item.blob.sha256)
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs.index("evidence.upload_create") < verbs.index("evidence.ingest")
    assert verbs.index("evidence.ingest") < verbs.index("evidence.upload_complete")
    assert _staged_files() == []

    # A client that lost the last reply asks again and learns the upload became that item.
    import requests

    head = requests.head(
        first.url, headers={**TUS, "Authorization": f"Bearer {_secret(officer)}"}, timeout=30
    )
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(recording))
    assert head.headers["Custos-Evidence-Id"] == str(item.pk)
    assert head.headers["Cache-Control"] == "no-store"


@pytest.mark.django_db(transaction=True)
def test_a_hostile_file_is_refused_at_completion_and_nothing_is_left(
    live_server, local_store, incident, world
):
    officer = world.user("a", "field_officer")
    program = pe_bytes() + bytes(3 * CHUNK)  # a Windows program renamed to look like a photo
    uploader = _tus_client(live_server, officer).uploader(
        file_stream=io.BytesIO(program),
        chunk_size=CHUNK,
        metadata={"incident": str(incident.pk), "filename": "foto.jpg", "filetype": "image/jpeg"},
    )
    with pytest.raises(TusUploadFailed) as refused:
        uploader.upload()
    assert refused.value.status_code == 422
    assert "executable" in json.loads(refused.value.response_content)["detail"]["file"][0]
    assert not EvidenceItem.objects.exists()
    assert not Blob.objects.exists()
    assert not UploadSession.objects.exists()
    assert _stored_files(local_store) == []
    assert _staged_files() == []
    assert AuditEvent.objects.filter(verb="evidence.upload_refused").count() == 1


def test_options_describes_the_server(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 2 * 1024**3
    officer = world.user("a", "field_officer")
    response = client.options(UPLOADS, headers={"Authorization": f"Bearer {_secret(officer)}"})
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation"
    assert response["Tus-Max-Size"] == str(2 * 1024**3)


@pytest.mark.django_db
def test_a_wrong_offset_gets_409_and_the_recorded_offset(client, local_store, incident, world):
    officer = world.user("a", "field_officer")
    created = _create(client, officer, incident, length=20)
    assert created.status_code == 201, created.content
    url = created["Location"]
    assert _patch(client, officer, url, 0, b"Synthetic ").status_code == 204

    again = _patch(client, officer, url, 0, b"Synthetic ")  # a replayed request
    assert again.status_code == 409
    assert again["Upload-Offset"] == "10"
    ahead = _patch(client, officer, url, 15, b"notes")
    assert ahead.status_code == 409
    assert UploadSession.objects.get().offset == 10

    past_the_end = _patch(client, officer, url, 10, b"more than ten bytes")
    assert past_the_end.status_code == 413
    wrong_type = _patch(client, officer, url, 10, b"note text!", content_type="text/plain")
    assert wrong_type.status_code == 415
    assert UploadSession.objects.get().offset == 10


@pytest.mark.django_db
def test_another_users_upload_is_as_if_it_did_not_exist(client, local_store, incident, world):
    officer = world.user("a", "field_officer")
    colleague = world.user("a", "supervisor")  # same office, may add evidence too
    url = _create(client, officer, incident, length=10)["Location"]
    auth = {"Authorization": f"Bearer {_secret(colleague)}"}

    assert client.head(url, headers={**TUS, **auth}).status_code == 404
    assert _patch(client, colleague, url, 0, b"Synthetic!").status_code == 404
    assert UploadSession.objects.get().offset == 0
    own = client.head(url, headers={**TUS, "Authorization": f"Bearer {_secret(officer)}"})
    assert own.status_code == 200
    assert (own["Upload-Offset"], own["Upload-Length"]) == ("0", "10")


@pytest.mark.django_db
def test_creation_checks_size_protocol_and_who_may_add_to_the_incident(
    client, local_store, incident, world, settings
):
    settings.EVIDENCE_MAX_BYTES = 1000
    officer = world.user("a", "field_officer")
    assert _create(client, officer, incident, length=1001).status_code == 413
    assert _create(client, officer, incident, length=1000).status_code == 201
    assert (
        _create(client, officer, incident, length=10, **{"Tus-Resumable": "0.2.2"}).status_code
        == 412
    )
    assert _create(client, officer, incident, length=10, filename="a/b.txt").status_code == 422
    # Another office's incident is as if it did not exist; no capability, 403.
    assert _create(client, world.user("b", "field_officer"), incident, length=10).status_code == 404
    no_capability = next(
        user
        for user in world.users.values()
        if not has_perm(user, Perm.EVIDENCE_ADD) and not is_read_only(user)
    )
    assert _create(client, no_capability, incident, length=10).status_code == 403
    assert UploadSession.objects.count() == 1


@pytest.mark.django_db
def test_a_dropped_request_keeps_the_bytes_that_arrived(local_store, incident, world):
    officer = world.user("a", "field_officer")
    upload = resumable.upload_create(
        user=officer, incident=incident, length=100, metadata={"filename": "nota.txt"}
    )

    class DroppedConnection(io.BytesIO):
        def read(self, size: int = -1) -> bytes:
            if self.tell() >= 30:
                raise ConnectionResetError("the phone lost its network")
            return super().read(min(size, 30 - self.tell()))

    upload = resumable.upload_append(
        upload=upload, user=officer, offset=0, body=DroppedConnection(b"x" * 60), content_length=60
    )
    assert upload.offset == 30
    assert resumable.staging_path(upload).read_bytes() == b"x" * 30


@pytest.mark.django_db
def test_the_sweep_removes_expired_uploads_and_their_staged_bytes(
    client, local_store, incident, world
):
    officer = world.user("a", "field_officer")
    old_url = _create(client, officer, incident, length=20)["Location"]
    assert _patch(client, officer, old_url, 0, b"Synthetic ").status_code == 204
    young_url = _create(client, officer, incident, length=20)["Location"]
    assert _patch(client, officer, young_url, 0, b"Synthetic ").status_code == 204
    old = UploadSession.objects.get(pk=old_url.rsplit("/", 1)[1])
    UploadSession.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    old_path = resumable.staging_path(old)
    assert old_path.exists()

    # Expired: gone for its owner at once, before any sweep.
    auth = {**TUS, "Authorization": f"Bearer {_secret(officer)}"}
    assert client.head(old_url, headers=auth).status_code == 404
    assert _patch(client, officer, old_url, 10, b"notes notes").status_code == 404

    out = io.StringIO()
    call_command("evidence", "sweep", stdout=out)
    assert json.loads(out.getvalue())["expired_uploads"] == 1
    assert not UploadSession.objects.filter(pk=old.pk).exists()
    assert not old_path.exists()
    assert client.head(young_url, headers=auth).status_code == 200
    assert len(_staged_files()) == 1


@pytest.mark.django_db
def test_a_store_failure_at_the_end_is_retried_by_resending_the_last_piece(
    client, local_store, incident, world, monkeypatch
):
    officer = world.user("a", "field_officer")
    note = b"Synthetic note about a fictional call.\n"
    url = _create(client, officer, incident, length=len(note))["Location"]
    assert _patch(client, officer, url, 0, note[:10]).status_code == 204
    real_put = storage.put

    def store_down(*args, **kwargs):
        raise storage.StorageError("The evidence store cannot be reached just now.")

    monkeypatch.setattr(storage, "put", store_down)
    client.raise_request_exception = False
    assert _patch(client, officer, url, 10, note[10:]).status_code == 500
    # Not complete: the offset still asks for the last piece, so a client sends it again.
    assert UploadSession.objects.get().offset == 10
    assert not EvidenceItem.objects.exists()

    monkeypatch.setattr(storage, "put", real_put)
    done = _patch(client, officer, url, 10, note[10:])
    assert done.status_code == 204
    item = EvidenceItem.objects.get()
    assert done["Custos-Evidence-Id"] == str(item.pk)
    assert item.blob.sha256 == hashlib.sha256(note).hexdigest()
    # Sent once more (the reply was lost): the same item, never a second one.
    again = _patch(client, officer, url, len(note), b"")
    assert (again.status_code, again["Custos-Evidence-Id"]) == (204, str(item.pk))
    assert EvidenceItem.objects.count() == 1
    assert _staged_files() == []


# Review findings: metadata checked up front, and a cap on open uploads -----------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("location", "Synthetic place " * 13),  # 208 characters: CustodyEvent.location holds 200
        ("statement", "s" * 5001),  # the upload form's limit
        ("filetype", "text/" + "x" * 100),
        ("location", "Synthetic\x00room"),  # PostgreSQL stores no NUL character
    ],
)
def test_metadata_a_column_cannot_hold_is_refused_at_creation_with_422(
    client, local_store, incident, world, key, value
):
    officer = world.user("a", "field_officer")
    metadata = _metadata_header(incident=str(incident.pk), filename="nota.txt", **{key: value})

    created = _create(client, officer, incident, length=10, **{"Upload-Metadata": metadata})

    assert created.status_code == 422, created.content
    assert key in created.json()["detail"]
    assert not UploadSession.objects.exists()


@pytest.mark.django_db
def test_metadata_at_the_limits_completes_into_an_item(client, local_store, incident, world):
    officer = world.user("a", "field_officer")
    note = b"Synthetic note!"
    place = "P" * 200
    metadata = _metadata_header(
        incident=str(incident.pk), filename="nota.txt", location=f"  {place} ", statement="S" * 5000
    )
    url = _create(client, officer, incident, length=len(note), **{"Upload-Metadata": metadata})[
        "Location"
    ]

    assert _patch(client, officer, url, 0, note).status_code == 204
    item = EvidenceItem.objects.get()
    assert item.custody.get(action=CustodyEvent.Action.COLLECTED).location == place
    assert item.collected_by_statement == "S" * 5000


@pytest.mark.django_db
def test_a_user_may_have_only_so_many_open_uploads(client, local_store, incident, world, settings):
    settings.CUSTOS_MAX_OPEN_UPLOADS = 2
    officer = world.user("a", "field_officer")
    first = _create(client, officer, incident, length=10)["Location"]
    assert _create(client, officer, incident, length=10).status_code == 201

    refused = _create(client, officer, incident, length=10)

    assert refused.status_code == 429
    assert "2 uploads in progress" in refused.json()["detail"]
    assert UploadSession.objects.filter(user=officer).count() == 2
    # Another user has their own allowance.
    assert _create(client, world.user("a", "supervisor"), incident, length=10).status_code == 201
    # A completed upload and an expired one no longer count.
    assert _patch(client, officer, first, 0, b"Synthetic!").status_code == 204
    assert _create(client, officer, incident, length=10).status_code == 201
    UploadSession.objects.filter(user=officer, evidence_item__isnull=True).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert _create(client, officer, incident, length=10).status_code == 201


@pytest.mark.django_db
def test_an_incident_id_in_other_digits_than_ascii_is_as_if_missing(incident, world):
    from django.http import Http404

    from evidence.selectors import incident_for_upload

    officer = world.user("a", "field_officer")
    arabic_indic = "".join(chr(0x0660 + int(digit)) for digit in str(incident.pk))
    assert incident_for_upload(user=officer, incident=f" {incident.pk} ") == incident
    assert incident_for_upload(user=officer, incident=incident.reference.lower()) == incident
    for value in (arabic_indic, "²", "9" * 19, f"{incident.pk}\n1"):
        with pytest.raises(Http404):
            incident_for_upload(user=officer, incident=value)
