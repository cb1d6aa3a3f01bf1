"""Upload, view and download through the pages and the API, as real users would (synthetic data)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services as account_services
from audit.models import AuditEvent
from evidence.models import EvidenceItem
from evidence.selectors import download_token_make
from evidence.tests.hostile_corpus import FICTIONAL_TEXT, jpeg_bytes, write_hostile_corpus

pytestmark = pytest.mark.django_db


def _upload(client, incident, data: bytes, name: str, statement: str = ""):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("evidence:incident", kwargs={"incident_id": incident.pk}),
        {"file": upload, "collected_by_statement": statement, "location": "Front desk, Alpha"},
    )


def test_upload_through_the_incident_page_then_view_and_download(
    local_store, incident, world, signed_in
):
    officer = world.user("a", "field_officer")
    client = signed_in(officer)
    response = _upload(client, incident, jpeg_bytes(), "foto.jpg", "Taken by the victim.")
    item = EvidenceItem.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "evidence:detail", kwargs={"item_id": item.pk}
    )

    page = client.get(response.url)
    assert page.status_code == 200 and item.blob.sha256 in page.content.decode()
    token = download_token_make(item=item, user=officer)
    download = client.get(reverse("evidence:download", kwargs={"item_id": item.pk, "token": token}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == jpeg_bytes()
    actions = list(item.custody.values_list("action", flat=True))
    assert actions == ["collected", "received", "viewed", "downloaded"]
    assert item.custody.get(action="collected").location == "Front desk, Alpha"
    assert AuditEvent.objects.filter(verb="evidence.downloaded", target_id=str(item.pk)).exists()

    # The link is bound to its user: a colleague in the same office cannot use it.
    colleague = signed_in(world.user("a", "supervisor"))
    url = reverse("evidence:download", kwargs={"item_id": item.pk, "token": token})
    assert colleague.get(url).status_code == 404


def test_a_download_link_expires(local_store, incident, world, signed_in):
    import datetime

    import time_machine

    officer = world.user("a", "field_officer")
    client = signed_in(officer)
    _upload(client, incident, FICTIONAL_TEXT.encode(), "nota.txt")
    item = EvidenceItem.objects.get()
    token = download_token_make(item=item, user=officer)
    url = reverse("evidence:download", kwargs={"item_id": item.pk, "token": token})
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        # Ten minutes later the same link is refused (the limit is five minutes).
        assert client.get(url).status_code == 404
    assert client.get(url).status_code == 200


def test_every_hostile_file_uploaded_through_the_page_gets_its_message_and_no_5xx(
    local_store, incident, world, signed_in, tmp_path, settings
):
    client = signed_in(world.user("a", "field_officer"))
    cases = write_hostile_corpus(tmp_path / "hostile")
    for case in cases:
        if case.expected_code.startswith("name_"):
            # Django's multipart parser keeps only the printable base name (at most 255
            # characters); the streamed API receives the raw name and refuses it (next test).
            continue
        settings.EVIDENCE_MAX_BYTES = case.limits.max_bytes if case.limits else 4 * 1024**3
        upload = SimpleUploadedFile(
            case.declared_name,
            case.path.read_bytes(),
            content_type=case.declared_content_type or "application/octet-stream",
        )
        response = client.post(
            reverse("evidence:incident", kwargs={"incident_id": incident.pk}),
            {"file": upload, "collected_by_statement": "Kept after a refusal (synthetic)."},
        )
        assert response.status_code in (200, 422), case.label
        body = response.content.decode()
        assert "usa-alert--error" in body, case.label
        # The statement the user typed is still in the form: nothing is lost.
        assert "Kept after a refusal (synthetic)." in body, case.label
    assert EvidenceItem.objects.count() == 0


def test_every_hostile_file_streamed_to_the_api_gets_422_with_its_code(
    local_store, incident, world, client, tmp_path, settings
):
    from urllib.parse import urlencode

    _token, secret = account_services.token_create(user=world.user("a", "analyst"), name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for case in write_hostile_corpus(tmp_path / "hostile"):
        settings.EVIDENCE_MAX_BYTES = case.limits.max_bytes if case.limits else 4 * 1024**3
        query = urlencode({"incident_id": incident.pk, "filename": case.declared_name})
        response = client.generic(
            "PUT",
            f"/api/v1/evidence/stream?{query}",
            data=case.path.read_bytes(),
            content_type=case.declared_content_type or "application/octet-stream",
            **headers,
        )
        assert response.status_code == 422, case.label
        assert response.json()["detail"]["file"][0].startswith(case.expected_code), case.label
    assert EvidenceItem.objects.count() == 0


def test_api_upload_streamed_body_and_multipart_deduplicate(local_store, incident, world, client):
    _token, secret = account_services.token_create(user=world.user("a", "analyst"), name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    data = jpeg_bytes()
    streamed = client.generic(
        "PUT",
        f"/api/v1/evidence/stream?incident_id={incident.pk}&filename=foto.jpg",
        data=data,
        content_type="image/jpeg",
        **headers,
    )
    assert streamed.status_code == 201, streamed.content
    upload = io.BytesIO(data)
    upload.name = "foto-copia.jpg"
    multipart = client.post(
        "/api/v1/evidence", {"incident_id": incident.pk, "file": upload}, **headers
    )
    assert multipart.status_code == 201, multipart.content
    assert streamed.json()["sha256"] == multipart.json()["sha256"]
    assert streamed.json()["id"] != multipart.json()["id"]

    refused = client.generic(
        "PUT",
        f"/api/v1/evidence/stream?incident_id={incident.pk}&filename=foto.png",
        data=data,
        content_type="image/png",
        **headers,
    )
    assert refused.status_code == 422
    assert "type_mismatch" in refused.json()["detail"]["file"][0]

    item_id = streamed.json()["id"]
    assert client.get(f"/api/v1/evidence/{item_id}", **headers).status_code == 200
    custody = client.get(f"/api/v1/evidence/{item_id}/custody", **headers).json()
    assert [event["action"] for event in custody][:2] == ["collected", "received"]


def test_another_office_cannot_see_or_add_evidence(local_store, incident, world, client):
    _token, secret = account_services.token_create(user=world.user("b", "supervisor"), name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.generic(
        "PUT",
        f"/api/v1/evidence/stream?incident_id={incident.pk}&filename=nota.txt",
        data=FICTIONAL_TEXT.encode(),
        content_type="text/plain",
        **headers,
    )
    assert response.status_code == 404
    assert EvidenceItem.objects.count() == 0


def test_the_records_officer_sees_failing_originals_of_their_office_only(
    local_store, incident, world, signed_in
):
    from evidence import fixity, storage
    from evidence.services import evidence_ingest

    bad = evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(jpeg_bytes()),
        filename="foto.jpg",
        actor=world.user("a", "field_officer"),
    )
    storage._test_corrupt(bad.blob.storage_key, offset=300)
    fixity.fixity_check()

    own = signed_in(world.user("a", "records_officer")).get(reverse("evidence:fixity"))
    other = signed_in(world.user("b", "records_officer")).get(reverse("evidence:fixity"))
    assert own.status_code == other.status_code == 200
    assert f"/evidence/{bad.pk}/" in own.content.decode()
    assert f"/evidence/{bad.pk}/" not in other.content.decode()
