"""Short generated clips and shared remix renders for the engine tests.

Renders are expensive, so each (prompt, seed, ...) remix of the song clip is made once per session
and shared by every assertion about it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[2] / "var" / "numba"))

from tools.songs import make_song  # noqa: E402

SR = 44100
SONG_SECONDS = 12.0
SONG_TEMPO = 100.0


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("engine-clips")


@pytest.fixture(scope="session")
def song_audio() -> np.ndarray:
    """12 s in A minor at 100 bpm: pad chords, bass, drums, a lead melody."""
    return make_song(SONG_SECONDS, tempo=SONG_TEMPO, tonic=9, mode="minor", seed=1)


@pytest.fixture(scope="session")
def song_path(clip_dir, song_audio) -> Path:
    path = clip_dir / "song.wav"
    sf.write(path, song_audio, SR, subtype="PCM_16")
    return path


@pytest.fixture(scope="session")
def unrelated_audio() -> np.ndarray:
    return make_song(SONG_SECONDS, tempo=137.0, tonic=6, mode="minor", seed=99, progressions="other")


@pytest.fixture(scope="session")
def remix_of(song_path):
    """remix_of(prompt, **request_fields) -> RemixResult, rendered once per distinct request."""
    from remixes.engine import RemixRequest, remix

    cache: dict = {}

    def render(prompt: str, **fields):
        key = (prompt, tuple(sorted(fields.items())))
        if key not in cache:
            cache[key] = remix(song_path, RemixRequest(prompt=prompt, **fields))
        return cache[key]

    return render


@pytest.fixture(scope="session")
def tone():
    """tone(seconds, sr=44100, freq=440, channels=2, level=0.5) -> (n, channels) float32 sine."""

    def make(seconds: float, sr: int = SR, freq: float = 440.0, channels: int = 2, level: float = 0.5):
        t = np.arange(int(seconds * sr)) / sr
        mono = (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)
        return np.repeat(mono[:, None], channels, axis=1)

    return make
