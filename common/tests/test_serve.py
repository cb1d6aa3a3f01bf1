"""`custos serve` starts gunicorn with a command line it accepts (real gunicorn, --check-config).

Threaded workers keep long evidence uploads alive past gunicorn's 30 s worker timeout.
"""

from __future__ import annotations

import os
import subprocess

from common.management.commands.serve import gunicorn_argv


def test_the_gunicorn_command_line_is_valid_and_uses_threaded_workers() -> None:
    argv = gunicorn_argv(bind="127.0.0.1:0", workers=1)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "custos.test_settings"}
    checked = subprocess.run(
        [*argv[:3], "--check-config", *argv[3:]],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
