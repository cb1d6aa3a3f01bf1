"""Resumable evidence uploads over tus 1.0 (core protocol and the creation extension).

Mounted at /api/v1/evidence/uploads under the API's authentication (token, or a session that
passed MFA), so standard clients work: tus-js-client in a browser, TUSKit on iOS, tuspy.
Protocol: https://tus.io/protocols/resumable-upload. A thin adapter: it reads the tus headers,
calls ``evidence.services.resumable`` and answers with tus headers.

The upload's metadata (``Upload-Metadata``) carries what the streamed PUT takes as parameters:
``incident`` (id or receipt number), ``filename``, ``filetype``, ``statement`` (collected-by
statement) and ``location`` (where it was collected). A completed upload answers with
``Custos-Evidence-Id``, the evidence item it became.

Creation checks every value (trimmed, no NUL, within its column's length; the name as at
ingest) and answers 422 at once rather than refusing the finished upload. A user may have at
most ``CUSTOS_MAX_OPEN_UPLOADS`` (default 5) incomplete, unexpired uploads; one more gets 429.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from accounts.permissions import Perm, check
from custos.api import refuse_read_only
from evidence import selectors
from evidence.models import UploadSession
from evidence.services import resumable
from evidence.services.ingest import limits
from evidence.streaming import EvidenceRefused, EvidenceTooLarge

TUS_VERSION = "1.0.0"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
EVIDENCE_ID_HEADER = "Custos-Evidence-Id"
_INTEGER = re.compile(r"[0-9]{1,19}")
_METADATA_KEY = re.compile(r"[!-+\--~]+")  # printable ASCII without space or comma

router = Router(tags=["evidence"])


def _reply(status: int, detail: Any = None, **headers: str) -> HttpResponse:
    response = (
        JsonResponse({"detail": detail}, status=status) if detail else HttpResponse(status=status)
    )
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"  # offsets change under a cache's feet
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refused(refused: EvidenceRefused) -> ValidationError:
    # The same 422 body as the other upload endpoints: a stable code and the message to show.
    return ValidationError({"file": [f"{refused.code}: {refused.message}"]})


def _version_refused(request: HttpRequest) -> HttpResponse | None:
    """Return the 412 a request of another tus version (or none) gets, or None."""
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _reply(412, _("Only tus version 1.0.0 is supported."), Tus_Version=TUS_VERSION)
    return None


def _integer(request: HttpRequest, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if _INTEGER.fullmatch(value) else None


def parse_metadata(header: str) -> dict[str, str]:
    """Decode ``Upload-Metadata`` (comma-separated ``key base64value``); ValueError if malformed."""
    pairs: dict[str, str] = {}
    for part in header.split(","):
        if not part.strip():
            continue
        key, _space, encoded = part.strip().partition(" ")
        if not _METADATA_KEY.fullmatch(key) or key in pairs:
            raise ValueError(key)
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(key) from error
    return pairs


def _upload_headers(upload: UploadSession) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
    if upload.evidence_item_id is not None:
        headers[EVIDENCE_ID_HEADER] = str(upload.evidence_item_id)
    return headers


@router.api_operation(["OPTIONS"], "", url_name="evidence_upload_options")
def upload_options(request: HttpRequest) -> HttpResponse:
    """Describe the tus server: version, extensions and the largest upload accepted."""
    return _reply(
        204,
        Tus_Version=TUS_VERSION,
        Tus_Extension="creation",
        Tus_Max_Size=str(limits().max_bytes),
    )


@router.post("", url_name="evidence_upload_create")
def upload_create(request: HttpRequest) -> HttpResponse:
    """Open a resumable upload (tus creation): 201 with its Location."""
    refuse_read_only(request)
    # The incident is named in the metadata, not the URL: the capability is weighed first.
    check(request.user, Perm.EVIDENCE_ADD)
    if (refusal := _version_refused(request)) is not None:
        return refusal
    length = _integer(request, "Upload-Length")
    if length is None:
        return _reply(400, _("Upload-Length must be given as a whole number of bytes."))
    if length > limits().max_bytes:
        too_large = EvidenceTooLarge(message=_("The file is larger than the upload limit."))
        return _reply(413, {"file": [f"{too_large.code}: {too_large.message}"]})
    try:
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    except ValueError:
        return _reply(400, _("Upload-Metadata is not valid tus metadata."))
    if not metadata.get("incident"):
        return _reply(400, _("Upload-Metadata must name the incident (its id or receipt number)."))
    # 404 for an incident of another office, as for one that does not exist.
    incident = selectors.incident_for_upload(user=request.user, incident=metadata["incident"])
    try:
        upload = resumable.upload_create(
            user=request.user, incident=incident, length=length, metadata=metadata
        )
    except EvidenceRefused as refused:
        raise _refused(refused) from None
    except resumable.TooManyUploads as too_many:
        # 429, not 409: tus clients retry a 409 at once, and this clears only when one of the
        # open uploads completes or expires.
        return _reply(
            429,
            _(
                "You already have %(limit)s uploads in progress. Finish one, or wait for it to "
                "expire (24 hours after it began), before starting another."
            )
            % {"limit": too_many.limit},
        )
    location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{upload.pk}")
    return _reply(201, Location=location, Upload_Offset="0")


@router.api_operation(["HEAD"], "/{uuid:upload_id}", url_name="evidence_upload_head")
def upload_head(request: HttpRequest, upload_id: UUID) -> HttpResponse:
    """Report how many bytes of the upload the server holds (tus core)."""
    upload = selectors.upload_get_for_user(upload_id=upload_id, user=request.user)
    if (refusal := _version_refused(request)) is not None:
        return refusal
    return _reply(200, **_upload_headers(upload))


@router.patch("/{uuid:upload_id}", url_name="evidence_upload_patch")
def upload_patch(request: HttpRequest, upload_id: UUID) -> HttpResponse:
    """Append the body at Upload-Offset; the last bytes turn the upload into evidence (204)."""
    refuse_read_only(request)
    upload = selectors.upload_get_for_user(upload_id=upload_id, user=request.user)
    if (refusal := _version_refused(request)) is not None:
        return refusal
    if request.content_type != OFFSET_CONTENT_TYPE:
        return _reply(415, _("The body must be sent as application/offset+octet-stream."))
    offset = _integer(request, "Upload-Offset")
    content_length = request.META.get("CONTENT_LENGTH") or ""
    if offset is None or not _INTEGER.fullmatch(content_length):
        return _reply(400, _("Upload-Offset and Content-Length must be whole numbers of bytes."))
    try:
        upload = resumable.upload_append(
            upload=upload,
            user=request.user,
            offset=offset,
            body=request,  # WSGIRequest.read() streams the body from the socket
            content_length=int(content_length),
        )
    except resumable.OffsetMismatch as mismatch:
        return _reply(
            409,
            _("The upload is at another offset; ask for it (HEAD) and continue from there."),
            Upload_Offset=str(mismatch.expected),
        )
    except resumable.UploadOverflow:
        return _reply(413, _("The body goes past the Upload-Length given at creation."))
    except resumable.UploadBusy:
        return _reply(423, _("Another request is writing to this upload; try again shortly."))
    except EvidenceRefused as refused:
        raise _refused(refused) from None
    return _reply(204, **_upload_headers(upload))
