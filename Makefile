# Two commands do everything from a fresh clone:
#   make run    set up, load the demo court, serve on http://127.0.0.1:8000/
#   make test   set up, run the whole test suite (SQLite; PostgreSQL when
#               RECONCILE_TEST_DATABASE_URL is set) and the linter

PYTHON ?= python3
VENV := .venv
# pytest-xdist workers; 0 runs the suite in one process (e.g. to debug with -x --pdb)
PYTEST_WORKERS ?= 2
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev,browser]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/reconcile serve --demo --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# the domain's messages: extract the templates (babel.cfg) and merge them into the
# catalogues; then translate what is new (tests/unit/test_messages.py lists it)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k N_ --omit-header \
	    --no-location --sort-output -o api/translations/domain.pot .
	$(BIN)/pybabel update -D domain -i api/translations/domain.pot -d api/translations \
	    -l zh_Hans --no-fuzzy-matching --init-missing --ignore-obsolete

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) *.egg-info reconcile.db reconcile.db-wal reconcile.db-shm
