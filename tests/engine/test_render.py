"""The band through the soundfont: a part's level change survives the band's balancing."""

from __future__ import annotations

import numpy as np
import pytest

from remixes.engine.arrange import Part
from remixes.engine.render import render_band, rms

SECONDS = 2.0


def band(bass_db: float = 0.0, keys_db: float = 0.0) -> tuple:
    """A bass line and piano chords, a note every half second."""
    onsets = np.arange(0, SECONDS - 0.5, 0.5)
    bass = tuple((t, t + 0.45, 33 + 7 * (i % 2), 100) for i, t in enumerate(onsets))
    keys = tuple((t, t + 0.45, p, 90) for t in onsets for p in (72, 76, 79))
    return (Part("bass", 33, False, bass, 0.9, -0.2, bass_db), Part("chords", 0, False, keys, 0.7, 0.3, keys_db))


def part_levels(audio: np.ndarray) -> np.ndarray:
    """How much of each part's own stem the band holds (least squares over the stems rendered alone)."""
    stems = [render_band((p,), SECONDS, 0.1).reshape(-1) for p in band()]
    weights, *_ = np.linalg.lstsq(np.stack(stems, axis=1), audio.reshape(-1), rcond=None)
    return weights


@pytest.fixture(scope="module")
def plain():
    return render_band(band(), SECONDS, 0.1)


def test_it_scales_the_band_to_the_target_level(plain):
    assert rms(plain) == pytest.approx(0.1, rel=1e-3)


@pytest.mark.parametrize("bass_db, keys_db", [(-6.0, 0.0), (6.0, 0.0), (0.0, -6.0), (3.0, -3.0)])
def test_a_level_change_moves_its_part_against_the_others(plain, bass_db, keys_db):
    changed = render_band(band(bass_db, keys_db), SECONDS, 0.1)
    ratio_db = 20 * np.log10(part_levels(changed) / part_levels(plain))
    assert ratio_db == pytest.approx([bass_db, keys_db], abs=0.05)
