"""Pages for incidents: thin adapters over services and selectors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, has_perm, require
from incidents import selectors, services
from incidents.forms import PublicTipForm, ReviewForm, StaffIncidentForm
from incidents.models import Incident, Offense, new_reference
from incidents.screening import (
    CONDUCT_CHOICES,
    FAMILY_ONLY_OFFENSES,
    FAMILY_VICTIM,
    offenses_allowed,
)


def _visible_incident(request: HttpRequest, incident_id: int, perm: Perm) -> Incident:
    """Find first (404 for another office, as for a missing record), then check the capability."""
    incident = selectors.incident_get_for_user(
        incident_id=incident_id, user=request.user, audit=False
    )
    if not has_perm(request.user, perm):
        raise PermissionDenied
    return incident


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    incident = selectors.incident_detail_for_user(incident_id=incident_id, user=request.user)
    return _render_detail(request, incident, ReviewForm())


def _render_detail(
    request: HttpRequest, incident: Incident, review_form: ReviewForm, status: int = 200
) -> HttpResponse:
    labels = dict(CONDUCT_CHOICES)
    conduct_labels = [str(labels.get(code, code)) for code in incident.conduct]
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "conduct_labels": conduct_labels,
            "may_review": incident.status == Incident.Status.NEEDS_REVIEW
            and has_perm(request.user, Perm.INCIDENT_REVIEW)
            and request.user.office_id == incident.office_id,
            "review_form": review_form,
        },
        status=status,
    )


def _staff_report(request: HttpRequest, *, channel: str, phone_tip: bool) -> HttpResponse:
    office = request.user.office
    if office is None:
        raise PermissionDenied
    form = StaffIncidentForm(request.POST or None, office=office, phone_tip=phone_tip)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_submit(
                office=office,
                channel=channel,
                conduct=data["conduct"],
                narrative=data["narrative"],
                victims=form.victims(),
                offenses=[o.code for o in data["offenses"]],
                actor=request.user,
                occurred_at=data["occurred_at"],
                location_text=data["location_text"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                suspect_description=data["suspect_description"],
                reporter_name=data.get("reporter_name", ""),
                reporter_phone=data.get("reporter_phone", ""),
                reporter_email=data.get("reporter_email", ""),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return render(
                request,
                "incidents/submitted.html",
                {"incident": incident, "redactions": getattr(incident, "redactions", 0)},
            )
    return render(
        request,
        "incidents/report_form.html",
        {"form": form, "phone_tip": phone_tip, "offense_map": _offense_hint()},
    )


def _offense_hint() -> list[dict[str, Any]]:
    labels = dict(CONDUCT_CHOICES)
    family = _("(only with a victim who is a family member of an officer)")
    rows = []
    for code in labels:
        supported = offenses_allowed([code], [FAMILY_VICTIM])
        if supported:
            named = [f"{o} {family}" if o in FAMILY_ONLY_OFFENSES else o for o in supported]
            rows.append({"conduct": str(labels[code]), "offenses": named})
    return rows


@require(Perm.INCIDENT_SUBMIT)
def field_report(request: HttpRequest) -> HttpResponse:
    return _staff_report(request, channel=Incident.Channel.FIELD_REPORT, phone_tip=False)


@require(Perm.PHONE_TIP_TAKE)
def phone_tip(request: HttpRequest) -> HttpResponse:
    return _staff_report(request, channel=Incident.Channel.PHONE_TIP, phone_tip=True)


PAGE_FILTERS = frozenset({"q", "status", "offense", "channel", "from", "to", "page"})


@require(Perm.INCIDENT_VIEW)
def incident_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    unknown = sorted(set(params) - PAGE_FILTERS)
    if unknown:
        # 28 CFR 23.20(b); legal-controls C-33: no filter on anything but these.
        return HttpResponseBadRequest(
            _("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)}
        )
    incidents = selectors.incident_search(
        user=request.user,
        text=params.get("q", "")[:200],
        status=params.get("status", "") if params.get("status") in Incident.Status.values else "",
        offense=params.get("offense", "")[:40],
        channel=params.get("channel", "")
        if params.get("channel") in Incident.Channel.values
        else "",
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
    ).prefetch_related("offenses")
    page = Paginator(incidents, 25).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "params": params,
            "query": query.urlencode(),
            "statuses": Incident.Status.choices,
            "channels": Incident.Channel.choices,
            "offenses": Offense.objects.all(),
        },
    )


def _date(value: str | None) -> Any:
    from django.utils.dateparse import parse_date

    try:
        return parse_date(value or "")
    except ValueError:
        return None


@require(Perm.INCIDENT_REVIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "incidents/review_queue.html",
        {"incidents": selectors.review_queue(user=request.user)},
    )


@require_POST
def incident_review(request: HttpRequest, incident_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    incident = _visible_incident(request, incident_id, Perm.INCIDENT_REVIEW)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.incident_review(
                incident=incident,
                actor=request.user,
                decision=request.POST.get("decision", ""),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return redirect("incidents:detail", incident_id=incident.pk)
    # Refused: the page again, with the error and the reason as typed (nothing is lost). The
    # incident is read afresh (and that read audited) since another review may have moved it.
    incident = selectors.incident_detail_for_user(incident_id=incident.pk, user=request.user)
    return _render_detail(request, incident, form, status=422)


@require(Perm.PROTECTED_COUNTS_VIEW)
def protected_counts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "incidents/protected_counts.html",
        {"rows": selectors.protected_only_counts(user=request.user)},
    )


@require(Perm.HOME)
def notices(request: HttpRequest) -> HttpResponse:
    return render(
        request, "incidents/notices.html", {"notices": selectors.notices_for(user=request.user)}
    )


# The public tip form --------------------------------------------------------------------------

TIP_RATE_LIMIT = 10  # submissions per IP address per hour


def _rate_limited(request: HttpRequest) -> bool:
    """Count this submission for the address; return whether it is over the limit."""
    limit = int(getattr(settings, "CUSTOS_TIP_RATE_LIMIT", TIP_RATE_LIMIT))
    key = "incidents:tip-rate:" + (request.META.get("REMOTE_ADDR") or "unknown")
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > limit


def _tip_language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or translation.get_language()
    return "es" if (lang or "").startswith("es") else "en"


def public_tip(request: HttpRequest) -> HttpResponse:
    lang = _tip_language(request)
    with translation.override(lang):
        response = _public_tip(request, lang)
        response.headers["Content-Language"] = lang
        return response


def _public_tip(request: HttpRequest, lang: str) -> HttpResponse:
    context: dict[str, Any] = {"lang": lang, "other_lang": "en" if lang == "es" else "es"}
    if request.method != "POST":
        context["form"] = PublicTipForm()
        return render(request, "tip/form.html", context)
    if _rate_limited(request):
        return render(request, "tip/rate_limited.html", context, status=429)
    form = PublicTipForm(request.POST, request.FILES)
    context["form"] = form
    if form.data.get("website"):
        # A bot filled the honeypot: the same receipt page as anyone, and nothing is stored.
        return render(request, "tip/receipt.html", {**context, "reference": new_reference()})
    if not form.is_valid():
        return render(request, "tip/form.html", context, status=400)
    data = form.cleaned_data
    try:
        reference = _store_tip(data)
    except ValidationError as error:
        _errors_to_form(form, error)
        return render(request, "tip/form.html", context, status=400)
    except Exception as error:
        from evidence.streaming import EvidenceRefused

        if not isinstance(error, EvidenceRefused):
            raise
        form.add_error("attachments", getattr(error, "message", str(error)))
        return render(request, "tip/form.html", context, status=400)
    # The receipt is the same whatever screening decided and whatever is on file.
    return render(request, "tip/receipt.html", {**context, "reference": reference})


def _store_tip(data: dict[str, Any]) -> str:
    from evidence.models import EvidenceItem
    from evidence.services import evidence_ingest

    with transaction.atomic():
        incident = services.incident_submit(
            office=data["office"],
            channel=Incident.Channel.PUBLIC_TIP,
            conduct=data["conduct"],
            narrative=data["narrative"],
            actor=None,
            occurred_at=data["occurred_at"],
            location_text=data["location_text"],
            suspect_description=data["suspect_description"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            reporter_email=data["reporter_email"],
        )
        if not incident.is_protected_only:
            # Attachments of a protected-only tip are not kept: they would show the people in
            # it (5 U.S.C. 552a(e)(7)). Otherwise they go to the evidence locker; a refused
            # file rolls the whole tip back so the tipster can fix it and lose nothing.
            for upload in data["attachments"]:
                evidence_ingest(
                    incident=incident,
                    fileobj=upload,
                    filename=upload.name,
                    content_type=upload.content_type,
                    actor=None,
                    source=EvidenceItem.Source.PUBLIC_TIP,
                )
    return incident.reference
