"""Every write to accounts: users, roles, API tokens, MFA devices. Each one is audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, FieldOffice, RoleGrant, User
from accounts.permissions import Perm, check
from accounts.roles import READ_ONLY_ROLES, Role
from audit.services import audit_record

TOKEN_PREFIX = "cst"  # noqa: S105  (a label, not a secret)


def _check_role_mix(roles: set[str]) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    if roles & READ_ONLY_ROLES and roles - READ_ONLY_ROLES:
        # Oversight reads everything and changes nothing, so it cannot be mixed with a role
        # that writes (DEVELOPERS.md, lines we do not cross).
        raise ValidationError(
            "An oversight or privacy officer role cannot be combined with roles that write."
        )


@transaction.atomic
def office_create(
    *,
    code: str,
    name: str,
    timezone_name: str = "America/New_York",
    synthetic: bool = False,
    actor: User | None = None,
) -> FieldOffice:
    """Create a field office."""
    office = FieldOffice.objects.create(
        code=code, name=name, timezone=timezone_name, synthetic=synthetic
    )
    audit_record(actor=actor, verb="office.create", target=office, data={"code": code})
    return office


@transaction.atomic
def user_create(
    *,
    username: str,
    office: FieldOffice | None,
    roles: Iterable[str],
    password: str | None,
    actor: User | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    synthetic: bool = False,
) -> User:
    """Create a user in an office with the given roles."""
    if actor is not None:
        check(actor, Perm.USERS_MANAGE)
    role_set = set(roles)
    _check_role_mix(role_set)
    user = User(
        username=username,
        office=office,
        email=email,
        first_name=first_name,
        last_name=last_name,
        synthetic=synthetic,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor, verb="user.create", target=user, data={"office": office and office.code}
    )
    for role in sorted(role_set):
        RoleGrant.objects.create(user=user, role=role, granted_by=actor)
        audit_record(actor=actor, verb="role.grant", target=user, data={"role": role})
    return user


@transaction.atomic
def role_grant(*, user: User, role: str, actor: User, reason: str) -> RoleGrant:
    """Grant a role to a user."""
    check(actor, Perm.USERS_MANAGE)
    _check_role_mix(set(user.role_set) | {role})
    grant, _ = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": actor})
    user.__dict__.pop("_role_cache", None)
    audit_record(actor=actor, verb="role.grant", target=user, reason=reason, data={"role": role})
    return grant


@transaction.atomic
def role_revoke(*, user: User, role: str, actor: User, reason: str) -> None:
    """Take a role away from a user."""
    check(actor, Perm.USERS_MANAGE)
    RoleGrant.objects.filter(user=user, role=role).delete()
    user.__dict__.pop("_role_cache", None)
    audit_record(actor=actor, verb="role.revoke", target=user, reason=reason, data={"role": role})


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Keep the language the user reads Custos in (pages, e-mails and notices)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": f"Custos is not offered in {language!r}."})
    # Lock the row: two switches at once must leave the audit trail ending in the stored value.
    locked = User.objects.select_for_update().only("pk", "language").get(pk=user.pk)
    if locked.language != language:
        locked.language = language
        locked.save(update_fields=["language"])
        audit_record(actor=user, verb="user.language", target=user, data={"language": language})
    user.language = language
    return user


def _hash_secret(secret: str) -> str:
    # Tokens are 256-bit random values, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for the user; return it and the secret, which is shown only once."""
    if not name.strip():
        raise ValidationError("A token needs a name.")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:80], prefix=prefix, key_hash=_hash_secret(secret)
    )
    audit_record(actor=user, verb="token.create", target=token, data={"name": token.name})
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke an API token. Its owner or a user administrator may do it."""
    if actor != token.user:
        check(actor, Perm.USERS_MANAGE)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="token.revoke", target=token)
    return token


def token_authenticate(raw: str) -> User | None:
    """Return the active user a presented token belongs to, or None."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__office")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, _hash_secret(parts[2])):
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def mfa_enrol_start(*, user: User) -> TOTPDevice:
    """Start TOTP enrolment: an unconfirmed device whose secret is shown to the user."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    audit_record(actor=user, verb="mfa.enrol_start", target=user)
    return device


@transaction.atomic
def mfa_enrol_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm enrolment with a first code from the app."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    ok = device.verify_token(code.strip())
    if ok:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    audit_record(actor=user, verb="mfa.enrol" if ok else "mfa.enrol_failed", target=user)
    return ok


@transaction.atomic
def mfa_verify(*, user: User, code: str) -> TOTPDevice | None:
    """Check a code against the user's confirmed devices; return the device that matched."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(code.strip()):
            audit_record(actor=user, verb="mfa.verify", target=user)
            return device
    audit_record(actor=user, verb="mfa.verify_failed", target=user)
    return None
