"""Scheduled publishing with no cron: a scheduled article appears everywhere the moment its time passes."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from articles.workflow import rules as workflow

pytestmark = pytest.mark.django_db

REAL_NOW = timezone.now


@pytest.fixture
def scheduled(make):
    """An article scheduled two hours ahead, in a series, tagged, reviewed and linked from a public article."""
    editor = make.staff_in("Editor")
    reviewer = make.reviewer(slug="dr-k", name="Dr. K")
    article = make.article(status=Article.Status.APPROVED, title="Scheduled piece", slug="scheduled", tags=["sleep"])
    make.review(article, reviewer_=reviewer)
    series = make.series(slug="journey")
    make.series_entry(series, make.article(title="Part one"), 1)
    make.series_entry(series, article, 2)
    linking = make.article(title="Linking piece", slug="linking")
    make.related(linking, article, 1)
    at = REAL_NOW() + datetime.timedelta(hours=2)
    workflow.publish(article, editor, at=at)
    return at


PAGES = ["/", "/articles/scheduled/", "/series/journey/", "/tags/sleep/", "/reviewers/dr-k/", "/articles/linking/"]


def _visible(client, path):
    response = client.get(path)
    return response.status_code == 200 and "Scheduled piece" in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_hidden_before_its_time(client, scheduled, path):
    assert not _visible(client, path)


@pytest.mark.parametrize("path", PAGES)
def test_visible_once_its_time_has_passed(client, scheduled, monkeypatch, path):
    monkeypatch.setattr(timezone, "now", lambda: scheduled + datetime.timedelta(minutes=1))
    assert _visible(client, path)
