"""Case pages: thin adapters over cases.services and cases.selectors."""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, has_perm, require
from cases import selectors, services
from cases.forms import AssignForm, CaseForm, IdentifierForm, ShareForm, TaskForm, TransitionForm
from cases.models import Case
from common.formpage import errors_to_form, form_action
from evidence.forms import ExportForm


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _case(request: HttpRequest, case_id: int, perm: Perm, audit: bool = False) -> Case:
    """Find first (404 for another office, as for a missing case), then check the capability."""
    case = selectors.cases_visible_to(request.user).filter(pk=case_id).first()
    if case is None:
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
                errors_to_form(form, error)
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
    return form_action(
        request,
        TransitionForm(request.POST),
        act=lambda data: services.case_transition(
            case=case, actor=request.user, to=data["to"], reason=data["reason"]
        ),
        done=_("The case status changed."),
        heading=_("Change the status of case %(ref)s") % {"ref": case.reference},
        rename={"status": "to"},
        then=_case_url(case),
        back_label=_("Back to the case"),
    )


@require_POST
def case_share(request: HttpRequest, case_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.SHARE)
    return form_action(
        request,
        ShareForm(request.POST, exclude_office_id=case.lead_office_id),
        act=lambda data: services.case_share(
            case=case, office_id=data["office"].pk, actor=request.user, reason=data["reason"]
        ),
        done=_("The case was shared; the disclosure is recorded."),
        heading=_("Share case %(ref)s with another office") % {"ref": case.reference},
        then=_case_url(case),
        back_label=_("Back to the case"),
    )


@require_POST
def case_task_add(request: HttpRequest, case_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_MANAGE)
    return form_action(
        request,
        TaskForm(request.POST, office_id=case.lead_office_id),
        act=lambda data: services.case_task_add(case=case, actor=request.user, **data),
        done=_("Task added."),
        heading=_("Add a task to case %(ref)s") % {"ref": case.reference},
        then=_case_url(case),
        back_label=_("Back to the case"),
    )


@require_POST
def case_task_done(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    """Mark one of the case's tasks done (lead office managers only)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_MANAGE)
    task = case.tasks.filter(pk=task_id).first()
    if task is None:
        raise Http404("No such task.")
    # Nothing is typed here; a refusal still comes back as a page (422) that says why.
    return form_action(
        request,
        forms.Form(request.POST),
        act=lambda data: services.case_task_done(task=task, actor=request.user),
        done=_("Task marked done."),
        heading=_("Mark task “%(title)s” done") % {"title": task.title},
        then=_case_url(case),
        back_label=_("Back to the case"),
    )


@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    """Assign the case's investigator (a user of the lead office; lead office managers only)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = _case(request, case_id, Perm.CASE_MANAGE)
    return form_action(
        request,
        AssignForm(request.POST, office_id=case.lead_office_id),
        act=lambda data: services.case_assign(
            case=case, actor=request.user, investigator=data["investigator"]
        ),
        done=_("Investigator assigned."),
        heading=_("Assign the investigator of case %(ref)s") % {"ref": case.reference},
        then=_case_url(case),
        back_label=_("Back to the case"),
    )


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
    return form_action(
        request,
        ShareForm(request.POST, exclude_office_id=incident.office_id),
        act=lambda data: services.incident_share(
            incident_id=incident.pk,
            office_id=data["office"].pk,
            actor=request.user,
            reason=data["reason"],
        ),
        done=_("The incident was shared; the disclosure is recorded."),
        then=reverse("incidents:detail", args=[incident.pk]),
        heading=_("Share incident %(ref)s with another office") % {"ref": incident.reference},
        back_label=_("Back to the incident"),
    )


@require_POST
def incident_identifier(request: HttpRequest, incident_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    incident = _incident_for_share(request, incident_id, Perm.CASE_MANAGE)
    # Recorded from a case page: done or refused, the way back is to that case.
    back = request.POST.get("case_id", "")
    if back.isdigit():
        then, back_label = reverse("cases:detail", args=[int(back)]), _("Back to the case")
        hidden = {"case_id": back}
    else:
        then, back_label = (
            reverse("incidents:detail", args=[incident.pk]),
            _("Back to the incident"),
        )
        hidden = {}
    return form_action(
        request,
        IdentifierForm(request.POST),
        act=lambda data: services.incident_identifier_add(
            incident_id=incident.pk, actor=request.user, **data
        ),
        done=_("Identifier recorded."),
        then=then,
        heading=_("Record an identifier reported in incident %(ref)s")
        % {"ref": incident.reference},
        back_label=back_label,
        hidden=hidden,
    )
