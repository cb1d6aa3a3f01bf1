"""`custos demo` is idempotent, marks its data synthetic, and every demo user can sign in."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from accounts.models import FieldOffice, User
from accounts.permissions import mfa_required
from accounts.roles import Role
from common.management.commands.demo import demo_password, demo_totp_key

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_synthetic():
    call_command("demo", "--no-migrate", "--quiet-users")
    counts = (FieldOffice.objects.count(), User.objects.count())
    call_command("demo", "--no-migrate", "--quiet-users")
    assert (FieldOffice.objects.count(), User.objects.count()) == counts
    assert counts == (3, 3 * len(Role))
    assert not FieldOffice.objects.filter(synthetic=False).exists()
    assert not User.objects.filter(synthetic=False).exists()


def test_every_demo_user_signs_in_and_sees_their_role_home():
    call_command("demo", "--no-migrate", "--quiet-users")
    start = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    for index, user in enumerate(User.objects.order_by("username")):
        client = Client()
        # Each user signs in at a fresh time step, so one code is never reused (django-otp refuses).
        with time_machine.travel(start + dt.timedelta(minutes=index), tick=False):
            response = client.post(
                reverse("accounts:login"),
                {"username": user.username, "password": demo_password(user.username)},
            )
            assert response.status_code == 302, user.username
            if mfa_required(user):
                key = bytes.fromhex(demo_totp_key(user.username))
                code = f"{totp(key):06d}"
                client.post(reverse("accounts:mfa_verify"), {"code": code})
            home = client.get(reverse("accounts:home"))
        assert home.status_code == 200, user.username
        role = next(iter(user.role_set))
        assert f'data-role="{role}"'.encode() in home.content
