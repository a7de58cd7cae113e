"""The kept original read a block at a time (pipeline._StemMix): a stem's pad mixed under its own name."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from remixes.engine.retimbre import pitch_class_pad
from tests.engine.test_retimbre import SR, distorted_chords


def test_the_kept_original_mixes_a_stems_pad_under_its_own_name():
    from remixes.engine.pipeline import _StemMix

    stem = distorted_chords()
    silent = np.zeros_like(stem)
    stems = SimpleNamespace(vocals=silent, drums=silent, bass=silent, other=stem)
    mix = _StemMix(stems, {"vocals": 0.0, "drums": 0.0, "bass": 0.0, "other": 0.0, "other_pad": 0.5})
    whole = pitch_class_pad(lambda a, b: stem[a:b], 0, len(stem), len(stem), SR)
    assert np.allclose(mix[0:len(stem)], 0.5 * whole, atol=1e-5)
    assert np.allclose(np.concatenate([mix[0:30000], mix[30000:len(stem)]]), 0.5 * whole, atol=1e-5)


def test_a_stems_spans_change_that_stem_there_and_nothing_else():
    """"no drums in the verse" on the kept original: the drums stem silent in the verse, the other stems as they
    were, block by block as in one read."""
    from remixes.engine.pipeline import _StemMix

    n = 3 * SR
    rng = np.random.default_rng(0)
    drums, other = (rng.standard_normal((n, 2)).astype(np.float32) * 0.1 for _ in range(2))
    silent = np.zeros_like(drums)
    stems = SimpleNamespace(vocals=silent, drums=drums, bass=silent, other=other)
    gains = {"vocals": 0.0, "drums": 0.5, "bass": 0.0, "other": 1.0}
    mix = _StemMix(stems, gains, spans=(("drums", 1.0, 2.0, 0.0),))
    whole = mix[0:n]
    assert np.allclose(whole[SR:2 * SR - 2205], other[SR:2 * SR - 2205])  # the verse: no drums
    assert np.allclose(whole[:SR - 2205], 0.5 * drums[:SR - 2205] + other[:SR - 2205])
    assert np.allclose(whole[2 * SR:], 0.5 * drums[2 * SR:] + other[2 * SR:])
    assert np.array_equal(np.concatenate([mix[0:50000], mix[50000:n]]), whole)


def test_a_stem_faded_in_rises_from_silence_over_its_span_and_the_others_are_as_they_were():
    """"fade in the drums" on the kept original (a song kept as it is): the drums stem rises from silence over the
    first seconds, block by block as in one read."""
    from remixes.engine.pipeline import _StemMix

    n = 3 * SR
    rng = np.random.default_rng(1)
    drums, other = (rng.standard_normal((n, 2)).astype(np.float32) * 0.1 for _ in range(2))
    silent = np.zeros_like(drums)
    stems = SimpleNamespace(vocals=silent, drums=drums, bass=silent, other=other)
    mix = _StemMix(stems, {"vocals": 0.0, "drums": 1.0, "bass": 0.0, "other": 1.0},
                   spans=(("drums", 0.0, 2.0, (0.0, 1.0)),))
    whole = mix[0:n]
    drums_heard = whole - other
    rise = [float(np.sqrt(np.mean(drums_heard[a:a + SR // 2] ** 2))) for a in range(0, 2 * SR, SR // 2)]
    assert rise[0] < 0.25 * rise[-1] and all(a < b for a, b in zip(rise, rise[1:]))
    assert np.allclose(whole[2 * SR:], drums[2 * SR:] + other[2 * SR:])
    assert np.array_equal(np.concatenate([mix[0:30000], mix[30000:n]]), whole)
