#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

from cms.development import load_development_env


def main():
    load_development_env()  # the laptop's .env from `make run`, unless DJANGO_SETTINGS_MODULE is set
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    if sys.argv[1:2] == ["runserver"]:
        os.environ.setdefault("VETTED_PROCESS", "web")  # the web's short database timeouts (cms/settings.py)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
