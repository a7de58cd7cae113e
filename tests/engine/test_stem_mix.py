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
