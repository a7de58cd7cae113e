"""DJ scratches: a sample of the song moved back and forth at the end of every phrase."""

import numpy as np
import pytest

from remixes.engine.scratch import EVERY, SAMPLE_SECONDS, SCRATCH_GAIN, scratch_layer, stroke
from remixes.engine.style import interpret

SR = 44100
BEAT = 0.5  # 120 bpm
BAR = 4 * BEAT


def peak_hz(part: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part)), 8 * len(part)))
    return float(np.fft.rfftfreq(8 * len(part), 1 / SR)[np.argmax(spectrum)])


def test_a_stroke_sweeps_the_pitch_up_and_down_and_back_is_the_same_backwards():
    """A 440 Hz sample moved over 0.16 s in 0.16 s by a hand from rest to rest: at the middle of the stroke the
    record runs at pi/2 its speed (~690 Hz), near its ends slower (lower); the back stroke plays it in reverse."""
    tone = np.sin(2 * np.pi * 440 * np.arange(int(0.3 * SR)) / SR)
    forwards = stroke(tone, SAMPLE_SECONDS, True, 1.0, SR)
    middle = forwards[int(0.45 * len(forwards)):int(0.55 * len(forwards))]
    assert peak_hz(middle) == pytest.approx(440 * np.pi / 2, rel=0.08)
    assert peak_hz(forwards[int(0.1 * len(forwards)):int(0.2 * len(forwards))]) < 0.7 * peak_hz(middle)
    backwards = stroke(tone, SAMPLE_SECONDS, False, 1.0, SR)
    assert np.corrcoef(backwards[50:-50], forwards[::-1][50:-50])[0, 1] > 0.95
    chirp = stroke(tone, SAMPLE_SECONDS, True, 0.6, SR)  # the crossfader closes early
    assert np.abs(chirp[int(0.62 * len(chirp)):]).max() == 0 and np.abs(chirp[:int(0.55 * len(chirp))]).max() > 0.3


def phrases(seconds: float = 8 * BAR):
    t = np.arange(int(seconds * SR)) / SR
    rng = np.random.default_rng(3)
    hits = np.zeros(len(t))
    hits[(np.arange(0, seconds, BEAT) * SR).astype(int)] = 1.0  # a click on each beat, onsets to cut from
    instrumental = np.convolve(hits, np.exp(-np.arange(2000) / 300.0))[:len(t)] * rng.normal(0, 0.3, len(t))
    return np.repeat(instrumental[:, None], 2, axis=1).astype(np.float32), np.arange(0, seconds, BAR), \
        np.arange(0, seconds, BEAT)


def test_the_scratches_fill_the_last_two_beats_of_each_phrase_where_the_vocal_rests():
    """Eight bars: the last two beats of bars 4 and 8 scratched, nothing elsewhere; at SCRATCH_GAIN of the
    instrumental's level; a vocal singing over the end of the first phrase leaves it to the singer."""
    instrumental, bars, beats = phrases()
    layer, played = scratch_layer(instrumental, None, bars, beats, SR)
    assert played == 2 and layer.shape == instrumental.shape
    spans = [(int((k * BAR - 2 * BEAT) * SR), int(k * BAR * SR)) for k in (EVERY, 2 * EVERY)]
    outside = np.ones(len(layer), dtype=bool)
    for a, b in spans:
        outside[a:b] = False
        assert np.abs(layer[a:a + int(0.05 * SR)]).max() > 0  # the first stroke starts on the beat
    assert np.abs(layer[outside]).max() < 1e-4 * np.abs(layer).max()  # (a filter's tail)
    scratched = layer[np.abs(layer[:, 0]) > 1e-4, 0]
    assert np.sqrt(np.mean(scratched ** 2)) == pytest.approx(SCRATCH_GAIN * np.sqrt(np.mean(instrumental ** 2)),
                                                             rel=0.05)
    vocal = np.zeros_like(instrumental)
    a, b = spans[0]
    vocal[a - SR:b, :] = 0.2 * np.sin(2 * np.pi * 330 * np.arange(b - a + SR) / SR)[:, None]
    layer, played = scratch_layer(instrumental, vocal, bars, beats, SR)
    assert played == 1 and np.abs(layer[a:b]).max() < 1e-4 and np.abs(layer[spans[1][0]:spans[1][1]]).max() > 0


def test_nothing_to_scratch_makes_no_scratches():
    instrumental, bars, beats = phrases()
    assert scratch_layer(np.zeros_like(instrumental), None, bars, beats, SR) == (None, 0)
    assert scratch_layer(instrumental, None, bars[:2], beats[:8], SR) == (None, 0)  # no whole phrase


@pytest.mark.parametrize("prompt, scratch, style", [
    ("hip hop with dj scratches", True, "hiphop"), ("boom bap with record scratches", True, "hiphop"),
    ("lofi with some scratching", True, "lofi"), ("turntablism", True, "pop"), ("add a scratch effect", True, "pop"),
    ("scratch the vocals", True, "pop"), ("start from scratch", False, "pop"), ("vinyl scratches", False, "pop"),
])
def test_dj_scratches_are_read(prompt, scratch, style):
    """Each was unread ("scratch" no word the reader knew); "from scratch" is not it, "vinyl scratches" the vinyl's
    crackle; scratches alone are put on the song as it is."""
    plan = interpret(prompt)
    assert plan.scratch == scratch and plan.style == style
    if style == "pop":
        assert ("vinyl" in {e.kind for e in plan.effects}) == (prompt == "vinyl scratches")
        assert plan.as_is == (scratch or prompt == "vinyl scratches")
