# The README's two commands: `make demo` (run the app with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint check-python

demo: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata techniques lesson-warm-up-skate-park lesson-tass-lavrov-2025-11-13
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.test
	$(PY) -m pytest

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
	  echo "Lens needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.12 (e.g. 'pyenv install 3.12' or your system's python3.12 package),"; \
	  echo "then run again, or point at it: make PYTHON=/path/to/python3.12 demo"; exit 1; }

$(VENV)/bin/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $(VENV)/.runtime $@

# `make bench`: the load benchmark (bench/README in README.md's "Benchmark" section).
# BENCH_QUICK=1 runs it in seconds, for developing the bench; the figures are then not the published ones.
.PHONY: bench
bench: $(VENV)/.bench
	$(PY) -m bench.run $(if $(BENCH_QUICK),--quick)

$(VENV)/.bench: requirements.txt bench/requirements.txt | $(VENV)/bin/python
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing wrk (Debian package) for the throughput scenarios"; \
	  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; }
	$(PY) -m pip install --quiet -r bench/requirements.txt
	touch $(VENV)/.runtime $@
