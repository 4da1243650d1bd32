"""WSGI entry point (gunicorn cms.wsgi).

Fresh cached pages are answered before Django's handler runs (``cms.pagecache.middleware.PageCacheApplication``);
everything else is Django's.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
os.environ.setdefault("VETTED_PROCESS", "web")  # the web's short database timeouts (cms/settings.py)

application = get_wsgi_application()

from cms.pagecache.middleware import PageCacheApplication  # noqa: E402  (needs the apps loaded above)

application = PageCacheApplication(application)
