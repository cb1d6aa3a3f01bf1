"""Case pages: thin adapters over cases.services and cases.selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, has_perm, require
from cases import selectors, services
from cases.forms import AssignForm, CaseForm, IdentifierForm, ShareForm, TaskForm, TransitionForm
from cases.models import Case
from evidence.forms import ExportForm


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _case(request: HttpRequest, case_id: int, perm: Perm, audit: bool = False) -> Case:
    """Find first (404 for another office, as for a missing case), then check the capability."""
    case = selectors.cases_visible_to(request.user).filter(pk=case_id).first()
    if case is None:
        from django.http import Http404

        raise Http404("No such case.")
    if not has_perm(request.user, perm):
        raise PermissionDenied
    if audit:
        selectors.case_get_for_user(case_id=case.pk, user=request.user)
    return case


@require(Perm.CASE_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    text, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    cases = selectors.case_list(user=request.user, status=status, text=text)[:200]
    return render(
        request,
        "cases/list.html",
        {
            "cases": cases,
            "counts": selectors.case_counts(user=request.user),
            "q": text,
            "status": status,
            "statuses": Case.Status.choices,
        },
    )


@require(Perm.CASE_MANAGE)
def case_new(request: HttpRequest) -> HttpResponse:
    from incidents.selectors import incidents_visible_to

    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refs = form.references()
        found = dict(
            incidents_visible_to(request.user)
            .filter(reference__in=refs)
            .values_list("reference", "pk")
        )
        missing = [r for r in refs if r not in found]
        if missing:
            form.add_error(
                "incident_references",
                _("No incident you may see has the number %(refs)s.")
                % {"refs": ", ".join(missing)},
            )
        else:
            try:
                case = services.case_open(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    incident_ids=[found[r] for r in refs],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/new.html", {"form": form})


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_VIEW, audit=True)
    user = request.user
    is_lead = user.office_id == case.lead_office_id
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "incidents": selectors.case_incidents(case=case, user=user),
            "conduct_flags": selectors.course_of_conduct(case=case, user=user),
            "tasks": case.tasks.select_related("owner"),
            "events": case.events.select_related("actor"),
            "shares": case.shares.select_related("office"),
            "may_manage": is_lead and has_perm(user, Perm.CASE_MANAGE),
            "may_share": is_lead and has_perm(user, Perm.SHARE),
            "transition_form": TransitionForm(),
            "share_form": ShareForm(exclude_office_id=case.lead_office_id),
            "task_form": TaskForm(office_id=case.lead_office_id),
            "identifier_form": IdentifierForm(),
            # Issue 4 item 9: the case's evidence as one BagIt bag (a disclosure + custody events).
            "may_export": has_perm(user, Perm.EVIDENCE_EXPORT),
            "assign_form": AssignForm(
                office_id=case.lead_office_id,
                initial={"investigator": case.investigator_id},
                auto_id="id_assign_%s",
            ),
            "export_form": ExportForm(auto_id="id_export_%s"),
        },
    )


@require_POST
def case_transition(request: HttpRequest, case_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_MANAGE)
    form = TransitionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a status."))
        services.case_transition(
            case=case,
            actor=request.user,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The case status changed."))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def case_share(request: HttpRequest, case_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.SHARE)
    form = ShareForm(request.POST, exclude_office_id=case.lead_office_id)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose an office and write the need-to-know reason."))
        services.case_share(
            case=case,
            office_id=form.cleaned_data["office"].pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The case was shared; the disclosure is recorded."))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def case_task_add(request: HttpRequest, case_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_MANAGE)
    form = TaskForm(request.POST, office_id=case.lead_office_id)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the task, its owner and a due date."))
        services.case_task_add(case=case, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Task added."))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    """Assign the case's investigator (a user of the lead office; lead office managers only)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_MANAGE)
    form = AssignForm(request.POST, office_id=case.lead_office_id)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose an investigator in the lead office."))
        services.case_assign(
            case=case, actor=request.user, investigator=form.cleaned_data["investigator"]
        )
        messages.success(request, _("Investigator assigned."))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("cases:detail", case_id=case.pk)


def case_chart(request: HttpRequest, case_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_VIEW, audit=True)
    graph = selectors.case_graph(case=case, user=request.user)
    return render(request, "cases/chart.html", {"case": case, "graph": graph})


def _incident_for_share(request: HttpRequest, incident_id: int, perm: Perm):
    from incidents.selectors import incident_get_for_user

    incident = incident_get_for_user(incident_id=incident_id, user=request.user, audit=False)
    if not has_perm(request.user, perm):
        raise PermissionDenied
    return incident


@require_POST
def incident_share(request: HttpRequest, incident_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    incident = _incident_for_share(request, incident_id, Perm.SHARE)
    form = ShareForm(request.POST, exclude_office_id=incident.office_id)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose an office and write the need-to-know reason."))
        services.incident_share(
            incident_id=incident.pk,
            office_id=form.cleaned_data["office"].pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The incident was shared; the disclosure is recorded."))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("incidents:detail", incident_id=incident.pk)


@require_POST
def incident_identifier(request: HttpRequest, incident_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    incident = _incident_for_share(request, incident_id, Perm.CASE_MANAGE)
    form = IdentifierForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the kind and enter the value."))
        services.incident_identifier_add(
            incident_id=incident.pk, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("Identifier recorded."))
    except ValidationError as error:
        _flash_errors(request, error)
    back = request.POST.get("case_id", "")
    if back.isdigit():
        return redirect("cases:detail", case_id=int(back))
    return redirect("incidents:detail", incident_id=incident.pk)
