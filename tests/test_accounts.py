"""Accounts: login throttling keyed on user name and address, password rules, groups in the user list."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

pytestmark = pytest.mark.django_db

GOOD = "correct horse battery"


def attempt(client, username, password, ip="203.0.113.5"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def staff_member(db):
    return get_user_model().objects.create_user("editor", "e@example.org", GOOD, is_staff=True)


def test_a_user_is_locked_out_after_the_failure_limit_with_a_clear_message(client, staff_member, settings, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "editor", "wrong")
        assert response.status_code == 200  # the login form again, with its error
    response = attempt(client, "editor", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-ins" in html
    assert "15 minutes" in html
    assert response["Retry-After"] == "900"
    # Even the right password is refused during the cool-off.
    response = attempt(client, "editor", GOOD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in r.getMessage() and "editor" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def test_the_lockout_is_keyed_on_user_name_and_address_together(staff_member, settings):
    """An attacker elsewhere cannot lock a real editor out by failing with their user name."""
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        attempt(attacker, "editor", "wrong", ip="198.51.100.66")
    assert attempt(attacker, "editor", GOOD, ip="198.51.100.66").status_code == 429
    real = Client()
    response = attempt(real, "editor", GOOD, ip="203.0.113.7")
    assert response.status_code == 302
    assert real.session["_auth_user_id"] == str(staff_member.pk)
    # ... and the attacker's address can still try other user names.
    assert attempt(attacker, "someone-else", "wrong", ip="198.51.100.66").status_code == 200


def test_behind_a_trusted_proxy_a_victim_signs_in_while_the_attackers_address_is_locked_out(staff_member, settings):
    """With TRUSTED_PROXY_COUNT=1 every request comes from the proxy; the lockout keys on the address the proxy saw."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def via_proxy(client, password, seen_by_proxy, forged=""):
        forwarded = f"{forged}, {seen_by_proxy}" if forged else seen_by_proxy
        return client.post("/admin/login/", {"username": "editor", "password": password},
                           REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)

    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        via_proxy(attacker, "wrong", "198.51.100.66")
    assert via_proxy(attacker, GOOD, "198.51.100.66").status_code == 429
    # Forging an X-Forwarded-For entry of its own does not get the attacker a fresh address.
    assert via_proxy(attacker, GOOD, "198.51.100.66", forged="203.0.113.99").status_code == 429
    victim = Client()
    response = via_proxy(victim, GOOD, "203.0.113.7")
    assert response.status_code == 302
    assert victim.session["_auth_user_id"] == str(staff_member.pk)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


def test_no_lockout_is_ever_keyed_on_the_user_name_alone(settings):
    """Every lockout key includes the address: a user name alone would let anyone lock out a named editor."""
    assert settings.AXES_LOCKOUT_PARAMETERS
    for key in settings.AXES_LOCKOUT_PARAMETERS:
        parts = {key} if isinstance(key, str) else set(key)
        assert "ip_address" in parts, key


def test_after_the_cool_off_the_user_may_sign_in_again(client, staff_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", GOOD).status_code == 429
    # Age the attempts past the cool-off instead of waiting.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME * 2)
    assert attempt(client, "editor", GOOD).status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, staff_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", GOOD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "editor", "wrong").status_code == 200


def test_the_cool_off_and_limit_come_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings", "DEBUG": "1", "LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "2.5"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=Path(__file__).parent.parent,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "3 150.0"


def test_a_trusted_proxy_address_is_read_from_x_forwarded_for(rf, settings):
    from cms.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.1", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "127.0.0.1"  # no proxy trusted: the header is the client's word
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.1"  # the address our proxy saw; the spoofable left part is ignored


@pytest.mark.parametrize("password", ["password123", "12345678901", "short", "editor-account"])
def test_the_admin_refuses_a_weak_staff_password(admin_client, password):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {"username": "editor-account", "usable_password": "true", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(username="editor-account").exists()


def test_the_admin_accepts_a_strong_staff_password(admin_client):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {"username": "writer-1", "usable_password": "true", "password1": "lumpectomy-Recovery-42", "password2": "lumpectomy-Recovery-42"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="writer-1").check_password("lumpectomy-Recovery-42")


def test_the_user_list_shows_each_users_groups(admin_client, django_assert_max_num_queries):
    writers, reviewers = Group.objects.get_or_create(name="Writer")[0], Group.objects.get_or_create(name="Medical reviewer")[0]
    for i in range(5):
        user = get_user_model().objects.create_user(f"person{i}", is_staff=True)
        user.groups.set([writers, reviewers] if i % 2 else [writers])
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/auth/user/")
    html = response.content.decode()
    assert "Medical reviewer, Writer" in html
    assert html.count('<td class="field-role_groups">Writer</td>') == 3
    assert "Superuser" in html  # the admin fixture


def test_the_test_clients_login_still_works_with_throttling_on(client, staff_member):
    """Authentication without a request (scripts, ``Client.login``) skips axes instead of failing."""
    assert client.login(username="editor", password=GOOD)
    assert not client.login(username="editor", password="wrong")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", ""])
def test_signing_in_with_a_rejected_or_missing_next_lands_on_the_admin(client, staff_member, next_url):
    """An unsafe next= is ignored, and the editor lands on the admin's index, never on /accounts/profile/ (a 404)."""
    query = f"?next={next_url}" if next_url else ""
    response = client.post(f"/admin/login/{query}", {"username": "editor", "password": GOOD, "next": next_url},
                           REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"], follow=True).status_code == 200
