"""Pitch correction of a vocal (vocals/tune.py): "autotune" snaps it to the key's scale, "robot" holds one note."""

import numpy as np
import parselmouth
import pytest

from remixes.engine.vocals.tune import snap_to_scale, tune

SR = 22050


def voice(hz: np.ndarray) -> np.ndarray:
    """A voiced tone following the pitch contour `hz` (one value per sample): ten harmonics, falling off."""
    phase = 2 * np.pi * np.cumsum(hz) / SR
    return (0.2 * sum(np.sin(k * phase) / k for k in range(1, 11))).astype(np.float32)


def pitches(audio: np.ndarray) -> np.ndarray:
    """The voiced frames' pitch, in MIDI."""
    hz = parselmouth.Sound(audio.astype(np.float64), SR).to_pitch(0.01, 75, 600).selected_array["frequency"]
    return 69 + 12 * np.log2(hz[hz > 0] / 440.0)


def test_pitches_snap_to_the_nearest_note_of_the_scale():
    assert list(snap_to_scale(np.array([60.2, 60.9, 61.6, 65.4, 70.9]), 0, "major")) == [60, 60, 62, 65, 71]
    assert list(snap_to_scale(np.array([63.3, 68.1]), 0, "minor")) == [63, 68]  # E flat, A flat in C minor


def test_autotune_snaps_an_off_key_sliding_voice_to_the_scale_and_keeps_its_length():
    # 2 s gliding from 30 cents above A3 to 30 cents below C#4 (not in C major), with a wide vibrato
    t = np.arange(2 * SR) / SR
    midi = np.linspace(57.3, 60.7, t.size) + 0.4 * np.sin(2 * np.pi * 5.5 * t)
    source = voice(440.0 * 2 ** ((midi - 69) / 12))
    tuned = tune(source, SR, "autotune", 0, "major")
    assert tuned.shape == source.shape and tuned.dtype == np.float32
    before, after = pitches(source), pitches(tuned)
    off = lambda m: np.mean(np.abs(m - np.round(m)))  # noqa: E731 - cents (x100) from the nearest semitone
    assert off(before) > 0.2 and off(after) < 0.08
    in_scale = np.isin(np.round(after).astype(int) % 12, [0, 2, 4, 5, 7, 9, 11])
    assert in_scale.mean() > 0.95


def test_a_robot_voice_holds_the_keys_tonic_nearest_its_middle():
    t = np.arange(2 * SR) / SR
    midi = 64 + 3 * np.sin(2 * np.pi * 0.7 * t)  # around E4
    after = pitches(tune(voice(440.0 * 2 ** ((midi - 69) / 12)), SR, "robot", 7, "major"))  # G major
    assert np.median(np.abs(after - 67)) < 0.1  # G4, the G nearest E4


@pytest.mark.parametrize("kind", ["autotune", "robot"])
def test_silence_and_unknown_kinds_come_back_as_they_were(kind):
    silent = np.zeros(SR, dtype=np.float32)
    assert np.array_equal(tune(silent, SR, kind, 0, "major"), silent)
    tone = voice(np.full(SR, 220.0))
    assert np.array_equal(tune(tone, SR, "chorus", 0, "major"), tone)
