"""Fixtures shared by the whole suite: the three users (owner, another user, staff), generated
audio clips, an isolated media folder, and the real PostgreSQL/Redis services for production-path
tests (skipped when unreachable, unless REQUIRE_SERVICES=1 makes that a failure)."""
from __future__ import annotations

import io
import os
import socket
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
import soundfile as sf

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port), timeout=2):
            return True
    except OSError:
        return False


def require_service(url: str, what: str) -> str:
    if _reachable(url):
        return url
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is not reachable at {url} and REQUIRE_SERVICES=1")
    pytest.skip(f"{what} is not reachable at {url}")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return require_service(TEST_REDIS_URL, "Redis")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return require_service(TEST_DATABASE_URL, "PostgreSQL")


@pytest.fixture(scope="session", autouse=True)
def _temporary_folder(tmp_path_factory):
    """What the code under test leaves in the temporary folder (remix() without a workdir leaves its
    stems there for the caller) goes into this session's pytest folder, which pytest prunes, not /tmp."""
    import tempfile

    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp_path_factory.mktemp("tmp"))
    yield
    tempfile.tempdir = saved


@pytest.fixture(autouse=True)
def _isolation(settings, tmp_path_factory):
    """Each test gets its own media folder, stems cache and an empty cache (rate limits, measured rates)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.REMIX_CACHE_DIR = tmp_path_factory.mktemp("stems-cache")
    settings.SAFEHTTP_ALLOW_PRIVATE = False
    cache.clear()


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, *, staff: bool = False, credits: Decimal | None = None):
        user = django_user_model.objects.create_user(
            username=username, email=f"{username}@example.com", password="correct horse battery staple",
            is_staff=staff, is_superuser=staff,
        )
        if credits is not None:
            from remixes.models import CreditEntry

            CreditEntry.objects.filter(user=user).delete()
            if credits:
                CreditEntry.objects.create(user=user, kind="grant", amount=credits, note="test")
        return user

    return make


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def other_user(make_user):
    return make_user("other")


@pytest.fixture
def staff(make_user):
    return make_user("staff", staff=True)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture(scope="session")
def outputs() -> dict:
    """A real (silent, one second) mp3 and wav, and a cover png: what a provider hands back."""
    from PIL import Image

    from remixes.engine import encode_mp3, encode_wav

    audio = np.zeros((44100, 2), np.float32)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 90)).save(buffer, format="PNG")
    return {"mp3": encode_mp3(audio, 44100), "wav": encode_wav(audio, 44100), "png": buffer.getvalue()}


def chord_clip(seconds: float = 5.0, sr: int = 22050, channels: int = 2) -> np.ndarray:
    """A I-V-vi-IV progression in C with a kick on every beat at 120 bpm: a small 'song'."""
    t = np.arange(int(seconds * sr)) / sr
    chords = [(60, 64, 67), (67, 71, 74), (69, 72, 76), (65, 69, 72)]
    out = np.zeros_like(t)
    for i, chord in enumerate(chords * int(np.ceil(seconds / 4))):
        seg = (t >= i * 1.0) & (t < (i + 1) * 1.0)
        for note in chord:
            out[seg] += 0.15 * np.sin(2 * np.pi * 440 * 2 ** ((note - 69) / 12) * t[seg])
    beat = (t % 0.5) < 0.05
    out += 0.3 * np.sin(2 * np.pi * 60 * t) * beat * np.exp(-((t % 0.5) * 60))
    out = out / np.max(np.abs(out)) * 0.8
    return np.stack([out] * channels, axis=1).astype(np.float32)


@pytest.fixture(scope="session")
def clip_path(tmp_path_factory) -> Path:
    """A 5-second stereo wav clip."""
    path = tmp_path_factory.mktemp("clips") / "clip.wav"
    sf.write(path, chord_clip(), 22050)
    return path


@pytest.fixture
def clip_bytes(clip_path) -> bytes:
    return clip_path.read_bytes()


def wav_bytes(seconds: float = 5.0) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, chord_clip(seconds), 22050, format="WAV")
    return buffer.getvalue()
