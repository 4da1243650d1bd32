"""import_wordpress on the older http:// namespace spelling: posts, tags, authors, statuses, skips, errors, streaming.

The current https:// export (as WordPress 6.x writes it) is in test_import_wordpress_current.py.
"""

import datetime
import io
import tracemalloc
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.importing.wordpress import WPAuthor, WPPost, WPSite, WXRError, autop, convert_content, read_wxr
from articles.models import Article

pytestmark = pytest.mark.django_db

WP = Path(__file__).parent / "data" / "wordpress"
EXPORT = WP / "export.xml"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_wordpress", *[str(a) for a in args], stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


@pytest.fixture
def existing_user(make):
    return make.user(username="existing")


@pytest.fixture
def imported(existing_user):
    out, err, error = run(EXPORT)
    assert error is None, err
    return out


def test_posts_become_articles_and_the_rest_is_skipped_with_counts(imported):
    """Five posts in, pages, attachments, trash and menu items skipped and counted."""
    assert Article.objects.count() == 5
    assert "posts: 5 created, 0 updated, 0 unchanged, 0 held back, 0 failed" in imported
    assert ("skipped: 1 attachment (media files are imported only with --uploads DIR), 1 nav_menu_item (menus are not imported), "
            "1 page (pages are imported only with --include-pages), 1 post (in the trash)") in imported
    assert not Article.objects.filter(title__in=["About Us", "Old Deleted Post", "Home"]).exists()


def test_published_post_keeps_slug_author_and_tags_and_waits_for_review(imported, existing_user):
    """Published in WordPress, a draft here until a medical review; the summary says so."""
    article = Article.objects.get(slug="mammograms-explained")
    assert article.title == "Mammograms Explained"
    assert article.status == Article.Status.DRAFT
    assert "post 10 “Mammograms Explained” → “mammograms-explained”" in imported.split("no medical review", 1)[1]
    assert article.author.username == "wordpress-jwriter"
    assert sorted(article.tags.names()) == ["Breast Health", "Screening"]
    assert article.summary == "A mammogram is an X-ray picture of the breast."


def test_content_is_given_paragraphs_and_sanitised(imported):
    """WordPress's bare text gets <p>s; scripts, handlers, javascript: links and <h1> do not survive."""
    body = Article.objects.get(slug="mammograms-explained").body
    assert body.startswith("<p>A mammogram is an X-ray picture of the breast.</p>")
    assert "You stand in front of the machine.<br>" in body
    assert "<script" not in body and "onclick" not in body and "javascript:" not in body
    assert "<h1>" not in body and "<h2>What happens</h2>" in body
    assert 'href="https://www.nhs.uk/"' in body


def test_statuses_map_to_draft_published_or_scheduled(make, existing_user):
    """draft and pending are drafts; with a recorded review, future is published with a future time (scheduled)."""
    make.reviewer(slug="dr-a")
    _, err, error = run(EXPORT, "--reviewed-by", "dr-a", "--reviewed-on", "2022-03-01")
    assert error is None, err
    draft = Article.objects.get(title="Diet & Exercise After Treatment")
    assert draft.status == Article.Status.DRAFT and draft.publish_at is None
    assert draft.slug == "diet-exercise-after-treatment"
    assert draft.summary == "Moving a little every day helps."
    assert "<!--" not in draft.body and draft.body == "<p>Gentle activity helps with tiredness.</p>"
    future = Article.objects.get(slug="clinical-trials")
    assert future.status == Article.Status.PUBLISHED and future.publish_at.year == 2099
    assert not future.is_public()
    pending = Article.objects.get(title="Awaiting an Editor")
    assert pending.status == Article.Status.DRAFT and pending.slug == "cafe-and-health"
    protected = Article.objects.get(slug="members-only")
    assert protected.status == Article.Status.DRAFT, "a password-protected post must not become public"


def test_authors_become_inactive_accounts_that_cannot_sign_in(imported, existing_user):
    """Even a live account with the same login is not used; each author is an inactive, non-staff placeholder."""
    assert Article.objects.get(title__startswith="Diet").author.username == "wordpress-existing"
    placeholder = get_user_model().objects.get(username="wordpress-jwriter")
    assert not placeholder.is_active and not placeholder.is_staff and not placeholder.has_usable_password()
    assert (placeholder.first_name, placeholder.last_name, placeholder.email) == ("Jane", "Writer", "jane@example.org")


def test_reimport_changes_nothing(imported):
    before = list(Article.objects.values_list("pk", "slug", "body", "status", "publish_at").order_by("pk"))
    out, _, error = run(EXPORT)
    assert error is None and "posts: 0 created, 0 updated, 5 unchanged" in out
    assert list(Article.objects.values_list("pk", "slug", "body", "status", "publish_at").order_by("pk")) == before
    assert get_user_model().objects.filter(username="wordpress-jwriter").count() == 1


def test_reimport_updates_in_place_and_keeps_editors_tags(imported, tmp_path):
    """A changed post updates the same article; tags an editor added since are kept."""
    article = Article.objects.get(slug="mammograms-explained")
    article.tags.add("Editor's pick")
    changed = tmp_path / "changed.xml"
    changed.write_text(EXPORT.read_text(encoding="utf-8").replace("X-ray picture", "low-dose X-ray"), encoding="utf-8")
    out, _, _ = run(changed)
    assert "1 updated" in out
    article.refresh_from_db()
    assert "low-dose X-ray" in article.body and "Editor's pick" in article.tags.names()
    assert Article.objects.count() == 5


def test_existing_published_article_is_not_unpublished(make, existing_user, tmp_path):
    make.article(slug="clinical-trials", title="Coming Soon: Clinical Trials", status="published")
    run(EXPORT)
    assert Article.objects.get(slug="clinical-trials").is_public()


def test_as_drafts_imports_everything_unpublished(existing_user):
    run("--as-drafts", EXPORT)
    assert not Article.objects.exclude(status="draft").exists()


def test_dry_run_writes_nothing(existing_user):
    out, _, error = run("--dry-run", EXPORT)
    assert error is None
    assert "post 10 “Mammograms Explained”: would be created" in out
    assert "Dry run, nothing written. It would have imported:\n  posts: 5 created" in out
    assert not Article.objects.exists()
    assert not get_user_model().objects.filter(username="wordpress-jwriter").exists()


def test_a_bad_post_is_reported_and_the_others_import():
    _, err, error = run(WP / "bad-post.xml")
    assert error is not None and "1 post(s)" in str(error)
    assert f"{WP / 'bad-post.xml'}:5: post 30 “A title far too long" in err
    assert "the title is longer than 200 characters" in err
    assert list(Article.objects.values_list("slug", flat=True)) == ["named-post"]


def test_truncated_file_reports_the_line_and_imports_nothing():
    """XML that breaks off is reported with its line; a file is all or nothing, so the post before it is rolled back."""
    _, err, error = run(WP / "truncated.xml")
    assert error is not None
    assert f"{WP / 'truncated.xml'}:14: The file breaks off before its end" in err
    assert "1 item(s) read before the break were rolled back" in err
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [("bomb.xml", "refused for safety"), ("not-wxr.xml", "not a WordPress export"), ("missing.xml", "cannot read")],
)
def test_unreadable_files_are_refused_with_a_reason(name, reason):
    _, err, error = run(WP / name)
    assert error is not None and reason in err
    assert not Article.objects.exists()


def test_autop_wraps_bare_text_and_keeps_block_html():
    assert autop("One\ntwo\n\n<h2>Head</h2>\n\nThree") == "<p>One<br>\ntwo</p>\n<h2>Head</h2>\n<p>Three</p>"


def test_reader_streams_without_holding_the_whole_export(tmp_path):
    """A ~12 MB export is read with a small, bounded amount of memory."""
    path = tmp_path / "big.xml"
    paragraph = "Lorem ipsum dolor sit amet. " * 400  # ~11 KB a post
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>')
        for n in range(1100):
            out.write(f"<item><title>Post {n}</title><content:encoded><![CDATA[{paragraph}]]></content:encoded>"
                      f"<wp:post_id>{n}</wp:post_id><wp:post_type>post</wp:post_type></item>")
        out.write("</channel></rss>")
    assert path.stat().st_size > 12_000_000
    tracemalloc.start()
    try:
        count = sum(1 for item in read_wxr(str(path)) if isinstance(item, WPPost))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1100
    assert peak < 3_000_000, f"peak {peak} bytes: the reader is keeping posts in memory"


def test_reader_refuses_entities_before_expanding_them():
    with pytest.raises(WXRError, match="refused for safety"):
        list(read_wxr(str(WP / "bomb.xml")))


def test_draft_without_gmt_date_uses_the_local_date():
    posts = [item for item in read_wxr(str(EXPORT)) if isinstance(item, WPPost)]
    diet = next(p for p in posts if p.post_id == "11")
    assert diet.date == timezone.make_aware(datetime.datetime(2022, 3, 1, 9, 0))


def test_autop_puts_text_after_a_heading_in_its_own_paragraph():
    assert autop("<h1>Head</h1>\nText after.\n<!-- wp:x -->") == "<h2>Head</h2>\n<p>Text after.</p>"


def test_autop_leaves_an_unclosed_block_to_the_sanitiser():
    assert autop("Intro <div>never closed") == "<p>Intro</p>\n<div>never closed"


def test_media_shortcodes_go_with_a_warning_but_citation_markers_stay():
    text = '[caption id="a1" align="alignleft"]A machine[/caption]\n\nSee the study [1].\n\n[gallery ids="1,2"]'
    content = convert_content(text)
    assert content.html == "<p>A machine</p>\n<p>See the study [1].</p>"
    assert content.warnings == ["[gallery] removed (media and embeds are not imported)"]
    assert content.missing_images == 1


def test_each_post_knows_the_line_it_starts_on():
    posts = [item for item in read_wxr(str(EXPORT)) if isinstance(item, WPPost)]
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    assert [lines[p.line - 1].strip() for p in posts] == ["<item>"] * len(posts)
    assert posts[0].line == 24


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: f'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>{t}'.encode()),
    st.lists(st.sampled_from([
        "<item>", "</item>", "<title>T</title>", "<wp:post_type>post</wp:post_type>", "<wp:post_id>1</wp:post_id>",
        "<wp:post_date_gmt>2022-13-45 99:00:00</wp:post_date_gmt>", "<pubDate>not a date</pubDate>", "<![CDATA[x",
        "]]>", "&amp;", "&nbsp;", "<category domain='post_tag'>Tag</category>", "</channel>", "</rss>",
    ]), max_size=20).map(lambda parts: ('<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>' + "".join(parts)).encode()),
))
def test_any_bytes_give_posts_or_a_wxr_error(data):
    """Whatever the file holds, the reader yields items or raises WXRError, never anything else."""
    try:
        for item in read_wxr(io.BytesIO(data)):
            assert isinstance(item, WPPost | WPAuthor | WPSite)
    except WXRError as error:
        assert error.message


def test_elements_outside_the_channel_are_ignored():
    """Found by the property test: a sibling of <channel> with children must not break the reader."""
    data = b'<rss><channel><item><title>In</title><wp:post_id xmlns:wp="http://wordpress.org/export/1.2/">1</wp:post_id></item></channel><x><item><title>Out</title></item></x></rss>'
    assert [item.title for item in read_wxr(io.BytesIO(data))] == ["In"]


def test_a_tag_without_a_letter_or_number_is_left_out_and_said(existing_user, tmp_path):
    """Its page would have no address; the rest of the post's tags are kept."""
    odd = tmp_path / "odd-tags.xml"
    odd.write_text(
        EXPORT.read_text(encoding="utf-8").replace(
            "<![CDATA[Screening]]></category>",
            "<![CDATA[Screening]]></category><category domain=\"post_tag\" nicename=\"x\"><![CDATA[???]]></category>",
            1,
        ),
        encoding="utf-8",
    )
    out, err, error = run(odd)
    assert error is None, err
    assert sorted(Article.objects.get(slug="mammograms-explained").tags.names()) == ["Breast Health", "Screening"]
    assert "tags left out (no letter or number): ???" in out


def test_content_outside_the_channel_is_not_kept_in_memory(tmp_path):
    """Found by the red-team pass (31 MB used 265 MB): what follows </channel> is dropped as it is read."""
    path = tmp_path / "outside.xml"
    filler = "<p>" + "outside the channel " * 500 + "</p>"
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?><rss xmlns:wp="https://wordpress.org/export/1.2/"><channel>'
                  "<item><title>Only</title><wp:post_id>1</wp:post_id></item></channel>")
        for _ in range(1200):
            out.write(f"<extra><entry>{filler}</entry><entry>{filler}</entry></extra>")
        out.write("</rss>")
    assert path.stat().st_size > 20_000_000
    tracemalloc.start()
    try:
        titles = [item.title for item in read_wxr(str(path)) if isinstance(item, WPPost)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert titles == ["Only"]
    assert peak < 3_000_000, f"peak {peak} bytes: elements outside <channel> are being kept"
