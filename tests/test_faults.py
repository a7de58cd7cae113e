"""Faults the job system must survive without losing or doubling anything: a worker killed with
SIGKILL mid-remix, Redis restarted (empty) while tasks are queued, a webhook receiver that is down
for a while, duplicate messages and racing workers, the time limit, and storage failing while
results are saved. Real Redis and real `rundramatiq` workers where the fault lives in them; the
provider is tests.fake_provider.RecordingProvider so no engine runs."""
from __future__ import annotations

import errno
import http.server
import io
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import dramatiq
from dramatiq.middleware import TimeLimit
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from remixes import services, tasks, webhooks
from remixes.models import CreditEntry, RemixTask, WebhookDelivery
from remixes.services import AudioFacts, RemixOptions

from .conftest import wav_bytes
from . import workers
from .workers import redis_broker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER = "tests.fake_provider.RecordingProvider"
STALE_AFTER = 5  # the smallest the settings allow


# --- helpers ----------------------------------------------------------------------------------


def submit(owner, **options) -> RemixTask:
    return services.submit_remix(
        owner,
        RemixOptions(prompt=options.pop("prompt", "make it lo-fi"), **options),
        audio_file=io.BytesIO(wav_bytes(1.0)),
        audio_name="clip.wav",
        audio_facts=AudioFacts(duration=1.0, sample_rate=22050, channels=2),
    )


def start_worker(redis_url: str, namespace: str, log_path: Path, queues=("remix", "maintenance"), **env):
    """A real worker running the recording provider, with extra environment for the case."""
    return workers.start_worker(
        redis_url, namespace, log_path=log_path, queues=queues,
        extra_env={"REMIX_RECOVERY_INTERVAL": 1, "REMIX_PROVIDER": PROVIDER, **env},
    )


stop = workers.stop_worker


def wait_ready(log_path: Path, timeout: float = 60) -> None:
    wait_for(lambda: "ready for action" in log_path.read_text(errors="replace"), timeout, message="worker start")


def runs_of(runs_log: Path) -> Counter:
    return Counter(line.split()[0] for line in runs_log.read_text().splitlines() if line.strip())


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def referenced_files(*task_ids) -> set[str]:
    names = set()
    for task in RemixTask.objects.filter(pk__in=task_ids).select_related("upload"):
        names |= {f.name for f in (task.upload.file, task.cover, task.cover_thumb) if f}
        for conv in task.conversions.all():
            names |= {f.name for f in (conv.mp3, conv.wav) if f}
    return names


def ledger(task) -> Counter:
    return Counter(CreditEntry.objects.filter(task=task).values_list("kind", flat=True))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fast_recovery(settings):
    settings.REMIX_STALE_AFTER = STALE_AFTER
    settings.REMIX_RECOVERY_INTERVAL = 1
    settings.REMIX_PROVIDER = PROVIDER
    return settings


@pytest.fixture
def runs_log(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "runs.log"
    path.touch()
    monkeypatch.setenv("FAKE_PROVIDER_LOG", str(path))
    return path


# --- a worker killed mid-remix ----------------------------------------------------------------


@pytest.mark.services
def test_a_task_whose_worker_is_killed_mid_remix_completes_exactly_once(
    owner, redis_url, tmp_path, runs_log, fast_recovery
):
    with redis_broker(redis_url) as namespace:
        first = start_worker(redis_url, namespace, tmp_path / "a.log", FAKE_PROVIDER_SECONDS=30, REMIX_STALE_AFTER=STALE_AFTER)
        try:
            task = submit(owner)
            wait_for(lambda: runs_of(runs_log)[str(task.pk)] == 1, 60, message="the first worker to start the remix")
            stop(first, signal.SIGKILL)
            task.refresh_from_db()
            assert task.status == RemixTask.Status.PROCESSING and task.attempts == 1
            second = start_worker(redis_url, namespace, tmp_path / "b.log", FAKE_PROVIDER_SECONDS=0.1,
                                  REMIX_STALE_AFTER=STALE_AFTER)
            try:
                wait_for(lambda: RemixTask.objects.get(pk=task.pk).is_finished, 60, message="recovery")
            finally:
                stop(second)
        finally:
            stop(first, signal.SIGKILL)
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED, task.status_msg
    assert task.attempts == 2
    assert runs_of(runs_log)[str(task.pk)] == 2  # the killed run and the one that finished
    assert ledger(task) == Counter({"hold": 1, "release": 1, "charge": 1})
    assert owner.credit_balance == Decimal("200") - services.price_for(1.0)
    assert stored_files() == referenced_files(task.pk)  # nothing orphaned by the killed run


# --- Redis restarted while tasks are queued ---------------------------------------------------


@contextmanager
def private_redis(tmp_path: Path):
    """A redis-server of our own (no persistence) that the test may kill and restart."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(tmp_path)]
    state = {}

    def start():
        state["process"] = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: _accepts(port), 10, interval=0.05, message="redis-server")

    def crash():
        state["process"].kill()
        state["process"].wait()

    start()
    try:
        yield f"redis://127.0.0.1:{port}/0", crash, start
    finally:
        if state["process"].poll() is None:
            state["process"].terminate()
            state["process"].wait()


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.mark.services
def test_tasks_queued_when_redis_restarts_empty_all_complete(owner, tmp_path, runs_log, fast_recovery):
    with private_redis(tmp_path) as (url, crash_redis, start_redis):
        with redis_broker(url) as namespace:
            log = tmp_path / "worker.log"
            worker = start_worker(url, namespace, log, FAKE_PROVIDER_SECONDS=0.4, REMIX_STALE_AFTER=STALE_AFTER)
            try:
                wait_ready(log)
                queued = [submit(owner) for _ in range(5)]
                ids = [t.pk for t in queued]
                wait_for(lambda: RemixTask.objects.filter(pk__in=ids, status="PROCESSING").exists(), 30,
                         message="the first task to start")
                crash_redis()  # every queued message is gone with it
                time.sleep(1)
                start_redis()
                wait_for(lambda: all(t.is_finished for t in RemixTask.objects.filter(pk__in=ids)), 90,
                         message="every task to finish after the restart")
            finally:
                stop(worker)
    statuses = Counter(RemixTask.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == Counter({"COMPLETED": 5}), log.read_text()[-2000:]
    assert max(runs_of(runs_log).values()) == 1
    assert CreditEntry.objects.filter(task__in=ids, kind="charge").count() == 5
    assert "connection" in log.read_text().lower()  # the worker did see Redis go away


# --- the webhook receiver is down for a while -------------------------------------------------


class Receiver:
    """A webhook endpoint on loopback that can be down (connection refused) or up."""

    def __init__(self):
        self.port = free_port()
        self.received: list[dict] = []
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self):
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    hook = Receiver()
    yield hook
    hook.down()


def finished_task_with_webhook(owner, url) -> RemixTask:
    from tests.fake_provider import RecordingProvider

    task = submit(owner, webhook_url=url)
    claimed = services.claim_task(task.pk)
    result = RecordingProvider().run(claimed, None, lambda stage, percent: None)
    assert services.apply_result(task.pk, result, attempt=claimed.attempts)
    return task


def test_webhook_retries_follow_the_schedule_and_each_event_arrives_once_when_the_receiver_is_back(
    owner, receiver, settings, runs_log, monkeypatch
):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    monkeypatch.setattr(webhooks.deliver_webhook, "send", lambda *args, **kwargs: None)  # the test drives attempts
    task = finished_task_with_webhook(owner, receiver.url)
    deliveries = list(WebhookDelivery.objects.filter(task=task).order_by("pk"))
    assert [d.event for d in deliveries] == ["conversion", "conversion", "lyrics", "lyrics"]
    start = timezone.now()
    clock = start
    expected_gaps = webhooks.RETRY_DELAYS[:3]  # down for the first three attempts
    for attempt, gap in enumerate(expected_gaps, start=1):
        for delivery in deliveries:
            outcome = webhooks.attempt_delivery(delivery.pk, now=clock)
            assert outcome.status == "pending"
            assert gap * 0.9 <= outcome.retry_in <= gap * 1.1
            # A duplicate message before the next attempt is due sends nothing.
            assert webhooks.attempt_delivery(delivery.pk, now=clock + timedelta(seconds=1)).status == "skipped"
        clock += timedelta(seconds=gap * 1.1 + 1)
    receiver.up()
    for delivery in deliveries:
        assert webhooks.attempt_delivery(delivery.pk, now=clock).status == "delivered"
        assert webhooks.attempt_delivery(delivery.pk, now=clock + timedelta(hours=20)).status == "skipped"
    ids = Counter(message["headers"]["webhook-id"] for message in receiver.received)
    assert ids == Counter({d.webhook_id: 1 for d in deliveries})
    signer = Webhook(owner.__class__.objects.get(pk=owner.pk).webhook_secret)
    for message in receiver.received:
        assert signer.verify(message["body"], message["headers"])["task_id"] == str(task.pk)
    for delivery in WebhookDelivery.objects.filter(task=task):
        log = delivery.attempt_log
        assert [entry["attempt"] for entry in log] == [1, 2, 3, 4]
        assert [entry["status_code"] for entry in log] == [None, None, None, 204]
        assert all(entry["error"] for entry in log[:3]) and delivery.status == "delivered"


@pytest.mark.services
def test_a_real_worker_redelivers_webhooks_once_the_receiver_comes_back(
    owner, redis_url, tmp_path, receiver, runs_log, fast_recovery
):
    fast_recovery.SAFEHTTP_ALLOW_PRIVATE = True
    log = tmp_path / "worker.log"
    with redis_broker(redis_url) as namespace:
        worker = start_worker(redis_url, namespace, log, queues=("remix", "maintenance", "webhooks"),
                              FAKE_PROVIDER_SECONDS=0.1, SAFEHTTP_ALLOW_PRIVATE=1)
        try:
            task = submit(owner, webhook_url=receiver.url)
            # each first attempt recorded, not only taken: `attempts` counts one before its POST is sent, so a
            # receiver coming up in between answered the first attempt (a race seen on a loaded machine)
            wait_for(lambda: [len(d.attempt_log) >= 1 for d in WebhookDelivery.objects.filter(task=task)] == [True] * 4,
                     60, message="first attempts")
            receiver.up()
            wait_for(lambda: WebhookDelivery.objects.filter(task=task, status="delivered").count() == 4, 30,
                     message="retries to deliver")
        finally:
            stop(worker)
    ids = Counter(message["headers"]["webhook-id"] for message in receiver.received)
    assert sorted(ids.values()) == [1, 1, 1, 1]
    for delivery in WebhookDelivery.objects.filter(task=task):
        assert [entry["status_code"] for entry in delivery.attempt_log] == [None, 204]
        first, second = (datetime.fromisoformat(entry["at"]) for entry in delivery.attempt_log)
        assert 4.0 <= (second - first).total_seconds() <= 12  # the schedule's first retry: 5 s +- 10 %


# --- duplicates, races and the time limit -----------------------------------------------------


def test_the_same_message_delivered_twice_runs_the_task_once(owner, runs_log, fast_recovery):
    task = submit(owner)
    tasks.process_remix.fn(str(task.pk))
    tasks.process_remix.fn(str(task.pk))
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED and task.attempts == 1
    assert runs_of(runs_log) == Counter({str(task.pk): 1})
    assert ledger(task) == Counter({"hold": 1, "release": 1, "charge": 1})


def in_threads(count: int, work):
    """Run work(i) in `count` threads released at once; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_workers_racing_for_one_task_claim_it_once(owner):
    task = submit(owner)
    claims = in_threads(4, lambda i: services.claim_task(task.pk))
    assert sum(claim is not None for claim in claims) == 1
    task.refresh_from_db()
    assert task.attempts == 1 and task.status == RemixTask.Status.PROCESSING


def test_two_deliveries_of_one_result_racing_store_one_set_of_files_and_charge_once(owner, runs_log):
    from tests.fake_provider import RecordingProvider

    task = submit(owner)
    claimed = services.claim_task(task.pk)
    result = RecordingProvider().run(claimed, None, lambda stage, percent: None)
    applied = in_threads(3, lambda i: services.apply_result(task.pk, result, attempt=claimed.attempts))
    assert applied.count(True) == 1
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED
    assert ledger(task) == Counter({"hold": 1, "release": 1, "charge": 1})
    assert stored_files() == referenced_files(task.pk)
    assert len([name for name in stored_files() if name.startswith("results/")]) == 4


def test_a_task_that_hits_the_time_limit_fails_with_a_reason_and_a_refund(owner, runs_log, fast_recovery, monkeypatch):
    monkeypatch.setenv("FAKE_PROVIDER_SECONDS", "1.5")
    broker = tasks.process_remix.broker
    task = submit(owner)
    broker.flush_all()  # the on-commit message; we send our own with a short limit
    tasks.process_remix.send_with_options(args=(str(task.pk),), time_limit=1000)
    for middleware in broker.middleware:  # its watchdog thread starts at process boot, which `rundramatiq` does
        if isinstance(middleware, TimeLimit) and not middleware.manager.is_alive():
            middleware.manager.start()
    worker = dramatiq.Worker(broker, worker_timeout=100)
    worker.start()
    try:
        wait_for(lambda: RemixTask.objects.get(pk=task.pk).is_finished, 30, message="the time limit")
        broker.join(tasks.process_remix.queue_name, timeout=10_000)
    finally:
        worker.stop()
    task.refresh_from_db()
    assert task.status == RemixTask.Status.FAILED
    assert "took longer than the limit" in task.status_msg and "refunded" in task.status_msg
    assert ledger(task) == Counter({"hold": 1, "refund": 1})
    assert owner.credit_balance == Decimal("200")
    assert not any(name.startswith("results/") for name in stored_files())


# --- storage failing while results are saved --------------------------------------------------


@pytest.mark.parametrize("fail_on_call", [1, 3])
def test_a_full_disk_while_saving_results_fails_the_task_refunds_and_leaves_nothing_partial(
    owner, owner_client, runs_log, fast_recovery, monkeypatch, fail_on_call
):
    from remixes.apikeys import create_api_key

    task = submit(owner)
    real_save = default_storage.save
    calls = {"n": 0}

    def save(name, content, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= fail_on_call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(default_storage, "save", save)
    tasks.process_remix.fn(str(task.pk))
    monkeypatch.undo()

    task.refresh_from_db()
    assert task.status == RemixTask.Status.FAILED
    assert task.status_msg == "The results could not be stored (OSError). Your credits were refunded."
    assert ledger(task) == Counter({"hold": 1, "refund": 1})
    assert owner.credit_balance == Decimal("200")
    assert not any(name.startswith("results/") for name in stored_files())
    assert all(not c.mp3 and not c.wav for c in task.conversions.all())
    _, raw = create_api_key(owner)
    body = owner_client.get(f"/api/public/v1/byId?conversionType=REMIX&task_id={task.pk}", HTTP_AUTHORIZATION=raw).json()
    conversion = body["conversion"]
    assert conversion["status"] == "FAILED" and "could not be stored" in conversion["reason"]
    assert conversion["conversion_path_1"] is None and conversion["conversion_path_wav_2"] is None
    page = owner_client.get(f"/remixes/{task.pk}/")
    assert page.status_code == 200 and b"could not be stored" in page.content and b"/files/" not in page.content
