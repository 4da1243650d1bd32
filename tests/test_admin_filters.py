"""The article changelist's series, tag and reviewer filters: one drop-down each, not a link per object."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("admin:articles_article_changelist")


def filter_form(page, name):
    """The GET form of the filter whose select is called ``name``."""
    for form in re.findall(r'<form method="get" class="select-filter">.*?</form>', page, re.S):
        if f'name="{name}"' in form:
            return form
    raise AssertionError(f"no filter form for {name}")


def test_each_series_is_an_option_and_the_chosen_one_is_selected(admin_client, make):
    first, second = make.series(title="Breast cancer by stage"), make.series(title="Asthma basics")
    article = make.article(title="Stage 1")
    make.series_entry(first, article, 1)
    page = admin_client.get(URL, {"series_entry__series__id__exact": first.pk}).text
    form = filter_form(page, "series_entry__series__id__exact")
    assert f'<option value="{first.pk}" selected>Breast cancer by stage</option>' in form
    assert f'<option value="{second.pk}">Asthma basics</option>' in form
    assert '<option value="">All</option>' in form
    # No link per series: that is what cost a query string for each of a thousand.
    assert f"?series_entry__series__id__exact={second.pk}" not in page


def test_the_form_keeps_the_other_filters_and_the_search_but_not_the_page(admin_client, make):
    reviewer = make.reviewer(name="Dr. Kay")
    article = make.article(title="Reviewed", tags=["heart"])
    make.review(article, reviewer_=reviewer)
    make.article(title="Another", tags=["lungs"], reviewed_by=make.reviewer(name="Dr. Other"))
    tag = article.tags.get().pk
    page = admin_client.get(URL, {"tags__id__exact": tag, "q": "Review", "status__exact": "published", "p": "1"}).text
    form = filter_form(page, "reviews__reviewer__id__exact")
    assert f'<input type="hidden" name="tags__id__exact" value="{tag}">' in form
    assert '<input type="hidden" name="q" value="Review">' in form
    assert '<input type="hidden" name="status__exact" value="published">' in form
    assert 'name="p"' not in form
    # The tag filter's own form does not carry the tag it chooses.
    assert 'type="hidden" name="tags__id__exact"' not in filter_form(page, "tags__id__exact")


def test_submitting_a_filter_form_filters_the_list(admin_client, make):
    reviewer = make.reviewer(name="Dr. Kay")
    mine = make.article(title="Reviewed by Kay")
    make.review(mine, reviewer_=reviewer)
    make.article(title="Reviewed by another", reviewed_by=make.reviewer(name="Dr. Other"))
    page = admin_client.get(URL, {"reviews__reviewer__id__exact": reviewer.pk}).text
    assert ">Reviewed by Kay<" in page and "Reviewed by another" not in page


def test_the_untagged_choice_stays_a_link(admin_client, make):
    make.article(title="Untagged")
    make.article(title="Tagged", tags=["heart"])
    page = admin_client.get(URL).text
    assert "?tags__isnull=True" in page
    untagged = admin_client.get(URL, {"tags__isnull": "True"}).text
    assert ">Untagged<" in untagged and ">Tagged<" not in untagged


def test_a_label_names_each_drop_down(admin_client, make):
    make.series(title="Asthma basics")
    make.series(title="Breast cancer by stage")
    page = admin_client.get(URL).text
    form = filter_form(page, "series_entry__series__id__exact")
    assert '<label for="filter-series_entry__series__id__exact" class="visually-hidden">' in form
    assert 'id="filter-series_entry__series__id__exact"' in form


def test_with_facets_shown_the_filter_is_a_list_of_links_with_counts(admin_client, make):
    series = make.series(title="Asthma basics")
    make.series(title="Breast cancer by stage")
    make.series_entry(series, make.article(title="Part one"), 1)
    page = admin_client.get(URL, {"_facets": "True"}).text
    assert f'<a href="?_facets=True&amp;series_entry__series__id__exact={series.pk}">Asthma basics (1)</a>' in page
    assert 'class="select-filter"' not in page


def test_the_any_tag_choice_still_lists_each_article_once(admin_client, make):
    make.article(title="Two tags", tags=["heart", "lungs"])
    make.article(title="No tags")
    page = admin_client.get(URL, {"tags__isnull": "False"}).text
    assert page.count(">Two tags<") == 1 and ">No tags<" not in page


@pytest.mark.parametrize("params", [{"tags__id__exact": "heart"}, {"reviews__reviewer__id__exact": "1e9x"}])
def test_a_value_that_is_not_a_key_gets_the_admins_error_page_not_a_500(admin_client, make, params):
    make.article(tags=["heart"], reviewed_by=make.reviewer(name="Dr. Kay"))
    make.article(tags=["lungs"], reviewed_by=make.reviewer(name="Dr. Other"))
    response = admin_client.get(URL, params)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
