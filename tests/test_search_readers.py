"""Search that understands readers (issue 27): terms, equivalents, spelling, suggestions, and
what found nothing. On both databases unless marked."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article, ResolvedSearch, SearchEquivalent, SearchMiss
from articles.search import misses, quality, search, spelling, terms
from articles.search.suggest import LIMIT

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def titles(response):
    return [article.title for article, _ in response.context["results"]]


def equivalent(*words):
    group = SearchEquivalent(terms="\n".join(words))
    group.full_clean()
    group.save()
    terms.reindex(words)
    return group


# --- terms ---------------------------------------------------------------------------------------


def test_a_term_finds_its_article_and_ranks_like_the_title(client, make):
    """'swollen arm' finds the article whose terms say so, above one with the words in its body."""
    make.article(title="Living with cancer", body="<p>A swollen arm can happen.</p>")
    make.article(title="Understanding lymphedema", search_terms="lymphoedema\nswollen arm")
    make.article(title="Unrelated", body="<p>Nothing here.</p>")
    response = client.get("/search/", {"q": "swollen arm"})
    assert titles(response) == ["Understanding lymphedema", "Living with cancer"]


def test_terms_are_validated_with_a_clear_message(make):
    """A term with markup or over 80 characters is refused, naming the term."""
    article = make.article(search_terms="<b>bold</b>")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "letters, digits, spaces, hyphens and apostrophes" in str(refused.value)
    article.search_terms = "x" * 81
    with pytest.raises(ValidationError, match="longer than 80"):
        article.full_clean()


def test_terms_are_published_as_alternate_name_in_json_ld(client, make):
    """The article page's MedicalWebPage lists the terms as alternateName."""
    article = make.article(search_terms="lymphoedema, arm swelling")
    page = client.get(article.get_absolute_url()).text
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)]
    found = [b for b in blocks if isinstance(b, dict) and b.get("@type") == "MedicalWebPage"] or [
        item for b in blocks if isinstance(b, list) for item in b if item.get("@type") == "MedicalWebPage"
    ]
    assert found[0]["alternateName"] == ["lymphoedema", "arm swelling"]


def test_terms_are_edited_in_the_admin(admin_client, make):
    """The article form has the 'also known as' box."""
    article = make.article()
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").text
    assert 'name="search_terms"' in page and "Also known as" in page


# --- equivalents ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["tumour", "tumor"])
def test_either_spelling_finds_both(client, make, typed):
    """With tumour = tumor, either spelling finds the articles with either."""
    equivalent("tumour", "tumor")
    make.article(title="Tumour markers")
    make.article(title="Tumor board")
    make.article(title="Unrelated")
    assert sorted(titles(client.get("/search/", {"q": typed}))) == ["Tumor board", "Tumour markers"]


def test_a_phrase_equivalent_finds_the_single_word(client, make):
    """'arm swelling' = lymphoedema: the phrase finds the article that only says lymphoedema."""
    equivalent("lymphoedema", "arm swelling")
    make.article(title="Lymphoedema after surgery")
    assert titles(client.get("/search/", {"q": "arm swelling after surgery"})) == ["Lymphoedema after surgery"]


def test_an_equivalents_group_needs_two_valid_terms():
    with pytest.raises(ValidationError, match="at least 2"):
        SearchEquivalent(terms="oedema").full_clean()
    with pytest.raises(ValidationError, match="letters, digits"):
        SearchEquivalent(terms="oedema, <edema>").full_clean()


@on_postgres
def test_equivalents_are_in_the_index_and_follow_an_edit(make):
    """The stored vector holds the equivalents of its words; editing the group re-indexes."""
    article = make.article(title="Anemia during treatment")
    group = equivalent("anaemia", "anemia")

    def indexed(word):
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector @@ to_tsquery('english', %s) FROM articles_article WHERE id = %s", [word, article.pk])
            return cursor.fetchone()[0]

    assert indexed("anaemia")
    group.terms = "anemia\nlow blood count"
    group.save()
    terms.reindex(["anaemia", "anemia", "low blood count"])
    assert indexed("low <-> blood <-> count") and not indexed("anaemia")


def test_equivalents_admin_saves_and_reindexes(admin_client, make):
    make.article(title="Oedema of the leg")
    response = admin_client.post("/admin/articles/searchequivalent/add/", {"terms": "oedema, edema", "note": ""}, follow=True)
    assert response.status_code == 200
    assert SearchEquivalent.objects.get().term_list() == ["oedema", "edema"]
    assert admin_client.get("/admin/articles/searchequivalent/").status_code == 200
    assert [a.title for a in search("edema").articles] == ["Oedema of the leg"]


# --- spelling ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant", "title"),
    [
        ("chemoterapy", "chemotherapy", "Chemotherapy side effects"),
        ("lymphodema", "lymphedema", "Understanding lymphedema"),
        ("mastectomey", "mastectomy", "Recovering from a mastectomy"),
        ("Chemotheraphy", "chemotherapy", "Chemotherapy side effects"),
    ],
)
def test_a_misspelling_finds_the_intended_article_and_says_so(client, make, typed, meant, title):
    """Up to two letters off: 'Showing results for …' with a link to search the exact words."""
    make.article(title="Chemotherapy side effects")
    make.article(title="Understanding lymphedema")
    make.article(title="Recovering from a mastectomy")
    response = client.get("/search/", {"q": typed})
    assert titles(response) == [title]
    assert f"Showing results for <strong>{meant}</strong>" in response.text
    assert f'href="/search/?q={typed}&amp;exact=1"' in response.text
    exact = client.get("/search/", {"q": typed, "exact": "1"})
    assert titles(exact) == [] and "Showing results for" not in exact.text


def test_a_word_found_as_typed_is_never_corrected(client, make):
    make.article(title="Chemotherapy side effects")
    make.article(title="Chemotherapies compared")
    response = client.get("/search/", {"q": "chemotherapies"})
    assert "Showing results for" not in response.text


def test_short_words_and_far_words_are_left_alone():
    assert spelling.allowed_distance("arm") == 0
    assert spelling.distance("lymphedema", "lymphdeema") == 1  # a swap counts one
    assert spelling.distance("chemo", "chemotherapy") > 2


def test_tag_words_are_in_the_vocabulary(client, make):
    """A misspelt tag's word is corrected (body words are not in the vocabulary; tags are)."""
    make.article(title="Living well", body="<p>Care plans for survivorship.</p>", tags=["survivorship"])
    response = client.get("/search/", {"q": "survivorshp"})
    assert titles(response) == ["Living well"]


def test_a_draft_title_is_never_offered_as_a_correction(client, make):
    """A word only in a draft's title is in the vocabulary, but the corrected search finds nothing
    published, so the page says nothing about it."""
    make.article(title="Zolbetuximab explained", status=Article.Status.DRAFT)
    response = client.get("/search/", {"q": "zolbetuximib"})
    assert "Showing results" not in response.text and "Zolbetuximab" not in response.text
    assert "No results for “zolbetuximib”" in response.text


@on_postgres
def test_the_vocabulary_is_kept_by_triggers_on_every_write(make):
    """Titles, terms (insert and update, bulk_create included), tags and equivalents."""
    article = make.article(title="Trastuzumab basics", tags=["cardiotoxicity"])
    Article.objects.filter(pk=article.pk).update(search_terms="pertuzumab")
    Article.objects.bulk_create([Article(title="Ribociclib guide", slug="ribociclib", summary="s")])
    equivalent("neutropenia", "low neutrophils")
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM articles_searchword")
        words = {row[0] for row in cursor.fetchall()}
    assert {"trastuzumab", "pertuzumab", "cardiotoxicity", "ribociclib", "neutropenia", "neutrophils"} <= words


def test_a_misspelt_search_runs_a_fixed_number_of_queries(client, make, django_assert_max_num_queries):
    """Equivalents, count, vocabulary, count again, then the page's rows: however many articles."""
    for n in range(12):
        make.article(title=f"Chemotherapy {n}", reviewed_by=make.reviewer())
    limit = 7 if connection.vendor == "postgresql" else 10  # SQLite reads the vocabulary from three tables
    with django_assert_max_num_queries(limit):
        assert "Showing results for" in client.get("/search/", {"q": "chemoterapy"}).text


# --- suggestions ---------------------------------------------------------------------------------


def test_suggestions_offer_titles_and_terms_at_most_eight(client, make):
    for n in range(10):
        make.article(title=f"Lymph nodes {n}")
    make.article(title="Understanding swelling", search_terms="lymphoedema")
    make.article(title="Lymph draft", status=Article.Status.DRAFT)
    data = client.get("/search/suggest/", {"q": "lymph"}).json()["suggestions"]
    assert len(data) == LIMIT
    assert all(s["title"].startswith("Lymph nodes") for s in data)
    data = client.get("/search/suggest/", {"q": "lymphoe"}).json()["suggestions"]
    assert data == [{"title": "Understanding swelling", "url": "/articles/" + Article.objects.get(title="Understanding swelling").slug + "/", "term": "lymphoedema"}]


def test_suggestions_need_two_letters_and_run_one_query(client, make, django_assert_max_num_queries):
    make.article(title="Fatigue")
    assert client.get("/search/suggest/", {"q": "f"}).json() == {"suggestions": []}
    with django_assert_max_num_queries(2):  # the rows, and the page cache's generation
        assert client.get("/search/suggest/", {"q": "fat"}).json()["suggestions"][0]["title"] == "Fatigue"


def test_search_boxes_carry_the_suggestions_address_and_script(client, make):
    """Progressive enhancement: a plain form with a data-suggest address and the script."""
    page = client.get("/search/", {"q": "x"}).text
    assert 'data-suggest="/search/suggest/"' in page and "js/search" in page
    assert '<button type="submit">Search</button>' in page


# --- what found nothing --------------------------------------------------------------------------


def test_the_page_carries_a_token_naming_the_normalised_query(client, make):
    page = client.get("/search/", {"q": "  Arm   SWELLING!! "}).text
    token = re.search(r'data-token="([^"]+)"', page).group(1)
    assert misses.record(token.replace("&amp;", "&"), "search")
    row = SearchMiss.objects.get()
    assert (row.query, row.searches, row.found_nothing, row.opened) == ("arm swelling", 1, 1, 0)


def test_log_accepts_signed_tokens_only(client):
    assert client.post("/search/log/", {"token": "forged", "event": "search"}).status_code == 400
    assert client.post("/search/log/", {"token": misses.token("x", True), "event": "explode"}).status_code == 400
    assert client.get("/search/log/").status_code == 405
    assert client.post("/search/log/", {"token": misses.token("fatigue", True), "event": "open"}).status_code == 204
    assert SearchMiss.objects.get().opened == 1


def test_the_log_holds_no_personal_data():
    """Only a query, a day, counts and times: no address, agent, user or session."""
    names = {f.name for f in SearchMiss._meta.get_fields()}
    assert names == {"id", "query", "day", "searches", "found_nothing", "opened", "first_seen", "last_seen"}


def test_report_ranks_missed_queries_over_thirty_days(client, make):
    now = timezone.now()
    for _ in range(3):
        misses.record(misses.token("tumor markers", False), "search", now)
    misses.record(misses.token("fatigue", True), "search", now)  # found, not opened: left
    misses.record(misses.token("chemo", True), "search", now)
    misses.record(misses.token("chemo", True), "open", now)  # found and opened: not a miss
    misses.record(misses.token("old miss", False), "search", now - datetime.timedelta(days=31))
    rows = misses.report(now)
    assert [(r.query, r.missed, r.found_nothing, r.left) for r in rows] == [("tumor markers", 3, 3, 0), ("fatigue", 1, 0, 1)]


def test_report_shows_at_most_a_hundred_rows(make):
    now = timezone.now()
    SearchMiss.objects.bulk_create(
        SearchMiss(query=f"q{n}", day=timezone.localdate(now), searches=1, found_nothing=1, first_seen=now, last_seen=now)
        for n in range(105)
    )
    assert len(misses.report(now)) == 100


def test_staff_turn_a_row_into_a_term_in_one_step(client, make):
    """The editor adds the query as a term; the article is found by it; the row shows resolved."""
    editor = make.staff_in("Editor")
    article = make.article(title="Understanding lymphedema")
    misses.record(misses.token("tumor markers", False), "search")
    client.force_login(editor)
    page = client.get("/staff/searches/").text
    assert "tumor markers" in page and "Add as a term" in page
    response = client.post(
        "/staff/searches/resolve/", {"query": "tumor markers", "term": "tumor markers", "article": article.get_absolute_url()}, follow=True
    )
    assert "is now a term of" in response.text
    article.refresh_from_db()
    assert article.search_terms == "tumor markers"
    assert [a.title for a in search("tumor markers").articles] == ["Understanding lymphedema"]
    assert "Resolved" in client.get("/staff/searches/").text
    assert ResolvedSearch.objects.get().article == article
    assert article.history.first().history_change_reason == "Added the search term “tumor markers”"


def test_a_writer_cannot_add_a_term_to_a_published_article(client, make):
    writer = make.staff_in("Writer")
    article = make.article()
    misses.record(misses.token("q", False), "search")
    client.force_login(writer)
    response = client.post("/staff/searches/resolve/", {"query": "q", "term": "q", "article": article.slug})
    assert response.status_code == 400 and "may not change this article" in response.text
    article.refresh_from_db()
    assert article.search_terms == "" and not ResolvedSearch.objects.exists()


def test_a_refused_term_keeps_what_was_typed_in_its_row_with_the_reason_beside_it(client, make):
    """The report comes back with the row as the editor typed it, the reason in the row and named by
    its fields, and the cursor in the field to mend; nothing to type again."""
    client.force_login(make.staff_in("Editor"))
    misses.record(misses.token("swollen arm", False), "search")
    misses.record(misses.token("tumor markers", False), "search")
    response = client.post(
        "/staff/searches/resolve/", {"query": "swollen arm", "term": "arm swelling", "article": "no-such-article"}
    )
    assert response.status_code == 400
    forms = {
        re.search(r'name="query" value="([^"]+)"', form).group(1): form
        for form in re.findall(r'<form method="post"[^>]*class="resolve-form">.*?</form>', response.text, re.S)
    }
    form = forms["swollen arm"]
    assert "No article has the slug" in form and 'value="arm swelling"' in form
    article_input = re.search(r'<input[^>]*name="article"[^>]*>', form).group(0)
    assert 'value="no-such-article"' in article_input and 'aria-invalid="true"' in article_input
    assert "autofocus" in article_input and 'aria-describedby="resolve-problems-' in article_input
    other = forms["tumor markers"]  # the other rows as before
    assert "errorlist" not in other and re.search(r'name="term"[^>]*value="tumor markers"', other)


def test_resolve_explains_a_bad_article_or_term(client, make):
    client.force_login(make.staff_in("Editor"))
    misses.record(misses.token("q", False), "search")
    response = client.post("/staff/searches/resolve/", {"query": "q", "term": "q", "article": "no-such-article"})
    assert "No article has the slug" in response.text
    article = make.article()
    response = client.post("/staff/searches/resolve/", {"query": "q", "term": "<script>", "article": article.slug})
    assert "letters, digits" in response.text and not ResolvedSearch.objects.exists()
    assert 'value="&lt;script&gt;"' in response.text


def test_the_report_is_for_staff_only(client, make):
    assert client.get("/staff/searches/").status_code == 302
    client.force_login(make.user(is_staff=False))
    assert client.get("/staff/searches/").status_code == 403
    assert client.post("/staff/searches/resolve/", {}).status_code == 403


def test_admin_index_links_to_the_report(admin_client):
    assert 'href="/staff/searches/"' in admin_client.get("/admin/").text


# --- odd input -----------------------------------------------------------------------------------

ODD = ["\x00", "a\x00b", "x" * 5000, "🙂" * 300, '"', '"""', "-", "- -", "or", "or or", "!", "(", ":*", "a:*A",
       "\\", "'", "’s", "ẞ", "é", "ä̈", "零", "\u202e", "&|!<->", "cancer <-> x", "-cancer", "tumour or -tumor", "e" * 41]


@pytest.mark.parametrize("q", ODD)
def test_no_query_answers_500(client, make, q):
    """Any query string gives a normal page (a NUL is refused up front with 400, cms.middleware)."""
    make.article(title="Breast cancer")
    equivalent("tumour", "tumor")
    expected = 400 if "\x00" in q else 200
    assert client.get("/search/", {"q": q}).status_code == expected
    assert client.get("/search/", {"q": q, "exact": "1", "page": "2"}).status_code == expected
    assert client.get("/search/suggest/", {"q": q}).status_code == expected
    assert client.post("/search/log/", {"token": q, "event": q}).status_code in (400, expected)


# --- quality -------------------------------------------------------------------------------------


def test_reader_queries_find_their_article_in_the_top_three():
    """At least 85% of the reader queries (tests/data/search_queries.csv) on the demo content."""
    call_command("load_demo", stdout=open("/dev/null", "w"))
    queries = quality.read_queries()
    assert len(queries) >= 100
    outcomes = quality.evaluate(queries)
    missed = [(o.query, o.found) for o in outcomes if not o.ok]
    assert quality.share(outcomes) >= 0.85, missed


def test_pages_of_an_exact_search_stay_exact(client, make):
    """'Search instead for …' keeps the exact words on the next pages too."""
    for n in range(25):
        make.article(title=f"Chemoterapy myths {n}")
    make.article(title="Chemotherapy")
    page = client.get("/search/", {"q": "chemoterapy", "exact": "1"}).text
    assert 'href="?q=chemoterapy&amp;exact=1&amp;page=2"' in page


def test_the_report_runs_a_fixed_number_of_queries(client, make, django_assert_max_num_queries):
    """However many rows and resolved rows."""
    editor = make.staff_in("Editor")
    client.force_login(editor)
    now = timezone.now()
    for n in range(6):
        article = make.article()
        misses.record(misses.token(f"miss {n}", False), "search", now)
        misses.add_term(editor, f"miss {n}", article, f"miss {n}")
    client.get("/staff/searches/")
    with django_assert_max_num_queries(12):
        assert client.get("/staff/searches/").text.count("Resolved") == 6


def test_rows_older_than_the_report_are_deleted(make):
    """Nothing is kept longer than the report reads it."""
    now = timezone.now()
    misses.record(misses.token("old", False), "search", now - datetime.timedelta(days=45))
    misses.record(misses.token("new", False), "search", now)
    assert list(SearchMiss.objects.values_list("query", flat=True)) == ["new"]
