"""Dramatiq actors, and the only orchestrator: they receive ids, claim before working (a duplicate
message does nothing), run the provider and hand what it returns to `remixes.services`, which makes
every state change. Found by the worker through DRAMATIQ_AUTODISCOVER_MODULES."""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import dramatiq
from django.conf import settings
from dramatiq.middleware import TimeLimitExceeded

from . import services
from .engine import EngineError
from .errors import ProviderError, UserError
from .models import ProviderEvent
from .providers import get_provider, musicgpt
from .results import UpstreamFailure, UpstreamSubmission
from .sources import fetch_audio_url, local_source

log = logging.getLogger(__name__)


class TaskLost(Exception):
    """The task was taken from this worker (recovered elsewhere or finished): stop quietly."""


@dramatiq.actor(
    queue_name="remix",
    time_limit=settings.REMIX_TASK_TIME_LIMIT * 1000,
    # Retries re-claim the task, so a task can run at most REMIX_MAX_ATTEMPTS times.
    max_retries=settings.REMIX_MAX_ATTEMPTS - 1,
    min_backoff=5_000,
    max_backoff=120_000,
    throws=(TaskLost, EngineError, UserError),
)
def process_remix(task_id: str) -> None:
    task = services.claim_task(task_id)
    if task is None:
        log.info("task %s is not queued (duplicate message or already taken): skipped", task_id)
        return
    attempt = task.attempts

    def progress(stage: str, percent: int) -> None:
        if not services.report_progress(task_id, attempt, stage, percent):
            raise TaskLost(task_id)

    try:
        with tempfile.TemporaryDirectory(prefix="remix-") as workdir:
            progress("Fetching audio", 1)
            if not task.upload.file:  # a song given by URL, fetched once
                services.attach_fetched_source(task_id, attempt, fetch_audio_url(task.upload.source_url, Path(workdir)))
                task.upload.refresh_from_db()
            with local_source(task.upload, Path(workdir)) as source:
                if not task.upload.peaks:
                    _record_waveform(task.upload_id, source)
                result = get_provider().run(task, source, progress)
            if isinstance(result, UpstreamSubmission):  # the upstream's callbacks finish it
                services.record_provider_submission(task_id, attempt, result.provider_task_id, result.refs)
            elif result is not None:
                services.apply_result(task_id, result, attempt=attempt)
    except TaskLost:
        log.warning("task %s attempt %d was taken away; stopping", task_id, attempt)
        raise
    except (EngineError, UserError) as exc:
        if isinstance(exc, ProviderError) and exc.retryable and attempt < settings.REMIX_MAX_ATTEMPTS:
            services.release_task(task_id, attempt, exc.user_message)
            raise
        services.fail_task(task_id, exc.user_message, attempt=attempt)
    except TimeLimitExceeded:
        services.fail_task(
            task_id,
            f"The remix took longer than the limit of {_duration_words(settings.REMIX_TASK_TIME_LIMIT)}. "
            "Your credits were refunded.",
            attempt=attempt,
        )
    except Exception:
        log.exception("task %s attempt %d crashed", task_id, attempt)
        if attempt >= settings.REMIX_MAX_ATTEMPTS:
            services.fail_task(
                task_id, "The remix failed because of an internal error. Your credits were refunded.", attempt=attempt
            )
            return
        services.release_task(task_id, attempt, "Retrying after an internal error")
        raise


_WAVEFORM_RATE = 8000


def _record_waveform(upload_id, source: Path) -> None:
    """The original song's waveform for its player, from a decode at 8 kHz (~0.2 s per minute of mp3), once
    per upload. A file the decoder cannot read gets none: the remix then fails or succeeds on its own."""
    from .engine.decode import decode
    from .engine.features import peaks

    try:
        audio = decode(source, float(settings.REMIX_MAX_SECONDS), sample_rate=_WAVEFORM_RATE)
    except EngineError as exc:
        log.info("no waveform for upload %s: %s", upload_id, exc)
        return
    services.record_source_peaks(upload_id, peaks(audio))


def _duration_words(seconds: int) -> str:
    return f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"


@dramatiq.actor(queue_name="maintenance", max_retries=0, time_limit=120_000)
def recover_stale_tasks() -> None:
    services.recover_stale_tasks()


@dramatiq.actor(queue_name="remix", max_retries=5, min_backoff=10_000, time_limit=300_000, throws=(TaskLost,))
def apply_provider_event(event_id: int) -> None:
    """Apply one stored MusicGPT callback to its task."""
    event = ProviderEvent.objects.select_related("task").filter(pk=event_id, applied_at__isnull=True).first()
    if event is None:
        return  # unknown, or applied already (a re-sent message)
    if event.task is not None:
        outcome = musicgpt.parse_callback(event.task, event.payload)
        if isinstance(outcome, UpstreamFailure):
            services.fail_task(event.task_id, outcome.reason)
        elif outcome is None:
            log.warning("provider callback %s names no known conversion; ignored", event.pk)
        else:
            services.apply_result(event.task_id, outcome)
    services.mark_provider_event_applied(event.pk)
