# Everything a fresh machine needs, from Python 3.11+ and make alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help setup env migrate seed run test test-postgres lint format check bench browser clean

help:
	@echo "make run       set up and serve the site with the seed story on http://127.0.0.1:$(PORT)/"
	@echo "make test      set up and run the whole test suite"
	@echo "make lint      ruff, migrations check and Django's system checks"
	@echo "make bench     body parse+render benchmark, side by side with the shortcodes package"
	@echo "make browser   install Chromium for the browser tests (Debian/Ubuntu, needs root)"

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
	$(BIN)/python manage.py loaddata seed_story

run: seed
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

test: setup
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/bench_body.py

browser:
	apt-get update -qq && apt-get install -y -qq chromium

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
