"""In production, pages link hashed, compressed static files that WhiteNoise serves; nothing from a CDN."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_pages_link_hashed_compressed_static_files_and_no_cdn(client, make, tmp_path):
    make.article(slug="x")
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
        page = client.get("/articles/x/").text
    stylesheet = re.search(r'<link rel="stylesheet" href="/static/(css/site\.[0-9a-f]{12}\.css)">', page)
    assert stylesheet, "the stylesheet link is not content-hashed"
    assert (tmp_path / stylesheet.group(1)).exists()
    assert (tmp_path / (stylesheet.group(1) + ".gz")).exists()
    assets = re.findall(r'<(?:script|img)[^>]* src="([^"]+)"|<link rel="(?:stylesheet|icon)" href="([^"]+)"', page)
    assert assets and all(url.startswith("/static/") for pair in assets for url in pair if url)
