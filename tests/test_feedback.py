"""Reader feedback: votes and reports from the cached article page, redaction, limits, refusals."""

import datetime
import importlib.util
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from articles.feedback import display, guard, views
from articles.feedback.models import Feedback
from articles.feedback.redaction import EMAIL, NUMBER, PHONE, redact
from cms.pagecache import http as caching

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}
JSON = {"HTTP_ACCEPT": "application/json"}
BODY = "<h2>Hormone therapy</h2><p>Letrozole 2.5 mg.</p><h2>Side effects</h2><p>Hot flushes.</p>"


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(make):
    return make.article(title="Breast cancer treatment", slug="treatment", body=BODY)


def post(client, data, *, slug="treatment", **headers):
    return client.post(f"/articles/{slug}/feedback/", data, **{**SAME_ORIGIN, **headers})


# --- the article page carries the form, and stays cached -------------------------------------------


def test_the_article_page_shows_the_question_the_report_link_and_the_notice(client, article, settings):
    """"Was this page helpful?", the section choices from the h2s, and where to go instead."""
    html = client.get("/articles/treatment/").content.decode()
    assert "Was this page helpful?" in html
    assert 'action="/articles/treatment/feedback/"' in html
    assert "Report a problem with this page" in html
    assert "<option>Hormone therapy</option>" in html and "<option>Side effects</option>" in html
    assert "not for medical advice, emergencies or complaints" in html
    assert "https://111.nhs.uk/" in html
    assert "/static/js/feedback.js" in html


def test_the_cached_page_is_served_from_cache_with_the_form_and_no_csrf_token(client, page_cache, article,
                                                                             django_assert_num_queries):
    """No per-visitor token in the shared HTML, and sending feedback does not empty the cache."""
    first = client.get("/articles/treatment/")
    assert first[caching.STATUS_HEADER] == caching.MISS
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies
    assert post(client, {"helpful": "no"}).status_code == 200
    with django_assert_num_queries(0):
        second = client.get("/articles/treatment/")
    assert second[caching.STATUS_HEADER] == caching.HIT
    assert second.content == first.content and b"Was this page helpful?" in second.content


def _urlconf_of_make_bench(settings):
    """cms/urls.py as `make bench` loads it (``VETTED_BENCH`` on), as a module of its own."""
    settings.VETTED_BENCH = True
    spec = importlib.util.find_spec("cms.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_reference_is_the_cached_article_without_its_form(client, page_cache, article, settings):
    """`make bench` compares the article with the same page minus the form, cached the same way; readers never get it."""
    assert client.get("/bench/article-without-feedback/treatment/").status_code == 404
    settings.ROOT_URLCONF = _urlconf_of_make_bench(settings)
    page = client.get("/articles/treatment/").content.decode()
    assert client.get("/bench/article-without-feedback/treatment/")[caching.STATUS_HEADER] == caching.MISS
    reference = client.get("/bench/article-without-feedback/treatment/")
    assert reference[caching.STATUS_HEADER] == caching.HIT
    assert "Was this page helpful?" in page and "Was this page helpful?" not in reference.content.decode()
    section = re.compile(r'<section class="feedback".*?</section>\s*<script src="[^"]*feedback[^"]*" defer></script>', re.S)
    assert section.search(page)
    assert re.sub(r"\s+", " ", section.sub("", page)) == re.sub(r"\s+", " ", reference.content.decode())


# --- without JavaScript: plain POSTs and pages ---------------------------------------------------


def test_a_vote_without_javascript_answers_with_a_thank_you_page_and_the_report_form(client, article):
    """The no-JS flow: Yes/No posts, a thank-you page offers the optional form, never cached."""
    response = post(client, {"helpful": "no"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you for your feedback" in html and "Report a problem with this page" in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    vote = Feedback.objects.get()
    assert vote.helpful is False and not vote.is_report and vote.article == article


def test_details_sent_after_a_vote_are_added_to_that_vote(client, article):
    """The signed token on the thank-you page ties the report to the reader's vote: one row."""
    token = post(client, {"helpful": "no"}, **JSON).json()["token"]
    response = post(client, {"reason": "medical", "section": "Hormone therapy", "text": "The dose is wrong.", "token": token})
    assert response.status_code == 200 and "Your report has been sent" in response.content.decode()
    report = Feedback.objects.get()
    assert (report.helpful, report.is_report, report.reason, report.section) == (False, True, "medical", "Hormone therapy")
    assert report.text == "The dose is wrong."
    assert report.state == Feedback.State.NEW


def test_a_token_for_another_article_starts_a_report_of_its_own(client, article, make):
    """A token cannot be replayed to change another article's vote."""
    make.article(slug="other", body=BODY)
    token = post(client, {"helpful": "yes"}, slug="other", **JSON).json()["token"]
    post(client, {"reason": "other", "text": "Odd.", "token": token})
    assert Feedback.objects.filter(article=article, is_report=True, helpful=None).count() == 1
    assert Feedback.objects.get(article__slug="other").is_report is False


def test_the_report_a_problem_link_opens_the_form_on_a_page_of_its_own(client, article):
    """Without JavaScript the link leads to the same form."""
    response = client.get("/articles/treatment/feedback/")
    html = response.content.decode()
    assert response.status_code == 200 and 'name="reason"' in html and "Hormone therapy" in html


def test_with_javascript_the_answers_are_json(client, article):
    """The inline form gets the outcome, the message and the token, without a page."""
    vote = post(client, {"helpful": "yes"}, **JSON)
    assert vote.status_code == 200 and vote["Content-Type"] == "application/json"
    assert vote.json()["outcome"] == "voted" and vote.json()["token"]
    report = post(client, {"reason": "broken_link"}, **JSON)
    assert report.json() == {"outcome": "reported", "message": "Thank you. Your report has been sent to our editors."}


@pytest.mark.parametrize("data, message", [
    ({"reason": "", "section": "", "text": "   "}, "Choose what was wrong"),
    ({"reason": "lawsuit"}, "Choose one of the reasons listed"),
    ({"section": "Not a heading"}, "Choose one of the sections listed"),
    ({"text": "x" * 1001}, "under 1,000 characters"),
    ({"text": "null \x00 byte"}, "Null characters are not allowed"),
])
def test_a_bad_report_gets_a_clear_message_and_nothing_is_stored(client, article, data, message):
    """400 with the form again and what to fix; no row."""
    response = post(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_bad_vote_is_refused_and_nothing_is_stored(client, article):
    response = post(client, {"helpful": "maybe"})
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_feedback_on_an_unpublished_article_is_not_found(client, make):
    make.article(slug="draft", status="draft")
    assert post(client, {"helpful": "yes"}, slug="draft").status_code == 404
    assert not Feedback.objects.exists()


# --- redaction -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Reply to jo.bloggs@example.co.uk please", f"Reply to {EMAIL} please"),
    ("jo (at) example (dot) com", EMAIL),
    ("My NHS number is 943 476 5919.", f"My NHS number is {NUMBER}."),
    ("NHS 9434765919", f"NHS {NUMBER}"),
    ("SSN 078-05-1120", f"SSN {NUMBER}"),
    ("Call 020 7946 0958 today", f"Call {NUMBER} today"),
    ("mobile +44 7700 900123", f"mobile {PHONE}"),
    ("(555) 010-4477", PHONE),
    ("call 555-0134 now", f"call {PHONE} now"),
    ("ＮＨＳ ９４３４７６５９１９", f"NHS {NUMBER}"),
])
def test_personal_details_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Take 2.5 mg twice a day", "since 12/03/2024", "about 95% of women", "in 2024 and 2025", "100 000 people",
    "stage 3 cancer, 6 cycles of 21 days",
])
def test_doses_dates_and_counts_are_kept(text):
    assert redact(text) == text


def test_the_stored_report_is_redacted(client, article):
    """Redaction happens before the row is written: the database never holds the address."""
    post(client, {"text": "Email me at pat@example.org or call 07700 900123"})
    stored = Feedback.objects.get().text
    assert "pat@example.org" not in stored and "07700" not in stored
    assert stored == f"Email me at {EMAIL} or call {NUMBER}"


# --- abuse: origin, honeypot, limits, sizes ---------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://other.testserver"},
    {"HTTP_SEC_FETCH_SITE": "", "HTTP_ORIGIN": "https://evil.example"},
], ids=["cross-site", "same-site", "foreign-origin"])
def test_a_forged_cross_site_post_is_refused(client, article, headers):
    """A form on another site cannot post here: 403, nothing stored."""
    response = client.post("/articles/treatment/feedback/", {"helpful": "no"}, **headers)
    assert response.status_code == 403 and "our own pages" in response.content.decode()
    assert not Feedback.objects.exists()


def test_old_browsers_are_checked_by_origin_then_referer(client, article):
    """Without Sec-Fetch-Site, Origin decides; without it too, Referer; without any, refused."""
    assert client.post("/articles/treatment/feedback/", {"helpful": "no"}, HTTP_ORIGIN="http://testserver").status_code == 200
    assert client.post("/articles/treatment/feedback/", {"helpful": "no"},
                       HTTP_REFERER="http://testserver/articles/treatment/").status_code == 200
    assert client.post("/articles/treatment/feedback/", {"helpful": "no"},
                       HTTP_REFERER="https://evil.example/articles/treatment/").status_code == 403
    assert client.post("/articles/treatment/feedback/", {"helpful": "no"}).status_code == 403
    assert Feedback.objects.count() == 2


def test_the_honeypot_looks_accepted_but_stores_nothing(client, article):
    response = post(client, {"text": "Buy pills", "website": "http://spam.example"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    vote = post(client, {"helpful": "yes", "website": "x"})
    assert vote.status_code == 200
    assert not Feedback.objects.exists()


def test_over_the_limit_a_reader_gets_a_polite_429_and_nothing_is_stored(client, article, settings):
    """Five reports an hour by default; the sixth is refused kindly, with Retry-After."""
    assert settings.FEEDBACK_REPORTS_PER_HOUR == 5
    for n in range(5):
        assert post(client, {"text": f"Report {n}"}).status_code == 200
    response = post(client, {"text": "Report 6"})
    assert response.status_code == 429
    assert "You can send it again in about" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Feedback.objects.count() == 5
    assert post(client, {"text": "again"}, **JSON).json()["outcome"] == "limited"


def test_over_the_limit_the_reader_gets_their_words_back_and_when_to_send_again(client, article, monkeypatch):
    """The sixth report at 13:57:55: Retry-After 125 (the limit resets on the clock hour), the page says the
    same in words and shows the reader's text back, escaped, to copy; the text is stored nowhere."""
    for n in range(5):
        assert post(client, {"text": f"Report {n}"}).status_code == 200
    instant = datetime.datetime(2026, 12, 7, 13, 57, 55, tzinfo=datetime.UTC)  # GMT in London in December
    with monkeypatch.context() as clock:
        clock.setattr(views.timezone, "now", lambda: instant)
        response = post(client, {"reason": "medical", "text": "The dose <b>is</b> wrong & out of date"})
        answer = post(client, {"text": "The dose is wrong"}, **JSON)
    assert response.status_code == 429 and response["Retry-After"] == "125"
    page = response.content.decode()
    assert "You can send it again in about 2 minutes (after 14:00 GMT)." in page
    kept = re.search(r'<textarea id="feedback-kept-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert kept and "readonly" in kept.group(0)
    assert kept.group(1) == "The dose &lt;b&gt;is&lt;/b&gt; wrong &amp; out of date"
    assert "no-store" in response["Cache-Control"]
    # With JavaScript: the same words; the form keeps the text, so the answer does not carry it.
    assert answer.status_code == 429 and answer["Retry-After"] == "125"
    assert answer.json() == {"outcome": "limited", "message": re.search(
        r'<p class="feedback-message" role="status">(.*?)</p>', page).group(1)}
    assert Feedback.objects.count() == 5 and not Feedback.objects.filter(text__contains="dose").exists()


@pytest.mark.parametrize("seconds,words", [
    (30, "in less than a minute (after 14:00 GMT)"), (75, "in about a minute (after 14:00 GMT)"),
    (125, "in about 2 minutes (after 14:00 GMT)"), (3600, "in about an hour (after 14:00 GMT)"),
])
def test_when_to_send_again_is_said_from_the_seconds_of_retry_after(seconds, words):
    until = datetime.datetime(2026, 12, 7, 14, 0, tzinfo=datetime.UTC)
    assert display.try_again(seconds, until - datetime.timedelta(seconds=seconds)) == words


def test_the_limit_is_per_visitor(client, article, settings):
    settings.FEEDBACK_REPORTS_PER_HOUR = 1
    assert post(client, {"text": "one"}, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert post(client, {"text": "two"}, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert post(client, {"text": "three"}, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_the_visitor_key_is_a_keyed_hash_that_changes_every_day():
    """No address in the key, and yesterday's key cannot be linked to today's."""
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.77")
    today = datetime.date(2026, 12, 7)
    key = guard.visitor_key(request, today)
    assert "192.0.2.77" not in key and len(key) == 32
    assert key == guard.visitor_key(request, today)
    assert key != guard.visitor_key(request, today + datetime.timedelta(days=1))


def test_no_address_is_stored_with_feedback(client, article):
    """The row has no field that could hold one, and the text holds none."""
    post(client, {"text": "hello"}, REMOTE_ADDR="203.0.113.9")
    row = Feedback.objects.values().get()
    assert not any("203.0.113.9" in str(value) for value in row.values())


def test_a_one_megabyte_body_is_refused_cleanly(client, article):
    response = post(client, {"text": "x" * 1_000_000})
    assert response.status_code == 413 and "too long" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_binary_body_is_refused_cleanly(client, article):
    binary = bytes(range(256)) * 40
    response = client.post("/articles/treatment/feedback/", binary, content_type="application/octet-stream", **SAME_ORIGIN)
    assert response.status_code == 415
    garbled = client.post("/articles/treatment/feedback/", binary, content_type="application/x-www-form-urlencoded",
                          **SAME_ORIGIN)
    assert garbled.status_code in (400, 413)
    assert not Feedback.objects.exists()


def test_a_multipart_upload_is_refused(client, article):
    response = post(client, {"text": "hi", "file": SimpleUploadedFile("x.bin", b"\x00\x01")})
    assert response.status_code == 415 and not Feedback.objects.exists()


def test_other_methods_are_refused_without_a_server_error(client, article):
    assert client.put("/articles/treatment/feedback/").status_code == 405
    assert client.get("/articles/no-such/feedback/").status_code == 404
