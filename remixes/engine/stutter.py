"""Stutter edits ("make it glitchy", "stutter effect", "beat repeat"): the last beat of every fourth bar replaced by
its own first moment retriggered faster and faster (two sixteenths, two thirty-seconds, four sixty-fourths), as a
producer's beat-repeat edit throws the music into the next phrase.

A rearrangement of time alone, the same for every stem given the same spans, so the instrumental and the vocal
stuttered apart still add up to the version stuttered whole.
"""

from __future__ import annotations

import numpy as np

EVERY = 4  # bars: a phrase
# The repeats over the phrase's last beat, as fractions of the beat: each repeat plays the beat's first that long
REPEATS = (0.25, 0.25, 0.125, 0.125, 0.0625, 0.0625, 0.0625, 0.0625)
_EDGE = 0.002  # s of fade at each repeat's ends (no click)


def stutter_spans(bar_times, beat_times, duration: float) -> list[tuple[float, float]]:
    """(start, beat length) of the last beat of every EVERY-th whole bar that ends within `duration`."""
    beats = np.asarray(beat_times, dtype=float)
    bars = [float(t) for t in bar_times]
    if len(beats) < 4 or len(bars) < EVERY:
        return []
    beat = float(np.median(np.diff(beats)))
    spans = []
    for k in range(EVERY - 1, len(bars), EVERY):
        end = bars[k + 1] if k + 1 < len(bars) else bars[k] + (bars[k] - bars[k - 1])
        if end <= duration:
            spans.append((end - beat, beat))
    return spans


def stuttered(audio: np.ndarray, spans, sr: int) -> np.ndarray:
    """(n, channels) float32 audio with each span (start, beat) replaced by REPEATS of its first moment, each faded in
    and out over 2 ms; the same length, untouched elsewhere. A copy."""
    out = np.array(audio, dtype=np.float32)
    n = len(out)
    edge = max(1, int(_EDGE * sr))
    ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
    ends = np.cumsum(REPEATS)
    for start, beat in spans:
        a = int(round(start * sr))
        bounds = [a] + [a + int(round(end * beat * sr)) for end in ends]  # the repeats fill the beat to the sample
        for at, stop in zip(bounds[:-1], bounds[1:]):
            length = stop - at
            if stop > n or length <= 2 * edge:
                break
            piece = np.array(audio[a:a + length], dtype=np.float32)
            piece[:edge] *= ramp
            piece[-edge:] *= ramp[::-1]
            out[at:stop] = piece
    return out
