"""Search at /search/?q=: published articles only, best match first, never a 500."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from articles.search.query import MAX_QUERY_LENGTH, clean_query, search_articles

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search only")


def titles(response):
    return [article.title for article, _ in response.context["results"]]


def test_title_match_ranks_above_summary_above_body(client, make):
    """A word in the title outranks it in the summary, which outranks it in the body."""
    make.article(title="Living well", summary="Daily life.", body="<p>Coping with lymphedema at home.</p>")
    make.article(title="Arm swelling", summary="Lymphedema explained simply.", body="<p>Nothing else.</p>")
    make.article(title="Lymphedema after surgery", summary="What to expect.", body="<p>Care.</p>")
    make.article(title="Unrelated", summary="Hair loss.", body="<p>Wigs and scarves.</p>")
    response = client.get("/search/", {"q": "lymphedema"})
    assert response.status_code == 200
    assert titles(response) == ["Lymphedema after surgery", "Arm swelling", "Living well"]
    assert "3 results for “lymphedema”" in response.text


def test_only_published_articles_are_found(client, make):
    make.article(title="Fatigue published")
    make.article(title="Fatigue draft", status=Article.Status.DRAFT)
    make.article(title="Fatigue scheduled", publish_at=timezone.now() + datetime.timedelta(days=1))
    make.article(
        title="Fatigue archived", status=Article.Status.ARCHIVED, publish_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert titles(client.get("/search/", {"q": "fatigue"})) == ["Fatigue published"]


def test_results_show_a_highlighted_snippet(client, make):
    make.article(
        title="Radiation therapy",
        body="<p>Some people feel tired.</p><p>Radiation to the breast can cause <strong>skin redness</strong> that fades.</p>",
    )
    page = client.get("/search/", {"q": "redness"}).text
    assert "<mark>redness</mark>" in page
    assert "<strong>" not in page.split('class="snippet"')[1].split("</p>")[0]


def test_every_word_must_match(client, make):
    make.article(title="Hair loss during chemotherapy")
    make.article(title="Hair care")
    assert titles(client.get("/search/", {"q": "hair chemotherapy"})) == ["Hair loss during chemotherapy"]


def test_an_empty_query_shows_the_form_without_results(client, make, django_assert_max_num_queries):
    make.article(title="Anything")
    # No search query runs; the one allowed is the page cache's next go-live lookup (cms.pagecache.generation).
    with django_assert_max_num_queries(1):
        response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.text and "result" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        " ",
        "'; DROP TABLE articles_article; --",
        "\" OR 1=1 --",
        "<script>alert(1)</script>",
        "a\x00b",
        "!!! & | ! : * ( ) <-> \\",
        "-",
        '"unclosed quote',
        "🙂 émoji ünïcode",
        "x" * 10_000,
        "%",
        "_",
        "title:foo AND body:bar",
    ],
)
def test_odd_queries_give_a_normal_page(client, make, query):
    """Injection-looking, binary and enormous queries answer 200 with the query escaped."""
    make.article(title="Breast cancer")
    response = client.get("/search/", {"q": query, "page": "abc"})
    assert response.status_code == (400 if "\x00" in query else 200)  # NUL: refused up front (cms.middleware)
    assert "<script>alert(1)</script>" not in response.text
    assert Article.objects.filter(title="Breast cancer").exists()


def test_a_long_query_is_cut_and_the_reader_is_told(client, make):
    make.article(title="Nausea")
    response = client.get("/search/", {"q": "nausea " * 100})
    assert response.status_code == 200
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH
    assert f"its first {MAX_QUERY_LENGTH} characters" in response.text


def test_clean_query_drops_control_characters_and_collapses_space():
    assert clean_query("  a\x00b\t\n c  ") == ("a b c", False)
    assert clean_query("y" * 500) == ("y" * MAX_QUERY_LENGTH, True)


def test_pagination_keeps_the_query(client, make):
    for n in range(25):
        make.article(title=f"Fatigue {n}")
    response = client.get("/search/", {"q": "fatigue"})
    assert 'href="?q=fatigue&amp;page=2"' in response.text
    second = client.get("/search/", {"q": "fatigue", "page": "2"})
    assert len(second.context["results"]) == 5


def test_search_query_count_is_fixed(client, make, django_assert_max_num_queries):
    """The equivalents, count, one page of rows and their reviews: no query per result (nor per tag
    searched: some are found through a tag alone)."""
    for n in range(15):
        make.article(title=f"Fatigue {n}" if n % 2 else f"Tiredness {n}", reviewed_by=make.reviewer(),
                     tags=["fatigue", f"topic {n}"])
    with django_assert_max_num_queries(5):
        assert client.get("/search/", {"q": "fatigue"}).status_code == 200


def test_a_tag_name_finds_the_articles_filed_under_it_below_those_that_say_it(client, make):
    """A reader typing a tag's name finds the tagged articles; the article's own words rank first."""
    make.article(title="Arm care", summary="Looking after your arm.", body="<p>Gentle exercises.</p>", tags=["lymphoedema"])
    make.article(title="Living well", summary="Daily life.", body="<p>Coping with lymphoedema at home.</p>")
    make.article(title="Lymphoedema explained", summary="What it is.", body="<p>Care.</p>")
    make.article(title="Sleep", body="<p>Rest.</p>", tags=["sleep", "lymph nodes"])
    make.article(title="Arm draft", status=Article.Status.DRAFT, tags=["lymphoedema"])
    response = client.get("/search/", {"q": "lymphoedema"})
    assert titles(response) == ["Lymphoedema explained", "Living well", "Arm care"]
    assert titles(client.get("/search/", {"q": "lymphoedema exercises"})) == ["Arm care"]  # a tag and the body


def test_the_search_follows_a_tag_put_on_renamed_or_taken_off(make):
    """Every change to an article's tags reaches the search (on PostgreSQL, triggers on taggit's tables)."""
    article = make.article(title="Arm care", body="<p>Gentle exercises.</p>")
    assert not search_articles("lymphoedema").exists()
    article.tags.add("lymphoedema")
    assert list(search_articles("lymphoedema")) == [article]
    tag = Tag.objects.get(name="lymphoedema")
    tag.name = "Oedema"
    tag.save()
    assert not search_articles("lymphoedema").exists()
    assert list(search_articles("oedema")) == [article]
    article.tags.clear()
    assert not search_articles("oedema").exists()
    article.tags.add("survivorship")
    Tag.objects.filter(name="survivorship").delete()
    assert not search_articles("survivorship").exists()


@on_postgres
def test_postgres_search_stems_words_and_ranks_by_weight(make):
    """Full-text search: 'treatments' finds 'treatment'; title (A) outranks body (C)."""
    make.article(title="Body only", body="<p>The treatment plan.</p>")
    make.article(title="Treatment by stage")
    results = list(search_articles("treatments"))
    assert [a.title for a in results] == ["Treatment by stage", "Body only"]
    assert results[0].rank > results[1].rank


@on_postgres
def test_postgres_search_vector_is_kept_current_on_every_write(make):
    """The trigger updates the stored vector on save(), QuerySet.update() and bulk_create()."""
    article = make.article(title="Old words")
    assert not search_articles("zoledronic").exists()
    article.title = "Zoledronic acid"
    article.save()
    assert list(search_articles("zoledronic")) == [article]
    Article.objects.filter(pk=article.pk).update(summary="About denosumab.")
    assert list(search_articles("denosumab")) == [article]
    Article.objects.bulk_create(
        [Article(title="Tamoxifen", slug="tamoxifen", summary="s", status="published", publish_at=timezone.now())]
    )
    assert [a.slug for a in search_articles("tamoxifen")] == ["tamoxifen"]


@on_postgres
def test_postgres_search_vector_is_stored_and_gin_indexed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'")
        (indexdef,) = cursor.fetchone()
    assert "USING gin (search_vector)" in indexdef


@on_postgres
def test_postgres_headline_is_escaped_and_marked(client, make):
    make.article(title="Scans", body="<p>A PET &amp; CT scan uses &lt;contrast&gt; dye.</p>")
    page = client.get("/search/", {"q": "contrast"}).text
    snippet = page.split('class="snippet">')[1].split("</p>")[0]
    assert "<mark>contrast</mark>" in snippet
    assert "&lt;" in snippet and "<contrast" not in snippet


def test_snippet_keeps_words_of_separate_paragraphs_apart(client, make):
    make.article(title="Therapy", body="<p>Ends with therapy</p><p>Radiation starts here.</p>")
    page = client.get("/search/", {"q": "radiation"}).text
    assert "therapyRadiation" not in page and "therapy<mark>Radiation" not in page


@on_postgres
@pytest.mark.parametrize("query", ["lymph", "lymphede", "LYMPH arm"])
def test_postgres_search_falls_back_to_word_beginnings(make, query):
    """No whole-word match: terms of 3+ letters match the beginnings of words."""
    make.article(title="Lymphedema after surgery", body="<p>Arm swelling.</p>")
    make.article(title="Hair loss")
    assert [a.title for a in search_articles(query)] == ["Lymphedema after surgery"]


def test_prefix_query_keeps_only_letters_and_digits():
    from articles.search.query import prefix_query

    assert prefix_query("lymph & ! 'a' node:* x_y (arm)") == "lymph:* & node:* & arm:*"
    assert prefix_query("!!! :* &") == ""


def test_prefix_query_keeps_what_the_query_excludes_excluded():
    from articles.search.query import prefix_query

    assert prefix_query("asthma -inhaler") == "asthma:* & !inhaler:*"
    assert prefix_query('-"heart failure" diet') == "!(heart:* & failure:*) & diet:*"
    assert prefix_query("non-small cell") == "non:* & small:* & cell:*"  # a hyphen inside a word excludes nothing


def test_excluded_parts_are_split_off_to_be_subtracted_by_key():
    from articles.search.query import split_exclusions

    assert split_exclusions('asthma -inhaler -"peak flow"') == ("asthma", 'inhaler or "peak flow"')
    assert split_exclusions("-asthma") == ("", "asthma")
    assert split_exclusions("non-small cell") == ("non-small cell", "")
    # "or" next to an exclusion changes what it excludes: such a query is searched as written.
    assert split_exclusions("-asthma or copd") == ("-asthma or copd", "")


@on_postgres
def test_an_excluding_search_of_reviews_and_related_links_leaves_out_what_it_excludes(admin_client, make):
    asthma, copd = make.article(title="Asthma attack inhaler guide"), make.article(title="Choosing an inhaler for COPD")
    kept = make.review(copd)
    make.review(asthma)
    links = [make.related(copd, make.article(title="Oxygen at home")), make.related(asthma, copd)]
    make.related(asthma, make.article(title="Asthma diary"))  # both of its articles are excluded
    reviews = admin_client.get("/admin/articles/medicalreview/", {"q": "-asthma"}).context["cl"].result_list
    assert [r.pk for r in reviews] == [kept.pk]
    found = admin_client.get("/admin/articles/relatedlink/", {"q": "-asthma"}).context["cl"].result_list
    assert sorted(r.pk for r in found) == sorted(link.pk for link in links)  # a link is found by either article


@on_postgres
@pytest.mark.parametrize("query", ["-asthma", "inhaler -asthma", 'inhaler -"asthma attack"', "inhaler -asthma -copd"])
def test_the_editors_search_leaves_out_what_it_excludes(admin_client, make, query):
    make.article(title="Asthma attack inhaler guide")
    make.article(title="Choosing an inhaler for COPD")
    make.article(title="Inhaler technique")
    response = admin_client.get("/admin/articles/article/", {"q": query})
    expected = {"Choosing an inhaler for COPD", "Inhaler technique"} - ({"Choosing an inhaler for COPD"} if "copd" in query else set())
    assert {a.title for a in response.context["cl"].result_list} == expected


@on_postgres
def test_a_very_common_word_ranks_only_the_newest_matches_and_says_so(client, make, monkeypatch):
    """Ranking every match of a word found in most of a large catalogue is too slow: the newest are ranked."""
    monkeypatch.setattr("articles.search.query.RANKED_MATCHES", 3)
    make.article(title="Fatigue fatigue fatigue", publish_at=timezone.now() - datetime.timedelta(days=400))
    for n in range(4):
        make.article(title=f"Fatigue {n}", publish_at=timezone.now() - datetime.timedelta(days=n + 1))
    response = client.get("/search/", {"q": "fatigue"})
    assert [a.title for a, _ in response.context["results"]] == ["Fatigue 0", "Fatigue 1", "Fatigue 2"]
    assert "3 or more results for “fatigue”" in response.text
    assert "closest matches among the newest 3" in response.text


def test_an_ordinary_result_count_is_exact(client, make):
    for n in range(4):
        make.article(title=f"Fatigue {n}")
    response = client.get("/search/", {"q": "fatigue"})
    assert "4 results for “fatigue”" in response.text
    assert "or more results" not in response.text


ADMIN_LIST = "/admin/articles/article/"


def admin_titles(admin_client, query):
    response = admin_client.get(ADMIN_LIST, {"q": query})
    assert response.status_code == 200
    return sorted(str(a.title) for a in response.context["cl"].result_list)


def test_admin_search_finds_articles_of_any_status_by_a_word_of_their_text(admin_client, make):
    """Editors search drafts and archived articles too, by a word of the title, summary or body."""
    make.article(title="Scalp cooling", status=Article.Status.DRAFT, body="<p>It may reduce alopecia.</p>")
    make.article(title="Wigs", status=Article.Status.ARCHIVED, summary="Choosing one before alopecia starts.")
    make.article(title="Alopecia explained")
    make.article(title="Mouth care", body="<p>Rinse often.</p>")
    assert admin_titles(admin_client, "alopecia") == ["Alopecia explained", "Scalp cooling", "Wigs"]
    assert admin_titles(admin_client, "zebra") == []


@on_postgres
def test_admin_search_reads_the_search_index_not_every_body(admin_client, make, django_assert_max_num_queries):
    """On PostgreSQL: whole words, beginnings of words and a pasted slug, through the GIN index;
    no LIKE over the bodies (ten seconds on 100,000 articles)."""
    make.article(title="Arm swelling", slug="arm-swelling", status=Article.Status.IN_REVIEW, body="<p>Lymphedema care.</p>")
    make.article(title="Unrelated", body="<p>Lumps and nodes.</p>")
    make.article(title="Hair loss")
    assert admin_titles(admin_client, "lymphedema") == ["Arm swelling"]
    assert admin_titles(admin_client, "lymphe") == ["Arm swelling"]  # the beginning of a word
    assert admin_titles(admin_client, "arm-swelling") == ["Arm swelling"]
    assert admin_titles(admin_client, '"hair loss"') == ["Hair loss"]
    with CaptureQueriesContext(connection) as queries:
        admin_titles(admin_client, "lymphedema")
    listing = [q["sql"] for q in queries.captured_queries if "articles_article" in q["sql"]]
    assert listing and not [sql for sql in listing if "LIKE" in sql.upper()]
    assert any("search_vector" in sql for sql in listing)
