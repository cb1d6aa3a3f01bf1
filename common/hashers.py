"""A cheap Argon2 for the test suite only (CUSTOS_ENV=test): the same algorithm, lower cost."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    # Production keeps Django's defaults (100 MiB, 2 passes); tests create hundreds of users.
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
