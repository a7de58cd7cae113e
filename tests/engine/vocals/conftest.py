"""Synthetic songs for the vocal tests: a VocalGuide built from a known chord loop, with and without melody."""

import numpy as np
import pytest

from remixes.engine.music import Chord, Section, Tone
from remixes.engine.vocals import VocalGuide
from remixes.engine.vocals.performer import perform

SR = 44100
LOOP = ((0, "maj"), (7, "maj"), (9, "min"), (5, "maj"))  # I-V-vi-IV in C

LYRICS = """[Verse]
It's a brand new day
I got 4 reasons to stay
Walking down the empty road

[Chorus]
Sing it loud tonight
Everything will be alright

Hold on to the morning light
"""


def make_guide(duration=48.0, bpm=100.0, sections=None, melody=(), key=0, mode="major"):
    beat = 60.0 / bpm
    beats = tuple(float(t) for t in np.arange(0.0, duration - 1e-6, beat))
    bars = beats[::4]
    chords = tuple(Chord(b, min(b + 4 * beat, duration), (key + LOOP[i % 4][0]) % 12, LOOP[i % 4][1])
                   for i, b in enumerate(bars))
    if sections is None:
        sections = ((0.0, 4.8, "intro", 0.3), (4.8, 24.0, "verse", 0.5), (24.0, duration, "chorus", 0.9))
    return VocalGuide(SR, duration, bpm, beats, bars, key, mode, chords, tuple(Tone(*m) for m in melody),
                      tuple(Section(*s) for s in sections))


def melody_for(guide, octave=5):
    """A lead line on the chord roots and fifths, one note per beat: what analysis would hand over."""
    notes = []
    for start, end, root, _ in guide.chords:
        step = (end - start) / 4
        for k, interval in enumerate((0, 7, 12, 7)):
            notes.append((start + k * step, start + (k + 1) * step * 0.95, 12 * octave + root + interval))
    return tuple(notes)


@pytest.fixture(scope="session")
def guide():
    return make_guide()


@pytest.fixture(scope="session")
def female(guide):
    return perform(LYRICS, guide, "female", seed=0)


@pytest.fixture(scope="session")
def male(guide):
    return perform(LYRICS, guide, "male", seed=0)


@pytest.fixture(scope="session")
def neutral(guide):
    return perform(LYRICS, guide, "neutral", seed=0)
