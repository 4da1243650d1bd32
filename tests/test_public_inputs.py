"""Whatever a reader (or a bot) puts in page= or q=, public pages answer 200 or 404, never 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

LISTS = [("/", {}), ("/tags/oncology/", {}), ("/reviewers/dr-k/", {}), ("/search/", {"q": "cancer"})]
ODD = ["abc", "0", "-1", "99999999999999999999", "1e9", "", "%00", "\x00", "1.5", "２", "NaN", "' OR 1=1 --", "<b>"]


@pytest.fixture
def listed(make):
    reviewer = make.reviewer(slug="dr-k")
    for n in range(25):
        make.review(make.article(title=f"Cancer care {n}", tags=["oncology"]), reviewer_=reviewer)


@pytest.mark.parametrize("url,params", LISTS, ids=[u for u, _ in LISTS])
@pytest.mark.parametrize("page", ODD)
def test_odd_page_numbers_give_a_page(client, listed, url, params, page):
    """Not a number or out of range: the nearest real page, never a 500."""
    response = client.get(url, {**params, "page": page})
    if "\x00" in page:  # a NUL in the address is refused up front (cms.middleware)
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert "Cancer care" in response.text


@pytest.mark.parametrize("url", [
    "/sitemap.xml?p=abc", "/sitemap.xml?p=0", "/sitemap.xml?p=999", "/sitemap-articles.xml?p=x",
    "/sitemap-articles.xml?p=99999999999999999999", "/sitemap-articles.xml?p=9223372036854775807",
])
def test_odd_sitemap_pages_are_404(client, listed, url):
    assert client.get(url).status_code == 404


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=300), page=st.text(max_size=12))
def test_any_search_text_gives_a_normal_page(client, q, page):
    """Arbitrary Unicode, control characters included, in q and page."""
    response = client.get("/search/", {"q": q, "page": page})
    assert response.status_code == (400 if "\x00" in q + page else 200)
