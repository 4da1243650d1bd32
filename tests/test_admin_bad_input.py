"""Bad input in the admin's forms is a form error: never a 500, and nothing is saved."""

import pytest
from django.utils import timezone

from articles.models import Article, MedicalReview, Reviewer
from references.models import Reference

pytestmark = pytest.mark.django_db

RLM, ZWJ, RLO, ZWSP = "\u200f", "\u200d", "\u202e", "\u200b"


def form_data(admin_client, add_url, /, **values):
    """What the admin's add form would post: its management forms (no inline rows) plus ``values``."""
    response = admin_client.get(add_url)
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(values)
    return data


ARTICLE = {"title": "Sleep and fatigue", "slug": "sleep-and-fatigue", "summary": "How sleep helps.", "body": "<p>Text</p>",
           "status": "draft", "publish_at_0": "", "publish_at_1": "", "tags": "", "referenced_on": "",
           "review_interval_months": "", "funding": ""}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # Status and publish time are not form fields (the workflow sets them; its schedule form
        # refuses bad and past times: tests/test_workflow_admin.py).
        ("title", "x" * 201),
        ("summary", "y" * 301),
        ("slug", "s" * 201),
        ("slug", f"sleep{RLM}fatigue"),
        ("slug", f"sleep{ZWJ}fatigue"),
        ("slug", f"{RLO}eugitaf"),
        ("slug", f"sleep{ZWSP}"),
        ("slug", "sleep and fatigue"),
        ("slug", "sommeil-fatigué"),
        ("slug", "😴"),
        ("slug", ""),
        ("title", "a\x00b"),
        ("referenced_on", "31/02/2024"),
        ("referenced_on", "99999-12-31"),
        ("review_interval_months", "-1"),
        ("review_interval_months", "99999999999999999999"),
        ("tags", "t" * 101),  # taggit's names are at most 100 characters
        ("tags", "asthma, ???"),  # no letter or number: no address for the tag's page
        ("tags", '"—"'),
    ],
)
def test_a_bad_article_field_is_a_form_error_and_nothing_is_saved(admin_client, field, value):
    url = "/admin/articles/article/add/"
    response = admin_client.post(url, form_data(admin_client, url, **{**ARTICLE, field: value}))
    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert field.split("_")[0] in " ".join(errors) or field in errors, errors
    assert not Article.objects.exists()


def test_right_to_left_marks_and_joiners_in_a_title_are_kept_as_typed_and_escaped(admin_client, client):
    """They are real text in Arabic, Hebrew and Persian titles, so the title keeps them; the slug may not."""
    url = "/admin/articles/article/add/"
    title = f"ال{ZWJ}نوم {RLM}and <b>sleep</b>"
    data = form_data(admin_client, url, **{**ARTICLE, "title": title, "status": "published",
                                             "publish_at_0": "2024-01-01", "publish_at_1": "09:00"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Article.objects.get().title == title
    Article.objects.update(status="published", publish_at=timezone.now())  # publishing is the workflow's
    html = client.get("/articles/sleep-and-fatigue/").content.decode()
    assert f"ال{ZWJ}نوم {RLM}and &lt;b&gt;sleep&lt;/b&gt;" in html


REFERENCE = {"source": "", "title": "Fatigue and cancer", "more_titles": "", "url": "https://www.cancer.org/fatigue",
             "doi": "", "pmid": "", "accessed_on": ""}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "javascript:alert(1)"),
        ("url", "not a url"),
        ("url", "http://"),
        ("url", "https://example.org/" + "a" * 1000),
        ("url", "data:text/html,<script>alert(1)</script>"),
        ("doi", "11.1234/abc"),
        ("doi", "10.12/too-short-registrant"),
        ("doi", "doi: not one"),
        ("doi", "10.1000/" + "x" * 200),
        ("pmid", "PMID: 12ab"),
        ("pmid", "1234567890123"),
        ("accessed_on", "2024-02-30"),
        ("accessed_on", "10000-01-01"),
        ("title", ""),
        ("title", "t" * 501),
    ],
)
def test_a_bad_reference_field_is_a_form_error_and_nothing_is_saved(admin_client, field, value):
    url = "/admin/references/reference/add/"
    response = admin_client.post(url, form_data(admin_client, url, **{**REFERENCE, field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Reference.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "n" * 121), ("slug", f"dr{RLM}k"), ("slug", f"dr{ZWJ}k"), ("credentials", "c" * 121)],
)
def test_a_bad_reviewer_field_is_a_form_error(admin_client, field, value):
    url = "/admin/articles/reviewer/add/"
    data = form_data(admin_client, url, name="Dr. K", slug="dr-k", credentials="MD", specialty="", bio="", user="", is_active="on")
    response = admin_client.post(url, {**data, field: value})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Reviewer.objects.exists()


@pytest.mark.parametrize("reviewed_on", ["2999-01-01", "2024-02-30", "10000-01-01", "yesterday"])
def test_a_review_date_in_the_future_or_out_of_range_is_a_form_error(admin_client, make, reviewed_on):
    article, reviewer = make.article(), make.reviewer()
    url = "/admin/articles/medicalreview/add/"
    data = form_data(admin_client, url, article=article.pk, reviewer=reviewer.pk, reviewed_on=reviewed_on, scope="full",
                     sections="", notes="", conflict_of_interest="None declared")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "reviewed_on" in response.context["adminform"].form.errors
    assert not MedicalReview.objects.exists()


def test_a_bad_inline_row_saves_nothing_of_the_article(admin_client, make):
    """An invalid citation row rolls the whole article back: no half-saved article."""
    url = "/admin/articles/article/add/"
    data = form_data(admin_client, url, **ARTICLE)
    data.update({"citations-TOTAL_FORMS": "1", "citations-0-position": "0", "citations-0-reference": "999999"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_tags_in_any_script_are_kept_and_a_bad_one_is_named(admin_client):
    url = "/admin/articles/article/add/"
    refused = admin_client.post(url, form_data(admin_client, url, **{**ARTICLE, "tags": "asthma, ???"}))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["tags"] == [
        "The tag “???” needs a letter or a number: its page's address is made from them."
    ]
    assert not Article.objects.exists()
    saved = admin_client.post(url, form_data(admin_client, url, **{**ARTICLE, "tags": "Ménière's disease, 乳腺癌"}))
    assert saved.status_code == 302
    assert sorted(Article.objects.get().tags.names()) == ["Ménière's disease", "乳腺癌"]
