"""Demo accounts for the editorial roles, so a newcomer can try the workflow (DEBUG only)."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Reviewer

ACCOUNTS = [
    # username, group, first and last name: a person's name each, so the admin's "Welcome, ..."
    # and the audit trail say who did what (the reviewer is linked to Dr. Lucia Moreno's profile).
    ("writer", "Writer", "Hannah", "Price"),
    ("reviewer", "Medical reviewer", "Lucia", "Moreno"),
    ("editor", "Editor", "Omar", "Siddiqui"),
]
NAMES = {username: (first, last) for username, _group, first, last in ACCOUNTS}
OLD_FIRST_NAME = "Demo"  # what earlier versions named every account; renamed on the next run

# What each account is for, as the box printed by load_demo and the README's quick start say it.
DEMO_ROLES = [
    ("writer", "writes a draft and sends it for medical review"),
    ("reviewer", "reviews it: approves, or asks for changes"),
    ("editor", "publishes or schedules it; the review schedule is /staff/reviews/"),
    ("(reader)", "no account: the site at / as the public sees it"),
]


def create_demo_accounts(reviewer_slug=None):
    """Create (or complete) the writer, reviewer and editor accounts; returns (usernames given a password, password).

    Never with DEBUG off. Idempotent: an account that already has a usable
    password keeps it, so a second run changes nothing.
    """
    if not settings.DEBUG:
        return [], None
    password = secrets.token_urlsafe(12)
    given = []
    for username, group_name, first, last in ACCOUNTS:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": first, "last_name": last}
        )
        user.groups.add(Group.objects.get(name=group_name))
        if user.first_name == OLD_FIRST_NAME:
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        if created or not user.has_usable_password():
            user.set_password(password)
            user.is_staff = True
            user.save(update_fields=["password", "is_staff"])
            given.append(username)
        if group_name == "Medical reviewer" and not hasattr(user, "reviewer_profile"):
            profile = Reviewer.objects.filter(user=None, is_active=True)
            profile = (profile.filter(slug=reviewer_slug).first() if reviewer_slug else None) or profile.first()
            if profile is not None:
                profile.user = user
                profile.save(update_fields=["user"])
    return given, password if given else None
