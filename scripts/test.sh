#!/usr/bin/env bash
# `make test`: the whole suite (not the slow soak cases) on SQLite, then every test that is not
# engine or browser work again on PostgreSQL, so the production database path is tested too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
mkdir -p var/screenshots

echo "== pytest (SQLite) =="
$PY -m pytest -m "not slow" "$@"

pg_up=0
$PY - <<'PYEOF' && pg_up=1 || true
import os, socket, sys
from urllib.parse import urlsplit
u = urlsplit(os.environ["TEST_DATABASE_URL"])
try:
    socket.create_connection((u.hostname, u.port or 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PYEOF
if [ "$pg_up" = 1 ]; then
  echo "== pytest (PostgreSQL: database tests) =="
  DATABASE_URL="$TEST_DATABASE_URL" $PY -m pytest -m "not slow and not browser" --ignore=tests/engine "$@"
elif [ "${REQUIRE_SERVICES:-0}" = 1 ]; then
  echo "PostgreSQL is not reachable at $TEST_DATABASE_URL and REQUIRE_SERVICES=1" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $TEST_DATABASE_URL: its pass is skipped =="
fi
