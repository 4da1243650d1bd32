"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
os.environ.setdefault("VETTED_PROCESS", "web")  # the web's short database timeouts (cms/settings.py)

application = get_asgi_application()
