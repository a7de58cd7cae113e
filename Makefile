# Remix: `make run` starts the whole service on this machine, `make test` runs the whole suite.
# Both install what is missing first (system packages, .venv, requirements) and are fast when done.
SHELL := /bin/bash
PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NUMBA_CACHE_DIR ?= $(CURDIR)/var/numba
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup system-packages models numba-cache run test test-sqlite test-postgres bench soak loadtest migrate clean

setup: system-packages $(VENV)/.installed var models numba-cache

system-packages:
	@scripts/install-system-packages.sh

var:
	@mkdir -p var/numba var/media var/screenshots var/models

# Trained models under var/models/ (converted once, sha256-checked, rebuilt when missing).
models: system-packages $(VENV)/.installed var
	@scripts/setup-models.sh

# librosa's numba kernels compiled once, in one process (see the script for why).
numba-cache: models
	@scripts/warm-numba.sh

$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	@test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	# Installed without their dependencies: basic-pitch would pull TensorFlow, tinysoundfont pyaudio.
	$(PY) -m pip install -q --no-deps -r requirements-nodeps.txt
	@touch $@

migrate: setup
	$(PY) manage.py migrate --noinput

run: setup
	@scripts/run.sh

# The whole suite on SQLite, then the database tests again on PostgreSQL.
test: setup
	@scripts/test.sh

bench: setup
	$(PY) -m tools.bench
	$(PY) -m tools.vocals_bench
	$(PY) -m tools.asr_bench

soak: setup
	$(PY) -m pytest -m slow -q

loadtest: setup
	$(PY) -m tools.loadtest

clean:
	rm -rf var/media var/screenshots var/test-*.sqlite3
