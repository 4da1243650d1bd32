"""The review cycle's settings: read from the environment, checked at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def settings_value(expression, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "READING_", "REVIEW_", "REFERENCES_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "cms.settings", "DEBUG": "1"}, **env)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a whole number"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT must be a port number"),
        ({"REVIEW_INTERVAL_MONTHS": "0"}, "REVIEW_INTERVAL_MONTHS must be at least 1"),
        ({"REVIEW_ESCALATE_AFTER_DAYS": "-1"}, "REVIEW_ESCALATE_AFTER_DAYS must be zero or more"),
        ({"EMAIL_USE_TLS": "perhaps"}, "EMAIL_USE_TLS must be one of"),
    ],
)
def test_a_malformed_review_or_email_setting_stops_start_up_with_one_line(env, message):
    """Bad values fail fast with the variable's name, no traceback."""
    result = settings_value("1", **env)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_email_goes_to_the_console_by_default_and_to_smtp_when_a_host_is_set():
    """No EMAIL_HOST: the console backend. With one: SMTP with the given port and TLS."""
    default = settings_value("settings.MAILERS['default']['BACKEND'], settings.READING_GRADE_TARGET")
    assert default.stdout.split() == ["django.core.mail.backends.console.EmailBackend", "8"], default.stderr
    smtp = settings_value("settings.MAILERS['default']", EMAIL_HOST="mail.example.org", EMAIL_PORT="2525", EMAIL_USE_TLS="0")
    assert "smtp.EmailBackend" in smtp.stdout and "'port': 2525" in smtp.stdout and "'use_tls': False" in smtp.stdout
