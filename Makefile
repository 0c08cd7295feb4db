# The portal's two commands: `make run` and `make test`. Everything they need, they install.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PGVERSION := $(shell ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
DB_NAME ?= cities4csr
export DJANGO_SETTINGS_MODULE := cities4csr.settings

.PHONY: run serve test install system-deps browser-deps services db lint migrations-check deploy-check pytest test-repeat bench demo clean messages compile-messages

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# WeasyPrint's Pango libraries and fonts for the PDF exports.
system-deps:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -qi dejavu; then \
		echo "Installing WeasyPrint's system libraries"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig >/dev/null; \
	fi

# The translations: `make messages` gathers new strings into every catalogue under locale/
# (to translate, then commit); the compiled .mo files are built, never committed.
messages: install
	$(BIN)/python manage.py makemessages --all --no-location --no-wrap --ignore=.venv --ignore=tests --ignore=bench --ignore=static --ignore=staticfiles --ignore=media

compile-messages: install
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser-deps:
	@if ! command -v chromium >/dev/null; then \
		echo "Installing Debian's chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# Start PostgreSQL and Redis if they are down, and create the database if it is missing.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $(PGVERSION) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done

db: services
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(DB_NAME)'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres $(DB_NAME)

demo: install system-deps compile-messages db
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

run: demo serve

# Web, worker and beat together, as the Procfile lists them.
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_ENV=production SECRET_KEY="deploy-check-$$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" \
		ALLOWED_HOSTS=portal.example.org DATABASE_URL=sqlite:///:memory: \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# The suite in parallel (pytest-xdist): one worker per core, at most 8, each with its own
# test database; PYTEST_WORKERS=0 runs it in one process. The tests of one module (or class)
# stay on one worker, so a fixture they share is built once.
PYTEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n < 8 ? n : 8 )))
pytest: install system-deps browser-deps compile-messages services
	$(BIN)/python -m pytest -m "not bench" --durations=15 -n $(PYTEST_WORKERS) --dist loadscope

test: lint migrations-check deploy-check pytest

# `make test-repeat N=10`: the test suite N times in a row, stopping at the first failure.
N ?= 10
test-repeat:
	@for run in $$(seq 1 $(N)); do \
		echo "=== make pytest, run $$run of $(N)"; \
		$(MAKE) --no-print-directory pytest || { echo "=== run $$run of $(N) failed"; exit 1; }; \
	done; echo "=== $(N) runs of make pytest passed"

# The portal's pages under gunicorn beside a bare Django project, loaded by Debian's wrk, on
# `load_demo --scale $(BENCH_SCALE)` in its own database; then the in-process benchmarks.
BENCH_DB ?= cities4csr_bench
BENCH_SCALE ?= 30
bench: install system-deps services
	@if ! command -v wrk >/dev/null; then \
		echo "Installing Debian's wrk"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi
	@$(MAKE) --no-print-directory db DB_NAME=$(BENCH_DB)
	BENCH_DATABASE=$(BENCH_DB) BENCH_SCALE=$(BENCH_SCALE) $(BIN)/python bench/run.py
	$(BIN)/python -m pytest -m bench -s tests/bench

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
