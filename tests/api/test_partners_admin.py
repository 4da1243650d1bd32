"""Partners in the admin: a key is shown once when made, usage by day, deliveries listed."""

import pytest
from django.contrib.messages import get_messages

from articles.api.models import ApiKey, DailyUsage, Delivery, Partner, Webhook


@pytest.fixture
def admin_client(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "correct horse battery")
    client.force_login(boss)
    return client


def test_a_new_key_is_shown_once_and_stored_hashed(admin_client, partner):
    response = admin_client.post("/admin/syndication/apikey/add/", {
        "partner": partner.pk, "name": "app", "rate_limit": 50, "expires_at_0": "", "expires_at_1": "",
    })
    assert response.status_code == 302, response.content
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "The new key is" in str(m)]
    raw = message.split("The new key is ")[1].split(" ")[0]
    key = ApiKey.objects.get()
    assert key.matches(raw) and key.rate_limit == 50 and raw not in key.key_hash
    assert raw in admin_client.get(response["Location"]).content.decode()  # the page after saving shows it...
    page = admin_client.get(f"/admin/syndication/apikey/{key.pk}/change/").content.decode()
    assert raw not in page and key.prefix in page  # ...and no page after that
    assert admin_client.get("/api/v1/articles", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_revoking_from_the_list_stops_the_key(admin_client, api, key):
    made = ApiKey.objects.get()
    admin_client.post("/admin/syndication/apikey/", {"action": "revoke", "_selected_action": [made.pk]})
    assert api("/api/v1/articles").status_code == 403


def test_the_partner_page_shows_usage_by_day(admin_client, api, partner):
    for _ in range(3):
        api("/api/v1/articles")
    assert admin_client.get("/admin/syndication/partner/").status_code == 200
    page = admin_client.get(f"/admin/syndication/partner/{partner.pk}/change/").content.decode()
    day = DailyUsage.objects.get().day
    assert f"{day:%d %b}: 3 (0)" in page


def test_deliveries_are_listed_with_their_response_codes(admin_client, partner):
    hook = Webhook.objects.create(partner=partner, url="https://partner.example/hook")
    Delivery.objects.create(webhook=hook, event="updated", slug="some-article", payload={}, state="retrying",
                            last_status=503, attempts=2)
    page = admin_client.get("/admin/syndication/delivery/").content.decode()
    assert "some-article" in page and "503" in page


@pytest.mark.parametrize("role,allowed", [("editor", True), ("writer", False), ("reviewer", False)])
def test_editors_manage_partners_as_the_docs_say_and_other_roles_do_not(db, client, role, allowed, request):
    """The Editor group holds the API's permissions (migration syndication/0002): "Syndication API › Partners"."""
    client.force_login(request.getfixturevalue(role))
    assert client.get("/admin/syndication/").status_code == (200 if allowed else 404)
    response = client.post("/admin/syndication/partner/add/", {
        "name": "Riverside Pharmacy", "contact_email": "web@pharmacy.example", "is_active": "on", "notes": "",
        "keys-TOTAL_FORMS": 0, "keys-INITIAL_FORMS": 0, "webhooks-TOTAL_FORMS": 0, "webhooks-INITIAL_FORMS": 0,
    })
    assert response.status_code == (302 if allowed else 403)
    assert Partner.objects.filter(name="Riverside Pharmacy").exists() is allowed


def test_a_key_is_added_from_the_partners_page_and_shown_once_back_there(client, editor, partner):
    """The partner's page links to a new key for that partner; saving returns to it with the key, once."""
    client.force_login(editor)
    page = client.get(f"/admin/syndication/partner/{partner.pk}/change/").content.decode()
    add = f"/admin/syndication/apikey/add/?partner={partner.pk}"
    assert f'<a href="{add}" class="addlink">Add an API key for this partner</a>' in page
    form = client.get(add).content.decode()
    assert f'<option value="{partner.pk}" selected>Riverside Surgery</option>' in form
    response = client.post(add, {"partner": partner.pk, "name": "surgery website", "rate_limit": 100,
                                 "expires_at_0": "", "expires_at_1": ""})
    assert response.status_code == 302 and response["Location"] == f"/admin/syndication/partner/{partner.pk}/change/"
    shown = client.get(response["Location"]).content.decode()
    raw = shown.split("The new key is ")[1].split(" ")[0]
    key = ApiKey.objects.get(partner=partner)
    assert key.matches(raw) and key.name == "surgery website" and key.prefix in shown
    assert raw not in client.get(response["Location"]).content.decode()
    assert client.get("/api/v1/articles", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
