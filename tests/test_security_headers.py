"""Production headers: CSP, HSTS, secure cookies, referrer policy, no sniffing, no framing; check --deploy is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from cms.development import read_env_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "production.env.example"


# The documented production example, with a real secret in place of its placeholder.
PRODUCTION = {**read_env_file(EXAMPLE), "SECRET_KEY": "k" * 64 + "-production-like-secret-0123456789", "DEBUG": "0"}

pytestmark = pytest.mark.django_db


def manage(*args, **env):
    """Run manage.py with production settings and only ``env`` from the environment's settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_", "CSP_", "REDIS_URL", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    clean["DJANGO_SETTINGS_MODULE"] = "cms.settings"
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_warning_with_the_documented_production_settings():
    """`manage.py check --deploy --fail-level WARNING` passes with docs/production.env.example."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_production_example_names_every_required_setting():
    """The example sets what production refuses to start without, and an SMTP server for reminders."""
    example = read_env_file(EXAMPLE)
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST", "SITE_URL"} <= set(example)
    assert "DEBUG" not in example


def test_check_deploy_names_the_missing_mail_server():
    """Without EMAIL_HOST reminders would only be printed: the deploy check says so."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "EMAIL_HOST": ""})
    assert result.returncode != 0 and "mail.E001" in result.stderr + result.stdout


def test_check_deploy_does_warn_when_production_switches_https_off():
    """The deploy check is live: turning the HTTPS defaults off in production is reported."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", **PRODUCTION)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W004" in result.stderr + result.stdout


def test_production_defaults_turn_every_protection_on():
    """With DEBUG off and nothing else said, HTTPS redirect, HSTS (with preload) and secure cookies are on."""
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY,"
        " getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = manage("shell", "-c", code, **{**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto=https"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("(")[0].split() == ["True", "31536000", "True", "True", "True", "True", "True", "True"]
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout


def test_development_does_not_force_https():
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    result = manage("shell", "-c", code, DEBUG="1")
    assert result.stdout.strip().splitlines()[-1].split() == ["False", "0", "False"]


def test_a_malformed_proxy_header_setting_stops_start_up_with_one_line():
    result = manage("check", **{**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"})
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must look like X-Forwarded-Proto=https" in result.stderr
    assert "Traceback" not in result.stderr


def test_public_page_carries_the_strict_policy_and_security_headers(client, make):
    """check --deploy does not notice a missing CSP, so assert the headers on a real page."""
    article = make.article()
    response = client.get(article.get_absolute_url(), secure=True)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no nonce needed, no inline script, no unsafe-inline
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_public_pages_have_no_inline_script(client, make):
    """No inline script on public pages, except data blocks (JSON-LD), which CSP does not run."""
    import re

    article = make.article()
    html = client.get(article.get_absolute_url()).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or re.search(r'type="application/(ld\+)?json"', tag), tag
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_admin_scripts_carry_the_requests_nonce(admin_client, make):
    """The admin's scripts and the editor's import map carry this response's nonce."""
    import re

    article = make.article()
    response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_session_and_csrf_cookies_are_secure_and_http_only(client, superuser):
    response = client.post("/admin/login/", {"username": "admin", "password": "correct horse battery"}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = client.get("/admin/login/", secure=True).cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"]


def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_healthz_is_not_redirected_so_a_load_balancer_can_probe_it(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
