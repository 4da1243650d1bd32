"""An editor follows docs/api.md in the admin: a partner, a key from the partner's page (shown once), a request with it."""

import re

import pytest
from playwright.sync_api import expect

from articles.api.models import ApiKey
from tests.browser.helpers import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_adds_a_partner_and_gives_it_a_key(browser, live_server, make):
    make.staff_in("Editor", username="eddie")
    make.article(title="Living with a port", slug="living-with-a-port")
    tab = signed_in(browser, live_server, "eddie")
    try:
        tab.get_by_role("link", name="Syndication API").click()
        tab.get_by_role("link", name="Partners").first.click()
        tab.get_by_role("link", name=re.compile("Add partner")).click()
        tab.get_by_label("Name:", exact=True).fill("Riverside Surgery")
        tab.get_by_label("Contact email:").fill("web@riverside.example")
        tab.get_by_role("button", name="Save and continue editing").click()
        expect(tab.locator(".messagelist")).to_contain_text("was added successfully")

        tab.get_by_role("link", name="Add an API key for this partner").click()
        expect(tab.get_by_label("Partner:")).to_have_value(re.compile(r"\d+"))
        tab.get_by_label("Name:", exact=True).fill("surgery website")
        tab.get_by_role("button", name="Save", exact=True).click()
        tab.wait_for_url(re.compile(r"/admin/syndication/partner/\d+/change/$"))
        message = tab.locator(".messagelist").get_by_text("The new key is")
        raw = re.search(r"The new key is (\S+)", message.inner_text()).group(1)
        key = ApiKey.objects.get(partner__name="Riverside Surgery")
        assert key.matches(raw)
        expect(tab.locator("#keys-group")).to_contain_text(key.prefix)

        answer = tab.request.get("/api/v1/articles", headers={"Authorization": f"Bearer {raw}"})
        assert answer.status == 200 and answer.json()["items"][0]["slug"] == "living-with-a-port"
        tab.reload()
        assert raw not in tab.content()  # shown once
    finally:
        tab.context.close()
