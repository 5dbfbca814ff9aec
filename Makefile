# `make run` serves the product with demo data; `make test` runs the whole suite.
# Both create the virtual environment and the database they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Local development runs with debugging on (demo data and a development secret key).
export DJANGO_DEBUG ?= 1
# `make run PORT=8080 HOST=0.0.0.0` serves elsewhere.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench profile screenshots lint format clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist); `make test TEST_WORKERS=0` runs it
# in one process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The benchmark (README, "Speed"): seeds its own database once (bench.sqlite3, or
# DATABASE_URL's), then serves it with gunicorn and measures each page; then times
# rendering and linting the largest body (bench/work.py). BENCH_ARGS picks a mode
# (--cold, --mixed, --topology); BENCH_SEED_ARGS a smaller data set, e.g.
# "--documents 500" with BENCH_DATABASE_URL naming a database of its own.
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench.sqlite3
bench: export DATABASE_URL ?= $(BENCH_DATABASE_URL)
bench: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_bench $(BENCH_SEED_ARGS)
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/work.py
	$(PY) bench/glossary.py

# Every main page of each demo role at 1280 and 390 px, in screenshots/ (ignored
# by git), from the demo data in a temporary database (tests/browser/screenshots.py).
screenshots: $(VENV)/.installed
	$(PY) -m tests.browser.screenshots

# Each page of the benchmark worked out once with nothing kept, under pyinstrument:
# profiles in profiles/ and a table of milliseconds and queries.
profile: export DATABASE_URL ?= $(BENCH_DATABASE_URL)
profile: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_bench $(BENCH_SEED_ARGS)
	$(PY) bench/cold_profiles.py $(PROFILE_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* bench.sqlite3 bench.sqlite3-* staticfiles profiles
