# The two commands of the README, each doing its own set-up:
#   make maps   build the maps and exports of the built-in catalogue into out/
#   make test   ruff, mypy and the whole pytest suite (browser tests included)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: maps test check lint typecheck pytest geodata bench clean system-deps

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

maps: $(VENV)/.runtime
	$(PY) build_maps.py $(ARGS)

check: $(VENV)/.runtime
	$(PY) build_maps.py --check $(ARGS)

# Headless Chromium for the browser tests, geojsonhint for the GeoJSON tests and axe-core for
# the accessibility tests; installed with the system's package managers when missing (apt-get
# needs root). The npm packages in one command: `npm install --no-save` of one package removes
# the others it did not install with it.
NPM_PACKAGES := @mapbox/geojsonhint@3.0.0 axe-core@4.14.1
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "make test needs Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }
	@test -x node_modules/.bin/geojsonhint -a -f node_modules/axe-core/axe.min.js || \
	  npm install --no-save --silent $(NPM_PACKAGES)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

typecheck: $(VENV)/.dev
	@mkdir -p $(VENV)/mypy-path && ln -sfn ../.. $(VENV)/mypy-path/trafficking_route_mapper
	$(VENV)/bin/mypy -p trafficking_route_mapper.routes -p trafficking_route_mapper.geodata \
	  -p trafficking_route_mapper.maps -m trafficking_route_mapper.build_maps
	$(VENV)/bin/mypy

pytest: $(VENV)/.dev system-deps
	$(PY) -m pytest $(ARGS)

test: lint typecheck pytest

geodata: $(VENV)/.dev
	$(PY) -m trafficking_route_mapper.geodata.build_countries
	$(PY) -m trafficking_route_mapper.geodata.build_regions
	$(PY) -m trafficking_route_mapper.geodata.build_seaways

bench: $(VENV)/.dev
	$(PY) benchmarks/run.py $(ARGS)

clean:
	rm -rf out test-artifacts .pytest_cache .mypy_cache .ruff_cache
