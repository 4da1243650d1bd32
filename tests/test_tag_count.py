"""Articles with and without tags: ``ArticleQuerySet.tagged`` and the admin's "None" tag choice.

On PostgreSQL the answer comes from ``tag_count``, which triggers on taggit's table keep
(migration ``0021_tag_count``); these tests hold it to the truth, a probe of taggit's table, after
every way tags are written. On SQLite ``tagged`` is that probe.
"""

import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from articles.models import Article, RelatedLink

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the count is kept on PostgreSQL only")


def truly_untagged():
    tags = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_id=OuterRef("pk"))
    return set(Article.objects.filter(~Exists(tags)).values_list("title", flat=True))


def untagged():
    return set(Article.objects.tagged(False).values_list("title", flat=True))


def tagged():
    return set(Article.objects.tagged().values_list("title", flat=True))


def test_tagged_and_untagged_follow_every_way_tags_are_written(make):
    first, second, third = (make.article(title=t) for t in ("First", "Second", "Third"))
    everything = {"First", "Second", "Third"}
    assert untagged() == truly_untagged() == everything

    first.tags.add("asthma", "inhalers")
    second.tags.set(["asthma"])
    assert untagged() == truly_untagged() == {"Third"}
    assert tagged() == {"First", "Second"}

    first.tags.remove("asthma")  # one of two left
    second.tags.clear()
    assert untagged() == truly_untagged() == {"Second", "Third"}

    first.save()  # the model does not know the count, so a save cannot reset it
    article_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        [TaggedItem(content_type=article_type, object_id=a.pk, tag=Tag.objects.get(name="asthma")) for a in (second, third)]
    )
    assert untagged() == truly_untagged() == set()

    TaggedItem.objects.filter(object_id=first.pk).update(object_id=third.pk)  # "inhalers" moved to another article
    assert untagged() == truly_untagged() == {"First"}

    Tag.objects.filter(name="asthma").delete()  # cascades to the tagged items
    assert untagged() == truly_untagged() == {"First", "Second"}
    assert tagged() == {"Third"}


def test_tag_rows_of_other_models_do_not_count(make):
    article = make.article(title="Untagged")
    tag = Tag.objects.create(name="asthma", slug="asthma")
    TaggedItem.objects.create(content_type=ContentType.objects.get_for_model(Tag), object_id=article.pk, tag=tag)
    assert untagged() == truly_untagged() == {"Untagged"}


def test_untagged_articles_in_a_subquery_and_a_self_join(make):
    lone = make.article(title="Lone")
    RelatedLink.objects.create(article=make.article(title="Linking", tags=["asthma"]), target=lone, position=1)
    assert set(Article.objects.filter(pk__in=Article.objects.tagged(False)).values_list("title", flat=True)) == {"Lone"}
    # The count is read from the listed article's own table, not the joined one.
    assert set(Article.objects.tagged(False).filter(linked_from__article__title="Linking").values_list("title", flat=True)) == {"Lone"}
    assert set(Article.objects.tagged().filter(related_links__target__title="Lone").values_list("title", flat=True)) == {"Linking"}


def test_admin_none_choice_lists_the_untagged_articles(admin_client, make):
    make.article(title="Tagged one", tags=["asthma"])
    make.article(title="Nothing to file it under")
    url = reverse("admin:articles_article_changelist")
    with CaptureQueriesContext(connection) as queries:
        listed = admin_client.get(url, {"tags__isnull": "True"}).context["cl"].result_list
    assert [a.title for a in listed] == ["Nothing to file it under"]
    uses_count = any("tag_count" in q["sql"] for q in queries.captured_queries)
    assert uses_count == (connection.vendor == "postgresql")
    assert [a.title for a in admin_client.get(url, {"tags__isnull": "False"}).context["cl"].result_list] == ["Tagged one"]


@on_postgres
def test_the_migration_counts_the_tags_already_there(make):
    make.article(title="Two tags", tags=["asthma", "inhalers"])
    make.article(title="None")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction: no pending checks before ALTER TABLE
        cursor.execute("UPDATE articles_article SET tag_count = 0")  # as the rows stood before the migration
        cursor.execute(importlib.import_module("articles.migrations.0021_tag_count").FORWARD)
        cursor.execute("SELECT title, tag_count FROM articles_article ORDER BY title")
        assert cursor.fetchall() == [("None", 0), ("Two tags", 2)]
