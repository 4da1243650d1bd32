"""One body size limit (settings.ARTICLE_BODY_MAX_BYTES) for the admin form and the importers."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.content.fields import validate_body_size
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def test_a_body_at_the_limit_is_accepted_and_one_byte_more_refused(settings):
    """Counted in UTF-8 bytes of the HTML: "é" is two."""
    settings.ARTICLE_BODY_MAX_BYTES = 10
    validate_body_size("é" * 5)
    with pytest.raises(ValidationError) as refused:
        validate_body_size("é" * 5 + "a")
    assert refused.value.messages == [
        "The body is 11\xa0bytes; the most an article can hold is 10\xa0bytes. Split it into several articles."
    ]


def test_the_admin_form_refuses_a_body_over_the_limit_and_keeps_the_article(admin_client, make, settings):
    settings.ARTICLE_BODY_MAX_BYTES = 1_000
    article = make.article(body="<p>Short.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**change_form_data(admin_client.get(url)), "body": "<p>" + "Words to read. " * 100 + "</p>"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors.values())
    assert "the most an article can hold is 1000\xa0bytes" in errors
    article.refresh_from_db()
    assert article.body == "<p>Short.</p>"


def test_the_default_limit_is_500_kb():
    """Well under the ~1 MB of distinct words at which PostgreSQL's search vector fails."""
    assert django_settings.ARTICLE_BODY_MAX_BYTES == 500_000
