"""The audit log and disclosure accounting pages: oversight roles read, nobody writes."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import Perm, require
from audit import selectors
from audit.chain import verify_chain


@require(Perm.AUDIT_READ)
def event_list(request: HttpRequest) -> HttpResponse:
    """List audit events with simple filters, and whether the chain verifies."""
    filters = {
        key: request.GET.get(key, "").strip()[:150] for key in ("verb", "actor", "target_id")
    }
    events = selectors.audit_events_for_oversight(user=request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    chain = verify_chain() if request.GET.get("verify") == "1" else None
    return render(
        request, "audit/event_list.html", {"page": page, "filters": filters, "chain": chain}
    )


@require(Perm.AUDIT_READ)
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """List every disclosure with recipient, purpose, legal basis and what was released."""
    query = request.GET.get("q", "").strip()[:150]
    records = selectors.disclosures_for_oversight(user=request.user, query=query)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "audit/disclosure_list.html", {"page": page, "query": query})
