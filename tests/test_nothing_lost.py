"""Editors cannot lose an article through the admin: every path that would delete one is refused.

Runs for the workflow's roles (Writer, Medical reviewer, Editor) when their groups exist.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article

pytestmark = pytest.mark.django_db

ROLES = ["Writer", "Medical reviewer", "Editor"]


@pytest.fixture
def role_client(client, request):
    group = Group.objects.get(name=request.param)  # made by the workflow's data migration: missing is a failure
    user = get_user_model().objects.create_user(f"role-{request.param}", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    return client


def assert_still_there(article):
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("role_client", ROLES, indirect=True)
def test_no_role_can_delete_an_article_from_its_delete_page(role_client, make):
    article = make.article()
    url = f"/admin/articles/article/{article.pk}/delete/"
    assert role_client.get(url).status_code in {302, 403, 404}
    assert role_client.post(url, {"post": "yes"}).status_code in {302, 403, 404}
    assert_still_there(article)


@pytest.mark.parametrize("role_client", ROLES, indirect=True)
def test_no_role_can_delete_articles_with_the_bulk_action(role_client, make):
    article = make.article()
    role_client.post("/admin/articles/article/", {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert_still_there(article)


@pytest.mark.parametrize("role_client", ROLES, indirect=True)
def test_no_role_can_lose_an_article_by_deleting_what_it_hangs_on(role_client, make):
    """Its author, its series and its reviewer go, or are refused, but the article stays."""
    author = get_user_model().objects.create_user("author-x", is_staff=True)
    article = make.article(author=author)
    series, reviewer = make.series(), make.reviewer()
    make.series_entry(series, article, 1)
    make.review(article, reviewer_=reviewer)
    for url in (f"/admin/auth/user/{author.pk}/delete/", f"/admin/articles/series/{series.pk}/delete/",
                f"/admin/articles/reviewer/{reviewer.pk}/delete/"):
        role_client.post(url, {"post": "yes"})
    assert_still_there(article)


def test_deleting_an_articles_author_is_refused_by_the_database(make):
    """The one cascade that could take articles with it is PROTECT."""
    from django.db.models import ProtectedError

    author = get_user_model().objects.create_user("author-y")
    make.article(author=author)
    with pytest.raises(ProtectedError):
        author.delete()
