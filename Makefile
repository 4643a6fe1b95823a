# Taibao Market. `make run` for the demo, `make test` for the whole suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1:8000

.PHONY: stripe-fake run demo install install-test lock test lint check browser worker prod backuptest bench loadtest faulttest messages clean

## Installs come from the lock files (exact versions, the same in CI and production),
## then the project itself without resolving anything again. `make lock` refreshes them.
LOCK_RUN  := requirements/run.txt
LOCK_TEST := requirements/test.txt

$(VENV)/.installed-run: pyproject.toml $(LOCK_RUN)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(LOCK_RUN)
	$(PY) -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK_TEST)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(LOCK_TEST)
	$(PY) -m pip install -q --no-deps -e .
	touch $@ $(VENV)/.installed-run

## Re-pin after changing dependencies in pyproject.toml: versions already pinned stay,
## new ones are resolved for this Python. `make lock UPGRADE=1` moves every pin to the
## newest version its range allows. The test set is resolved first; the run set is held
## to the same versions.
UPGRADE ?=
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(PY) -m piptools compile -q --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q "pip-tools>=7.4,<8"
	$(PIP_COMPILE) --extra test -o $(LOCK_TEST) pyproject.toml
	$(PIP_COMPILE) -c $(LOCK_TEST) -o $(LOCK_RUN) pyproject.toml

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

## The demo: SQLite in the project folder, tasks in-process, no services needed.
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver $(HOST)

## The whole suite. Uses DATABASE_URL / REDIS_URL when set (CI sets both).
test: install-test browser
	$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## Headless Chromium for the browser tests (Debian's package; Playwright drives it).
browser:
	@if [ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: install Debian's 'chromium' package or set CHROMIUM_PATH"; exit 1; \
	fi

## A Celery worker with beat against REDIS_URL.
worker: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL, e.g. redis://127.0.0.1:6379/0"; exit 1; }
	$(VENV)/bin/celery -A config worker -B -Q default,notifications,attribution --loglevel=INFO

## Production on one machine: DEBUG=0, gunicorn, a worker and beat from the Procfile under
## honcho, against PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); see scripts/prod.sh.
prod: install
	scripts/prod.sh

## Back up DATABASE_URL, restore it into a scratch database and compare every table's rows.
backuptest: install
	$(PY) scripts/backup_restore_check.py

## The fake Stripe (API, a Stripe.js stand-in, signed webhooks) for the offline demo: README "Stripe".
stripe-fake: install-test
	$(PY) -m testing.fake_stripe --port 12111 --webhook-url http://$(HOST)/stripe/webhook/

## Every benchmark; each prints one JSON line last. PostgreSQL through DATABASE_URL.
bench: install-test
	@for script in bench/*.py; do \
		case $$script in */__init__.py|*/oscar_*.py) continue;; esac; \
		echo "== $$script"; $(PY) $$script || exit 1; \
	done

## Load and fault harnesses (loadtest/): the production processes on 127.0.0.1 (own
## database <DATABASE_URL name>_load or taibao_load, own redis-server) under simulated
## buyers, sellers and the work team; the invariants after the queues drain; JSON last.
DURATION ?= 120
USERS    ?= 50
THINK    ?= 1-3
RAMP     ?= 15
loadtest: install-test
	$(PY) -m loadtest.run --duration $(DURATION) --buyers $(USERS) --think $(THINK) --ramp $(RAMP)

faulttest: install-test
	$(PY) -m loadtest.run --duration $(DURATION) --buyers $(USERS) --think $(THINK) --ramp $(RAMP) --faults

## Re-extract and compile the Chinese translations after changing strings.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3* media staticfiles
