"""Sign-in, MFA enrolment and verification, the home page, and API tokens."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import CodeForm, TokenForm
from accounts.models import ApiToken
from accounts.permissions import Perm, mfa_required, require
from accounts.roles import Role


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    # The same cookie Django's language switch sets, so LocaleMiddleware reads it on every page.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """Sign in, then show Custos in the language kept on the account."""
        response = super().form_valid(form)
        language = form.get_user().language
        translation.activate(language)
        _set_language_cookie(response, language)
        return response


def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language (Django's view); a signed-in user's choice is kept on the account.

    A user still owing a second factor switches the page only: the account changes once they
    are fully signed in.
    """
    response = i18n.set_language(request)
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        # is_verified() is added to the user by django_otp's OTPMiddleware.
        and not (mfa_required(user) and not user.is_verified())  # type: ignore[attr-defined]
    ):
        try:
            # "es-mx" is kept as "es": the account holds a language Custos serves.
            language = translation.get_supported_language_variant(
                request.POST.get("language") or ""
            )
        except LookupError:
            return response
        services.user_language_set(user=user, language=language)
    return response


class LogoutView(auth_views.LogoutView):
    pass


def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Show a new TOTP secret as a QR code and confirm it with a first code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if services.mfa_enrol_confirm(
            user=request.user, device=device, code=form.cleaned_data["code"]
        ):
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect("accounts:home")
        form.add_error(
            "code", _("That code did not match. Check your device's clock and try again.")
        )
    if device is None:
        device = services.mfa_enrol_start(user=request.user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": device.bin_key.hex(),
            "config_url": device.config_url,
        },
    )


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask a signed-in user for the current code from their authenticator."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = reverse("accounts:home")
            return redirect(next_url)
        form.add_error("code", _("That code did not match."))
    return render(request, "accounts/mfa_verify.html", {"form": form})


# What each role's home page offers; later issues add their links here.
ROLE_HOME = {
    Role.FIELD_OFFICER: gettext_lazy("Report an incident from the field and follow your reports."),
    Role.SUPERVISOR: gettext_lazy(
        "Review incidents from your office and approve their next steps."
    ),
    Role.ANALYST: gettext_lazy("Work cases, link incidents and propose subjects."),
    Role.RS_APPROVER: gettext_lazy("Approve or refuse proposed subjects on reasonable suspicion."),
    Role.PRIVACY_OFFICER: gettext_lazy(
        "Read every record, disclosure and audit event. You cannot change anything."
    ),
    Role.OVERSIGHT: gettext_lazy(
        "Read every record, disclosure and audit event. You cannot change anything."
    ),
    Role.RECORDS_OFFICER: gettext_lazy("Check evidence fixity, exports and records schedules."),
    Role.PROTECTIVE_UNIT: gettext_lazy("Manage the protected roster and work exposure alerts."),
    Role.ADMINISTRATOR: gettext_lazy("Manage users, roles and field offices."),
}


@require(Perm.HOME)
def home(request: HttpRequest) -> HttpResponse:
    """Show one panel per role the user holds."""
    panels = [
        {"role": Role(role).label, "text": ROLE_HOME[Role(role)], "code": role}
        for role in sorted(request.user.role_set)
    ]
    return render(request, "accounts/home.html", {"panels": panels})


@require(Perm.OWN_TOKENS)
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens and create a new one (its secret is shown once)."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": ApiToken.objects.filter(user=request.user)},
    )


@require_POST
@require(Perm.OWN_TOKENS)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect(reverse("accounts:tokens"))
