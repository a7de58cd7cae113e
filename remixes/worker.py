"""Worker-process set-up, as Dramatiq middleware: warm the engine (imports and JIT cache) before the
worker consumes anything, and run the recovery sweeps (stale tasks, unsent webhook deliveries,
unapplied provider callbacks) at start and then periodically. Imported by the broker set-up before Django's apps are ready, so Django modules are
only imported inside the hooks."""
from __future__ import annotations

import logging
import threading

import dramatiq

log = logging.getLogger(__name__)


class RecoveryMiddleware(dramatiq.Middleware):
    def before_worker_boot(self, broker, worker) -> None:
        from django.conf import settings

        # Before any consumer thread exists: a remix forks its helper processes, and a fork taken
        # while another thread is importing or compiling would leave the child waiting on a lock.
        queues = getattr(worker, "consumer_whitelist", None)
        remixes_here = queues is None or "remix" in queues
        if remixes_here and settings.REMIX_PROVIDER == "local" and not settings.TESTING:
            _warm_up()

    def after_worker_boot(self, broker, worker) -> None:
        from django.conf import settings

        from .callbacks import resend_unapplied_events
        from .services import recover_stale_tasks
        from .webhooks import resend_due_deliveries

        self._stop = threading.Event()
        thread = threading.Thread(
            target=_sweep_forever,
            args=(self._stop, settings.REMIX_RECOVERY_INTERVAL, (recover_stale_tasks, resend_due_deliveries, resend_unapplied_events)),
            name="remix-recovery",
            daemon=True,
        )
        thread.start()

    def before_worker_shutdown(self, broker, worker) -> None:
        if getattr(self, "_stop", None):
            self._stop.set()


def _warm_up() -> None:
    try:
        from .engine import warm_up

        warm_up()
    except Exception:
        log.exception("engine warm-up failed")


def _sweep_forever(stop: threading.Event, interval: float, sweeps) -> None:
    from django.db import close_old_connections

    while True:
        for sweep in sweeps:  # one failing sweep does not stop the others
            try:
                sweep()
            except Exception:
                log.exception("recovery sweep %s failed", getattr(sweep, "__name__", sweep))
        close_old_connections()
        if stop.wait(interval):
            return
