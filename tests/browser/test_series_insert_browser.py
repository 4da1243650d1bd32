"""A writer inserts their draft before Stage 3 of a series in a real browser: no renumbering by hand."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, SeriesEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def test_writer_inserts_a_draft_before_stage_3(page, make):
    """Position 3 is taken by Stage 3: saving inserts the draft there and says which parts moved."""
    series = make.series(title="Treatment by stage")
    for n in range(5):
        make.series_entry(series, make.article(title=f"Stage {n} treatment"), n, label=f"Stage {n}")
    writer = make.staff_in("Writer", username="wendy")
    draft = make.article(title="Stage 2B treatment", status=Article.Status.DRAFT, author=writer)

    page.goto("/admin/login/")
    page.fill("#id_username", "wendy")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"/admin/articles/article/{draft.pk}/change/")
    group = page.locator("#series_entry-group")
    group.locator(".add-row a").click()
    group.locator(".select2-selection").first.click()
    page.locator(".select2-container--open input.select2-search__field").fill("Treatment")
    page.locator(".select2-results__option", has_text="Treatment by stage").first.click()
    expect(page.locator("#id_series_entry-0-position_helptext")).to_contain_text("To insert it before a part")
    page.fill("#id_series_entry-0-position", "3")
    page.fill("#id_series_entry-0-label", "Stage 2B")
    page.locator("input[name=_continue]").click()

    expect(page.locator(".messagelist")).to_contain_text("moved down one to make room: Stage 3 (now 4), Stage 4 (now 5)")
    expect(page.locator(".errornote")).to_have_count(0)
    labels = list(SeriesEntry.objects.filter(series=series).order_by("position").values_list("label", flat=True))
    assert labels == ["Stage 0", "Stage 1", "Stage 2", "Stage 2B", "Stage 3", "Stage 4"]
