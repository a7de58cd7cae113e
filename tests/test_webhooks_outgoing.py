"""Outgoing webhooks: the five events of a completed task (or one failure event), signed per Standard
Webhooks and verified here with the `standardwebhooks` library, retried on its schedule (driven
with a fake clock), every attempt logged, 410 disabling the URL, redirects never followed."""
from __future__ import annotations

import base64
import http.server
import json
import threading
from collections import Counter
from datetime import timedelta

import dramatiq
import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from remixes import services, webhooks
from remixes.models import DisabledWebhookUrl, RemixTask, WebhookDelivery
from tests.test_api_byid import LINES, LYRICS, finished_task, queued_task

pytestmark = pytest.mark.django_db

MUSICGPT_CONVERSION_FIELDS = {"success", "conversion_type", "task_id", "conversion_id", "conversion_path",
                              "conversion_path_wav", "conversion_duration", "is_flagged", "reason", "lyrics",
                              "lyrics_timestamped"}
STEM_FIELDS = {"conversion_path_vocals", "conversion_path_instrumental", "source_path_vocals",
               "source_path_accompaniment"}  # our extension; null when the provider gives no stems
CONVERSION_FIELDS = MUSICGPT_CONVERSION_FIELDS | STEM_FIELDS


class Receiver(http.server.BaseHTTPRequestHandler):
    """Answers by path: /flaky fails each webhook-id twice with 500, /gone 410, /moved 302, else 200."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server = self.server
        with server.lock:
            webhook_id = self.headers.get("webhook-id")
            server.seen[(self.path, webhook_id)] += 1
            if self.path == "/flaky" and server.seen[(self.path, webhook_id)] <= 2:
                code = 500
            elif self.path == "/gone":
                code = 410
            elif self.path == "/moved":
                code = 302
            else:
                code = 200
            server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body, "code": code})
        self.send_response(code)
        if code == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def hooks(receiver, settings):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    receiver.seen = Counter()
    receiver.requests = []
    base = f"http://127.0.0.1:{receiver.server_port}"
    return lambda path: base + path


def deliver_all(now, *, max_rounds: int = 100) -> list:
    """Run every due attempt, moving a fake clock to each next attempt until nothing is pending."""
    clock = now
    for _ in range(max_rounds):
        pending = list(WebhookDelivery.objects.filter(status="pending").order_by("next_attempt_at"))
        if not pending:
            return clock
        clock = max(clock, min(d.next_attempt_at for d in pending))
        for delivery in pending:
            if delivery.next_attempt_at <= clock:
                webhooks.attempt_delivery(delivery.pk, now=clock)
    raise AssertionError("deliveries still pending")


def deliveries(task) -> list[WebhookDelivery]:
    """The outbox rows the task's completion or failure wrote in its own transaction."""
    return list(WebhookDelivery.objects.filter(task=task).order_by("pk"))


def verified(receiver, secret: str) -> list[dict]:
    verifier = Webhook(secret)
    return [verifier.verify(r["body"], r["headers"]) for r in receiver.requests]


def test_a_completed_task_sends_five_signed_events_in_the_reference_shapes(owner, hooks, receiver, outputs):
    secret = webhooks.rotate_webhook_secret(owner)
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"))
    created = deliveries(task)
    assert Counter(d.event for d in created) == {"conversion": 2, "lyrics": 2, "album_cover": 1}
    deliver_all(timezone.now())
    payloads = verified(receiver, secret)
    assert len(payloads) == 5
    conversions = [p for p in payloads if "subtype" not in p]
    assert len(conversions) == 2
    for payload in conversions:
        assert set(payload) == CONVERSION_FIELDS
        assert payload["success"] is True and payload["conversion_type"] == "Remix"
        assert payload["conversion_path"].startswith("http") and payload["conversion_path_wav"].startswith("http")
        assert payload["is_flagged"] is False and payload["reason"] == ""
        assert payload["lyrics"] == LYRICS and payload["lyrics_timestamped"] == LINES
        assert all(payload[name] is None for name in STEM_FIELDS)
    assert {p["conversion_id"] for p in conversions} == {str(c.pk) for c in task.conversions.all()}
    lyrics = [p for p in payloads if p.get("subtype") == "lyrics_timestamped"]
    assert len(lyrics) == 2 and all(p["lyrics_timestamped"] == LINES for p in lyrics)
    (cover,) = [p for p in payloads if p.get("subtype") == "album_cover"]
    assert cover["album_cover_path"].startswith("http") and cover["album_cover_thumbnail"].startswith("http")
    assert all(d.status == "delivered" and d.attempts == 1 for d in WebhookDelivery.objects.all())


def test_signatures_fail_with_another_secret_or_a_changed_body(owner, hooks, receiver, outputs):
    secret = webhooks.rotate_webhook_secret(owner)
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"))
    deliver_all(timezone.now())
    first = receiver.requests[0]
    sig = first["headers"]["webhook-signature"]
    assert sig.startswith("v1,") and len(base64.b64decode(sig[3:])) == 32
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_standard_secret()).verify(first["body"], first["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(first["body"].replace(b"Remix", b"Remiz"), first["headers"])


def test_a_receiver_that_fails_twice_gets_each_event_once_with_retries_logged(owner, hooks, receiver, outputs):
    secret = webhooks.rotate_webhook_secret(owner)
    task = finished_task(owner, outputs, webhook_url=hooks("/flaky"))
    start = timezone.now()
    deliver_all(start)
    accepted = Counter(r["headers"]["webhook-id"] for r in receiver.requests if r["code"] == 200)
    assert len(accepted) == 5 and set(accepted.values()) == {1}
    verified(receiver, secret)  # every attempt, retries included, is signed
    for delivery in WebhookDelivery.objects.all():
        assert delivery.status == "delivered" and delivery.attempts == 3 and delivery.last_status_code == 200
        log = delivery.attempt_log
        assert [entry["status_code"] for entry in log] == [500, 500, 200]
        assert [entry["attempt"] for entry in log] == [1, 2, 3]
        assert log[0]["error"].startswith("HTTP 500") and log[2]["next_attempt_at"] is None
        at = [timezone.datetime.fromisoformat(entry["at"]) for entry in log]
        assert 4.5 <= (at[1] - at[0]).total_seconds() <= 5.5  # 5 s +/- 10 %
        assert 270 <= (at[2] - at[1]).total_seconds() <= 330  # 5 min +/- 10 %


def test_a_duplicate_message_sends_nothing(owner, hooks, receiver, outputs):
    task = finished_task(owner, outputs, webhook_url=hooks("/flaky"))
    delivery = deliveries(task)[0]
    now = timezone.now()
    assert webhooks.attempt_delivery(delivery.pk, now=now).status == "pending"
    assert webhooks.attempt_delivery(delivery.pk, now=now).status == "skipped"  # next attempt not due yet
    assert len(receiver.requests) == 1


def test_scheduling_twice_creates_each_event_once(owner, hooks, outputs):
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"))
    assert len(deliveries(task)) == 5  # written by the completion itself
    assert webhooks.schedule_task_events(task.pk) == []
    assert WebhookDelivery.objects.count() == 5


def test_a_failed_task_sends_one_failure_event(owner, hooks, receiver):
    secret = webhooks.rotate_webhook_secret(owner)
    task = queued_task(owner, webhook_url=hooks("/ok"))
    services.fail_task(task.pk, "The audio could not be decoded.")
    assert [d.event for d in deliveries(task)] == ["failure"]
    deliver_all(timezone.now())
    assert verified(receiver, secret) == [{"success": False, "conversion_type": "Remix", "task_id": str(task.pk),
                                           "status": "FAILED", "reason": "The audio could not be decoded."}]


def test_an_instrumental_task_sends_no_lyrics_events(owner, hooks, outputs):
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"), instrumental=True)
    assert Counter(d.event for d in deliveries(task)) == {"conversion": 2, "album_cover": 1}


def test_a_flagged_task_sends_no_audio_links(owner, hooks, outputs):
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"), flag_reason="Offensive prompt")
    for delivery in deliveries(task):
        if delivery.event == "conversion":
            assert delivery.payload["is_flagged"] is True and delivery.payload["reason"] == "Offensive prompt"
            assert delivery.payload["conversion_path"] is None and delivery.payload["conversion_path_wav"] is None


def test_approving_a_flagged_task_sends_its_events_again_with_links(owner, staff, hooks, outputs,
                                                                     django_capture_on_commit_callbacks):
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"), flag_reason="Offensive prompt")
    first = {d.webhook_id for d in deliveries(task)}
    task.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_task(task, staff, approve=True)
    again = WebhookDelivery.objects.filter(task=task).exclude(webhook_id__in=first)
    assert Counter(d.event for d in again) == {"conversion": 2, "lyrics": 2, "album_cover": 1}
    for delivery in again.filter(event="conversion"):
        assert delivery.payload["conversion_path"].startswith("http") and delivery.payload["conversion_path_wav"]


def test_rejecting_a_flagged_task_sends_nothing_more(owner, staff, hooks, outputs, django_capture_on_commit_callbacks):
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"), flag_reason="Offensive prompt")
    task.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_task(task, staff, approve=False)
    assert WebhookDelivery.objects.filter(task=task).count() == 5


def test_no_webhook_url_means_no_deliveries(owner, outputs):
    task = finished_task(owner, outputs)
    assert webhooks.schedule_task_events(task.pk) == [] and deliveries(task) == []


def test_410_gone_disables_the_url_for_the_account(owner, hooks, receiver, outputs):
    task = finished_task(owner, outputs, webhook_url=hooks("/gone"))
    deliver_all(timezone.now())
    assert len(receiver.requests) == 1  # the other four were disabled without being sent
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"disabled"}
    assert DisabledWebhookUrl.objects.filter(user=owner, url=hooks("/gone")).exists()
    later = finished_task(owner, outputs, webhook_url=hooks("/gone"))
    assert {d.status for d in deliveries(later)} == {"disabled"}


def test_redirects_are_not_followed_and_count_as_failures(owner, hooks, receiver, outputs):
    task = finished_task(owner, outputs, webhook_url=hooks("/moved"))
    delivery = deliveries(task)[0]
    outcome = webhooks.attempt_delivery(delivery.pk)
    assert outcome.status == "pending" and 4.5 <= outcome.retry_in <= 5.5
    assert [r["path"] for r in receiver.requests] == ["/moved"]
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302


def test_it_gives_up_after_the_whole_schedule(owner, settings, outputs):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    task = finished_task(owner, outputs, webhook_url="http://127.0.0.1:9/closed")  # nothing listens on port 9
    start = timezone.now()
    end = deliver_all(start)
    for delivery in WebhookDelivery.objects.all():
        assert delivery.status == "failed" and delivery.attempts == len(webhooks.RETRY_DELAYS) + 1
        assert all(entry["status_code"] is None and entry["error"] for entry in delivery.attempt_log)
    hours = (end - start).total_seconds() / 3600
    assert 24 < hours < 31  # 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h, +/- 10 %


def test_a_private_webhook_url_is_refused_at_delivery_time(owner, settings, outputs):
    task = finished_task(owner, outputs, webhook_url="http://10.0.0.7/hook")
    delivery = deliveries(task)[0]
    assert webhooks.attempt_delivery(delivery.pk).status == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Refused") and delivery.attempts == 1


def test_rotating_the_secret_gives_a_standard_secret(owner):
    old = owner.webhook_secret
    secret = webhooks.rotate_webhook_secret(owner)
    owner.refresh_from_db()
    assert owner.webhook_secret == secret != old and secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:], validate=True)) == 32


def test_overdue_deliveries_are_sent_again(owner, hooks, outputs):
    task = finished_task(owner, outputs, webhook_url=hooks("/ok"))
    assert webhooks.resend_due_deliveries() == 0
    assert webhooks.resend_due_deliveries(now=timezone.now() + timedelta(minutes=5)) == 5


@pytest.mark.django_db(transaction=True)
def test_the_actor_delivers_through_a_dramatiq_worker(make_user, hooks, receiver, outputs):
    user = make_user("actor-owner")
    secret = webhooks.rotate_webhook_secret(user)
    task = finished_task(user, outputs, webhook_url=hooks("/ok"))  # completion schedules the events on commit
    broker = dramatiq.get_broker()
    worker = dramatiq.Worker(broker, worker_timeout=100, queues={"webhooks"})
    worker.start()
    try:
        broker.join("webhooks", timeout=20_000)
    finally:
        worker.stop()
    assert WebhookDelivery.objects.filter(task=task, status="delivered").count() == 5
    assert len(verified(receiver, secret)) == 5
    assert json.loads(receiver.requests[0]["body"])["task_id"] == str(task.pk)


# --- the transactional outbox: events survive a process that dies between commit and send -------


def _work_off_webhooks() -> None:
    broker = dramatiq.get_broker()
    worker = dramatiq.Worker(broker, worker_timeout=100, queues={"webhooks"})
    worker.start()
    try:
        broker.join("webhooks", timeout=20_000)
    finally:
        worker.stop()


def _sweep_and_deliver_until_quiet(rounds: int = 3) -> None:
    """What the worker's recovery thread does, run a few times: every re-send is harmless."""
    for round_ in range(rounds):
        webhooks.resend_due_deliveries(now=timezone.now() + timedelta(minutes=2 + round_))
        _work_off_webhooks()


@pytest.mark.django_db(transaction=True)
def test_events_written_with_the_completion_arrive_once_when_the_on_commit_send_fails(
    make_user, hooks, receiver, outputs, monkeypatch
):
    user = make_user("outbox-hook")
    secret = webhooks.rotate_webhook_secret(user)
    real_send = webhooks.deliver_webhook.send

    def broken_send(*args, **kwargs):
        raise ConnectionError("broker down right after the commit")

    monkeypatch.setattr(webhooks.deliver_webhook, "send", broken_send)
    task = finished_task(user, outputs, webhook_url=hooks("/ok"))  # the on-commit send raises
    failed = queued_task(user, webhook_url=hooks("/ok"))
    services.fail_task(failed.pk, "The audio could not be decoded.")
    # The state changes committed, and so did their events, none of them sent yet.
    assert RemixTask.objects.get(pk=task.pk).status == "COMPLETED"
    rows = WebhookDelivery.objects.filter(task__in=[task, failed])
    assert rows.count() == 6 and set(rows.values_list("attempts", flat=True)) == {0}
    assert receiver.requests == []
    monkeypatch.setattr(webhooks.deliver_webhook, "send", real_send)
    _sweep_and_deliver_until_quiet()
    ids = Counter(r["headers"]["webhook-id"] for r in receiver.requests)
    assert ids == Counter({d.webhook_id: 1 for d in rows})
    assert len(verified(receiver, secret)) == 6
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


KILLED_AFTER_COMMIT = r"""
import os, signal, sys
import django
django.setup()
from remixes import services, webhooks
# The process dies the moment the transaction has committed, before any message is sent.
webhooks._kick = lambda ids: os.kill(os.getpid(), signal.SIGKILL)
webhooks.deliver_webhook.send = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
from remixes.results import TaskResult, VersionOutput
data = open(sys.argv[2], "rb").read()
png = open(sys.argv[3], "rb").read()
services.claim_task(sys.argv[1])
services.apply_result(sys.argv[1], TaskResult(
    versions=[VersionOutput(index=i, mp3=data, duration=1.0, lyrics="la", lyrics_timestamped=[]) for i in (1, 2)],
    cover_png=png, cover_thumb_png=png))
print("not killed")
"""


@pytest.mark.django_db(transaction=True)
def test_events_arrive_once_when_the_worker_is_killed_between_commit_and_send(
    make_user, hooks, receiver, outputs, settings, tmp_path
):
    import os
    import signal
    import subprocess
    import sys

    from tests.workers import ROOT, database_url

    user = make_user("outbox-kill")
    task = queued_task(user, webhook_url=hooks("/ok"))
    (tmp_path / "a.mp3").write_bytes(outputs["mp3"])
    (tmp_path / "c.png").write_bytes(outputs["png"])
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "DJANGO_SETTINGS_MODULE": "remixsite.settings", "PYTHONPATH": str(ROOT), "REMIX_TESTING": "1"}
    done = subprocess.run([sys.executable, "-c", KILLED_AFTER_COMMIT, str(task.pk), str(tmp_path / "a.mp3"),
                           str(tmp_path / "c.png")], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
    assert RemixTask.objects.get(pk=task.pk).status == "COMPLETED"
    rows = WebhookDelivery.objects.filter(task=task)
    assert Counter(rows.values_list("event", flat=True)) == {"conversion": 2, "lyrics": 2, "album_cover": 1}
    assert receiver.requests == []
    _sweep_and_deliver_until_quiet()
    assert Counter(r["headers"]["webhook-id"] for r in receiver.requests) == Counter({d.webhook_id: 1 for d in rows})
    assert set(rows.values_list("status", flat=True)) == {"delivered"}
