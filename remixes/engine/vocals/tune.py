"""Pitch correction of a vocal, as the prompt asks: "autotune" snaps its pitch to the nearest note of the song's
scale (a hard correction: the glides between notes become steps), "robot" holds it on one note of the key.

Praat's Manipulation (praat-parselmouth): the vocal's pitch contour as a PitchTier, changed, and the vocal
resynthesised by overlap-add, which keeps its own waveform (the words, the timbre) where it moves the pitch.
"""

from __future__ import annotations

import numpy as np

KINDS = ("autotune", "robot")
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
_TIME_STEP = 0.01
_PITCH_FLOOR, _PITCH_CEILING = 75.0, 600.0


def snap_to_scale(midi: np.ndarray, key_tonic: int, mode: str) -> np.ndarray:
    """Each (fractional) MIDI pitch moved to the nearest note whose pitch class is in the key's scale."""
    scale = np.array(SCALES.get(mode, SCALES["major"]))
    allowed = np.array([octave * 12 + (key_tonic + step) % 12 for octave in range(11) for step in scale])
    return allowed[np.argmin(np.abs(midi[:, None] - allowed[None, :]), axis=1)].astype(float)


def tune(audio: np.ndarray, sample_rate: int, kind: str, key_tonic: int, mode: str) -> np.ndarray:
    """The mono vocal with its pitch corrected (`kind` in KINDS); same length, float32. A vocal with nothing
    voiced, or too short to measure, comes back as it was."""
    import parselmouth
    from parselmouth.praat import call

    mono = np.asarray(audio, dtype=np.float64).reshape(-1)
    if kind not in KINDS or mono.size < sample_rate // 5 or not np.any(np.abs(mono) > 1e-5):
        return mono.astype(np.float32)
    sound = parselmouth.Sound(mono, sampling_frequency=sample_rate)
    manipulation = call(sound, "To Manipulation", _TIME_STEP, _PITCH_FLOOR, _PITCH_CEILING)
    contour = call(manipulation, "Extract pitch tier")
    count = int(call(contour, "Get number of points"))
    if count == 0:
        return mono.astype(np.float32)
    times = np.array([call(contour, "Get time from index", i) for i in range(1, count + 1)])
    hz = np.array([call(contour, "Get value at index", i) for i in range(1, count + 1)])
    midi = 69.0 + 12.0 * np.log2(np.maximum(hz, 1.0) / 440.0)
    if kind == "robot":  # the key's tonic nearest the voice's own middle
        midi = np.full_like(midi, key_tonic + 12 * round((float(np.median(midi)) - key_tonic) / 12))
    else:
        midi = snap_to_scale(midi, key_tonic, mode)
    tuned = call("Create PitchTier", "tuned", sound.xmin, sound.xmax)
    for t, m in zip(times, midi):
        call(tuned, "Add point", float(t), float(440.0 * 2 ** ((m - 69.0) / 12.0)))
    call([manipulation, tuned], "Replace pitch tier")
    out = call(manipulation, "Get resynthesis (overlap-add)").values[0]
    out = out[: mono.size] if out.size >= mono.size else np.pad(out, (0, mono.size - out.size))
    return np.nan_to_num(out).astype(np.float32)
