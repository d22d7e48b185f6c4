# Everything a fresh machine needs, from Python 3.11+ and make alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes: one per core (pytest-xdist); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

.PHONY: help setup env migrate seed run serve test test-postgres lint format check bench axe browser clean

help:
	@echo "make run       set up and serve the site with the seed story on http://127.0.0.1:$(PORT)/"
	@echo "make serve     the production-like start: migrate, collectstatic, seed, gunicorn on 127.0.0.1:$(PORT)"
	@echo "make test      set up and run the whole test suite"
	@echo "make lint      ruff, migrations check and Django's system checks"
	@echo "make bench     body rendering, a 10,000-post WordPress import, moving a site, then the site under load"
	@echo "make browser   install Chromium and npm for the browser tests (Debian/Ubuntu, needs root)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed .env

# A local .env for development: DEBUG on and a fresh random SECRET_KEY. An existing one is kept.
.env:
	@printf 'DEBUG=True\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env (DEBUG on, random SECRET_KEY)."

env: .env

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed

run: seed
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# As production runs it: DEBUG off, static files collected with hashed and compressed names,
# gunicorn with $$WEB_CONCURRENCY workers (default 2) on 127.0.0.1:$$PORT (gunicorn.conf.py).
serve: export DEBUG := False
serve: setup
	$(BIN)/python manage.py migrate --noinput
	@# Static files first: the seed story's snapshot is its page as served, with their addresses.
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed
	PORT=$(PORT) exec $(BIN)/gunicorn --config gunicorn.conf.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

test: setup axe
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# Body rendering in process, then the site under load (bench/bench_http.py: gunicorn and wrk at
# 10,000 articles, about 15 minutes; BENCH_ARGS="--articles 1000 --rounds 1" for a quick look).
# wrk comes from Debian's package when it is missing and apt is at hand.
bench: setup
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	@# The body benchmark exits non-zero when it misses a target; the HTTP one runs all the same.
	-$(BIN)/python bench/bench_body.py
	@# The WordPress import of a generated 10,000-post export: time and peak memory, then a re-run.
	-$(BIN)/python bench/bench_wordpress.py
	@# The archive at 10,000 and 100,000 stories: seed_bulk, search, sitemaps, the admin list,
	@# the cold article page (bench/bench_archive.py; ARCHIVE_ARGS="--sizes 1000 10000" for less).
	-$(BIN)/python bench/bench_archive.py $(ARCHIVE_ARGS)
	@# Moving a whole site: export_site and import_site at 1,000 and 10,000 stories, time and
	@# peak memory (bench/bench_portability.py; PORTABILITY_ARGS="--sizes 10000" for one size).
	-$(BIN)/python bench/bench_portability.py $(PORTABILITY_ARGS)
	@# The read API without the page cache beside the pages it mirrors, in process, on 1,000
	@# stories (bench/bench_api.py: p50 and CPU time of the home page vs the list, the article
	@# page vs the API's story).
	-$(BIN)/python bench/bench_api.py
	$(BIN)/python bench/bench_http.py $(BENCH_ARGS)

# axe-core (pinned in package-lock.json) runs the browser tests' accessibility audit. Without npm
# those tests skip and say why, so a machine with Python alone can still run `make test`.
axe:
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	  else echo "npm not found: the browser tests will skip their accessibility audit (make browser installs it)."; fi; \
	fi

browser:
	apt-get update -qq && apt-get install -y -qq chromium $$(command -v npm >/dev/null || echo npm)
	$(MAKE) axe

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts node_modules
