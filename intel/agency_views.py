"""The registry of recipient agencies outside Custos (issue 5 item 5; 28 CFR 23.20(e), (f)).

Supervisors (DISSEMINATE) list and add agencies; oversight roles read the list and change nothing.
A release of intelligence checks the registry: law enforcement with a current agreement only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.permissions import Perm, has_perm
from intel import services
from intel.models import RecipientAgency


class AgencyForm(forms.Form):
    name = forms.CharField(label=_l("Agency name"), max_length=200)
    address = forms.CharField(label=_l("Address"), max_length=300)
    is_law_enforcement = forms.BooleanField(label=_l("A law-enforcement agency"), required=False)
    agreement_signed = forms.DateField(
        label=_l("Agreement signed on (YYYY-MM-DD)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    agreement_expires = forms.DateField(
        label=_l("Agreement expires on (YYYY-MM-DD)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact_email = forms.EmailField(
        label=_l("Contact email for corrections and purge notices"),
        required=False,
        help_text=_l("28 CFR 23.20(h): past recipients are advised of corrections and purges."),
    )


def agency_register(*, actor, name: str, **fields) -> RecipientAgency:
    """Register through the service, refusing a duplicate name with a clear error (not a 500)."""
    if RecipientAgency.objects.filter(name__iexact=(name or "").strip()).exists():
        raise ValidationError({"name": [_("An agency with that name is already registered.")]})
    return services.agency_register(actor=actor, name=name, **fields)


def may_read_agencies(user) -> bool:
    return has_perm(user, Perm.DISSEMINATE) or has_perm(user, Perm.OVERSIGHT_VIEW)


def agencies(request: HttpRequest) -> HttpResponse:
    """List the registry (GET); add an agency (POST, supervisors)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_read_agencies(request.user):
        raise PermissionDenied
    if request.method == "POST" and not has_perm(request.user, Perm.DISSEMINATE):
        raise PermissionDenied
    form = AgencyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agency_register(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The agency was added to the registry."))
                return redirect("intel:agencies")
        status = 422
    today = timezone.localdate()
    rows = [
        {"agency": agency, "current": agency.agreement_current(today)}
        for agency in RecipientAgency.objects.all()
    ]
    return render(
        request,
        "intel/agencies.html",
        {"rows": rows, "form": form, "may_add": has_perm(request.user, Perm.DISSEMINATE)},
        status=status,
    )
