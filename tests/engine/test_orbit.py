"""8D audio: the finished mix circling the listener's head."""

from types import SimpleNamespace

import numpy as np
import pytest

from remixes.engine import pipeline
from remixes.engine.orbit import MAX_DELAY, orbited
from remixes.engine.style import interpret

SR = 44100
TURN = 4.0  # s


def noise(seconds: float = 2 * TURN, seed: int = 0) -> np.ndarray:
    """Noise with music's share of highs (falling away above 8 kHz), the same in both channels."""
    from scipy.signal import butter, lfilter

    mono = lfilter(*butter(2, 8000, fs=SR), np.random.default_rng(seed).normal(0, 0.1, int(seconds * SR)))
    return np.repeat(mono[:, None], 2, axis=1).astype(np.float32)


def window(audio: np.ndarray, turns: float, width: float = 0.1) -> np.ndarray:
    """The audio around a point of the turn (0 in front, 0.25 at the right ear, 0.5 behind, 0.75 at the left)."""
    at = turns * TURN
    return audio[int((at - width / 2) * SR):int((at + width / 2) * SR)]


def left_over_right_db(part: np.ndarray) -> float:
    left, right = np.sqrt(np.mean(part.astype(np.float64) ** 2, axis=0))
    return float(20 * np.log10(left / right))


def highs(part: np.ndarray) -> float:
    """Share of the energy above 4 kHz."""
    spectrum = np.abs(np.fft.rfft(part[:, 0] + part[:, 1])) ** 2
    freqs = np.fft.rfftfreq(len(part), 1 / SR)
    return float(spectrum[freqs > 4000].sum() / spectrum.sum())


def test_the_source_goes_round_the_head_right_ear_behind_left_ear():
    """In front both ears hear it alike; a quarter turn on, the right ear >10 dB over the left (and the left hears it
    later, by the time sound takes around a head); half way, behind, it is duller than in front; at three quarters
    the left ear leads; after a whole turn it is in front again."""
    source = noise()
    moved = orbited(source, TURN, SR)
    assert moved.shape == source.shape and moved.dtype == np.float32
    assert abs(left_over_right_db(moved[:int(0.05 * SR)])) < 1.0
    assert left_over_right_db(window(moved, 0.25)) < -10 and left_over_right_db(window(moved, 0.75)) > 10
    assert abs(left_over_right_db(window(moved, 1.0))) < 1.5
    assert highs(window(moved, 0.5)) < 0.6 * highs(window(moved, 1.0))
    side = window(moved, 0.25, 0.5)
    lags = np.arange(-40, 41)
    xcorr = [np.dot(side[40:-40, 1], np.roll(side[:, 0], -lag)[40:-40]) for lag in lags]
    assert lags[int(np.argmax(xcorr))] == pytest.approx(MAX_DELAY * SR, abs=2)  # the left ear is late


def test_it_is_a_function_of_time_so_the_stems_still_add_up():
    """The instrumental and the vocal stem are moved apart: moved, they sum to their sum moved."""
    a, b = noise(seed=1), noise(seed=2) * np.float32(0.5)
    assert np.allclose(orbited(a, TURN, SR) + orbited(b, TURN, SR), orbited(a + b, TURN, SR), atol=1e-5)


@pytest.mark.parametrize("prompt, beats", [("8d audio", 16), ("make it 8D", 16), ("8d version of this song", 16),
                                           ("lofi 8d audio", 16), ("16d audio", 16), ("3d audio", 16),
                                           ("auto pan it", 16), ("slow 8d", 32), ("fast 8d audio", 8),
                                           ("make it spin around my head", 16), ("binaural", 16),
                                           ("panning left and right", 16),
                                           ("8 days a week", 0), ("make it lofi", 0), ("pan flute", 0)])
def test_8d_audio_is_read(prompt, beats):
    """Each was unread (a Pop remix as it was); the style named beside it stays."""
    plan = interpret(prompt)
    assert plan.orbit == beats
    assert any(note.startswith("8D audio") for note in plan.understood) == bool(beats)
    if "lofi" in prompt:
        assert plan.style == "lofi"


def test_a_turn_is_four_bars_of_the_version_as_it_plays():
    """At 120 bpm a turn takes 8 s; nightcore's faster record turns faster with it."""
    arrangement = SimpleNamespace(timing=SimpleNamespace(tempo=120.0))
    assert pipeline.orbit_seconds(interpret("8d audio"), arrangement) == pytest.approx(8.0)
    assert pipeline.orbit_seconds(interpret("slow 8d audio"), arrangement) == pytest.approx(16.0)
    faster = interpret("nightcore 8d")
    assert pipeline.orbit_seconds(faster, arrangement) == pytest.approx(8.0 / 2 ** (faster.varispeed / 12))


def test_an_8d_remix_circles_the_head_in_the_finished_version(remix_of):
    """The finished version swings from the right ear to the left and back; the plain remix stays in the middle."""
    def balance(audio: np.ndarray) -> np.ndarray:
        parts = [audio[k:k + SR // 4] for k in range(0, len(audio) - SR // 4, SR // 4)]
        return np.array([left_over_right_db(p) for p in parts if np.abs(p).max() > 1e-3])

    moved, plain = (balance(remix_of(prompt, seed=4).versions[0].audio) for prompt in ("pop 8d audio", "pop"))
    assert moved.min() < -8 and moved.max() > 8 and np.abs(plain).max() < 4
    assert moved[np.argmax(np.abs(moved) > 6)] < 0  # the right ear first
