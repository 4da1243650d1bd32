"""The contract: Schemathesis generates requests from /api/v1/openapi.json and sends them to the
Django application through WSGI. No input may get a 5xx, and every response must match the schema
(status codes, headers and bodies, the error shape included)."""

import re
import time

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from articles.api import webhooks
from articles.api.models import ApiKey
from articles.api.schemas import ErrorBody

# Read through WSGI when the tests are collected: the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: a request through WSGI must not close the connection that
    holds the test's transaction (PostgreSQL would lose it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def contract_key(db, partner, keep_test_connection):
    """The demo content to read, and a key whose rate limit the generated requests never reach."""
    call_command("load_demo", verbosity=0)
    cache.clear()
    return ApiKey.issue(partner=partner, name="contract", rate_limit=100_000)[1]


# Two of Schemathesis's checks judge the API's choices rather than the contract: a string that fits
# the schema may still be no date ("2026-02-30" is 400, which the schema cannot say), and unknown
# query parameters are ignored, as partners' tracking parameters should be. Every other check runs:
# no 5xx, and status codes, content types, headers and bodies as the document declares them.
LENIENT = [positive_data_acceptance, negative_data_rejection]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case, contract_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {contract_key}"}, excluded_checks=LENIENT)


def test_the_document_is_openapi_3_1_and_names_every_endpoint(db, client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/articles", "/api/v1/articles/{slug}", "/api/v1/search", "/api/v1/series", "/api/v1/reviewers",
            "/api/v1/tags"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]


def test_the_docs_page_uses_our_own_static_files(db, client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


def _guide(client):
    return client.get("/api/v1/openapi.json").json()["info"]["description"]


def test_the_docs_page_explains_keys_errors_and_webhooks_itself(db, client):
    """Partners read the guide on the page (Swagger shows the description), never a path into our repository."""
    guide = _guide(client)
    assert ".md" not in guide and "docs/" not in guide
    assert "X-API-Key" in guide and "Authorization: Bearer" in guide and "X-Vetted-Signature" in guide
    codes = re.findall(r"[a-z_]+", ErrorBody.model_fields["code"].description.split(":", 1)[1])
    assert codes and all(f"`{code}`" in guide for code in codes)


def test_the_signature_check_on_the_docs_page_accepts_what_we_send(db, client):
    """The guide's Python check, run as a partner would, accepts our signature and refuses a changed body or an old one."""
    code = re.search(r"```python\n(.*?)```", _guide(client), re.DOTALL).group(1)
    namespace = {}
    exec(code, namespace)  # noqa: S102 - our own documentation's example
    verified, body, now = namespace["verified"], b'{"event": "updated"}', int(time.time())
    assert verified("secret", webhooks.sign("secret", now, body), body)
    assert not verified("secret", webhooks.sign("secret", now, body), body + b" ")
    assert not verified("secret", webhooks.sign("secret", now - 3600, body), body)
