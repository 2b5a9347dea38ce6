# Two commands matter: `make run` (start the bot) and `make test` (every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The lock files pin every package (with hashes) so two centres run the same code.
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock"

.PHONY: run migrate doctor test lint typecheck pytest install lock upgrade catalogs diagrams clean

# Exact versions from the dev lock (runtime + test tools), then the bot itself, nothing more.
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

doctor: $(STAMP)
	$(BIN)/python -m bot doctor

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict bot

pytest: $(STAMP)
	$(BIN)/pytest -q -n 2

test: lint typecheck pytest

# Re-compile the lock files after changing dependencies in pyproject.toml (keeps other pins);
# `make upgrade` moves every pin to the newest release the ranges in pyproject.toml allow.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) $(UPGRADE) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) $(UPGRADE) \
		-c requirements.lock -o requirements-dev.lock

upgrade:
	$(MAKE) lock UPGRADE=--upgrade

# Re-extract user-facing strings and merge them into both catalogs (for developers).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o bot/locales/bot.pot --no-location --omit-header -k ngettext:1,2 -k N_ bot
	$(BIN)/pybabel update -i bot/locales/bot.pot -d bot/locales -D bot --no-fuzzy-matching --ignore-obsolete --width 99
	$(BIN)/python tools/fill_english.py

# Redraw every walk's .mmd from its table (a test fails when a diagram is out of date).
diagrams: $(STAMP)
	$(BIN)/python -m bot.conversations._diagrams

clean:
	rm -rf $(VENV)
