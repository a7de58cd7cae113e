"""Pitch correction of a vocal (vocals/tune.py): "autotune" snaps it to the key's scale, "robot" holds one note;
a second voice: "harmony" a third from the lead, "double" a second take."""

import numpy as np
import parselmouth
import pytest

from remixes.engine.vocals.tune import HARMONY_DB, harmonise, snap_to_scale, third_from, tune

SR = 22050


def voice(hz: np.ndarray) -> np.ndarray:
    """A voiced tone following the pitch contour `hz` (one value per sample): ten harmonics, falling off."""
    phase = 2 * np.pi * np.cumsum(hz) / SR
    return (0.2 * sum(np.sin(k * phase) / k for k in range(1, 11))).astype(np.float32)


def pitches(audio: np.ndarray) -> np.ndarray:
    """The voiced frames' pitch, in MIDI."""
    hz = parselmouth.Sound(audio.astype(np.float64), SR).to_pitch(0.01, 75, 600).selected_array["frequency"]
    return 69 + 12 * np.log2(hz[hz > 0] / 440.0)


def test_pitches_snap_to_the_nearest_note_of_the_scale():
    assert list(snap_to_scale(np.array([60.2, 60.9, 61.6, 65.4, 70.9]), 0, "major")) == [60, 60, 62, 65, 71]
    assert list(snap_to_scale(np.array([63.3, 68.1]), 0, "minor")) == [63, 68]  # E flat, A flat in C minor


def test_autotune_snaps_an_off_key_sliding_voice_to_the_scale_and_keeps_its_length():
    # 2 s gliding from 30 cents above A3 to 30 cents below C#4 (not in C major), with a wide vibrato
    t = np.arange(2 * SR) / SR
    midi = np.linspace(57.3, 60.7, t.size) + 0.4 * np.sin(2 * np.pi * 5.5 * t)
    source = voice(440.0 * 2 ** ((midi - 69) / 12))
    tuned = tune(source, SR, "autotune", 0, "major")
    assert tuned.shape == source.shape and tuned.dtype == np.float32
    before, after = pitches(source), pitches(tuned)
    off = lambda m: np.mean(np.abs(m - np.round(m)))  # noqa: E731 - cents (x100) from the nearest semitone
    assert off(before) > 0.2 and off(after) < 0.08
    in_scale = np.isin(np.round(after).astype(int) % 12, [0, 2, 4, 5, 7, 9, 11])
    assert in_scale.mean() > 0.95


def test_a_robot_voice_holds_the_keys_tonic_nearest_its_middle():
    t = np.arange(2 * SR) / SR
    midi = 64 + 3 * np.sin(2 * np.pi * 0.7 * t)  # around E4
    after = pitches(tune(voice(440.0 * 2 ** ((midi - 69) / 12)), SR, "robot", 7, "major"))  # G major
    assert np.median(np.abs(after - 67)) < 0.1  # G4, the G nearest E4


@pytest.mark.parametrize("kind", ["autotune", "robot"])
def test_silence_and_unknown_kinds_come_back_as_they_were(kind):
    silent = np.zeros(SR, dtype=np.float32)
    assert np.array_equal(tune(silent, SR, kind, 0, "major"), silent)
    tone = voice(np.full(SR, 220.0))
    assert np.array_equal(tune(tone, SR, "chorus", 0, "major"), tone)


def test_a_third_is_two_steps_of_the_scale_from_the_nearest_note_keeping_the_voices_own_deviation():
    # C major: E3 -> G3 (3 semitones), C4 -> E4 (4), B3 -> D4 (3); 20 cents sharp stays 20 cents sharp
    assert list(third_from(np.array([52.0, 60.0, 59.0, 52.2]), 0, "major", up=True)) == pytest.approx(
        [55.0, 64.0, 62.0, 55.2])
    assert list(third_from(np.array([69.0, 64.0]), 0, "major", up=False)) == pytest.approx([65.0, 60.0])
    assert list(third_from(np.array([60.0]), 9, "minor", up=True)) == pytest.approx([64.0])  # A minor: C -> E


@pytest.mark.parametrize("middle, up, expected", [(52.0, True, 55.0), (69.0, False, 65.0)])
def test_a_harmony_sings_a_third_from_the_lead_above_a_low_voice_below_a_high_one(middle, up, expected):
    """The second voice (the mix less the lead, at HARMONY_DB) is a diatonic third from the lead in C major:
    E3 -> G3 above a low voice, A4 -> F4 below a high one; the lead itself is unchanged, the length kept."""
    t = np.arange(2 * SR) / SR
    midi = middle + 0.15 * np.sin(2 * np.pi * 5.0 * t)
    lead = voice(440.0 * 2 ** ((midi - 69) / 12))
    mixed = harmonise(lead, SR, "harmony", 0, "major")
    assert mixed.shape == lead.shape and mixed.dtype == np.float32
    second = (mixed - lead) / 10 ** (HARMONY_DB / 20)
    assert abs(float(np.median(pitches(second))) - expected) < 0.15
    assert abs(float(np.median(pitches(second))) - middle) > 2.5


def test_a_double_is_a_second_take_a_little_sharp_and_late():
    t = np.arange(2 * SR) / SR
    lead = voice(np.full(t.size, 220.0))
    second = (harmonise(lead, SR, "double", 0, "major") - lead) / 10 ** (HARMONY_DB / 20)
    cents = 100 * (np.median(pitches(second)) - np.median(pitches(lead)))
    assert 4 < cents < 15
    assert np.abs(second[: int(0.02 * SR)]).max() < 1e-6  # nothing before it comes in


def test_a_harmony_of_silence_or_of_an_unknown_kind_is_the_lead_alone():
    silent = np.zeros(SR, dtype=np.float32)
    assert np.array_equal(harmonise(silent, SR, "harmony", 0, "major"), silent)
    tone = voice(np.full(SR, 220.0))
    assert np.array_equal(harmonise(tone, SR, "choir", 0, "major"), tone)
