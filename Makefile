# City Tools. Two commands on a fresh machine: `make run` and `make test`.
# Everything they need is installed here, from PyPI and npm, into .venv and node_modules.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export CITYTOOLS_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test test-sqlite test-postgres test-browser bench bench-continental lint screenshot setup clean

setup: .stamp-python .stamp-node citytools/core/static/citytools/build/citytools.css

.stamp-python: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The bench's own tools (the `bench` extra: locust), on top of the test environment.
.stamp-bench: .stamp-python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

.stamp-node: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

citytools/core/static/citytools/build/citytools.css: citytools/core/static/citytools/citytools.scss .stamp-node
	mkdir -p $(dir $@)
	npm run --silent build:css

run: setup
	mkdir -p var
	CITYTOOLS_DEMO_MODE=1 $(BIN)/citytools migrate --no-input
	CITYTOOLS_DEMO_MODE=1 $(BIN)/citytools demo
	CITYTOOLS_DEMO_MODE=1 $(BIN)/citytools collectstatic --no-input --verbosity 0
	# The worker (e-mails, deadlines, digests, campaign reminders, large imports) runs beside
	# the server and stops with it.
	CITYTOOLS_DEMO_MODE=1 $(BIN)/citytools worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	CITYTOOLS_DEMO_MODE=1 $(BIN)/citytools runserver 127.0.0.1:$(PORT)

# The suite on SQLite, then on PostgreSQL when a server answers, then in the browser when
# chromium is installed. Each step that cannot run says so; none is skipped silently.
test: setup
	$(BIN)/python -m tests.run

test-sqlite: setup
	$(BIN)/python -m tests.run sqlite

test-postgres: setup
	$(BIN)/python -m tests.run postgres

test-browser: setup
	$(BIN)/python -m tests.run browser

bench: setup .stamp-bench
	$(BIN)/python -m tests.bench

# The continental tier (20,000 organisations, 3,000,000 contracts) on PostgreSQL: its own
# target, as building it takes minutes (docs/performance.md, "Scale tiers").
bench-continental: setup .stamp-bench
	$(BIN)/python -m tests.bench_tiers --tier continental --database postgres

screenshot: setup
	$(BIN)/python -m tests.browser.screenshot docs/screenshots

# Syntax, ruff's rules (pyproject.toml says which, and why each ignored one is), and the
# layers contract (import-linter; docs/architecture.md).
lint: setup
	$(BIN)/python -m compileall -q citytools tests
	$(BIN)/ruff check citytools tests
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules var staticfiles .stamp-* citytools/core/static/citytools/build
