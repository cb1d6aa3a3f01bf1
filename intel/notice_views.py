"""Correction of a subject, and the recipient-notice page (28 CFR 23.20(h); legal-controls C-09).

The notice page says who was told of a correction or a purge and whether the email went; oversight
roles see every office, supervisors their own.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import Perm, has_perm
from audit.services import audit_record
from common.formpage import errors_to_form
from intel import selectors, services
from intel.forms import CorrectForm


def notices(request: HttpRequest) -> HttpResponse:
    """List correction and purge notices, newest first, open (unsent) ones marked."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.may_read_recipient_notices(request.user):
        raise PermissionDenied
    rows = list(selectors.recipient_notices_for(user=request.user)[:500])
    # 28 CFR 23.20(g): reads of the dissemination trail are themselves audited.
    audit_record(
        actor=request.user, verb="recipient_notice.list", data={"shown": [n.pk for n in rows]}
    )
    return render(request, "intel/notices.html", {"notices": rows})


@login_required
def subject_correct(request: HttpRequest, subject_id: int) -> HttpResponse:
    """Show the subject's correctable facts (GET) and correct them (POST); errors keep the input."""
    # Another office, or a restricted subject the user may not open: as if it did not exist.
    subject = selectors.subject_in_scope(subject_id=subject_id, user=request.user)
    if not has_perm(request.user, Perm.SUBJECT_VALIDATE):
        raise PermissionDenied
    if request.method == "POST":
        form = CorrectForm(request.POST)
        if form.is_valid():
            try:
                services.subject_correct(
                    subject=subject,
                    actor=request.user,
                    field_changes=form.field_changes(subject),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Corrected; every past recipient is being advised."))
                return redirect("intel:subject", subject_id=subject.pk)
        status = 422
    else:
        form = CorrectForm(
            initial={name: getattr(subject, name) for name in CorrectForm.CORRECTABLE}
        )
        # 28 CFR 23.20(g): the prefilled form shows the record, so the read is audited.
        audit_record(actor=request.user, verb="subject.view", target=subject)
        status = 200
    return render(request, "intel/correct.html", {"subject": subject, "form": form}, status=status)
