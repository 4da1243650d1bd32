"""An approved article whose content changed since its medical review has a way forward from the
article itself: its reviewer signs it off again (or sends it back to the writer), or an editor sends
it back for review; a typo fix only where one may serve; the blocker for an image links to it."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.media import services as media_services
from articles.media.models import Image
from articles.models import Article, ArticleEvent, MedicalReview
from articles.reviews import services
from articles.workflow import integrity
from articles.workflow import rules as workflow
from tests.admin_forms import change_form_data
from tests.media_files import picture, upload

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def library_image(**fields):
    fields.setdefault("title", "Port placement")
    fields.setdefault("alt_text", "A port under the skin below the right collarbone")
    return media_services.create_image(upload(picture((1200, 800)), "port.jpg"), **fields)


def figure(image):
    return f'<figure data-image="{image.pk}"></figure>'


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def image_url(image):
    return reverse("admin:media_image_change", args=[image.pk])


def signed_off(make, writer, reviewer, *, image=None, **fields):
    """An approved article by ``writer``, signed off by ``reviewer`` a week ago (through the workflow)."""
    body = f"<h2>What a port is</h2><p>A small device under the skin.</p>{figure(image) if image else ''}"
    article = make.article(status=S.DRAFT, publish_at=None, author=writer, body=body, **fields)
    workflow.submit(article, writer)
    workflow.sign_off(article, reviewer, reviewed_on=ago(7))
    article.refresh_from_db()
    return article


def describe(image, alt_text):
    """What an editor does in the media library: the image's alt text, saved as the admin saves it."""
    image.refresh_from_db()
    image.alt_text = alt_text
    image.save()


def seen_content(page):
    """The fingerprint of the content the sign-off page showed (its hidden field), "" without one."""
    found = re.search(r'name="seen_content" value="([0-9a-f]*)"', page)
    return found.group(1) if found else ""


# --- the services ---------------------------------------------------------------------------------

def test_the_reviewer_signs_off_again_an_approved_article_whose_picture_changed(make, writer, reviewer, editor):
    """It stays approved; a new review, by them, dated today, covers the new alt text; publishing opens."""
    image = library_image(alt_text="")
    article = signed_off(make, writer, reviewer, image=image)
    describe(image, "A healed port site below the right collarbone")
    assert workflow.allowed(reviewer, "sign_off", article)

    review = workflow.sign_off(article, reviewer, notes="Alt text checked.")

    article.refresh_from_db()
    assert article.status == S.APPROVED
    assert article.reviews.count() == 2 and review.reviewed_on == timezone.localdate()
    assert review.reviewed_content["images"][0]["alt"] == "A healed port site below the right collarbone"
    assert not integrity.changed_since_review_now(article.pk)
    assert workflow.publish_blockers(article) == []
    event = article.events.filter(kind=ArticleEvent.Kind.REVIEW).first()
    assert event.comment.startswith("Signed off again by") and "Alt text checked." in event.comment
    assert not article.events.filter(kind=ArticleEvent.Kind.TRANSITION, to_status=S.APPROVED,
                                     from_status=S.APPROVED).exists()
    workflow.publish(article, editor)
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_an_approved_article_that_did_not_change_cannot_be_signed_off_again(make, writer, reviewer):
    """Nothing to review: refused with the reason, and no button offered."""
    article = signed_off(make, writer, reviewer)
    assert not workflow.allowed(reviewer, "sign_off", article)
    with pytest.raises(workflow.TransitionNotAllowed, match="has not changed since its medical review"):
        workflow.sign_off(article, reviewer)
    assert article.reviews.count() == 1


def test_a_sign_off_covers_only_the_content_the_reviewer_was_shown(make, writer, reviewer):
    """Changed again while they read: nothing is recorded, and they are asked to look again."""
    image = library_image(alt_text="")
    article = signed_off(make, writer, reviewer, image=image)
    describe(image, "A port site")
    shown = integrity.stored_fingerprint(article.pk)
    describe(image, "A port site, with the catheter running up to the neck vein")
    with pytest.raises(workflow.TransitionNotAllowed, match="changed while you were reviewing"):
        workflow.sign_off(article, reviewer, seen_content=shown)
    assert article.reviews.count() == 1
    workflow.sign_off(article, reviewer, seen_content=integrity.stored_fingerprint(article.pk))
    assert article.reviews.count() == 2


def test_the_reviewer_may_send_a_changed_approved_article_back_to_its_writer(make, writer, reviewer):
    """Reviewing the change includes not accepting it: back to draft with their comment."""
    article = signed_off(make, writer, reviewer)
    with pytest.raises(workflow.TransitionNotAllowed, match="has not changed"):
        workflow.request_changes(article, reviewer, "Why?")
    make.edit(article, body=f"{article.body}<p>Flush it with heparin daily.</p>")
    workflow.request_changes(article, reviewer, "Heparin flushes are monthly, not daily.")
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


@pytest.mark.parametrize("role", ["writer", "reviewer"])
def test_only_editors_send_an_article_back_for_review(make, writer, reviewer, editor, role):
    """The Editor's decision: others are refused and nothing changes."""
    article = signed_off(make, writer, reviewer)
    people = {"writer": writer, "reviewer": reviewer}
    with pytest.raises(PermissionDenied):
        workflow.review_again(article, people[role])
    assert Article.objects.get(pk=article.pk).status == S.APPROVED
    workflow.review_again(article, editor, reviewer=reviewer.reviewer_profile, comment="The picture changed.")
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW and article.assigned_reviewer == reviewer.reviewer_profile
    event = article.events.get(kind=ArticleEvent.Kind.TRANSITION, to_status=S.IN_REVIEW, from_status=S.APPROVED)
    assert event.actor == editor and event.comment == "The picture changed."


def test_the_blocker_for_an_image_names_the_image_to_open(make, writer, reviewer):
    image = library_image(alt_text="")
    article = signed_off(make, writer, reviewer, image=image)
    [blocker] = [b for b in workflow.publish_blockers(article) if b.startswith("Image problem")]
    assert blocker.image == image and "no alt text" in blocker
    gone = make.article(status=S.APPROVED, body='<p>Text.</p><figure data-image="987654"></figure>', reviewed_by=make.reviewer())
    [missing] = [b for b in workflow.publish_blockers(gone) if b.startswith("Image problem")]
    assert missing.image is None


def test_a_change_of_pictures_is_never_a_typo_fix(make, writer, reviewer, editor):
    """New alt text is new content for the reviewer; a corrected spelling may be waived."""
    image = library_image()
    article = signed_off(make, writer, reviewer, image=image)
    describe(image, "A port and its catheter")
    blocker = next(b for b in workflow.publish_blockers(article) if "changed after its medical review" in b)
    assert "(pictures)" in blocker and "typo fix" not in blocker
    with pytest.raises(ValidationError, match="pictures"):
        services.waive_change(article, by=editor)
    assert integrity.changed_since_review_now(article.pk)
    assert not article.events.filter(kind=ArticleEvent.Kind.TYPO_FIX).exists()

    worded = signed_off(make, writer, reviewer, title="Living with a prot")
    make.edit(worded, title="Living with a port")
    blocker = next(b for b in workflow.publish_blockers(worded) if "changed after its medical review" in b)
    assert "(title)" in blocker and "typo fix" in blocker
    assert services.waive_change(worded, by=editor)
    assert workflow.publish_blockers(worded) == []


def test_my_reviews_lists_what_changed_since_my_sign_off_before_it_is_published(client, make, writer, reviewer):
    """Approved or sent back for review, changed since my sign-off: listed, leading to the sign-off page."""
    image = library_image()
    changed = signed_off(make, writer, reviewer, image=image, title="Changed after approval")
    describe(image, "A port and its catheter")
    sent_back = signed_off(make, writer, reviewer, title="Sent back for review")
    make.edit(sent_back)
    workflow.review_again(sent_back, make.staff_in("Editor"), reviewer=reviewer.reviewer_profile)
    signed_off(make, writer, reviewer, title="Approved, unchanged")
    other = make.staff_in("Medical reviewer", username="otto")
    theirs = signed_off(make, writer, other, title="Someone else's sign-off")
    make.edit(theirs)

    assert set(services.changed_before_publishing(reviewer).values_list("title", flat=True)) == {
        "Changed after approval", "Sent back for review"}
    client.force_login(reviewer)
    page = client.get(reverse("staff:my_reviews")).text
    assert "Changed after approval" in page and "Sent back for review" in page
    assert "Approved, unchanged" not in page and "Someone else" not in page
    assert transition_url(changed, "sign_off") in page
    desk = client.get(reverse("admin:index")).text
    assert "Changed since you signed it off" in desk and "Changed after approval" in desk


# --- through the admin's pages ----------------------------------------------------------------------

def test_the_whole_story_from_a_missing_alt_text_to_the_published_page(client, make, writer, reviewer, editor):
    """Writer inserts a library image without alt text, the reviewer signs off, the editor is refused
    and follows the link to the image, adds the alt text, sends the article back for review; the
    reviewer sees it listed and what changed, signs off again; it publishes with the new review date."""
    image = library_image(alt_text="")
    article = make.article(status=S.DRAFT, publish_at=None, author=writer, title="Living with a port")

    # The writer inserts the picture and submits.
    client.force_login(writer)
    data = change_form_data(client.get(change_url(article)))
    data["body"] = f"<h2>What a port is</h2><p>A small device under the skin.</p>{figure(image)}"
    assert client.post(change_url(article), data).status_code == 302
    assert client.post(transition_url(article, "submit"), {"reviewer": reviewer.reviewer_profile.pk}).status_code == 302

    # The reviewer sees the image problem and signs off, dated a week ago.
    client.force_login(reviewer)
    assert "has no alt text" in client.get(change_url(article)).text
    page = client.get(transition_url(article, "sign_off")).text
    response = client.post(transition_url(article, "sign_off"), {
        "seen_content": seen_content(page), "reviewed_on": ago(7).isoformat(), "scope": "full",
        "conflict_of_interest": "None declared"})
    assert response.status_code == 302

    # The editor's publish is refused; the reason links to the image's page.
    client.force_login(editor)
    refused = client.post(transition_url(article, "publish"), {"at": ""})
    assert refused.status_code == 200 and "has no alt text" in refused.text
    assert f'href="{image_url(image)}"' in refused.text
    assert Article.objects.get(pk=article.pk).status == S.APPROVED

    # One click to the image; the editor adds the alt text there.
    image_page = client.get(image_url(image))
    assert image_page.status_code == 200
    response = client.post(image_url(image), {
        "title": image.title, "alt_text": "A healed port site below the right collarbone", "licence": "own",
        "consent": "n/a", "focal_x": "50", "focal_y": "50", "tags": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors

    # Back on the article: changed since review, with the ways forward; no typo fix for a picture.
    page = client.get(change_url(article)).text
    assert "changed after its medical review (pictures)" in page
    assert transition_url(article, "review_again") in page
    assert reverse("admin:articles_article_typo_fix", args=[article.pk]) not in page
    publish_page = client.get(transition_url(article, "publish")).text
    assert transition_url(article, "review_again") in publish_page
    assert "Not a typo fix" in publish_page and "A healed port site below the right collarbone" in publish_page
    review_again_page = client.get(transition_url(article, "review_again"))
    assert review_again_page.context["form"]["reviewer"].value() == reviewer.reviewer_profile.pk
    response = client.post(transition_url(article, "review_again"), {
        "reviewer": reviewer.reviewer_profile.pk, "comment": "Alt text added to the port picture."})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW

    # The reviewer finds it waiting, sees what changed since their review, and signs off again today.
    client.force_login(reviewer)
    assert "Living with a port" in client.get(reverse("staff:my_reviews")).text
    assert "Living with a port" in client.get(reverse("admin:index")).text
    page = client.get(transition_url(article, "sign_off")).text
    assert "What changed since its latest medical review" in page
    assert "<ins>Figure (library image" in page and "A healed port site below the right collarbone" in page
    response = client.post(transition_url(article, "sign_off"), {
        "seen_content": seen_content(page), "reviewed_on": "", "scope": "full",
        "conflict_of_interest": "None declared", "notes": "New alt text is accurate."})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == S.APPROVED

    # The editor publishes; the page shows today's review.
    client.force_login(editor)
    assert client.post(transition_url(article, "publish"), {"at": ""}).status_code == 302
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.reviews.count() == 2
    client.logout()
    public = client.get(article.get_absolute_url()).text
    today = timezone.localdate()
    byline = public.split("Medically reviewed by", 1)[1][:400]
    assert f'<time datetime="{today:%Y-%m-%d}">' in byline
    assert "after its last medical review" not in public


def test_the_reviewer_signs_off_again_from_the_approved_article_itself(client, make, writer, reviewer):
    """No editor needed: the approved article offers its reviewer "Sign off", which shows the change."""
    image = library_image(alt_text="")
    article = signed_off(make, writer, reviewer, image=image)
    client.force_login(reviewer)
    assert transition_url(article, "sign_off") not in client.get(change_url(article)).text  # nothing changed yet
    describe(image, "A healed port site below the right collarbone")

    page = client.get(change_url(article)).text
    assert transition_url(article, "sign_off") in page and transition_url(article, "request_changes") in page
    sign_off = client.get(transition_url(article, "sign_off")).text
    assert "is not possible" not in sign_off
    assert "A healed port site below the right collarbone" in sign_off
    response = client.post(transition_url(article, "sign_off"), {
        "seen_content": seen_content(sign_off), "reviewed_on": "", "scope": "full",
        "conflict_of_interest": "None declared"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.APPROVED and article.last_reviewed_on == timezone.localdate()
    assert article.reviews.filter(scope=MedicalReview.Scope.FULL).count() == 2


def test_a_stale_sign_off_page_records_nothing_and_shows_the_new_change(client, make, writer, reviewer):
    image = library_image(alt_text="")
    article = signed_off(make, writer, reviewer, image=image)
    describe(image, "A port site")
    client.force_login(reviewer)
    stale = seen_content(client.get(transition_url(article, "sign_off")).text)
    describe(image, "A port site, with the catheter running up to the neck vein")
    response = client.post(transition_url(article, "sign_off"), {
        "seen_content": stale, "reviewed_on": "", "scope": "full", "conflict_of_interest": "None declared"})
    assert response.status_code == 200 and "changed while you were reviewing" in response.text
    assert "running up to the neck vein" in response.text
    assert seen_content(response.text) not in {"", stale}
    assert article.reviews.count() == 1


def test_a_wording_change_offers_the_typo_fix_on_the_publish_page(client, make, writer, reviewer, editor):
    """Where a typo fix may serve, the publish page offers it, and one click waives the change."""
    article = signed_off(make, writer, reviewer, title="Living with a prot")
    make.edit(article, title="Living with a port")
    client.force_login(editor)
    typo_fix = reverse("admin:articles_article_typo_fix", args=[article.pk])
    assert typo_fix in client.get(transition_url(article, "publish")).text
    assert client.get(typo_fix).status_code == 405
    client.force_login(reviewer)
    assert client.post(typo_fix).status_code == 403
    client.force_login(editor)
    response = client.post(typo_fix, follow=True)
    assert "Marked a typo fix" in response.text
    assert client.post(transition_url(article, "publish"), {"at": ""}).status_code == 302
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_the_typo_fix_action_refuses_a_change_of_pictures_and_says_why(client, make, writer, reviewer, editor):
    image = library_image()
    article = signed_off(make, writer, reviewer, image=image)
    describe(image, "A port and its catheter")
    client.force_login(editor)
    response = client.post("/admin/articles/article/", {"action": "mark_typo_fix", "_selected_action": [article.pk]},
                           follow=True)
    assert "Not a typo fix: its pictures" in response.text
    assert integrity.changed_since_review_now(article.pk)


def test_the_typo_fix_box_refuses_a_new_lead_image(client, make, editor):
    """On a published article's form, ticking "typo fix" for a new lead image is a form error."""
    article = make.article(lead_image=library_image(), reviewed_by=make.reviewer())
    client.force_login(editor)
    data = change_form_data(client.get(change_url(article)))
    data["lead_image"] = library_image(title="Another port").pk
    data["typo_fix"] = "on"
    response = client.post(change_url(article), data)
    assert response.status_code == 200 and "Not a typo fix: its pictures" in response.text
    assert Article.objects.get(pk=article.pk).lead_image_id != data["lead_image"]
    assert Image.objects.count() == 2
