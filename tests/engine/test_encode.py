"""Encoding: the 16-bit PCM that the engine converts itself is the PCM libsndfile makes of the clipped floats."""
from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from remixes.engine.encode import encode_wav, pcm16, write_pcm16_wav

SR = 44100


def libsndfile_pcm16(audio: np.ndarray) -> np.ndarray:
    """What libsndfile writes for float32 audio clipped to [-1, 1], read back as int16."""
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(audio, -1.0, 1.0), SR, subtype="PCM_16", format="WAV")
    buffer.seek(0)
    return sf.read(buffer, dtype="int16", always_2d=True)[0]


def awkward_audio() -> np.ndarray:
    """Loud and quiet noise, values on and around the rounding ties, full scale and beyond it."""
    rng = np.random.default_rng(3)
    ties = (np.arange(-4000, 4000) / 8 / 32768).astype(np.float32)
    edges = np.array([1.0, -1.0, 0.99999994, -0.99999994, 1.5, -1.5, 0.0, 1e-9, -1e-9], dtype=np.float32)
    mono = np.concatenate([rng.uniform(-1.2, 1.2, 50000), rng.uniform(-0.01, 0.01, 50000), ties, edges])
    return np.stack([mono, mono[::-1]], axis=1).astype(np.float32)


def test_pcm16_is_what_libsndfile_makes_of_the_clipped_floats():
    audio = awkward_audio()
    assert np.array_equal(pcm16(audio), libsndfile_pcm16(audio))
    gain = 0.6180339
    assert np.array_equal(pcm16(audio, gain), libsndfile_pcm16(audio * np.float32(gain)))


def test_wav_files_and_bytes_match_libsndfiles_own_conversion(tmp_path):
    audio = awkward_audio()
    gain = 1.7
    write_pcm16_wav(tmp_path / "ours.wav", audio, SR, gain=gain)
    sf.write(tmp_path / "theirs.wav", np.clip(audio * np.float32(gain), -1.0, 1.0), SR, subtype="PCM_16")
    assert (tmp_path / "ours.wav").read_bytes() == (tmp_path / "theirs.wav").read_bytes()
    theirs = io.BytesIO()
    sf.write(theirs, np.clip(audio, -1.0, 1.0), SR, subtype="PCM_16", format="WAV")
    assert encode_wav(audio, SR) == theirs.getvalue()


def test_the_mp3_handed_over_a_block_at_a_time_is_the_encoders_own_of_the_whole(monkeypatch):
    from pedalboard.io import AudioFile

    from remixes.engine import encode

    monkeypatch.setattr(encode, "_BLOCK", 4096)  # blocks of 4096 frames at most, none under 16
    rng = np.random.default_rng(8)
    for frames in (0, 1, 3, 4096 + 15, 4096 + 16, 3 * 4096 + 5):
        for channels in (1, 2):
            audio = (rng.standard_normal((frames, channels)) * 0.2).astype(np.float32)
            whole = AudioFile.encode(np.ascontiguousarray(audio.T), SR, format="mp3", num_channels=channels,
                                     quality=encode.MP3_KBPS)
            assert encode.encode_mp3(audio if channels == 2 else audio[:, 0], SR) == bytes(whole)
