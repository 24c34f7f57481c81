# TwinStage — set-up, demo, tests, benchmarks. Two commands on a fresh Debian/Ubuntu
# machine: `make demo` and `make test`; each installs what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CORPUS ?= ../shared/corpus
# System packages: Xvfb for widget tests, Mesa EGL for headless rendering.
SYSPKGS := xvfb xauth libegl1 libegl-mesa0 libgl1-mesa-dri libgl1 libglib2.0-0 \
           libfontconfig1 libxkbcommon0 libdbus-1-3

.PHONY: install sysdeps demo test lint bench clean help

help:
	@echo "make demo    install, then show the demo"
	@echo "make test    install (incl. system packages when root), then run every test"
	@echo "make bench   run the benchmarks (benchmarks/results/latest.json)"
	@echo "make lint    ruff, mypy and import-linter only"

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

sysdeps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; for p in $(SYSPKGS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi; \
	fi

demo: install
	@bash scripts/demo.sh $(BIN)/twinstage $(CORPUS)

test: install sysdeps
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/run.py $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
