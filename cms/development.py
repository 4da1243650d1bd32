"""Development on a laptop needs no exported variables: the git-ignored ``.env`` that ``make run`` writes.

``manage.py`` reads it, and only when ``DJANGO_SETTINGS_MODULE`` is not set, so
``.venv/bin/python manage.py import_articles …`` works after ``make run`` as it is typed. Production
never reads it: gunicorn loads ``cms/wsgi.py``, and ``make serve`` (like any deployment script)
sets ``DJANGO_SETTINGS_MODULE=cms.settings``, so a missing ``SECRET_KEY`` or ``ALLOWED_HOSTS``
still stops start-up. Variables already in the environment win over the file.

    python -m cms.development   # write .env unless it exists (make run does this)
"""

import os
import sys
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
CONTENT = """\
# Written by `make run` for development on this machine (git-ignored). Read only by manage.py when
# DJANGO_SETTINGS_MODULE is not set; never by gunicorn, `make serve` or the tests. Delete it to
# run manage.py with production settings.
DEBUG=1
"""


def env_file():
    """The development file: ``.env`` beside ``manage.py`` (``VETTED_ENV_FILE`` names another, for tests)."""
    return Path(os.environ.get("VETTED_ENV_FILE") or ENV_FILE)


def read_env_file(path):
    """``KEY=value`` lines of an environment file, comments and blank lines skipped ({} if there is none)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    lines = (line.strip() for line in text.splitlines())
    pairs = (line.removeprefix("export ").split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def load_development_env(environ=os.environ):
    """Add the development file's variables to ``environ``, unless a settings module was chosen already."""
    if environ.get("DJANGO_SETTINGS_MODULE"):
        return
    for name, value in read_env_file(env_file()).items():
        environ.setdefault(name, value)


def write_development_env():
    """Write the development file unless it exists (a developer's edits are kept); returns its path."""
    path = env_file()
    if not path.exists():
        path.write_text(CONTENT, encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(f"Development settings: {write_development_env()}\n")
