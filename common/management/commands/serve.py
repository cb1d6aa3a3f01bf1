"""`custos serve`: collect static files, start a background worker, and serve Custos."""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Custos with gunicorn and run a django-tasks worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="Do not start db_worker.")

    def handle(self, *args: object, **options: object) -> None:
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "custos", "db_worker"])
        self.stdout.write(f"Custos is serving on http://{options['bind']}/ (Ctrl-C stops it)")
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "custos.wsgi:application",
                    "--bind",
                    str(options["bind"]),
                    "--workers",
                    str(options["workers"]),
                    "--access-logfile",
                    "-",
                ],
                check=False,
                cwd=str(settings.BASE_DIR),
            )
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
