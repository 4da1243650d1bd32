"""Check that references' web addresses still answer, without ever hanging.

Each URL gets a HEAD request, then a GET when HEAD is refused or fails (many
servers answer HEAD with 403, 404, 405 or 501 but serve the page to a browser),
following redirects. Every request has its own deadline and the whole run has a
total one; a URL still unanswered when the run's time is up is left unchecked
(its previous result stays) and counted in the summary.

The network part is asyncio with httpx; the results are written to the
database afterwards, in one transaction, from ordinary synchronous code.
"""

import asyncio
import datetime
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .identifiers import normalise_url, url_problem
from .models import Reference

USER_AGENT = "VettedLinkChecker/1.0 (reference link check)"
MAX_REDIRECTS = 10
# Be polite: never more than this many requests at once to one host, whatever --concurrency says.
PER_HOST_LIMIT = 2
# HEAD answers that do not mean the page is gone: ask again with GET.
_RETRY_WITH_GET = {400, 403, 404, 405, 406, 429, 500, 501, 502, 503}


@dataclass
class LinkResult:
    """What one URL answered: a status and final URL, or an error."""

    reference_id: int
    url: str
    status: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def broken(self):
        return self.status is None or self.status >= 400

    @property
    def redirected(self):
        return not self.broken and bool(self.final_url)


@dataclass
class CheckSummary:
    """The outcome of a run, for the command's last lines."""

    results: list[LinkResult] = field(default_factory=list)
    unchecked: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self):
        return [r for r in self.results if not r.broken and not r.redirected]

    @property
    def broken(self):
        return [r for r in self.results if r.broken]

    @property
    def redirected(self):
        return [r for r in self.results if r.redirected]

    def describe(self):
        """One paragraph: counts by outcome and the kinds of failure."""
        reasons = Counter(str(r.status) if r.status else r.error.split(":")[0] for r in self.broken)
        detail = ", ".join(f"{reason}: {count}" for reason, count in sorted(reasons.items()))
        text = (
            f"Checked {len(self.results)} reference{'s' if len(self.results) != 1 else ''} in {self.seconds:.1f} s: "
            f"{len(self.ok)} OK, {len(self.redirected)} redirected, {len(self.broken)} broken"
        )
        text += f" ({detail})." if detail else "."
        if self.unchecked:
            text += f" {len(self.unchecked)} not checked: the run's time limit was reached."
        return text


def stale_references(only_stale_days=None, now=None):
    """References with a URL, optionally only those unchecked for ``only_stale_days`` days or never."""
    references = Reference.objects.exclude(url="").order_by("pk")
    if only_stale_days is not None:
        cutoff = (now or timezone.now()) - datetime.timedelta(days=only_stale_days)
        references = references.filter(Q(checked_at=None) | Q(checked_at__lt=cutoff))
    return references


def check_references(references, *, concurrency=10, timeout=10.0, max_time=600.0, progress=None):
    """Check ``references``' URLs and store each answer; return a :class:`CheckSummary`.

    ``progress`` is called once per finished URL (for a progress bar).
    """
    targets = [(ref.pk, ref.url) for ref in references]
    started = time.monotonic()
    results = _run_to_completion(
        check_urls(targets, concurrency=concurrency, timeout=timeout, max_time=max_time, progress=progress)
    )
    summary = CheckSummary(
        results=results,
        unchecked=sorted({pk for pk, _ in targets} - {r.reference_id for r in results}),
        seconds=time.monotonic() - started,
    )
    save_results(results)
    return summary


def _run_to_completion(coroutine):
    """``asyncio.run``, also from a thread that already runs an event loop (then in a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def save_results(results, now=None):
    """Record each result on its reference, all in one transaction."""
    now = now or timezone.now()
    by_id = {r.reference_id: r for r in results}
    with transaction.atomic():
        references = list(Reference.objects.select_for_update().filter(pk__in=by_id).order_by("pk"))
        for reference in references:
            result = by_id[reference.pk]
            reference.checked_at = now
            reference.http_status = result.status
            reference.final_url = result.final_url[:1000]
            reference.check_error = result.error[:300]
        Reference.objects.bulk_update(references, ["checked_at", "http_status", "final_url", "check_error"])


async def check_urls(targets, *, concurrency=10, timeout=10.0, max_time=600.0, progress=None):
    """Check ``[(reference id, url)]`` concurrently; results of those finished within ``max_time``."""
    semaphore = asyncio.Semaphore(max(1, concurrency))
    results = []
    limits = httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=max(1, concurrency))
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        limits=limits,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        trust_env=False,
    ) as client:

        per_host = {}

        async def run(pk, url):
            host_semaphore = per_host.setdefault(_host(url), asyncio.Semaphore(PER_HOST_LIMIT))
            # The host's turn first, so a busy host does not hold slots other hosts could use.
            async with host_semaphore, semaphore:
                result = await check_url(client, pk, url, timeout)
            results.append(result)
            if progress:
                progress(result)

        tasks = [asyncio.create_task(run(pk, url)) for pk, url in targets]
        if tasks:
            done, pending = await asyncio.wait(tasks, timeout=max_time)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
    return results


async def check_url(client, reference_id, url, timeout):
    """HEAD, then GET if HEAD is refused; each request bounded by ``timeout`` seconds in all."""
    result = LinkResult(reference_id=reference_id, url=url)
    problem = _malformed(url)
    if problem:
        result.error = f"malformed URL: {problem}"
        return result
    try:
        response = await _request(client, "HEAD", url, timeout)
        if response.status_code in _RETRY_WITH_GET:
            response = await _request(client, "GET", url, timeout)
    except httpx.InvalidURL as exc:
        result.error = f"malformed URL: {exc}"[:300]
        return result
    except (httpx.RemoteProtocolError, httpx.ReadError):
        # Some servers drop HEAD requests on the floor; GET is the real test.
        try:
            response = await _request(client, "GET", url, timeout)
        except Exception as exc:  # every failure is a result, never a crash
            result.error = _describe(exc)
            return result
    except Exception as exc:
        result.error = _describe(exc)
        return result
    result.status = response.status_code
    final = str(response.url)
    if normalise_url(final) != normalise_url(url):
        result.final_url = final
    return result


async def _request(client, method, url, timeout):
    # httpx's timeout bounds each phase; this bounds the whole exchange, redirects included.
    async with asyncio.timeout(timeout):
        async with client.stream(method, url) as response:
            return response


def _host(url):
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _malformed(url):
    """Why ``url`` cannot be requested, or an empty string."""
    problem = url_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"}:
        return "only http and https addresses can be checked"
    if not parts.hostname:
        return "no host name"
    if any(char.isspace() for char in url):
        return "contains spaces"
    return ""


def _describe(exc):
    """A short, stable reason for the admin and the summary ("timeout: ...")."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        kind = "timeout"
        text = "no answer in time"
    elif isinstance(exc, httpx.TooManyRedirects):
        kind, text = "redirect loop", str(exc)
    elif isinstance(exc, httpx.ConnectError):
        kind, text = "connection failed", str(exc) or "refused or unreachable"
    elif isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        kind, text = "malformed URL", str(exc)
    elif isinstance(exc, httpx.HTTPError):
        kind, text = "HTTP error", str(exc) or type(exc).__name__
    else:
        kind, text = "error", str(exc) or type(exc).__name__
    return f"{kind}: {text}"[:300]
