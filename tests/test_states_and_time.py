"""Issue 22, section 4: scheduled articles read "Scheduled for <time> <zone>" everywhere, can be
filtered, and times are entered and shown in the site's time zone (stored in UTC)."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

S = Article.Status
LONDON = zoneinfo.ZoneInfo("Europe/London")
# A winter time (GMT = UTC) and a summer one (BST = UTC+1), both safely in the future.
WINTER = datetime.datetime(2031, 1, 15, 9, 0, tzinfo=LONDON)
SUMMER = datetime.datetime(2031, 7, 15, 9, 0, tzinfo=LONDON)


def test_the_site_time_zone_defaults_to_london():
    """Without a TIME_ZONE variable the site runs on Europe/London time, with aware datetimes."""
    assert settings.TIME_ZONE == "Europe/London" and settings.USE_TZ


@pytest.mark.parametrize(("when", "shown", "utc_hour"), [(WINTER, "15 January 2031, 09:00 GMT", 9), (SUMMER, "15 July 2031, 09:00 BST", 8)])
def test_a_time_typed_in_the_form_is_site_time_and_stored_in_utc(client, make, editor, when, shown, utc_hour):
    """09:00 typed in July is 09:00 BST, stored as 08:00 UTC; the message names the time and zone."""
    article = make.article(status=S.APPROVED, reviewed_by=make.reviewer())
    client.force_login(editor)
    url = reverse("admin:articles_article_transition", args=[article.pk, "publish"])
    response = client.post(url, {"at": when.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    article.refresh_from_db()
    assert article.publish_at.astimezone(datetime.UTC).hour == utc_hour
    page = response.content.decode()
    assert f"Scheduled for {shown}" in page
    assert "now published" not in page and "Published scheduled" not in page


def test_publish_form_names_the_time_zone(client, make, editor):
    """The schedule input says which zone its time is in."""
    article = make.article(status=S.APPROVED, reviewed_by=make.reviewer())
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_transition", args=[article.pk, "publish"])).content.decode()
    assert "Europe/London, now " in page


def test_a_scheduled_article_reads_scheduled_on_its_page_list_and_preview(client, make, editor):
    """The change form, the article list and the preview all say "Scheduled for … GMT", never "Published"."""
    article = make.article(title="Soon", status=S.PUBLISHED, publish_at=WINTER)
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Scheduled for 15 January 2031, 09:00 GMT" in form
    assert "Published" not in form.split('id="workflow-heading"')[1].split("</p>")[0]
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Scheduled for 15 January 2031, 09:00 GMT" in listing
    preview = client.get(reverse("articles:preview", args=[article.pk])).content.decode()
    assert "Scheduled for 15 January 2031, 09:00 GMT" in preview


def test_live_article_says_published_since_its_local_time(client, make, editor):
    """A live article's panel reads "Published since <time> <zone>"."""
    article = make.article(status=S.PUBLISHED, publish_at=datetime.datetime(2025, 7, 1, 12, 0, tzinfo=datetime.UTC))
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "since 1 July 2025, 13:00 BST" in form


@pytest.mark.parametrize(("choice", "expected"), [("scheduled", ["Soon"]), ("published", ["Live"]), ("draft", ["Draft"])])
def test_article_list_filters_scheduled_apart_from_published(admin_client, make, choice, expected):
    """The status filter has "Scheduled"; "Published (live)" leaves scheduled articles out."""
    make.article(title="Soon", status=S.PUBLISHED, publish_at=WINTER)
    make.article(title="Live")
    make.article(title="Draft", status=S.DRAFT)
    response = admin_client.get(reverse("admin:articles_article_changelist"), {"status__exact": choice})
    assert sorted(a.title for a in response.context["cl"].result_list) == expected
    assert "Scheduled" in response.content.decode()


def test_a_time_that_does_not_exist_in_the_site_zone_is_a_form_error(client, make, editor):
    """01:30 on the morning the clocks go forward does not exist in London: said, nothing scheduled."""
    article = make.article(status=S.APPROVED, reviewed_by=make.reviewer())
    client.force_login(editor)
    url = reverse("admin:articles_article_transition", args=[article.pk, "publish"])
    response = client.post(url, {"at": "2031-03-30T01:30"})
    assert response.status_code == 200
    assert "Europe/London" in response.content.decode() and "couldn’t be interpreted" in response.content.decode()
    article.refresh_from_db()
    assert article.status == S.APPROVED and article.publish_at is None


def test_article_list_shows_publish_times_in_the_site_zone(admin_client, make):
    """The list's publish time column names the zone, as the state does."""
    make.article(title="Summer", publish_at=datetime.datetime(2025, 7, 1, 12, 0, tzinfo=datetime.UTC))
    page = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "1 July 2025, 13:00 BST" in page


def test_csv_export_says_scheduled_with_the_local_time(admin_client, make):
    """The export's status reads "Scheduled", the next cell its time in the site's zone."""
    make.article(title="Soon", slug="soon", publish_at=SUMMER)
    body = admin_client.get("/staff/exports/articles.csv").content.decode("utf-8")
    row = next(line for line in body.splitlines() if line.startswith("Soon,"))
    assert row.split(",")[2:4] == ["Scheduled", "2031-07-15 09:00"]
