"""load_demo's role accounts: only with DEBUG on, with a printed password, and idempotent."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_no_usable_demo_accounts_with_debug_off(settings):
    settings.DEBUG = False
    output = _load()
    assert "password" not in output
    users = get_user_model().objects
    assert not users.filter(username__in=["writer", "reviewer"]).exists()
    assert not users.get(username="editor").has_usable_password()


def test_with_debug_on_each_role_can_sign_in_with_the_printed_password(settings, client):
    settings.DEBUG = True
    password = re.search(r"Password for writer, reviewer, editor: (\S+)", _load()).group(1)
    for username, group in [("writer", "Writer"), ("reviewer", "Medical reviewer"), ("editor", "Editor")]:
        user = get_user_model().objects.get(username=username)
        assert user.groups.filter(name=group).exists()
        assert client.login(username=username, password=password)
    assert get_user_model().objects.get(username="reviewer").reviewer_profile.is_active


def test_second_run_changes_no_password(settings):
    settings.DEBUG = True
    password = re.search(r"Password for writer, reviewer, editor: (\S+)", _load()).group(1)
    second = _load()
    assert password not in second and "Password: the one printed by the first `make run`" in second
    assert get_user_model().objects.get(username="writer").check_password(password)
    assert get_user_model().objects.filter(username__in=["writer", "reviewer", "editor"]).count() == 3


def test_the_accounts_and_password_come_last_in_a_box(settings):
    """After every other line of output, framed: the three accounts, what each is for, and the password."""
    settings.DEBUG = True
    lines = _load().rstrip("\n").splitlines()
    top = max(i for i, line in enumerate(lines) if line.startswith("+-") and i < len(lines) - 1)
    box = lines[top:]
    assert box[0] == box[-1] and set(box[0]) == {"+", "-"}
    assert all(line.startswith("| ") and line.endswith(" |") and len(line) == len(box[0]) for line in box[1:-1])
    text = "\n".join(box)
    for username in ("writer", "reviewer", "editor", "(reader)"):
        assert f"| {' ' * 2}{username}" in text
    assert re.search(r"Password for writer, reviewer, editor: \S+", text)


def test_each_demo_account_has_its_own_name_in_the_admin(settings, client):
    """The admin greets each demo account by its own name, not "Welcome, Demo"."""
    settings.DEBUG = True
    _load()
    names = set()
    for username in ["writer", "reviewer", "editor"]:
        client.force_login(get_user_model().objects.get(username=username))
        page = client.get("/admin/").content.decode()
        greeting = re.search(r"Welcome,\s*<strong>([^<]+)</strong>", page).group(1)
        assert greeting != "Demo"
        names.add(greeting)
    assert len(names) == 3


def test_accounts_named_demo_by_an_earlier_run_get_their_names(settings, django_user_model):
    """A database loaded before the accounts had names is given them on the next run."""
    settings.DEBUG = True
    django_user_model.objects.create_user("writer", first_name="Demo", last_name="Writer", is_staff=True)
    _load()
    assert django_user_model.objects.get(username="writer").get_full_name() == "Hannah Price"


def test_the_accounts_box_names_the_port_make_run_serves_on(settings, monkeypatch):
    """`PORT=8080 make run` serves on 8080, so the box must not send the newcomer to 8000."""
    settings.DEBUG = True
    monkeypatch.setenv("PORT", "8080")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "sign in at http://127.0.0.1:8080/admin/" in out.getvalue()
