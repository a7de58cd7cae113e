"""The kept accompaniment's harmony as a pad: same pitch classes, same loudness, none of its buzz."""

from __future__ import annotations

import librosa
import numpy as np

from remixes.engine.retimbre import pitch_class_pad

SR = 44100


def distorted_chords(seconds_each: float = 1.5) -> np.ndarray:
    """Overdriven power chords (root, fifth, octave) on A, C, D, F: a buzz of partials up to the top."""
    t = np.arange(int(SR * seconds_each)) / SR
    out = []
    for midi in (45, 48, 50, 53):
        f = 440.0 * 2 ** ((midi - 69) / 12)
        clean = sum(np.sin(2 * np.pi * f * r * t) for r in (1.0, 1.5, 2.0))
        out.append(0.3 * np.tanh(5 * clean))
    mono = np.concatenate(out).astype(np.float32)
    return np.stack([mono, mono], axis=1)


def read_whole(stem: np.ndarray) -> np.ndarray:
    return pitch_class_pad(lambda a, b: stem[a:b], 0, len(stem), len(stem), SR)


def chroma(mono: np.ndarray) -> np.ndarray:
    c = librosa.feature.chroma_stft(y=mono, sr=SR, n_fft=8192, hop_length=4096)
    c = c - c.mean(axis=0, keepdims=True)
    return c / (np.linalg.norm(c, axis=0, keepdims=True) + 1e-9)


def share_above(mono: np.ndarray, hz: float) -> float:
    power = np.abs(np.fft.rfft(mono)) ** 2
    return float(power[np.fft.rfftfreq(len(mono), 1 / SR) > hz].sum() / power.sum())


def test_the_pad_sounds_the_stems_pitch_classes_at_its_loudness_without_its_buzz():
    stem = distorted_chords()
    pad = read_whole(stem)
    assert pad.shape == stem.shape
    assert 0.9 < np.sqrt(np.mean(pad ** 2)) / np.sqrt(np.mean(stem ** 2)) < 1.5
    similarity = np.mean(np.sum(chroma(stem[:, 0]) * chroma(pad[:, 0]), axis=0))
    assert similarity > 0.75
    assert share_above(pad[:, 0], 2000.0) < 0.01 * share_above(stem[:, 0], 2000.0)


def test_blocks_read_one_after_another_join_without_a_seam():
    stem = distorted_chords()
    whole = read_whole(stem)
    edges = [0, 12345, 44100, 100000, len(stem)]
    pieces = [pitch_class_pad(lambda a, b: stem[a:b], a, b, len(stem), SR) for a, b in zip(edges[:-1], edges[1:])]
    assert np.allclose(np.concatenate(pieces), whole, atol=1e-5)


def test_the_pads_table_is_read_as_np_interp_reads_it():
    from remixes.engine import retimbre

    lowest, table = retimbre._shepard_tables(retimbre.PAD_CENTRE_HZ)[4]
    phase = np.random.default_rng(1).uniform(-3.0, 40.0, 20000)
    phase[:3] = [0.0, 1.0, 2.0 - 1e-12]  # the loop's seam
    expected = np.interp(phase - np.floor(phase), np.linspace(0.0, 1.0, retimbre._TABLE_SIZE + 1), table)
    assert np.allclose(retimbre._read_table(table, phase), expected.astype(np.float32), atol=1e-6)


def test_a_pad_an_octave_up_keeps_the_pitch_classes_and_leaves_the_low_register():
    """Lullaby's pad sits around 660 Hz (the music box's register) rather than 330 Hz: the same harmony, its
    energy an octave higher, little of it where a bass would play, and nothing past the low rate's Nyquist."""
    from remixes.engine.retimbre import PAD_CENTRE_HZ

    stem = distorted_chords()
    low = read_whole(stem)[:, 0]
    high = pitch_class_pad(lambda a, b: stem[a:b], 0, len(stem), len(stem), SR, 2 * PAD_CENTRE_HZ)[:, 0]
    assert np.mean(np.sum(chroma(high) * chroma(low), axis=0)) > 0.9
    assert 0.8 < np.sqrt(np.mean(high ** 2)) / np.sqrt(np.mean(low ** 2)) < 1.25
    assert share_above(high, 250.0) > 0.97 > share_above(low, 250.0)
    assert share_above(high, 2800.0) < 1e-4  # sr / 8 / 2 = 2756 Hz: no partial folds back
