"""Sign-in, lockout, MFA, idle timeout, and read-only roles. All users are synthetic."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.roles import Role
from audit.models import AuditEvent
from common.testing import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_passwords_are_hashed_with_argon2(office_a):
    user = make_user(office_a, Role.FIELD_OFFICER)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert TEST_PASSWORD not in user.password


def test_every_login_and_failed_login_leaves_an_audit_event(office_a):
    user = make_user(office_a, Role.FIELD_OFFICER)
    client = Client()
    assert _login(client, user.username, "wrong-password").status_code == 200
    assert _login(client, "no-such-user", "wrong-password").status_code == 200
    response = _login(client, user.username)
    assert response.status_code == 302
    failed = AuditEvent.objects.filter(verb="auth.login_failed").order_by("id")
    assert [e.actor_label for e in failed] == [user.username, "no-such-user"]
    assert failed[0].target_id == str(user.pk)
    assert AuditEvent.objects.filter(verb="auth.login", actor=user).count() == 1
    # The password never reaches the audit log.
    assert not AuditEvent.objects.filter(data__icontains="wrong-password").exists()


def test_account_locks_after_repeated_failures(office_a, settings):
    user = make_user(office_a, Role.FIELD_OFFICER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, "wrong-password")
    # The right password no longer works while locked out.
    response = _login(client, user.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(verb="auth.locked_out", actor_label=user.username).exists()


def test_privileged_role_must_enrol_in_mfa_before_anything_else(office_a):
    user = make_user(office_a, Role.SUPERVISOR)
    client = Client()
    response = _login(client, user.username)
    assert response.status_code == 302
    # Home, and any other page, sends the user to enrolment first.
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:mfa_enrol")
    response = client.get(reverse("accounts:mfa_enrol"))
    assert response.status_code == 200 and b"<svg" in response.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("accounts:mfa_enrol"), {"code": "000000"}).status_code == 200
    # A failure throttles the device for a moment (django-otp); try again a little later.
    with time_machine.travel(dt.timedelta(seconds=5)):
        device.refresh_from_db()
        response = client.post(reverse("accounts:mfa_enrol"), {"code": _current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    assert AuditEvent.objects.filter(verb="mfa.enrol", actor=user).exists()
    assert AuditEvent.objects.filter(verb="mfa.enrol_failed", actor=user).exists()


def test_enrolled_user_must_verify_a_code_at_each_sign_in(office_a):
    user = make_user(office_a, Role.ANALYST)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    _login(client, user.username)
    response = client.get(reverse("accounts:home"))
    assert response.url == reverse("accounts:mfa_verify")
    assert client.post(reverse("accounts:mfa_verify"), {"code": "123456"}).status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 302
    with time_machine.travel(dt.timedelta(seconds=5)):
        device.refresh_from_db()
        client.post(reverse("accounts:mfa_verify"), {"code": _current_code(device)})
    assert client.get(reverse("accounts:home")).status_code == 200
    assert AuditEvent.objects.filter(verb="mfa.verify_failed", actor=user).exists()


def test_field_officer_needs_no_mfa_unless_the_office_requires_it(office_a):
    user = make_user(office_a, Role.FIELD_OFFICER)
    client = Client()
    _login(client, user.username)
    assert client.get(reverse("accounts:home")).status_code == 200
    office_a.require_mfa_for_field_officers = True
    office_a.save()
    assert client.get(reverse("accounts:home")).url == reverse("accounts:mfa_enrol")


def test_api_session_auth_refuses_an_unverified_privileged_session(office_a):
    user = make_user(office_a, Role.SUPERVISOR)
    client = Client()
    _login(client, user.username)
    assert client.get("/api/v1/me").status_code == 401


def test_idle_session_expires(office_a, settings):
    user = make_user(office_a, Role.FIELD_OFFICER)
    client = Client()
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        _login(client, user.username)
        assert client.get(reverse("accounts:home")).status_code == 200
        # Activity pushes the expiry forward ...
        clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get(reverse("accounts:home")).status_code == 200
        # ... and idleness past the limit ends the session.
        clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_read_only_role_cannot_write(office_a, signed_in):
    user = make_user(office_a, Role.OVERSIGHT)
    client = signed_in(user)
    assert client.get(reverse("accounts:home")).status_code == 200
    # It may still manage its own API tokens (its own credentials), but not data.
    assert client.post(reverse("accounts:tokens"), {"name": "oversight export"}).status_code == 200


def test_oversight_cannot_be_combined_with_a_writing_role(office_a):
    with pytest.raises(ValidationError):
        make_user(office_a, Role.OVERSIGHT, Role.SUPERVISOR)
    admin = make_user(office_a, Role.ADMINISTRATOR)
    reader = make_user(office_a, Role.PRIVACY_OFFICER)
    with pytest.raises(ValidationError):
        services.role_grant(user=reader, role=Role.ANALYST, actor=admin, reason="test")


def test_role_changes_are_audited(office_a):
    admin = make_user(office_a, Role.ADMINISTRATOR)
    user = make_user(office_a, Role.FIELD_OFFICER)
    services.role_grant(user=user, role=Role.ANALYST, actor=admin, reason="promotion (synthetic)")
    services.role_revoke(user=user, role=Role.ANALYST, actor=admin, reason="rotation (synthetic)")
    verbs = list(
        AuditEvent.objects.filter(target_id=str(user.pk), actor=admin).values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["role.grant", "role.revoke"]


def test_read_only_role_gets_a_json_refusal_from_the_api(office_a, signed_in):
    client = signed_in(make_user(office_a, Role.OVERSIGHT))
    response = client.post("/api/v1/incidents", data={}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Oversight roles read everything")
