"""Fixtures for the whole suite. Every record they create is synthetic test data."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.roles import Role
from common.testing import World, login_verified, make_office, make_user

pytest_plugins = ["common.fixtures"]


@pytest.fixture
def office_a(db):
    return make_office("alpha")


@pytest.fixture
def office_b(db):
    return make_office("bravo")


@pytest.fixture
def world(office_a, office_b) -> World:
    """Two offices with one synthetic user per role in each."""
    users = {}
    for key, office in (("a", office_a), ("b", office_b)):
        for role in Role:
            users[(key, role.value)] = make_user(office, role.value, username=f"{key}-{role.value}")
    return World(offices={"a": office_a, "b": office_b}, users=users)


@pytest.fixture
def signed_in():
    """Return a function that gives a client signed in (MFA verified) as a user."""

    def _client(user) -> Client:
        return login_verified(Client(), user)

    return _client
