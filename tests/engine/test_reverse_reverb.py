"""Reverse reverb: the echo of what is sung, played backwards, swelling into each word."""

import numpy as np
import pytest

from remixes.engine.render import REVERSE_REVERB_LEVEL, reverse_reverb, rms
from remixes.engine.style import interpret

SR = 44100


def word(seconds: float = 4.0, at: float = 2.5, length: float = 0.4) -> np.ndarray:
    """Silence, a burst of noise (a sung word) at `at`, silence."""
    audio = np.zeros((int(seconds * SR), 2), dtype=np.float32)
    a, b = int(at * SR), int((at + length) * SR)
    audio[a:b] = np.random.default_rng(0).normal(0, 0.2, (b - a, 2))
    return audio


def window_rms(audio: np.ndarray, start: float, stop: float) -> float:
    return rms(audio[int(start * SR):int(stop * SR)])


def test_the_swell_rises_into_the_word_and_stops_on_it():
    """Before the word the layer grows (its last 0.3 s louder than the 0.3 s a second earlier); after the word it is
    all but silent (a forward reverb would ring on there); overall it sits at REVERSE_REVERB_LEVEL of the word."""
    dry = word()
    swell = reverse_reverb(dry, SR)
    assert swell.shape == dry.shape and swell.dtype == np.float32
    assert window_rms(swell, 2.2, 2.5) > 2 * window_rms(swell, 1.2, 1.5) > 0
    assert window_rms(swell, 3.0, 4.0) < 0.01 * window_rms(swell, 2.2, 2.5)
    assert rms(swell) == pytest.approx(REVERSE_REVERB_LEVEL * rms(dry), rel=0.01)


def test_silence_has_no_swell():
    silent = np.zeros((SR, 2), dtype=np.float32)
    assert not reverse_reverb(silent, SR).any()


@pytest.mark.parametrize("prompt, on", [
    ("reverse reverb", True), ("reverse reverb on the vocals", True), ("add some reversed reverb", True),
    ("lofi with reverb swells", True), ("reverse echo on the voice", True),
    ("play it backwards", False), ("add reverb", False), ("reversed", False),
])
def test_reverse_reverb_is_read(prompt, on):
    """It was the vocal's plain reverb ("reverse" unread); it is no reversal of the song."""
    plan = interpret(prompt)
    assert plan.reverse_reverb == on
    assert plan.reverse == (not on and "reverb" not in prompt)
    assert plan.ignored_words == ()


def test_a_remix_without_a_vocal_swells_into_the_songs_own_notes(remix_of):
    """The tests' song has no vocal: the swells go into the instrumental, and the plan's notes say so."""
    notes = remix_of("pop with reverse reverb", seed=3).plan["engine"]["notes"]
    assert "Reverse reverb: the song's own echo played backwards, swelling into each note." in notes
