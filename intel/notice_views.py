"""The recipient-notice page: who was told of a correction or a purge, and whether the email went
(28 CFR 23.20(h); legal-controls C-09). Oversight roles see every office, supervisors their own."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import audit_record
from intel import selectors


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
