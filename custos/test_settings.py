"""Settings for the test suite: the same settings, read with CUSTOS_ENV=test.

pytest-django imports settings before any conftest runs, so the environment is set here.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("CUSTOS_ENV", "test")

from custos.settings import *  # noqa: F403

# Evidence written by any test goes to a private temp directory per test process, never var/.
_TEST_EVIDENCE_ROOT = tempfile.mkdtemp(prefix="custos-test-evidence-")
atexit.register(shutil.rmtree, _TEST_EVIDENCE_ROOT, True)
EVIDENCE_ROOT = _TEST_EVIDENCE_ROOT
STORAGES = {
    **STORAGES,  # noqa: F405
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _TEST_EVIDENCE_ROOT + "/store", "base_url": None},
    },
}
