"""Test helpers shared by every app: offices, users by role, signed-in clients, the access matrix.

Everything these helpers create is synthetic test data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import FieldOffice, User
from accounts.permissions import Perm, has_perm, is_read_only, reads_all_offices
from accounts.roles import Role

TEST_PASSWORD = "synthetic-test-password-123"  # noqa: S105


def make_office(code: str) -> FieldOffice:
    """Create (or fetch) a synthetic field office."""
    office = FieldOffice.objects.filter(code=code).first()
    return office or services.office_create(
        code=code, name=f"{code.title()} Field Office (synthetic test)", synthetic=True
    )


def make_user(office: FieldOffice | None, *roles: str, username: str | None = None) -> User:
    """Create a synthetic user with the given roles and the shared test password."""
    name = username or f"{office.code if office else 'none'}-{'-'.join(roles) or 'norole'}"
    return services.user_create(
        username=name,
        office=office,
        roles=roles,
        password=TEST_PASSWORD,
        actor=None,
        email=f"{name}@example.invalid",
        synthetic=True,
    )


def login_verified(client: Client, user: User) -> Client:
    """Sign the client in as the user, with a confirmed TOTP device already verified."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@dataclass
class World:
    """Two offices with one user per role each; specs add the objects their routes need."""

    offices: dict[str, FieldOffice]
    users: dict[tuple[str, str], User]  # (office code, role) -> user
    objects: dict[str, Any] = field(default_factory=dict)

    def user(self, office: str, role: str) -> User:
        return self.users[(office, role)]


@dataclass(frozen=True)
class Actor:
    """Who makes a request in the access matrix: a role in office A or B, or nobody."""

    role: str | None
    office: str | None  # "a" (owns the test objects) or "b"; None when anonymous
    user: User | None = None

    @property
    def anonymous(self) -> bool:
        return self.user is None


@dataclass(frozen=True)
class Route:
    """An expectation for one URL (by name) and method, for every actor."""

    name: str
    expect: Callable[[Actor], int]
    method: str = "GET"
    kwargs: Callable[[World], dict[str, Any]] | None = None
    data: Callable[[World], Any] | None = None
    api: bool = False
    # How an API route's `data` is sent: "json" (a dict), "multipart" (a dict with files) or
    # "raw" (bytes as the request body). Pages always get a form-encoded body.
    body: str = "json"
    query: Callable[[World], dict[str, Any]] | None = None  # appended to the URL


# Expectation builders -----------------------------------------------------------------------


def page(perm: Perm, ok: int = 200) -> Callable[[Actor], int]:
    """A page gated by a capability: sign-in first (302), then 403 without it."""

    def expect(actor: Actor) -> int:
        if actor.anonymous:
            return 302
        return ok if has_perm(actor.user, perm) else 403

    return expect


def office_record(perm: Perm, ok: int = 200, anonymous: int = 302) -> Callable[[Actor], int]:
    """A record owned by office A: other offices get 404, as for a record that does not exist."""

    def expect(actor: Actor) -> int:
        if actor.anonymous:
            return anonymous
        if not has_perm(actor.user, perm):
            return 404 if actor.office != "a" and not reads_all_offices(actor.user) else 403
        if actor.office == "a" or reads_all_offices(actor.user):
            return ok
        return 404

    return expect


def api_call(perm: Perm | None, ok: int = 200) -> Callable[[Actor], int]:
    """An API operation: 401 without credentials, 403 without the capability."""

    def expect(actor: Actor) -> int:
        if actor.anonymous:
            return 401
        if perm is None or has_perm(actor.user, perm):
            return ok
        return 403

    return expect


def api_write(
    perm: Perm, ok: int = 200, record: bool = True, in_body: bool = False
) -> Callable[[Actor], int]:
    """An API write (a valid body), on a record office A owns when `record` is true.

    Anonymous callers 401; read-only roles 403 before anything is looked up (oversight roles read
    everything and change nothing); callers without the capability 403 — or 404 in another office,
    where a record named in the URL is as if it did not exist (field offices see their own
    records); other offices 404 even with the capability; the owner office with it gets `ok`.
    `in_body`: the record is named only in the body of a create (open a case from incidents), so
    the capability is weighed first: without it 403 in every office (the URL names nothing).
    """

    def expect(actor: Actor) -> int:
        if actor.anonymous:
            return 401
        if is_read_only(actor.user):
            return 403
        if in_body and not has_perm(actor.user, perm):
            return 403
        if record and actor.office != "a" and not reads_all_offices(actor.user):
            return 404
        if not has_perm(actor.user, perm):
            return 403
        return ok

    return expect


def always(status: int) -> Callable[[Actor], int]:
    return lambda actor: status


ALL_ROLES = [role.value for role in Role]
