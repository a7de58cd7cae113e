"""8D audio: the finished mix circling the listener's head.

"8d audio", "auto pan", "spinning around your head" (style.ORBIT_BEATS): the mix is folded toward its middle and
moved around the head as a single source at the angle of the moment, with the three cues a head gives a source's
direction: the far ear hears it later (up to ~0.65 ms, the time sound takes around a head) and softer (a pan that
never quite leaves one ear silent, which tires on headphones), and a source behind is duller (the pinna shades its
highs). It is a function of time alone, linear, so the instrumental and the vocal stem each circle the same way and
still add up to the version.
"""

from __future__ import annotations

import numpy as np

MAX_DELAY = 0.00065  # s: the far ear's lag with the source straight to one side
PAN_DEPTH = 0.8  # of a hard pan at the side: the far ear keeps ~-14 dB
BEHIND_CUTOFF_HZ = 2500.0  # the shade behind the head: a first-order low-pass ...
BEHIND_MIX = 0.7  # ... this much of the way to it, straight behind
KEPT_SIDE = 0.25  # of the mix's own stereo spread, kept around the moving source
CHUNK = 10.0  # s of audio worked on at once (the delay reads a few samples across a chunk's edge)


def orbited(audio: np.ndarray, seconds_per_turn: float, sr: int) -> np.ndarray:
    """(n, 2) float32 audio moved around the head once every `seconds_per_turn` from its start, clockwise seen from
    above (front, right ear, behind, left ear: module docstring); the same length."""
    from scipy.signal import lfilter, lfilter_zi

    audio = np.asarray(audio, dtype=np.float32)
    n = len(audio)
    if n == 0 or audio.ndim != 2 or audio.shape[1] != 2 or seconds_per_turn <= 0:
        return audio
    mid = (audio[:, 0].astype(np.float64) + audio[:, 1]) / 2
    pole = np.exp(-2 * np.pi * BEHIND_CUTOFF_HZ / sr)
    b, a = [1 - pole], [1, -pole]
    dull = lfilter(b, a, mid, zi=lfilter_zi(b, a) * mid[0])[0]
    angle = 2 * np.pi * np.arange(n, dtype=np.float64) / (seconds_per_turn * sr)
    heard = mid + BEHIND_MIX * np.clip(-np.cos(angle), 0, 1) * (dull - mid)  # behind, the shaded highs
    del dull
    padded = np.concatenate([heard[:1], heard, heard[-1:], heard[-1:]])  # a sample each side to read between
    out = np.empty((n, 2), dtype=np.float32)
    step = int(CHUNK * sr)
    for start in range(0, n, step):
        t = np.arange(start, min(n, start + step), dtype=np.float64)
        lateral = np.sin(angle[start:start + len(t)])
        pan = (PAN_DEPTH * lateral + 1) * np.pi / 4  # 0: hard left, pi/2: hard right, constant power between
        side = (audio[start:start + len(t), 0].astype(np.float64) - audio[start:start + len(t), 1]) / 2
        for channel, gain, far in ((0, np.cos(pan), lateral > 0), (1, np.sin(pan), lateral < 0)):
            # the far ear hears the source late: read that far back, between samples (a cubic, whose response is flat
            # where a straight line's dulls the highs of a half-sample read by up to 2 dB of the whole)
            where = np.clip(t - np.where(far, np.abs(lateral) * MAX_DELAY * sr, 0.0), 0, n - 1)
            i = where.astype(np.int64)
            f = where - i
            y0, y1, y2, y3 = padded[i], padded[i + 1], padded[i + 2], padded[i + 3]
            read = y1 + f * (0.5 * (y2 - y0) + f * (y0 - 2.5 * y1 + 2 * y2 - 0.5 * y3 + f * (1.5 * (y1 - y2)
                                                                                               + 0.5 * (y3 - y0))))
            out[start:start + len(t), channel] = read * gain * np.sqrt(2) + (KEPT_SIDE if channel == 0 else
                                                                             -KEPT_SIDE) * side
    return out
