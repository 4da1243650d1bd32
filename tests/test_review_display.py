"""What readers and editors see of the review cycle: public dates and history, the admin's save path."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.content import literacy
from articles.models import Article, ArticleEvent, MedicalReview

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


class _FormFields(HTMLParser):
    """The values a browser would submit from the admin's change form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self._select, self._textarea, self._in_form = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def change_form(client, article):
    url = f"/admin/articles/article/{article.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.text)
    return url, parser.data, response


@pytest.fixture
def editor(make):
    account = make.user(username="editor")
    account.groups.add(Group.objects.get_or_create(name="Editor")[0])
    account.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["articles", "references"]))
    return account


@pytest.fixture
def writer(make):
    account = make.user(username="writer")
    account.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["articles", "references"]))
    return account


def test_editing_the_body_in_the_admin_flags_changed_since_review(client, make, writer):
    """A substantive body edit saved in the admin sets the flag and an EDIT event; the review date stays."""
    reviewed = ago(20)
    a = make.article(reviewed_on=reviewed)
    client.force_login(writer)
    url, data, page = change_form(client, a)
    assert "typo_fix" not in data and "This change is a typo fix" not in page.text  # writers are not offered it
    data["body"] = "<h2>Section</h2><p>New dosage advice.</p>"
    data["_save"] = "Save"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    a.refresh_from_db()
    assert a.content_changed_at is not None
    assert a.events.get().kind == ArticleEvent.Kind.EDIT
    dates = Article.objects.detail(pk=a.pk).review_dates
    assert dates.changed_since_review and dates.last_reviewed_on == reviewed


def test_resaving_without_a_change_does_not_flag(client, make, writer):
    """Saving the form as it stands is not a content change."""
    a = make.article(reviewed_on=ago(20))
    client.force_login(writer)
    changed_at = Article.objects.get(pk=a.pk).content_changed_at
    url, data, _ = change_form(client, a)
    data["funding"] = "None."  # not title, summary, body or citations
    assert client.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.content_changed_at == changed_at and not a.events.exists()
    assert not Article.objects.detail(pk=a.pk).review_dates.changed_since_review


def test_an_editor_marks_a_change_as_a_typo_fix_in_the_admin(client, make, editor):
    """Ticking "typo fix" keeps the article unflagged and writes a TYPO_FIX entry naming the editor."""
    a = make.article(title="Breast cancre", reviewed_on=ago(20))
    client.force_login(editor)
    url, data, page = change_form(client, a)
    assert "This change is a typo fix" in page.text
    data["title"] = "Breast cancer"
    data["typo_fix"] = "on"
    assert client.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.title == "Breast cancer" and not Article.objects.detail(pk=a.pk).review_dates.changed_since_review
    event = a.events.get()
    assert event.kind == ArticleEvent.Kind.TYPO_FIX and event.actor == editor and "title" in event.comment


def test_a_writer_cannot_smuggle_the_typo_fix_flag(client, make, writer):
    """The field is not on a writer's form, so posting it anyway changes nothing."""
    a = make.article(reviewed_on=ago(20))
    client.force_login(writer)
    url, data, _ = change_form(client, a)
    data["body"] = "<p>Different advice.</p>"
    data["typo_fix"] = "on"
    assert client.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.content_changed_at is not None
    assert a.events.get().kind == ArticleEvent.Kind.EDIT


def test_changing_citations_counts_as_substantive(client, make, writer):
    """Adding a citation after sign-off flags the article too."""
    a = make.article(reviewed_on=ago(20))
    ref = make.reference()
    client.force_login(writer)
    url, data, _ = change_form(client, a)
    data.update({"citations-TOTAL_FORMS": "1", "citations-0-position": "1", "citations-0-reference": str(ref.pk),
                 "citations-0-article": str(a.pk)})
    assert client.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.citations.count() == 1 and a.content_changed_at is not None
    assert "citations" in a.events.get().comment


def test_admin_shows_review_status_and_reading_grade_with_hardest_sentences(admin_client, make, settings):
    """The change form shows the due date, the flag, and the grade against the target."""
    settings.READING_GRADE_TARGET = 8
    a = make.article(
        reviewed_on=ago(400),
        body="<p>Take one pill a day. Adjuvant chemotherapy substantially reduces locoregional recurrence probability.</p>",
    )
    make.edit(a)
    page = admin_client.get(f"/admin/articles/article/{a.pk}/change/").text
    assert "overdue by 35 days" in page
    assert "Changed since review" in page
    assert "Flesch-Kincaid grade" in page and "target 8 or below" in page and "above target" in page
    hardest = page.split("Hardest sentences")[1]
    assert hardest.index("Adjuvant chemotherapy") < hardest.index("Take one pill a day")


def test_reading_grade_is_computed_offline_and_ranks_hard_sentences_first():
    """Flesch-Kincaid from word, sentence and syllable counts; no data download is needed."""
    easy = literacy.readability("<p>The cat sat on the mat. It was a good day.</p>")
    hard = literacy.readability(
        "<h2>Heading words here</h2><p>Multidisciplinary oncological management necessitates individualised "
        "therapeutic decision-making.<sup>[1]</sup> Eat well.</p>"
    )
    assert easy.grade < 3 < 8 < hard.grade
    assert easy.sentences == 2 and easy.words == 11
    assert hard.sentences == 2  # heading and citation marker left out
    assert hard.hardest[0].text.startswith("Multidisciplinary")
    assert literacy.syllables("chemotherapy") == 5 and literacy.syllables("cat") == 1
    assert literacy.readability("").grade == 0 and literacy.readability("").words == 0
    assert literacy.readability("<p>Eat well every day [1][2, 3].</p>").words == 4  # typed citation markers too
    assert [literacy.syllables(w) for w in ("combines", "treated", "wanted", "area")] == [2, 2, 2, 2]


def test_article_page_shows_review_dates_history_and_announced_corrections(client, make, settings):
    """Page last reviewed, next review due, last updated, every review and announced corrections only."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    dr_k = make.reviewer(name="Dr. K", slug="dr-k", credentials="MD")
    a = make.article(slug="page")
    make.review(a, reviewer_=make.reviewer(name="Dr. Old", slug="dr-old"), reviewed_on=datetime.date(2020, 5, 2))
    make.review(a, reviewer_=dr_k, reviewed_on=datetime.date(2021, 3, 26), scope=MedicalReview.Scope.PARTIAL,
                sections="Treatment")
    ArticleEvent.objects.create(article=a, kind=ArticleEvent.Kind.CORRECTION, announced=True,
                                comment="Corrected the dose in the table.")
    ArticleEvent.objects.create(article=a, kind=ArticleEvent.Kind.CORRECTION, announced=False, comment="Internal note.")
    page = client.get("/articles/page/").text
    assert "Medically reviewed by" in page and "26 March 2021" in page.split("Medically reviewed by")[1][:300]
    assert "Page last reviewed" in page and "Next review due" in page and "26 March 2022" in page
    assert "Last updated" not in page
    assert "Partial review of named sections (Treatment) by" in page and 'href="/reviewers/dr-k/"' in page
    assert "2 May 2020" in page and "Dr. Old" in page
    assert "Corrected the dose in the table." in page and "Internal note." not in page

    make.edit(a)
    page = client.get("/articles/page/").text
    assert "Last updated" in page
    assert "26 March 2021" in page.split("Medically reviewed by")[1][:300]  # the byline keeps the review date


def test_funding_is_shown_to_readers(client, make):
    """Sponsorship or funding, when there is any, is on the page."""
    make.article(slug="funded", funding="Supported by an unrestricted grant from the Example Foundation.")
    assert "unrestricted grant from the Example Foundation" in client.get("/articles/funded/").text


def test_an_unreviewed_article_says_so(client, make):
    """No review: no invented dates."""
    make.article(slug="fresh")
    page = client.get("/articles/fresh/").text
    assert "not yet been medically reviewed" in page and "Page last reviewed" not in page


def test_editors_add_corrections_in_the_admin(client, make, editor):
    """The corrections inline records a CORRECTION event with the editor as actor."""
    a = make.article(reviewed_on=ago(3))
    client.force_login(editor)
    url, data, _ = change_form(client, a)
    prefix = next(k[: -len("-TOTAL_FORMS")] for k in data if k.endswith("-TOTAL_FORMS") and "event" in k)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-comment": "Fixed the dose.", f"{prefix}-0-announced": "on",
                 f"{prefix}-0-article": str(a.pk)})
    assert client.post(url, data).status_code == 302
    event = a.events.get(kind=ArticleEvent.Kind.CORRECTION)
    assert event.announced and event.actor == editor and event.comment == "Fixed the dose."


def test_article_changelist_flags_changed_since_review(admin_client, make):
    """The article list has a "changed since review" column, true only for the changed article."""
    changed = make.article(title="Changed", reviewed_on=ago(9))
    make.article(title="Unchanged", reviewed_on=ago(9))
    make.edit(changed)
    response = admin_client.get("/admin/articles/article/")
    rows = {a.title: a for a in response.context["cl"].result_list}
    model_admin = response.context["cl"].model_admin
    assert model_admin.changed_since_review(rows["Changed"]) is True
    assert model_admin.changed_since_review(rows["Unchanged"]) is False
    assert "column-changed_since_review" in response.text


def test_a_review_added_in_the_admin_is_written_to_the_audit_trail(admin_client, make, superuser):
    """Adding a review through the medical review admin records a REVIEW event."""
    a = make.article()
    dr = make.reviewer()
    response = admin_client.post("/admin/articles/medicalreview/add/", {
        "article": a.pk, "reviewer": dr.pk, "reviewed_on": ago(1).isoformat(), "scope": "full",
        "sections": "", "notes": "", "conflict_of_interest": "None declared",
    })
    assert response.status_code == 302
    event = a.events.get()
    assert event.kind == ArticleEvent.Kind.REVIEW and event.actor == superuser


def test_an_editor_can_waive_a_change_after_the_fact(client, make, editor, writer):
    """The changelist action clears the flag for editors only, keeps the review date and logs TYPO_FIX."""
    reviewed = ago(30)
    a = make.article(reviewed_on=reviewed)
    make.edit(a)
    unflagged = make.article(reviewed_on=reviewed)
    payload = {"action": "mark_typo_fix", "_selected_action": [a.pk, unflagged.pk]}

    client.force_login(writer)
    client.post("/admin/articles/article/", payload)
    assert Article.objects.detail(pk=a.pk).review_dates.changed_since_review

    client.force_login(editor)
    response = client.post("/admin/articles/article/", payload, follow=True)
    assert "1 article(s) no longer flagged" in response.text and "1 article(s) had no change" in response.text
    dates = Article.objects.detail(pk=a.pk).review_dates
    assert not dates.changed_since_review and dates.last_reviewed_on == reviewed
    assert list(a.events.values_list("kind", flat=True)) == [ArticleEvent.Kind.TYPO_FIX]
    assert a.events.first().actor == editor
    assert not unflagged.events.exists()


def test_review_history_does_not_add_queries_per_review_or_correction(client, make):
    """1 or 15 reviews and announced corrections: the article page runs the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(slug, n):
        a = make.article(slug=slug)
        for i in range(n):
            make.review(a, reviewer_=make.reviewer(), reviewed_on=ago(i + 1))
            ArticleEvent.objects.create(article=a, kind=ArticleEvent.Kind.CORRECTION, announced=True, comment=f"Fix {i}.")
        return a

    build("one", 1)
    build("many", 15)
    with CaptureQueriesContext(connection) as one:
        client.get("/articles/one/")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/articles/many/").text
    assert len(many.captured_queries) == len(one.captured_queries)
    assert page.count("Conflicts of interest") == 15 and "Fix 14." in page


def test_a_review_added_with_the_edit_signs_it_off(client, make, writer):
    """Editing the body and adding a review in the same save leaves the article unflagged."""
    a = make.article(reviewed_on=ago(400))
    dr = make.reviewer()
    client.force_login(writer)
    url, data, _ = change_form(client, a)
    data["body"] = "<p>Updated after the reviewer's comments.</p>"
    data.update({"reviews-TOTAL_FORMS": str(int(data["reviews-TOTAL_FORMS"]) + 1)})
    n = int(data["reviews-TOTAL_FORMS"]) - 1
    data.update({f"reviews-{n}-reviewer": str(dr.pk), f"reviews-{n}-reviewed_on": ago(0).isoformat(),
                 f"reviews-{n}-scope": "full", f"reviews-{n}-conflict_of_interest": "None declared",
                 f"reviews-{n}-article": str(a.pk)})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    dates = Article.objects.detail(pk=a.pk).review_dates
    assert dates.last_reviewed_on == ago(0) and not dates.changed_since_review
    assert sorted(a.events.values_list("kind", flat=True)) == sorted([ArticleEvent.Kind.EDIT, ArticleEvent.Kind.REVIEW])
