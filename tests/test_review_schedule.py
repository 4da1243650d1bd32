"""The staff review schedule: groups, filters, chart, CSV, access, and a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, MedicalReview
from articles.reviews import dates, services
from articles.reviews import queries as review_queries
from articles.reviews import schedule as review_schedule

pytestmark = pytest.mark.django_db

URL = "/staff/reviews/"


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def cycle(make):
    """One article in each group, with 12-month intervals, plus a draft that is in none."""
    today = timezone.localdate()
    dr = make.reviewer(name="Dr. Ana Lee", slug="ana-lee")
    other = make.reviewer(name="Dr. Bo Kim", slug="bo-kim")
    s = make.series(title="Stages", slug="stages")
    articles = {
        "overdue": make.article(title="Overdue one", reviewed_on=dates.add_months(today, -12) - datetime.timedelta(days=3),
                                reviewed_by=dr, tags=["heart"]),
        "due-30": make.article(title="Due soon one", reviewed_on=dates.add_months(today, -12) + datetime.timedelta(days=10),
                               reviewed_by=other),
        "due-90": make.article(title="Due later one", reviewed_on=dates.add_months(today, -12) + datetime.timedelta(days=60),
                               reviewed_by=dr),
        "fresh": make.article(title="Fresh one", reviewed_on=ago(5), reviewed_by=other),
        "never": make.article(title="Never one"),
    }
    make.series_entry(s, articles["due-90"], 1)
    changed = articles["fresh"]
    make.edit(changed)
    make.article(title="Draft one", status=Article.Status.DRAFT)
    return articles


def _staff(make, **fields):
    account = make.user(**fields)
    account.user_permissions.add(Permission.objects.get(codename="view_article"))
    return account


def test_each_group_lists_its_articles_with_counts(client, make, cycle):
    """Overdue, due within 30, due in 31–90, changed since review and never reviewed each hold the right article."""
    client.force_login(_staff(make))
    expected = {
        "overdue": ["Overdue one"],
        "due-30": ["Due soon one"],
        "due-90": ["Due later one"],
        "changed": ["Fresh one"],
        "never": ["Never one"],
    }
    for group, titles in expected.items():
        response = client.get(URL, {"group": group})
        assert response.status_code == 200
        rows = [a.title for a in response.context["page"]]
        assert rows == titles, group
        counts = {g.slug: n for g, n in response.context["counts"]}
        assert counts == {"overdue": 1, "due-30": 1, "due-90": 1, "changed": 1, "never": 1, "all": 5}
        assert "Draft one" not in response.text
    page = client.get(URL, {"group": "overdue"}).text
    assert f'href="/admin/articles/article/{cycle["overdue"].pk}/change/"' in page
    assert "overdue 3 days" in page


def test_filters_by_reviewer_series_and_tag(client, make, cycle):
    """Each filter narrows the rows and the counts; an unknown value is reported, not a 500."""
    client.force_login(_staff(make))
    by_reviewer = client.get(URL, {"group": "all", "reviewer": "ana-lee"}).context
    assert {a.title for a in by_reviewer["page"]} == {"Overdue one", "Due later one"}
    assert dict((g.slug, n) for g, n in by_reviewer["counts"])["all"] == 2
    assert [a.title for a in client.get(URL, {"group": "all", "series": "stages"}).context["page"]] == ["Due later one"]
    assert [a.title for a in client.get(URL, {"group": "all", "tag": "heart"}).context["page"]] == ["Overdue one"]
    response = client.get(URL, {"group": "nonsense", "reviewer": "nobody", "tag": "x" * 300, "page": "zz"})
    assert response.status_code == 200
    assert "not one of the available choices" in response.text
    assert [a.title for a in response.context["page"]] == ["Overdue one"]


def test_chart_counts_reviews_due_per_month_and_shows_the_peak_week(client, make):
    """Twelve monthly bars as inline SVG; the week with most reviews due is named."""
    today = timezone.localdate()
    # Three articles due on the same day 40 days from now, one due 100 days from now.
    busy = today + datetime.timedelta(days=40)
    for _ in range(3):
        make.article(reviewed_on=dates.add_months(busy, -12))
    make.article(reviewed_on=dates.add_months(today + datetime.timedelta(days=100), -12))
    client.force_login(_staff(make))
    response = client.get(URL)
    forecast = response.context["forecast"]
    assert len(forecast.months) == 12 and forecast.months[0].start == today.replace(day=1)
    by_month = {m.start: m.count for m in forecast.months}
    due_busy = dates.add_months(dates.add_months(busy, -12), 12)
    assert by_month[due_busy.replace(day=1)] >= 3
    assert forecast.total == 4
    assert forecast.peak_week_start == due_busy - datetime.timedelta(days=due_busy.weekday())
    assert forecast.peak_week_count == 3
    assert response.text.count('<rect class="bar"') == 12
    assert "Busiest week" in response.text
    assert "<script" not in response.text.split('id="content-main"')[1].split("</main>")[0]


def test_csv_export_holds_the_current_view(client, make, cycle):
    """The CSV has the selected group and filters, every row, and defuses spreadsheet formulas."""
    cycle["overdue"].title = "=HYPERLINK(evil)"
    cycle["overdue"].save()
    client.force_login(_staff(make))
    response = client.get(URL, {"group": "overdue", "reviewer": "ana-lee", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "'=HYPERLINK(evil)"
    assert row["reviewer"] == "Dr. Ana Lee"
    assert row["days_overdue"] == "3"
    assert row["admin_url"] == f"http://testserver/admin/articles/article/{cycle['overdue'].pk}/change/"
    assert row["public_url"] == f"http://testserver/articles/{cycle['overdue'].slug}/"
    assert row["next_review_due"] == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    never = list(csv.DictReader(io.StringIO(b"".join(client.get(URL, {"group": "never", "export": "csv"}).streaming_content).decode())))
    assert [(r["title"], r["last_reviewed"], r["next_review_due"]) for r in never] == [("Never one", "never", "now")]


def test_stale_references_and_broken_links_are_listed(client, make, settings):
    """Articles referenced more than the set years ago appear; so do broken and redirected references."""
    settings.REFERENCES_STALE_YEARS = 3
    today = timezone.localdate()
    make.article(title="Old refs", referenced_on=today.replace(year=today.year - 4))
    make.article(title="New refs", referenced_on=today.replace(year=today.year - 1))
    cited = make.article(title="Cites broken")
    ref = make.reference(title="Gone page")
    ref.checked_at, ref.http_status = timezone.now(), 404
    ref.save()
    make.cite(cited, ref)
    client.force_login(_staff(make))
    response = client.get(URL)
    assert [a.title for a in response.context["stale"]] == ["Old refs"]
    assert "Gone page (HTTP 404), cited in" in response.text


def test_anonymous_visitors_are_sent_to_login_and_non_staff_refused(client, make):
    """Staff only, enforced on the server for every staff page."""
    a = make.article(reviewed_on=ago(400))
    for url in [URL, URL + "?export=csv", "/staff/reviews/mine/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    assert client.post(f"/staff/reviews/{a.pk}/confirm/").status_code == 302
    client.force_login(make.user(is_staff=False))
    for url in [URL, URL + "?export=csv", "/staff/reviews/mine/"]:
        assert client.get(url).status_code == 403, url
    client.force_login(make.user())  # staff, but no permission to view articles
    assert client.get(URL).status_code == 403
    assert client.post(f"/staff/reviews/{a.pk}/confirm/").status_code == 403
    assert MedicalReview.objects.count() == 1


def test_admin_index_links_to_the_schedule(admin_client):
    """The schedule is one click from the admin's front page."""
    assert 'href="/staff/reviews/"' in admin_client.get("/admin/").text


def test_reviewer_confirms_no_change_from_their_list(client, make):
    """The reviewer sees their due article and records "no change needed" in one POST."""
    account = make.user()
    dr = make.reviewer(user=account, name="Dr. Mine")
    mine = make.article(title="Mine and due", reviewed_on=ago(380), reviewed_by=dr)
    make.article(title="Someone else's", reviewed_on=ago(380))
    client.force_login(account)
    page = client.get("/staff/reviews/mine/")
    assert page.status_code == 200
    assert "Mine and due" in page.text and "Someone else" not in page.text
    response = client.post(f"/staff/reviews/{mine.pk}/confirm/", {"notes": "Checked against 2026 guidance."})
    assert response.status_code == 302
    review = mine.reviews.first()
    assert review.scope == MedicalReview.Scope.NO_CHANGE and review.notes == "Checked against 2026 guidance."
    after = client.get("/staff/reviews/mine/")
    assert after.context["rows"] == [] and "Recorded: “Mine and due” reviewed, no change needed" in after.text
    assert client.get(f"/staff/reviews/{mine.pk}/confirm/").status_code == 405


def test_schedule_and_csv_run_a_fixed_number_of_queries(client, make, django_assert_num_queries):
    """5 or 60 articles across reviewers, series and tags: the same number of queries."""
    account = _staff(make)
    client.force_login(account)

    def grow(n):
        s = make.series()
        for i in range(n):
            a = make.article(reviewed_on=ago(370 + i * 7), reviewed_by=make.reviewer(), tags=[f"t{i % 4}"])  # all overdue
            make.series_entry(s, a, i)
            make.edit(a) if i % 3 == 0 else None
            make.cite(a, make.reference())

    grow(5)
    counts = {}
    for params in [{"group": "all"}, {"group": "overdue", "tag": "t1"}, {"group": "all", "export": "csv"}]:
        with CaptureQueriesContext(connection) as few:
            response = client.get(URL, params)
            if params.get("export"):
                b"".join(response.streaming_content)
        counts[str(params)] = len(few.captured_queries)
    grow(55)
    for params in [{"group": "all"}, {"group": "overdue", "tag": "t1"}, {"group": "all", "export": "csv"}]:
        with django_assert_num_queries(counts[str(params)]):
            response = client.get(URL, params)
            if params.get("export"):
                assert len(b"".join(response.streaming_content).decode().splitlines()) == 61
    assert counts[str({"group": "all"})] <= 15


def test_group_counts_agree_with_the_rows_each_group_lists(make):
    """The counts come from one query grouped by due date; each must equal the group's own filter,
    month ends and interval overrides included (31 Jan + 1 month is the end of February)."""
    today = timezone.localdate()
    s = make.series(review_interval_months=6)
    for offset in range(-3, 95):  # due on every day across the groups' and the months' boundaries
        make.article(reviewed_on=dates.add_months(today + datetime.timedelta(days=offset), -12))
    for offset in range(-400, 120, 13):
        make.article(reviewed_on=min(today, today + datetime.timedelta(days=offset)), review_interval_months=3)
    for month_end in (datetime.date(today.year - 1, 1, 31), datetime.date(today.year - 1, 8, 31), datetime.date(today.year, 1, 31)):
        make.article(reviewed_on=min(month_end, today), review_interval_months=1)
    make.series_entry(s, make.article(reviewed_on=ago(200)), 1)
    make.article()  # never reviewed
    services.record_content_change(make.article(reviewed_on=ago(3)), by=None, changed=["body"])

    articles = Article.objects.in_review_cycle().with_review_dates()
    counts, forecast = review_schedule.summary(articles, today)
    for group, n in counts:
        assert n == articles.filter(group.q(today)).count(), group.slug
    first = today.replace(day=1)
    for month in forecast.months:
        end = dates.add_months(month.start, 1) - datetime.timedelta(days=1)
        after = max(month.start - datetime.timedelta(days=1), today - datetime.timedelta(days=1))
        assert month.count == articles.filter(review_queries.due_between(after, end)).count(), month.start
    assert forecast.months[0].start == first


def test_filter_lists_escape_names_and_keep_the_choice(client, make):
    """The filters are written out in Python (thousands of options): names escaped, choice selected."""
    client.force_login(_staff(make))
    make.series(title="Heart <b>& lungs</b>", slug="heart")
    make.series(title="Other", slug="other")
    page = client.get(URL, {"series": "heart"}).text
    assert '<option value="heart" selected>Heart &lt;b&gt;&amp; lungs&lt;/b&gt;</option>' in page
    assert '<option value="other">Other</option>' in page
    assert '<select name="series" id="id_series">' in page


def test_pages_follow_one_another_in_due_order(client, make, monkeypatch):
    """Never reviewed first, then by due date and title, page after page; a page past the end
    shows the last one. Each page's keys are found first, then its rows, in the same order."""
    from articles.reviews import staff_views

    monkeypatch.setattr(staff_views, "ROWS_PER_PAGE", 2)
    make.article(title="Never reviewed")
    for title, days_ago in [("Due first", 400), ("Beta, due second", 390), ("Alpha, due second", 390), ("Due last", 10)]:
        make.article(title=title, reviewed_on=ago(days_ago))
    client.force_login(_staff(make))
    pages = [[a.title for a in client.get(URL, {"group": "all", "page": n}).context["page"]] for n in (1, 2, 3, 9)]
    assert pages == [
        ["Never reviewed", "Due first"],
        ["Alpha, due second", "Beta, due second"],
        ["Due last"],
        ["Due last"],
    ]


def test_csv_urls_use_site_url_when_it_is_set(client, make, cycle, settings):
    """Behind a proxy SITE_URL names the public address, as in the sitemap and the feed."""
    settings.SITE_URL = "https://health.example.org"
    client.force_login(_staff(make))
    response = client.get(URL, {"group": "overdue", "export": "csv"})
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["admin_url"] == f"https://health.example.org/admin/articles/article/{cycle['overdue'].pk}/change/"
    assert row["public_url"] == f"https://health.example.org/articles/{cycle['overdue'].slug}/"
