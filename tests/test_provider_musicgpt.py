"""The upstream provider against a local fake of MusicGPT speaking the documented contract: the task
is posted as multipart with the raw key, and MusicGPT's five callbacks finish it through the same
`apply_result` the local engine uses."""
from __future__ import annotations

import io
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from remixes import services, tasks
from remixes.engine import encode_mp3, encode_wav
from remixes.models import ProviderEvent, RemixTask
from remixes.services import AudioFacts, RemixOptions

pytestmark = pytest.mark.django_db

TOKEN = "callback-token-123"
KEY = "upstream-key-abc"


class FakeMusicGPT(BaseHTTPRequestHandler):
    requests: list[dict] = []
    answer: tuple[int, dict] = (200, {})
    files: dict[str, bytes] = {}

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        status, payload = type(self).answer
        self._send(status, json.dumps(payload).encode(), "application/json")

    def do_GET(self):
        content = type(self).files.get(self.path)
        self._send(200 if content else 404, content or b"missing", "application/octet-stream")

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMusicGPT)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.REMIX_PROVIDER = "musicgpt"
    settings.MUSICGPT_BASE_URL = base + "/api/public/v1"
    settings.MUSICGPT_API_KEY = KEY
    settings.PROVIDER_WEBHOOK_TOKEN = TOKEN
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    FakeMusicGPT.requests = []
    FakeMusicGPT.answer = (
        200,
        {"success": True, "message": "Remix request submitted successfully", "task_id": "up-task-1",
         "conversion_id_1": "up-c1", "conversion_id_2": "up-c2", "eta": 42, "credit_estimate": 47.5},
    )
    tone = (0.2 * np.sin(np.linspace(0, 2000, 44100))).astype(np.float32)[:, None].repeat(2, axis=1)
    cover = io.BytesIO()
    Image.new("RGB", (512, 512), (200, 40, 90)).save(cover, format="JPEG")
    FakeMusicGPT.files = {"/c1.mp3": encode_mp3(tone, 44100), "/c1.wav": encode_wav(tone, 44100),
                          "/c2.mp3": encode_mp3(tone, 44100), "/c2.wav": encode_wav(tone, 44100),
                          "/cover.jpg": cover.getvalue()}
    yield base
    server.shutdown()


def submit_and_send(owner, clip_bytes) -> RemixTask:
    task = services.submit_remix(
        owner,
        RemixOptions(prompt="remix in classical slow vibe", lyrics="It's a brand new day", gender="female"),
        audio_file=io.BytesIO(clip_bytes), audio_name="clip.wav",
        audio_facts=AudioFacts(duration=5.0, sample_rate=22050, channels=2),
    )
    tasks.process_remix(str(task.pk))
    task.refresh_from_db()
    return task


def callback(client, payload, token=TOKEN):
    return client.post(f"/webhooks/provider/{token}/", json.dumps(payload), content_type="application/json")


def apply_pending_events():
    for event_id in ProviderEvent.objects.order_by("pk").values_list("pk", flat=True):
        tasks.apply_provider_event(event_id)


def test_it_posts_the_task_upstream_as_multipart_with_the_raw_key(owner, clip_bytes, upstream):
    task = submit_and_send(owner, clip_bytes)
    assert task.status == RemixTask.Status.PROCESSING
    assert task.provider_task_id == "up-task-1" and task.provider_refs == {"up-c1": 1, "up-c2": 2}
    sent = FakeMusicGPT.requests[0]
    assert sent["path"] == "/api/public/v1/Remix"
    assert sent["headers"]["Authorization"] == KEY
    assert sent["headers"]["Content-Type"].startswith("multipart/form-data")
    for field in (b'name="prompt"', b"remix in classical slow vibe", b'name="audio_file"', b'name="gender"',
                  f"/webhooks/provider/{TOKEN}/".encode()):
        assert field in sent["body"]


def test_its_five_callbacks_complete_the_task_once(client, owner, clip_bytes, upstream):
    task = submit_and_send(owner, clip_bytes)
    timed = [{"text": "It's a brand new day", "start": 1.0, "end": 3.0,
              "words": [{"word": "It's", "start": 1.0, "end": 1.4}]}]
    events = [
        {"success": True, "conversion_type": "Remix", "task_id": "up-task-1", "conversion_id": f"up-c{i}",
         "conversion_path": f"{upstream}/c{i}.mp3", "conversion_path_wav": f"{upstream}/c{i}.wav",
         "conversion_duration": 1.0, "is_flagged": False, "reason": "", "lyrics": "It's a brand new day"}
        for i in (1, 2)
    ] + [
        {"success": True, "conversion_type": "Remix", "subtype": "lyrics_timestamped", "task_id": "up-task-1",
         "conversion_id": f"up-c{i}", "lyrics_timestamped": json.dumps(timed)}
        for i in (1, 2)
    ] + [{"success": True, "conversion_type": "Remix", "subtype": "album_cover", "task_id": "up-task-1",
          "album_cover_path": f"{upstream}/cover.jpg"}]
    for event in events:
        assert callback(client, event).json()["message"] == "Accepted"
    assert callback(client, events[0]).json()["message"] == "Already received"  # a replay is ignored
    assert ProviderEvent.objects.count() == 5
    apply_pending_events()
    apply_pending_events()  # applying everything again changes nothing
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED
    assert task.cost == Decimal("5.00") and task.credit_entries.filter(kind="charge").count() == 1
    for conversion in task.conversions.all():
        assert default_storage.open(conversion.mp3.name).read() == FakeMusicGPT.files[f"/c{conversion.index}.mp3"]
        assert conversion.wav and conversion.duration == 1.0
        assert conversion.lyrics_timestamped == timed
    with default_storage.open(task.cover_thumb.name) as fh:
        assert Image.open(fh).size == (256, 256)


def test_an_upstream_failure_callback_fails_the_task_and_refunds(client, owner, clip_bytes, upstream):
    task = submit_and_send(owner, clip_bytes)
    callback(client, {"success": False, "task_id": "up-task-1", "reason": "audio could not be processed"})
    apply_pending_events()
    task.refresh_from_db()
    assert task.status == RemixTask.Status.FAILED and "audio could not be processed" in task.status_msg
    assert owner.credit_balance == Decimal("200")


def test_it_refuses_callbacks_with_a_wrong_token_or_no_json(client, owner, clip_bytes, upstream):
    submit_and_send(owner, clip_bytes)
    assert callback(client, {"task_id": "up-task-1"}, token="guess").status_code == 404
    assert client.post(f"/webhooks/provider/{TOKEN}/", "not json", content_type="application/json").status_code == 400
    assert client.get(f"/webhooks/provider/{TOKEN}/").status_code == 405
    assert not ProviderEvent.objects.exists()


def test_an_upstream_refusal_fails_the_task_with_its_message(owner, clip_bytes, upstream):
    FakeMusicGPT.answer = (422, {"success": False, "message": "Missing required field prompt"})
    task = submit_and_send(owner, clip_bytes)
    assert task.status == RemixTask.Status.FAILED
    assert "Missing required field prompt" in task.status_msg
    assert owner.credit_balance == Decimal("200")


def test_an_upstream_outage_puts_the_task_back_for_a_retry(owner, clip_bytes, upstream):
    FakeMusicGPT.answer = (503, {"success": False, "message": "busy"})
    task = services.submit_remix(
        owner, RemixOptions(prompt="lofi"), audio_file=io.BytesIO(clip_bytes), audio_name="clip.wav",
        audio_facts=AudioFacts(duration=5.0, sample_rate=22050, channels=2),
    )
    from remixes.providers import ProviderError

    with pytest.raises(ProviderError):
        tasks.process_remix(str(task.pk))
    task.refresh_from_db()
    assert task.status == RemixTask.Status.IN_QUEUE and task.attempts == 1


def test_a_recorded_callback_whose_message_was_lost_is_queued_again_by_the_sweep(client, owner, clip_bytes, upstream,
                                                                                 monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from remixes import callbacks, queue

    task = submit_and_send(owner, clip_bytes)
    # The non-transactional test never commits, so the on-commit send never happens: a lost message.
    callback(client, {"success": False, "task_id": "up-task-1", "reason": "audio could not be processed"})
    event = ProviderEvent.objects.get()
    assert event.applied_at is None
    sent = []
    monkeypatch.setattr(queue, "send", lambda target, *args, **kwargs: sent.append((target, args)))
    assert callbacks.resend_unapplied_events() == 0  # not overdue yet
    assert callbacks.resend_unapplied_events(now=timezone.now() + timedelta(minutes=5)) == 1
    assert sent == [(queue.APPLY_PROVIDER_EVENT, (event.pk,))]
    tasks.apply_provider_event(event.pk)  # what the re-sent message runs
    task.refresh_from_db()
    assert task.status == RemixTask.Status.FAILED and owner.credit_balance == Decimal("200")
    event.refresh_from_db()
    assert event.applied_at is not None
    assert callbacks.resend_unapplied_events(now=timezone.now() + timedelta(minutes=5)) == 0
    assert callbacks.resend_unapplied_events(now=timezone.now() + timedelta(days=2)) == 0
