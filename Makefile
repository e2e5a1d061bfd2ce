# Zhanqun: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test bench clean

$(STAMP): setup.cfg pyproject.toml
	@echo "installing zhanqun and its dependencies into $(VENV) (the first time takes a few minutes)…"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -e ".[test,bench]"
	@touch $(STAMP)
	@echo "installed: $$($(BIN)/zhanqun --version 2>/dev/null || echo zhanqun) in $(VENV)"

install: $(STAMP)

## run: serve the demo federation on 127.0.0.1:8701+, harvest it into var/zhanqun.db, keep serving
run: install
	mkdir -p var
	$(BIN)/zhanqun demo --registry registry.yaml --db sqlite:///var/zhanqun.db

## test: the whole test suite (SQLite always; PostgreSQL when ZHANQUN_TEST_PG_URL answers, required under CI=true)
test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider

## bench: extraction quality on ../shared/corpus, harvest throughput on loopback,
## search latency, the portal under load (gunicorn + wrk: apt-get install wrk), supervision status and checks,
## the monthly bulletin for 100 units
bench: install
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/harvest.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/portal.py
	$(BIN)/python bench/supervision_checks.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) var/zhanqun.db* *.egg-info
