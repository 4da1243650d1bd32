"""Vetted's one settings module.

Every setting that differs between a laptop and production is read from the
environment here, and nowhere else. Development defaults are safe; production
(DEBUG off) refuses to start without what it needs, with one clear line.
"""

import datetime
import importlib.util
import math
import os
import sys
import zoneinfo
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


class SettingError(Exception):
    """A setting from the environment is missing or malformed."""


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")


def env_int(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingError(f"{name} must be a whole number (got {raw!r})") from None


def env_float(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number (got {raw!r})") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def is_weak_secret(key):
    """Django's own measure (check security.W009): shorter than 50, fewer than 5 different characters, or its placeholder."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


def _read_settings():
    debug = env_bool("DEBUG", False)

    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if not debug:
            raise SettingError("SECRET_KEY must be set when DEBUG is off (e.g. SECRET_KEY=$(openssl rand -hex 32))")
        secret_key = "django-insecure-development-only-key-do-not-use-in-production"
    elif not debug and is_weak_secret(secret_key):
        raise SettingError(
            "SECRET_KEY is too weak for production: use at least 50 characters, at least 5 of them different "
            "(e.g. SECRET_KEY=$(openssl rand -hex 32))"
        )

    allowed_hosts = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if debug else [])
    if not debug and not allowed_hosts:
        raise SettingError("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names)")
    if not debug and "*" in allowed_hosts:
        raise SettingError("ALLOWED_HOSTS must name the site's hosts when DEBUG is off, not '*'")

    # "web" for gunicorn (cms/wsgi.py), ASGI and runserver (manage.py): they set VETTED_PROCESS.
    process = os.environ.get("VETTED_PROCESS", "").strip() or "command"
    if process not in {"web", "command"}:
        raise SettingError(f"VETTED_PROCESS must be web or command (got {process!r})")
    web = process == "web"
    db_timeouts = {
        "connect": max(2, env_int("DB_CONNECT_TIMEOUT", 2 if web else 30)),
        "statement": env_float("DB_STATEMENT_TIMEOUT", 10 if web else 0),
    }
    if not (math.isfinite(db_timeouts["statement"]) and db_timeouts["statement"] >= 0):
        raise SettingError(f"DB_STATEMENT_TIMEOUT must be a number of seconds, zero (none) or more (got {db_timeouts['statement']})")
    healthz_timeout = env_float("HEALTHZ_TIMEOUT", 1.5)
    if not (math.isfinite(healthz_timeout) and healthz_timeout > 0):
        raise SettingError(f"HEALTHZ_TIMEOUT must be a number of seconds above zero (got {healthz_timeout})")

    database_url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    try:
        database = dj_database_url.parse(database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise SettingError(f"DATABASE_URL is not a database URL this site understands: {exc}") from None
    if database.get("ENGINE") not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise SettingError("DATABASE_URL must be sqlite:///... or postgres://... (got another engine)")
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})
        database["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
        database["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    else:
        # Django's backend, with a health check that needs no round trip while the connection
        # is sound (cms/postgresql/base.py).
        database["ENGINE"] = "cms.postgresql"
        database["CONN_HEALTH_CHECKS"] = True
        # No JIT compilation: it pays off only for long analytical queries, and on the review
        # schedule's counts it spent longer compiling than the query takes to run.
        database.setdefault("OPTIONS", {})
        database["OPTIONS"].setdefault("options", "-c jit=off")
        # A database that accepts connections but never answers must not hang a web worker until
        # gunicorn kills it: short limits for web processes, long ones for commands (imports,
        # migrations). libpq waits at least 2 s for a connection whatever is asked.
        database["OPTIONS"].setdefault("connect_timeout", db_timeouts["connect"])
        if db_timeouts["statement"]:
            database["OPTIONS"]["options"] += f" -c statement_timeout={round(db_timeouts['statement'] * 1000)}"
        # The article page's reads are prepared once per connection (cms/prepared.py); off behind a
        # pooler that cannot keep prepared statements. Django's own statements are never prepared.
        database["OPTIONS"].setdefault("prepare_threshold", 5 if env_bool("DB_PREPARED_STATEMENTS", True) else None)

    time_zone = os.environ.get("TIME_ZONE", "").strip() or "Europe/London"
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingError(f"TIME_ZONE must be an IANA time zone name such as Europe/London (got {time_zone!r})") from None

    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingError(f"REDIS_URL must start with redis://, rediss:// or unix:// (got {redis_url!r})")

    email_host = os.environ.get("EMAIL_HOST", "").strip()
    email_port = env_int("EMAIL_PORT", 587)
    if not 0 < email_port < 65536:
        raise SettingError(f"EMAIL_PORT must be a port number between 1 and 65535 (got {email_port})")
    for name, default in [("READING_GRADE_TARGET", 8), ("REFERENCES_STALE_YEARS", 3), ("REVIEW_ESCALATE_AFTER_DAYS", 30)]:
        if env_int(name, default) < 0:
            raise SettingError(f"{name} must be zero or more")
    if env_int("REVIEW_INTERVAL_MONTHS", 12) < 1:
        raise SettingError("REVIEW_INTERVAL_MONTHS must be at least 1")
    recheck = env_float("PAGE_CACHE_RECHECK_SECONDS", 1)
    if not (math.isfinite(recheck) and recheck >= 0):  # "nan" or "inf" would never read the database again
        raise SettingError(f"PAGE_CACHE_RECHECK_SECONDS must be a number of seconds, zero or more (got {recheck})")
    purge_urls = [u.strip().rstrip("/") for u in os.environ.get("EDGE_PURGE_URLS", "").split(",") if u.strip()]
    for url in purge_urls:
        if not url.startswith(("http://", "https://")):
            raise SettingError(f"EDGE_PURGE_URLS must be http:// or https:// addresses, comma-separated (got {url!r})")
    key_header = os.environ.get("EDGE_KEY_HEADER", "").strip() or "xkey"
    if not all(c.isalnum() or c == "-" for c in key_header):
        raise SettingError(f"EDGE_KEY_HEADER must be a header name such as xkey or Surrogate-Key (got {key_header!r})")
    if env_int("EDGE_PURGE_ATTEMPTS", 5) < 1:
        raise SettingError("EDGE_PURGE_ATTEMPTS must be at least 1")
    proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
    if proxy_ssl_header:
        header, sep, value = proxy_ssl_header.partition("=")
        if not sep or not header.strip() or not value.strip():
            raise SettingError(
                f"SECURE_PROXY_SSL_HEADER must look like X-Forwarded-Proto=https (got {proxy_ssl_header!r})"
            )
        header = "HTTP_" + header.strip().upper().replace("-", "_").removeprefix("HTTP_")
        proxy_ssl_header = (header, value.strip())

    return {
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": allowed_hosts,
        "DATABASE": database,
        "TIME_ZONE": time_zone,
        "REDIS_URL": redis_url,
        "SITE_URL": os.environ.get("SITE_URL", "").strip().rstrip("/"),
        "SITE_NAME": os.environ.get("SITE_NAME", "").strip() or "Vetted Health Library",
        "REVIEW_INTERVAL_MONTHS": env_int("REVIEW_INTERVAL_MONTHS", 12),
        "CACHE_SECONDS": env_int("CACHE_SECONDS", 300),
        "READING_GRADE_TARGET": env_int("READING_GRADE_TARGET", 8),
        "REFERENCES_STALE_YEARS": env_int("REFERENCES_STALE_YEARS", 3),
        "REVIEW_ESCALATE_AFTER_DAYS": env_int("REVIEW_ESCALATE_AFTER_DAYS", 30),
        "ARTICLE_BODY_MAX_BYTES": env_int("ARTICLE_BODY_MAX_BYTES", 500_000),
        "EMAIL_HOST": email_host,
        "EMAIL_PORT": email_port,
        "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", "").strip(),
        "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", True),
        "DEFAULT_FROM_EMAIL": os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "reviews@localhost",
        "PAGE_CACHE_SECONDS": env_int("PAGE_CACHE_SECONDS", env_int("CACHE_SECONDS", 300)),
        "HTTP_CACHE_SECONDS": env_int("HTTP_CACHE_SECONDS", 300),
        "EDGE_KEY_HEADER": key_header,
        "EDGE_PURGE_URLS": purge_urls,
        "EDGE_PURGE_BACKEND": os.environ.get("EDGE_PURGE_BACKEND", "").strip()
        or ("cms.pagecache.edge.VarnishPurge" if purge_urls else "cms.pagecache.edge.NullPurge"),
        "EDGE_PURGE_ATTEMPTS": env_int("EDGE_PURGE_ATTEMPTS", 5),
        "PAGE_CACHE_GENERATION_FILE": os.environ.get("PAGE_CACHE_GENERATION_FILE", "").strip(),
        "PAGE_CACHE_RECHECK_SECONDS": recheck,
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "").strip() or "vetted",
        "BENCH": env_bool("VETTED_BENCH", False),
        # Security (issue 9): production-safe defaults when DEBUG is off.
        "SECURE_SSL_REDIRECT": env_bool("SECURE_SSL_REDIRECT", not debug),
        "SECURE_PROXY_SSL_HEADER": proxy_ssl_header or None,
        "SECURE_HSTS_SECONDS": env_int("SECURE_HSTS_SECONDS", 0 if debug else 31_536_000),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True),
        "SECURE_HSTS_PRELOAD": env_bool("SECURE_HSTS_PRELOAD", not debug),
        "SECURE_COOKIES": env_bool("SECURE_COOKIES", not debug),
        "CSP_REPORT_ONLY": env_bool("CSP_REPORT_ONLY", False),
        "LOGIN_FAILURE_LIMIT": env_int("LOGIN_FAILURE_LIMIT", 5),
        "LOGIN_COOLOFF_MINUTES": env_float("LOGIN_COOLOFF_MINUTES", 15),
        "TRUSTED_PROXY_COUNT": env_int("TRUSTED_PROXY_COUNT", 0),
        "DB_RETRY_AFTER": env_int("DB_RETRY_AFTER", 30),
        "HEALTHZ_TIMEOUT": healthz_timeout,
        "API_ALLOW_ANONYMOUS": env_bool("API_ALLOW_ANONYMOUS", False),
        "API_LICENSE_NAME": os.environ.get("API_LICENSE_NAME", "").strip() or "Syndication licence: republish unchanged, with attribution",
        "API_LICENSE_URL": os.environ.get("API_LICENSE_URL", "").strip(),
        **_read_media_settings(debug),
    }


def _read_media_settings(debug):
    """Uploads and their storage (docs/media.md)."""
    limits = {name: env_int(name, default) for name, default in
              [("MEDIA_MAX_UPLOAD_BYTES", 20_000_000), ("MEDIA_MAX_PIXELS", 50_000_000), ("MEDIA_MAX_SIDE", 16_000)]}
    for name, value in limits.items():
        if value < 1:
            raise SettingError(f"{name} must be a positive whole number (got {value})")
    bucket = os.environ.get("MEDIA_S3_BUCKET", "").strip()
    if bucket and importlib.util.find_spec("boto3") is None:
        raise SettingError("MEDIA_S3_BUCKET is set but boto3 is not installed: pip install boto3 (docs/media.md)")
    return {**limits, "MEDIA_S3_BUCKET": bucket, "SERVE_MEDIA": env_bool("SERVE_MEDIA", debug)}


try:
    _env = _read_settings()
except SettingError as error:
    sys.stderr.write(f"Vetted cannot start: {error}\n")
    raise SystemExit(2) from None

DEBUG = _env["DEBUG"]
SECRET_KEY = _env["SECRET_KEY"]
ALLOWED_HOSTS = _env["ALLOWED_HOSTS"]
SITE_NAME = _env["SITE_NAME"]
# Absolute base URL for feeds, sitemaps and canonical links when the site sits behind a proxy.
SITE_URL = _env["SITE_URL"]
REVIEW_INTERVAL_MONTHS = _env["REVIEW_INTERVAL_MONTHS"]
# The review cycle (articles/reviews/schedule.py): reading-grade target shown in the admin, when
# "referenced on" counts as stale, and how overdue a review gets before the editors hear of it.
READING_GRADE_TARGET = _env["READING_GRADE_TARGET"]
REFERENCES_STALE_YEARS = _env["REFERENCES_STALE_YEARS"]
REVIEW_ESCALATE_AFTER_DAYS = _env["REVIEW_ESCALATE_AFTER_DAYS"]
# The largest article body (UTF-8 bytes of its HTML) the admin form and the importers accept
# (articles/content/fields.py, validate_body_size): PostgreSQL's search vector fails beyond about 1 MB
# of distinct words, and a 30 MB body makes every search that reads it take seconds.
ARTICLE_BODY_MAX_BYTES = _env["ARTICLE_BODY_MAX_BYTES"]
# Email (review reminders), with Django 6.1's MAILERS (the EMAIL_* settings are deprecated):
# printed to the console unless EMAIL_HOST names an SMTP server.
if _env["EMAIL_HOST"]:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _env["EMAIL_HOST"],
                "port": _env["EMAIL_PORT"],
                "username": _env["EMAIL_HOST_USER"],
                "password": _env["EMAIL_HOST_PASSWORD"],
                "use_tls": _env["EMAIL_USE_TLS"],
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = _env["DEFAULT_FROM_EMAIL"]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Public pages cached for anonymous readers this long (0: off); a shared cache in front (Varnish, a
# CDN) may keep them HTTP_CACHE_SECONDS (their s-maxage), and is purged when they change
# (docs/edge-cache.md).
PAGE_CACHE_SECONDS = _env["PAGE_CACHE_SECONDS"]
HTTP_CACHE_SECONDS = _env["HTTP_CACHE_SECONDS"]
EDGE_KEY_HEADER = _env["EDGE_KEY_HEADER"]
EDGE_PURGE_BACKEND = _env["EDGE_PURGE_BACKEND"]
EDGE_PURGE_OPTIONS = {"urls": _env["EDGE_PURGE_URLS"]} if _env["EDGE_PURGE_URLS"] else {}
EDGE_PURGE_ATTEMPTS = _env["EDGE_PURGE_ATTEMPTS"]
# Local-memory cache only (docs/performance.md): the file through which the workers
# of one machine share the content generation ("" = a private one in the temporary directory), and
# how often each worker also reads the database's, for edits made on other machines.
PAGE_CACHE_GENERATION_FILE = _env["PAGE_CACHE_GENERATION_FILE"]
PAGE_CACHE_RECHECK_SECONDS = _env["PAGE_CACHE_RECHECK_SECONDS"]
# The syndication API (docs/api.md): whether a request without a key may read (default: a key is
# required), and the licence every article carries.
API_ALLOW_ANONYMOUS = _env["API_ALLOW_ANONYMOUS"]
API_LICENSE_NAME = _env["API_LICENSE_NAME"]
API_LICENSE_URL = _env["API_LICENSE_URL"]
# VETTED_BENCH=1 adds `make bench`'s references: /bench/trivial/ and the article without its feedback form.
VETTED_BENCH = _env["BENCH"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "simple_history",
    "axes",
    "django_tasks_db",
    "ninja",  # the API's docs page is served from its static files (no CDN)
    "cms.background",
    "articles",
    "articles.api",
    "articles.feedback",
    "articles.media",
    "references",
]

MIDDLEWARE = [
    # First: serves cached public pages to anonymous readers before anything else runs.
    "cms.pagecache.middleware.PageCacheMiddleware",
    # What a shared cache in front may store: only pages marked public, never with a cookie or for staff.
    "cms.pagecache.edge.EdgeHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cms.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cms.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.public.redirects.ArticleRedirectFallbackMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: the site's own 404 page with DEBUG on too (?debug shows Django's).
    "cms.middleware.SiteNotFoundPageMiddleware",
]

ROOT_URLCONF = "cms.urls"

# models.W040: SQLite keeps a covering index's key but not its included columns. The review
# schedule's index (articles.Article.Meta) is there for PostgreSQL, the production database.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    # The public pages (templates/jinja2/): Jinja2, for the uncached article page's CPU (cms/jinja2.py);
    # the environment with the articles' helpers (articles/jinja2.py), so cms never imports articles.
    {
        "BACKEND": "cms.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.jinja2.environment",
            "context_processors": ["cms.context_processors.site"],
        },
    },
    # The admin, the staff pages (they extend the admin's), e-mails, feeds and sitemaps.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "cms.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": _env["DATABASE"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if _env["REDIS_URL"]:
    CACHES = {
        "default": {
            # Django's Redis cache that serves uncached (and logs once) when Redis is unreachable.
            "BACKEND": "cms.cache.ResilientRedisCache",
            "LOCATION": _env["REDIS_URL"],
            "KEY_PREFIX": _env["CACHE_KEY_PREFIX"],
            "TIMEOUT": _env["CACHE_SECONDS"],
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "vetted",
            "TIMEOUT": _env["CACHE_SECONDS"],
            "KEY_PREFIX": _env["CACHE_KEY_PREFIX"],
            "OPTIONS": {"MAX_ENTRIES": 1000},  # about 30 MB of pages per worker at most
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = _env["TIME_ZONE"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Media (issue 24, docs/media.md): uploads on the file system under MEDIA_ROOT on a laptop
# (`make run` serves them), S3-compatible object storage in production when MEDIA_S3_BUCKET is
# set (django-storages; boto3 installed there). Django never serves media in production.
MEDIA_URL = os.environ.get("MEDIA_URL", "").strip() or "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "").strip() or BASE_DIR / "media")
# Django serves MEDIA_URL itself only on a laptop (DEBUG) or when told; never in production.
SERVE_MEDIA = _env["SERVE_MEDIA"] and not MEDIA_URL.startswith(("http://", "https://"))
# Uploads larger than this many bytes, pixels, or pixels on a side are refused with a message.
MEDIA_MAX_UPLOAD_BYTES = _env["MEDIA_MAX_UPLOAD_BYTES"]
MEDIA_MAX_PIXELS = _env["MEDIA_MAX_PIXELS"]
MEDIA_MAX_SIDE = _env["MEDIA_MAX_SIDE"]
if _env["MEDIA_S3_BUCKET"]:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _env["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("MEDIA_S3_REGION", "").strip() or None,
            "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "").strip() or None,
            "location": os.environ.get("MEDIA_S3_PREFIX", "").strip(),
            "default_acl": None,
            "querystring_auth": False,  # public pictures, stable URLs the page cache can keep
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
# Pictures on another host (object storage, its CDN) are allowed by the Content Security Policy.
_MEDIA_HOSTS = [MEDIA_URL] if MEDIA_URL.startswith(("https://", "http://")) else []
if os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "").strip():
    _MEDIA_HOSTS.append("https://" + os.environ["MEDIA_S3_CUSTOM_DOMAIN"].strip())
# Renditions (django-imagekit): made once at upload into MEDIA_ROOT/r/, never on a request, under short
# names (articles.media.processing.rendition_name; those made before under renditions/ keep their names).
IMAGEKIT_CACHEFILE_DIR = "r"
IMAGEKIT_SPEC_CACHEFILE_NAMER = "articles.media.processing.rendition_name"
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"

LOGIN_URL = "admin:login"
# Where a sign-in lands when its next= is missing or refused as unsafe (Django's default, /accounts/profile/, is no page here).
LOGIN_REDIRECT_URL = "admin:index"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

TAGGIT_CASE_INSENSITIVE = True

# Background work (webhook deliveries, purges, link checks, reminders; docs/background-tasks.md): Django's
# tasks framework, stored in the site's own database by django-tasks-db and run by `manage.py db_worker`.
# `make run` starts a worker beside the development server; tests run tasks at once (cms/test_settings.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# dumpdata/loaddata backups keep timestamps to the microsecond (Django's JSON cuts them to milliseconds).
SERIALIZATION_MODULES = {"json": "cms.backup_json"}
# --- Security (issue 9; docs/security.md) ---------------------------------

# HTTPS: redirect, HSTS and secure cookies are on whenever DEBUG is off.
SECURE_SSL_REDIRECT = _env["SECURE_SSL_REDIRECT"]
# A load balancer checks /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if _env["SECURE_PROXY_SSL_HEADER"]:
    SECURE_PROXY_SSL_HEADER = _env["SECURE_PROXY_SSL_HEADER"]
SECURE_HSTS_SECONDS = _env["SECURE_HSTS_SECONDS"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and SECURE_HSTS_SECONDS > 0
# Preloading needs includeSubDomains (hstspreload.org refuses the domain otherwise).
SECURE_HSTS_PRELOAD = _env["SECURE_HSTS_PRELOAD"] and SECURE_HSTS_INCLUDE_SUBDOMAINS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env["SECURE_COOKIES"]
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # no reader's health topic leaks to the sites we cite
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The article body's own editor extensions: a callout block, and tables with a header row by default
# (articles/content/html.py keeps the sanitiser in step).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("articles/admin/editor-extensions.js")], "extensions": {"Callout": "articles.content.html.callout_allowlist", "LibraryFigure": "articles.content.html.figure_allowlist"}},
]

# Content Security Policy (Django's built-in middleware). Everything is self-hosted;
# no inline script or style except the admin's and the editor's, which carry a per-request
# nonce. JSON-LD blocks are data, not script, and are not subject to script-src.
# The one inline <style> the rich-text editor (Tiptap, inside django-prose-editor) injects and
# offers no way to give a nonce; allowed by its hash. An editor upgrade that changes it
# shows up as a violation in tests/browser/test_csp.py, which prints the new hash.
EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
_CSP_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, EDITOR_STYLE_HASH],
    "img-src": [CSP.SELF, "data:", *_MEDIA_HOSTS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if _env["CSP_REPORT_ONLY"]:
    SECURE_CSP_REPORT_ONLY = _CSP_POLICY
else:
    SECURE_CSP = _CSP_POLICY

# Database down or locked: public pages answer 503 with this Retry-After (cms/middleware.py).
DB_RETRY_AFTER = _env["DB_RETRY_AFTER"]
# /healthz answers "down" when the database has not answered within this many seconds (cms/health.py).
HEALTHZ_TIMEOUT = _env["HEALTHZ_TIMEOUT"]

# Login throttling (django-axes): a user name from one address is locked out after
# LOGIN_FAILURE_LIMIT failures for LOGIN_COOLOFF_MINUTES. Keyed on both, so nobody can
# lock a real editor out from elsewhere by guessing at their user name.
AUTHENTICATION_BACKENDS = [
    "cms.security.ThrottledLoginBackend",  # django-axes
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _env["LOGIN_FAILURE_LIMIT"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_env["LOGIN_COOLOFF_MINUTES"])
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cms.security.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password"]
TRUSTED_PROXY_COUNT = _env["TRUSTED_PROXY_COUNT"]
# Lockouts and failures are WARNING (kept); the start-up banner of every command is not.
LOGGING["loggers"]["axes.apps"] = {"level": "WARNING"}

# Reader feedback (articles/feedback, docs/feedback.md): reports a visitor may send an hour, when
# a "medical information is wrong" report is emailed (at once, or with `review_due --notify`),
# the "helpful" threshold that flags an article for review, and the form's notice and its links.
FEEDBACK_REPORTS_PER_HOUR = env_int("FEEDBACK_REPORTS_PER_HOUR", 5)
FEEDBACK_VOTES_PER_HOUR = env_int("FEEDBACK_VOTES_PER_HOUR", 30)
FEEDBACK_NOTIFY_AT_ONCE = env_bool("FEEDBACK_NOTIFY_AT_ONCE", False)
FEEDBACK_HELPFUL_THRESHOLD = env_int("FEEDBACK_HELPFUL_THRESHOLD", 60)
FEEDBACK_HELPFUL_MIN_ANSWERS = env_int("FEEDBACK_HELPFUL_MIN_ANSWERS", 20)
FEEDBACK_NOTICE = os.environ.get("FEEDBACK_NOTICE", "").strip() or (
    "This form is not for medical advice, emergencies or complaints, and nobody will reply to it. "
    "In an emergency call 999 (or your local emergency number). For advice about your own health, "
    "contact your doctor, pharmacist or care team."
)
# "label|address" pairs separated by ";" in the environment.
FEEDBACK_HELP_LINKS = [
    tuple(part.strip() for part in pair.split("|", 1))
    for pair in (os.environ.get("FEEDBACK_HELP_LINKS", "").strip()
                 or "Urgent help: NHS 111 online|https://111.nhs.uk/;Making a complaint about NHS care|https://www.nhs.uk/using-the-nhs/about-the-nhs/how-to-complain-to-the-nhs/").split(";")
    if "|" in pair
]
