"""Pages of the intelligence index: thin adapters over intel.services and intel.selectors."""

from __future__ import annotations

from typing import Any, TypedDict

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, has_perm, office_q, require
from common.formpage import errors_to_form, form_action, refused_form
from intel import selectors, services
from intel.forms import (
    ApproveForm,
    DecideForm,
    DisseminateForm,
    PurgeForm,
    SubjectForm,
    ValidateForm,
)
from intel.models import PurgeRequest, Subject


class _Back(TypedDict):
    then: str
    back_label: str


def _subject_back(subject: Subject) -> _Back:
    return {
        "then": reverse("intel:subject", args=[subject.pk]),
        "back_label": _("Back to the subject"),
    }


def _subject(request: HttpRequest, subject_id: int, perm: Perm) -> Subject:
    """Find first (404 for another office or a restricted subject not the user's), then check
    the capability (403)."""
    subject = selectors.subject_in_scope(subject_id=subject_id, user=request.user)
    if not has_perm(request.user, perm):
        raise PermissionDenied
    return subject


@require(Perm.SUBJECT_VIEW)
def subject_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    subjects = (
        selectors.subject_search(user=request.user, query=query)
        if query
        else selectors.subject_list(user=request.user, limit=200)
    )
    return render(
        request,
        "intel/list.html",
        {
            "subjects": subjects,
            "q": query,
            "notices": selectors.notices_for(user=request.user)[:50],
        },
    )


@require(Perm.SUBJECT_PROPOSE)
def subject_new(request: HttpRequest) -> HttpResponse:
    from cases.selectors import cases_visible_to
    from incidents.models import Offense
    from incidents.selectors import incidents_visible_to

    form = SubjectForm(request.POST or None, office_id=request.user.office_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        incident = (
            incidents_visible_to(request.user)
            .filter(reference=data["incident_reference"].strip().upper())
            .first()
        )
        case = (
            cases_visible_to(request.user)
            .filter(reference=data["case_reference"].strip().upper())
            .first()
        )
        offense = Offense.objects.filter(code=data["predicate_offense"].strip()).first()
        identifiers = []
        if data["identifier_kind"] and data["identifier_value"]:
            identifiers.append(
                services.IdentifierInput(
                    data["identifier_kind"], data["identifier_value"], data["identifier_platform"]
                )
            )
        try:
            subject = services.subject_propose(
                actor=request.user,
                label=data["label"],
                incident_ids=[incident.pk] if incident else [],
                case_id=case.pk if case else None,
                predicate_offense_id=offense.pk if offense else None,
                predicate_element=data["predicate_element"],
                predicate_facts=data["predicate_facts"],
                predicate_source=data["predicate_source"],
                predicate_date=data["predicate_date"],
                collection_method=data["collection_method"],
                process_reference=data["process_reference"],
                sensitivity=data["sensitivity"],
                source_reliability=data["source_reliability"],
                content_validity=data["content_validity"],
                control_official=data["control_official"],
                identifiers=identifiers,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                target = {"incidents": "incident_reference", "identifiers": "identifier_value"}
                name = target.get(field, field)
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            return redirect("intel:subject", subject_id=subject.pk)
    # A refused proposal comes back with its errors and everything typed (422).
    status = 422 if request.method == "POST" else 200
    return render(request, "intel/new.html", {"form": form}, status=status)


@login_required
def subject_detail(request: HttpRequest, subject_id: int) -> HttpResponse:
    # One lookup: not found (404, unaudited), then the capability (403), then the audited read
    # (28 CFR 23.20(g)); a restricted subject opens only as C-10 allows (subjects_openable_by).
    subject = selectors.subject_get_for_user(subject_id=subject_id, user=request.user)
    same_office = request.user.office_id == subject.office_id
    return render(
        request,
        "intel/detail.html",
        {
            "subject": subject,
            "identifiers": subject.identifiers.all(),
            "ties": subject.incident_ties.select_related("incident"),
            "validations": subject.validations.select_related("reviewer"),
            "purges": subject.purge_requests.all(),
            "may_approve": same_office
            and subject.status == "proposed"
            and has_perm(request.user, Perm.SUBJECT_APPROVE),
            "may_validate": same_office
            and subject.status == "active"
            and has_perm(request.user, Perm.SUBJECT_VALIDATE),
            "may_purge": same_office and has_perm(request.user, Perm.PURGE_APPROVE),
            "may_disseminate": subject.status == "active"
            and has_perm(request.user, Perm.DISSEMINATE),
            "approve_form": ApproveForm(),
            "validate_form": ValidateForm(),
            "purge_form": PurgeForm(),
            "disseminate_form": DisseminateForm(),
        },
    )


@require_POST
@login_required
def subject_approve(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _subject(request, subject_id, Perm.SUBJECT_APPROVE)

    def decide(data: dict[str, Any]) -> None:
        if data["decision"] == "reject":
            services.subject_reject(subject=subject, approver=request.user, reason=data["reason"])
        else:
            services.subject_approve(
                subject=subject,
                approver=request.user,
                reason=data["reason"],
                lawfully_obtained=data["lawfully_obtained"],
            )

    return form_action(
        request,
        ApproveForm(request.POST),
        act=decide,
        done=_("Decision recorded."),
        heading=_("Reasonable-suspicion decision on subject %(n)s") % {"n": subject.pk},
        **_subject_back(subject),
    )


@require_POST
@login_required
def subject_validate(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _subject(request, subject_id, Perm.SUBJECT_VALIDATE)
    return form_action(
        request,
        ValidateForm(request.POST),
        act=lambda data: services.subject_validate(subject=subject, reviewer=request.user, **data),
        done=_("Validated; the review clock restarted."),
        heading=_("Validate subject %(n)s") % {"n": subject.pk},
        **_subject_back(subject),
    )


@require_POST
@login_required
def purge_request(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _subject(request, subject_id, Perm.PURGE_APPROVE)
    return form_action(
        request,
        PurgeForm(request.POST),
        act=lambda data: services.purge_request(record=subject, approver=request.user, **data),
        done=_("Purge requested; a second approver must confirm."),
        heading=_("Request the purge of subject %(n)s") % {"n": subject.pk},
        **_subject_back(subject),
    )


@require_POST
@login_required
def purge_approve(request: HttpRequest, purge_id: int) -> HttpResponse:
    purge = PurgeRequest.objects.filter(office_q(request.user), pk=purge_id).first()
    if purge is None:
        raise Http404("No such purge request.")
    if not has_perm(request.user, Perm.PURGE_APPROVE):
        raise PermissionDenied
    # Nothing is typed here; a refusal still comes back as a page (422) that says why.
    return form_action(
        request,
        forms.Form(request.POST),
        act=lambda data: services.purge_approve(request=purge, approver=request.user),
        done=_("Purged. Tombstone: %(t)s") % {"t": purge.tombstone},
        then=reverse("intel:review"),
        heading=_("Approve purge request %(n)s") % {"n": purge.pk},
        back_label=_("Back to review and purge"),
    )


@require_POST
@login_required
def subject_disseminate(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _subject(request, subject_id, Perm.DISSEMINATE)
    form = DisseminateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["type"] == "imminent_danger":
                release = services.disseminate_imminent_danger(
                    subject_id=subject.pk,
                    actor=request.user,
                    agency=data["agency"],
                    recipient_name=data["recipient_name"],
                    danger_statement=data["danger_statement"],
                    protective_advice=data["protective_advice"],
                )
            else:
                release = services.disseminate_intelligence(
                    subject_id=subject.pk,
                    actor=request.user,
                    agency=data["agency"],
                    recipient_name=data["recipient_name"],
                    purpose=data["purpose"],
                )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return render(request, "intel/release.html", {"release": release})
    return refused_form(
        request,
        form,
        heading=_("Release subject %(n)s outside Custos") % {"n": subject.pk},
        back_url=reverse("intel:subject", args=[subject.pk]),
        back_label=_("Back to the subject"),
    )


@require(Perm.SUBJECT_VIEW)
def links(request: HttpRequest) -> HttpResponse:
    proposed = list(selectors.links_for_user(request.user).filter(status="proposed")[:200])
    return render(
        request,
        "intel/links.html",
        {
            "links": proposed,
            "decided": selectors.links_for_user(request.user).exclude(status="proposed")[:200],
            # Per proposal: a restricted subject's control official decides its proposals (C-10).
            "decidable": {
                link.pk for link in proposed if services.link_may_decide(request.user, link)
            },
            "form": DecideForm(),
        },
    )


@require_POST
@login_required
def link_decide(request: HttpRequest, link_id: int) -> HttpResponse:
    link = selectors.links_for_user(request.user).filter(pk=link_id).first()
    if link is None:
        raise Http404("No such link.")
    if not services.link_may_decide(request.user, link):
        raise PermissionDenied
    return form_action(
        request,
        DecideForm(request.POST),
        act=lambda data: services.link_decide(
            link=link,
            analyst=request.user,
            confirm=data["decision"] == "confirm",
            reason=data["reason"],
        ),
        done=_("Decision recorded."),
        then=reverse("intel:links"),
        heading=_("Decision on link proposal %(n)s") % {"n": link.pk},
        back_label=_("Back to the link proposals"),
    )


@require(Perm.SUBJECT_VIEW)
def review(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intel/review.html",
        {
            **selectors.review_queue(user=request.user),
            "may_purge": has_perm(request.user, Perm.PURGE_APPROVE),
        },
    )


@require(Perm.OVERSIGHT_VIEW)
def oversight(request: HttpRequest) -> HttpResponse:
    from incidents.models import Incident

    summary = selectors.oversight_summary(user=request.user)
    # Counts only: protected-activity-only incidents are never opened (5 U.S.C. 552a(e)(7)).
    summary["protected_only"] = Incident.objects.filter(screening_outcome="protected_only").count()
    return render(request, "intel/oversight.html", summary)
