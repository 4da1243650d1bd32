"""Citations in a real browser: markers and back-links for readers, the duplicate popup for editors."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_follows_a_marker_to_its_reference_and_back(phone_page, make):
    """The marker is announced as "reference 1", jumps to the reference, and the back-link returns."""
    article = make.article(slug="cited", body="<p>Surgery comes first.[1]</p><p>" + "Filler. " * 400 + "</p>")
    make.cite(article, make.reference(title="Breast Cancer Treatment"))
    phone_page.goto("/articles/cited/")

    marker = phone_page.get_by_role("link", name="reference 1", exact=True)
    marker.click()
    assert phone_page.url.endswith("#ref-1")
    assert phone_page.locator("#ref-1").is_visible()

    phone_page.get_by_role("link", name="Back to where reference 1 is cited").click()
    assert phone_page.url.endswith("#cite-1-1")
    assert phone_page.locator("#cite-1-1").is_visible()


def test_editor_picks_the_existing_reference_from_the_add_popup(page, make, django_user_model):
    """Adding a duplicate from the citation inline offers the existing reference, which then fills the row."""
    django_user_model.objects.create_superuser("editor", "e@example.org", "correct horse battery")
    article = make.article()
    existing = make.reference(title="Cancer statistics", url="https://example.org/stats")
    page.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.click("#citations-group .add-row a")

    with page.expect_popup() as opened:
        page.click("#add_id_citations-0-reference")
    popup = opened.value
    popup.fill("#id_title", "Copy of the statistics page")
    popup.fill("#id_url", "http://www.example.org/stats/")
    popup.click("input[name=_save]")
    popup.get_by_role("button", name="Use this reference").click()

    # Polls without evaluating a string (the admin's CSP forbids eval).
    from playwright.sync_api import expect

    expect(page.locator("#id_citations-0-reference")).to_have_value(str(existing.pk))
