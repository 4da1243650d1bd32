"""The public feedback endpoint and the corrections log. Thin: checks, a form, a service call.

``/articles/<slug>/feedback/`` takes a POST from the (cached, token-free) article page: a vote or
a report. Without JavaScript the answer is a page (thanks, or the form again with its errors);
with it (``Accept: application/json``) the same outcome as JSON. Every refusal is a page with a
clear status: 403 cross-site, 413 too large, 415 not a form, 429 over the limit; never a 500.
Why it is CSRF-exempt, and what protects it instead: ``guard`` and docs/feedback.md.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from articles.edge import CORRECTIONS
from articles.models import Article
from articles.public.structured_data import breadcrumbs
from articles.reads.pagination import DeferredJoinPaginator
from cms.pagecache.decorators import public_page

from . import display, guard, services
from .forms import ReportForm, VoteForm, is_bot
from .models import public_corrections

# A vote is a few bytes and a report at most 1,000 characters (up to 4 bytes each, percent-encoded
# up to three times that): anything larger is not our form.
MAX_BODY_BYTES = 16 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")  # what a <form> sends
CORRECTIONS_PAGE_SIZE = 20


def _article(slug):
    article = Article.objects.published().filter(slug=slug).only("id", "title", "slug", "body").first()
    if article is None:
        raise Http404("No published article at this address.")
    return article


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, article, *, status=200, outcome, message, form=None, token="", retry_after=None, kept_text=""):
    """The same outcome as a page (no JavaScript) or as JSON (the inline form).

    ``kept_text`` is a report's text that was not sent (over the limit): the page shows it back for
    the reader to copy; the inline form still holds it, so JSON leaves it out.
    """
    if _wants_json(request):
        data = {"outcome": outcome, "message": message}
        if token:
            data["token"] = token
        if form is not None and form.errors:
            data["errors"] = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        response = JsonResponse(data, status=status)
    else:
        response = render(request, "feedback/page.html", {
            "article": article, "outcome": outcome, "message": message, "form": form, "token": token,
            "sections": display.sections(article.body) if article else [], "kept_text": kept_text,
        }, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def _refuse(request, article, status, message):
    return _answer(request, article, status=status, outcome="refused", message=message)


@csrf_exempt  # the cached article page carries no token: guard.is_same_origin and the limits stand in
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, slug):
    """GET: the report form on a page of its own (the no-JS "Report a problem" link). POST: a vote or a report."""
    if request.method != "POST":
        return report_page(request, slug)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1
    if length > MAX_BODY_BYTES:
        return _refuse(request, None, 413, "That was too long to be a message from this form. Please keep it under 1,000 characters.")
    if request.content_type not in FORM_TYPES:
        return _refuse(request, None, 415, "We could not read that: please use the form on the article page.")
    if not guard.is_same_origin(request):
        return _refuse(request, None, 403, "We only accept this form from our own pages. Please use the form on the article page.")
    article = _article(slug)
    try:
        data, files = request.POST, request.FILES
    except (RequestDataTooBig, TooManyFieldsSent, SuspiciousOperation, UnicodeDecodeError, ValueError):
        return _refuse(request, article, 400, "We could not read that: please use the form on the article page.")
    if files:
        return _refuse(request, article, 415, "This form takes no files. Please describe the problem in words.")
    if "helpful" in data and not any(name in data for name in ("reason", "section", "text")):
        return _vote(request, article, data)
    return _report(request, article, data)


def _vote(request, article, data):
    form = VoteForm(data)
    if is_bot(form):  # looks accepted; nothing is stored
        return _answer(request, article, outcome="voted", message="Thank you for your feedback.")
    if not form.is_valid():
        return _answer(request, article, status=400, outcome="invalid", message="Choose Yes or No.", form=form)
    if not guard.take(request, "vote", settings.FEEDBACK_VOTES_PER_HOUR):
        return _too_many(request, article)
    vote = services.record_vote(article, form.is_helpful)
    message = "Thank you for your feedback." + (" Tell us more below, if you like." if form.is_helpful
                                                else " Tell us what was wrong below, if you like.")
    return _answer(request, article, outcome="voted", message=message, token=services.vote_token(vote),
                   form=ReportForm(sections=display.sections(article.body)))


def _report(request, article, data):
    form = ReportForm(data, sections=display.sections(article.body))
    if is_bot(form):
        return _answer(request, article, outcome="reported", message="Thank you. Your report has been sent to our editors.")
    if not form.is_valid():
        return _answer(request, article, status=400, outcome="invalid", form=form, token=data.get("token", "")[:300],
                       message="There is a problem with your report: " + " ".join(
                           str(error) for errors in form.errors.values() for error in errors))
    if not guard.take(request, "report", settings.FEEDBACK_REPORTS_PER_HOUR):
        return _too_many(request, article, kept_text=form.cleaned_data["text"])  # shown back, never stored
    services.record_report(article, reason=form.cleaned_data["reason"], section=form.cleaned_data["section"],
                           text=form.cleaned_data["text"], token=form.cleaned_data["token"])
    return _answer(request, article, outcome="reported", message="Thank you. Your report has been sent to our editors.")


def _too_many(request, article, kept_text=""):
    """429: the limit resets on the clock hour, so the words and ``Retry-After`` come from one instant."""
    now = timezone.now()
    seconds = guard.retry_after(now.timestamp())
    return _answer(
        request, article, status=429, outcome="limited", retry_after=seconds, kept_text=kept_text,
        message="Thank you, we have received several messages from you in the last hour, which is as many as "
                f"we take at once, so this one was not sent. You can send it again {display.try_again(seconds, now)}.",
    )


@public_page(params=())
def report_page(request, slug):
    """The report form on its own page: where "Report a problem with this page" leads without JavaScript."""
    article = _article(slug)
    return render(request, "feedback/page.html", {
        "article": article, "outcome": "form", "form": ReportForm(sections=display.sections(article.body)),
        "sections": display.sections(article.body), "message": "",
    })


@public_page(keys=(CORRECTIONS,))
def corrections(request):
    """``/corrections/``: every public correction on a published article, newest first."""
    page = DeferredJoinPaginator(public_corrections(), CORRECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/corrections.html", {
        "page": page, "breadcrumbs": breadcrumbs(("Corrections", reverse("feedback:corrections"))),
    })
