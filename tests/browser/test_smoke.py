"""The site renders in a real browser."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_opens_an_article_from_the_home_page(page, make):
    article = make.article(title="Managing Fatigue During Cancer Treatment", slug="fatigue")
    make.review(article, reviewer_=make.reviewer(name="Dr. K", slug="dr-k"))
    page.goto("/")
    page.get_by_role("region", name="Latest articles").get_by_role("link", name="Managing Fatigue During Cancer Treatment").click()
    assert page.url.endswith("/articles/fatigue/")
    assert page.get_by_role("heading", level=1).inner_text() == "Managing Fatigue During Cancer Treatment"
    assert "Medically reviewed by Dr. K" in page.locator(".byline").inner_text()
