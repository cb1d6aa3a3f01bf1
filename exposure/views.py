"""Thin views: the roster (protective unit, oversight), one's own entry, alerts, text scans."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, require
from exposure import selectors, services
from exposure.forms import (
    CloseForm,
    LinkForm,
    MeasureForm,
    NewEntryForm,
    RosterValuesForm,
    ScanTextForm,
)
from exposure.models import ExposureAlert
from exposure.services import RosterValues


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field_name, messages_ in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@require(Perm.HOME)
def roster(request: HttpRequest) -> HttpResponse:
    """List the roster entries the user may read (audited)."""
    if not selectors.may_read_roster(request.user):
        raise PermissionDenied
    people = selectors.roster_list_for_user(user=request.user)
    return render(request, "exposure/roster.html", {"people": people})


@require(Perm.ROSTER_MANAGE)
def person_new(request: HttpRequest) -> HttpResponse:
    """Add a roster entry to the user's office."""
    form = NewEntryForm(request.POST or None)
    posted = request.method == "POST" and form.is_valid()
    if posted and selectors.roster_id_taken(form.cleaned_data["roster_id"]):
        # Roster ids are unique across offices; the answer is the same whichever office holds it.
        form.add_error("roster_id", _("This roster id is already in use."))
    if request.method == "POST" and form.is_valid():
        try:
            person, _created = services.person_save(
                actor=request.user,
                roster_id=form.cleaned_data["roster_id"],
                office=request.user.office,
                values=form.values(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Roster entry saved."))
            return redirect("exposure:person", person.pk)
    return render(request, "exposure/person_form.html", {"form": form, "person": None})


@require(Perm.HOME)
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show one roster entry (audited read); the protective unit edits it here."""
    entry = selectors.person_get_for_user(person_id=person_id, user=request.user)
    form = RosterValuesForm(
        request.POST or None, initial=RosterValuesForm.initial_for(RosterValues.of(entry))
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_save(
                actor=request.user,
                roster_id=entry.roster_id,
                office=entry.office,
                values=form.values(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Roster entry saved."))
            return redirect("exposure:person", entry.pk)
    link_form = LinkForm(
        initial={
            "username": entry.user.username if entry.user_id else "",
            "family_of": entry.linked_to.roster_id if entry.linked_to_id else "",
            "relation": entry.relation_to_linked,
        }
    )
    return render(
        request, "exposure/person.html", {"person": entry, "form": form, "link_form": link_form}
    )


@require_POST
@require(Perm.ROSTER_MANAGE)
def person_link(request: HttpRequest, person_id: int) -> HttpResponse:
    """Link an entry to its staff account or to the officer whose family member it is."""
    entry = selectors.person_get_for_user(person_id=person_id, user=request.user)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.person_link(actor=request.user, person=entry, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Links saved."))
            return redirect("exposure:person", entry.pk)
    values_form = RosterValuesForm(initial=RosterValuesForm.initial_for(RosterValues.of(entry)))
    return render(
        request,
        "exposure/person.html",
        {"person": entry, "form": values_form, "link_form": form},
        status=422,
    )


@require(Perm.ROSTER_VIEW_OWN)
def own_entry(request: HttpRequest) -> HttpResponse:
    """Let a protected person see and correct their own entry."""
    entry = selectors.own_entry_for_user(user=request.user)
    if entry is None:
        return render(request, "exposure/own_entry.html", {"person": None})
    form = RosterValuesForm(
        request.POST or None, initial=RosterValuesForm.initial_for(RosterValues.of(entry))
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_correct_own(user=request.user, values=form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your entry is corrected."))
            return redirect("exposure:own_entry")
    family = selectors.own_family_for_user(user=request.user, person=entry)
    return render(
        request, "exposure/own_entry.html", {"person": entry, "form": form, "family": family}
    )


@require(Perm.HOME)
def alerts(request: HttpRequest) -> HttpResponse:
    """List the alerts the user may see, and their own in-app notices."""
    return render(
        request,
        "exposure/alerts.html",
        {
            "alerts": selectors.alert_list_for_user(user=request.user, limit=200),
            "notices": selectors.notices_for_user(user=request.user).filter(read_at=None)[:50],
        },
    )


@require(Perm.HOME)
def alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Show one alert: source, identifier types, measures (never the matched values)."""
    found = selectors.alert_get_for_user(alert_id=alert_id, user=request.user)
    for notice in found.notices.filter(recipient=request.user, read_at=None):
        services.notice_mark_read(notice=notice, user=request.user)
    return _render_alert(request, found)


def _render_alert(
    request: HttpRequest,
    found: ExposureAlert,
    *,
    measure_form: MeasureForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    failed = next((form for form in (measure_form, close_form) if form is not None), None)
    return render(
        request,
        "exposure/alert.html",
        {
            "alert": found,
            "measure_form": measure_form or MeasureForm(),
            "close_form": close_form or CloseForm(),
            "failed_form": failed,
        },
        status=status,
    )


def _alert_action(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    # Unaudited lookup: the service audits the action; the page shown next audits its read.
    found = selectors.alert_to_work(alert_id=alert_id, user=request.user)
    measure_form = MeasureForm(request.POST) if action == "measure" else None
    close_form = CloseForm(request.POST) if action == "close" else None
    try:
        if action == "acknowledge":
            services.alert_acknowledge(alert=found, actor=request.user)
        elif action == "incident":
            services.alert_incident_draft(alert=found, actor=request.user)
        elif measure_form is not None:
            if measure_form.is_valid():
                services.measure_record(
                    alert=found, actor=request.user, **measure_form.cleaned_data
                )
        elif close_form is not None and close_form.is_valid():
            services.alert_close(
                alert=found, actor=request.user, reason=close_form.cleaned_data["reason"]
            )
    except ValidationError as error:
        form = measure_form or close_form
        if form is None:
            for message in error.messages:
                messages.error(request, message)
        else:
            _apply_errors(form, error)
    failed = measure_form or close_form
    if failed is not None and failed.errors:
        # Refused: the page again with the error and what was typed (a close reason, a
        # measure's note), not a redirect that would lose them. The alert is read afresh
        # (an audited read) since another user may have moved it meanwhile.
        shown = selectors.alert_get_for_user(alert_id=found.pk, user=request.user)
        return _render_alert(
            request, shown, measure_form=measure_form, close_form=close_form, status=422
        )
    return redirect("exposure:alert", found.pk)


@require_POST
@require(Perm.ALERT_WORK)
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _alert_action(request, alert_id, "acknowledge")


@require_POST
@require(Perm.ALERT_WORK)
def alert_measure(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _alert_action(request, alert_id, "measure")


@require_POST
@require(Perm.ALERT_WORK)
def alert_close(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _alert_action(request, alert_id, "close")


@require_POST
@require(Perm.ALERT_WORK)
def alert_incident(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _alert_action(request, alert_id, "incident")


@require(Perm.ALERT_WORK)
def scan_text(request: HttpRequest) -> HttpResponse:
    """Scan text typed or pasted by staff; exposures raise alerts."""
    form = ScanTextForm(request.POST or None)
    result = new_alerts = None
    if request.method == "POST" and form.is_valid():
        try:
            result, new_alerts = services.text_scan(
                actor=request.user, text=form.cleaned_data["text"], label=form.cleaned_data["label"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
    shown = None
    if result is not None:
        shown = selectors.scan_result_for_user(
            user=request.user, result=result, alerts=new_alerts or []
        )
    return render(request, "exposure/scan.html", {"form": form, "shown": shown})
