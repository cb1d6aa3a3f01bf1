"""Every scoped read of the intelligence index. Not visible and not existing give one answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Perm, check, has_perm, office_q, reads_all_offices
from audit.services import audit_record
from intel import identifiers as ids
from intel.models import (
    ControlOfficialNotice,
    Dissemination,
    Identifier,
    LinkProposal,
    PurgeRequest,
    RecipientNotice,
    Sensitivity,
    Subject,
)


def subjects_visible_to(user: Any) -> QuerySet[Subject]:
    """Subjects of the user's office, or tied to an incident the user's office may see."""
    from incidents.selectors import incidents_visible_to

    subjects = Subject.objects.select_related("office", "predicate_offense", "control_official")
    if user is None or not user.is_authenticated:
        return subjects.none()
    if reads_all_offices(user):
        return subjects
    if user.office_id is None:
        return subjects.none()
    # Need to know (28 CFR 23.20(e)): another office's subject is visible once an incident tied
    # to it has been shared with the user's office.
    # Through a share only an active, non-restricted subject is visible: a proposed, rejected,
    # expired or restricted subject stays with its office (28 CFR 23.20(e),(h)).
    shared = incidents_visible_to(user).values("pk")
    via_share = Q(incident_ties__incident__in=shared, status=Subject.Status.ACTIVE) & ~Q(
        sensitivity=Sensitivity.RESTRICTED
    )
    return subjects.filter(Q(office_id=user.office_id) | via_share).distinct()


def subjects_listed_to(user: Any) -> QuerySet[Subject]:
    """Subjects a user may be shown in a list, a flag or a chart (not only opened by number).

    Within the subjects the user may see, a restricted subject is shown only to its control
    official and an expired one (queued for purge) to nobody; the read-only oversight roles still
    see everything (28 CFR 23.20(e),(g),(h); legal-controls C-10, C-18).
    """
    subjects = subjects_visible_to(user)
    if reads_all_offices(user):
        return subjects
    return subjects.exclude(
        Q(sensitivity=Sensitivity.RESTRICTED) & ~Q(control_official_id=user.pk)
    ).exclude(status=Subject.Status.EXPIRED)


# How far ahead the review queue looks for subjects due for review (28 CFR 23.20(h)).
REVIEW_WINDOW = timedelta(days=90)


def _restricted_workflow_q(user: Any) -> Q:
    """The restricted subjects of the user's office that the user's review or purge step needs.

    28 CFR 23.20(c): an RS approver reads a proposed subject to confirm reasonable suspicion;
    23.20(h): a validator reads one due for review, a purge approver one expired or awaiting the
    second purge approval. Nothing else of a restricted subject is theirs (C-10).
    """
    if user.office_id is None:
        return Q(pk__in=[])
    steps = Q(pk__in=[])
    if has_perm(user, Perm.SUBJECT_APPROVE):
        steps |= Q(status=Subject.Status.PROPOSED)
    if has_perm(user, Perm.SUBJECT_VALIDATE):
        steps |= Q(status=Subject.Status.ACTIVE, review_due__lte=timezone.now() + REVIEW_WINDOW)
    return (Q(office_id=user.office_id) & steps) | _purge_step_q(user)


def _purge_step_q(user: Any) -> Q:
    """The subjects of the user's office that wait on the user's purge step.

    28 CFR 23.20(h): a purge approver reads a subject that is expired (queued for purge) or whose
    purge waits for the second approval (28 CFR 23.20(g)(3), two approvers).
    """
    if user.office_id is None or not has_perm(user, Perm.PURGE_APPROVE):
        return Q(pk__in=[])
    awaiting = PurgeRequest.objects.filter(
        status=PurgeRequest.Status.AWAITING_SECOND, subject__isnull=False
    ).values("subject_id")
    return Q(office_id=user.office_id) & (Q(status=Subject.Status.EXPIRED) | Q(pk__in=awaiting))


def subjects_openable_by(user: Any) -> QuerySet[Subject]:
    """Subjects a user may open by number: the subject page, its API and the actions on it.

    Within the subjects the user may see, a restricted subject opens only for its control
    official, the read-only oversight roles, and the office's review and purge workflow while the
    subject waits on that user's step; anyone else gets "not found" (28 CFR 23.20(e), C-10).
    An expired subject is queued for purge and no longer searchable (28 CFR 23.20(h), C-18): it
    opens only for oversight and the purge approvers of its office, whose step it waits on.
    """
    subjects = subjects_visible_to(user)
    if reads_all_offices(user):
        return subjects
    return subjects.exclude(
        Q(sensitivity=Sensitivity.RESTRICTED)
        & ~Q(control_official_id=user.pk)
        & ~_restricted_workflow_q(user)
    ).exclude(Q(status=Subject.Status.EXPIRED) & ~_purge_step_q(user))


def subject_in_scope(*, subject_id: Any, user: Any) -> Subject:
    """Return a subject the user may open by number, unaudited (Http404 otherwise).

    For pages and services that act on a subject and audit their own action. The office scope
    first (another office gets 404 whatever its roles), then the subject-view capability (403),
    then the restriction (404 and the control official is told). Checking the capability before
    the restriction keeps a user without it from telling restricted numbers from open ones, and
    from writing a notice and an audit event with each probe (28 CFR 23.20(e), C-10).
    """
    try:
        in_office = subjects_visible_to(user).filter(pk=subject_id).exists()
    except (ValueError, TypeError):
        in_office = False
    if not in_office:
        raise Http404("No such subject.")
    check(user, Perm.SUBJECT_VIEW)
    try:
        return subjects_openable_by(user).get(pk=subject_id)
    except Subject.DoesNotExist:
        _restricted_open_refused(subject_id=subject_id, user=user)
        raise Http404("No such subject.") from None


def _restricted_open_refused(*, subject_id: Any, user: Any) -> None:
    """A user of the office was refused a restricted subject by number: tell its official.

    C-10: as with a search, the user sees nothing and the control official is told who asked
    (once a day per person, restricted_open_notify). Another office's refusals are not told: for
    them the subject is as if it did not exist (28 CFR 23.20(e)), and a number is no search.
    """
    from intel.services import restricted_open_notify

    if user is None or not user.is_authenticated or user.office_id is None:
        return
    if not str(subject_id).isdigit():
        return
    subject = (
        Subject.objects.filter(
            pk=int(subject_id), office_id=user.office_id, sensitivity=Sensitivity.RESTRICTED
        )
        .exclude(control_official_id=user.pk)
        .select_related("office", "control_official")
        .first()
    )
    if subject is not None:
        restricted_open_notify(subject=subject, opener=user)


def subject_get_for_user(*, subject_id: Any, user: Any, audit: bool = True) -> Subject:
    """Return one subject the user may open (Http404 otherwise); every read is audited."""
    # Office scope, then the capability, then the restriction (subject_in_scope).
    subject = subject_in_scope(subject_id=subject_id, user=user)
    if audit:
        # 28 CFR 23.20(g): every read of a subject is in the audit log.
        audit_record(actor=user, verb="subject.view", target=subject)
    return subject


def subject_list(*, user: Any, status: str = "", limit: int = 200) -> list[Subject]:
    """The subjects a user may list, audited with the ids shown.

    A restricted subject is listed only to its control official, an expired one (queued for
    purge) not at all; oversight roles still see everything (28 CFR 23.20(e),(g),(h)).
    """
    check(user, Perm.SUBJECT_VIEW)
    subjects = subjects_listed_to(user)
    if status:
        subjects = subjects.filter(status=status)
    listed = list(subjects.prefetch_related("identifiers")[:limit])
    # 28 CFR 23.20(g): a listing is a read of every subject it shows.
    audit_record(actor=user, verb="subject.list", data={"results": [s.pk for s in listed]})
    return listed


def _query_keys(query: str) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    for kind in (ids.Kind.PHONE, ids.Kind.EMAIL, ids.Kind.PLATE, ids.Kind.NAME):
        try:
            keys.append((kind, ids.normalize(kind, query)))
        except ValidationError:
            continue
    if query.strip().startswith("@") or ":" not in query:
        for platform in ids.Platform.values:
            try:
                keys.append((ids.Kind.HANDLE, ids.normalize_handle(query, platform)))
            except ValidationError:
                continue
    return keys


def subject_search(*, user: Any, query: str) -> list[Subject]:
    """Search active subjects by any identifier or label.

    Expired subjects are never returned (28 CFR 23.20(h)). A restricted subject is returned only
    to its control official; anyone else gets no hit and the control official is told (C-10).
    """
    from intel.services import restricted_hit_notify

    check(user, Perm.SUBJECT_VIEW)
    query = (query or "").strip()
    if not query:
        return []
    match = Q(label__icontains=query)
    for kind, normalized in _query_keys(query):
        if kind == ids.Kind.NAME:
            # An exact match on the indexed surname key, then the nickname-aware comparison.
            candidates = Identifier.objects.filter(
                kind=kind, surname=ids.surname_key(kind, normalized)
            )
            pks = [c.subject_id for c in candidates if ids.names_match(c.normalized, normalized)]
            match |= Q(pk__in=pks)
        else:
            match |= Q(identifiers__kind=kind, identifiers__normalized=normalized)
    found = list(
        Subject.objects.filter(match, status=Subject.Status.ACTIVE).distinct().order_by("pk")
    )
    visible = set(
        subjects_visible_to(user).filter(pk__in=[s.pk for s in found]).values_list("pk", flat=True)
    )
    results = []
    for subject in found:
        if subject.sensitivity == Sensitivity.RESTRICTED and user.pk != subject.control_official_id:
            # Whoever searched (in this office or another), the control official hears of it.
            restricted_hit_notify(subject=subject, searcher=user, context=f"search: {query}")
            continue
        if subject.pk in visible:
            results.append(subject)
    audit_record(
        actor=user, verb="subject.search", data={"query": query, "results": [s.pk for s in results]}
    )
    return results


def links_for_user(user: Any) -> QuerySet[LinkProposal]:
    """Link proposals whose both sides the user may be shown.

    A proposal on a restricted subject (either side) is shown only to its control official and
    the oversight roles, as in the subject list (28 CFR 23.20(e), C-10).
    """
    from incidents.selectors import incidents_visible_to

    subjects = subjects_listed_to(user).values("pk")
    incidents = incidents_visible_to(user).values("pk")
    return LinkProposal.objects.filter(
        Q(subject__in=subjects) & (Q(incident__in=incidents) | Q(other_subject__in=subjects))
    ).select_related("subject", "incident", "other_subject", "decided_by")


def link_get_for_user(*, link_id: Any, user: Any) -> LinkProposal:
    link = links_for_user(user).filter(pk=link_id).first() if str(link_id).isdigit() else None
    if link is None:
        raise Http404("No such link.")
    audit_record(actor=user, verb="link.view", target=link)
    return link


def review_queue(*, user: Any, now: Any = None) -> dict[str, Any]:
    """Subjects due for review within 90 days, expired ones awaiting purge, purges awaiting a
    second approver — for the user's office, or all offices for oversight."""
    check(user, Perm.SUBJECT_VIEW)
    now = now or timezone.now()
    scope = office_q(user)
    # A restricted subject is queued only to who may open it: its control official, oversight,
    # and the validator or purge approver whose step it waits on (C-10).
    openable = subjects_openable_by(user)
    return {
        "due": openable.filter(
            scope, status=Subject.Status.ACTIVE, review_due__lte=now + REVIEW_WINDOW
        ).order_by("review_due"),
        "expired": openable.filter(scope, status=Subject.Status.EXPIRED),
        # A purge request shows its subject's number and the requester's reason: listed only
        # to who may open that subject, like the two lists above (C-10).
        "purges": PurgeRequest.objects.filter(
            scope,
            status=PurgeRequest.Status.AWAITING_SECOND,
            subject_id__in=openable.values("pk"),
        ).select_related("first_approver"),
    }


def oversight_summary(*, user: Any) -> dict[str, Any]:
    """Everything an oversight reader reviews (all offices for oversight roles)."""
    from audit.models import AuditEvent, DisclosureRecord

    check(user, Perm.OVERSIGHT_VIEW)
    audit_record(actor=user, verb="oversight.view")
    verbs = [
        "subject.approve",
        "subject.reject",
        "subject.validate",
        "subject.purge",
        "link.confirm",
        "link.reject",
        "incident.share",
        "case.share",
        "purge.request",
    ]
    return {
        "subjects": Subject.objects.all() if reads_all_offices(user) else Subject.objects.none(),
        "events": AuditEvent.objects.filter(verb__in=verbs).order_by("-id")[:200],
        "disclosures": DisclosureRecord.objects.all()[:200],
        "disseminations": Dissemination.objects.select_related("agency", "released_by")[:200],
        "purges": PurgeRequest.objects.all()[:200],
    }


def notices_for(*, user: Any) -> QuerySet[ControlOfficialNotice]:
    return ControlOfficialNotice.objects.filter(control_official=user).select_related(
        "subject", "searcher"
    )


def disseminations_visible_to(user: Any) -> QuerySet[Dissemination]:
    return Dissemination.objects.filter(office_q(user)).select_related("agency")


def may_read_recipient_notices(user: Any) -> bool:
    """Oversight roles (every office) and supervisors (their own office) read the notices."""
    from accounts.permissions import has_perm
    from accounts.roles import Role

    if user is None or not user.is_authenticated:
        return False
    return has_perm(user, Perm.OVERSIGHT_VIEW) or user.has_role(Role.SUPERVISOR)


def recipient_notices_for(*, user: Any) -> QuerySet[RecipientNotice]:
    """Correction and purge notices to past recipients (28 CFR 23.20(h), C-09), by office."""
    from django.core.exceptions import PermissionDenied

    if not may_read_recipient_notices(user):
        raise PermissionDenied
    notices = RecipientNotice.objects.select_related("office", "agency", "disclosure")
    return notices.filter(office_q(user))
