"""Soak: a 200 MB upload streams through gunicorn to disk while the worker's memory stays flat."""
from __future__ import annotations

import http.client
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid

import pytest

from remixes import apikeys
from tests.workers import ROOT, database_url, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SIZE = 200 * 1024 * 1024


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as fh:
        return [int(p) for p in fh.read().split()]


def wav_header(data_bytes: int, rate: int = 44100, channels: int = 2) -> bytes:
    return b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16
    ) + b"data" + struct.pack("<I", data_bytes)


def test_a_200_mb_upload_keeps_the_web_workers_memory_flat(owner, settings, tmp_path):
    _, raw = apikeys.create_api_key(owner)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
           "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT), "MAX_UPLOAD_MB": "300",
           "REMIX_MAX_SECONDS": "1500", "DJANGO_SETTINGS_MODULE": "remixsite.settings", "LOG_LEVEL": "WARNING",
           "REMIX_TESTING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "remixsite.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "300"], cwd=ROOT, env=env,
    )
    try:
        wait_for(lambda: children(server.pid), 30, message="gunicorn worker")
        worker = children(server.pid)[0]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("GET", "/api/public/v1/openapi.json")
        conn.getresponse().read()
        baseline = rss_kb(worker)
        samples = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append(rss_kb(worker))
                time.sleep(0.05)

        boundary = uuid.uuid4().hex
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nlo-fi\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="audio_file"; filename="big.wav"\r\n'
                "Content-Type: audio/wav\r\n\r\n").encode() + wav_header(SIZE - 44)
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head) + SIZE - 44 + len(tail)
        chunk = b"\x00\x01" * (512 * 1024)

        def body():
            yield head
            left = SIZE - 44
            while left:
                piece = chunk[: min(len(chunk), left)]
                left -= len(piece)
                yield piece
            yield tail

        sampler = threading.Thread(target=sample)
        sampler.start()
        conn.request("POST", "/api/public/v1/Remix", body=body(), headers={
            "Authorization": raw, "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
        })
        response = conn.getresponse()
        payload = response.read()
        stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(30)
    assert response.status == 200, payload[:500]
    growth_mb = (max(samples) - baseline) / 1024
    print(f"worker RSS: baseline {baseline / 1024:.0f} MB, peak {max(samples) / 1024:.0f} MB, growth {growth_mb:.1f} MB")
    assert growth_mb < 64
    stored = [p for p in (settings.MEDIA_ROOT / "uploads").iterdir()]
    assert len(stored) == 1 and stored[0].stat().st_size == SIZE
