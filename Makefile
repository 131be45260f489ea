# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

COMPILED := build/compiled

.PHONY: run test install services lint typecheck bench clean compiled messages

# The compiled message catalogues (.mo), built from the committed .po files (docs/i18n.md).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard contact_center/locale/*/LC_MESSAGES/messages.po))

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q -p $(BIN)/python -e '.[dev,bench]'
	@touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/python -m contact_center.i18n.extract compile

install: $(STAMP) $(CATALOGUES)

# Bring the catalogues in line with the code after adding or changing a string, then translate.
messages: install
	$(BIN)/python -m contact_center.i18n.extract update

run: install
	$(BIN)/contact-center migrate
	$(BIN)/contact-center seed-demo --if-empty
	$(BIN)/contact-center serve --simulate

services:
	@bash .ci/services

test: install services compiled
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q tests
	ROUTING_BUILD_DIR=$(COMPILED) $(BIN)/pytest -q -p no:cacheprovider tests/routing $(wildcard tests/workforce/test_simulation_*.py)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

typecheck: install
	$(BIN)/mypy

bench: install services compiled
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	@for b in bench/routing_*.py; do echo "== $$b (compiled)"; PYTHONPATH=$(COMPILED) $(BIN)/python $$b || exit 1; done

# The routing core compiled with mypyc into $(COMPILED) (routing/ itself stays pure Python): put
# $(COMPILED) first on PYTHONPATH to run the engine compiled. See docs/routing.md, "Compiled".
compiled: install
	@command -v gcc >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc >/dev/null)
	@rm -rf $(COMPILED) && mkdir -p $(COMPILED) && cp -r routing $(COMPILED)/routing
	@find $(COMPILED) -name __pycache__ -prune -exec rm -rf {} +
	@printf '[mypy]\nstrict = True\n' > $(COMPILED)/mypy.ini
	cd $(COMPILED) && $(abspath $(BIN))/mypyc --config-file mypy.ini routing > mypyc.log 2>&1 \
	  || (cat mypyc.log; exit 1)
	@rm -rf $(COMPILED)/build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var build
