# Two commands matter: `make run` (start the bot) and `make test` (every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run migrate test lint typecheck pytest install catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict bot

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

# Re-extract user-facing strings and merge them into both catalogs (for developers).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o bot/locales/bot.pot --no-location --omit-header -k ngettext:1,2 -k N_ bot
	$(BIN)/pybabel update -i bot/locales/bot.pot -d bot/locales -D bot --no-fuzzy-matching --ignore-obsolete --width 99
	$(BIN)/python tools/fill_english.py

clean:
	rm -rf $(VENV)
