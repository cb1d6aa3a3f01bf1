"""Attach a request id and client address to every audit event written during a request."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit import context


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        # REMOTE_ADDR only: a forwarded-for header is client-controlled unless a trusted proxy
        # rewrites it, and an audit trail must not record a spoofable address as fact.
        token = context.set_current(
            context.RequestContext(
                request_id=request_id, ip_address=request.META.get("REMOTE_ADDR")
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-Id"] = request_id
        return response
