"""Cover art: valid PNGs of the right sizes, deterministic, and visibly different for different songs/styles."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from remixes.engine.cover import SIZE, THUMB, _MOTIFS, draw_cover
from remixes.engine.style import STYLES, interpret


def song_features(seed: int, tempo: float = 100.0, title: str | None = None) -> dict:
    """Features shaped like features.cover_features(): a made-up song per seed."""
    rng = np.random.default_rng(seed)
    return {
        "tempo": tempo, "key": "A", "mode": "minor", "duration": 180.0, "title": title,
        "chroma": rng.random(12).tolist(),
        "spectrum": (np.linspace(0.9, 0.2, 32) * rng.uniform(0.5, 1.0, 32)).tolist(),
        "onset_curve": np.clip(0.5 + 0.4 * np.sin(np.arange(64) / rng.uniform(2, 6)), 0, 1).tolist(),
    }


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float32)


def colour_histogram(png: bytes) -> np.ndarray:
    quantised = (pixels(png) // 32).astype(int)  # 8 levels per channel
    codes = quantised[..., 0] * 64 + quantised[..., 1] * 8 + quantised[..., 2]
    counts = np.bincount(codes.ravel(), minlength=512).astype(float)
    return counts / counts.sum()


def histogram_distance(a: bytes, b: bytes) -> float:
    """Total variation distance between colour histograms: 0 same colours, 1 no colour in common."""
    return 0.5 * float(np.abs(colour_histogram(a) - colour_histogram(b)).sum())


@pytest.fixture(scope="module")
def lofi_cover() -> tuple[bytes, bytes]:
    return draw_cover(interpret("lo-fi"), song_features(1, title="Test Song"), seed=0)


def test_it_draws_a_1024_png_and_a_256_thumbnail(lofi_cover):
    cover, thumb = lofi_cover
    for png, size in ((cover, SIZE), (thumb, THUMB)):
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        image = Image.open(io.BytesIO(png))
        image.verify()
        assert image.size == (size, size) and image.format == "PNG"
    assert (SIZE, THUMB) == (1024, 256)


def test_the_cover_is_not_blank(lofi_cover):
    assert pixels(lofi_cover[0]).std() > 15
    assert np.count_nonzero(colour_histogram(lofi_cover[1]) > 0.001) > 15


def test_it_is_deterministic_for_the_same_inputs(lofi_cover):
    again = draw_cover(interpret("lo-fi"), song_features(1, title="Test Song"), seed=0)
    assert again == lofi_cover
    assert draw_cover(interpret("lo-fi"), song_features(1, title="Test Song"), seed=1)[0] != lofi_cover[0]


# Calibration (lo-fi cover against ...): another seed only, histogram 0.002 / pixels 4.5 (grain, rain);
# another song 0.14-0.20 / 5-7; synthwave 0.51 / 29, jazz 0.45 / 17, hip-hop (same vinyl motif) 0.33 / 12.
def test_two_styles_give_clearly_different_covers(lofi_cover):
    synthwave = draw_cover(interpret("synthwave"), song_features(1, title="Test Song"), seed=0)
    assert np.abs(pixels(synthwave[0]) - pixels(lofi_cover[0])).mean() > 15
    assert histogram_distance(synthwave[0], lofi_cover[0]) > 0.3


def test_two_songs_in_one_style_give_different_covers(lofi_cover):
    other_song = draw_cover(interpret("lo-fi"), song_features(2, tempo=170.0, title="Test Song"), seed=0)
    same_song_other_seed = draw_cover(interpret("lo-fi"), song_features(1, title="Test Song"), seed=1)
    assert histogram_distance(other_song[0], lofi_cover[0]) > 0.08
    assert histogram_distance(other_song[0], lofi_cover[0]) > 20 * histogram_distance(same_song_other_seed[0],
                                                                                      lofi_cover[0])


def test_every_style_has_a_motif():
    assert set(STYLES) <= set(_MOTIFS)


@pytest.mark.parametrize("features", [
    {},
    {"tempo": None, "chroma": None, "spectrum": "oops", "onset_curve": [float("nan")] * 64},
    {"tempo": 1e9, "chroma": [5] * 3, "spectrum": [-1] * 100, "onset_curve": [0.0], "title": "x" * 500},
])
def test_it_never_fails_on_odd_features(features):
    cover, thumb = draw_cover(interpret("chiptune"), features, seed=3)
    assert Image.open(io.BytesIO(thumb)).size == (THUMB, THUMB)


def test_the_cover_names_what_the_band_played_in_its_small_print():
    from remixes.engine.cover import _clean_features

    f = _clean_features({"instruments": ["Distortion Guitar", "Fingered Bass", "Distortion Guitar", "", "Power kit",
                                         "Strings", "Piano"]})
    assert f["instruments"] == ["Distortion Guitar", "Fingered Bass", "Power kit", "Strings"]
    assert _clean_features({})["instruments"] == []
