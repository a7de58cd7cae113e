"""A song given by URL: the worker (tasks.py) fetches it through sources.fetch_audio_url, hands it to
services.attach_fetched_source (stored, probed facts recorded, hold settled) and remixes the local
copy; a URL that cannot be fetched fails the task with the reason and a refund, storing nothing."""
from __future__ import annotations

import hashlib
import http.server
import io
import threading
from decimal import Decimal

import numpy as np
import pytest
import soundfile as sf
from django.core.files.storage import default_storage

from remixes import services, tasks
from remixes.engine import EngineError
from remixes.engine.features import N_PEAKS
from remixes.models import RemixTask
from tests.conftest import wav_bytes

pytestmark = pytest.mark.django_db

SONG = wav_bytes(4.0)


class Server(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = SONG if self.path == "/song.wav" else b"missing"
        self.send_response(200 if self.path == "/song.wav" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def song_server(settings, tmp_path, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    settings.REMIX_URL_ESTIMATE_SECONDS = 60
    settings.REMIX_PROVIDER = "tests.fake_provider.RecordingProvider"
    monkeypatch.setenv("FAKE_PROVIDER_LOG", str(tmp_path / "runs.log"))
    monkeypatch.setenv("FAKE_PROVIDER_SECONDS", "0")
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_worker_fetches_a_url_song_stores_it_and_settles_the_hold(owner, song_server):
    before = owner.credit_balance
    task = services.submit_remix(owner, services.RemixOptions(prompt="lo-fi"), audio_url=song_server + "/song.wav")
    assert task.credit_estimate == services.price_for(60)
    tasks.process_remix(str(task.pk))
    task = RemixTask.objects.select_related("upload").get(pk=task.pk)
    assert task.status == RemixTask.Status.COMPLETED, task.status_msg
    upload = task.upload
    assert default_storage.open(upload.file.name).read() == SONG
    assert upload.sha256 == hashlib.sha256(SONG).hexdigest() and upload.size == len(SONG)
    assert upload.duration == pytest.approx(4.0, abs=0.05) and upload.channels == 2
    assert task.cost == services.price_for(upload.duration)
    assert owner.credit_balance == before - task.cost


def test_a_url_that_cannot_be_fetched_fails_the_task_with_a_refund(owner, song_server):
    before = owner.credit_balance
    task = services.submit_remix(owner, services.RemixOptions(prompt="lo-fi"), audio_url=song_server + "/gone.wav")
    tasks.process_remix(str(task.pk))
    task = RemixTask.objects.select_related("upload").get(pk=task.pk)
    assert task.status == RemixTask.Status.FAILED
    assert task.status_msg.startswith("The audio_url could not be fetched: the server answered HTTP 404")
    assert not task.upload.file and owner.credit_balance == before
    assert not default_storage.listdir("")[1]  # nothing stored


def test_a_url_song_the_account_cannot_afford_is_not_kept(make_user, song_server, settings, monkeypatch):
    poor = make_user("poor-url", credits=Decimal("10"))
    settings.REMIX_URL_ESTIMATE_SECONDS = 1  # holds the minimum; the real song costs more than is left
    monkeypatch.setattr(services, "price_for", lambda seconds: Decimal("5") if seconds <= 1 else Decimal("50"))
    task = services.submit_remix(poor, services.RemixOptions(prompt="lo-fi"), audio_url=song_server + "/song.wav")
    tasks.process_remix(str(task.pk))
    task = RemixTask.objects.select_related("upload").get(pk=task.pk)
    assert task.status == RemixTask.Status.FAILED and "balance is too low" in task.status_msg
    assert not task.upload.file and poor.credit_balance == Decimal("10")
    stored = default_storage.listdir("uploads")[1] if default_storage.exists("uploads") else []
    assert stored == []  # the fetched copy was removed again


def test_the_worker_draws_the_original_songs_waveform_once_per_upload(owner, song_server, monkeypatch):
    """The job page's player of the original song draws these peaks: silent first half, loud second."""
    quiet, loud = np.zeros((44100, 2)), 0.5 * np.sin(np.arange(44100) * 0.05)[:, None].repeat(2, axis=1)
    buffer = io.BytesIO()
    sf.write(buffer, np.concatenate([quiet, loud]), 22050, format="WAV")
    task = services.submit_remix(owner, services.RemixOptions(prompt="lo-fi"), audio_file=io.BytesIO(buffer.getvalue()),
                                 audio_name="half.wav", audio_facts=services.AudioFacts(4.0, 22050, 2))
    tasks.process_remix(str(task.pk))
    upload = RemixTask.objects.select_related("upload").get(pk=task.pk).upload
    peaks = upload.peaks
    assert len(peaks) == N_PEAKS and max(peaks) == 1.0
    assert max(peaks[: N_PEAKS * 48 // 100]) < 0.01 and min(peaks[N_PEAKS * 52 // 100:]) > 0.5

    def decode_again(*args, **kwargs):
        raise AssertionError("the upload's waveform is drawn once")

    monkeypatch.setattr("remixes.engine.decode.decode", decode_again)
    again = services.submit_remix(owner, services.RemixOptions(prompt="jazz"), upload=upload)
    tasks.process_remix(str(again.pk))
    assert RemixTask.objects.get(pk=again.pk).status == RemixTask.Status.COMPLETED


def test_a_song_the_decoder_cannot_read_gets_no_waveform_and_the_remix_goes_on(owner, song_server, monkeypatch):
    def unreadable(*args, **kwargs):
        raise EngineError("The audio could not be decoded.")

    monkeypatch.setattr("remixes.engine.decode.decode", unreadable)
    task = services.submit_remix(owner, services.RemixOptions(prompt="lo-fi"), audio_url=song_server + "/song.wav")
    tasks.process_remix(str(task.pk))
    task = RemixTask.objects.select_related("upload").get(pk=task.pk)
    assert task.status == RemixTask.Status.COMPLETED and task.upload.peaks == []
