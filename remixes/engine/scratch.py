"""DJ scratches ("hip hop with dj scratches", "add some scratching"): a short sample of the song moved back and forth
under a DJ's hand at the end of every fourth bar, as a turntablist cuts in between a rapper's lines.

The sample is the vocal where it sings out (chops.chop_starts), or without one the instrumental's loudest onset (a
stab). A stroke moves the record over SAMPLE_SECONDS of it and back, its speed rising from rest and falling to rest
again (the hand's half-cosine motion: the pitch sweeps up and down, the sample is heard forwards, then backwards); the
crossfader opens and closes each stroke with 2 ms ramps, and cuts a "chirp" short. A function of the version alone:
it goes in the instrumental's stem.
"""

from __future__ import annotations

import numpy as np

from .chops import QUIET, chop_starts

SAMPLE_SECONDS = 0.16  # of the sample under the needle in one stroke
# The strokes over the last two beats of a phrase, in sixteenths: (start, length, forwards, share of the stroke the
# crossfader is open). Baby scratches on the sixteenths, a slower forward and back, two chirps.
STROKES = ((0, 1, True, 1.0), (1, 1, False, 1.0), (2, 1, True, 1.0), (3, 1, False, 1.0),
           (4, 2, True, 1.0), (6, 1, False, 1.0), (7, 0.5, True, 0.6), (7.5, 0.5, False, 0.6))
EVERY = 4  # bars: a phrase
SCRATCH_GAIN = 0.8  # the scratches' level against the instrumental's
_RAMP = 0.002


def scratch_sample(vocal: np.ndarray | None, instrumental: np.ndarray, beat: float, sr: int) -> np.ndarray | None:
    """The mono sample a DJ cuts: the vocal's loudest onset where there is a vocal, else the instrumental's; a little
    longer than a stroke reads (None: silence throughout)."""
    for source in (vocal, instrumental):
        if source is None or not np.abs(source).max() > 1e-3:
            continue
        mono = source.mean(axis=1) if source.ndim == 2 else source
        slices = chop_starts(mono, sr, beat, count=1)
        if slices:
            a = slices[0][0]
            piece = np.asarray(mono[a:a + int(1.5 * SAMPLE_SECONDS * sr)], dtype=np.float64)
            if len(piece) > SAMPLE_SECONDS * sr and np.abs(piece).max() > 1e-4:
                return piece
    return None


def stroke(sample: np.ndarray, seconds: float, forwards: bool, open_share: float, sr: int) -> np.ndarray:
    """One stroke of `seconds`: the record moved over SAMPLE_SECONDS of `sample` (back over it when not `forwards`),
    its position a half-cosine from rest to rest, heard through the crossfader for `open_share` of the stroke; the
    level follows the record's speed (a slow record is quiet and dull)."""
    n = max(2, int(seconds * sr))
    u = np.arange(n) / n
    travel = SAMPLE_SECONDS * sr
    position = travel * (1 - np.cos(np.pi * u)) / 2
    if not forwards:
        position = travel - position
    speed = np.abs(np.gradient(position))  # samples of the record per sample of time: its pitch factor
    heard = np.interp(position, np.arange(len(sample)), sample) * np.minimum(1.0, speed) ** 0.5
    gate = np.zeros(n)
    open_n = max(1, int(n * open_share))
    ramp = max(1, int(_RAMP * sr))
    gate[:open_n] = 1.0
    gate[:ramp] *= np.linspace(0, 1, ramp)
    gate[max(0, open_n - ramp):open_n] *= np.linspace(1, 0, min(ramp, open_n))
    return heard * gate


def scratch_layer(instrumental: np.ndarray, vocal: np.ndarray | None, bar_times, beat_times,
                  sr: int) -> tuple[np.ndarray | None, int]:
    """The scratches for a version ((n, 2) float32, the instrumental's length), or None without a sample or a
    phrase: STROKES over the last two beats of every EVERY-th bar where the vocal rests (under chops.QUIET of its sung
    level; every phrase's end without a vocal), at SCRATCH_GAIN of the instrumental's RMS, in the middle.
    (layer, phrases scratched)."""
    beats = np.asarray(beat_times, dtype=float)
    bars = [float(t) for t in bar_times]
    if len(beats) < 4 or len(bars) < EVERY:
        return None, 0
    beat = float(np.median(np.diff(beats)))
    sample = scratch_sample(vocal, instrumental, beat, sr)
    level = float(np.sqrt(np.mean(instrumental.astype(np.float64) ** 2)))
    if sample is None or level <= 0:
        return None, 0
    vocal_mono = None if vocal is None else vocal.mean(axis=1)
    sung = 0.0
    if vocal_mono is not None and (np.abs(vocal_mono) > 1e-3).any():
        sung = float(np.sqrt(np.mean(vocal_mono[np.abs(vocal_mono) > 1e-3].astype(np.float64) ** 2)))
    n = len(instrumental)
    mono = np.zeros(n)
    played = 0
    for k in range(EVERY - 1, len(bars), EVERY):
        start = bars[k] + (bars[k + 1] - bars[k] if k + 1 < len(bars) else EVERY * beat) - 2 * beat
        step = beat / 4
        a, b = int(start * sr), int((start + 2 * beat) * sr)
        if a < 0 or b > n:
            continue
        if sung > 0 and float(np.sqrt(np.mean(vocal_mono[a:b].astype(np.float64) ** 2))) >= QUIET * sung:
            continue  # the singer is singing there
        for at, length, forwards, open_share in STROKES:
            s = a + int(at * step * sr)
            cut = stroke(sample, length * step, forwards, open_share, sr)
            mono[s:s + len(cut)] += cut[:n - s]
        played += 1
    if not played:
        return None, 0
    from scipy.signal import butter, sosfilt

    mono = sosfilt(butter(2, 150, "highpass", fs=sr, output="sos"), mono)  # the rumble of a slow record
    loud = mono[np.abs(mono) > 1e-4]
    mono *= SCRATCH_GAIN * level / max(float(np.sqrt(np.mean(loud ** 2))) if len(loud) else 0.0, 1e-9)
    return np.repeat(mono[:, None], 2, axis=1).astype(np.float32), played
