"""Backups: dumpdata/loaddata with natural keys round-trip the whole content, across database engines."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import timezone

from articles.models import Article, ArticleEvent, PendingLink, Reviewer, Series
from references.models import Source

# Not transactional: the flush and restore happen inside the test's transaction and are rolled back, so
# data that migrations created is still there for the tests that run after these.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_content_type_cache")]

# The backup command docs/import-export.md documents.
# Not --natural-primary: taggit's TaggedItem gives "object_id" alone as its natural key, so
# loaddata would fold all of an article's tags into one row.
DUMP_OPTIONS = {
    "natural_foreign": True,
    "exclude": ["contenttypes", "auth.permission", "sessions"],
}
# Every model of these apps is compared, so models added later (revisions, say) are covered too.
CONTENT_APPS = ["articles", "references", "taggit"]


def content_models():
    models = [model for label in CONTENT_APPS for model in apps.get_app_config(label).get_models()]
    return [*models, apps.get_model("auth", "User"), Group]


def identity(obj):
    return list(obj.natural_key()) if hasattr(obj, "natural_key") else obj.pk


def snapshot(using="default"):
    """Every content row as plain data; related rows by natural key where they have one (their ids may change)."""
    data = {}
    for model in content_models():
        rows = []
        for obj in model._base_manager.using(using).all():
            row = {}
            for field in model._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if field.is_relation and value is not None and hasattr(field.related_model, "natural_key"):
                    value = identity(getattr(obj, field.name))
                row[field.name] = value
            for field in model._meta.many_to_many:
                if field.remote_field.through._meta.auto_created:
                    row[field.name] = sorted(identity(o) for o in getattr(obj, field.name).all())
            rows.append(row)
        data[model._meta.label] = sorted(rows, key=repr)
    return data


def empty_database():
    """``manage.py flush``, inside the test's transaction (PostgreSQL first checks the deferred foreign keys)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def dump(using="default"):
    out = io.StringIO()
    call_command("dumpdata", database=using, stdout=out, **DUMP_OPTIONS)
    return out.getvalue()


def load(text, tmp_path, using="default"):
    path = tmp_path / f"backup-{using}.json"
    path.write_text(text, encoding="utf-8")
    call_command("loaddata", str(path), database=using, verbosity=0)


@pytest.fixture
def content(make):
    """A bit of everything a backup must keep, with timestamps that have microseconds."""
    editor = make.user(username="editor", first_name="Edna")
    editor.groups.add(Group.objects.create(name="Editors"))
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    reviewer = make.reviewer(name="Dr. Lucia Moreno", slug="lucia-moreno", user=editor)
    series = make.series(title="Breast cancer by stage", slug="by-stage", review_interval_months=6)
    source = make.source(name="Mayo Clinic", website="https://www.mayoclinic.org/")
    shared = make.reference(source=source, title="Breast cancer", more_titles="Second title", doi="10.1000/xyz")
    one = make.article(title="Stage 1", slug="stage-1", author=editor, tags=["Breast", "Treatment"],
                       referenced_on=datetime.date(2022, 2, 1), funding="None")
    two = make.article(title="Stage 2 — café", slug="stage-2", status="draft", tags=["Breast"])
    make.series_entry(series, one, 1, "Stage 1")
    make.series_entry(series, two, 2, "Stage 2")
    make.review(one, reviewer_=reviewer, reviewed_on=datetime.date(2021, 3, 26), notes="Checked doses.")
    make.review(one, reviewer_=reviewer, reviewed_on=datetime.date(2022, 3, 26), scope="partial", sections="Surgery")
    make.cite(one, shared)
    make.cite(one)
    make.cite(two, shared)
    make.related(one, two, 1)
    make.related(two, one, 1)
    ArticleEvent.objects.create(article=one, actor=editor, kind="transition", from_status="draft",
                                to_status="published", created_at=timezone.now().replace(microsecond=123456))
    PendingLink.objects.create(article=two, kind="related", title="Stage 3")
    Article.objects.filter(pk=one.pk).update(content_changed_at=timezone.now().replace(microsecond=654321))
    # A gap in the ids, as deleting an article leaves: restored ids must not simply count from 1.
    make.article(slug="deleted").delete()
    make.article(title="Stage 4", slug="stage-4", tags=["Treatment"])


def test_flush_and_reload_restores_everything_exactly(content, tmp_path):
    """Dump, empty the database, load: every row of content is back, timestamps to the microsecond."""
    before = snapshot()
    backup = dump()
    empty_database()
    assert Article.objects.count() == 0
    load(backup, tmp_path)
    after = snapshot()
    assert after == before
    assert after["articles.Article"] and after["taggit.TaggedItem"] and after["references.Citation"]
    restored = Article.objects.get(slug="stage-1")
    assert sorted(restored.tags.names()) == ["Breast", "Treatment"]
    assert ArticleEvent.objects.get().created_at.microsecond == 123456


def test_restore_then_new_content_gets_fresh_ids(content, tmp_path, make):
    """After a restore the database hands out ids after the restored ones (sequences are reset)."""
    backup = dump()
    empty_database()
    load(backup, tmp_path)
    highest = Article.objects.order_by("-pk").first().pk
    assert make.article(slug="after-restore").pk > highest


def test_round_trip_through_a_second_database_engine_and_back(content, tmp_path):
    """This database → a fresh SQLite file → this database again, nothing lost on the way.

    When the suite runs on PostgreSQL this is the PostgreSQL → SQLite → PostgreSQL trip.
    """
    before = snapshot()
    alias = "backup_restore_target"
    # A connection made here, not in settings: Django's test isolation allows such dynamic connections.
    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restore.sqlite3")}
    target = connections.configure_settings({"default": target})["default"]
    connections[alias] = load_backend(target["ENGINE"]).DatabaseWrapper(target, alias)
    try:
        call_command("migrate", database=alias, verbosity=0)
        load(dump(), tmp_path, using=alias)
        assert snapshot(using=alias) == before
        second_backup = dump(using=alias)
    finally:
        connections[alias].close()
        del connections[alias]
    empty_database()
    load(second_backup, tmp_path)
    assert snapshot() == before


def test_backup_refers_to_shared_rows_by_natural_key(content):
    """Reviewers, series and sources go by slug or name, users by username, so ids may differ after a restore."""
    rows = json.loads(dump())
    review = next(r for r in rows if r["model"] == "articles.medicalreview")
    assert review["fields"]["reviewer"] == ["lucia-moreno"]
    entry = next(r for r in rows if r["model"] == "articles.seriesentry")
    assert entry["fields"]["series"] == ["by-stage"]
    reference = next(r for r in rows if r["model"] == "references.reference" and r["fields"]["doi"])
    assert reference["fields"]["source"] == ["Mayo Clinic"]
    article = next(r for r in rows if r["model"] == "articles.article" and r["fields"]["slug"] == "stage-1")
    assert article["fields"]["author"] == ["editor"] and "pk" in article
    assert not any(r["model"].startswith("contenttypes.") for r in rows)


def test_natural_key_lookups():
    reviewer = Reviewer.objects.create(name="R", slug="r")
    series = Series.objects.create(title="S", slug="s")
    source = Source.objects.create(name="NHS")
    assert Reviewer.objects.get_by_natural_key("r") == reviewer
    assert Series.objects.get_by_natural_key("s") == series
    assert Source.objects.get_by_natural_key("NHS") == source
