"""JSON-LD, breadcrumbs, canonical URLs and sharing tags on public pages."""

import datetime
import json
import re

import pytest

from articles.models import Article

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {block["@type"]: block for block in map(json.loads, blocks)}


@pytest.fixture
def stage_three(make, django_user_model):
    s = make.series(title="Breast cancer treatment by stage", slug="by-stage")
    author = django_user_model.objects.create_user("writer", first_name="Maya", last_name="Ortiz")
    article = make.article(
        title="Stage 3 treatment", slug="stage-3", summary="What happens at stage 3.", author=author,
        tags=["breast cancer", "treatment"],
    )
    make.series_entry(s, article, 3, "Stage 3")
    dr_k = make.reviewer(name="Dr. K", credentials="MD, FACS", specialty="Surgical oncology", slug="dr-k")
    make.review(article, reviewer_=make.reviewer(), reviewed_on=datetime.date(2020, 1, 1))
    make.review(article, reviewer_=dr_k, reviewed_on=datetime.date(2021, 3, 26))
    acs = make.source(name="American Cancer Society")
    make.cite(article, make.reference(source=acs, title="Treating stage III", url="https://www.cancer.org/stage-3"))
    make.cite(article, make.reference(title="A trial", url="", doi="10.1000/xyz123"))
    return article


def test_article_has_medical_web_page_json_ld(client, stage_three):
    data = json_ld(client.get("/articles/stage-3/").text)["MedicalWebPage"]
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Stage 3 treatment"
    assert data["description"] == "What happens at stage 3."
    assert data["url"] == "http://testserver/articles/stage-3/"
    assert data["datePublished"] == stage_three.publish_at.isoformat()
    assert data["dateModified"] == Article.objects.get(pk=stage_three.pk).content_changed_at.isoformat()
    assert data["lastReviewed"] == "2021-03-26"
    assert data["reviewedBy"]["@type"] == "Person"
    assert data["reviewedBy"]["name"] == "Dr. K"
    assert data["reviewedBy"]["honorificSuffix"] == "MD, FACS"
    assert [c["name"] for c in data["reviewedBy"]["hasCredential"]] == ["MD", "FACS"]
    assert data["author"] == {"@type": "Person", "name": "Maya Ortiz"}
    assert data["citation"] == [
        {"@type": "CreativeWork", "name": "Treating stage III",
         "publisher": {"@type": "Organization", "name": "American Cancer Society"}, "url": "https://www.cancer.org/stage-3"},
        {"@type": "CreativeWork", "name": "A trial", "url": "https://doi.org/10.1000/xyz123"},
    ]
    assert data["isPartOf"] == {
        "@type": "CreativeWorkSeries", "name": "Breast cancer treatment by stage", "url": "http://testserver/series/by-stage/"
    }
    assert data["keywords"] == "breast cancer, treatment"


def test_author_without_a_name_is_the_publisher_never_a_username(client, make, django_user_model):
    make.article(slug="x", author=django_user_model.objects.create_user("jsmith42"))
    page = client.get("/articles/x/").text
    assert json_ld(page)["MedicalWebPage"]["author"]["@type"] == "Organization"
    assert "jsmith42" not in page


def test_article_breadcrumbs_visible_and_as_breadcrumb_list(client, stage_three):
    page = client.get("/articles/stage-3/").text
    items = json_ld(page)["BreadcrumbList"]["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, "Home", "http://testserver/"),
        (2, "Breast cancer treatment by stage", "http://testserver/series/by-stage/"),
        (3, "Stage 3 treatment", "http://testserver/articles/stage-3/"),
    ]
    nav = page.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert nav.index("Home") < nav.index("Breast cancer treatment by stage") < nav.index("Stage 3 treatment")
    assert 'aria-current="page">Stage 3 treatment' in nav


@pytest.mark.parametrize("url,last", [("/series/s/", "S"), ("/tags/t/", "Articles about t"), ("/reviewers/r/", "Dr. R")])
def test_list_pages_have_breadcrumbs(client, make, url, last):
    article = make.article(tags=["t"])
    make.series_entry(make.series(title="S", slug="s"), article, 1)
    make.review(article, reviewer_=make.reviewer(name="Dr. R", slug="r"))
    page = client.get(url).text
    assert [i["name"] for i in json_ld(page)["BreadcrumbList"]["itemListElement"]] == ["Home", last]


def test_json_ld_cannot_break_out_of_its_script(client, make):
    """A title with </script> and HTML stays inside the JSON, escaped."""
    make.article(slug="x", title="</script><script>alert(1)</script> & <!--", tags=["</script>"])
    page = client.get("/articles/x/").text
    assert "<script>alert(1)" not in page
    assert json_ld(page)["MedicalWebPage"]["headline"] == "</script><script>alert(1)</script> & <!--"


def test_json_ld_escapes_the_line_separators_javascript_reads_as_line_ends(client, make):
    make.article(slug="x", summary="One\u2028two\u2029three")
    page = client.get("/articles/x/").text
    script = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "\u2028" not in script and "\u2029" not in script
    assert "One\\u2028two\\u2029three" in script
    assert json_ld(page)["MedicalWebPage"]["description"] == "One\u2028two\u2029three"


def test_sharing_tags_and_canonical_url(client, stage_three, settings):
    page = client.get("/articles/stage-3/").text
    assert '<link rel="canonical" href="http://testserver/articles/stage-3/">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Stage 3 treatment">' in page
    assert '<meta property="og:description" content="What happens at stage 3.">' in page
    assert '<meta property="og:url" content="http://testserver/articles/stage-3/">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<meta name="description" content="What happens at stage 3.">' in page
    assert '<meta property="article:tag" content="treatment">' in page
    settings.SITE_URL = "https://health.example.org"
    page = client.get("/articles/stage-3/?utm_source=x").text
    assert '<link rel="canonical" href="https://health.example.org/articles/stage-3/">' in page


def test_canonical_of_a_later_list_page_keeps_its_number(client, make):
    for _ in range(21):
        make.article()
    assert '<link rel="canonical" href="http://testserver/?page=2">' in client.get("/", {"page": "2"}).text
    assert '<link rel="canonical" href="http://testserver/">' in client.get("/", {"page": "nonsense"}).text


def test_article_page_query_count_with_structured_data_and_related(client, stage_three, django_assert_max_num_queries):
    """JSON-LD, breadcrumbs and related posts add no query per reference, tag or link."""
    with django_assert_max_num_queries(8):
        assert client.get("/articles/stage-3/").status_code == 200


def test_reviewer_profile_describes_the_person(client, make):
    make.review(make.article(), reviewer_=make.reviewer(name="Dr. Ana Lee", slug="ana", credentials="MD", specialty="Oncology"))
    person = json_ld(client.get("/reviewers/ana/").text)["ProfilePage"]["mainEntity"]
    assert person["@type"] == "Person" and person["name"] == "Dr. Ana Lee"
    assert person["honorificSuffix"] == "MD" and person["jobTitle"] == "Oncology"


def test_home_page_describes_the_site_and_its_search(client):
    site = json_ld(client.get("/").text)["WebSite"]
    assert site["url"] == "http://testserver/"
    assert site["potentialAction"]["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"



def test_a_request_checks_its_host_once_for_all_its_absolute_addresses(rf):
    """``get_host()`` validates the Host header each time it is asked; a page asks a dozen times.
    A host that is not allowed is refused every time, never remembered."""
    from django.core.exceptions import DisallowedHost

    from cms.site import absolute_url

    request = rf.get("/", HTTP_HOST="localhost")
    asked = []
    real = request.get_host
    request.get_host = lambda: asked.append(1) or real()
    assert absolute_url("/a/", request) == "http://localhost/a/"
    assert absolute_url("/b/", request) == "http://localhost/b/"
    assert asked == [1]
    refused = rf.get("/", HTTP_HOST="attacker.example")
    for _ in range(2):
        with pytest.raises(DisallowedHost):
            absolute_url("/a/", refused)
