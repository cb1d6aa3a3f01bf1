"""API tokens: shown once, stored hashed, revocable, and audited."""

import pytest
from django.test import Client

from accounts import services
from accounts.models import ApiToken
from accounts.roles import Role
from audit.models import AuditEvent
from common.testing import make_user

pytestmark = pytest.mark.django_db


def _me(secret: str):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})


def test_token_authenticates_and_a_revoked_token_fails(office_a):
    user = make_user(office_a, Role.SUPERVISOR, Role.ANALYST)
    token, secret = services.token_create(user=user, name="synthetic script")
    response = _me(secret)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["office"] == "alpha"
    assert body["roles"] == ["analyst", "supervisor"]
    services.token_revoke(token=token, actor=user)
    assert _me(secret).status_code == 401
    assert list(
        AuditEvent.objects.filter(
            target_type="accounts.apitoken", target_id=str(token.pk)
        ).values_list("verb", flat=True)
    ) == [
        "token.create",
        "token.revoke",
    ]


def test_token_secret_is_stored_only_as_a_hash(office_a):
    user = make_user(office_a, Role.FIELD_OFFICER)
    token, secret = services.token_create(user=user, name="phone")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.split("_", 2)[2] not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64


def test_wrong_or_malformed_tokens_fail(office_a):
    user = make_user(office_a, Role.FIELD_OFFICER)
    _token, secret = services.token_create(user=user, name="phone")
    assert _me(secret[:-2] + "xx").status_code == 401
    assert _me("not-a-token").status_code == 401
    assert _me("").status_code == 401


def test_token_of_a_deactivated_user_fails(office_a):
    user = make_user(office_a, Role.FIELD_OFFICER)
    _token, secret = services.token_create(user=user, name="phone")
    user.is_active = False
    user.save()
    assert _me(secret).status_code == 401


def test_token_page_shows_the_secret_once(office_a, signed_in):
    user = make_user(office_a, Role.FIELD_OFFICER)
    client = signed_in(user)
    response = client.post("/account/tokens/", {"name": "laptop"})
    token = ApiToken.objects.get(user=user)
    assert b"cst_" + token.prefix.encode() in response.content
    again = client.get("/account/tokens/")
    assert b"cst_" + token.prefix.encode() not in again.content
