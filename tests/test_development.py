"""A newcomer's commands: after `make run`, every manage.py command in the README works with no exported variable,
while production (gunicorn, `make serve`) still refuses to start without SECRET_KEY and ALLOWED_HOSTS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cms import development

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
# What a laptop's shell has: none of the settings, and no settings module chosen.
UNSET = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "VETTED_PROCESS", "DB_")


@pytest.fixture
def laptop(tmp_path):
    """A shell on a laptop after `make run` wrote its .env (here a file of the test's own), on a fresh database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(UNSET)}
    env.update(VETTED_ENV_FILE=str(tmp_path / ".env"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    written = run([sys.executable, "-m", "cms.development"], env)
    assert written.returncode == 0, written.stderr
    return env


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs)


def manage(env, *args, **kwargs):
    return run([sys.executable, "manage.py", *args], env, **kwargs)


def test_the_readme_commands_work_after_make_run_with_no_variable(laptop):
    """migrate, import_articles, import_wordpress, createsuperuser and review_due, as a newcomer types them."""
    for args in [
        ("migrate", "--noinput", "-v0"),
        ("import_articles", str(DATA / "import" / "stage-1.txt")),
        ("import_wordpress", str(DATA / "wordpress" / "export.xml")),
        ("createsuperuser", "--noinput", "--username", "me", "--email", "me@example.org"),
        ("review_due",),
    ]:
        result = manage({**laptop, "DJANGO_SUPERUSER_PASSWORD": "a long enough password 42"}, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "Vetted cannot start" not in result.stderr


def test_make_run_keeps_a_developers_own_env_file(laptop):
    """A second `make run` does not overwrite what the developer put in .env."""
    path = Path(laptop["VETTED_ENV_FILE"])
    path.write_text("DEBUG=1\nSITE_NAME=My laptop\n", encoding="utf-8")
    run([sys.executable, "-m", "cms.development"], laptop)
    assert "SITE_NAME=My laptop" in path.read_text(encoding="utf-8")


def test_a_variable_in_the_environment_wins_over_the_file(laptop):
    """DEBUG=0 typed on the command line is production, .env or not."""
    result = manage({**laptop, "DEBUG": "0"}, "check")
    assert result.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        # `make serve` and deployment scripts name the settings module.
        [sys.executable, "manage.py", "check"],
        # gunicorn loads the WSGI application, which never reads .env.
        [sys.executable, "-c", "import cms.wsgi"],
    ],
    ids=["make-serve", "gunicorn"],
)
def test_production_still_refuses_to_start_without_its_settings(laptop, command):
    """The laptop's .env is not read by production: a missing SECRET_KEY stops start-up with one line."""
    env = {**laptop, "DJANGO_SETTINGS_MODULE": "cms.settings"} if "manage.py" in command else laptop
    result = run(command, env)
    assert result.returncode != 0
    assert "Vetted cannot start: SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_env_file_reader_skips_comments_and_export():
    """The same KEY=value lines a shell or systemd's EnvironmentFile= reads."""
    path = ROOT / "docs" / "production.env.example"
    values = development.read_env_file(path)
    assert values["ALLOWED_HOSTS"] == "health.example.org" and not any(k.startswith("#") for k in values)
    assert development.read_env_file(path.with_name("no-such-file")) == {}
