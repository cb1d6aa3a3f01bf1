"""The `custos` command: Django's manage.py, plus Custos's own commands (demo, audit, serve)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custos.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["custos", *sys.argv[1:]])


if __name__ == "__main__":
    main()
