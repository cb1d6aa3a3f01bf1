"""Settings for the test suite: the same settings, read with CUSTOS_ENV=test.

pytest-django imports settings before any conftest runs, so the environment is set here.
"""

import os

os.environ.setdefault("CUSTOS_ENV", "test")

from custos.settings import *  # noqa: E402, F403
