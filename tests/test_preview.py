"""Staff preview: the public template, a visible banner, never cached, closed to anonymous readers."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.workflow import revisions

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client, make):
    article = make.article(status=Article.Status.DRAFT)
    response = client.get(reverse("articles:preview", args=[article.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_staff_see_a_draft_as_readers_will_with_a_banner(admin_client, make):
    article = make.article(status=Article.Status.DRAFT, title="Coping with scanxiety")
    make.cite(article, make.reference(title="A trial of mindfulness"))
    response = admin_client.get(reverse("articles:preview", args=[article.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="preview-banner"' in page and "Preview" in page
    assert "Coping with scanxiety" in page and "A trial of mindfulness" in page
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_preview_of_a_public_article_is_its_page_with_the_banner(admin_client, client, make):
    article = make.article(title="Coping with scanxiety", tags=["anxiety"])
    make.review(article)
    make.cite(article, make.reference(title="A trial of mindfulness"))

    def main(html):
        return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]

    public = main(client.get(article.get_absolute_url()).content.decode())
    preview = main(admin_client.get(reverse("articles:preview", args=[article.pk])).content.decode())
    banner = preview[preview.index('<div class="preview-banner"'):preview.index("</div>") + len("</div>")]
    assert "Readers see this page now" in banner
    assert preview.replace(banner, "", 1).replace("\n", "") == public.replace("\n", "")


def test_public_page_has_no_banner(client, make):
    article = make.article()
    assert "preview-banner" not in client.get(article.get_absolute_url()).content.decode()


def test_preview_of_a_revision_shows_its_content_and_citations(admin_client, make):
    article = make.article(title="Old title", tags=["old-tag"])
    make.cite(article, make.reference(title="Old reference"))
    revisions.refresh_snapshot(article)
    old = revisions.revisions(article).first()
    fresh = Article.objects.get(pk=article.pk)
    fresh.title = "New title"
    fresh.save()
    fresh.citations.all().delete()
    revisions.refresh_snapshot(fresh)
    page = admin_client.get(reverse("articles:preview_revision", args=[article.pk, old.history_id])).content.decode()
    assert "Old title" in page and "Old reference" in page and "old-tag" in page
    assert "New title" not in page


def test_staff_without_article_permission_are_refused(client, make):
    nobody = make.user()
    client.force_login(nobody)
    assert client.get(reverse("articles:preview", args=[make.article().pk])).status_code == 403


def test_preview_of_missing_article_or_revision_is_404(admin_client, make):
    article = make.article()
    assert admin_client.get(reverse("articles:preview", args=[999999])).status_code == 404
    assert admin_client.get(reverse("articles:preview_revision", args=[article.pk, 999999])).status_code == 404


def test_preview_of_a_draft_in_a_series_places_it_among_published_parts(admin_client, make):
    series = make.series(title="Treatment by stage")
    make.series_entry(series, make.article(), 1)
    draft = make.article(status=Article.Status.DRAFT)
    make.series_entry(series, draft, 2, label="Stage 2")
    page = admin_client.get(reverse("articles:preview", args=[draft.pk])).content.decode()
    assert "Part 2 of 2" in page
