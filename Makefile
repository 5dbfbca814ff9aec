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

.PHONY: run test bench screenshots lint format clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

# The benchmark (README, "Speed"): seeds its own database once (bench.sqlite3, or
# DATABASE_URL's), then serves it with gunicorn and measures each page; then times
# rendering and linting the largest body (bench/work.py).
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench.sqlite3
bench: export DATABASE_URL ?= $(BENCH_DATABASE_URL)
bench: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_bench
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/work.py
	$(PY) bench/glossary.py

# Every main page of each demo role at 1280 and 390 px, in screenshots/ (ignored
# by git), from the demo data in a temporary database (tests/browser/screenshots.py).
screenshots: $(VENV)/.installed
	$(PY) -m tests.browser.screenshots

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* bench.sqlite3 bench.sqlite3-* staticfiles
