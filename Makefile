# Vetted: `make run` serves the demo site, `make test` runs the whole suite.
# Both create .venv with Python 3.12+ and install the pinned requirements first.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Find a Python >= 3.12 by running each candidate (a pyenv shim that is not
# activated exits non-zero, so it is skipped), the newest first: the article page
# takes 8% less CPU on 3.13 than on 3.12 (docs/performance.md, "Large catalogues"). PYTHON=... overrides.
PY_CANDIDATES := python3.14 python3.13 \
	$(shell ls -d $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3 /root/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rVu) \
	$(shell ls -d /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] 2>/dev/null | sort -rVu) \
	python3.12 python3 python
find_python = $(firstword $(foreach c,$(1),$(shell command -v $(c) >/dev/null 2>&1 && $(c) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1 && command -v $(c))))

.PHONY: help install run serve serve-edge test lint migrate demo clean bench soak

help:
	@echo "make run    - install, migrate, load demo content, serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   - install, then run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   - ruff and makemigrations --check"
	@echo "make serve  - production server: gunicorn with cms/gunicorn.conf.py (needs SECRET_KEY, ALLOWED_HOSTS)"
	@echo "make serve-edge - Varnish on :8080 (EDGE_PORT) in front of two gunicorn app servers, a task worker, PostgreSQL and Redis"
	@echo "make bench  - benchmarks (queries, throughput, 100,000 articles on PostgreSQL); see docs/performance.md"
	@echo "make soak   - 60 s at 64 connections through gunicorn: zero errors, workers' memory flat (not in make test)"

$(BIN)/python:
	@py="$(if $(PYTHON),$(PYTHON),$(call find_python,$(PY_CANDIDATES)))"; \
	if [ -z "$$py" ] || ! "$$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
		echo "make: no Python 3.12 or newer found (tried $(if $(PYTHON),PYTHON=$(PYTHON),python3.14 python3.13 python3.12 python3 python and pyenv's versions)); install one or set PYTHON=/path/to/python3.12" >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(VENV)/.installed

# Development: .env (DEBUG=1, git-ignored) is written once and read by every later manage.py command
# (cms/development.py). load_demo comes last, so its box with the demo accounts stays on screen.
run: install
	@$(BIN)/python -m cms.development
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(BIN)/python manage.py load_demo
	@# A background worker for django.tasks (webhook deliveries, purges) beside the server, stopped with it.
	@$(BIN)/python manage.py db_worker --no-startup-delay --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	@if [ -x "$${CHROMIUM:-/usr/bin/chromium}" ]; then \
		echo "Browser tests: running with $${CHROMIUM:-/usr/bin/chromium}"; \
	else \
		echo "Browser tests: SKIPPED - no Chromium at $${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium to run them)"; \
	fi
	@echo "Database: $${DATABASE_URL:-sqlite (default)}"
	$(BIN)/python -m pytest --ds=cms.test_settings $(PYTEST_ARGS)

# Production: DEBUG off, settings from the environment (docs/settings.md), gunicorn in front.
serve: install
	DJANGO_SETTINGS_MODULE=cms.settings $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=cms.settings $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_SETTINGS_MODULE=cms.settings exec $(BIN)/gunicorn -c cms/gunicorn.conf.py

# The production shape on one machine (docs/edge-cache.md): Varnish (installed with apt if missing)
# on EDGE_PORT (8080) in front of two gunicorn app servers (EDGE_APP_PORTS, 8001,8002), a task worker,
# PostgreSQL and Redis (started if down). DATABASE_URL, REDIS_URL, SECRET_KEY... as for `make serve`.
serve-edge: install
	$(BIN)/python -m cms.pagecache.serve_edge

# Not part of `make test`: takes minutes and measures this machine. BENCH_ARTICLES=10000 for a
# shorter run; BENCH_DATABASE_URL names the PostgreSQL database it may fill (and reuse).
bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk (Debian package) for the load test"; \
		(apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null 2>&1)) \
		|| echo "wrk not available: the bench falls back to its own small client"; }
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Not part of `make test`: a minute of load on this machine (docs/security.md).
soak: install
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk (Debian package) for the load test"; \
		(apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null 2>&1)) \
		|| echo "wrk not available: the soak falls back to its own async client"; }
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
