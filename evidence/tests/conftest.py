"""Fixtures for the evidence tests: an incident, and the evidence store on disk or on S3.

Every record and file these fixtures make is synthetic test data.
"""

from __future__ import annotations

import uuid

import boto3
import pytest

from incidents.screening import CRIMINAL_CONDUCT


@pytest.fixture
def local_store(settings, tmp_path):
    """Point the evidence store at a fresh local directory."""
    root = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    settings.EVIDENCE_ALLOW_CORRUPTION_DRILL = True
    return root


@pytest.fixture
def s3_store(settings, s3_server, tmp_path):
    """Point the evidence store at a fresh bucket on the local moto S3 server."""
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", **credentials
    ).create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": True,
            },
        },
    }
    settings.EVIDENCE_ALLOW_CORRUPTION_DRILL = True
    settings.EVIDENCE_STAGING_DIR = str(tmp_path / "staging")  # private to this test
    return bucket


@pytest.fixture(params=["local", "s3"])
def store(request):
    """Run a test once against each storage backend."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Run background tasks at once, in the test's process (django-tasks ImmediateBackend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def incident(world):
    """A synthetic field report in office A that alleges an offense."""
    from incidents.services import incident_submit

    return incident_submit(
        office=world.offices["a"],
        channel="field_report",
        conduct=[next(iter(CRIMINAL_CONDUCT))],
        narrative="Synthetic test: a caller threatened Officer Sample Two (fictional).",
        actor=world.user("a", "field_officer"),
    )


@pytest.fixture
def item(local_store, incident, world):
    """A small synthetic text item in that incident, stored on disk (disposal and hold tests)."""
    import io

    from evidence import services
    from evidence.tests.hostile_corpus import FICTIONAL_TEXT

    return services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(FICTIONAL_TEXT.encode()),
        filename="nota.txt",
        actor=world.user("a", "field_officer"),
    )
