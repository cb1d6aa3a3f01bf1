"""Audit every sign-in, failed sign-in, sign-out and lockout from day one.

Django's auth signals are the only hook for these events, so receivers are used here; business
rules never live in signals.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import audit_record


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, verb="auth.login", target=user)


@receiver(user_logged_out)
def _audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, verb="auth.logout", target=user)


@receiver(user_login_failed)
def _audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    audit_record(
        actor=None,
        actor_label=username,
        verb="auth.login_failed",
        target=known,
        data={"username": username},
    )


@receiver(user_locked_out)
def _audit_lockout(
    sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any
) -> None:
    audit_record(
        actor=None,
        actor_label=str(username)[:150],
        verb="auth.locked_out",
        data={"username": username, "ip_address": ip_address},
    )
