"""The references admin: paste-in page, citation warnings, link-status filter and badge, duplicates."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from references.admin import ReferenceAdmin
from references.admin_paste import text_digest
from references.models import Citation, Reference, Source

pytestmark = pytest.mark.django_db

LIST = """1. American Cancer Society: “Learn about Cancer: Breast Cancer.”
2. “Lumpectomy,” “Mastectomy”
"""


def paste_url(article):
    return reverse("admin:articles_article_paste_references", args=[article.pk])


def account_with(make, *codenames):
    user = make.user()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_paste_page_previews_without_creating_anything(admin_client, make):
    """Preview shows new sources and references, matches, and unreadable lines; the database is untouched."""
    article = make.article()
    existing = make.reference(title="Lumpectomy", more_titles="Mastectomy", url="")
    response = admin_client.post(paste_url(article), {"text": LIST + "3. Mayo Clinic: no quotes here\n", "preview": "1"})
    page = response.text
    assert response.status_code == 200
    assert "Lines that could not be read" in page and "Mayo Clinic: no quotes here" in page and "No title in quotes" in page
    assert "American Cancer Society <strong>(new)</strong>" in page
    assert "Existing, matched by publisher and titles" in page and str(existing) in page
    assert 'name="confirm"' not in page  # an unreadable line blocks confirmation
    assert (Source.objects.count(), Citation.objects.count()) == (0, 0)


def test_confirm_creates_everything_and_returns_to_the_article(admin_client, make):
    article = make.article()
    preview = admin_client.post(paste_url(article), {"text": LIST, "preview": "1"}).text
    assert 'value="Add 2 citations"' in preview

    response = admin_client.post(paste_url(article), {"text": LIST, "confirm": "1", "previewed": text_digest(LIST)})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert [str(c.reference) for c in article.citations.order_by("position")] == [
        "American Cancer Society: Learn about Cancer: Breast Cancer", "Lumpectomy; Mastectomy",
    ]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Added 2 citations as [1]–[2] (1 new source, 2 new references)."]


def test_confirm_of_a_text_other_than_the_previewed_one_adds_nothing(admin_client, make):
    """Editing the list after the preview means a new preview, not a blind save."""
    article = make.article()
    response = admin_client.post(paste_url(article), {"text": LIST, "confirm": "1", "previewed": text_digest("other")})
    assert response.status_code == 200
    assert "The list changed after the preview" in response.text
    assert 'value="Add 2 citations"' in response.text  # the new preview can be confirmed as it stands
    assert Citation.objects.count() == 0


def test_empty_paste_is_a_form_error(admin_client, make):
    response = admin_client.post(paste_url(make.article()), {"text": "", "preview": "1"})
    assert response.status_code == 200 and "This field is required." in response.text


@pytest.mark.parametrize(
    ("codenames", "status"),
    [
        ((), 403),
        (("view_article",), 403),
        (("view_article", "change_article", "edit_any_article", "add_citation", "add_source", "add_reference"), 200),
    ],
)
def test_paste_page_needs_permission_to_change_the_article(client, make, codenames, status):
    """Only users who may change the article may paste into it, whatever the buttons show."""
    article = make.article()
    client.force_login(account_with(make, *codenames))
    assert client.get(paste_url(article)).status_code == status
    response = client.post(paste_url(article), {"text": LIST, "confirm": "1", "previewed": text_digest(LIST)})
    assert response.status_code in {status, 302}
    assert Citation.objects.exists() is (status == 200)


def test_paste_page_for_a_missing_article_redirects_with_a_message(admin_client):
    response = admin_client.get("/admin/articles/article/999999/paste-references/")
    assert response.status_code == 302


def test_article_form_shows_citation_problems_and_the_paste_link(admin_client, make):
    article = make.article(body="<p>Claim.[1] Other.[3]</p>")
    make.cite(article)
    make.cite(article)
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert "Blocks publishing: The body cites [3], but the article has 2 citations." in page
    assert "No marker in the body cites reference 2." in page
    assert f'href="{paste_url(article)}"' in page


def article_form_data(article, **changes):
    data = {
        "title": article.title, "slug": article.slug, "summary": article.summary, "body": article.body,
        "tags": "", "status": article.status, "author": "", "referenced_on": "", "review_interval_months": "",
        "funding": "", "publish_at_0": "", "publish_at_1": "", "seen_version": article.version,
    }
    for prefix in ["reviews", "citations", "related_links", "events", "review_reminders"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update({"series_entry-TOTAL_FORMS": "0", "series_entry-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_saving_an_article_with_an_unknown_marker_warns_the_editor(admin_client, make):
    article = make.article(status="draft", body="<p>x</p>")
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, body="<p>Claim.[1]</p>"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "The body cites [1], but the article has no citations. Add the citation or correct the marker. " \
           "This blocks publishing." in messages


def test_reference_changelist_filters_and_badges_link_status(admin_client, make):
    now = timezone.now()
    broken = make.reference(title="Gone page")
    Reference.objects.filter(pk=broken.pk).update(checked_at=now, http_status=410)
    moved = make.reference(title="Moved page")
    Reference.objects.filter(pk=moved.pk).update(checked_at=now, http_status=200, final_url="https://new.example/")
    fine = make.reference(title="Fine page")
    Reference.objects.filter(pk=fine.pk).update(checked_at=now, http_status=200)
    make.reference(title="Unchecked page")
    url = reverse("admin:references_reference_changelist")

    page = admin_client.get(url).text
    assert "✗ broken (410)" in page and "→ redirected" in page and "✓ 200" in page and "not checked" in page

    def titles(link):
        return [r.title for r in admin_client.get(url, {"link": link}).context["cl"].result_list]

    assert titles("broken") == ["Gone page"]
    assert titles("redirected") == ["Moved page"]
    assert titles("ok") == ["Fine page"]
    assert titles("unchecked") == ["Unchecked page"]


def test_duplicate_reference_error_links_to_the_existing_one(admin_client, make):
    existing = make.reference(title="Cancer statistics", url="https://example.org/stats")
    response = admin_client.post(
        reverse("admin:references_reference_add"), {"title": "Copy", "url": "http://www.example.org/stats/"}
    )
    assert response.status_code == 200
    change = reverse("admin:references_reference_change", args=[existing.pk])
    assert f'This reference already exists: <a href="{change}">Cancer statistics</a>' in response.text
    assert "Use this reference" not in response.text
    assert Reference.objects.count() == 1


def test_duplicate_in_the_add_popup_offers_the_existing_reference(admin_client, make):
    """From the citation inline's "+" popup, the editor can pick the existing reference in one click."""
    existing = make.reference(title="Cancer statistics", url="", doi="10.1000/stats")
    response = admin_client.post(
        reverse("admin:references_reference_add") + "?_to_field=id&_popup=1",
        {"title": "Copy", "doi": "https://doi.org/10.1000/STATS", "_popup": "1", "_to_field": "id"},
    )
    assert "Use this reference" in response.text
    use_url = reverse("admin:references_reference_use_in_popup", args=[existing.pk])
    assert f'action="{use_url}"' in response.text

    picked = admin_client.post(use_url, {"_popup": "1", "_to_field": "id"})
    data = json.loads(picked.context["popup_response_data"])
    assert data["value"] == str(existing.pk) and data["obj"] == "Cancer statistics"
    assert admin_client.get(use_url).status_code == 405


def test_citation_inline_autocomplete_finds_references_by_title(admin_client, make):
    make.reference(title="Radiation for Breast Cancer")
    make.reference(title="Something else")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "references", "model_name": "citation", "field_name": "reference", "term": "radiation"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Radiation for Breast Cancer"]


def test_article_changelist_filters_articles_citing_broken_or_redirected_links(admin_client, make):
    """Editors find the articles whose references need attention."""
    now = timezone.now()
    gone = make.reference()
    Reference.objects.filter(pk=gone.pk).update(checked_at=now, http_status=404)
    moved = make.reference()
    Reference.objects.filter(pk=moved.pk).update(checked_at=now, http_status=200, final_url="https://new.example/")
    with_broken, with_moved, fine = make.article(title="Broken"), make.article(title="Moved"), make.article(title="Fine")
    make.cite(with_broken, gone)
    make.cite(with_broken, make.reference())
    make.cite(with_moved, moved)
    make.cite(fine)
    url = reverse("admin:articles_article_changelist")

    def titles(value):
        return [a.title for a in admin_client.get(url, {"reference_links": value}).context["cl"].result_list]

    assert titles("broken") == ["Broken"]
    assert titles("redirected") == ["Moved"]


def test_citation_inline_shows_each_reference_link_status(admin_client, make):
    article = make.article()
    gone = make.reference()
    Reference.objects.filter(pk=gone.pk).update(checked_at=timezone.now(), http_status=410)
    make.cite(article, gone)
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert "✗ broken (410)" in page


def test_reference_changelist_query_count_does_not_grow_with_rows(admin_client, make, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            make.cite(make.article(), make.reference(source=make.source()))

    add(2)
    url = reverse("admin:references_reference_changelist")
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_reference_list_says_how_many_articles_cite_each_and_sorts_by_it(admin_client, make):
    """Counted per reference listed (no grouping of every citation), zero included."""
    twice, once = make.reference(title="Twice cited"), make.reference(title="Once cited")
    make.reference(title="Never cited")
    for article in (make.article(), make.article()):
        make.cite(article, twice)
    make.cite(make.article(), once)
    url = reverse("admin:references_reference_changelist")
    column = ["action_checkbox", *ReferenceAdmin.list_display].index("cited_in")
    response = admin_client.get(url, {"o": f"-{column}"})
    assert [r.title for r in response.context["cl"].result_list] == ["Twice cited", "Once cited", "Never cited"]
    cells = [cell.split("<")[0] for cell in response.text.split('class="field-cited_in">')[1:]]
    assert cells == ["2 articles", "1 article", "0 articles"]


def test_needs_attention_is_broken_or_redirected(make):
    now = timezone.now()
    gone, moved, fine = make.reference(), make.reference(), make.reference()
    Reference.objects.filter(pk=gone.pk).update(checked_at=now, http_status=500)
    Reference.objects.filter(pk=moved.pk).update(checked_at=now, http_status=200, final_url="https://x.example/")
    Reference.objects.filter(pk=fine.pk).update(checked_at=now, http_status=200)
    assert set(Reference.objects.needs_attention()) == {gone, moved}


def test_publishing_with_an_unknown_marker_is_refused(admin_client, make):
    """A published article cannot be saved while its body cites a number it has no citation for."""
    article = make.article(body="<p>Claim.[1]</p>")
    citation = make.cite(article)
    data = article_form_data(
        article, status="published", publish_at_0="2024-01-01", publish_at_1="10:00",
        body="<p>Claim.[1] New claim.[2]</p>",
        **{"citations-TOTAL_FORMS": "1", "citations-INITIAL_FORMS": "1", "citations-0-id": str(citation.pk),
           "citations-0-article": str(article.pk), "citations-0-position": "1",
           "citations-0-reference": str(citation.reference_id)},
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "The body cites [2], but the article has 1 citation." in response.text
    article.refresh_from_db()
    assert article.body == "<p>Claim.[1]</p>"

    # Removing the citation while [1] still cites it is refused too.
    data.update({"body": "<p>Claim.[1]</p>", "citations-0-DELETE": "on"})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "The text still cites [1]." in response.text

    # A draft may be saved with the same mismatch: the editor is only warned.
    # (Status changes go through the workflow, not the form.)
    type(article).objects.filter(pk=article.pk).update(status="draft")
    data.update({"body": "<p>Claim.[1] New claim.[2]</p>"})
    del data["citations-0-DELETE"]
    assert admin_client.post(url, data).status_code == 302


def test_reference_page_lists_the_articles_citing_it(admin_client, make):
    reference = make.reference()
    first, second = make.article(title="First article"), make.article(title="Second article")
    make.cite(first, reference)
    make.cite(second, make.reference())
    make.cite(second, reference)
    page = admin_client.get(reverse("admin:references_reference_change", args=[reference.pk])).text
    first_url = reverse("admin:articles_article_change", args=[first.pk])
    assert f'<a href="{first_url}">First article</a> [1]' in page and "Second article</a> [2]" in page


def test_reference_autocomplete_query_count_does_not_grow_with_results(admin_client, make, django_assert_max_num_queries):
    """Autocomplete labels name the source without a query per result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"app_label": "references", "model_name": "citation", "field_name": "reference", "term": "Cancer"}
    make.reference(title="Cancer 0", source=make.source())
    with CaptureQueriesContext(connection) as one:
        admin_client.get("/admin/autocomplete/", params)
    for n in range(1, 15):
        make.reference(title=f"Cancer {n}", source=make.source())
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(admin_client.get("/admin/autocomplete/", params).json()["results"]) == 15


def test_citing_the_same_reference_twice_in_one_article_is_a_form_error(admin_client, make):
    """Two inline rows with one reference: a message on the form, nothing saved."""
    article = make.article(status="draft")
    reference = make.reference()
    rows = {"citations-TOTAL_FORMS": "2", "citations-INITIAL_FORMS": "0"}
    for i in range(2):
        rows.update({f"citations-{i}-position": str(i + 1), f"citations-{i}-reference": str(reference.pk)})
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), article_form_data(article, **rows)
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for reference" in response.text
    assert Citation.objects.count() == 0


def test_editing_a_reference_into_a_duplicate_is_refused(admin_client, make):
    existing = make.reference(title="Original", url="", pmid="35020204")
    other = make.reference(title="Other", url="")
    response = admin_client.post(
        reverse("admin:references_reference_change", args=[other.pk]), {"title": "Other", "pmid": " 35020204 "}
    )
    assert response.status_code == 200
    assert "This reference already exists:" in response.text and "Original" in response.text
    other.refresh_from_db()
    assert other.pmid == "" and existing.pmid == "35020204"


def citation_rows(*rows):
    """Inline form data for ``(citation or None, position, reference)`` rows, with DELETE for position None."""
    data = {"citations-TOTAL_FORMS": str(len(rows)), "citations-INITIAL_FORMS": str(sum(1 for c, _, _ in rows if c))}
    for i, (citation, position, reference) in enumerate(rows):
        data.update({f"citations-{i}-reference": str(reference.pk), f"citations-{i}-position": str(position or 1)})
        if citation:
            data[f"citations-{i}-id"] = str(citation.pk)
            data[f"citations-{i}-article"] = str(citation.article_id)
        if position is None:
            data[f"citations-{i}-DELETE"] = "on"
    return data


def test_reordering_citations_renumbers_the_markers_to_follow_their_references(admin_client, make):
    """Moving reference 1 after reference 2 rewrites [1] as [2] and [2] as [1], and says so."""
    article = make.article(status="draft", body="<p>Surgery.[1] Radiation.[2][1]</p>")
    surgery, radiation = make.reference(title="Surgery"), make.reference(title="Radiation")
    a, b = make.cite(article, surgery, 1), make.cite(article, radiation, 2)
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, **citation_rows((a, 3, surgery), (b, 2, radiation))),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Surgery.[2] Radiation.[1][2]</p>"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Citation markers in the text now follow their references: [1] → [2], [2] → [1]." in messages


def test_removing_an_uncited_citation_shifts_later_markers_down(admin_client, make):
    article = make.article(status="draft", body="<p>B.[2] C.[3]</p>")
    refs = [make.reference() for _ in range(3)]
    cites = [make.cite(article, r, i + 1) for i, r in enumerate(refs)]
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, **citation_rows(
            (cites[0], None, refs[0]), (cites[1], 2, refs[1]), (cites[2], 3, refs[2]),
        )),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>B.[1] C.[2]</p>"
    assert list(article.citations.values_list("reference", flat=True).order_by("position")) == [refs[1].pk, refs[2].pk]


def test_changing_markers_and_order_in_one_save_is_refused(admin_client, make):
    """Which numbering new markers use would be a guess, so the editor is asked to save one change at a time."""
    article = make.article(status="draft", body="<p>A.[1] B.[2]</p>")
    first, second = make.reference(), make.reference()
    a, b = make.cite(article, first, 1), make.cite(article, second, 2)
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, body="<p>A.[1] B.[2] A again.[1]</p>",
                          **citation_rows((a, 3, first), (b, 2, second))),
    )
    assert response.status_code == 200
    assert "in one save" in response.text
    article.refresh_from_db()
    assert article.body == "<p>A.[1] B.[2]</p>"
    assert Citation.objects.get(pk=a.pk).position == 1


def test_adding_a_citation_at_the_end_with_its_marker_needs_no_renumbering(admin_client, make):
    article = make.article(status="draft", body="<p>A.[1]</p>")
    first, new = make.reference(), make.reference()
    a = make.cite(article, first, 1)
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, body="<p>A.[1] New.[2]</p>", **citation_rows((a, 1, first), (None, 2, new))),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>A.[1] New.[2]</p>" and article.citations.count() == 2


def test_paste_cannot_create_what_the_user_may_not_add(client, make):
    """Changing the article is not enough to add new sources and references to the shared library."""
    article = make.article()
    client.force_login(account_with(make, "view_article", "change_article", "edit_any_article", "add_citation"))
    response = client.post(paste_url(article), {"text": LIST, "confirm": "1", "previewed": text_digest(LIST)})
    assert response.status_code == 200
    assert "You may not add sources" in response.text and "You may not add references" in response.text
    assert 'name="confirm"' not in response.text
    assert (Source.objects.count(), Reference.objects.count(), Citation.objects.count()) == (0, 0, 0)

    # Citing only existing references needs no more than adding citations.
    existing = make.reference(title="Lumpectomy", more_titles="Mastectomy", url="")
    text = "1. “Lumpectomy,” “Mastectomy”"
    response = client.post(paste_url(article), {"text": text, "confirm": "1", "previewed": text_digest(text)})
    assert response.status_code == 302
    assert list(article.citations.values_list("reference", flat=True)) == [existing.pk]


def test_reference_list_is_ordered_by_source_then_title(admin_client, make):
    """The order reads the references' copy of the source name (one index), the same as the join gave."""
    mayo, acs = make.source(name="Mayo Clinic"), make.source(name="American Cancer Society")
    make.reference(title="Zoledronic acid", source=acs)
    make.reference(title="Lumpectomy", source=mayo)
    make.reference(title="A guide without a publisher")
    make.reference(title="Anastrozole", source=acs)
    url = reverse("admin:references_reference_changelist")

    listed = [r.title for r in admin_client.get(url).context["cl"].result_list]
    joined = [r.title for r in Reference.objects.order_by("source__name", "title")]
    published = ["Anastrozole", "Zoledronic acid", "Lumpectomy"]
    assert listed == joined
    assert [title for title in listed if title in published] == published
    assert "A guide without a publisher" in listed

    column = ["action_checkbox", *ReferenceAdmin.list_display].index("source_label")
    by_source_descending = [r.title for r in admin_client.get(url, {"o": f"-{column}"}).context["cl"].result_list]
    assert [title for title in by_source_descending if title in published] == ["Lumpectomy", "Anastrozole", "Zoledronic acid"]


def test_renaming_or_changing_a_source_moves_its_references_in_the_list(admin_client, make):
    first, second = make.source(name="Alpha Health"), make.source(name="Beta Health")
    moved, stays = make.reference(title="Moved", source=first), make.reference(title="Stays", source=second)
    assert Reference.objects.get(pk=moved.pk).source_name == "Alpha Health"

    first.name = "Zeta Health"
    first.save()
    assert list(Reference.objects.values_list("title", flat=True)) == ["Stays", "Moved"]

    response = admin_client.post(
        reverse("admin:references_reference_change", args=[stays.pk]),
        {"source": "", "title": "Stays", "url": stays.url, "more_titles": "", "doi": "", "pmid": "", "accessed_on": ""},
    )
    assert response.status_code == 302
    assert Reference.objects.get(pk=stays.pk).source_name is None
    assert list(Reference.objects.filter(source__isnull=False).values_list("title", flat=True)) == ["Moved"]


def test_reference_list_search_finds_references_by_their_source_name(admin_client, make):
    """Searched through the references' copy of the name (no join): a renamed source is found by its new name."""
    mayo = make.source(name="Mayo Clinic")
    make.reference(title="Lumpectomy", source=mayo)
    make.reference(title="Mayo-free guide")  # the word is in another field: found for that
    make.reference(title="Anastrozole", source=make.source(name="American Cancer Society"))
    url = reverse("admin:references_reference_changelist")

    def found(term):
        return sorted(r.title for r in admin_client.get(url, {"q": term}).context["cl"].result_list)

    assert found("mayo clinic") == ["Lumpectomy"]
    mayo.name = "Mayo Foundation"
    mayo.save()
    assert found("foundation") == ["Lumpectomy"]
    assert found("mayo clinic") == []


PORT_MESSAGE = "The port (the number after the host&#x27;s colon) must be between 0 and 65535."


def test_a_reference_url_with_a_port_out_of_range_is_a_form_error(admin_client, make):
    """Django's URL validator lets http://example.com:99999/ through; the form says what is wrong, no 500."""
    make.reference(title="Existing", url="https://example.com/x")
    response = admin_client.post(reverse("admin:references_reference_add"), {"title": "Bad port", "url": "http://example.com:99999/x"})
    assert response.status_code == 200
    assert PORT_MESSAGE in response.text
    assert Reference.objects.count() == 1


def test_the_paste_preview_reports_a_url_with_a_port_out_of_range(admin_client, make):
    """The pasted entry is listed with the URL's problem, and nothing can be confirmed."""
    article = make.article()
    text = '1. Mayo Clinic: "Breast cancer." http://example.com:99999/x\n'
    response = admin_client.post(paste_url(article), {"text": text, "preview": "1"})
    assert response.status_code == 200
    assert "URL: " + PORT_MESSAGE in response.text
    assert 'name="confirm"' not in response.text


def test_a_stored_url_with_a_port_out_of_range_still_opens_in_the_admin(admin_client, make):
    """A row saved before the check (or by a bulk write) opens, lists and reports its URL."""
    reference = make.reference(title="Old", url="https://example.org/ok")
    Reference.objects.filter(pk=reference.pk).update(url="http://example.com:99999/x")
    assert admin_client.get(reverse("admin:references_reference_changelist")).status_code == 200
    change = reverse("admin:references_reference_change", args=[reference.pk])
    assert admin_client.get(change).status_code == 200
    response = admin_client.post(change, {"title": "Old", "url": "http://example.com:99999/x"})
    assert response.status_code == 200 and PORT_MESSAGE in response.text
