"""Read any audio file the user uploads into 44.1 kHz stereo float32.

soundfile (libsndfile: wav, flac, ogg, mp3, ...) is tried first because it is fast and needs no
subprocess; ffmpeg covers the rest (m4a/aac, wma, video containers).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from .errors import EmptyAudio, SilentAudio, TooLong, TooShort, UndecodableAudio

SAMPLE_RATE = 44100
MIN_SECONDS = 3.0
# Peak below this (about -80 dBFS) counts as silence: dither and noise floors sit here.
SILENCE_PEAK = 1e-4
_FFMPEG_TIMEOUT = 120


@dataclass(frozen=True)
class AudioInfo:
    duration: float
    sample_rate: int
    channels: int
    format: str


def probe(path: str | Path, max_seconds: float = 600.0) -> AudioInfo:
    """Header-only look at a file: is it audio, and is its length acceptable?"""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            raise EmptyAudio()
    except OSError as exc:
        raise UndecodableAudio() from exc
    info = _probe_soundfile(path) or _probe_ffmpeg(path)
    _check_duration(info.duration, max_seconds)
    _check_size(path.stat().st_size, info.duration)
    return info


def decode(path: str | Path, max_seconds: float = 600.0, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Whole file as float32 (n, 2) at `sample_rate`; raises an EngineError for unusable input."""
    path = Path(path)
    info = probe(path, max_seconds)
    audio = None
    native_rate = info.sample_rate
    if info.format != "ffmpeg":
        try:
            audio, native_rate = sf.read(str(path), dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, ValueError):
            audio = None
    if audio is None or len(audio) == 0:
        audio = _decode_ffmpeg(path, sample_rate)
        native_rate = sample_rate
    if len(audio) == 0:
        raise EmptyAudio()
    audio = to_stereo(audio)
    if native_rate != sample_rate:
        audio = resample(audio, native_rate, sample_rate)
    audio = np.ascontiguousarray(audio, dtype=np.float32)
    if not np.isfinite(audio).all():  # a damaged float file (checked first: nan_to_num takes ~10x longer)
        audio = np.nan_to_num(audio)
    _check_duration(len(audio) / sample_rate, max_seconds)
    if float(np.max(np.abs(audio))) < SILENCE_PEAK:
        raise SilentAudio()
    return audio


def to_stereo(audio: np.ndarray) -> np.ndarray:
    """(n, channels) -> (n, 2). 5.1 uses the ITU downmix; other layouts fold channels alternately."""
    channels = audio.shape[1]
    if channels == 2:
        return audio
    if channels == 1:
        return np.repeat(audio, 2, axis=1)
    if channels == 6:  # L R C LFE Ls Rs
        c = 0.7071 * audio[:, 2]
        left = audio[:, 0] + c + 0.7071 * audio[:, 4]
        right = audio[:, 1] + c + 0.7071 * audio[:, 5]
        out = np.stack([left, right], axis=1) / 2.414
    else:
        out = np.stack([audio[:, 0::2].mean(axis=1), audio[:, 1::2].mean(axis=1)], axis=1)
    return out.astype(np.float32)


def mono_of(audio: np.ndarray) -> np.ndarray:
    """(n, channels) audio's mean over its channels ((n,) audio as it is): a stereo pair added column by
    column, the same float32 values as numpy's mean over the channel axis, which takes ~15x longer."""
    if audio.ndim == 1:
        return audio
    if audio.shape[1] == 2:
        return (audio[:, 0] + audio[:, 1]) * np.asarray(0.5, dtype=audio.dtype)
    return audio.mean(axis=1)


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    import soxr

    return soxr.resample(audio, from_rate, to_rate, quality="HQ").astype(np.float32)


# No real encoding of music stores a second in fewer bytes (8 kb/s is already telephone quality).
MIN_BYTES_PER_SECOND = 1000


def _check_size(size: int, duration: float) -> None:
    """A header that claims far more audio than the file can hold means a truncated file."""
    if duration > 1.0 and size < duration * MIN_BYTES_PER_SECOND:
        raise UndecodableAudio(
            f"The file is truncated or damaged: its header says {duration:.0f} s of audio, "
            f"but it holds only {size} bytes."
        )


def _check_duration(duration: float, max_seconds: float) -> None:
    if duration <= 0:
        raise EmptyAudio()
    if duration < MIN_SECONDS:
        raise TooShort(duration, MIN_SECONDS)
    if duration > max_seconds:
        raise TooLong(max_seconds, duration)


def _probe_soundfile(path: Path) -> AudioInfo | None:
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, ValueError):
        return None
    if info.samplerate <= 0 or info.channels <= 0:
        return None
    duration = info.frames / info.samplerate if info.frames > 0 else 0.0
    if duration <= 0:
        # libsndfile could open it but found no frames: let ffmpeg have a say before calling it empty.
        return _probe_ffmpeg(path, empty_ok=True) or AudioInfo(0.0, info.samplerate, info.channels, info.format.lower())
    return AudioInfo(duration, int(info.samplerate), int(info.channels), info.format.lower())


def _probe_ffmpeg(path: Path, empty_ok: bool = False) -> AudioInfo | None:
    try:
        proc = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
             "stream=sample_rate,channels,duration:format=duration,format_name", "-of", "json", str(path)],
            capture_output=True, timeout=30, check=False,
        )
        data = json.loads(proc.stdout or b"{}")
    except (OSError, subprocess.TimeoutExpired, ValueError):
        data = {}
    streams = data.get("streams") or []
    if not streams:
        if empty_ok:
            return None
        raise UndecodableAudio()
    stream = streams[0]
    duration = _float(stream.get("duration")) or _float((data.get("format") or {}).get("duration"))
    if duration is None:
        # Some containers carry no duration in the header: decode to count.
        duration = len(_decode_ffmpeg(path, SAMPLE_RATE)) / SAMPLE_RATE
    return AudioInfo(float(duration), int(_float(stream.get("sample_rate")) or SAMPLE_RATE),
                     int(stream.get("channels") or 2), "ffmpeg")


def _decode_ffmpeg(path: Path, sample_rate: int) -> np.ndarray:
    try:
        proc = subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0", "-vn",
             "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "2", "-ar", str(sample_rate), "-"],
            capture_output=True, timeout=_FFMPEG_TIMEOUT, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UndecodableAudio() from exc
    if proc.returncode != 0 and not proc.stdout:
        raise UndecodableAudio()
    data = np.frombuffer(proc.stdout, dtype="<f4")
    return data[: len(data) // 2 * 2].reshape(-1, 2).copy()


def _float(value) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if np.isfinite(out) else None
