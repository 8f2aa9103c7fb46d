"""The `citytools` console script: any Django management command, with the project's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citytools.settings")
    # Django is imported once the settings module is named (no import cycle is involved).
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["citytools", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as error:
        # A missing or wrong setting is the operator's to fix: say which, without a traceback.
        sys.stderr.write(f"citytools: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
