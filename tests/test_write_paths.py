"""Every write path against one promise: a page never shows content its "last reviewed" does not
cover without saying so, and writers cannot change what is live (docs/review-integrity.md).

Each test takes a published, medically reviewed article, changes it by one path, and checks the
invariant (:func:`assert_honest`): the content differs from what its latest review recorded
exactly when the page says "Updated …, after its last medical review", the review lists count it
as "changed since review", and the JSON-LD and sitemap give the same date as the page.
"""

import ast
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleEvent, MedicalReview, RelatedLink
from articles.reviews import queries, services
from articles.workflow import integrity, revisions
from articles.workflow import rules as workflow
from references.admin_paste import text_digest

from .admin_forms import change_form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def writer(make):
    return make.staff_in("Writer", username="writer")


@pytest.fixture
def editor(make):
    return make.staff_in("Editor", username="editor")


@pytest.fixture
def doctor(make):
    return make.staff_in("Medical reviewer", username="doctor")


@pytest.fixture
def live(make, writer, doctor):
    """A published article by the writer, citing two references, reviewed by the doctor."""
    article = make.article(
        title="Stage 3 treatment", slug="stage-3", author=writer,
        body="<h2>Surgery</h2><p>Most people have surgery [1].</p><h2>Radiotherapy</h2><p>Often after surgery [2].</p>",
    )
    make.cite(article, make.reference(title="Treating stage III", url="https://www.cancer.org/stage-3"), 1)
    make.cite(article, make.reference(title="Radiotherapy trial", url="https://example.org/trial"), 2)
    services.record_review(article, reviewer=doctor.reviewer_profile, by=doctor,
                               reviewed_on=timezone.localdate() - timezone.timedelta(days=30))
    article.refresh_from_db()
    assert_honest(article, changed=False)
    return article


def _json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {block["@type"]: block for block in map(json.loads, blocks)}


def _sitemap_lastmod(client, article):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    entries = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}
    return entries[f"http://testserver{article.get_absolute_url()}"]


def assert_honest(article, *, changed):
    """The invariant: page, review lists, JSON-LD and sitemap all tell the truth about the review."""
    client = Client()
    article = Article.objects.get(pk=article.pk)
    review = MedicalReview.objects.filter(article=article).order_by("-created_at", "-id").first()
    differs = integrity.stored_contents([article.pk])[article.pk] != review.reviewed_content
    assert differs is changed
    page = client.get(article.get_absolute_url()).text
    says = "after its last medical review on" in page
    listed = Article.objects.filter(queries.CHANGED_SINCE_REVIEW, pk=article.pk).exists()
    assert (says, listed) == (differs, differs)
    data = _json_ld(page)["MedicalWebPage"]
    assert data["lastReviewed"] == review.reviewed_on.isoformat()
    modified_day = data["dateModified"][:10]
    if differs:
        assert modified_day == timezone.localdate(article.content_changed_at).isoformat()
        assert f"Updated <time datetime=\"{modified_day}\"" in page
    assert modified_day >= data["lastReviewed"]
    assert _sitemap_lastmod(client, article)[:10] == modified_day


def _post_change_form(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.get(url)
    if response.status_code != 200:
        return response
    data = change_form_data(response)
    data.update(changes)
    return client.post(url, data)


# --- the admin form ----------------------------------------------------------------------------

def test_an_editors_form_save_of_live_text_shows_as_changed_since_review(client, editor, live):
    """The article form: the edit is live at once, and the page says it followed the review."""
    client.force_login(editor)
    assert _post_change_form(client, live, body=live.body.replace("Often after surgery", "Rarely")).status_code == 302
    assert_honest(live, changed=True)
    assert live.events.filter(kind=ArticleEvent.Kind.EDIT).exists()


def test_a_form_save_that_changes_no_reviewed_content_changes_nothing(client, editor, live):
    """Re-saving the form as it stands is no change since review."""
    client.force_login(editor)
    assert _post_change_form(client, live).status_code == 302
    assert_honest(live, changed=False)


def test_a_writer_cannot_open_or_post_the_form_of_a_live_article(client, writer, live):
    """Writers change only their own drafts: their published article's form refuses the change."""
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[live.pk])
    client.post(url, {"title": "Hijacked", "summary": "x", "body": "<p>x</p>", "seen_version": live.version})
    assert Article.objects.get(pk=live.pk).title == "Stage 3 treatment"
    assert_honest(live, changed=False)


# --- restoring a revision ----------------------------------------------------------------------

def _old_revision(client, editor, live):
    """An earlier revision without the radiotherapy section, then the current text after it."""
    client.force_login(editor)
    _post_change_form(client, live, body="<h2>Surgery</h2><p>Most people have surgery [1].</p>")
    old = revisions.revisions(live).first()
    _post_change_form(client, live, body=live.body)
    services.record_review(live, reviewer=live.reviews.first().reviewer, by=None)
    assert_honest(live, changed=False)
    return old


def test_restoring_onto_a_live_article_needs_the_editors_confirmation(client, editor, live):
    """Without the confirmation nothing is restored; the restore page asks for it."""
    old = _old_revision(client, editor, live)
    url = reverse("admin:articles_article_restore_revision", args=[live.pk, old.history_id])
    assert 'name="confirm_live"' in client.get(url).text
    client.post(url)
    assert "Radiotherapy" in Article.objects.get(pk=live.pk).body
    with pytest.raises(workflow.TransitionNotAllowed):
        revisions.restore_revision(live, old, editor)
    assert_honest(live, changed=False)


def test_a_confirmed_restore_goes_live_marked_changed_since_review_and_announced(client, editor, live):
    """The restored text is live, the page says so, and the audit trail names the editor."""
    old = _old_revision(client, editor, live)
    url = reverse("admin:articles_article_restore_revision", args=[live.pk, old.history_id])
    assert client.post(url, {"confirm_live": "yes"}).status_code == 302
    assert "Radiotherapy" not in Article.objects.get(pk=live.pk).body
    assert_honest(live, changed=True)
    event = live.events.filter(kind=ArticleEvent.Kind.EDIT).first()
    assert event.actor == editor and "onto the live article" in event.comment
    assert live.pk in services.confirmable(live.reviews.first().reviewer.user).values_list("pk", flat=True)


def test_a_restore_that_would_cite_a_missing_reference_is_refused_whole(client, editor, live):
    """An old revision citing [2] with only one citation left: refused, nothing changed."""
    client.force_login(editor)
    old = revisions.refresh_snapshot(live)  # a revision citing [1] and [2]
    _post_change_form(client, live, body="<h2>Surgery</h2><p>Most people have surgery [1].</p>")
    old.related["citations"] = old.related["citations"][:1]  # as if the second reference were gone
    before = Article.objects.get(pk=live.pk).body
    with pytest.raises(workflow.TransitionNotAllowed, match="cannot cite a missing reference"):
        revisions.restore_revision(live, old, editor, live_confirmed=True)
    assert Article.objects.get(pk=live.pk).body == before
    assert not live.events.filter(comment__startswith="Restored").exists()


def test_a_writer_cannot_restore_onto_a_live_article(client, writer, live):
    """Restore asks the same rule as every edit: a writer's published article is not theirs to change."""
    record = revisions.revisions(live).first()
    client.force_login(writer)
    url = reverse("admin:articles_article_restore_revision", args=[live.pk, record.history_id])
    assert client.post(url, {"confirm_live": "yes"}).status_code == 403
    with pytest.raises(PermissionDenied):
        revisions.restore_revision(live, record, writer, live_confirmed=True)


# --- bulk actions ------------------------------------------------------------------------------

def test_publishing_waits_for_a_review_of_text_changed_after_sign_off(client, make, editor, doctor, writer):
    """Approved, then edited: "Publish selected" refuses until a reviewer reviews the change."""
    article = make.article(status=Article.Status.IN_REVIEW, publish_at=None, author=writer)
    workflow.sign_off(article, doctor)
    make.edit(article)
    client.force_login(editor)
    client.post("/admin/articles/article/", {"action": "publish_selected", "_selected_action": [article.pk]})
    assert Article.objects.get(pk=article.pk).status == Article.Status.APPROVED
    assert "changed after its medical review" in " ".join(workflow.publish_blockers(article))


def test_bulk_status_actions_leave_the_content_and_its_review_alone(client, editor, live):
    """Unpublish and publish again: the content is what the review covered."""
    client.force_login(editor)
    for action in ("unpublish_selected", "publish_selected"):
        client.post("/admin/articles/article/", {"action": action, "_selected_action": [live.pk]})
    assert Article.objects.get(pk=live.pk).is_public()
    assert_honest(live, changed=False)


# --- the importers -----------------------------------------------------------------------------

def test_a_plain_text_reimport_that_changes_a_reviewed_page_shows_it(tmp_path):
    """import_articles: the review covers the page as first imported; changed text then shows."""
    call_command("import_articles", str(DATA / "import" / "stage-1.txt"), "--publish", stdout=io.StringIO())
    article = Article.objects.get()
    assert_honest(article, changed=False)
    edited = tmp_path / "stage-1.txt"
    edited.write_text((DATA / "import" / "stage-1.txt").read_text(encoding="utf-8").replace("small", "tiny"),
                      encoding="utf-8")
    call_command("import_articles", str(edited), stdout=io.StringIO())
    assert_honest(article, changed=True)


def test_a_wordpress_import_over_a_reviewed_article_never_hides_the_change(make, doctor):
    """import_wordpress onto a reviewed article with the same slug: whatever it writes, the page is honest."""
    article = make.article(slug="mammograms-explained", title="Mammograms", body="<p>Reviewed text.</p>")
    services.record_review(article, reviewer=doctor.reviewer_profile, by=doctor)
    call_command("import_wordpress", str(DATA / "wordpress" / "export.xml"), stdout=io.StringIO(), stderr=io.StringIO())
    changed = Article.objects.get(pk=article.pk).body != "<p>Reviewed text.</p>"
    assert_honest(article, changed=changed)


# --- the standalone related-link and reference admins -------------------------------------------

def test_a_writer_cannot_add_change_or_remove_related_links_of_a_live_article(client, make, writer, live):
    """/admin/articles/relatedlink/ asks the article's rule, not only the model permission."""
    other = make.article(title="Living with cancer")
    link = make.related(live, other, 1)
    client.force_login(writer)
    response = client.post("/admin/articles/relatedlink/add/", {"article": live.pk, "target": other.pk, "position": 2})
    assert response.status_code == 200 and "You may change the related links only" in response.text
    change = f"/admin/articles/relatedlink/{link.pk}/change/"
    client.post(change, {"article": live.pk, "target": other.pk, "position": 9})
    assert client.post(f"/admin/articles/relatedlink/{link.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post("/admin/articles/relatedlink/", {"action": "delete_selected", "_selected_action": [link.pk], "post": "yes"})
    assert list(RelatedLink.objects.values_list("position", flat=True)) == [1]


def test_an_editors_related_link_change_is_in_the_audit_trail(client, make, editor, live):
    """Each link added or removed in the standalone list leaves an audit entry naming the editor."""
    other = make.article(title="Living with cancer")
    client.force_login(editor)
    client.post("/admin/articles/relatedlink/add/", {"article": live.pk, "target": other.pk, "position": 1})
    link = RelatedLink.objects.get()
    client.post(f"/admin/articles/relatedlink/{link.pk}/delete/", {"post": "yes"})
    comments = list(live.events.filter(actor=editor).values_list("comment", flat=True))
    assert any("“Living with cancer” added" in c for c in comments)
    assert any("“Living with cancer” removed" in c for c in comments)


def _reference_form(client, reference, **changes):
    url = reverse("admin:references_reference_change", args=[reference.pk])
    data = {"source": reference.source_id or "", "title": reference.title, "more_titles": reference.more_titles,
            "url": reference.url, "doi": reference.doi, "pmid": reference.pmid, "accessed_on": "", **changes}
    return client.post(url, data)


def test_a_writer_cannot_rewrite_a_reference_cited_by_a_live_article(client, writer, live):
    """A shared reference cited past drafts is an editor's to change: the writer gets a 403."""
    reference = live.citations.get(position=1).reference
    client.force_login(writer)
    assert _reference_form(client, reference, url="https://evil.example/buy-now").status_code == 403
    reference.refresh_from_db()
    assert reference.url == "https://www.cancer.org/stage-3"
    assert_honest(live, changed=False)


def test_a_writer_may_still_fix_a_reference_only_their_draft_cites(client, make, writer):
    """The rule bites only where reviewed or live text cites the reference."""
    draft = make.article(status=Article.Status.DRAFT, publish_at=None, author=writer)
    reference = make.reference(title="Draft source", url="https://example.org/a")
    make.cite(draft, reference, 1)
    client.force_login(writer)
    assert _reference_form(client, reference, title="Draft source, corrected").status_code == 302


def test_an_editors_reference_change_marks_every_citing_live_article(client, make, editor, doctor, live):
    """One shared reference, two reviewed articles citing it: both show the change, both audit trails say so."""
    reference = live.citations.get(position=1).reference
    second = make.article(title="Stage 2 treatment", body="<p>Surgery first [1].</p>")
    make.cite(second, reference, 1)
    services.record_review(second, reviewer=doctor.reviewer_profile, by=doctor)
    client.force_login(editor)
    assert _reference_form(client, reference, title="Treating stage III breast cancer").status_code == 302
    for article in (live, second):
        assert_honest(article, changed=True)
        event = article.events.filter(kind=ArticleEvent.Kind.EDIT).get()
        assert event.actor == editor and "shared reference" in event.comment


def test_renaming_a_source_shows_on_the_articles_citing_it(make, live):
    """A source's name is part of the reference list readers see."""
    reference = live.citations.get(position=1).reference
    reference.source = make.source(name="ACS")
    reference.save()
    services.record_review(live, reviewer=live.reviews.first().reviewer, by=None)
    assert_honest(live, changed=False)
    source = reference.source
    source.name = "American Cancer Society"
    source.save()
    assert_honest(live, changed=True)


# --- QuerySet.update(), and a future path that forgets everything --------------------------------

def _update_calls():
    """Every ``.update(...)`` call with keywords in the app code: (file, line, keywords)."""
    for path in [*(ROOT / "articles").rglob("*.py"), *(ROOT / "references").rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                keywords = {k.arg for k in node.keywords if k.arg}
                if keywords:
                    yield path.relative_to(ROOT), node.lineno, keywords


def test_no_update_call_in_the_code_writes_reviewed_content():
    """QuerySet.update() skips the receivers: none of the code's calls writes a reviewed field."""
    reviewed = {*integrity.REVIEWED_FIELDS, "reference_id", "position", "url", "more_titles", "doi", "pmid", "name"}
    found = [(str(path), line, sorted(keys & reviewed)) for path, line, keys in _update_calls() if keys & reviewed]
    # Series positions and the link checker's columns are not reviewed content.
    allowed = {"articles/importing/apply.py", "articles/admin/ordering.py"}
    assert [f for f in found if f[0] not in allowed] == []
    assert list(_update_calls())  # the walk found the code's calls at all


def test_a_write_that_skips_every_receiver_still_shows_on_the_page(live):
    """A raw UPDATE of the body (a future path forgetting everything): the page computes the truth."""
    Article.objects.filter(pk=live.pk).update(body="<p>Unreviewed text.</p>")
    page = Client().get(live.get_absolute_url()).text
    assert "Unreviewed text." in page and "after its last medical review on" in page
    integrity.refresh([live.pk])  # what the lists read catches up with one call
    assert_honest(live, changed=True)


# --- reviews -----------------------------------------------------------------------------------

def test_a_reviewer_cannot_confirm_no_change_on_an_article_they_wrote(client, make, doctor):
    """/staff/reviews/<id>/confirm/ asks the rule sign-off asks: not your own article."""
    own = make.article(author=doctor, reviewed_by=doctor.reviewer_profile,
                       reviewed_on=timezone.localdate() - timezone.timedelta(days=400))
    assert not services.confirmable(doctor).filter(pk=own.pk).exists()
    client.force_login(doctor)
    client.post(reverse("staff:confirm_no_change", args=[own.pk]))
    assert own.reviews.count() == 1
    with pytest.raises(PermissionDenied, match="you wrote"):
        services.confirm_no_change(own.pk, user=doctor)


def test_a_review_added_with_an_edit_covers_the_edit_and_its_citations(client, make, superuser, doctor, live):
    """A review entered in the same admin save as new citations records the content as saved."""
    client.force_login(superuser)  # the reviews inline is a superuser's (no role may add reviews there)
    url = reverse("admin:articles_article_change", args=[live.pk])
    data = change_form_data(client.get(url))
    new_reference = make.reference(title="New guideline", url="https://example.org/guideline")
    data.update({
        "body": live.body + "<p>New guidance [3].</p>",
        "citations-TOTAL_FORMS": "3", "citations-2-reference": new_reference.pk, "citations-2-position": "3",
        "reviews-TOTAL_FORMS": str(int(data["reviews-TOTAL_FORMS"]) + 1),
    })
    n = int(data["reviews-TOTAL_FORMS"]) - 1
    data.update({f"reviews-{n}-reviewer": doctor.reviewer_profile.pk, f"reviews-{n}-reviewed_on": timezone.localdate(),
                 f"reviews-{n}-scope": "full", f"reviews-{n}-conflict_of_interest": "None declared"})
    assert client.post(url, data).status_code == 302
    assert live.citations.count() == 3
    assert_honest(live, changed=False)


def test_the_demo_content_is_reviewed_as_loaded(client):
    """load_demo: every published demo article's reviews cover its text and references."""
    call_command("load_demo", stdout=io.StringIO())
    assert not Article.objects.published().filter(queries.CHANGED_SINCE_REVIEW).exists()
    article = Article.objects.published().exclude(last_signed_off_at=None).first()
    assert "after its last medical review on" not in client.get(article.get_absolute_url()).text


def test_the_stored_fingerprint_matches_the_content_on_both_databases(live):
    """The fingerprint the lists compare is the page's own (same hash from stored rows and loaded page)."""
    page_article = Article.objects.detail(pk=live.pk)
    assert integrity.fingerprint(integrity.loaded_content(page_article)) == page_article.content_fingerprint
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_pasted_reference_list_on_a_live_article_shows_as_changed(client, editor, live):
    """"Paste a reference list…" adds citations: the page says so, and the audit trail names the editor."""
    text = "National Cancer Institute: “Breast Cancer Treatment (PDQ).” https://www.cancer.gov/pdq"
    client.force_login(editor)
    url = reverse("admin:articles_article_paste_references", args=[live.pk])
    response = client.post(url, {"text": text, "confirm": "1", "previewed": text_digest(text)})
    assert response.status_code == 302
    assert live.citations.count() == 3
    assert_honest(live, changed=True)
    assert live.events.get(kind=ArticleEvent.Kind.EDIT).actor == editor
