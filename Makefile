# The commands the README names. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app survey
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: run test deploy-check install translations db demo bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	@$(FLASK) translate compile > /dev/null

db: install translations
	$(FLASK) db upgrade heads
	$(FLASK) setup

run: db ## serve on http://127.0.0.1:$(PORT) with SQLite under instance/
	@echo "Buurtpeiling: http://127.0.0.1:$(PORT)/"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install translations ## the whole suite (set SURVEY_TEST_DATABASE_URI for PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

deploy-check: install translations ## deploy a copy as the README says (PostgreSQL, Redis, gunicorn) and use it
	$(BIN)/python -m pytest -m deploy tests/test_deploy.py $(PYTEST_ARGS)

demo: db ## 5,000 demo responses to look at
	$(FLASK) demo-data --responses 5000 --remove

bench: install translations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) *.egg-info translations/*/LC_MESSAGES/*.mo
