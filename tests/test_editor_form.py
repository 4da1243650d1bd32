"""The article change form as a writing tool: bounded queries, endpoints, autosave, presence, unsaved preview."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, AutosavedDraft
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

FORM_QUERIES = 15


def _article_holding(make, count):
    article = make.article(title="Stage 4 treatment", body="<p>Text [1].</p>")
    for i in range(count):
        make.cite(article, make.reference(title=f"Reference {i}"))
        make.related(article, make.article(title=f"Target {i}", status=Article.Status.PUBLISHED), i + 1)
        make.review(article)
    return article


@pytest.fixture
def editor_client(client, make):
    client.force_login(make.staff_in("Editor", username="eddie", first_name="Eddie", last_name="Ng"))
    return client


@pytest.mark.parametrize("count", [1, 30])
def test_change_form_reads_a_fixed_number_of_queries(editor_client, make, django_assert_max_num_queries, count):
    """Opening an article with 1 or 30 citations, related links and reviews takes at most 15 queries."""
    article = _article_holding(make, count)
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor_client.get(url)  # content types, as every running server has them, read once
    with django_assert_max_num_queries(FORM_QUERIES):
        response = editor_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="sortable-handle"') == 0  # drawn by the script, not the server
    assert f"Reference {count - 1}" in response.content.decode()
