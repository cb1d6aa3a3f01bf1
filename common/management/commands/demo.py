"""`custos demo`: migrate and load synthetic demo data. Safe to run again (idempotent).

Everything it writes is synthetic and marked so. Passwords and MFA seeds are printed because this
is a demo; production refuses to run it.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.util

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import FieldOffice, User
from accounts.permissions import mfa_required
from accounts.roles import Role

DEMO_OFFICES = [
    ("north", "North Field Office (synthetic demo)", "America/New_York"),
    ("south", "South Field Office (synthetic demo)", "America/Chicago"),
    ("west", "West Field Office (synthetic demo)", "America/Los_Angeles"),
]


def demo_password(username: str) -> str:
    """Return the printed demo password for a demo username."""
    return f"demo-{username}-pass"


def demo_totp_key(username: str) -> str:
    """Return a stable TOTP key (hex) for a demo user, so reruns print the same seed."""
    return hashlib.sha256(f"custos-demo-totp:{username}".encode()).hexdigest()[:40]


class Command(BaseCommand):
    help = "Migrate and create synthetic demo offices, one user per role per office, and demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-migrate", action="store_true", help="Skip running migrations.")
        parser.add_argument(
            "--quiet-users", action="store_true", help="Do not print sign-in details."
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "custos demo loads synthetic data and prints passwords: not in production."
            )
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
        rows = self._populate()
        if not options["quiet_users"]:
            self.stdout.write("Synthetic demo users (password; TOTP seed where MFA is required):")
            for username, office, roles, password, seed in rows:
                mfa = f"  TOTP seed (base32): {seed}" if seed else ""
                self.stdout.write(f"  {username:<28} {office:<6} {roles:<18} {password}{mfa}")
            self.stdout.write("Current TOTP code for a demo user: custos totp USERNAME")

    @transaction.atomic
    def _populate(self) -> list[tuple[str, str, str, str, str]]:
        rows = []
        offices = []
        for code, name, tz in DEMO_OFFICES:
            office = FieldOffice.objects.filter(code=code).first() or services.office_create(
                code=code, name=name, timezone_name=tz, synthetic=True
            )
            offices.append(office)
        for office in offices:
            for role in Role:
                username = f"{office.code}-{role.value.replace('_', '-')}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = services.user_create(
                        username=username,
                        office=office,
                        roles=[role.value],
                        password=demo_password(username),
                        actor=None,
                        email=f"{username}@example.invalid",
                        first_name="Demo",
                        last_name=f"{office.code.title()} {role.label}",
                        synthetic=True,
                    )
                seed = ""
                if mfa_required(user):
                    key = demo_totp_key(username)
                    TOTPDevice.objects.get_or_create(
                        user=user,
                        name="Demo authenticator",
                        defaults={"key": key, "confirmed": True},
                    )
                    seed = base64.b32encode(bytes.fromhex(key)).decode()
                rows.append((username, office.code, role.value, demo_password(username), seed))
        # Each app may add its own synthetic demo records in <app>/demo.py: populate(offices).
        for app in settings.INSTALLED_APPS:
            if "." in app or importlib.util.find_spec(f"{app}.demo") is None:
                continue
            importlib.import_module(f"{app}.demo").populate(offices=offices)
        return rows
