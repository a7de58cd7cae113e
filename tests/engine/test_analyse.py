import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from remixes.engine.analyse import analyse
from remixes.engine.music import Chord, Section, Tone
from tools.songs import make_song

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def analysis(song_audio):
    return analyse(song_audio, 44100)


def test_it_finds_the_tempo_of_the_song(analysis):
    assert analysis.tempo == pytest.approx(100.0, rel=0.03)


def test_it_finds_beats_a_beat_apart(analysis):
    intervals = np.diff(analysis.beat_times)
    assert np.median(intervals) == pytest.approx(0.6, rel=0.03)
    assert len(analysis.downbeat_times) >= len(analysis.beat_times) // 4 - 1


def test_it_finds_the_key_and_mode(analysis):
    assert (analysis.key_name, analysis.mode) == ("A", "minor")


def test_its_chords_follow_the_played_progression(analysis):
    # make_song's A minor verse is Am F C G, one chord per 2.4 s bar; the chorus from 19.2 s.
    played = {0: (9, "min"), 1: (5, "maj"), 2: (0, "maj"), 3: (7, "maj")}
    checks = hits = 0
    for t in np.arange(0.3, 9.6, 0.3):
        expected = played[int(t // 2.4) % 4]
        chord = next(c for c in analysis.chords if c[0] <= t < c[1])
        checks += 1
        hits += (chord[2], chord[3]) == expected
    assert hits / checks >= 0.8


def test_it_hands_on_named_chords_melody_and_sections(analysis):
    """The arranger and the singer read fields by name (issue 13: typed stage hand-offs)."""
    assert analysis.chords and all(type(c) is Chord for c in analysis.chords)
    assert analysis.melody and all(type(m) is Tone for m in analysis.melody)
    assert analysis.sections and all(type(s) is Section for s in analysis.sections)
    assert all(c.start < c.end and -1 <= c.root < 12 for c in analysis.chords)
    assert analysis.sections[0].start == 0.0 and analysis.sections[-1].end == analysis.duration


def test_it_folds_a_fast_tempo_into_the_common_range():
    fast = analyse(make_song(10.0, tempo=170.0, seed=2), 44100)
    assert 70 <= fast.tempo <= 150
    assert fast.tempo == pytest.approx(85.0, rel=0.04)


def test_its_melody_is_time_aligned_with_the_song(analysis):
    assert len(analysis.melody) >= 5
    starts = np.array([n[0] for n in analysis.melody])
    assert np.all(np.diff(starts) > 0)
    assert starts[-1] < analysis.duration


def test_its_cover_features_are_normalised(analysis):
    assert analysis.chroma_mean.shape == (12,) and analysis.chroma_mean.max() == pytest.approx(1.0)
    assert analysis.spectrum_bands.shape == (32,) and 0 <= analysis.spectrum_bands.min() <= 1
    assert analysis.onset_curve.shape == (64,)


def test_its_beat_tracker_keeps_every_numba_kernel_in_the_cache():
    """librosa.beat compiles __beat_local_score at import without numba's cache (~1.9 s of CPU in every
    helper that analyses); analyse imports it with the cache on (in a fresh interpreter: this one may
    have imported librosa.beat already), and puts numba back as it was."""
    probe = ("import json, numba\n"
             "decorator = numba.guvectorize\n"
             "from remixes.engine.analyse import _librosa_beat\n"
             "beat = _librosa_beat()\n"
             "print(json.dumps([getattr(beat, '__beat_local_score').gufunc_builder.cache,\n"
             "                  numba.guvectorize is decorator]))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [True, True]
