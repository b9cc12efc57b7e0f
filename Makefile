# dutygraph: every target installs what it needs. `make help` lists them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
STORE ?= .store/oxigraph
HOST ?= 127.0.0.1
PORT ?= 5000
APT_PACKAGES := chromium chromium-driver virtuoso-opensource libapache-jena-java openjdk-17-jdk-headless
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help install system assets store serve test lint docs bench fuzz loadtest synth clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMPS):
	@mkdir -p $(STAMPS)

$(STAMPS)/venv: pyproject.toml | $(STAMPS)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMPS)/venv assets ## create .venv with dutygraph and everything it needs

# Debian packages the tests drive: Chromium (browser tests) and Virtuoso (server tests).
$(STAMPS)/system: | $(STAMPS)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	touch $@

system: $(STAMPS)/system ## install the Debian packages the tests need (chromium, virtuoso)

# Front-end libraries from npm, copied into the package's static folder (served by the app).
# The target is the last file copy-assets.mjs writes, so a deleted vendor folder is rebuilt.
VENDOR := src/dutygraph/web/static/vendor
$(VENDOR)/versions.json: package.json package-lock.json scripts/copy-assets.mjs
	npm ci --no-audit --no-fund --silent
	node scripts/copy-assets.mjs

assets: $(VENDOR)/versions.json ## fetch the npm front-end assets (YASGUI, Cytoscape.js)

store: install ## build the embedded store from ontology/ and data/
	$(BIN)/dutygraph build --store $(STORE)

serve: store docs ## build the store and serve the web view at http://127.0.0.1:5000
	$(BIN)/dutygraph serve --store $(STORE) --host $(HOST) --port $(PORT)

test: install system docs ## lint first (fails on any finding), then the whole suite
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest -n 2 --dist loadgroup -q

lint: install ## ruff on src, tests and tools; mypy --strict on src/
	$(BIN)/ruff check src tests tools
	$(BIN)/mypy src

docs: $(STAMPS)/venv ## generate the ontology documentation (pyLODE) into docs/ontology
	@mkdir -p docs/ontology
	$(BIN)/pylode ontology/dutygraph.ttl -o docs/ontology/index.html >/dev/null 2>&1

# Developer tools live in tools/ (outside the installed package) and run from the repo root.
BENCH_ARGS ?=
bench: install ## issue 21's targets (queries, HTTP, build, validation, memory); writes bench/report.md; ~30 min on a quiet 2-core machine (BENCH_ARGS="--minutes 60" on a busy one)
	$(BIN)/python -m tools.bench --out bench $(BENCH_ARGS)

fuzz: install ## the long property-based run (10,000+ inputs)
	DUTYGRAPH_FUZZ_EXAMPLES=10000 $(BIN)/pytest -q -p no:randomly tests/hardening/test_fuzz.py

loadtest: install store ## bounded loopback load run against the production server, then the attack profile
	$(BIN)/python -m tools.loadtest --store $(STORE) --out bench
	$(BIN)/python -m tools.attack --store $(STORE) --out bench --seconds 60

N ?= 153
SEED ?= 0
OUT ?= bench/synth-$(N).nt
synth: install ## synthetic arrangements of N authorities (make synth N=153 OUT=file.nt)
	$(BIN)/python -m tools.synth --authorities $(N) --seed $(SEED) --out $(OUT)

clean: ## remove the virtualenv, store and generated files
	rm -rf $(VENV) $(STAMPS) .store node_modules $(VENDOR) docs/ontology test-artefacts
