"""The demo loader gives a real-looking site from its plain-text pages, through the importer, and a second run adds nothing."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.demo import content
from articles.importing.plaintext import parse_page
from articles.models import Article, ArticleEvent, MedicalReview, RelatedLink, Reviewer, SeriesEntry
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


def test_the_demo_has_readers_feedback_and_with_its_accounts_a_public_correction(settings, client):
    """The inbox, the helpful share and /corrections/ are not empty on a newcomer's first `make run`; once only."""
    from articles.feedback.models import Feedback

    settings.DEBUG = True  # the demo accounts, the editor among them, exist only then
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    fatigue = Article.objects.get(slug="managing-fatigue-during-cancer-treatment")
    assert Feedback.objects.filter(article=fatigue, helpful=True).count() == 14
    assert Feedback.objects.reports().count() == 3
    answered = Feedback.objects.get(article=fatigue, reason="medical")
    assert answered.state == Feedback.State.ACTIONED and answered.correction.comment.startswith("We made clear")
    assert answered.section == "Stay active"
    settings.DEBUG = False
    page = client.get("/corrections/").content.decode()
    assert fatigue.title in page and "We made clear that activity can start" in page
    assert ArticleEvent.objects.filter(article=fatigue, kind=answered.correction.kind).count() == 1


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


def test_the_demo_pages_go_through_the_importer():
    """Each article is the importer's: its audit trail names the demo page, and publishing was the workflow's."""
    call_command("load_demo", stdout=io.StringIO())
    for article in Article.objects.all():
        notes = ArticleEvent.objects.filter(article=article, kind=ArticleEvent.Kind.NOTE)
        assert notes.filter(comment=f"Imported from demo page {article.slug}.txt").exists()
    for article in Article.objects.filter(status=Article.Status.PUBLISHED):
        assert ArticleEvent.objects.filter(article=article, kind=ArticleEvent.Kind.TRANSITION, to_status="published").exists()


def test_the_demo_holds_what_its_pages_say():
    """The series in stage order, citation numbers, reviews with notes, tags, related links in order, publish times."""
    call_command("load_demo", stdout=io.StringIO())
    entries = SeriesEntry.objects.filter(series__slug="breast-cancer-treatment-by-stage").order_by("position")
    assert [(e.position, e.label, e.article.slug) for e in entries] == [
        (n, f"Stage {n}", f"stage-{n}-breast-cancer-treatment-options") for n in range(5)
    ]
    stage_0 = Article.objects.get(slug="stage-0-breast-cancer-treatment-options")
    assert [(c.position, c.reference.title) for c in stage_0.citations.order_by("position")][3] == (4, "Lumpectomy")
    assert stage_0.citations.get(position=4).reference.more_titles == "Mastectomy"
    assert [(r.reviewer.slug, str(r.reviewed_on)) for r in stage_0.reviews.order_by("reviewed_on")] == [
        ("lucia-moreno", "2025-10-16"), ("david-okafor", "2026-09-22"),
    ]
    assert stage_0.reviews.get(reviewer__slug="lucia-moreno").notes.startswith("Full review before publication.")
    assert sorted(stage_0.tags.names()) == ["breast cancer", "hormone therapy", "radiation therapy", "surgery", "treatment"]
    assert list(stage_0.related_links.order_by("position").values_list("target__slug", flat=True)) == [
        "stage-1-breast-cancer-treatment-options", "symptoms-of-breast-cancer-recurrence-and-outlook",
    ]
    assert abs((timezone.now() - stage_0.publish_at) - datetime.timedelta(days=400)) < datetime.timedelta(hours=1)
    siegel = Reference.objects.get(title="Cancer statistics, 2022")
    assert (siegel.doi, siegel.pmid, str(siegel.source)) == ("10.3322/caac.21708", "35020204", "CA: A Cancer Journal for Clinicians")
    assert Source.objects.get(name="NHS").website == "https://www.nhs.uk/"
    draft = Article.objects.get(slug="genetic-testing-for-breast-cancer-risk-brca1-and-brca2")
    assert draft.status == Article.Status.DRAFT and draft.publish_at is None and draft.citations.count() == 4


@pytest.mark.parametrize("path", content.page_files(), ids=lambda path: path.name)
def test_every_demo_page_reads_and_is_named_after_its_slug(path):
    page = parse_page(path.read_text(encoding="utf-8"))
    assert page.fields.slug == path.stem
    assert page.fields.status in {"draft", "published"}


def test_a_broken_demo_page_stops_load_demo_with_its_file_and_line_and_writes_nothing(tmp_path, monkeypatch):
    for path in content.page_files()[:2]:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zz-broken.txt").write_text("---\nSlug: broken\nStatus: live\n---\nBroken\n\nText.\n", encoding="utf-8")
    monkeypatch.setattr(content, "PAGES_DIR", tmp_path)
    with pytest.raises(CommandError, match=r"zz-broken\.txt:3: The status \"live\""):
        call_command("load_demo", stdout=io.StringIO())
    assert not Article.objects.exists() and not Reviewer.objects.exists()
