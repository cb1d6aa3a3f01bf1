"""Field offices, users, their roles, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class FieldOffice(models.Model):
    """A field office: the unit that owns records and sees its own."""

    code = models.SlugField(max_length=16, unique=True)
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, default="America/New_York")
    require_mfa_for_field_officers = models.BooleanField(default=False)
    synthetic = models.BooleanField(
        default=False, help_text=_("Demo or test data, not a real office.")
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    """A Custos user: belongs to one field office and holds one or more roles."""

    office = models.ForeignKey(
        FieldOffice, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    synthetic = models.BooleanField(default=False, help_text=_("Demo or test account."))
    # The language of every page after sign-in and of every e-mail and notice sent to the user.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="user_language_served",
            )
        ]

    @property
    def role_set(self) -> frozenset[str]:
        """Return the user's roles, cached for the life of this object."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        """Return whether the user holds any of the given roles."""
        return bool(self.role_set.intersection(roles))


class RoleGrant(models.Model):
    """One role held by one user. Granted and revoked only through accounts.services."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_grant_known_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
