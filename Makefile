# Sapat: the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
DEMO_PASSWORD := sapat-demo-2026
export DJANGO_SETTINGS_MODULE ?= sapat.settings.dev


.PHONY: run test bench install messages compilemessages lint format migrate demo demo-large worker beat e2e test-worker lock security clean

$(VENV)/.installed: requirements-dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip install --quiet --python $(PY) --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

compilemessages: install
	$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

migrate: compilemessages
	$(PY) manage.py migrate --noinput --verbosity 0

demo: migrate
	$(PY) manage.py seed_demo

## make bench: every list and detail page at 1× and 30× an agency year, for
## the director and a member of staff, against bare ListViews; PDF render +
## sign; /feedback/ under gunicorn. Prints a table, writes bench/results.json.
## BENCH_ARGS="--scales 1" for a quick run. Timings are never asserted.
bench: compilemessages
	$(PY) bench/run.py $(BENCH_ARGS)

## make demo-large: the demo data plus 30 agency years (db.sqlite3 or DATABASE_URL);
## run again, it adds nothing
demo-large: demo
	$(PY) manage.py seed_scale --scale 30 --once
	@echo "Demo logins (password for all: $(DEMO_PASSWORD)): director, deputy,"
	@echo "  quality, sysadmin, pm, referent, trainer, staff; make run serves it."

## make run: a living portal on http://127.0.0.1:8000 (SQLite, eager Celery)
run: demo
	@echo ""
	@echo "Sapat is starting on http://127.0.0.1:8000"
	@echo "Demo logins (password for all: $(DEMO_PASSWORD)):"
	@echo "  director  - Director          quality  - Quality manager"
	@echo "  deputy    - Deputy director   sysadmin - System administrator"
	@echo "  pm        - Project manager   referent - Referent"
	@echo "  trainer   - Trainer           staff    - Member of staff"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite on the embedded default (SQLite, eager Celery)
test: compilemessages
	DJANGO_SETTINGS_MODULE=sapat.settings.test $(PY) -m pytest -n 2 -q

## the tests that need a real Celery worker on Redis (REDIS_URL must be set)
test-worker: compilemessages
	DJANGO_SETTINGS_MODULE=sapat.settings.test $(PY) -m pytest -q -m worker -p celery.contrib.pytest

## the Nu HTML checker (vnu.jar) for the browser tests, pinned by
## tests/e2e/package-lock.json; its postinstall (a downloaded JDK) never runs:
## Debian's Java runs it
E2E_NODE := tests/e2e/node_modules
$(E2E_NODE)/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## browser tests against Debian's /usr/bin/chromium, with axe and vnu checks
e2e: compilemessages $(E2E_NODE)/.installed
	DJANGO_SETTINGS_MODULE=sapat.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -q -m e2e

worker: install
	$(VENV)/bin/celery -A sapat worker --loglevel INFO --concurrency 2

beat: install
	$(PY) manage.py sync_schedules
	$(VENV)/bin/celery -A sapat beat --loglevel INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

messages: install
	$(PY) manage.py makemessages --locale ky --locale ru --ignore=.venv --ignore=var --no-obsolete --no-location
	$(PY) manage.py makemessages --domain djangojs --locale ky --locale ru --ignore=.venv --ignore=var --ignore=static/vendor --no-obsolete --no-location

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0

## make security: bandit on the code, pip-audit on requirements.lock (skipped,
## saying why, when its vulnerability service cannot be reached)
security: install
	$(VENV)/bin/bandit -c pyproject.toml -r . -q
	$(PY) .ci/pip_audit.py requirements.lock

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## refresh the locks from pyproject.toml (hashes included): production
## (requirements.lock, used by the Dockerfile) and development (+ test tools)
lock:
	test -x $(VENV)/bin/uv || ($(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet "uv==$(UV_VERSION)")
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --quiet -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --quiet -o requirements-dev.lock

clean:
	rm -rf $(VENV) var db.sqlite3
