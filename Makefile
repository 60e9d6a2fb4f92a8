# Two commands: `make run` serves the bundled events, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
EVENTS ?= events
# Debian packages the test suite drives: a real browser and nginx.
TEST_PACKAGES := chromium:/usr/bin/chromium nginx-light:/usr/sbin/nginx

.PHONY: run test lint translations validate install install-test system-packages bench clean

run: $(VENV)/.installed
	$(BIN)/calendar-svc serve --host $(HOST) --port $(PORT) --events $(EVENTS)

test: $(VENV)/.installed-test system-packages lint
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# After changing interface text: extract it, then merge it into the Kazakh and Russian catalogs.
CATALOGS := src/calendar_svc/translations
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k translate:2 -k translate_plural:2,3 --no-wrap --sort-by-file \
	  --project calendar-svc --copyright-holder calendar-svc -o $(CATALOGS)/messages.pot src
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching -i $(CATALOGS)/messages.pot -d $(CATALOGS)

validate: $(VENV)/.installed
	$(BIN)/calendar-svc validate $(EVENTS)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	@scripts/make-venv $(PYTHON) $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

system-packages:
	@scripts/require-packages $(TEST_PACKAGES)

bench: $(VENV)/.installed
	@scripts/require-packages wrk:/usr/bin/wrk nginx-light:/usr/sbin/nginx
	cd benchmarks && npm install --no-audit --no-fund --silent
	$(BIN)/python benchmarks/render.py --sizes 100 1000 10000 --rounds 3
	$(BIN)/python benchmarks/serve.py --seconds 8 --rounds 3
	$(BIN)/python benchmarks/serve.py --generate 10000 --seconds 8 --rounds 3
	$(BIN)/python benchmarks/reload.py --idle 30
	$(BIN)/python benchmarks/build.py --events 10000
	$(BIN)/python benchmarks/search.py --events 10000 --rounds 15

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis screenshots _site
