"""Load the demo content: a breast cancer series, more articles, reviewers and references.

The articles are plain-text pages (articles/demo/pages/) run through the importer
(articles.demo.loading). Idempotent: whatever already exists is left exactly as
it is, so a second run adds nothing and never overwrites an editor's changes.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.demo import content as demo
from articles.demo.accounts import DEMO_ROLES, NAMES, create_demo_accounts
from articles.demo.loading import DemoPageError, load, publish_correction
from articles.models import Article
from articles.workflow.rules import is_editor


class Command(BaseCommand):
    help = "Load the demo articles, reviewers, series and references (safe to run again)."

    def handle(self, *args, **options):
        author, new_author = get_user_model().objects.get_or_create(
            username="editor", defaults={"is_staff": True, "first_name": NAMES["editor"][0], "last_name": NAMES["editor"][1]}
        )
        if new_author:
            author.set_unusable_password()
            author.save(update_fields=["password"])
        try:
            loaded = load(author)
        except DemoPageError as error:
            raise CommandError(f"A demo page could not be loaded: {error}") from None

        given, password = create_demo_accounts(reviewer_slug=demo.REVIEWERS[0]["slug"])
        if loaded.articles and is_editor(author):  # the demo accounts exist (DEBUG): a correction for /corrections/
            publish_correction(author)
        self.stdout.write(
            f"Demo content: {len(loaded.articles)} articles, {loaded.reviewers} reviewers and "
            f"{loaded.references} references added ({Article.objects.count()} articles in all)."
        )
        if settings.DEBUG:  # last, so it is what a newcomer sees after pip's and migrate's output
            self.stdout.write(accounts_box(given, password))


def accounts_box(given, password):
    """The demo accounts and their password (only when just given), framed so they stand out."""
    port = os.environ.get("PORT", "8000")  # make run's port (PORT=8080 make run)
    lines = [f"Demo accounts: sign in at http://127.0.0.1:{port}/admin/", ""]
    lines += [f"  {username:<9} {role}" for username, role in DEMO_ROLES]
    lines.append("")
    if given:
        lines.append(f"Password for {', '.join(given)}: {password}")
        lines.append("(printed this once; a later `make run` keeps it)")
    else:
        lines.append("Password: the one printed by the first `make run`; to set another:")
        lines.append("  .venv/bin/python manage.py changepassword writer")
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return "\n".join([rule, *(f"| {line:<{width}} |" for line in lines), rule])

