# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install services lint typecheck bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q -p $(BIN)/python -e '.[dev,bench]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/contact-center migrate
	$(BIN)/contact-center seed-demo --if-empty
	$(BIN)/contact-center serve --simulate

services:
	@bash .ci/services

test: install services
	$(BIN)/ruff check .
	$(BIN)/mypy routing workforce contact_center/domain
	$(BIN)/pytest -q tests

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

typecheck: install
	$(BIN)/mypy routing workforce contact_center/domain

bench: install services
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var
