"""Vocal chops: slices of the vocal retriggered on a rhythm in the bars where it rests."""

import numpy as np
import pytest

from remixes.engine.chops import CHOP_GAIN, CHOP_PATTERN, vocal_chops

SR = 44100
BAR = 2.0  # 120 bpm


def sung_then_silent() -> np.ndarray:
    """Two bars of syllables (0.3 s tones every half second, each a new pitch), then two bars of rest."""
    vocal = np.zeros((int(4 * BAR * SR), 2), dtype=np.float32)
    for k, t in enumerate(np.arange(0.0, 2 * BAR, 0.5)):
        n = int(0.3 * SR)
        tone = 0.2 * np.sin(2 * np.pi * (220 + 30 * k) * np.arange(n) / SR)
        vocal[int(t * SR):int(t * SR) + n] = tone[:, None]
    return vocal


def test_chops_play_the_pattern_in_the_bars_where_the_vocal_rests():
    vocal = sung_then_silent()
    # a beat of 0.24 s (its eighth, a slice: 0.12 s) so that each slice ends within its sixteenth (0.125 s)
    bars, beats = np.arange(0.0, 4 * BAR, BAR), np.arange(0.0, 4 * BAR, 0.24)
    layer, played = vocal_chops(vocal, bars, beats, SR)
    assert played == 2 and layer.shape == vocal.shape
    assert np.abs(layer[:int(2 * BAR * SR)]).max() == 0  # not over the singing
    step = BAR / 16
    onsets = [k for k in range(16) if np.abs(layer[int((2 * BAR + k * step) * SR):
                                                    int((2 * BAR + k * step) * SR) + 200]).max() > 0.01]
    assert onsets == [k for k, hit in enumerate(CHOP_PATTERN) if hit == "x"]
    sung = np.sqrt(np.mean(vocal[np.abs(vocal[:, 0]) > 1e-3] ** 2))
    hit = layer[int((2 * BAR + 0.01) * SR):int((2 * BAR + 0.1) * SR)]
    assert np.sqrt(np.mean(hit ** 2)) == pytest.approx(CHOP_GAIN * sung, rel=0.3)


def test_no_vocal_or_no_rest_makes_no_chops():
    bars, beats = np.arange(0.0, 4 * BAR, BAR), np.arange(0.0, 4 * BAR, BAR / 4)
    assert vocal_chops(None, bars, beats, SR) == (None, 0)
    assert vocal_chops(np.zeros((int(4 * BAR * SR), 2), dtype=np.float32), bars, beats, SR) == (None, 0)
    t = np.arange(int(4 * BAR * SR)) / SR
    steady = np.repeat((0.2 * np.sin(2 * np.pi * 220 * t) * (1 + (t % 0.5 < 0.05)))[:, None], 2, axis=1)
    assert vocal_chops(steady.astype(np.float32), bars, beats, SR)[0] is None  # sung in every bar
