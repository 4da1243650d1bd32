"""Every admin URL and staff page refuses anonymous, non-staff and unprivileged staff users; nothing answers 500.

URLs come from the URL resolver and the admin registry at test time, so views added
later (workflow, review schedule, preview, importers) are walked without editing this file.
Roles created by the workflow's data migration (Writer, Medical reviewer, Editor) are walked
when they exist.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from taggit.models import Tag

from cms.changelist import DateSafeChangeList
from tests.urlwalk import admin_urls, staff_routes, url_for

pytestmark = pytest.mark.django_db

ROLE_GROUPS = ["Writer", "Medical reviewer", "Editor"]


@pytest.fixture
def objects(make, superuser):
    article = make.article(tags=["walk"], author=superuser)
    draft = make.article(status="draft", slug="draft-walk")
    reviewer = make.reviewer()
    make.review(article, reviewer_=reviewer)
    make.cite(article, make.reference(source=make.source()))
    series = make.series()
    make.series_entry(series, article, 1)
    make.related(article, draft)
    Group.objects.get_or_create(name="Walkers")
    return {"article": article, "draft": draft, "reviewer": reviewer, "series": series, "tag": Tag.objects.get(slug="walk")}


def first_object(model):
    return model._default_manager.order_by("pk").first()


def walk(client, objects):
    """(url, response) for every admin URL and staff page."""
    for target in admin_urls(first_object):
        yield target, client.get(target.url)
    for route in staff_routes():
        url = url_for(route, {**objects, "article": objects["draft"]})
        if url:
            yield route, client.get(url)


def is_login_redirect(response):
    return response.status_code == 302 and "/login/" in response["Location"]


def test_the_walk_covers_every_registered_model(objects):
    urls = admin_urls(first_object)
    for model in admin.site._registry:
        actions = {u.action for u in urls if u.model is model}
        assert {"changelist", "add"} <= actions, model
        if first_object(model) is not None:
            assert {"change", "delete", "history"} <= actions, model


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(client, objects):
    for target, response in walk(client, objects):
        assert response.status_code != 500, target
        assert is_login_redirect(response) or response.status_code in {403, 404, 405}, (target, response.status_code)
        assert response.status_code != 200, target


def test_a_signed_in_reader_without_staff_status_gets_nothing(client, objects):
    client.force_login(get_user_model().objects.create_user("reader", is_staff=False))
    for target, response in walk(client, objects):
        assert response.status_code in {302, 403, 404, 405}, (target, response.status_code)
        if response.status_code == 302:
            assert is_login_redirect(response), target


def test_staff_without_permissions_are_refused_every_model_and_staff_page(client, objects):
    client.force_login(get_user_model().objects.create_user("bare-staff", is_staff=True))
    for target, response in walk(client, objects):
        assert response.status_code != 500, target
        model = getattr(target, "model", None)
        if model is not None:
            assert response.status_code in {403, 404, 405}, (target, response.status_code)
        elif getattr(target, "action", None) == "app_list":
            assert response.status_code == 404, target  # an app with nothing visible does not exist for them
        elif not hasattr(target, "action"):  # a staff page outside the admin
            assert response.status_code in {302, 403, 404, 405}, (target, response.status_code)


def _required_permission(target):
    opts = target.model._meta
    needed = {"changelist": "view", "add": "add", "change": "view", "delete": "delete", "history": "view"}.get(target.action)
    if needed is None:
        return None
    if needed == "view":
        return [f"{opts.app_label}.view_{opts.model_name}", f"{opts.app_label}.change_{opts.model_name}"]
    return [f"{opts.app_label}.{needed}_{opts.model_name}"]


def _proofreader():
    """A made-up role that may view and change articles only: the walk's own control group."""
    from django.contrib.auth.models import Permission

    group = Group.objects.create(name="Proofreader (test)")
    group.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=["view_article", "change_article"]))
    return group


@pytest.mark.parametrize("group_name", [*ROLE_GROUPS, "Proofreader (test)"])
def test_each_role_is_refused_what_its_permissions_do_not_allow(client, objects, group_name):
    """For the workflow's roles: no 500 anywhere, and a model view without the permission behind it is a 403."""
    # The roles come from the workflow's data migration: a missing one is a failure, not a skip.
    group = _proofreader() if "test" in group_name else Group.objects.get(name=group_name)
    user = get_user_model().objects.create_user(f"role-{group_name}", is_staff=True)
    user.groups.add(group)
    user = get_user_model().objects.get(pk=user.pk)  # fresh permission cache
    client.force_login(user)
    refused = 0
    for target, response in walk(client, objects):
        assert response.status_code != 500, target
        refused += response.status_code == 403
        model = getattr(target, "model", None)
        permissions = _required_permission(target) if model is not None else None
        if permissions and not any(user.has_perm(p) for p in permissions):
            assert response.status_code in {403, 404, 405}, (target, group_name, response.status_code)
    assert refused > 0  # no role may do everything


def test_a_superuser_opens_every_admin_page(admin_client, objects):
    """The positive control: the same walk as a superuser answers 200 (or a redirect for add-only models)."""
    for target, response in walk(admin_client, objects):
        allowed = {200, 302, 403, 404, 405} if getattr(target, "guessed", False) or not hasattr(target, "action") else {200, 302, 403, 404, 405}
        assert response.status_code in allowed, (target, response.status_code)
        if getattr(target, "model", None) is not None and target.action in {"changelist", "change", "history"}:
            assert response.status_code == 200, target


def test_staff_without_tag_permissions_cannot_merge_tags(client, objects):
    """taggit's merge view only checked staff status; ours needs the tag permissions."""
    client.force_login(get_user_model().objects.create_user("bare-staff", is_staff=True))
    response = client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "planted"})
    assert response.status_code == 403
    assert not Tag.objects.filter(name="planted").exists()


def test_merging_without_a_selection_is_a_message_not_a_500(admin_client, objects):
    response = admin_client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "merged"})
    assert response.status_code == 302
    assert not Tag.objects.filter(name="merged").exists()


def test_an_editor_merges_selected_tags(admin_client, make):
    a, b = make.article(tags=["tiredness"]), make.article(tags=["fatigue"])
    ids = [str(t.pk) for t in Tag.objects.filter(slug__in=["tiredness", "fatigue"])]
    session = admin_client.session
    session["selected_tag_ids"] = ",".join(ids)
    session.save()
    response = admin_client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Fatigue and tiredness"})
    assert response.status_code == 302
    assert {t.name for t in a.tags.all()} == {t.name for t in b.tags.all()} == {"Fatigue and tiredness"}


def test_merging_into_a_name_without_a_letter_or_number_is_refused(admin_client, make):
    make.article(tags=["tiredness", "fatigue"])
    session = admin_client.session
    session["selected_tag_ids"] = ",".join(str(t.pk) for t in Tag.objects.all())
    session.save()
    response = admin_client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "???"}, follow=True)
    assert "needs a letter or a number" in response.content.decode()
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["fatigue", "tiredness"]


def date_hierarchy_admins():
    return [
        model_admin for model_admin in (admin.site.get_model_admin(model) for model in apps.get_models()
                                        if admin.site.is_registered(model))
        if model_admin.date_hierarchy
    ]


def test_the_date_drill_down_of_every_admin_is_covered():
    """Every admin with a date drill-down exists in this list, so the 9999 test below walks them all."""
    assert {a.date_hierarchy for a in date_hierarchy_admins()} >= {"publish_at", "reviewed_on", "created_at"}


@pytest.mark.parametrize("query", ["{f}__year=9999", "{f}__year=9999&{f}__month=12", "{f}__year=9999&{f}__month=12&{f}__day=31"])
def test_a_date_drill_down_at_the_calendars_end_never_answers_500(admin_client, objects, query, rf):
    """Year 9999 (whose end Django computes as year 10,000) sends the editor back to the list, for every admin."""
    for model_admin in date_hierarchy_admins():
        opts = model_admin.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(f"{url}?{query.format(f=model_admin.date_hierarchy)}")
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), (opts.label, response.status_code)
        assert admin_client.get(response["Location"]).status_code == 200
        assert issubclass(model_admin.get_changelist(rf.get(url)), DateSafeChangeList), opts.label
