"""The JSON API under /api/v1/ (django-ninja), with token and session authentication.

Each app that has an `api.py` with a `router` is mounted at `/api/v1/<router_prefix>`; apps
declare `router_prefix` themselves, so adding an app's API touches no shared file.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, SessionAuth

from accounts.permissions import is_read_only, mfa_required
from accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cst_…`: a per-user, revocable API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """A browser session, but only once the user has passed MFA where it is required."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if mfa_required(user) and not user.is_verified():
            return None
        return user


api = NinjaAPI(
    title="Custos API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    # "Not allowed" and "does not exist" give the same answer.
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


def refuse_read_only(request: HttpRequest) -> None:
    """Refuse a write from an oversight role (API writes call this before any service)."""
    if is_read_only(request.user):
        raise PermissionDenied("Oversight roles read everything and change nothing.")


class MeOut(Schema):
    id: int
    username: str
    office: str | None
    roles: list[str]
    mfa_required: bool
    read_only: bool


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request: HttpRequest) -> dict[str, Any]:
    """Return the authenticated user, their office and roles."""
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "office": user.office.code if user.office_id else None,
        "roles": sorted(user.role_set),
        "mfa_required": mfa_required(user),
        "read_only": is_read_only(user),
    }


def _mount_app_routers() -> None:
    for app in settings.INSTALLED_APPS:
        if "." in app or importlib.util.find_spec(f"{app}.api") is None:
            continue
        module = importlib.import_module(f"{app}.api")
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(getattr(module, "router_prefix", f"/{app}"), router)


_mount_app_routers()
