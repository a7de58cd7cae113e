"""Stutter edits: the last beat of every phrase retriggered faster and faster."""

import numpy as np
import pytest

from remixes.engine.stutter import REPEATS, stutter_spans, stuttered
from remixes.engine.style import interpret

SR = 44100
BEAT = 0.5
BAR = 4 * BEAT


def ramp(seconds: float = 8 * BAR) -> np.ndarray:
    """A rising line (each sample its own time), the same in both channels: where a sample came from is plain."""
    t = (np.arange(int(seconds * SR)) / SR).astype(np.float32)
    return np.repeat(t[:, None], 2, axis=1)


def test_the_last_beat_of_each_phrase_repeats_its_start_faster_and_faster():
    """Eight bars: the spans are the last beats of bars 4 and 8; there the audio is the beat's first sixteenth twice,
    its first thirty-second twice, its first sixty-fourth four times; elsewhere it is untouched."""
    bars, beats = np.arange(0, 8 * BAR, BAR), np.arange(0, 8 * BAR, BEAT)
    spans = stutter_spans(bars, beats, 8 * BAR)
    assert spans == [pytest.approx((4 * BAR - BEAT, BEAT)), pytest.approx((8 * BAR - BEAT, BEAT))]
    audio = ramp()
    out = stuttered(audio, spans, SR)
    assert out.shape == audio.shape
    start = int((4 * BAR - BEAT) * SR)
    at = start
    for share in REPEATS:  # each repeat starts where the beat starts (a 2 ms fade in: read just after it)
        assert out[at + 100, 0] == pytest.approx(audio[start + 100, 0], abs=1e-4)
        assert out[at + 10, 0] < audio[start + 10, 0]  # faded in
        at += int(round(share * BEAT * SR))
    assert sum(REPEATS) == 1.0 and abs(at - int(4 * BAR * SR)) <= len(REPEATS)
    untouched = np.ones(len(audio), dtype=bool)
    for a, _ in spans:
        untouched[int(a * SR):int((a + BEAT) * SR)] = False
    assert np.array_equal(out[untouched], audio[untouched])


def test_stems_stuttered_apart_add_up_to_the_whole_stuttered():
    rng = np.random.default_rng(1)
    a, b = (rng.normal(0, 0.1, (int(8 * BAR * SR), 2)).astype(np.float32) for _ in range(2))
    spans = stutter_spans(np.arange(0, 8 * BAR, BAR), np.arange(0, 8 * BAR, BEAT), 8 * BAR)
    assert np.allclose(stuttered(a, spans, SR) + stuttered(b, spans, SR), stuttered(a + b, spans, SR), atol=1e-6)


def test_no_whole_phrase_no_stutter():
    assert stutter_spans(np.arange(0, 3 * BAR, BAR), np.arange(0, 3 * BAR, BEAT), 3 * BAR) == []


@pytest.mark.parametrize("prompt, stutter, chops", [
    ("make it glitchy", True, False), ("stutter effect", True, False), ("beat repeat", True, False),
    ("edm with stutter edits", True, False), ("house with a glitchy feel", True, False),
    ("vocal stutter", False, True), ("stutter the vocals", False, True), ("stuttering vocals", False, True),
])
def test_stutter_edits_are_read(prompt, stutter, chops):
    """Each was unread (or "stuttering vocals" the vocals alone); a stutter said of the vocals is vocal chops."""
    plan = interpret(prompt)
    assert (plan.stutter, plan.vocal_chops) == (stutter, chops) and plan.ignored_words == ()


def test_a_remix_with_stutters_and_scratches_says_where_it_made_them(remix_of):
    """Both reach the finished versions: the plan's notes count the phrases each was made in."""
    notes = remix_of("pop with dj scratches and stutter edits", seed=3).plan["engine"]["notes"]
    assert any(note.startswith("Stutter edits: the last beat of") for note in notes)
    assert any(note.startswith("DJ scratches: a sample of the") for note in notes)
