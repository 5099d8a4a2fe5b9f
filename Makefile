# e:service — everything a developer, translator or CI needs, from a fresh clone.
#   make run    install, migrate, load demo data if empty, serve on 127.0.0.1:$(PORT)
#   make test   install and run the whole test suite (SQLite)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
PORT ?= 5000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run serve test test-pg translations-update translations-compile migrate seed logins clean help

help:
	@echo "make run | make test | make test-pg | make translations-update | make translations-compile"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt $(RUNTIME_STAMP)
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

translations-compile: $(RUNTIME_STAMP)
	@$(BIN)/pybabel compile -q -d translations

translations-update: $(RUNTIME_STAMP)
	$(BIN)/pybabel extract -q -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -q -N -i translations/messages.pot -d translations
	@echo "Now translate the new entries in translations/*/LC_MESSAGES/messages.po, then: make translations-compile"

migrate: $(RUNTIME_STAMP)
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) roles sync

seed: migrate
	$(FLASK) demo seed

logins: $(RUNTIME_STAMP)
	@$(FLASK) demo logins

run: $(RUNTIME_STAMP) translations-compile migrate
	@$(FLASK) demo seed --if-empty
	@echo
	@echo "Demo logins (also in README.md):"
	@$(FLASK) demo logins
	@echo
	@echo "e:service is starting on http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	@$(FLASK) run --host $(HOST) --port $(PORT)

test: $(DEV_STAMP) translations-compile
	@bash .ci/ensure-chromium
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-pg: $(DEV_STAMP) translations-compile
	@bash .ci/ensure-chromium
	bash .ci/with-postgres $(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance

# --- Benchmarks (not part of make test) -----------------------------------
#   make bench                 dataset L (generated once, then reused), every page, peers, bars P1-P8
#   make bench SCALE=S         the same at 1/50 of L, a few minutes
#   make bench REGENERATE=1    build the dataset again; BACKEND=postgres uses a throwaway cluster,
#                              DATABASE_URL=... an existing PostgreSQL database
SCALE ?= L
BACKEND ?= sqlite
BENCH_ARGS ?=
.PHONY: bench
bench: $(RUNTIME_STAMP)
	@$(BIN)/pybabel compile -d translations >/dev/null 2>&1 || true
	$(BIN)/python -m bench.run --scale $(SCALE) --backend $(BACKEND) $(if $(REGENERATE),--regenerate) $(BENCH_ARGS)
