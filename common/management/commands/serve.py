"""`custos serve`: collect static files, start a background worker, and serve Custos."""

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def gunicorn_argv(*, bind: str, workers: int) -> list[str]:
    """Return the gunicorn command line.

    Threaded workers: evidence uploads (a streamed 2 GB video, the last chunk of a resumable upload
    that is then hashed and stored) take longer than gunicorn's 30 s worker timeout, which a sync
    worker applies to every request; a gthread worker keeps reporting alive while its threads work.
    """
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "custos.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--access-logfile",
        "-",
    ]


class Command(BaseCommand):
    help = "Serve Custos with gunicorn and run a django-tasks worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="Do not start db_worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "custos", "db_worker"])
        self.stdout.write(f"Custos is serving on http://{options['bind']}/ (Ctrl-C stops it)")
        try:
            subprocess.run(
                gunicorn_argv(bind=options["bind"], workers=options["workers"]),
                check=False,
                cwd=str(settings.BASE_DIR),
            )
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
