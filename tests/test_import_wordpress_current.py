"""import_wordpress on an export as WordPress 6.x writes it (https namespaces, block markup, media, menus, pages)."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.importing.slugs import admin_slug
from articles.importing.wordpress import WPPost, WXRError, read_wxr
from articles.models import Article, ArticleEvent, ImportedPost
from articles.workflow import integrity
from tests.test_import_wordpress import WP, run

pytestmark = pytest.mark.django_db

CURRENT = WP / "current-export.xml"
SITE = "https://health.example.org"
WORDPRESS_PUBLISHED = {1201, 1202, 1203, 1209, 1210, 1211, 1213}  # publish or future, titled, no password


def article_for(post_id):
    return ImportedPost.objects.select_related("article").get(site=SITE, post_id=post_id).article


def edited(tmp_path, *replacements, name="edited.xml", source=CURRENT):
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def imported():
    out, err, error = run(CURRENT)
    assert error is None, err
    return out, err


@pytest.fixture
def lucia(make):
    """The medical reviewer named on the command line (a profile, not an account)."""
    return make.reviewer(name="Dr. Lucia Moreno", slug="lucia-moreno")


def reviewed_run(*extra):
    return run(CURRENT, "--reviewed-by", "lucia-moreno", "--reviewed-on", "2024-01-05", *extra)


def test_posts_are_imported_and_everything_else_skipped_per_type_with_exit_0(imported):
    """Twelve posts; attachments, menu items, pages, blocks, templates, a custom type and the trash are skipped, not failed."""
    out, _ = imported
    assert "posts: 12 created, 0 updated, 0 unchanged, 0 held back, 0 failed" in out
    for skipped in ["2 attachment (media files are imported only with --uploads DIR)", "3 nav_menu_item (menus are not imported)",
                    "3 page (pages are imported only with --include-pages)", "1 post (in the trash)",
                    "1 product (not a post", "1 wp_block (reusable blocks", "1 wp_navigation (navigation menus",
                    "1 wp_template (theme templates"]:
        assert skipped in out
    assert Article.objects.count() == 12
    assert not Article.objects.filter(title__in=["About Our Nurses", "Mammogram Machine", "Donate", "Old Clinic Hours"])


def test_a_second_run_of_the_same_file_changes_nothing(imported):
    before = list(Article.objects.order_by("pk").values_list("pk", "slug", "title", "body", "status", "version"))
    out, _, error = run(CURRENT)
    assert error is None and "posts: 0 created, 0 updated, 12 unchanged" in out
    assert list(Article.objects.order_by("pk").values_list("pk", "slug", "title", "body", "status", "version")) == before


def test_two_posts_with_one_title_are_two_articles(imported):
    """Identity is the post id within the site, never the title."""
    first, second = article_for(1209), article_for(1210)
    assert first.pk != second.pk and first.title == second.title == "Huatulco Coastline"
    assert (first.slug, second.slug) == ("huatulco-coastline", "huatulco-coastline-2")
    assert "first post" in first.body and "second post" in second.body


def test_a_retitled_post_updates_its_own_article(imported, tmp_path):
    """Matched by id: a new title and slug in WordPress update the same draft, not a new article."""
    changed = edited(tmp_path, ("<![CDATA[Sleep and Cancer]]>", "<![CDATA[Sleeping Well During Treatment]]>"))
    out, _, error = run(changed)
    assert error is None and "posts: 0 created, 1 updated, 11 unchanged" in out
    assert article_for(1205).title == "Sleeping Well During Treatment"
    assert Article.objects.count() == 12


def test_the_same_post_id_from_another_site_is_another_article(imported, tmp_path):
    other = edited(tmp_path, (f"<wp:base_site_url>{SITE}</wp:base_site_url>",
                              "<wp:base_site_url>https://other.example.org</wp:base_site_url>"))
    out, _, error = run(other)
    assert error is None and "12 created" in out
    assert Article.objects.count() == 24


def test_published_posts_stay_drafts_without_a_medical_review_and_the_summary_names_them(imported):
    out, _ = imported
    assert not Article.objects.exclude(status=Article.Status.DRAFT).exists()
    assert "no medical review: 7 (an article is published only after a medical review" in out
    listed = out.split("no medical review: 7", 1)[1].split("\n  ", 1)[1]
    for post_id in WORDPRESS_PUBLISHED:
        assert f"post {post_id} " in out.split("no medical review", 1)[1]
    assert "post 1204 " not in listed and "post 1205 " not in listed  # drafts in WordPress too: nothing to say


@pytest.mark.parametrize(
    ("post_id", "reason"),
    [(1206, "private in WordPress"), (1207, "password-protected in WordPress"), (1208, "it has no title in WordPress")],
)
def test_posts_that_were_never_public_stay_drafts_and_say_why(imported, post_id, reason):
    out, _ = imported
    assert article_for(post_id).status == Article.Status.DRAFT
    section = out.split(f"{reason}: 1", 1)[1]
    assert f"post {post_id} " in section.split("\n  ", 2)[1]


def test_reviewed_by_records_the_review_and_publishes_at_the_original_date(lucia):
    """The operator's recorded review is the review source; publishing goes through the workflow's blockers."""
    out, err, error = reviewed_run()
    assert error is None, err
    active = article_for(1202)
    assert active.status == Article.Status.PUBLISHED and active.is_public()
    assert active.publish_at == datetime.datetime(2023, 5, 2, 7, 0, tzinfo=datetime.UTC)
    review = active.reviews.get()
    assert (review.reviewer, review.reviewed_on) == (lucia, datetime.date(2024, 1, 5))
    assert "Recorded at import" in review.notes
    event = active.events.filter(kind=ArticleEvent.Kind.TRANSITION).get()
    assert (event.from_status, event.to_status, event.actor) == ("draft", "published", None)
    scheduled = article_for(1203)
    assert scheduled.status == Article.Status.PUBLISHED and not scheduled.is_public()
    assert scheduled.publish_at.year == 2031


def test_reviewed_by_never_publishes_what_the_workflow_blocks(lucia):
    """A body citing [1] with no reference list stays a draft, with the workflow's reason; private posts stay private."""
    out, _, _ = reviewed_run()
    mammograms = article_for(1201)
    assert mammograms.status == Article.Status.DRAFT
    assert "Citation problem" in out and "post 1201 " in out.split("Citation problem", 1)[1]
    for post_id in (1204, 1205, 1206, 1207, 1208):
        assert article_for(post_id).status == Article.Status.DRAFT
        assert not article_for(post_id).reviews.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reviewed-by", "lucia-moreno"], "go together"),
        (["--reviewed-by", "Dr. Nobody", "--reviewed-on", "2024-01-05"], "No active medical reviewer"),
        (["--reviewed-by", "lucia-moreno", "--reviewed-on", "yesterday-ish"], "is not a date"),
        (["--reviewed-by", "lucia-moreno", "--reviewed-on", "2999-01-01"], "in the future"),
    ],
)
def test_reviewed_by_refuses_a_bad_reviewer_or_date_before_writing_anything(lucia, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_wordpress", str(CURRENT), *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Article.objects.exists()


def test_a_slug_taken_by_a_native_article_never_overwrites_it(make, lucia):
    """The reviewed, published native article keeps its text and status; the post gets a distinct address."""
    native = make.article(slug="mammograms-what-to-expect", title="Mammograms", body="<p>Reviewed text.</p>")
    make.review(native, reviewer_=lucia)
    draft = make.article(slug="staying-active-during-chemotherapy", status=Article.Status.DRAFT, body="<p>Mine.</p>")
    out, _, error = reviewed_run()
    assert error is None
    native.refresh_from_db()
    draft.refresh_from_db()
    assert (native.title, native.body, native.status) == ("Mammograms", "<p>Reviewed text.</p>", "published")
    assert (draft.body, draft.status) == ("<p>Mine.</p>", "draft")
    assert article_for(1201).slug == "mammograms-what-to-expect-2"
    assert "the address “mammograms-what-to-expect” belongs to another article: imported as “mammograms-what-to-expect-2”" in out
    assert article_for(1202).slug == "staying-active-during-chemotherapy-2"


def test_a_change_to_a_published_reviewed_article_is_held_back_by_default(lucia, tmp_path):
    """Live reviewed text is never changed by a re-import unless asked; the summary says what was not applied."""
    reviewed_run()
    live = article_for(1202)
    body = live.body
    changed = edited(tmp_path, ("Start small and build up slowly.", "Start with five minutes."))
    out, _, error = run(changed)
    assert error is None
    live.refresh_from_db()
    assert live.body == body and not integrity.changed_since_review_now(live.pk)
    assert "posts: 0 created, 0 updated, 11 unchanged, 1 held back" in out
    assert "Changed in WordPress, not applied here:" in out and "--update-reviewed" in out


def test_update_reviewed_applies_the_change_marked_changed_since_review(lucia, tmp_path):
    reviewed_run()
    changed = edited(tmp_path, ("Start small and build up slowly.", "Start with five minutes."))
    out, _, error = run(changed, "--update-reviewed")
    assert error is None and "1 updated" in out
    live = article_for(1202)
    assert "Start with five minutes." in live.body
    assert live.content_changed_at > live.last_signed_off_at, "the review cycle must show it changed since review"
    assert live.events.filter(kind=ArticleEvent.Kind.EDIT).exists()
    assert "marked “changed since review”" in out


def test_a_draft_edited_here_since_import_is_not_overwritten(imported, tmp_path):
    article = article_for(1205)
    article.body = "<p>Our nurse's rewrite.</p>"
    article.save()
    changed = edited(tmp_path, ("Many people sleep badly", "Most people sleep badly"))
    out, _, error = run(changed)
    assert error is None
    article.refresh_from_db()
    assert article.body == "<p>Our nurse's rewrite.</p>"
    assert "edited here since it was imported" in out


def test_untitled_post_gets_a_title_naming_its_id_and_stays_a_draft(imported):
    article = article_for(1208)
    assert article.title == "Untitled (WordPress post 1208)"
    assert article.status == Article.Status.DRAFT


def test_non_latin_titles_get_the_slug_the_admin_would_give():
    out, err, error = run(CURRENT, "--include-pages")
    assert error is None, err
    assert article_for(1213).slug == "rak-molochnoj-zhelezy"
    assert article_for(1402).slug == "epipedo-3"
    assert article_for(1403).slug == "wordpress-1403"  # nothing of 乳腺癌 is left by the admin's rule either
    assert "pages: 3 created" in out


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Επίπεδο 3", "epipedo-3"), ("Ménière’s disease", "menieres-disease"), ("Straße 5", "strasse-5"),
     ("Zażółć gęślą jaźń", "zazolc-gesla-jazn"), ("乳腺癌", ""), ("  Hello -- World! ", "hello-world")],
)
def test_admin_slug_transliterates_like_the_admins_urlify(text, slug):
    assert admin_slug(text) == slug


def test_block_editor_markup_is_kept_without_its_comments(imported):
    body = article_for(1202).body
    assert "<!--" not in body and "wp:" not in body
    assert "<h2>How much is enough?</h2>" in body
    assert "<li>Walk for 10 minutes a day.</li>" in body and "<li>Rest when you need to.</li>" in body
    assert "<p>A short walk counts.</p>" in body  # the image's caption, kept
    assert "<th>Week</th>" in body
    assert "youtube" not in body and "<img" not in body


def test_caption_keeps_its_text_and_more_is_dropped(imported):
    body = article_for(1201).body
    assert "<p>A radiographer positions the breast on the plate.</p>" in body
    assert "[caption" not in body and "more" not in body.lower().replace("more than", "")
    assert body.startswith("<p>A mammogram is an X-ray picture of the breast.")


def test_media_and_unknown_shortcodes_are_removed_with_a_warning_naming_the_post(imported):
    _, err = imported
    body = article_for(1211).body
    assert "[" not in body.replace("[sic]", "")
    assert "Breathe in for four counts, out for six [sic]." in body
    for shortcode in ["[audio]", "[gallery]", "[embed]", "unknown shortcode [contact-form-7]"]:
        assert f"warning: post 1211 “Relaxation Exercises”: {shortcode}" in err
    assert "warning: post 1202 “Staying Active During Chemotherapy”: embed block removed" in err
    assert "warning: post 1201 “Mammograms: What to Expect”: 1 image(s) not imported" in err
    assert "warning: post 1201 “Mammograms: What to Expect”: featured image not imported" in err


def test_excerpt_is_the_summary_else_the_first_sentences(imported):
    assert article_for(1201).summary == "What happens before, during and after a screening mammogram."
    assert article_for(1202).summary == (
        "Gentle exercise can ease tiredness during chemotherapy. Start small and build up slowly."
    )


def test_categories_and_tags_become_tags_by_their_own_name(imported):
    """A child category ("Screening" under "Breast cancer") is its own tag; Uncategorized is dropped."""
    assert sorted(article_for(1201).tags.names(), key=str.casefold) == ["Breast cancer", "mammogram", "Screening", "X-ray"]
    assert list(article_for(1204).tags.names()) == []


def test_a_tag_over_100_characters_is_reported_not_truncated(imported):
    out, _ = imported
    assert "tags longer than 100 characters left out: A very long tag name" in out
    assert sorted(article_for(1211).tags.names(), key=str.casefold) == ["anxiety", "Wellbeing"]


def test_authors_become_inactive_named_accounts_never_a_live_login(make, imported):
    """A live account with the WordPress login is not used: the import would make it the posts' writer."""
    placeholder = article_for(1202).author
    assert placeholder.username == "wordpress-nurse.jo" and placeholder.get_full_name() == "Jo Okafor RN"
    assert not placeholder.is_active and not placeholder.is_staff and not placeholder.has_usable_password()
    assert article_for(1201).author.get_full_name() == "Sam Patel"


def test_a_live_account_with_the_same_login_is_left_alone(make):
    live = make.user(username="clinicaleditor")
    run(CURRENT)
    assert article_for(1201).author != live
    assert not Article.objects.filter(author=live).exists()


def test_an_invalid_date_is_reported_and_never_published_as_now(lucia, tmp_path):
    broken = edited(tmp_path, ("<wp:post_date_gmt><![CDATA[2023-05-02 07:00:00]]>",
                               "<wp:post_date_gmt><![CDATA[2023-02-30 07:00:00]]>"))
    out, _, error = run(broken, "--reviewed-by", "lucia-moreno", "--reviewed-on", "2024-01-05")
    assert error is None
    article = article_for(1202)
    assert article.status == Article.Status.DRAFT and article.publish_at is None
    assert "its date “2023-02-30 07:00:00” is not a date: 1" in out


def test_a_body_over_the_limit_fails_that_post_only(settings, tmp_path):
    settings.ARTICLE_BODY_MAX_BYTES = 2_000
    big = edited(tmp_path, ("Try these exercises when you feel anxious.", "Breathe slowly. " * 200))
    out, err, error = run(big)
    assert error is not None and "1 post(s)" in str(error)
    assert "post 1211 “Relaxation Exercises”: the article would not be valid (body: The body is" in err
    assert "the most an article can hold is 2.0\xa0KB" in err
    assert "posts: 11 created, 0 updated, 0 unchanged, 0 held back, 1 failed" in out
    assert not Article.objects.filter(title="Relaxation Exercises").exists()


def test_a_truncated_export_imports_nothing_and_says_what_was_read(tmp_path):
    """A file is all or nothing: the posts before the break are rolled back, and the report says so."""
    text = CURRENT.read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<title><![CDATA[Relaxation Exercises]]>")], encoding="utf-8")
    out, err, error = run(cut)
    assert error is not None and "1 file(s)" in str(error)
    assert "breaks off before its end" in err
    assert "nothing from this file was written" in err and "10 item(s) read before the break were rolled back" in err
    assert not Article.objects.exists() and not ImportedPost.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="wordpress-").exists()
    assert "posts: 0 created" in out


def test_dry_run_reports_and_writes_nothing():
    out, _, error = run(CURRENT, "--dry-run")
    assert error is None
    assert "Dry run, nothing written" in out and "posts: 12 created" in out
    assert not Article.objects.exists() and not ImportedPost.objects.exists()


# --- the reader ----------------------------------------------------------------------------------

ITEM = (
    '<?xml version="1.0" encoding="UTF-8" ?><rss version="2.0" xmlns:excerpt="{ns}excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="{ns}"><channel><wp:wxr_version>{version}</wp:wxr_version>'
    "<wp:base_site_url>https://a.example</wp:base_site_url><item><title>T</title>"
    "<content:encoded><![CDATA[Body]]></content:encoded><excerpt:encoded><![CDATA[Short]]></excerpt:encoded>"
    "<wp:post_id>7</wp:post_id><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt><wp:status>publish</wp:status>"
    "<wp:post_type>page</wp:post_type><category domain=\"{tag_domain}\" nicename=\"t\">Tagged</category></item>"
    "</channel></rss>"
)


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_both_namespace_spellings_and_every_wxr_version_read_the_same(scheme, version):
    tag_domain = "tag" if version == "1.0" else "post_tag"
    data = ITEM.format(ns=f"{scheme}://wordpress.org/export/{version}/", version=version, tag_domain=tag_domain)
    posts = [item for item in read_wxr(io.BytesIO(data.encode())) if isinstance(item, WPPost)]
    assert [(p.post_id, p.post_type, p.status, p.excerpt, p.tags) for p in posts] == [
        ("7", "page", "publish", "Short", ["Tagged"])
    ]
    assert posts[0].date == datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("namespace", "version"),
    [("https://wordpress.org/export/1.3/", "1.3"), ("https://wordpress.org/export/1.2/", "2.0")],
)
def test_an_unknown_wxr_version_is_a_clear_error(namespace, version):
    data = ITEM.format(ns=namespace, version=version, tag_domain="post_tag")
    with pytest.raises(WXRError, match=f"WXR version {version}, which this importer does not know"):
        list(read_wxr(io.BytesIO(data.encode())))


def test_an_unknown_version_imports_nothing(tmp_path):
    path = tmp_path / "future.xml"
    path.write_text(CURRENT.read_text(encoding="utf-8").replace("export/1.2/", "export/1.3/"), encoding="utf-8")
    _, err, error = run(path)
    assert error is not None and "WXR version 1.3" in err
    assert not Article.objects.exists()


def test_the_first_run_date_is_the_posts_gmt_date_not_now(imported):
    """Drafts keep no publish time; the post's WordPress date is what a later publish uses."""
    assert article_for(1202).publish_at is None
    assert article_for(1202).created_at <= timezone.now()


def test_a_later_run_with_reviewed_by_publishes_drafts_left_untouched(imported, lucia):
    """Import first, record the review afterwards: the unchanged posts are published then."""
    out, _, error = reviewed_run()
    assert error is None
    assert article_for(1202).status == Article.Status.PUBLISHED
    assert "posts: 0 created" in out and "unchanged" in out


def test_a_held_back_change_is_reported_again_on_every_run(imported, tmp_path):
    """Holding a change back must not record it as imported, or the next run would call it unchanged."""
    article = article_for(1205)
    article.body = "<p>Our nurse's rewrite.</p>"
    article.save()
    changed = edited(tmp_path, ("Many people sleep badly", "Most people sleep badly"))
    run(changed)
    out, _, _ = run(changed)
    assert "1 held back" in out and "edited here since it was imported" in out
    article.refresh_from_db()
    assert article.body == "<p>Our nurse's rewrite.</p>"


def test_an_article_edited_here_is_not_published_by_a_later_review_run(imported, lucia):
    """The recorded review vouches for WordPress's text, which is no longer the article's."""
    article = article_for(1202)
    article.body = "<p>Rewritten here.</p>"
    article.save()
    out, _, _ = reviewed_run()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and not article.reviews.exists()
    assert "edited here since it was imported: submit it for review in the admin: 1" in out
