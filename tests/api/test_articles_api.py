"""The article endpoints: every field of the demo's Stage 4 page, filters, cursors, query counts."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.api.models import DailyUsage
from articles.models import Article
from articles.reviews.display import review_dates
from tests import factories as make

STAGE_4 = "stage-4-breast-cancer-treatment-options"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_the_stage_4_page_as_a_partner_receives_it(demo, api):
    """Headline to licence: schema.org names, absolute links, one part per h2, numbered citations."""
    article = Article.objects.get(slug=STAGE_4)
    data = api(f"/api/v1/articles/{STAGE_4}").json()
    assert data["headline"] == article.title
    assert data["description"] == article.summary
    assert data["url"] == f"http://testserver/articles/{STAGE_4}/"
    assert data["apiUrl"] == f"http://testserver/api/v1/articles/{STAGE_4}"
    dates = review_dates(article)
    assert data["lastReviewed"] == dates.last_reviewed_on.isoformat()
    assert data["reviewDue"] == dates.next_review_due.isoformat()
    assert data["reviewedBy"]["name"] == article.reviews.first().reviewer.name
    assert data["reviewedBy"]["credentials"] == article.reviews.first().reviewer.credentials
    assert data["reviewedBy"]["url"].startswith("http://testserver/reviewers/")
    assert sorted(data["keywords"]) == sorted(t.name for t in article.tags.all())
    assert data["alternateName"][:2] == ["stage four breast cancer", "stage IV breast cancer"]  # "also known as"
    assert data["author"]["name"]
    series = data["isPartOf"]
    assert series["name"] == "Breast cancer treatment by stage"
    assert series["label"] == "Stage 4" and series["position"] == article.series_entry.position
    assert series["previous"]["label"] == "Stage 3" and series["previous"]["url"].startswith("http://testserver/articles/")
    assert series["next"] is None
    # One part per h2, each with its anchor, HTML and text; the introduction first.
    h2s = article.body.count("<h2>")
    headed = [part for part in data["hasPart"] if part["anchor"]]
    assert len(headed) == h2s
    assert all(part["html"].startswith(f'<h2 id="{part["anchor"]}">') for part in headed)
    assert all(part["url"] == f'{data["url"]}#{part["anchor"]}' for part in headed)
    assert all(part["text"] and "<" not in part["text"] for part in data["hasPart"])
    # Citations numbered as the page numbers them, markers resolved to absolute links.
    citations = list(article.citations.select_related("reference__source"))
    assert [c["number"] for c in data["citation"]] == list(range(1, len(citations) + 1))
    assert data["citation"][0]["title"] == citations[0].reference.title
    assert data["citation"][0]["publisher"] == citations[0].reference.source.name
    assert f'href="{data["url"]}#ref-1"' in data["articleBody"]["html"]
    assert 'href="/' not in data["articleBody"]["html"] and 'href="#' not in data["articleBody"]["html"]
    assert "[1]" not in data["articleBody"]["text"]
    assert data["license"]["attributionRequired"] is True
    assert data["url"] in data["license"]["attribution"]


def test_an_articles_search_terms_are_its_alternate_names_in_the_list_and_the_detail(db, api, client):
    """The "also known as" terms, in the editor's order, as schema.org ``alternateName``; documented in the OpenAPI."""
    make.article(slug="lymphoedema", title="Lymphoedema after surgery", search_terms="lymphoedema, arm swelling\nswollen arm")
    make.article(slug="plain", title="Sleep")
    detail = api("/api/v1/articles/lymphoedema").json()
    assert detail["alternateName"] == ["lymphoedema", "arm swelling", "swollen arm"]
    listed = {item["slug"]: item for item in api("/api/v1/articles").json()["items"]}
    assert listed["lymphoedema"]["alternateName"] == detail["alternateName"]
    assert listed["plain"]["alternateName"] == []
    summary = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ArticleSummary"]
    assert "alternateName" in summary["required"] and "also known as" in summary["properties"]["alternateName"]["description"]


def test_relative_links_in_the_body_become_absolute(db, api):
    make.article(slug="links", body='<h2>See</h2><p><a href="/articles/other/">other</a> and <a href="https://nhs.uk/x">NHS</a></p>')
    html = api("/api/v1/articles/links").json()["articleBody"]["html"]
    assert 'href="http://testserver/articles/other/"' in html
    assert 'href="https://nhs.uk/x"' in html


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.APPROVED, Article.Status.ARCHIVED])
def test_what_readers_cannot_see_is_not_in_the_api(db, api, status):
    make.article(slug="hidden", status=status)
    assert api("/api/v1/articles/hidden").status_code == 404
    assert api("/api/v1/articles").json()["items"] == []


def test_a_scheduled_article_appears_when_it_goes_live(db, api):
    make.article(slug="later", publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert api("/api/v1/articles/later").status_code == 404
    assert [i["slug"] for i in api("/api/v1/articles").json()["items"]] == []


def test_filters(db, api):
    series = make.series(slug="stages")
    doctor = make.reviewer(slug="dr-a")
    tagged = make.article(slug="tagged", tags=["asthma"])
    in_series = make.article(slug="in-series")
    make.series_entry(series, in_series, 1)
    reviewed = make.article(slug="reviewed", reviewed_by=doctor, reviewed_on=datetime.date(2025, 1, 10))

    def slugs(query):
        response = api(f"/api/v1/articles?{query}")
        assert response.status_code == 200, response.content
        return {i["slug"] for i in response.json()["items"]}

    assert slugs("tag=asthma") == {tagged.slug}
    assert slugs("series=stages") == {in_series.slug}
    assert slugs("reviewer=dr-a") == {reviewed.slug}
    assert slugs("review_due_before=2026-02-01") == {reviewed.slug}
    assert slugs("order=-reviewed") == {reviewed.slug}
    future = (timezone.now() + datetime.timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert slugs(f"modified_since={future}") == set()
    assert slugs("modified_since=2020-01-01T00:00:00Z") == {tagged.slug, in_series.slug, reviewed.slug}


@pytest.mark.parametrize("query", [
    "modified_since=yesterday", "modified_since=2026-01-01T00:00:00", "review_due_before=31/01/2027",
    "order=title", "cursor=not-a-cursor", "limit=0", "limit=1000", "limit=many",
])
def test_a_bad_filter_is_a_400_that_says_what_is_wrong(db, api, query):
    response = api(f"/api/v1/articles?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and error["message"]


@pytest.mark.parametrize("name, unpublished", [("series", "coming-soon"), ("tag", "unpublished-topic"), ("reviewer", "dr-new")])
@pytest.mark.parametrize("slug", ["nope", "x" * 201])
def test_a_slug_that_names_nothing_is_a_400_and_one_without_articles_an_empty_list(db, api, name, unpublished, slug):
    """A mistyped series, tag or reviewer (400 ``unknown_<filter>``, naming the slug) is told apart
    from a real one that no published article matches yet (200, no items)."""
    draft = make.article(slug="draft", status=Article.Status.DRAFT, tags=["unpublished-topic"])
    make.series_entry(make.series(slug="coming-soon"), draft, 1)
    make.reviewer(slug="dr-new")
    make.article(slug="listed", tags=["asthma"])
    known = api("/api/v1/articles", data={name: unpublished})
    assert known.status_code == 200 and known.json()["items"] == []
    response = api("/api/v1/articles", data={name: slug})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == f"unknown_{name}"
    assert f"no {name} has the slug '{slug[:100]}" in error["message"]


def test_checking_a_slug_costs_a_query_only_when_nothing_matched(db, api):
    """A filtered page with articles makes the unfiltered page's queries; an empty one adds one EXISTS per slug filter."""
    make.article(slug="tagged", tags=["asthma"])
    make.series(slug="empty-series")
    api("/api/v1/articles")  # warm caches (content types, the day's usage row)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            api(path)
        return len(queries)

    assert count("/api/v1/articles?limit=1&tag=asthma") == count("/api/v1/articles?limit=1")
    empty = count("/api/v1/articles?review_due_before=1900-01-01")
    assert count("/api/v1/articles?tag=nope") == empty + 1
    assert count("/api/v1/articles?tag=asthma&series=empty-series") == empty + 2
    assert api("/api/v1/articles?tag=asthma&series=empty-series").json()["items"] == []
    assert api("/api/v1/articles?tag=asthma&series=nope").json()["error"]["code"] == "unknown_series"


def test_the_openapi_document_names_the_unknown_slug_errors(db, client):
    """Partners' generated clients learn the 400 for a slug that names nothing, on the parameters and the response."""
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/articles"]["get"]
    parameters = {p["name"]: p.get("description", "") for p in operation["parameters"]}
    assert all(f"unknown_{name}" in parameters[name] for name in ("series", "tag", "reviewer"))
    assert "unknown_tag" in operation["responses"]["400"]["description"]


def test_cursor_pages_never_skip_or_repeat_while_articles_are_added(db, api):
    for n in range(5):
        make.article(slug=f"a{n}")
    first = api("/api/v1/articles?order=modified&limit=2").json()
    seen = [i["slug"] for i in first["items"]]
    make.article(slug="inserted")  # newest: at the end of the oldest-first order
    make.edit(Article.objects.get(slug=seen[0]))  # changed: moves to the end, read again there
    cursor = first["cursor"]
    while cursor:
        page = api(f"/api/v1/articles?order=modified&limit=2&cursor={cursor}").json()
        seen += [i["slug"] for i in page["items"]]
        cursor = page["cursor"]
    assert seen[:5] == ["a0", "a1", "a2", "a3", "a4"]
    assert seen[5:] == ["inserted", "a0"]


def test_the_next_link_carries_the_filters_and_the_cursor(db, api):
    for n in range(3):
        make.article(slug=f"t{n}", tags=["flu"])
    page = api("/api/v1/articles?tag=flu&limit=2").json()
    assert "tag=flu" in page["next"] and f"cursor={page['cursor']}" in page["next"]
    rest = api(page["next"].removeprefix("http://testserver")).json()
    assert len(rest["items"]) == 1 and rest["next"] is None


def _queries(api, path):
    with CaptureQueriesContext(connection) as queries:
        assert api(path).status_code == 200
    return len(queries)


def _rich(slug, n):
    article = make.article(slug=slug, tags=[f"tag{i}" for i in range(n)], reviewed_on=datetime.date(2026, 1, 5),
                           body="".join(f"<h2>Part {i}</h2><p>Text [{i + 1}]</p>" for i in range(n)))
    for _ in range(n):
        make.cite(article)
    return article


def test_detail_and_list_make_the_same_queries_for_1_and_30_sections_and_citations(db, api):
    """The query count does not grow with the article: 1 citation and section, or 30."""
    _rich("small", 1)
    _rich("large", 30)
    api("/api/v1/articles")  # warm caches (content types)
    assert _queries(api, "/api/v1/articles/small") == _queries(api, "/api/v1/articles/large")
    one = _queries(api, "/api/v1/articles?limit=1")
    for n in range(30):
        _rich(f"more-{n}", 3)
    assert _queries(api, "/api/v1/articles?limit=30") == one


def test_search_uses_the_sites_ranking(db, api):
    make.article(slug="asthma", title="Asthma in children", summary="Wheezing and inhalers.")
    make.article(slug="other", title="Broken bones", summary="Casts.")
    data = api("/api/v1/search?q=asthma").json()
    assert [i["slug"] for i in data["items"]] == ["asthma"]
    assert api("/api/v1/search").status_code == 400


def test_series_reviewers_and_tags(demo, api):
    series = api("/api/v1/series").json()["items"]
    assert any(s["slug"] == "breast-cancer-treatment-by-stage" for s in series)
    assert all(s["articles"].startswith("http://testserver/api/v1/articles?series=") for s in series)
    reviewers = api("/api/v1/reviewers").json()["items"]
    assert reviewers and all(r["url"].startswith("http://testserver/reviewers/") for r in reviewers)
    tags = api("/api/v1/tags").json()["items"]
    assert any(t["name"] == "breast cancer" for t in tags)


def test_conditional_requests_answer_304_until_the_article_changes(db, api):
    article = make.article(slug="cached")
    first = api("/api/v1/articles/cached")
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    assert api("/api/v1/articles/cached", HTTP_IF_NONE_MATCH=etag).status_code == 304
    make.edit(article, title="Cached, edited")
    again = api("/api/v1/articles/cached", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


@pytest.mark.parametrize("root", ["/api/", "/api/v1/"])
def test_the_api_root_is_a_public_json_index_of_absolute_addresses(db, client, api, root):
    """Both roots name every endpoint, the OpenAPI document and the docs page; no key needed, none counted."""
    response = client.get(root)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    index = response.json()
    endpoints = index["endpoints"]
    assert set(endpoints) == {"articles", "article", "search", "series", "reviewers", "tags"}
    assert endpoints["article"] == "http://testserver/api/v1/articles/{slug}"
    assert index["openapi"] == "http://testserver/api/v1/openapi.json"
    assert index["docs"] == "http://testserver/api/v1/docs/"
    assert "X-API-Key" in index["authentication"] and "Bearer" in index["authentication"]
    make.article(slug="listed")
    for name, url in endpoints.items():
        url = url.replace("{slug}", "listed") + ("?q=listed" if name == "search" else "")
        assert api(url.removeprefix("http://testserver")).status_code == 200, name
    for url in (index["openapi"], index["docs"]):
        assert client.get(url.removeprefix("http://testserver")).status_code == 200
    assert client.get(root, HTTP_AUTHORIZATION="Bearer vt_deadbeef_nope").status_code == 200
    counted = DailyUsage.objects.get().requests
    assert api(root).status_code == 200 and DailyUsage.objects.get().requests == counted
    assert client.post(root).json()["error"]["code"] == "method_not_allowed"


def test_the_index_is_in_the_openapi_document_without_a_key(db, client):
    """Generated clients see the index as the one operation that needs no key."""
    document = client.get("/api/v1/openapi.json").json()
    assert "security" not in document["paths"]["/api/v1/"]["get"]
    assert document["paths"]["/api/v1/articles"]["get"]["security"]


def test_unknown_addresses_under_api_are_json_404s(db, api):
    for path in ["/api/v1/articles/nope", "/api/v2/articles", "/api/v1/nothing"]:
        response = api(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_writing_is_a_json_405(db, client, key):
    response = client.post("/api/v1/articles", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_partner_receives_the_pictures_with_alt_text_renditions_and_absolute_urls(api, settings, tmp_path):
    """Lead image first, then the body's figures: alt text, credit, licence and every rendition; the
    body's figures are expanded into <picture> with absolute addresses, and 1 or 20 figures cost the same."""
    from articles.media import services
    from tests.media_files import picture, upload

    settings.MEDIA_ROOT = str(tmp_path / "media")

    def image(alt, size=(900, 600)):
        return services.create_image(upload(picture(size), "p.jpg"), alt_text=alt, title=alt, credit="Illustration: Jane Roe")

    lead = image("A diagram of the lymph nodes in the armpit")
    figures = [image(f"Where a port sits, view {n}", (400, 300)) for n in range(20)]

    def body(shown):
        return "<h2>What it is</h2><p>Text.</p>" + "".join(f'<figure data-image="{f.pk}"></figure>' for f in shown)

    make.article(slug="one", lead_image=lead, body=body(figures[:1]))
    make.article(slug="many", lead_image=lead, body=body(figures))
    api("/api/v1/articles/many")  # the key's first use of the day records its usage row
    counts = []
    for slug in ("one", "many"):
        with CaptureQueriesContext(connection) as queries:
            data = api(f"/api/v1/articles/{slug}").json()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    one = api("/api/v1/articles/one").json()
    assert [item["role"] for item in one["image"]] == ["lead", "figure"]
    first = one["image"][0]
    assert first["alternativeText"] == "A diagram of the lymph nodes in the armpit" and first["creditText"] == "Illustration: Jane Roe"
    assert first["renditions"] and all(r["url"].startswith("http://testserver/media/") for r in first["renditions"])
    assert first["url"].startswith("http://testserver/media/")
    html = one["articleBody"]["html"]
    assert "<picture>" in html and "data-image" not in html
    assert 'src="/media/' not in html and 'srcset="/media/' not in html and ", /media/" not in html
    assert "http://testserver/media/" in html
    assert len(data["image"]) == 21


def test_each_picture_carries_the_caption_the_article_shows(api, client, settings, tmp_path):
    """A body figure's own caption wins over the library's in ``image`` as on the page and in
    ``articleBody``; the lead and a figure without one keep the library's; a decorative picture has none."""
    from articles.media import services
    from tests.media_files import picture, upload

    settings.MEDIA_ROOT = str(tmp_path / "media")

    def image(caption, **fields):
        fields.setdefault("alt_text", "A diagram of a port under the skin")
        return services.create_image(upload(picture((400, 300)), "p.jpg"), caption=caption, **fields)

    lead = image("Lead library caption")
    own = image("QA library caption")
    plain = image("Plain library caption")
    decorative = image("Decorative library caption", alt_text="", decorative=True)
    article = make.article(slug="captions", lead_image=lead, body=(
        f'<h2>Ports</h2><figure data-image="{own.pk}"><figcaption>Where the <em>port</em> goes</figcaption></figure>'
        f'<figure data-image="{plain.pk}"></figure><figure data-image="{decorative.pk}"></figure>'
    ))
    data = api("/api/v1/articles/captions").json()
    assert [(entry["role"], entry.get("caption")) for entry in data["image"]] == [
        ("lead", "Lead library caption"), ("figure", "Where the port goes"),
        ("figure", "Plain library caption"), ("figure", None),
    ]
    page = client.get(article.get_absolute_url()).text
    for shown in (page, data["articleBody"]["html"]):
        assert "Where the port goes" in shown and "Plain library caption" in shown
        assert "QA library caption" not in shown and "Decorative library caption" not in shown
