"""End to end through a real Redis broker and real `rundramatiq` worker processes."""
from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pytest
import soundfile as sf
from django.core.files.storage import default_storage

from remixes import services
from remixes.models import CreditEntry, RemixTask
from remixes.services import AudioFacts, RemixOptions

from .workers import redis_broker, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def submit(owner, clip_bytes, seconds: float = 5.0, **options) -> RemixTask:
    return services.submit_remix(
        owner,
        RemixOptions(prompt=options.pop("prompt", "make it lo-fi with chill beats"), **options),
        audio_file=io.BytesIO(clip_bytes),
        audio_name="clip.wav",
        audio_facts=AudioFacts(duration=seconds, sample_rate=22050, channels=2),
    )


def finished(*task_ids):
    tasks = RemixTask.objects.filter(pk__in=task_ids)
    return all(t.is_finished for t in tasks) and len(tasks) == len(task_ids)


def test_a_real_worker_takes_a_clip_from_submit_to_completed(owner, clip_bytes, redis_url, tmp_path):
    log = tmp_path / "worker.log"
    with redis_broker(redis_url) as namespace:
        # A hang inside the engine becomes a FAILED task with a reason instead of a silent timeout.
        worker = start_worker(redis_url, namespace, log_path=log, extra_env={"REMIX_TASK_TIME_LIMIT": 200})
        try:
            task = submit(owner, clip_bytes, lyrics="It's a brand new day")
            wait_for(lambda: finished(task.pk), timeout=240, message="the remix to finish")
        finally:
            stop_worker(worker)
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED, (task.status_msg, log.read_text()[-3000:])
    assert task.cover and task.style_plan
    for conversion in task.conversions.all():
        assert conversion.mp3 and conversion.wav
        with default_storage.open(conversion.wav.name) as fh:
            audio, rate = sf.read(io.BytesIO(fh.read()))
        assert rate == 44100 and audio.shape[1] == 2
        assert abs(len(audio) / rate - conversion.duration) < 0.05
        assert 2.0 < conversion.duration < 15.0
        assert conversion.lyrics_timestamped and conversion.peaks
    assert CreditEntry.objects.filter(task=task, kind="charge").count() == 1


def test_two_workers_share_a_queue_without_doing_any_task_twice(owner, clip_bytes, redis_url, tmp_path):
    runs = tmp_path / "runs.log"
    runs.touch()
    env = {"REMIX_PROVIDER": "tests.fake_provider.RecordingProvider", "FAKE_PROVIDER_LOG": str(runs)}
    with redis_broker(redis_url) as namespace:
        logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
        workers = [start_worker(redis_url, namespace, extra_env=env, threads=2, log_path=log) for log in logs]
        try:
            # Both workers must be consuming before the burst, or the first one would take it all.
            wait_for(lambda: all("ready for action" in log.read_text() for log in logs), 60, message="workers")
            tasks = [submit(owner, clip_bytes) for _ in range(12)]
            for task in tasks[:4]:  # duplicate deliveries of the same message
                services.enqueue(task.pk)
            ids = [t.pk for t in tasks]
            wait_for(lambda: finished(*ids), timeout=120, message="12 tasks to finish")
        finally:
            for worker in workers:
                stop_worker(worker)
    lines = runs.read_text().split()
    done = Counter(lines[0::2])
    assert set(done) == {str(i) for i in ids}
    assert max(done.values()) == 1, "a task was processed twice"
    assert len(set(lines[1::2])) == 2, "both worker processes took tasks"
    assert RemixTask.objects.filter(pk__in=ids, status=RemixTask.Status.COMPLETED).count() == 12
    charges = CreditEntry.objects.filter(task__in=ids, kind="charge")
    assert charges.count() == 12
    assert owner.credit_balance == Decimal("200") - 12 * services.price_for(5.0)
