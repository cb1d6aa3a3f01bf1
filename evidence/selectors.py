"""Every read of evidence a user asks for, scoped by what the user may see.

Evidence is visible to those who can see its incident (own office, shared, oversight). Not
allowed and does not exist give the same answer (404). Opening an item is a custody event and
an audit event (28 CFR 23.20(g): every read of a sensitive record is logged).
"""

from __future__ import annotations

import re
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import Perm, has_perm
from evidence import services
from evidence.models import CustodyEvent, EvidenceItem, UploadSession

DOWNLOAD_SALT = "custos.evidence.download"
DOWNLOAD_MAX_AGE_SECONDS = 300
_INCIDENT_ID = re.compile(r"[0-9]{1,18}")


def evidence_in_scope(user: Any) -> QuerySet[EvidenceItem]:
    """Return the items of the incidents the user may see, before any capability check.

    The one place that scopes evidence: pages find an item here first (404 when it is not in
    scope, as for one that does not exist), then check the capability (403).
    """
    from incidents.selectors import incidents_visible_to

    return EvidenceItem.objects.filter(incident__in=incidents_visible_to(user)).select_related(
        "blob", "incident", "parent"
    )


def evidence_visible_to(user: Any) -> QuerySet[EvidenceItem]:
    """Return the items whose incident the user may see (none without the capability)."""
    if not has_perm(user, Perm.EVIDENCE_VIEW):
        return EvidenceItem.objects.none()
    return evidence_in_scope(user)


def evidence_for_incident(*, incident: Any, user: Any) -> QuerySet[EvidenceItem]:
    """Return the evidence of an incident the caller already got through its selector."""
    return evidence_visible_to(user).filter(incident=incident)


def evidence_get_for_user(*, item_id: int, user: Any, record_view: bool = True) -> EvidenceItem:
    """Return one item, recording the view as a custody and audit event; 404 if not visible."""
    item = evidence_visible_to(user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    if record_view:
        services.evidence_access_record(item=item, actor=user, action=CustodyEvent.Action.VIEWED)
    return item


def evidence_get_for_action(
    *, item_id: int, user: Any, perm: Perm, record_view: bool = False
) -> EvidenceItem:
    """Return one item in the user's scope for a page action that needs ``perm``.

    404 if the item is not in scope (as for one that does not exist), then 403 without the
    capability. With ``record_view`` the read is a custody and audit event (28 CFR 23.20(g)).
    """
    item = evidence_in_scope(user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    if not has_perm(user, perm):
        raise PermissionDenied
    if record_view:
        services.evidence_access_record(item=item, actor=user, action=CustodyEvent.Action.VIEWED)
    return item


def incident_for_upload(*, user: Any, incident: str) -> Any:
    """Return the incident named by id or receipt number that the user may see (404 otherwise).

    Not audited as a read: the upload that follows audits its own creation.
    """
    from incidents.selectors import incidents_visible_to

    visible = incidents_visible_to(user)
    value = incident.strip()
    # ASCII digits only: str.isdigit() also accepts "\u00b2" (int() then fails: a 500) and
    # Arabic-Indic digits (which int() reads as another pk); 18 digits keep it within a bigint.
    if _INCIDENT_ID.fullmatch(value):
        found = visible.filter(pk=int(value)).first()
    else:
        found = visible.filter(reference=value.upper()).first()
    if found is None:
        raise Http404("No such incident.")
    return found


def upload_get_for_user(*, upload_id: Any, user: Any) -> UploadSession:
    """Return the user's own unexpired resumable upload; anyone else's is as if missing (404)."""
    from evidence.services.resumable import expiry_cutoff

    upload = UploadSession.objects.filter(
        pk=upload_id, user=user, created_at__gte=expiry_cutoff()
    ).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload


def download_token_make(*, item: EvidenceItem, user: Any) -> str:
    """Return a short-lived token for downloading the item, bound to this user."""
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object({"i": item.pk, "u": user.pk})


def download_token_open(*, token: str, user: Any) -> EvidenceItem:
    """Return the item a download token names, if fresh, this user's, and still visible."""
    try:
        payload = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(
            token, max_age=DOWNLOAD_MAX_AGE_SECONDS
        )
    except signing.BadSignature as error:  # includes SignatureExpired
        raise Http404 from error
    if payload.get("u") != user.pk:
        raise Http404
    # A disposed item is no longer released, even by a link made before its disposal (C-37).
    # A copy of a disposed item is not released either.
    item = (
        evidence_visible_to(user)
        .filter(pk=payload.get("i"), disposed_at__isnull=True)
        .exclude(parent__disposed_at__isnull=False)
        .first()
    )
    if item is None:
        raise Http404
    return item


def custody_chain_verify(item: EvidenceItem) -> list[str]:
    """Return problems found in the item's whole custody hash chain (empty when intact)."""
    problems, _last = services.custody_chain_problems(
        item.custody.order_by("sequence"), previous=services.GENESIS
    )
    return problems


def disposal_record(item: EvidenceItem) -> CustodyEvent | None:
    """Return the custody event that disposed of the item, or of the item it was made from."""
    for candidate in (item, item.parent):
        if candidate is not None and candidate.disposed_at is not None:
            return candidate.custody.filter(action=CustodyEvent.Action.DISPOSED).last()
    return None


def custody_gaps(item: EvidenceItem) -> list[CustodyEvent]:
    """Return transfers nobody has acknowledged: each is a gap in the chain of custody."""
    return list(
        item.custody.filter(
            action=CustodyEvent.Action.TRANSFERRED, acknowledgement__isnull=True
        ).order_by("sequence")
    )


def incident_ids_matching_evidence_text(text: str) -> QuerySet[Any]:
    """Return ids of incidents whose evidence OCR text or transcript matches ``text``.

    For incident search, beside the narrative (the caller scopes the incidents it returns).
    PostgreSQL: full-text search with English and Spanish configurations; SQLite: substring.
    """
    from django.db import connection
    from django.db.models import Q

    matches: QuerySet[Any]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        english = SearchQuery(text, config="english", search_type="websearch")
        spanish = SearchQuery(text, config="spanish", search_type="websearch")
        matches = EvidenceItem.objects.annotate(
            _en=SearchVector("ocr_text", "transcript", config="english"),
            _es=SearchVector("ocr_text", "transcript", config="spanish"),
        ).filter(Q(_en=english) | Q(_es=spanish))
    else:
        matches = EvidenceItem.objects.filter(
            Q(ocr_text__icontains=text) | Q(transcript__icontains=text)
        )
    return matches.values("incident_id")


def fixity_overview(*, user: Any) -> dict[str, Any]:
    """Return fixity counts and failing items for the originals of the user's office."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from accounts.permissions import Perm, check, office_q
    from evidence.models import Blob

    check(user, Perm.EVIDENCE_VERIFY)
    items = EvidenceItem.objects.filter(office_q(user))
    blobs = Blob.objects.filter(items__in=items).distinct()
    cutoff = timezone.now() - timedelta(days=90)
    return {
        "total": blobs.count(),
        "never_checked": blobs.filter(last_checked_at__isnull=True).count(),
        "overdue": blobs.filter(last_checked_at__lt=cutoff).count(),
        "failing_items": items.filter(blob__last_check_ok=False).select_related("blob", "incident"),
        "checked_recently": blobs.filter(Q(last_checked_at__gte=cutoff)).count(),
    }
