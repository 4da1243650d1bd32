"""Settings come from the environment, and production refuses to start half-configured."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "a3f9c1e07b5d42e8916c0fd3b2a8e4c7d1f60b9a2e5c8d3f7a0b4e1c9d6f2a8b"


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "TIME_ZONE"}}
    clean["DJANGO_SETTINGS_MODULE"] = "cms.settings"
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "*"}, "not '*'"),
        ({"SECRET_KEY": "abc", "ALLOWED_HOSTS": "health.example.org"}, "SECRET_KEY is too weak for production"),
        ({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "health.example.org"}, "SECRET_KEY is too weak for production"),
        ({"SECRET_KEY": "abcd" * 20, "ALLOWED_HOSTS": "health.example.org"}, "SECRET_KEY is too weak for production"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY, "ALLOWED_HOSTS": "health.example.org"}, "SECRET_KEY is too weak"),
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"DEBUG": "1", "DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DEBUG": "1", "REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"DEBUG": "1", "PAGE_CACHE_RECHECK_SECONDS": "-1"}, "PAGE_CACHE_RECHECK_SECONDS must be"),
        ({"DEBUG": "1", "PAGE_CACHE_RECHECK_SECONDS": "nan"}, "PAGE_CACHE_RECHECK_SECONDS must be"),
        ({"DEBUG": "1", "PAGE_CACHE_RECHECK_SECONDS": "inf"}, "PAGE_CACHE_RECHECK_SECONDS must be"),
        ({"DEBUG": "1", "DATABASE_URL": "postgres://localhost/vetted", "DB_PREPARED_STATEMENTS": "maybe"},
         "DB_PREPARED_STATEMENTS must be"),
        ({"DEBUG": "1", "MEDIA_MAX_UPLOAD_BYTES": "20MB"}, "MEDIA_MAX_UPLOAD_BYTES must be a whole number"),
        ({"DEBUG": "1", "MEDIA_MAX_PIXELS": "0"}, "MEDIA_MAX_PIXELS must be a positive"),
    ],
)
def test_a_missing_or_malformed_setting_stops_start_up_with_one_clear_line(env, message):
    result = run_check(**env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_development_defaults_pass_the_system_check():
    result = run_check(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_with_what_they_need_pass_the_check():
    result = run_check(SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="health.example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """JIT compiling cost the review schedule 150-200 ms a view: every connection turns it off."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(("value", "threshold"), [(None, "5"), ("1", "5"), ("0", "None"), ("off", "None")])
def test_prepared_statements_are_on_unless_turned_off(value, threshold):
    """psycopg prepares nothing on a connection without a threshold (cms/prepared.py)."""
    env = {k: v for k, v in os.environ.items() if k != "DB_PREPARED_STATEMENTS"}
    env.update(DEBUG="1", DATABASE_URL="postgres://localhost/vetted", DJANGO_SETTINGS_MODULE="cms.settings")
    if value is not None:
        env["DB_PREPARED_STATEMENTS"] = value
    code = "import cms.settings as s; print(s.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == threshold


def database_options(**env):
    code = "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS']; print(o['connect_timeout'], o['options'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("DB_", "VETTED_PROCESS", "DJANGO_SETTINGS"))},
             "DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/never_connected", **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"VETTED_PROCESS": "web"}, "2 -c jit=off -c statement_timeout=10000"),
        ({}, "30 -c jit=off"),
        ({"VETTED_PROCESS": "web", "DB_CONNECT_TIMEOUT": "5", "DB_STATEMENT_TIMEOUT": "2.5"}, "5 -c jit=off -c statement_timeout=2500"),
        ({"DB_STATEMENT_TIMEOUT": "600"}, "30 -c jit=off -c statement_timeout=600000"),
    ],
)
def test_database_timeouts_are_short_for_the_web_and_long_for_commands(env, expected):
    """A database that never answers costs a web request seconds; an import or migration may run long."""
    assert database_options(**env) == expected


def media_settings(**env):
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.STORAGES['default'], "
            "s.SECURE_CSP['img-src'], s.SERVE_MEDIA, s.MEDIA_URL]))")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("MEDIA_", "DJANGO_SETTINGS", "SERVE_MEDIA"))},
             "DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "health.example.org", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_is_on_the_file_system_by_default_and_not_served_by_django_in_production():
    storage, img_src, serve, url = media_settings()
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert serve is False and url == "/media/"


def test_object_storage_is_configured_from_the_environment():
    pytest.importorskip("boto3", reason="boto3 is installed only where S3 is used (docs/media.md)")
    storage, img_src, serve, url = media_settings(
        MEDIA_S3_BUCKET="vetted-media", MEDIA_S3_CUSTOM_DOMAIN="media.example.org", MEDIA_URL="https://media.example.org/")
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "vetted-media" and storage["OPTIONS"]["querystring_auth"] is False
    assert "https://media.example.org" in img_src and serve is False


def test_object_storage_without_boto3_stops_start_up_with_one_line():
    if importlib.util.find_spec("boto3") is not None:
        pytest.skip("boto3 is installed here")
    result = run_check(SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="health.example.org", MEDIA_S3_BUCKET="vetted-media")
    assert result.returncode != 0 and "pip install boto3" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
