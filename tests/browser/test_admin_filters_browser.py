"""The article list's drop-down filters, in a real browser: choose, press Filter, keep the rest."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_narrows_the_list_with_two_drop_downs(page, make, superuser):
    stages = make.series(title="Breast cancer by stage")
    make.series(title="Asthma basics")
    kay, other = make.reviewer(name="Dr. Kay"), make.reviewer(name="Dr. Other")
    for n, reviewer in enumerate([kay, other, kay], start=1):
        make.series_entry(stages, make.article(title=f"Stage {n}", reviewed_by=reviewer), n)
    make.article(title="Inhalers", reviewed_by=kay)
    sign_in(page)
    page.goto("/admin/articles/article/")
    expect(page.get_by_role("link", name="Inhalers")).to_be_visible()

    page.get_by_label("Series").select_option(label="Breast cancer by stage")
    page.locator("form.select-filter", has=page.get_by_label("Series")).get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Stage 2")).to_be_visible()
    expect(page.get_by_role("link", name="Inhalers")).to_have_count(0)

    # The second filter keeps the first: the series stays chosen.
    page.get_by_label("Reviewer").select_option(label=str(kay))
    page.locator("form.select-filter", has=page.get_by_label("Reviewer")).get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Stage 1")).to_be_visible()
    expect(page.get_by_role("link", name="Stage 3")).to_be_visible()
    expect(page.get_by_role("link", name="Stage 2")).to_have_count(0)
    expect(page.get_by_role("link", name="Inhalers")).to_have_count(0)
    expect(page.get_by_label("Series")).to_have_value(str(stages.pk))
