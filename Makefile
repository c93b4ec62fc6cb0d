# Two entry points: `make demo` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test pytest lint install clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/answerdesk demo

lint: $(STAMP)
	$(BIN)/ruff check answerdesk bench
	$(BIN)/ruff format --check answerdesk bench
	$(BIN)/mypy answerdesk bench

test: lint pytest

# The suite alone; DATABASE_URL picks the database (SQLite when unset).
pytest: $(STAMP)
	$(BIN)/answerdesk makemigrations --check --dry-run
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var
