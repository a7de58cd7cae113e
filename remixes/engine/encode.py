"""Encode mastered audio for download: 192 kb/s mp3 and 16-bit PCM wav, in memory."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

MP3_KBPS = 192


def encode_mp3(audio: np.ndarray, sr: int) -> bytes:
    """(n, 2) float32 -> mp3 bytes at 192 kb/s (pedalboard's LAME: the fastest encoder measured here), handed to
    the encoder a block of channel rows at a time: the same bytes as one call on the whole (test), without a
    full-length channel-rows copy (80 MB for a 3-minute song)."""
    from pedalboard.io import AudioFile

    audio = _as_frames(audio)
    buffer = io.BytesIO()
    with AudioFile(buffer, "w", sr, num_channels=audio.shape[1], format="mp3", quality=MP3_KBPS) as f:
        for start, stop in frame_blocks(len(audio), _BLOCK):
            f.write(np.ascontiguousarray(audio[start:stop].T))
    return buffer.getvalue()


def frame_blocks(frames: int, size: int):
    """(start, stop) of the blocks, `size` frames at most, that audio of `frames` frames is handed to pedalboard
    in: none longer than the first (a plugin handed a longer block than before is prepared anew, its state
    reset) and none shorter than 16 frames unless the whole is (pedalboard guesses a tiny block's channel
    layout)."""
    start = 0
    while start < frames:
        stop = min(frames, start + size)
        if 0 < frames - stop < 16:
            stop -= 16
        yield start, stop
        start = stop


def encode_wav(audio: np.ndarray, sr: int) -> bytes:
    """(n, 2) float32 -> 16-bit PCM wav bytes; deterministic (no dither, no timestamps)."""
    buffer = io.BytesIO()
    sf.write(buffer, pcm16(_as_frames(audio)), sr, subtype="PCM_16", format="WAV")
    return buffer.getvalue()


def write_pcm16_wav(path, audio, sr: int, gain: float = 1.0) -> None:
    """A 16-bit PCM wav file of (n, channels) float audio x gain, clipped at full scale, written a block at a
    time (`audio` may be a memory map or a reader of row slices): the same file as handing libsndfile the
    clipped float32 blocks, with the conversion done here (pcm16)."""
    with sf.SoundFile(str(path), "w", samplerate=sr, channels=audio.shape[1] if len(audio.shape) > 1 else 1,
                      subtype="PCM_16") as f:
        for i in range(0, len(audio), _BLOCK):
            f.write(pcm16(np.asarray(audio[i:i + _BLOCK], dtype=np.float32), gain))


_BLOCK = 1 << 16  # frames converted or encoded at a time: the float32 work array stays in the cache


def pcm16(audio: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """float32 audio x gain as 16-bit PCM samples, clipped at full scale: the very samples libsndfile writes
    for the clipped float32 (it rounds x * 2^31 to an integer and keeps the top 16 bits), ~3x faster.
    Scaling by 2^31 is exact, so x * (gain * 2^31) is (x * gain) * 2^31; clipping at 2^31 - 2^16 keeps
    full scale at 32767."""
    t = np.multiply(audio, np.float32(gain) * np.float32(2.0 ** 31), dtype=np.float32)
    np.clip(t, -2.0 ** 31, 2.0 ** 31 - 2.0 ** 16, out=t)
    np.rint(t, out=t)
    t *= np.float32(2.0 ** -16)
    np.floor(t, out=t)
    return t.astype(np.int16)


def _as_frames(audio: np.ndarray) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    return audio
