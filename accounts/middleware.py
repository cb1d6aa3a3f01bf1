"""Request gates: a second factor before anything else, and no writes by read-only roles."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

from accounts.permissions import is_read_only, mfa_required

# Pages a signed-in user reaches before passing MFA: to sign out, enrol or verify.
_MFA_OPEN = {
    "accounts:login",
    "accounts:logout",
    "accounts:mfa_enrol",
    "accounts:mfa_verify",
    "set_language",
}
# The few writes a read-only role may make: its own session, language, MFA and API tokens.
_READ_ONLY_WRITES = _MFA_OPEN | {"accounts:tokens", "accounts:token_revoke"}
_READ_ONLY_MESSAGE = "Oversight roles read everything and change nothing."
# Served to anyone and guarded on their own terms (the public tip form, the API's own auth).
_OPEN_PREFIXES = ("/static/", "/tip/", "/api/")


def _url_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


class MFARequiredMiddleware:
    """Send a user who must use MFA to enrolment, or to verification, before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith(_OPEN_PREFIXES)
            and mfa_required(user)
            and not user.is_verified()
            and _url_name(request) not in _MFA_OPEN
        ):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:mfa_verify" if has_device else "accounts:mfa_enrol"
            return redirect(target)
        return self.get_response(request)


class ReadOnlyRoleMiddleware:
    """Refuse every unsafe request from a read-only role (oversight reads, never changes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and request.user.is_authenticated
            and is_read_only(request.user)
            and _url_name(request) not in _READ_ONLY_WRITES
        ):
            if request.path_info.startswith("/api/"):
                # The API answers in JSON, like every other API refusal.
                return JsonResponse({"detail": _READ_ONLY_MESSAGE}, status=403)
            raise PermissionDenied(_READ_ONLY_MESSAGE)
        return self.get_response(request)
