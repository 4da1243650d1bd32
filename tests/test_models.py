"""Model rules and database constraints of articles and references."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import MedicalReview, RelatedLink, SeriesEntry
from articles.reads.page import detail
from references.models import Citation, Reference

pytestmark = pytest.mark.django_db


def test_article_slug_is_unique(make):
    """Two articles cannot share an address."""
    make.article(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make.article(slug="same")


def test_related_link_to_itself_is_refused_by_the_database(make):
    """An article cannot list itself as related, even bypassing forms."""
    a = make.article()
    with pytest.raises(IntegrityError), transaction.atomic():
        RelatedLink.objects.create(article=a, target=a)


def test_related_link_to_itself_is_a_form_error(make):
    a = make.article()
    with pytest.raises(ValidationError, match="itself"):
        RelatedLink(article=a, target=a).full_clean()


def test_related_link_twice_to_the_same_article_is_refused(make):
    a, b = make.article(), make.article()
    make.related(a, b, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelatedLink.objects.create(article=a, target=b, position=2)


def test_series_position_is_unique_within_a_series(make):
    s = make.series()
    make.series_entry(s, make.article(), 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeriesEntry.objects.create(series=s, article=make.article(), position=1, label="Again")


def test_same_position_in_different_series_is_fine(make):
    make.series_entry(make.series(), make.article(), 1)
    make.series_entry(make.series(), make.article(), 1)
    assert SeriesEntry.objects.filter(position=1).count() == 2


def test_an_article_belongs_to_one_series_at_most(make):
    a = make.article()
    make.series_entry(make.series(), a, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeriesEntry.objects.create(series=make.series(), article=a, position=2, label="x")


def test_review_date_in_the_future_is_a_form_error(make):
    a = make.article()
    review = MedicalReview(article=a, reviewer=make.reviewer(), reviewed_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="future"):
        review.full_clean()


def test_partial_review_must_name_its_sections(make):
    a = make.article()
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicalReview.objects.create(article=a, reviewer=make.reviewer(), reviewed_on=timezone.localdate(), scope="partial")


def test_article_keeps_every_review_and_the_byline_shows_the_latest(make):
    a = make.article()
    make.review(a, reviewed_on=datetime.date(2021, 3, 26))
    newest = make.review(a, reviewed_on=datetime.date(2024, 1, 5))
    make.review(a, reviewed_on=datetime.date(2022, 6, 1))
    fresh = detail(pk=a.pk)
    assert fresh.reviews.count() == 3
    assert fresh.latest_review == newest


def test_two_citations_cannot_share_a_position(make):
    a = make.article()
    make.cite(a, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(article=a, reference=make.reference(), position=1)


def test_a_reference_is_reused_across_articles(make):
    ref = make.reference()
    make.cite(make.article(), ref)
    make.cite(make.article(), ref)
    assert ref.citations.count() == 2


def test_a_reference_in_use_cannot_be_deleted(make):
    from django.db.models import ProtectedError

    ref = make.reference()
    make.cite(make.article(), ref)
    with pytest.raises(ProtectedError):
        ref.delete()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"url": "https://www.cancer.org/treatment/"}, {"url": "http://cancer.org/treatment?utm_source=x"}),
        ({"doi": "10.3322/caac.21708"}, {"doi": "https://doi.org/10.3322/CAAC.21708"}),
        ({"pmid": "35020204"}, {"pmid": "PMID: 35020204"}),
    ],
)
def test_a_duplicate_reference_is_a_form_error_naming_the_existing_one(make, first, second):
    existing = make.reference(title="Existing", **{"url": "", **first})
    duplicate = Reference(title="Again", **{"url": "", **second})
    with pytest.raises(ValidationError) as info:
        duplicate.full_clean()
    assert "already exists" in str(info.value)
    assert f"/admin/references/reference/{existing.pk}/change/" in str(info.value)


def test_a_duplicate_reference_is_refused_by_the_database_too(make):
    make.reference(url="", doi="10.1000/abc")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(title="Again", doi="10.1000/ABC")


def test_several_references_without_identifiers_are_allowed(make):
    make.reference(url="")
    make.reference(url="")
    assert Reference.objects.filter(url="").count() == 2


@pytest.mark.parametrize(("field", "value"), [("doi", "11.1/x"), ("doi", "not a doi"), ("pmid", "12ab")])
def test_malformed_identifiers_are_form_errors(field, value):
    with pytest.raises(ValidationError) as info:
        Reference(title="x", **{field: value}).full_clean()
    assert field in info.value.message_dict


def test_a_reference_entry_may_hold_several_titles():
    ref = Reference(title="Lumpectomy", more_titles="Mastectomy\n\n Lymph Node Surgery for Breast Cancer ")
    assert ref.titles == ["Lumpectomy", "Mastectomy", "Lymph Node Surgery for Breast Cancer"]


@pytest.mark.parametrize(
    "dirty",
    [
        '<p>Hi<script>alert(1)</script></p>',
        '<p onclick="alert(1)">Hi</p>',
        '<p><a href="javascript:alert(1)">Hi</a></p>',
        '<p style="background:url(javascript:alert(1))">Hi</p>',
        '<img src=x onerror=alert(1)><p>Hi</p>',
    ],
)
def test_article_body_is_sanitised_on_every_save(make, dirty):
    a = make.article(body=dirty)
    a.refresh_from_db()
    for bad in ("script", "onclick", "javascript:", "style=", "onerror", "<img"):
        assert bad not in a.body
    assert "Hi" in a.body


def test_body_keeps_the_allowed_structure(make):
    html = '<h2>Surgery</h2><p>A <strong>lumpectomy</strong> <a href="https://example.org">link</a><sup>1</sup></p><ul><li>x</li></ul>'
    a = make.article(body=html)
    a.refresh_from_db()
    for kept in ("<h2>Surgery</h2>", "<strong>lumpectomy</strong>", 'href="https://example.org"', "<sup>1</sup>", "<li>x</li>"):
        assert kept in a.body
