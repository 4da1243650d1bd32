"""The admin answers for a superuser, and its lists do not run a query per row."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _registered():
    return [model for model in admin.site._registry if model._meta.app_label in {"articles", "references"}]


@pytest.mark.parametrize("model", _registered(), ids=lambda m: m._meta.label)
def test_every_changelist_and_add_form_answers_200(admin_client, make, model):
    a = make.article(tags=["x"])
    make.review(a)
    make.cite(a)
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Read-only admins (the audit trail) refuse the add form even to superusers.
    assert add.status_code == (200 if admin.site._registry[model].has_add_permission(add.wsgi_request) else 403)
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


def test_article_changelist_query_count_does_not_grow_with_rows(admin_client, make, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    s = make.series()
    for i in range(3):
        make.series_entry(s, make.article(reviewed_by=make.reviewer()), i)
    url = reverse("admin:articles_article_changelist")
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for i in range(3, 30):
        make.series_entry(s, make.article(reviewed_by=make.reviewer()), i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200


def test_admin_requires_login(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_pages_name_the_sites_icon(admin_client):
    """Browsers ask every page for an icon; without a link they ask /favicon.ico, which is a 404."""
    from django.contrib.staticfiles import finders

    page = admin_client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert finders.find("favicon.svg")
