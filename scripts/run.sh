#!/usr/bin/env bash
# `make run`: the whole service on this machine with the embedded defaults — SQLite and media under
# var/, a private Redis on a unix socket under var/ (unless REDIS_URL is set), one Dramatiq worker
# and the web server on $PORT. Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
PORT="${PORT:-8000}"
mkdir -p var/numba var/media
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$ROOT/var/numba}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

if [ -z "${REDIS_URL:-}" ]; then
  sock="$ROOT/var/redis.sock"
  rm -f "$sock"
  redis-server --port 0 --unixsocket "$sock" --unixsocketperm 700 --save "" --appendonly no \
    --dir "$ROOT/var" --logfile "$ROOT/var/redis.log" &
  pids+=($!)
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  export REDIS_URL="unix://$sock"
  export CACHE_URL="${CACHE_URL:-unix://$sock?db=1}"
fi

$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v 0

# Remixes use both cores each, so one at a time; webhook deliveries are light and must not wait
# behind a long remix, so they get their own small worker.
$PY manage.py rundramatiq --processes 1 --threads "${WORKER_THREADS:-1}" --queues remix &
pids+=($!)
$PY manage.py rundramatiq --processes 1 --threads 4 --queues webhooks maintenance &
pids+=($!)
.venv/bin/gunicorn remixsite.wsgi --bind "127.0.0.1:$PORT" --workers "${WEB_WORKERS:-2}" --threads 4 \
  --timeout 120 --access-logfile - &
pids+=($!)

cat <<MSG

  Remix is running at http://127.0.0.1:$PORT/
  Create an admin account:  $PY manage.py createsuperuser
  Create an API key:        $PY manage.py create_api_key USERNAME
  Press Ctrl-C to stop the web server, the worker and the private Redis.

MSG
wait -n "${pids[@]}"
