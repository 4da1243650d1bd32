"""Every migration of the project's apps can be reversed: migrate to zero and back again."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

PROJECT_APPS = ["articles", "references"]


def test_every_operation_of_the_project_migrations_is_reversible():
    """RunPython needs a reverse_code (migrations.RunPython.noop when there is nothing to undo)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    irreversible = [
        f"{app}.{name}: {operation.describe()}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in PROJECT_APPS
        for operation in migration.operations
        if not operation.reversible
    ]
    assert irreversible == []


@pytest.mark.django_db(transaction=True)
def test_the_project_apps_migrate_to_zero_and_back(make):
    make.article()  # data in the tables does not stop the way down
    call_command("migrate", "references", "zero", verbosity=0)
    call_command("migrate", "articles", "zero", verbosity=0)
    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith(("articles_", "references_"))]
    call_command("migrate", verbosity=0)
    tables = connection.introspection.table_names()
    assert "articles_article" in tables and "references_citation" in tables
    make.article()  # and the schema works again


@pytest.mark.django_db
def test_a_tag_left_without_a_slug_gets_an_address(client, make):
    """Before names were validated, "???" made a tag with an empty slug: its links went to /tags//."""
    import importlib

    from django.apps import apps
    from taggit.models import Tag

    article = make.article(tags=["???", "asthma"])
    nameless = Tag.objects.get(name="???")
    assert nameless.slug == ""
    importlib.import_module("articles.migrations.0020_tags_without_an_address").give_slugs(apps, None)
    nameless.refresh_from_db()
    assert nameless.slug == f"tag-{nameless.pk}"
    assert Tag.objects.get(name="asthma").slug == "asthma"
    assert f'href="/tags/tag-{nameless.pk}/"' in client.get(article.get_absolute_url()).content.decode()
    assert "???" in client.get(f"/tags/tag-{nameless.pk}/").content.decode()


@pytest.mark.django_db
def test_references_saved_before_the_copy_of_the_source_name_get_it(make):
    import importlib

    from django.apps import apps

    from references.models import Reference

    cited = make.reference(source=make.source(name="Mayo Clinic"))
    sourceless = make.reference()
    Reference.objects.update(source_name=None)  # as the rows stood before the migration
    importlib.import_module("references.migrations.0003_reference_list_order").copy_source_names(apps, None)
    assert Reference.objects.get(pk=cited.pk).source_name == "Mayo Clinic"
    assert Reference.objects.get(pk=sourceless.pk).source_name is None


@pytest.mark.django_db
def test_fingerprints_start_from_the_old_changed_since_review_dates(make):
    """0022: an article reviewed after its last change is covered; one changed after its review stays flagged."""
    import datetime
    import importlib
    import types

    from django.apps import apps
    from django.utils import timezone

    from articles.models import Article, MedicalReview
    from articles.reviews.queries import CHANGED_SINCE_REVIEW

    covered = make.article(reviewed_on=timezone.localdate())
    changed = make.article(reviewed_on=timezone.localdate())
    later = timezone.now() + datetime.timedelta(minutes=5)
    Article.objects.update(content_fingerprint="", reviewed_fingerprint="", content_changed_at=None)
    MedicalReview.objects.update(content_fingerprint="", reviewed_content={})
    Article.objects.filter(pk=changed.pk).update(content_changed_at=later)  # the old rule's flag
    editor = types.SimpleNamespace(connection=connection)  # what RunPython hands over: its database
    importlib.import_module("articles.migrations.0023_review_fingerprint").fingerprint_content(apps, editor)
    assert list(Article.objects.filter(CHANGED_SINCE_REVIEW).values_list("pk", flat=True)) == [changed.pk]
    assert Article.objects.detail(pk=changed.pk).review_dates.changed_since_review
    assert not Article.objects.detail(pk=covered.pk).review_dates.changed_since_review
