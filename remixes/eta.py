"""The one estimate of when a task will be done, and the one count of the tasks ahead of it: the job
page, `byId` and the submit answer all read them here, so they always agree."""
from __future__ import annotations

import math

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from .models import RemixTask

Status = RemixTask.Status

# Seconds of processing per second of source audio, before any task has been measured here.
DEFAULT_SECONDS_PER_SOURCE_SECOND = 0.4
ETA_OVERHEAD_SECONDS = 10

RATE_CACHE_KEY = "remix:processing-rate"
RATE_CACHE_SECONDS = 60


def processing_rate() -> float:
    """Measured seconds of work per second of source audio over the last 20 completed tasks
    (cached for a minute: every status poll asks for it)."""
    rate = cache.get(RATE_CACHE_KEY)
    if rate is None:
        rate = _measure_processing_rate()
        cache.set(RATE_CACHE_KEY, rate, RATE_CACHE_SECONDS)
    return rate


def _measure_processing_rate() -> float:
    recent = (
        RemixTask.objects.filter(status=Status.COMPLETED, started_at__isnull=False, upload__duration__gt=0)
        .order_by("-finished_at")[:20]
        .values_list("started_at", "finished_at", "upload__duration")
    )
    rates = [(end - start).total_seconds() / duration for start, end, duration in recent if end and duration]
    return sum(rates) / len(rates) if rates else DEFAULT_SECONDS_PER_SOURCE_SECOND


def estimate_eta(duration_seconds: float, *, queued_ahead: int | None = None) -> int:
    """eta = (tasks ahead / workers + 1) x (overhead + rate x duration), rate measured on recent tasks."""
    if queued_ahead is None:
        queued_ahead = RemixTask.objects.filter(status__in=[Status.IN_QUEUE, Status.PROCESSING]).count()
    per_task = ETA_OVERHEAD_SECONDS + processing_rate() * duration_seconds
    workers = max(1, settings.REMIX_WORKER_CONCURRENCY)
    return int(math.ceil((queued_ahead / workers + 1) * per_task))


def source_seconds(task: RemixTask) -> float:
    """The source song's length, or the length assumed for a URL song not fetched yet."""
    seconds = task.source_duration if hasattr(task, "source_duration") else task.upload.duration
    return seconds or settings.REMIX_URL_ESTIMATE_SECONDS


def queue_position(task: RemixTask) -> int:
    """How many tasks were queued before this one and are not started (0 = next)."""
    if task.status != Status.IN_QUEUE:
        return 0
    if hasattr(task, "queued_before"):
        return task.queued_before
    return RemixTask.objects.filter(status=Status.IN_QUEUE, created_at__lt=task.created_at).count()


def tasks_ahead(task: RemixTask) -> int:
    """Tasks a queued task waits for: those queued before it plus those running (one query, or
    none for a task read by `services.task_for_status`)."""
    if task.status != Status.IN_QUEUE:
        return 0
    if hasattr(task, "queued_before"):
        return task.queued_before + task.processing_now
    return RemixTask.objects.filter(
        Q(status=Status.PROCESSING) | Q(status=Status.IN_QUEUE, created_at__lt=task.created_at)
    ).count()


def seconds_left(task: RemixTask) -> int:
    """Seconds until the task is expected to finish.
    IN_QUEUE: ceil((ahead / workers + 1) x (10 + rate x duration)), ahead = `tasks_ahead`;
    PROCESSING: the remaining share (1 - progress/100) of one task's time; finished: 0.
    `rate` is the measured seconds of work per second of audio (`processing_rate`)."""
    duration = source_seconds(task)
    if task.status == Status.IN_QUEUE:
        return estimate_eta(duration, queued_ahead=tasks_ahead(task))
    if task.status == Status.PROCESSING:
        one_task = estimate_eta(duration, queued_ahead=0)
        return int(math.ceil(one_task * (1 - min(task.progress, 100) / 100)))
    return 0
