"""Project-wide middleware: a database outage answers 503, not a traceback."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader

from .views import page_not_found

logger = logging.getLogger("cms.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)

# PostgreSQL's SQLSTATE classes that mean the server cannot serve now: connection exceptions,
# insufficient resources (too many connections, disk full), operator intervention (shutting down,
# starting up, a statement cancelled by statement_timeout). Others (54000: a tsvector too long)
# are the query's own fault.
_POSTGRESQL_OUTAGE_CLASSES = {"08", "53", "57", "58"}
# SQLite's primary result codes for the same: busy or locked, out of memory, I/O error, disk
# full, cannot open the file. Others ("no such table", too many variables) are bugs.
_SQLITE_OUTAGE_CODES = {5, 6, 7, 10, 13, 14}


def is_database_outage(exc):
    """Whether ``exc`` means the database is down, unreachable, overloaded or locked (not a bug in a query).

    Django's ``OperationalError`` covers both, so the driver's error it wraps decides; an error
    without one (nothing to go by) counts as an outage.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if cause is None:
        return True
    if hasattr(cause, "sqlstate"):  # psycopg; None when the client could not connect at all
        return cause.sqlstate is None or cause.sqlstate[:2] in _POSTGRESQL_OUTAGE_CLASSES
    code = getattr(cause, "sqlite_errorcode", None)
    return code is None or code & 0xFF in _SQLITE_OUTAGE_CODES


def plain_page(template_name, status):
    """A static error page that needs neither the database, static files nor a context processor.

    Its one inline <style> is allowed for this response only: the page holds no user content.
    """
    response = HttpResponse(loader.get_template(template_name).render(), status=status)
    for name in ("SECURE_CSP", "SECURE_CSP_REPORT_ONLY"):
        policy = getattr(settings, name, None)
        if policy:
            attr = "_csp_config" if name == "SECURE_CSP" else "_csp_ro_config"
            setattr(response, attr, {**policy, "style-src": ["'unsafe-inline'"]})
    return response


def service_unavailable():
    """The plain 503 page, with Retry-After."""
    response = plain_page("503.html", 503)
    response["Retry-After"] = str(settings.DB_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database outage raised by a view into a 503 with ``Retry-After``.

    Outages raised outside the view (e.g. by the session middleware) reach the
    500 handler, which answers the same page (``cms.views.server_error``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.error("Database unavailable while serving %s: %s", request.path, exception)
        return service_unavailable()


class RejectNullCharactersMiddleware:
    """Answer 400 to a NUL character in the path or query string.

    No page has a use for one, and PostgreSQL refuses NUL in a string literal, so a
    NUL reaching a query would otherwise be a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get(
            "QUERY_STRING", ""
        ):
            message = "Bad request: the address contains a NUL character."
            if request.path.startswith("/api/"):  # the API's errors are JSON (docs/api.md)
                return JsonResponse({"error": {"code": "bad_request", "message": message}}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)


class SiteNotFoundPageMiddleware:
    """With DEBUG on (``make run``), a missing page is still the site's own 404, as readers see it in production.

    Django answers Django's technical 404 whenever DEBUG is on; ``?debug`` in the address shows that
    one to a developer. With DEBUG off Django uses ``handler404`` (``cms.views.page_not_found``) itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and "debug" not in request.GET
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request)
        return response
