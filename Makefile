# e:service — everything a developer, translator or CI needs, from a fresh clone.
#   make run    install, migrate, load demo data if empty, serve on 127.0.0.1:$(PORT)
#   make test   install and run the whole test suite (SQLite)
#   make test-security   the security sweeps: schemathesis at 100 examples per API operation, bandit, pip-audit
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

# config.py defaults to production (secrets required, real email/SMS). The developer
# targets run in development unless ESERVICE_ENV is set: fixed development keys,
# messages on the console, demo data allowed. The test suite uses TestConfig anyway.
DEV_TARGETS := run test test-pg test-security translations-check migrate seed logins bench profile
$(DEV_TARGETS): export ESERVICE_ENV ?= development

.PHONY: run serve test test-pg test-security audit bandit translations-update translations-compile translations-check migrate seed logins clean help

help:
	@echo "make run | make test | make test-pg | make test-security | make audit | make bandit | make translations-update | make translations-compile | make translations-check | make rules | make fab-forks"
	@echo "make bench [SCALE=S] | make profile PAGE=/portal/contracts/ [N=200] [USER=...] [SCALE=S|L]  (bench/README.md)"

# Installs are held to constraints.txt (pip freeze of the tested venv): the same
# versions as CI, transitive packages included, pip itself too. Nothing is upgraded.
CONSTRAINTS := constraints.txt

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c $(CONSTRAINTS) pip

$(RUNTIME_STAMP): requirements.txt $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -c $(CONSTRAINTS)
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt $(CONSTRAINTS) $(RUNTIME_STAMP)
	$(BIN)/pip install -q -r requirements-dev.txt -c $(CONSTRAINTS)
	@touch $@

# After changing a pin in requirements*.txt and installing it: record the whole set.
.PHONY: constraints
constraints: $(DEV_STAMP)
	@{ echo "# Every package of the tested virtualenv, exactly (pip freeze --all): make installs"; \
	  echo "# requirements*.txt with -c constraints.txt, so a fresh clone gets what CI tested."; \
	  echo "# Regenerate after changing a pin: make constraints"; \
	  $(BIN)/pip freeze --all | grep -v '^setuptools=='; } > $(CONSTRAINTS)

# --- Translations (workflow: translations/README.md) --------------------------
LOCALES := de en
POT := translations/messages.pot
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k catalogue_text -k catalogue_plural:1,2

# The .mo files are build output (not committed); run/test build them first.
translations-compile: $(RUNTIME_STAMP)
	@$(BIN)/pybabel -q compile -d translations

# Extract every msgid of app/ and config.py (babel.cfg), merge into each catalog
# without guessing (-N: no fuzzy matches); existing translations are kept.
translations-update: $(RUNTIME_STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg $(BABEL_KEYWORDS) -c TRANSLATORS: --project=e:service -o $(POT) .
	@for l in $(LOCALES); do \
	  if [ -f translations/$$l/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update -N --ignore-obsolete -i $(POT) -d translations -l $$l || exit 1; \
	  else \
	    $(BIN)/pybabel -q init -i $(POT) -d translations -l $$l || exit 1; \
	  fi; \
	done
	@rm -f $(POT)
	@$(BIN)/pybabel compile -d translations --statistics 2>&1 | grep translated
	@echo "Translate the empty entries in translations/de/LC_MESSAGES/messages.po, then: make translations-check"

# Fails listing every msgid of the code that is missing, empty or fuzzy in German.
translations-check: $(DEV_STAMP) translations-compile
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/integration/test_i18n.py

migrate: $(RUNTIME_STAMP)
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) roles sync

seed: migrate
	$(FLASK) demo seed

logins: $(RUNTIME_STAMP)
	@$(FLASK) demo logins

# Links in the emails printed by `make run` point at the port it serves on.
run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: $(RUNTIME_STAMP) translations-compile migrate
	@$(FLASK) demo seed --if-empty
	@echo
	@echo "Demo logins (also in README.md):"
	@$(FLASK) demo logins
	@echo
	@echo "e:service is starting on http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	@# The scheduler (outbox retries, link expiry, 180-day retention) runs beside the server.
	@$(FLASK) jobs serve & sched=$$!; trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# --durations: the slowest tests are printed at the end, so a test that grows slow is seen (CI < 30 min).
DURATIONS := --durations=15

test: $(DEV_STAMP) translations-compile
	@bash .ci/ensure-chromium
	$(BIN)/python -m pytest -q $(DURATIONS) $(PYTEST_ARGS)

test-pg: $(DEV_STAMP) translations-compile
	@bash .ci/ensure-chromium
	bash .ci/with-postgres $(BIN)/python -m pytest -q $(DURATIONS) $(PYTEST_ARGS)

# --- Security sweeps (README "Security sweeps"; issue 19 part 3) -------------
# make test runs the schemathesis test with API_FUZZ_EXAMPLES=12 per operation; this runs it with
# FUZZ_EXAMPLES (100) and prints the counts, then bandit and pip-audit. pip-audit needs the network.
FUZZ_EXAMPLES ?= 100

test-security: $(DEV_STAMP) translations-compile
	API_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) \
	  tests/portal/test_api_fuzz.py tests/security/test_static_sweeps.py
	@$(MAKE) --no-print-directory -o $(DEV_STAMP) -o $(RUNTIME_STAMP) bandit audit

# Static checks of app/ (.bandit: no test id skipped; each accepted finding has `# nosec BXXX  # why`).
# Bandit warns about a `# nosec` on a statement that spans lines although it applies: those lines are dropped.
bandit: $(DEV_STAMP)
	@set -o pipefail; $(BIN)/bandit --ini .bandit -q 2>&1 | { grep -v -e 'nosec encountered' -e 'Using ini file' || true; }
	@echo "bandit: app/ clean, $$(grep -ro '# nosec B[0-9]*' app | wc -l) accepted findings each justified at its line"

# Known vulnerabilities of every pin in constraints.txt (PyPI's data; times out when offline and says
# NOT AUDITED; AUDIT_REQUIRED=1 makes that an error). Accepted ids: IGNORED in tests/dependency_audit.py.
audit: $(DEV_STAMP)
	@$(BIN)/python -m tests.dependency_audit

# Per rule id of docs/rules.md, the tests marked @pytest.mark.rule("ID") that prove it; flags ids
# without one and fails on what tests/integration/test_rule_ids.py fails on.
.PHONY: rules
rules: $(DEV_STAMP)
	@$(BIN)/python -m tests.rules

# After a Flask-AppBuilder upgrade tests/unit/test_fab_forks.py names every product fork whose
# FAB original changed: re-check each one against the new FAB code, then record the new fingerprints.
.PHONY: fab-forks
fab-forks: $(DEV_STAMP)
	$(BIN)/python -m tests.fab_forks

clean:
	rm -rf $(VENV) instance

# --- Benchmarks (not part of make test) -----------------------------------
#   make bench                 dataset L (generated once, then reused), every page, peers, bars P1-P10
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

#   make profile PAGE=/portal/contracts/ [N=200] [USER=name] [SCALE=S|L]
#                              one page in-process under cProfile, signed in as the bench user (staff for
#                              back-office pages): median/p95 ms, SQL per request, hot spots grouped
#                              (templates, has_access, gettext, SQLAlchemy) and the top functions
PAGE ?= /portal/contracts/
N ?= 200
.PHONY: profile
profile: $(RUNTIME_STAMP)
	@$(BIN)/pybabel compile -d translations >/dev/null 2>&1 || true
	$(BIN)/python -m bench.profile '$(PAGE)' --n $(N) --scale $(SCALE) --backend $(BACKEND) $(if $(filter command line,$(origin USER)),--user '$(USER)')
