# Quick start: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app planner
TRANSLATIONS := planner/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

.PHONY: run test lint bench translations extract-messages install install-test clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here) and
# inject the axe-core accessibility engine from npm; calendar tests read every .ics
# again with ical.js, the parser inside Thunderbird.
AXE_VERSION := 4.10.3
ICAL_JS_VERSION := 2.1.0
$(VENV)/.browser: $(VENV)/.installed-test Makefile
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
		else sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; fi; \
	fi
	npm install --silent --no-save --no-package-lock --prefix $(VENV)/node \
		axe-core@$(AXE_VERSION) ical.js@$(ICAL_JS_VERSION)
	touch $@

# The mailbox tests run Debian's dovecot as a child process with a configuration of their
# own (tests/imap_server.py). The package's system service is not wanted: where systemd
# runs, it is stopped and disabled right after the install.
$(VENV)/.imap-server: $(BIN)/activate Makefile
	@if ! PATH="$$PATH:/usr/sbin:/sbin" command -v dovecot >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dovecot-imapd \
		|| { $$SUDO apt-get update -q \
			&& $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dovecot-imapd; }; \
		if [ -d /run/systemd/system ]; then \
			$$SUDO systemctl disable --now dovecot.service dovecot.socket || true; \
		fi; \
	fi
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test $(VENV)/.browser $(VENV)/.imap-server

translations: $(VENV)/.installed $(CATALOGUES:.po=.mo)

%.mo: %.po
	$(BIN)/pybabel compile --statistics -i $< -o $@

## Serve the demo: migrate the SQLite database in instance/, load the demo visit when empty.
run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

## Lint, then run the whole suite (PostgreSQL too when PLANNER_TEST_POSTGRES_URL is set).
# TEST_WORKERS=0 runs in one process (pytest's -n 0), e.g. to debug with pdb.
TEST_WORKERS ?= auto
test: install-test translations lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Print the benchmark figures (they never pass or fail on time).
bench: install-test translations
	cd bench && ../$(BIN)/python run.py && ../$(BIN)/python load.py
	$(BIN)/python bench/ics.py
	$(BIN)/python bench/pdf.py

## Refresh the message catalogues after changing user-facing strings.
extract-messages: install
	$(BIN)/pybabel extract --mapping-file $(TRANSLATIONS)/babel.cfg --keywords _l --keywords _ln:1,2 --keywords _lp:1c,2 \
		--no-location --sort-output --project planner -o $(TRANSLATIONS)/messages.pot planner templates
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
