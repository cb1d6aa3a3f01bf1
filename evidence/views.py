"""Evidence pages: thin adapters over evidence.services and evidence.selectors.

Views never know where the bytes live: downloads stream from evidence.storage.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import Perm, has_perm, require
from common.formpage import errors_to_form, form_action
from evidence import disposal, selectors, services, storage
from evidence.bagexport import evidence_export_bag
from evidence.forms import (
    DisposeForm,
    ExportForm,
    LegalHoldForm,
    RedactForm,
    TranscriptForm,
    TransferForm,
    UploadForm,
)
from evidence.models import CustodyEvent, EvidenceItem
from evidence.streaming import EvidenceRefused


def _incident(request: HttpRequest, incident_id: int, perm: Perm) -> Any:
    """Find first (404 for another office, as for a missing record), then check the capability."""
    from incidents.selectors import incident_get_for_user

    incident = incident_get_for_user(incident_id=incident_id, user=request.user, audit=False)
    if not has_perm(request.user, perm):
        raise PermissionDenied
    return incident


def _item(request: HttpRequest, item_id: int, perm: Perm) -> EvidenceItem:
    """Find the item through the selector (404 out of scope), then check the capability (403)."""
    return selectors.evidence_get_for_action(item_id=item_id, user=request.user, perm=perm)


@login_required
def incident_evidence(request: HttpRequest, incident_id: int) -> HttpResponse:
    """List an incident's evidence; upload a file (POST)."""
    perm = Perm.EVIDENCE_ADD if request.method == "POST" else Perm.EVIDENCE_VIEW
    incident = _incident(request, incident_id, perm)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                item = services.evidence_ingest(
                    incident=incident,
                    fileobj=upload,
                    filename=upload.name,
                    content_type=upload.content_type,
                    actor=request.user,
                    collected_by_statement=form.cleaned_data["collected_by_statement"],
                    location=form.cleaned_data["location"],
                )
            except EvidenceRefused as refused:
                # Bad input gets a clear error and loses nothing: the form keeps the statement.
                form.add_error("file", refused.message)
                status = 422
            else:
                messages.success(request, _("The file was added to the evidence locker."))
                return redirect("evidence:detail", item_id=item.pk)
        else:
            status = 422 if request.FILES else 200
    items = selectors.evidence_for_incident(incident=incident, user=request.user)
    # Showing the list is a read of sensitive records: it is audited (28 CFR 23.20(g)).
    services.evidence_list_record(
        incident=incident, actor=request.user, item_ids=[item.pk for item in items]
    )
    return render(
        request,
        "evidence/incident.html",
        {
            "incident": incident,
            "items": items,
            "form": form,
            "can_add": has_perm(request.user, Perm.EVIDENCE_ADD),
            "can_export": has_perm(request.user, Perm.EVIDENCE_EXPORT),
            "export_form": ExportForm(),
        },
        status=status,
    )


@require(Perm.EVIDENCE_VERIFY)
def fixity(request: HttpRequest) -> HttpResponse:
    """Show the fixity state of the office's stored originals and any failing items."""
    return render(request, "evidence/fixity.html", selectors.fixity_overview(user=request.user))


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """Show one item, its file metadata and its chain of custody (the view is a custody event).

    The custody chain is checked from the last verified event on (cheap, every view); with
    ``?verify=all`` the whole chain is checked again (on demand, audited).
    """
    item = selectors.evidence_get_for_action(
        item_id=item_id, user=request.user, perm=Perm.EVIDENCE_VIEW, record_view=True
    )
    full_check = request.GET.get("verify") == "all"
    chain_problems = services.custody_chain_check(item=item, full=full_check, actor=request.user)
    item.refresh_from_db(fields=["custody_verified_sequence", "custody_verified_at"])
    # A disposed item (or a copy of one) is no longer released (C-37): no download link, the
    # disposal record instead.
    disposed = _disposed(item)
    can_act = has_perm(request.user, Perm.EVIDENCE_ADD) and not disposed
    # Holds and disposal are a records officer's acts in the owning office (C-37); the service
    # enforces it, the page only offers what would be accepted.
    can_dispose = (
        has_perm(request.user, Perm.EVIDENCE_DISPOSE)
        and item.office_id == getattr(request.user, "office_id", None)
        and not disposed
    )
    image_size = _image_size(item) if can_act else None
    return render(
        request,
        "evidence/detail.html",
        {
            "item": item,
            "custody": item.custody.select_related("to_user").order_by("sequence"),
            "gaps": selectors.custody_gaps(item),
            "chain_problems": chain_problems,
            "full_check": full_check,
            "disposed": disposed,
            "disposal": selectors.disposal_record(item) if disposed else None,
            "download_token": (
                "" if disposed else selectors.download_token_make(item=item, user=request.user)
            ),
            "can_add": can_act,
            "transfer_form": TransferForm(),
            "transcript_form": TranscriptForm(initial={"transcript": item.transcript}),
            # ids unique on the page
            "redact_form": RedactForm(image_size=image_size, auto_id="id_redact_%s"),
            "image_size": image_size,
            "preview_url": _preview_url(request, item),
            "can_dispose": can_dispose,
            "hold_form": LegalHoldForm(
                initial={"action": "lift" if item.legal_hold else "set"}, auto_id="id_hold_%s"
            ),
            "dispose_form": DisposeForm(auto_id="id_dispose_%s"),
        },
    )


def _disposed(item: EvidenceItem) -> bool:
    return item.disposed_at is not None or (
        item.parent is not None and item.parent.disposed_at is not None
    )


def _preview_url(request: HttpRequest, item: EvidenceItem) -> str:
    """A user-bound short-lived link to the image to draw redaction boxes on.

    The metadata-free working copy when there is one (same pixels, orientation applied, as
    media.redact_image uses); the script loads it only when asked, and each load is a
    "downloaded" custody event on that copy like any other download.
    """
    if item.kind != "image" or _disposed(item):
        return ""  # nothing of a disposed item (or of a copy of one) is offered (C-37)
    shown = (
        item.derivatives.filter(
            derivation=EvidenceItem.Derivation.WORKING_COPY, disposed_at__isnull=True
        ).first()
        or item
    )
    token = selectors.download_token_make(item=shown, user=request.user)
    return reverse("evidence:download", args=[shown.pk, token])


@login_required
def item_download(request: HttpRequest, item_id: int, token: str) -> HttpResponseBase:
    """Stream the original to the user the short-lived link was made for."""
    _item(request, item_id, Perm.EVIDENCE_VIEW)
    item = selectors.download_token_open(token=token, user=request.user)
    if item.pk != item_id:
        raise Http404
    # The bytes are checked before the download is recorded: a custody event says the file
    # was handed over, so none is written when it cannot be (missing object, store down).
    try:
        storage.require_present(item.blob.storage_key)
    except storage.StorageError as error:
        unavailable = isinstance(error, storage.StorageUnavailable)
        return render(
            request,
            "evidence/unavailable.html",
            {"item": item, "unavailable": unavailable},
            status=503 if unavailable else 409,
        )
    services.evidence_access_record(
        item=item, actor=request.user, action=CustodyEvent.Action.DOWNLOADED
    )
    response = StreamingHttpResponse(
        storage.iter_chunks(item.blob.storage_key), content_type=item.mime_type
    )
    response["Content-Length"] = str(item.blob.size)
    response["Content-Disposition"] = f'attachment; filename="{item.pk}.{item.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def item_transfer(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id, Perm.EVIDENCE_ADD)

    def transfer(data: dict[str, Any]) -> EvidenceItem:
        to_user = None
        if data["to_username"]:
            to_user = User.objects.filter(username=data["to_username"]).first()
            if to_user is None:
                raise ValidationError({"to_username": _("No user has that name.")})
            # The receiver takes custody: they must be able to see the item (need-to-know, own
            # office or shared) and hold a role that may act on it (oversight changes nothing).
            receivable = selectors.evidence_visible_to(to_user).filter(pk=item.pk).exists()
            if not receivable or not has_perm(to_user, Perm.EVIDENCE_ADD):
                raise ValidationError(
                    {"to_username": _("That user cannot take custody of this item.")}
                )
        services.evidence_transfer(
            item=item,
            actor=request.user,
            reason=data["reason"],
            to_user=to_user,
            to_place=data["to_place"],
        )
        return item

    return _item_form_action(request, item, TransferForm(request.POST), transfer)


@login_required
@require_POST
def custody_acknowledge(request: HttpRequest, event_id: int) -> HttpResponse:
    event = CustodyEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise Http404
    item = _item(request, event.item_id, Perm.EVIDENCE_VIEW)
    if event.to_user_id != request.user.pk:
        raise PermissionDenied
    try:
        services.evidence_acknowledge(transfer=event, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evidence:detail", item_id=item.pk)


@login_required
@require_POST
def item_transcript(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id, Perm.EVIDENCE_ADD)
    return _item_form_action(
        request,
        item,
        TranscriptForm(request.POST),
        lambda data: services.evidence_transcript_set(
            item=item, actor=request.user, transcript=data["transcript"]
        ),
    )


@login_required
@require_POST
def item_redact(request: HttpRequest, item_id: int) -> HttpResponse:
    """Make a redacted copy; without script, also add or remove a row of box edges.

    Section 508 / WCAG 2.1 AA (2.1.1): "Add a box" and "Remove" are submit buttons, so the rows
    work without script; the page comes back with what was typed and one row more or less.
    """
    item = _item(request, item_id, Perm.EVIDENCE_ADD)
    image_size = _image_size(item)
    form = RedactForm(request.POST, image_size=image_size, auto_id="id_redact_%s")
    typed = {name: request.POST.get(name, "") for name in ("boxes", "pages", "reason")}
    if "add_box" in request.POST or "remove_box" in request.POST:
        adding = "add_box" in request.POST
        removed = _row_index(request.POST.get("remove_box"))
        if removed is not None and not 0 <= removed < len(form.rows.forms):
            removed = None  # no such row (a stale page or a made-up number): remove nothing
        rows = form.rows_as_initial(drop=removed)
        again = RedactForm(
            initial=typed,
            image_size=image_size,
            rows=rows,
            extra_rows=1 if adding or not rows else 0,
            auto_id="id_redact_%s",
        )
        if adding:  # the keyboard lands in the new row
            again.rows.forms[-1].fields["left"].widget.attrs["autofocus"] = True
        if adding:
            note = _("A box was added.")
        elif removed is None:
            note = _("There is no such box: nothing was removed.")
        else:
            note = _("Box %(number)s was removed.") % {"number": removed + 1}
        return _redact_page(request, item, again, image_size, note=note, focus_add=not adding)
    if form.is_valid():
        try:
            copy = services.evidence_redact(
                item=item,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                boxes=form.cleaned_data["boxes"],
                pages=form.cleaned_data["pages"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            # The redacted copy is a new item: the page that follows is the copy's.
            return redirect("evidence:detail", item_id=copy.pk)
    return _redact_page(request, item, form, image_size, status=422)


def _row_index(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _redact_page(
    request: HttpRequest,
    item: EvidenceItem,
    form: RedactForm,
    image_size: tuple[int, int] | None,
    *,
    status: int = 200,
    note: str = "",
    focus_add: bool = False,
) -> HttpResponse:
    return render(
        request,
        "evidence/redact.html",
        {
            "item": item,
            "redact_form": form,
            "image_size": image_size,
            "preview_url": _preview_url(request, item),
            "note": note,
            "focus_add": focus_add,
        },
        status=status,
    )


def _image_size(item: EvidenceItem) -> tuple[int, int] | None:
    """The image's width and height as shown and redacted (EXIF orientation applied), or None.

    Read from the stored bytes, not the recorded metadata: a phone photo turned by its EXIF
    orientation swaps width and height, and media.redact_image works on the turned pixels.
    """
    if item.kind != "image":
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with storage.local_copy(item.blob.storage_key) as path, Image.open(path) as image:
            width, height = image.size
            # EXIF orientations 5-8 turn the image a quarter: width and height swap.
            if image.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
            return width, height
    except (storage.StorageError, UnidentifiedImageError, OSError, ValueError):
        return None  # the service gives the reason when the redaction is tried


@login_required
@require_POST
def item_legal_hold(request: HttpRequest, item_id: int) -> HttpResponse:
    """Set or lift a legal hold (records officer of the owning office; 44 U.S.C. 3106)."""
    item = _item(request, item_id, Perm.EVIDENCE_DISPOSE)
    form = LegalHoldForm(request.POST)
    hold = request.POST.get("action") == "set"
    return form_action(
        request,
        form,
        act=lambda data: disposal.evidence_legal_hold(
            item=item, actor=request.user, hold=data["action"] == "set", reason=data["reason"]
        ),
        done=_("Legal hold set.") if hold else _("Legal hold lifted."),
        then=reverse("evidence:detail", args=[item.pk]),
        heading=(
            _("Set a legal hold on %(name)s") if hold else _("Lift the legal hold on %(name)s")
        )
        % {"name": item.original_filename},
        back_label=_("Back to the item"),
    )


@login_required
@require_POST
def item_dispose(request: HttpRequest, item_id: int) -> HttpResponse:
    """Dispose of an item under a records-schedule item (records officer; 44 U.S.C. 3105)."""
    item = _item(request, item_id, Perm.EVIDENCE_DISPOSE)
    return form_action(
        request,
        DisposeForm(request.POST),
        act=lambda data: disposal.evidence_dispose(
            item=item,
            actor=request.user,
            schedule_item=data["schedule_item"],
            reason=data["reason"],
        ),
        done=_("The item was disposed of under the records schedule."),
        then=reverse("evidence:detail", args=[item.pk]),
        heading=_("Dispose of %(name)s under the records schedule")
        % {"name": item.original_filename},
        back_label=_("Back to the item"),
    )


def _item_form_action(
    request: HttpRequest,
    item: EvidenceItem,
    form: forms.Form,
    act: Callable[[dict[str, Any]], EvidenceItem],
) -> HttpResponse:
    """Run one form-backed action on an item and show the item it returns.

    Bad input and refusals are listed on the error page (422), each linked to its field.
    """
    if form.is_valid():
        try:
            shown = act(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("evidence:detail", item_id=shown.pk)
    return render(request, "evidence/form_page.html", {"item": item, "form": form}, status=422)


@login_required
@require_POST
def incident_export(request: HttpRequest, incident_id: int) -> HttpResponseBase:
    """Export the incident's evidence as a BagIt bag, sent as a zip file."""
    incident = _incident(request, incident_id, Perm.EVIDENCE_EXPORT)
    return _export_response(request, {"incident": incident})


@login_required
@require_POST
def case_export(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """Export the evidence of every case incident the user may see as one BagIt bag (zip)."""
    from cases.selectors import cases_visible_to

    # Found first (404 for a case not led by or shared with the office), then the capability.
    case = cases_visible_to(request.user).filter(pk=case_id).first()
    if case is None:
        raise Http404
    if not has_perm(request.user, Perm.EVIDENCE_EXPORT):
        raise PermissionDenied
    return _export_response(request, {"case": case})


def _export_response(request: HttpRequest, scope: dict[str, Any]) -> HttpResponseBase:
    form = ExportForm(request.POST)
    if not form.is_valid():
        return render(request, "evidence/form_page.html", {"form": form}, status=422)
    work = Path(tempfile.mkdtemp(dir=storage.staging_dir(), prefix="export-"))
    try:
        try:
            bag = evidence_export_bag(
                **scope, out_dir=work, actor=request.user, **form.cleaned_data
            )
        except (ValueError, storage.StorageError) as error:
            form.add_error(None, str(error))
            return render(request, "evidence/form_page.html", {"form": form}, status=409)
        archive = work / f"{bag.name}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
            for path in sorted(bag.rglob("*")):
                if path.is_file():
                    zipped.write(path, Path(bag.name) / path.relative_to(bag))
        shutil.rmtree(bag)
        handle = open(archive, "rb")  # noqa: SIM115 - FileResponse closes it
        archive.unlink()  # the open handle keeps the bytes until the response is sent
        return FileResponse(handle, as_attachment=True, filename=archive.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
