"""Exact purges: each kind of change purges the keys of the pages it changed, and no others.

The recording purge backend stands in for Varnish (tests/test_edge_varnish.py has the real one);
tasks run at once (the immediate backend) unless a test says otherwise.
"""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from taggit.models import Tag

from articles import edge
from articles.models import Article, ArticleEvent, Redirect
from articles.workflow import rules as workflow
from cms.pagecache import tasks
from cms.pagecache.edge import PurgeError, VarnishPurge

S = Article.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make):
    """A series of three (the middle one approved, not yet public), tags, a reviewer, and an unrelated article."""
    series = make.series(title="Breast cancer by stage", slug="by-stage")
    reviewer = make.reviewer(name="Dr. Kay", slug="dr-kay")
    first = make.article(title="Stage 1", slug="stage-1", tags=["oncology"], reviewed_by=reviewer)
    middle = make.article(title="Stage 2", slug="stage-2", status=S.APPROVED, tags=["oncology", "surgery"],
                          reviewed_by=reviewer, author=make.staff_in("Writer"))
    last = make.article(title="Stage 3", slug="stage-3", tags=["oncology"])
    for position, article in enumerate([first, middle, last], start=1):
        make.series_entry(series, article, position)
    unrelated = make.article(title="Sleep", slug="sleep", tags=["sleep"])
    tags = {tag.name: tag.pk for tag in Tag.objects.all()}
    return {
        "series": series, "reviewer": reviewer, "first": first, "middle": middle, "last": last,
        "unrelated": unrelated, "tags": tags, "editor": make.staff_in("Editor"),
    }


def _common(article):
    return {"home", "feeds", "sitemap", f"article-{article.pk}", f"shows-article-{article.pk}"}


def test_publishing_purges_the_article_its_neighbours_series_tags_reviewer_home_feeds_and_sitemap(world, committed, purges):
    middle = world["middle"]
    committed(lambda: workflow.publish(middle, world["editor"]))
    assert len(purges.purged) == 1  # one task for the whole transaction
    assert purges.keys() == _common(middle) | {
        f"article-{world['first'].pk}", f"article-{world['last'].pk}",  # their previous/next links
        f"series-{world['series'].pk}", "series-index",
        f"tag-{world['tags']['oncology']}", f"tag-{world['tags']['surgery']}",
        f"reviewer-{world['reviewer'].pk}",
    }


def test_editing_a_live_article_purges_the_same_pages_but_not_the_series_index(world, committed, purges, make):
    first = world["first"]
    committed(lambda: make.edit(first, title="Stage 1 (updated)"))
    assert purges.keys() == _common(first) | {
        f"article-{world['last'].pk}",  # its next published neighbour (the middle one is not public)
        f"series-{world['series'].pk}", f"tag-{world['tags']['oncology']}", f"reviewer-{world['reviewer'].pk}",
    }
    assert f"article-{world['unrelated'].pk}" not in purges.keys()


def test_editing_a_draft_purges_nothing(world, committed, purges, make):
    draft = make.article(status=S.DRAFT, tags=["oncology"])
    committed(lambda: make.edit(draft, title="Still a draft"))
    assert purges.purged == []


@pytest.mark.parametrize("name", ["unpublish", "archive"])
def test_taking_an_article_down_purges_its_pages_and_the_series_index(world, committed, purges, name):
    first = world["first"]
    committed(lambda: workflow.FUNCTIONS[name](first, world["editor"]))
    keys = purges.keys()
    assert _common(first) | {"series-index", f"series-{world['series'].pk}", f"tag-{world['tags']['oncology']}"} <= keys
    assert f"article-{world['last'].pk}" in keys  # it linked back to this one


def test_a_new_review_of_a_live_article_purges_its_page_and_the_reviewers_page(world, committed, purges, make):
    other = make.reviewer(name="Dr. Lee", slug="dr-lee")
    committed(lambda: make.review(world["last"], reviewer_=other))
    keys = purges.keys()
    assert {f"reviewer-{other.pk}", f"article-{world['last'].pk}", "home"} <= keys
    assert f"article-{world['unrelated'].pk}" not in keys


def test_a_tag_taken_off_a_live_article_purges_that_tags_pages_too(world, committed, purges):
    last = world["last"]
    committed(lambda: last.tags.set(["screening"]))
    screening = Tag.objects.get(name="screening").pk
    assert {f"tag-{world['tags']['oncology']}", f"tag-{screening}", f"article-{last.pk}"} <= purges.keys()


def test_renaming_a_tag_purges_its_pages_and_every_page_that_names_it(world, committed, purges):
    tag = Tag.objects.get(name="surgery")
    tag.name = "Surgery"
    committed(tag.save)
    assert purges.keys() == {f"tag-{tag.pk}", f"shows-tag-{tag.pk}", "home"}


def test_renaming_a_series_purges_its_pages_the_series_index_and_the_pages_that_name_it(world, committed, purges):
    series = world["series"]
    series.title = "Stages"
    committed(series.save)
    assert purges.keys() == {f"series-{series.pk}", f"shows-series-{series.pk}", "series-index", "home"}


def test_renaming_a_reviewer_purges_their_page_and_the_pages_that_name_them(world, committed, purges):
    reviewer = world["reviewer"]
    reviewer.name = "Dr. Kay Patel"
    committed(reviewer.save)
    assert purges.keys() == {f"reviewer-{reviewer.pk}", f"shows-reviewer-{reviewer.pk}"}


def test_a_review_of_an_article_not_yet_public_purges_nothing(world, committed, purges, make):
    committed(lambda: make.review(world["middle"]))
    assert purges.purged == []


def test_a_new_old_address_purges_the_article_page_that_lived_there(world, committed, purges):
    first = world["first"]
    committed(lambda: Redirect.objects.create(old_path="/articles/stage-one/", article=first))
    assert purges.keys() == {f"article-{first.pk}"}


def test_a_related_link_or_citation_on_a_live_article_purges_only_that_page(world, committed, purges, make):
    committed(lambda: make.related(world["first"], world["unrelated"]))
    assert purges.keys() == {f"article-{world['first'].pk}"}
    committed(lambda: make.cite(world["last"]))
    assert purges.keys() == {f"article-{world['last'].pk}"}


def _first_keys(world):
    """What a change to the first (live) article purges, as in the edit test above."""
    first = world["first"]
    return _common(first) | {
        f"article-{world['last'].pk}", f"series-{world['series'].pk}", f"tag-{world['tags']['oncology']}",
        f"reviewer-{world['reviewer'].pk}",
    }


def test_publishing_a_correction_purges_the_corrections_log_and_the_articles_pages(world, committed, purges):
    """Its own key, not ``all``: the log and its feed, the article's page (its corrections), home,
    feeds and sitemap (its dateModified, and the log's date in the sitemap)."""
    first = world["first"]
    committed(lambda: workflow.announce_correction(first, world["editor"], "We corrected a dose."))
    assert len(purges.purged) == 1
    assert purges.keys() == _first_keys(world) | {"corrections"}


def test_withdrawing_or_deleting_a_correction_purges_the_log_again(world, committed, purges):
    first = world["first"]
    event = workflow.announce_correction(first, world["editor"], "We corrected a dose.")
    event.announced = False
    committed(event.save)
    assert purges.keys() == _first_keys(world) | {"corrections"}
    committed(event.delete)  # no longer shown: deleting it changes no page
    assert purges.purged == []
    again = workflow.announce_correction(first, world["editor"], "We corrected a date.")
    committed(again.delete)
    assert purges.keys() == _first_keys(world) | {"corrections"}


def test_a_note_that_is_not_announced_or_a_correction_of_a_draft_purges_nothing(world, committed, purges, make):
    first = world["first"]
    committed(lambda: ArticleEvent.objects.create(article=first, kind=ArticleEvent.Kind.CORRECTION, comment="Internal"))
    assert purges.purged == []
    draft = make.article(status=S.DRAFT)
    committed(lambda: workflow.announce_correction(draft, world["editor"], "Not yet public."))
    assert purges.purged == []


def test_editing_an_article_with_a_public_correction_purges_the_log_that_names_it(world, committed, purges, make):
    first = world["first"]
    workflow.announce_correction(first, world["editor"], "We corrected a dose.")
    committed(lambda: make.edit(first, title="Stage 1 (renamed)"))
    assert purges.keys() == _first_keys(world) | {"corrections"}
    committed(lambda: make.edit(world["last"], title="Stage 3 (renamed)"))  # no correction: the log stays
    assert "corrections" not in purges.keys()


def test_a_change_to_hundreds_of_articles_at_once_purges_everything_in_one_key(world, committed, purges, make, monkeypatch):
    monkeypatch.setattr(edge, "MAX_ARTICLES_PER_PURGE", 3)
    articles = [make.article() for _ in range(3)]
    committed(lambda: [make.edit(a) for a in [*articles, world["first"]]])
    assert purges.purged == [frozenset({"all"})]


def test_bulk_writers_purge_everything(committed, purges):
    committed(edge.purge_all)
    assert purges.purged == [frozenset({"all"})]


def test_a_rolled_back_change_purges_nothing(world, committed, purges, make):
    def fail():
        make.edit(world["first"], title="Never saved")
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        committed(fail)
    committed(lambda: None)
    assert purges.purged == []


# --- scheduled go-live -----------------------------------------------------------------------------


def test_scheduling_purges_nothing_now_and_the_go_live_task_purges_at_the_publish_time(world, committed, purges, monkeypatch):
    middle = world["middle"]
    at = timezone.now() + datetime.timedelta(minutes=10)
    committed(lambda: workflow.publish(middle, world["editor"], at=at))
    assert purges.purged == []  # not public yet: no page changed

    middle.refresh_from_db()
    # Before its time (a rescheduled article's old task), the task purges nothing.
    assert edge.go_live.call(article_id=middle.pk, publish_at=middle.publish_at.isoformat()) == []
    later = at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    keys = set(edge.go_live.call(article_id=middle.pk, publish_at=middle.publish_at.isoformat()))
    assert keys == purges.keys()
    assert {f"article-{middle.pk}", "series-index", f"article-{world['first'].pk}", "home"} <= keys


def test_a_go_live_task_of_a_rescheduled_article_does_nothing(world, purges, monkeypatch):
    middle = world["middle"]
    old = timezone.now() - datetime.timedelta(minutes=1)
    Article.objects.filter(pk=middle.pk).update(status=S.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(days=1))
    assert edge.go_live.call(article_id=middle.pk, publish_at=old.isoformat()) == []
    assert purges.purged == []


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_article_is_purged_by_the_worker_once_its_time_has_come(make, settings, purges, monkeypatch):
    """The real queue: the go-live task waits in the database until its run_after, then the worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    editor = make.user(username="chief", is_superuser=True)  # (a flushed database has no role groups)
    article = make.article(status=S.APPROVED, slug="soon")
    make.review(article)
    DBTaskResult.objects.all().delete()
    at = timezone.now() + datetime.timedelta(seconds=30)
    workflow.publish(article, editor, at=at)  # autocommit: the on-commit hooks run at once
    waiting = DBTaskResult.objects.get(task_path="articles.edge.go_live")
    assert abs((waiting.run_after - at).total_seconds()) < 0.001

    call_command("db_worker", batch=True, startup_delay=False, interval=0)
    assert purges.purged == []  # not yet due: the worker left it
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(seconds=31))
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=real_now())  # the database's clock moves on too
    call_command("db_worker", batch=True, startup_delay=False, interval=0)
    waiting.refresh_from_db()
    assert waiting.status == TaskResultStatus.SUCCESSFUL
    assert f"article-{article.pk}" in purges.keys()


# --- failures and retries ------------------------------------------------------------------------------


def test_a_failed_purge_is_retried_until_it_goes_through(purges, caplog):
    purges.failures = 2
    with caplog.at_level(logging.WARNING, logger="vetted.edge"):
        result = tasks.enqueue(["home"])
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert purges.purged == [frozenset({"home"})]
    mine = [r for r in caplog.records if r.name == "vetted.edge"]
    assert [r.getMessage().split(" (")[1].split(")")[0] for r in mine] == ["attempt 1 of 5", "attempt 2 of 5"]


def test_a_purge_that_keeps_failing_fails_visibly_after_the_last_attempt(purges, settings, caplog):
    settings.EDGE_PURGE_ATTEMPTS = 3
    purges.failures = 10
    with caplog.at_level(logging.WARNING, logger="vetted.edge"):
        tasks.enqueue(["home"])
    assert purges.purged == []
    last = [r for r in caplog.records if r.name == "vetted.edge"][-1]
    assert "failed 3 time(s), giving up" in last.getMessage() and last.levelno == logging.ERROR


@pytest.mark.django_db(transaction=True)
def test_a_failed_purge_waits_in_the_queue_before_its_retry_and_shows_as_failed_in_the_end(settings, purges):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EDGE_PURGE_ATTEMPTS = 2
    from django_tasks_db.models import DBTaskResult

    purges.failures = 5
    tasks.enqueue(["home", "feeds"])
    call_command("db_worker", batch=True, startup_delay=False, interval=0)
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == TaskResultStatus.SUCCESSFUL and first.return_value["retrying"] == 2
    assert retry.status == TaskResultStatus.READY and retry.run_after > timezone.now()  # backing off
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, startup_delay=False, interval=0)
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.FAILED
    assert "PurgeError" in retry.exception_class_path and "told to fail" in retry.traceback


def test_a_varnish_that_does_not_answer_fails_the_purge_so_the_task_retries():
    closed = VarnishPurge(urls=["http://127.0.0.1:9"], timeout=1)
    with pytest.raises(PurgeError, match="127.0.0.1:9"):
        closed.purge(["home"])
