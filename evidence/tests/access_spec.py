"""Access expectations for the evidence routes (read by common/tests/test_access_matrix.py).

Every object here belongs to office A; users of office B get 404 as for a missing record.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.permissions import Perm, has_perm, is_read_only, reads_all_offices
from common.testing import Actor, Route, World, api_write, office_record, page

NOTE = b"Synthetic note for the access matrix: Officer Sample Two, 555-0173.\n"


def _incident(world: World):
    if "evidence_incident" not in world.objects:
        from incidents.screening import CRIMINAL_CONDUCT
        from incidents.services import incident_submit

        world.objects["evidence_incident"] = incident_submit(
            office=world.offices["a"],
            channel="field_report",
            conduct=[next(iter(CRIMINAL_CONDUCT))],
            narrative="Synthetic access-matrix incident (fictional).",
            actor=world.user("a", "field_officer"),
        )
    return world.objects["evidence_incident"]


def _item(world: World):
    if "evidence_item" not in world.objects:
        from evidence.services import evidence_ingest

        world.objects["evidence_item"] = evidence_ingest(
            incident=_incident(world),
            fileobj=io.BytesIO(b"Synthetic note: Officer Sample Two, 555-0173.\n"),
            filename="nota.txt",
            actor=world.user("a", "field_officer"),
        )
    return world.objects["evidence_item"]


def _fresh_item_kwargs(world: World) -> dict:
    """A new item of office A for each actor: a legal hold or a disposal changes its item."""
    from evidence.services import evidence_ingest

    item = evidence_ingest(
        incident=_incident(world),
        fileobj=io.BytesIO(b"Synthetic record for the disposal routes (fictional).\n"),
        filename="registro.txt",
        actor=world.user("a", "field_officer"),
    )
    return {"item_id": item.pk}


def _upload_kwargs(world: World) -> dict:
    # One upload for every actor: the matrix's requests carry no Tus-Resumable header, so each is
    # answered (412, 404 or 403) before anything is written, and a user may have only a few
    # uploads open at once (CUSTOS_MAX_OPEN_UPLOADS).
    if "evidence_upload" not in world.objects:
        from evidence.services.resumable import upload_create

        world.objects["evidence_upload"] = upload_create(
            user=world.user("a", "field_officer"),
            incident=_incident(world),
            length=len(NOTE),
            metadata={"filename": "nota.txt"},
        )
    return {"upload_id": world.objects["evidence_upload"].pk}


def _tus(*, ok: int, perm: Perm | None):
    def expect(actor: Actor) -> int:
        if actor.anonymous:
            return 401
        if perm is not None and (is_read_only(actor.user) or not has_perm(actor.user, perm)):
            return 403
        return ok

    return expect


def _tus_own_upload(*, write: bool):
    def expect(actor: Actor) -> int:
        if actor.anonymous:
            return 401
        if write and is_read_only(actor.user):
            return 403  # refused before anything is looked up
        if (actor.office, actor.role) == ("a", "field_officer"):
            return 412  # the owner: past every check, refused only for the missing Tus-Resumable
        return 404

    return expect


def _incident_kwargs(world: World) -> dict:
    return {"incident_id": _incident(world).pk}


def _item_kwargs(world: World) -> dict:
    return {"item_id": _item(world).pk}


def _download_kwargs(world: World) -> dict:
    from evidence.selectors import download_token_make

    item = _item(world)
    return {"item_id": item.pk, "token": download_token_make(item=item, user=item.added_by)}


def _download(actor: Actor) -> int:
    # The link is bound to the user it was made for (a-field_officer); for anyone else it is
    # as if it did not exist.
    if actor.anonymous:
        return 302
    if (actor.office, actor.role) == ("a", "field_officer"):
        return 200
    return office_record(Perm.EVIDENCE_VIEW, ok=404)(actor)


def _transfer_kwargs(world: World) -> dict:
    from evidence.services import evidence_transfer

    event = evidence_transfer(
        item=_item(world),
        actor=world.user("a", "field_officer"),
        reason="Synthetic transfer for the access matrix.",
        to_user=world.user("a", "supervisor"),
    )
    return {"event_id": event.pk}


def _acknowledge(actor: Actor) -> int:
    if actor.anonymous:
        return 302
    if actor.office != "a" and not reads_all_offices(actor.user):
        return 404
    # Only the named receiver may acknowledge; everyone else who can see the item gets 403.
    return 302 if (actor.office, actor.role) == ("a", "supervisor") else 403


def _api_item(actor: Actor) -> int:
    if actor.anonymous:
        return 401
    visible = actor.office == "a" or reads_all_offices(actor.user)
    return 200 if visible and has_perm(actor.user, Perm.EVIDENCE_VIEW) else 404


def _upload_body(world: World) -> dict:
    return {
        "incident_id": _incident(world).pk,
        "file": SimpleUploadedFile("nota.txt", NOTE, content_type="text/plain"),
    }


ROUTES = [
    Route("evidence:incident", office_record(Perm.EVIDENCE_VIEW), kwargs=_incident_kwargs),
    # A POST with no file re-renders the form with its error.
    Route(
        "evidence:incident",
        office_record(Perm.EVIDENCE_ADD),
        method="POST",
        kwargs=_incident_kwargs,
    ),
    Route(
        "evidence:export",
        office_record(Perm.EVIDENCE_EXPORT, ok=422),
        method="POST",
        kwargs=_incident_kwargs,
    ),
    Route("evidence:fixity", page(Perm.EVIDENCE_VERIFY)),
    Route("evidence:detail", office_record(Perm.EVIDENCE_VIEW), kwargs=_item_kwargs),
    Route("evidence:download", _download, kwargs=_download_kwargs),
    Route(
        "evidence:transfer",
        office_record(Perm.EVIDENCE_ADD, ok=422),
        method="POST",
        kwargs=_item_kwargs,
    ),
    Route(
        "evidence:transcript",
        office_record(Perm.EVIDENCE_ADD, ok=422),
        method="POST",
        kwargs=_item_kwargs,
    ),
    Route(
        "evidence:redact",
        office_record(Perm.EVIDENCE_ADD, ok=422),
        method="POST",
        kwargs=_item_kwargs,
    ),
    Route("evidence:acknowledge", _acknowledge, method="POST", kwargs=_transfer_kwargs),
    # A valid file for office A's incident: adding evidence needs EVIDENCE_ADD in the office
    # that owns the incident; other offices get 404 (field offices see their own records).
    Route(
        "api:evidence_upload",
        api_write(Perm.EVIDENCE_ADD, ok=201),
        method="POST",
        data=_upload_body,
        body="multipart",
        api=True,
    ),
    Route(
        "api:evidence_upload_stream",
        api_write(Perm.EVIDENCE_ADD, ok=201),
        method="PUT",
        query=lambda w: {"incident_id": _incident(w).pk, "filename": "nota.txt"},
        data=lambda w: NOTE,
        body="raw",
        api=True,
    ),
    # Resumable uploads (tus 1.0, evidence/tus.py). The protocol lives in headers this matrix
    # cannot send (Tus-Resumable, Upload-Length, Upload-Offset), so these are not marked `api`:
    # where every authorisation check has passed, the answer is the protocol's own refusal of a
    # request without Tus-Resumable (412), which comes after them. evidence/tests/test_resumable.py
    # proves the successful paths with a real tus client.
    Route("api:evidence_upload_options", _tus(ok=204, perm=None), method="OPTIONS"),
    Route("api:evidence_upload_create", _tus(ok=412, perm=Perm.EVIDENCE_ADD), method="POST"),
    # An upload belongs to the user who opened it (a-field_officer): anyone else gets 404.
    Route(
        "api:evidence_upload_head",
        _tus_own_upload(write=False),
        method="HEAD",
        kwargs=_upload_kwargs,
    ),
    Route(
        "api:evidence_upload_patch",
        _tus_own_upload(write=True),
        method="PATCH",
        kwargs=_upload_kwargs,
    ),
    # Legal hold and disposal (44 U.S.C. 3105-3106; C-37): a records officer of the owning office
    # only. An empty page POST re-renders the form with its errors (422); read-only roles are
    # refused by the middleware (403); other offices get 404 as for a missing item.
    Route(
        "evidence:legal_hold",
        office_record(Perm.EVIDENCE_DISPOSE, ok=422),
        method="POST",
        kwargs=_item_kwargs,
    ),
    Route(
        "evidence:dispose",
        office_record(Perm.EVIDENCE_DISPOSE, ok=422),
        method="POST",
        kwargs=_item_kwargs,
    ),
    Route(
        "api:evidence_legal_hold",
        api_write(Perm.EVIDENCE_DISPOSE),
        method="POST",
        kwargs=_fresh_item_kwargs,
        data=lambda w: {"hold": True, "reason": "Synthetic litigation hold (access matrix)."},
        api=True,
    ),
    Route(
        "api:evidence_dispose",
        api_write(Perm.EVIDENCE_DISPOSE),
        method="POST",
        kwargs=_fresh_item_kwargs,
        data=lambda w: {"schedule_item": "GRS 5.2 item 020", "reason": "Retention ended."},
        api=True,
    ),
    Route("api:evidence_get", _api_item, kwargs=_item_kwargs, api=True),
    Route("api:evidence_custody", _api_item, kwargs=_item_kwargs, api=True),
    # Issue 4 item 9: a case's evidence as one bag; a case of office A (not shared) is 404
    # elsewhere; an empty POST re-renders the form (422).
    Route(
        "evidence:case_export",
        office_record(Perm.EVIDENCE_EXPORT, ok=422),
        method="POST",
        kwargs=lambda w: {"case_id": _export_case(w).pk},
    ),
]


def _export_case(world: World):
    if "evidence_case" not in world.objects:
        from cases.services import case_open

        world.objects["evidence_case"] = case_open(
            actor=world.user("a", "supervisor"),
            title="Synthetic access-matrix case",
            incident_ids=[_incident(world).pk],
        )
    return world.objects["evidence_case"]
