"""The review cycle's policy: due dates, interval precedence, changed since review, typo fixes."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, ArticleEvent, MedicalReview, ReviewPolicy
from articles.reviews import queries, services
from articles.reviews.dates import add_months

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 15), 12, D(2025, 1, 15)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 12, 31), 6, D(2025, 6, 30)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    """Month arithmetic keeps the day, or the month's last day when the month is shorter."""
    assert add_months(day, months) == expected


def _due(article_, today):
    """Whether the SQL filter calls the article due by ``today``."""
    return Article.objects.with_review_dates().filter(queries.due_by(today), pk=article_.pk).exists()


@pytest.mark.parametrize(
    "reviewed",
    [D(2023, 1, 31), D(2023, 1, 28), D(2023, 1, 29), D(2023, 3, 31), D(2024, 2, 29), D(2023, 12, 1), D(2023, 6, 15)],
)
@pytest.mark.parametrize("months", [1, 3, 12, 13, 24])
def test_sql_due_filter_agrees_with_python_dates_on_every_day_around_the_due_date(make, reviewed, months):
    """The stored due date is add_months() of the review, and the due filter agrees with it on every day around it."""
    a = make.article(reviewed_on=reviewed, review_interval_months=months)
    due = add_months(reviewed, months)
    for offset in range(-4, 5):
        day = due + datetime.timedelta(days=offset)
        assert _due(a, day) == (due <= day), (due, day)
    assert Article.objects.get(pk=a.pk).next_review_on == due


def test_interval_precedence_is_article_then_series_then_site(make, settings):
    """The article's own interval wins over its series', which wins over the site setting."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    s = make.series(review_interval_months=6)
    reviewed = D(2024, 1, 10)
    site_default = make.article(reviewed_on=reviewed)
    in_series = make.article(reviewed_on=reviewed)
    own = make.article(reviewed_on=reviewed, review_interval_months=3)
    make.series_entry(s, in_series, 1)
    make.series_entry(s, own, 2)
    plain_series = make.series()
    in_plain_series = make.article(reviewed_on=reviewed, review_interval_months=0)  # 0 (from a script) = not set
    make.series_entry(plain_series, in_plain_series, 1)

    stored = dict(Article.objects.with_review_dates().values_list("pk", "next_review_on"))
    expected = {site_default: D(2025, 1, 10), in_series: D(2024, 7, 10), own: D(2024, 4, 10), in_plain_series: D(2025, 1, 10)}
    for article_, due in expected.items():
        assert stored[article_.pk] == due
        fresh = Article.objects.select_related("series_entry__series").prefetch_related("reviews").get(pk=article_.pk)
        assert fresh.review_dates.next_review_due == due


def test_the_latest_review_sets_the_due_date_and_never_reviewed_is_due_at_once(make):
    """Due date counts from the latest review; an article with none is on every due list."""
    today = timezone.localdate()
    old = make.article(reviewed_on=today - datetime.timedelta(days=800))
    make.review(old, reviewed_on=today - datetime.timedelta(days=10))
    never = make.article()
    due = set(Article.objects.in_review_cycle().with_review_dates().due_for_review(0).values_list("pk", flat=True))
    assert due == {never.pk}
    assert Article.objects.get(pk=never.pk).next_review_on is None


def _stored_due(article_):
    return Article.objects.get(pk=article_.pk).next_review_on


def test_the_stored_due_date_follows_the_article_and_series_intervals(make, settings):
    """Changing an interval (the article's or its series'), or the series an article is in, moves
    the stored due date at once; saving anything else leaves it."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    reviewed = D(2024, 1, 31)
    a = make.article(reviewed_on=reviewed)
    assert _stored_due(a) == D(2025, 1, 31)

    a = Article.objects.get(pk=a.pk)
    a.review_interval_months = 1
    a.save()
    assert _stored_due(a) == D(2024, 2, 29)
    a.review_interval_months = None
    a.save()
    assert _stored_due(a) == D(2025, 1, 31)

    series = make.series(review_interval_months=6)
    entry = make.series_entry(series, a, 1)
    assert _stored_due(a) == D(2024, 7, 31)
    series.review_interval_months = 3
    series.save()
    assert _stored_due(a) == D(2024, 4, 30)
    other = make.series()
    entry.series = other  # moved to a series without its own interval
    entry.save()
    assert _stored_due(a) == D(2025, 1, 31)
    entry.series = series
    entry.save()
    assert _stored_due(a) == D(2024, 4, 30)
    entry.delete()
    assert _stored_due(a) == D(2025, 1, 31)


def test_a_new_site_default_interval_moves_every_stored_due_date_before_the_schedule_reads_them(make, settings):
    """REVIEW_INTERVAL_MONTHS is read when the due dates are used: a changed setting is applied
    to every article that has no interval of its own, and only once."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    reviewed = D(2024, 5, 31)
    site = make.article(reviewed_on=reviewed)
    own = make.article(reviewed_on=reviewed, review_interval_months=3)
    assert list(Article.objects.with_review_dates().filter(queries.due_by(D(2024, 12, 31)))) == [own]

    settings.REVIEW_INTERVAL_MONTHS = 6
    assert set(Article.objects.with_review_dates().filter(queries.due_by(D(2024, 12, 31)))) == {own, site}
    assert (_stored_due(site), _stored_due(own)) == (D(2024, 11, 30), D(2024, 8, 31))
    Article.objects.filter(pk=site.pk).update(next_review_on=D(2030, 1, 1))  # not worked out again while the setting stands
    Article.objects.with_review_dates()
    assert _stored_due(site) == D(2030, 1, 1)


def test_migrate_applies_a_new_site_default_to_the_stored_due_dates(make, settings):
    """A deploy runs migrate: that is when a changed REVIEW_INTERVAL_MONTHS is applied, so no
    reader of the schedule waits for a whole catalogue's dates to be worked out again."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    a = make.article(reviewed_on=D(2024, 5, 31))
    Article.objects.with_review_dates()
    assert ReviewPolicy.objects.get().default_interval_months == 12

    settings.REVIEW_INTERVAL_MONTHS = 6
    call_command("migrate", verbosity=0)
    assert ReviewPolicy.objects.get().default_interval_months == 6
    assert _stored_due(a) == D(2024, 11, 30)


def test_drafts_are_not_in_the_review_cycle(make):
    """Only published articles (including scheduled ones) have due dates."""
    make.article(status=Article.Status.DRAFT)
    scheduled = make.article(publish_at=timezone.now() + datetime.timedelta(days=2))
    assert list(Article.objects.in_review_cycle()) == [scheduled]


def _flag(article_):
    return Article.objects.with_review_dates().filter(queries.CHANGED_SINCE_REVIEW, pk=article_.pk).exists()


def test_a_substantive_edit_flags_the_article_but_keeps_the_review_date(make):
    """Changing the body after sign-off flags "changed since review"; "last reviewed" stays put."""
    editor = make.user()
    reviewed = timezone.localdate() - datetime.timedelta(days=40)
    a = make.article(reviewed_on=reviewed)
    assert not _flag(a)
    make.edit(a)
    services.record_content_change(a, by=editor, changed=["body"])
    assert _flag(a)
    fresh = Article.objects.detail(pk=a.pk)
    dates = fresh.review_dates
    assert dates.last_reviewed_on == reviewed
    assert dates.changed_since_review and dates.last_updated_on == timezone.localdate()
    assert dates.date_modified == timezone.localdate()
    assert a.events.get().kind == ArticleEvent.Kind.EDIT

    services.record_review(a, reviewer=make.reviewer(), by=editor)
    assert not _flag(a)
    assert not Article.objects.detail(pk=a.pk).review_dates.changed_since_review


def test_an_editor_can_mark_a_change_as_a_typo_fix(make):
    """A typo fix leaves the article unflagged and is written in the audit trail with who decided."""
    editor = make.user()
    editor.groups.add(Group.objects.get_or_create(name="Editor")[0])
    a = make.article(reviewed_on=timezone.localdate() - datetime.timedelta(days=5))
    event = services.record_content_change(a, by=editor, changed=["title"], typo_fix=True)
    assert event.kind == ArticleEvent.Kind.TYPO_FIX and event.actor == editor
    assert not _flag(a)
    assert not Article.objects.detail(pk=a.pk).review_dates.changed_since_review


def test_only_editors_may_call_a_change_a_typo_fix(make):
    """A writer (staff, not in the Editor group) cannot waive the review flag."""
    writer = make.user()
    a = make.article(reviewed_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.record_content_change(a, by=writer, changed=["body"], typo_fix=True)
    assert not a.events.exists()


def test_a_reviewer_confirms_no_change_needed_for_their_due_article(make):
    """One action records a no-change review dated today, with an audit entry."""
    account = make.user()
    dr = make.reviewer(user=account)
    a = make.article(reviewed_on=timezone.localdate() - datetime.timedelta(days=400), reviewed_by=dr)
    review = services.confirm_no_change(a.pk, user=account)
    assert review.scope == MedicalReview.Scope.NO_CHANGE and review.reviewed_on == timezone.localdate()
    assert review.conflict_of_interest == "None declared"
    assert a.events.get().kind == ArticleEvent.Kind.REVIEW
    with pytest.raises(ValidationError):
        services.confirm_no_change(a.pk, user=account)  # no longer due
    assert a.reviews.count() == 2


def test_a_reviewer_cannot_confirm_someone_elses_or_a_never_reviewed_article(make):
    """The one-click confirmation is limited to the reviewer's own due articles."""
    account = make.user()
    make.reviewer(user=account)
    others = make.article(reviewed_on=timezone.localdate() - datetime.timedelta(days=400))
    never = make.article()
    for target in (others, never):
        with pytest.raises(ValidationError):
            services.confirm_no_change(target.pk, user=account)
    with pytest.raises(PermissionDenied):
        services.confirm_no_change(others.pk, user=make.user())
    assert MedicalReview.objects.count() == 1


def stored_dates(article):
    return Article.objects.values_list("last_reviewed_on", "last_signed_off_at").get(pk=article.pk)


def test_the_article_keeps_its_latest_review_date_as_reviews_come_and_go(make):
    """The schedule reads review dates from the article: each save, move or delete of a review updates them."""
    article, other = make.article(), make.article()
    assert stored_dates(article) == (None, None)
    older = make.review(article, reviewed_on=D(2024, 3, 1))
    newer = make.review(article, reviewed_on=D(2025, 6, 1))
    assert stored_dates(article) == (D(2025, 6, 1), newer.created_at)
    newer.reviewed_on = D(2023, 1, 1)
    newer.save()
    assert stored_dates(article)[0] == D(2024, 3, 1)
    older.article = other
    older.save()
    assert stored_dates(article)[0] == D(2023, 1, 1)
    assert stored_dates(other)[0] == D(2024, 3, 1)
    newer.delete()
    assert stored_dates(article) == (None, None)


def test_the_article_keeps_who_made_its_latest_review(make):
    """The due list names the latest reviewer from the article: the latest by date, then the last recorded."""
    article = make.article()
    first, second = make.reviewer(), make.reviewer()
    make.review(article, reviewer_=first, reviewed_on=D(2025, 6, 1))
    make.review(article, reviewer_=second, reviewed_on=D(2024, 1, 1))
    assert Article.objects.get(pk=article.pk).last_reviewer == first
    same_day = make.review(article, reviewer_=second, reviewed_on=D(2025, 6, 1))
    assert Article.objects.get(pk=article.pk).last_reviewer == second
    same_day.delete()
    assert Article.objects.get(pk=article.pk).last_reviewer == first


def test_saving_an_old_copy_of_an_article_keeps_a_review_made_since(make):
    """An editor's copy loaded before a sign-off must not put the old review date back."""
    article = make.article()
    copy = Article.objects.get(pk=article.pk)
    make.review(article, reviewed_on=D(2025, 6, 1))
    copy.title = "Edited meanwhile"
    copy.save()
    assert stored_dates(article)[0] == D(2025, 6, 1)
    assert Article.objects.get(pk=article.pk).last_reviewer is not None
    assert Article.objects.get(pk=article.pk).title == "Edited meanwhile"


def test_review_dates_are_not_part_of_a_revision(make):
    """Restoring an old revision must never roll back who reviewed the article and when."""
    fields = {f.name for f in Article.history.model._meta.get_fields()}
    assert not fields & {"last_reviewed_on", "last_signed_off_at", "last_reviewer"}
