"""The workflow through the admin, as each role uses it: buttons, forged requests, bulk actions, archive-not-delete."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleEvent
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

S = Article.Status


def _as(client, user):
    client.force_login(user)
    return client


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_writer_forging_a_publish_post_gets_403_and_nothing_changes(client, make, writer):
    """Permissions are enforced on the server, not by hiding the button."""
    article = make.article(status=S.APPROVED, author=writer, reviewed_by=make.reviewer())
    response = _as(client, writer).post(transition_url(article, "publish"), {"at": ""})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == S.APPROVED and article.publish_at is None
    assert not ArticleEvent.objects.exists()


@pytest.mark.parametrize("name", ["publish", "unpublish", "archive", "restore", "sign_off", "request_changes",
                                  "review_again"])
def test_writer_cannot_open_transitions_that_are_not_theirs(client, make, writer, name):
    article = make.article(status=S.DRAFT, author=writer)
    assert _as(client, writer).get(transition_url(article, name)).status_code == 403


def test_unknown_transition_is_404(admin_client, make):
    assert admin_client.get(transition_url(make.article(), "explode")).status_code == 404


def test_change_page_offers_only_the_allowed_buttons(client, make, writer):
    article = make.article(status=S.DRAFT, author=writer)
    page = _as(client, writer).get(change_url(article)).content.decode()
    assert transition_url(article, "submit") in page
    assert transition_url(article, "publish") not in page


def test_writer_submits_through_the_button(client, make, writer, reviewer):
    article = make.article(status=S.DRAFT, author=writer)
    response = _as(client, writer).post(
        transition_url(article, "submit"), {"reviewer": reviewer.reviewer_profile.pk, "comment": "Ready."}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW and article.assigned_reviewer == reviewer.reviewer_profile


def test_reviewer_signs_off_through_the_button(client, make, writer, reviewer):
    article = make.article(status=S.IN_REVIEW, author=writer)
    response = _as(client, reviewer).post(
        transition_url(article, "sign_off"),
        {"reviewed_on": "", "scope": "full", "notes": "Fine.", "conflict_of_interest": "None declared"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.APPROVED
    assert article.reviews.get().reviewer == reviewer.reviewer_profile


def test_future_review_date_is_a_form_error(client, make, writer, reviewer):
    article = make.article(status=S.IN_REVIEW, author=writer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _as(client, reviewer).post(
        transition_url(article, "sign_off"),
        {"reviewed_on": tomorrow.isoformat(), "scope": "full", "conflict_of_interest": "None declared"},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW and not article.reviews.exists()


def test_schedule_time_in_the_past_is_a_form_error(client, make, editor):
    article = make.article(status=S.APPROVED, reviewed_by=make.reviewer())
    past = timezone.localtime() - datetime.timedelta(days=1)
    response = _as(client, editor).post(transition_url(article, "publish"), {"at": past.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert "in the past" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_editor_schedules_for_a_future_time(client, make, editor):
    article = make.article(status=S.APPROVED, reviewed_by=make.reviewer())
    later = (timezone.localtime() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    response = _as(client, editor).post(transition_url(article, "publish"), {"at": later.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.publish_at == later
    assert not article.is_public()


def test_transition_the_state_does_not_allow_is_a_form_error(client, make, editor):
    article = make.article(status=S.DRAFT, reviewed_by=make.reviewer())
    response = _as(client, editor).post(transition_url(article, "publish"), {"at": ""})
    assert response.status_code == 200
    assert "is not possible" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_publish_page_lists_what_blocks_publishing(client, make, editor):
    article = make.article(status=S.APPROVED)
    response = _as(client, editor).post(transition_url(article, "publish"), {"at": ""})
    assert "no medical review" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_audit_trail_is_shown_on_the_article_page_newest_first(client, make, writer, reviewer):
    from articles.workflow import rules as workflow

    article = make.article(status=S.DRAFT, author=writer)
    workflow.submit(article, writer)
    workflow.request_changes(article, reviewer, "Add a section on side effects.")
    page = _as(client, writer).get(change_url(article)).content.decode()
    trail = page[page.index("Audit trail"):]
    assert trail.index("Add a section on side effects.") < trail.index("Draft → In medical review")


def test_bulk_publish_goes_through_the_same_checks(client, make, editor):
    """A bulk action publishes what may be published and says why the rest was refused."""
    ready = make.article(status=S.APPROVED, reviewed_by=make.reviewer(), title="Ready one")
    unreviewed = make.article(status=S.APPROVED, title="Unreviewed one")
    draft = make.article(status=S.DRAFT, title="Draft one")
    response = _as(client, editor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, unreviewed.pk, draft.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert Article.objects.get(pk=ready.pk).status == S.PUBLISHED
    assert Article.objects.get(pk=unreviewed.pk).status == S.APPROVED
    assert Article.objects.get(pk=draft.pk).status == S.DRAFT
    assert any("Unreviewed one" in m and "no medical review" in m for m in messages)
    assert any("Draft one" in m and "not possible" in m for m in messages)


def test_writer_forging_a_bulk_publish_changes_nothing(client, make, writer):
    article = make.article(status=S.APPROVED, reviewed_by=make.reviewer())
    _as(client, writer).post(
        reverse("admin:articles_article_changelist"), {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_writer_edits_own_draft_but_not_others_or_in_review(client, make, writer):
    own = make.article(status=S.DRAFT, author=writer)
    others = make.article(status=S.DRAFT, author=make.user())
    in_review = make.article(status=S.IN_REVIEW, author=writer)
    _as(client, writer)
    data = change_form_data(client.get(change_url(own)))
    assert client.post(change_url(own), {**data, "title": "Edited"}).status_code == 302
    assert Article.objects.get(pk=own.pk).title == "Edited"
    for article in (others, in_review):
        assert client.post(change_url(article), {**data, "title": "Hijacked"}).status_code == 403
        assert Article.objects.get(pk=article.pk).title != "Hijacked"


def test_writer_cannot_add_a_medical_review_through_the_article_form(client, make, writer):
    """Only a sign-off creates a review; a forged inline row is ignored."""
    article = make.article(status=S.DRAFT, author=writer)
    r = make.reviewer()
    data = change_form_data(_as(client, writer).get(change_url(article)))
    data.update({
        "reviews-TOTAL_FORMS": 1, "reviews-INITIAL_FORMS": 0, "reviews-0-reviewer": r.pk,
        "reviews-0-reviewed_on": timezone.localdate().isoformat(), "reviews-0-scope": "full",
        "reviews-0-conflict_of_interest": "None",
    })
    client.post(change_url(article), data)
    assert not article.reviews.exists()


def test_writer_cannot_change_status_through_the_article_form(client, make, writer):
    article = make.article(status=S.DRAFT, author=writer)
    data = change_form_data(_as(client, writer).get(change_url(article)))
    client.post(change_url(article), {**data, "status": S.PUBLISHED, "publish_at": "2020-01-01 00:00"})
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_delete_by_an_editor_archives_instead(client, make, editor):
    """Nothing is deleted by accident: the editor's delete leads to archiving."""
    article = make.article(reviewed_by=make.reviewer())
    make.cite(article)
    _as(client, editor)
    response = client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    assert response.status_code == 302 and response["Location"] == transition_url(article, "archive")
    page = client.get(response["Location"]).content.decode()
    assert "archived, never deleted" in page
    client.post(transition_url(article, "archive"), {"comment": "Out of date."})
    article.refresh_from_db()
    assert article.status == S.ARCHIVED
    assert "delete_selected" not in client.get(reverse("admin:articles_article_changelist")).context["action_form"].fields["action"].choices.__repr__()


def test_superuser_can_still_delete(admin_client, make):
    article = make.article()
    admin_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()


def test_writer_cannot_archive(client, make, writer):
    article = make.article(status=S.DRAFT, author=writer)
    assert _as(client, writer).post(transition_url(article, "archive")).status_code == 403
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_audit_trail_exports_as_csv(client, make, editor, writer):
    from articles.workflow import rules as workflow

    article = make.article(status=S.DRAFT, author=writer, title="=HYPERLINK(1)")
    workflow.submit(article, writer, comment="-2+3")
    response = _as(client, editor).get(reverse("admin:articles_articleevent_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode()), "Excel needs the byte-order mark to read UTF-8"
    lines = content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("time (UTC),article id,article,event")
    assert "'=HYPERLINK(1)" in lines[1] and "'-2+3" in lines[1] and "wendy" in lines[1]


def test_audit_trail_export_needs_permission(client, make):
    staff_without_a_role = make.user()
    assert _as(client, staff_without_a_role).get(reverse("admin:articles_articleevent_export")).status_code == 403
    assert client.get(reverse("admin:articles_articleevent_changelist")).status_code == 403


def test_admin_index_shows_what_is_waiting_for_me(client, make, writer, reviewer):
    from articles.workflow import rules as workflow

    article = make.article(status=S.DRAFT, author=writer, title="Managing nausea")
    workflow.submit(article, writer, reviewer=reviewer.reviewer_profile)
    page = _as(client, reviewer).get(reverse("admin:index")).content.decode()
    assert "Waiting for me" in page and "Managing nausea" in page
    client.force_login(writer)
    assert "Managing nausea" not in client.get(reverse("admin:index")).content.decode()


def test_changelist_shows_latest_reviewer_and_view_on_site_only_when_public(admin_client, make):
    public = make.article(reviewed_by=make.reviewer(name="Dr. Latest"))
    draft = make.article(status=S.DRAFT)
    page = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Dr. Latest" in page
    assert admin_client.get(change_url(public)).context["has_absolute_url"]
    draft_page = admin_client.get(change_url(draft)).content.decode()
    assert draft.get_absolute_url() not in draft_page


@pytest.mark.parametrize("model", ["reference", "source", "reviewer"])
def test_a_record_in_use_cannot_be_deleted_and_the_admin_says_where(admin_client, make, model):
    article = make.article(title="Chemo and fatigue")
    source = make.source()
    reference = make.reference(source=source)
    make.cite(article, reference)
    reviewer = make.reviewer()
    make.review(article, reviewer_=reviewer)
    obj = {"reference": reference, "source": source, "reviewer": reviewer}[model]
    app = "articles" if model == "reviewer" else "references"
    url = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
    page = admin_client.get(url).content.decode()
    assert "protected" in page
    admin_client.post(url, {"post": "yes"})
    assert type(obj).objects.filter(pk=obj.pk).exists()
    if model != "source":
        assert "Chemo and fatigue" in page


def test_tag_autocomplete_suggests_existing_tags(client, make, writer):
    make.article(tags=["Chemotherapy", "Chemo brain", "Sleep"])
    _as(client, writer)
    response = client.get(reverse("admin:articles_article_tag_suggestions"), {"q": "chemo"})
    assert response.json() == {"results": ["Chemo brain", "Chemotherapy"]}
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-suggest-url" in page and "articles/admin/tag-suggestions.js" in page


def test_tag_autocomplete_is_closed_to_anonymous_visitors(client):
    response = client.get(reverse("admin:articles_article_tag_suggestions"), {"q": "chemo"})
    assert response.status_code == 302


HTTP_FROM = {
    "submit": S.DRAFT, "sign_off": S.IN_REVIEW, "request_changes": S.IN_REVIEW, "review_again": S.APPROVED,
    "publish": S.APPROVED, "unpublish": S.PUBLISHED, "archive": S.PUBLISHED, "restore": S.ARCHIVED,
}
HTTP_ALLOWED = {
    "Writer": {"submit"},
    "Medical reviewer": {"sign_off", "request_changes"},
    "Editor": {"submit", "review_again", "publish", "unpublish", "archive", "restore"},
}


@pytest.mark.parametrize("role", list(HTTP_ALLOWED))
@pytest.mark.parametrize("name", list(HTTP_FROM))
def test_permission_matrix_through_the_admin(client, make, role, name):
    """Each role's POST to each transition: done (redirect) or 403 with nothing changed."""
    author = make.staff_in("Writer") if role != "Writer" else None
    actor = make.staff_in(role)
    article = make.article(status=HTTP_FROM[name], author=author or actor, reviewed_by=make.reviewer())
    data = {"comment": "Because.", "scope": "full", "conflict_of_interest": "None declared", "at": ""}
    response = _as(client, actor).post(transition_url(article, name), data)
    article.refresh_from_db()
    if name in HTTP_ALLOWED[role]:
        assert response.status_code == 302
        assert article.status != HTTP_FROM[name]
    else:
        assert response.status_code == 403
        assert article.status == HTTP_FROM[name]
        assert not article.events.exists()


def test_a_draft_sent_back_shows_the_reviewers_comment(client, make, writer, reviewer):
    from articles.workflow import rules as workflow

    article = make.article(status=S.DRAFT, author=writer)
    workflow.submit(article, writer)
    workflow.request_changes(article, reviewer, "Add the 2024 guideline.")
    response = _as(client, writer).get(change_url(article))
    assert response.context["sent_back"].comment == "Add the 2024 guideline."
    assert "Sent back by" in response.content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_article_page_queries_do_not_grow_with_the_audit_trail(client, make, writer, reviewer):
    from articles.workflow import rules as workflow

    article = make.article(status=S.DRAFT, author=writer)
    _as(client, writer)
    url = change_url(article)
    few = _queries(client, url)
    for _ in range(5):
        workflow.submit(article, writer)
        workflow.request_changes(article, reviewer, "Again.")
    assert _queries(client, url) <= few


def test_admin_index_queries_do_not_grow_with_waiting_articles(client, make, writer, reviewer):
    from articles.workflow import rules as workflow

    _as(client, reviewer)
    url = reverse("admin:index")
    article = make.article(status=S.DRAFT, author=writer)
    workflow.submit(article, writer)
    few = _queries(client, url)
    for _ in range(8):
        workflow.submit(make.article(status=S.DRAFT, author=writer), writer, reviewer=reviewer.reviewer_profile)
    assert _queries(client, url) <= few
