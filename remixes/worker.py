"""Worker-process set-up, as Dramatiq middleware: warm the engine's JIT cache and run the stale-task
recovery sweep at start and then periodically. Imported by the broker set-up before Django's apps
are ready, so Django models are only imported inside the threads."""
from __future__ import annotations

import logging
import threading

import dramatiq

log = logging.getLogger(__name__)


class RecoveryMiddleware(dramatiq.Middleware):
    def after_worker_boot(self, broker, worker) -> None:
        from django.conf import settings

        if settings.REMIX_PROVIDER == "local" and not settings.TESTING:
            threading.Thread(target=_warm_up, name="remix-warm-up", daemon=True).start()
        self._stop = threading.Event()
        thread = threading.Thread(
            target=_sweep_forever, args=(self._stop, settings.REMIX_RECOVERY_INTERVAL), name="remix-recovery", daemon=True
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


def _sweep_forever(stop: threading.Event, interval: float) -> None:
    from django.db import close_old_connections

    from .services import recover_stale_tasks
    from .webhooks import resend_due_deliveries

    while True:
        try:
            recover_stale_tasks()
            resend_due_deliveries()
        except Exception:
            log.exception("stale-task recovery failed")
        finally:
            close_old_connections()
        if stop.wait(interval):
            return
