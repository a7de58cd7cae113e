"""Real Dramatiq workers for tests: `manage.py rundramatiq` subprocesses on a real Redis broker (a
namespace of their own) and the test's own database, plus pointing this process's actors at the
same broker so `submit_remix` really enqueues."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
import dramatiq
from dramatiq.brokers.redis import RedisBroker

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{port}/{db['NAME']}"


@contextmanager
def redis_broker(redis_url: str):
    """Point every actor of this process at a fresh namespace on the real Redis, then restore."""
    from remixes import tasks

    namespace = f"remix-test-{uuid.uuid4().hex[:8]}"
    broker = RedisBroker(url=redis_url, namespace=namespace)
    actors = [tasks.process_remix, tasks.recover_stale_tasks, tasks.apply_provider_event]
    previous = [actor.broker for actor in actors]
    previous_global = dramatiq.get_broker()
    for actor in actors:
        actor.broker = broker
        broker.declare_actor(actor)
    dramatiq.set_broker(broker)  # services queue work by actor name through the global broker (remixes.queue)
    try:
        yield namespace
    finally:
        broker.flush_all()
        dramatiq.set_broker(previous_global)
        for actor, old in zip(actors, previous):
            actor.broker = old
        broker.close()


def start_worker(redis_url: str, namespace: str, *, extra_env: dict | None = None, threads: int = 1,
                 log_path: Path | None = None, queues=("remix", "maintenance", "webhooks")) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "DRAMATIQ_NAMESPACE": namespace,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REMIX_CACHE_DIR": str(settings.REMIX_CACHE_DIR),
        "REMIX_VAR_DIR": str(ROOT / "var"),
        "PYTHONPATH": str(ROOT),
        "REMIX_RECOVERY_INTERVAL": "2",
        **{key: str(value) for key, value in (extra_env or {}).items()},
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "manage.py", "rundramatiq", "--skip-checks", "--processes", "1", "--threads", str(threads),
         "--queues", *queues],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )


def stop_worker(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(predicate, timeout: float, interval: float = 0.25, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
