# Two commands do all the set-up on a fresh machine (see README.md):
#   make serve   install, build the release, serve it on http://127.0.0.1:8000
#   make test    install (with the independent RDF parsers the tests use), run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ARGS   ?=
# Front-end packages the server serves itself (YASGUI for the query page), from npm's registry.
ASSETS := src/lima_lod/web/assets

.PHONY: install tools build serve test bench lint

install: $(VENV)/.installed $(ASSETS)/node_modules/.package-lock.json

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Best effort: without npm the query page keeps its plain form and says why.
$(ASSETS)/node_modules/.package-lock.json: $(ASSETS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  (cd $(ASSETS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) \
	    || echo "assets: npm ci failed; the query page falls back to its plain form"; \
	else echo "assets: npm not found; the query page falls back to its plain form"; fi

# Tools the tests use to check our files with parsers we did not write. Best effort: the tests
# that need a missing tool skip and say why.
tools:
	@bash tests/tools/install.sh

build: install
	$(BIN)/lima-lod build --force $(ARGS)

serve: build
	$(BIN)/lima-lod serve $(ARGS)

test: install tools lint
	$(BIN)/python -m pytest -q $(ARGS)

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py $(ARGS)

lint: install
	$(BIN)/pip install --quiet ruff mypy types-PyYAML
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
