"""The demo loader gives a real-looking site, and a second run adds nothing."""

import pytest
from django.core.management import call_command

from articles.models import Article, MedicalReview, RelatedLink, Reviewer, SeriesEntry
from references.models import Citation, Reference, Source

pytestmark = pytest.mark.django_db

MODELS = [Article, MedicalReview, RelatedLink, Reviewer, SeriesEntry, Citation, Reference, Source]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_load_demo_is_idempotent():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first


def test_load_demo_does_not_overwrite_an_editors_change():
    call_command("load_demo")
    article = Article.objects.published().first()
    article.title = "Edited by an editor"
    article.save()
    call_command("load_demo")
    article.refresh_from_db()
    assert article.title == "Edited by an editor"


def test_demo_site_has_the_series_a_draft_and_a_scheduled_article(client):
    call_command("load_demo")
    assert SeriesEntry.objects.filter(series__slug="breast-cancer-treatment-by-stage").count() == 5
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED).exclude(pk__in=Article.objects.published())
    assert scheduled.exists()
    assert client.get(scheduled.first().get_absolute_url()).status_code == 404
    assert client.get("/series/breast-cancer-treatment-by-stage/").status_code == 200
    for article in Article.objects.published():
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Medically reviewed by" in response.text
    home = client.get("/").text
    assert "Breast cancer treatment by stage" in home
