"""Pitch correction of a vocal, as the prompt asks: "autotune" snaps its pitch to the nearest note of the song's
scale (a hard correction: the glides between notes become steps), "robot" holds it on one note of the key; and a
second voice: "harmony" a third from the lead's notes, "double" a second take of the lead.

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
    if kind not in KINDS:
        return np.asarray(audio, dtype=np.float32).reshape(-1)

    def corrected(midi: np.ndarray) -> np.ndarray:
        if kind == "robot":  # the key's tonic nearest the voice's own middle
            return np.full_like(midi, key_tonic + 12 * round((float(np.median(midi)) - key_tonic) / 12))
        return snap_to_scale(midi, key_tonic, mode)

    out = _repitch(audio, sample_rate, corrected)
    return np.asarray(audio, dtype=np.float32).reshape(-1) if out is None else out


HARMONIES = ("harmony", "double")
HARMONY_DB = -6.0  # the second voice under the lead
DOUBLE_CENTS = 9.0  # a second take of the lead: this far off its pitch ...
DOUBLE_DELAY = 0.022  # ... and this late (seconds): heard as two singers, not as one louder or a comb filter
HIGH_VOICE_MIDI = 67  # a voice whose middle is above G4 is harmonised a third below, a lower one a third above


def third_from(midi: np.ndarray, key_tonic: int, mode: str, up: bool) -> np.ndarray:
    """Each (fractional) MIDI pitch moved a diatonic third (two steps of the key's scale) up or down from the
    scale note nearest it, keeping its own distance from that note (the glides and the vibrato are the lead's)."""
    scale = np.array(SCALES.get(mode, SCALES["major"]))
    allowed = np.array(sorted(octave * 12 + (key_tonic + step) % 12 for octave in range(-1, 12) for step in scale))
    nearest = np.argmin(np.abs(midi[:, None] - allowed[None, :]), axis=1)
    target = allowed[np.clip(nearest + (2 if up else -2), 0, len(allowed) - 1)]
    return midi + (target - allowed[nearest])


def harmonise(audio: np.ndarray, sample_rate: int, kind: str, key_tonic: int, mode: str, spans=None) -> np.ndarray:
    """The mono vocal with its second voice mixed in (`kind` in HARMONIES), same length, float32: "harmony" a
    diatonic third from the lead's notes in the song's key (above a low voice, below a high one), "double" a second
    take of the lead (DOUBLE_CENTS sharp, DOUBLE_DELAY late); either HARMONY_DB under the lead. Overlap-add keeps
    the words and the timbre of the lead in the second voice. A vocal with nothing voiced comes back as it was.
    `spans`: ((start, end) seconds, ...) where the second voice sings ("harmonies in the chorus"), faded in and out
    over SPAN_RAMP_SECONDS; None: everywhere; (): nowhere (asked in a part of the song that was not found)."""
    lead = np.asarray(audio, dtype=np.float32).reshape(-1)
    if kind not in HARMONIES or spans == ():
        return lead
    if kind == "double":
        second = _repitch(lead, sample_rate, lambda midi: midi + DOUBLE_CENTS / 100.0)
        late = int(round(DOUBLE_DELAY * sample_rate))
        if second is not None:
            second = np.concatenate([np.zeros(late, dtype=np.float32), second[:len(second) - late]])
    else:
        second = _repitch(lead, sample_rate, lambda midi: third_from(
            midi, key_tonic, mode, up=float(np.median(midi)) <= HIGH_VOICE_MIDI))
    if second is None:
        return lead
    if spans:
        from ..render import SPAN_RAMP_SECONDS, _span_weight

        ramp = max(1, int(round(SPAN_RAMP_SECONDS * sample_rate)))
        weight = np.zeros(len(second), dtype=np.float32)  # (the spans' samples alone: no full-length temporaries)
        for start, end in spans:
            a, b = int(round(start * sample_rate)), min(len(second), int(round(end * sample_rate)))
            lo = max(0, a - ramp)
            if lo < b:
                np.maximum(weight[lo:b], _span_weight(np.arange(lo, b), a, b, ramp), out=weight[lo:b])
        second = np.asarray(second, dtype=np.float32) * weight
    return (lead + np.float32(10 ** (HARMONY_DB / 20)) * second).astype(np.float32)


def _repitch(audio: np.ndarray, sample_rate: int, change) -> np.ndarray | None:
    """The mono vocal resynthesised (Praat's overlap-add) with each point of its pitch contour moved by
    `change` (MIDI pitches -> MIDI pitches, all the points at once); the same length, float32. None for a vocal
    with nothing voiced, or too short to measure."""
    import parselmouth
    from parselmouth.praat import call

    mono = np.asarray(audio, dtype=np.float64).reshape(-1)
    if mono.size < sample_rate // 5 or not np.any(np.abs(mono) > 1e-5):
        return None
    sound = parselmouth.Sound(mono, sampling_frequency=sample_rate)
    manipulation = call(sound, "To Manipulation", _TIME_STEP, _PITCH_FLOOR, _PITCH_CEILING)
    contour = call(manipulation, "Extract pitch tier")
    count = int(call(contour, "Get number of points"))
    if count == 0:
        return None
    times = np.array([call(contour, "Get time from index", i) for i in range(1, count + 1)])
    hz = np.array([call(contour, "Get value at index", i) for i in range(1, count + 1)])
    midi = change(69.0 + 12.0 * np.log2(np.maximum(hz, 1.0) / 440.0))
    moved = call("Create PitchTier", "moved", sound.xmin, sound.xmax)
    for t, m in zip(times, midi):
        call(moved, "Add point", float(t), float(440.0 * 2 ** ((m - 69.0) / 12.0)))
    call([manipulation, moved], "Replace pitch tier")
    out = call(manipulation, "Get resynthesis (overlap-add)").values[0]
    out = out[: mono.size] if out.size >= mono.size else np.pad(out, (0, mono.size - out.size))
    return np.nan_to_num(out).astype(np.float32)
