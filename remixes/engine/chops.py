"""Vocal chops ("edm with vocal chops"): short slices of the song's vocal, taken where it sings out, retriggered on a
dance rhythm in the bars where the vocal rests (a hook the producer cuts from the singer, as in a drop)."""

from __future__ import annotations

import numpy as np

CHOP_PATTERN = "x..x..x.x..x.x.."  # sixteenths of a bar: the 3-3-2 push of a dance hook
CHOPS = 4                          # slices cut from the vocal, played in turn
CHOP_GAIN = 0.7                    # the chops' level against the vocal where it sings
QUIET = 0.25                       # a bar whose vocal RMS is under this share of the vocal's sung RMS is a rest
_FRAME = 0.01


def chop_starts(mono: np.ndarray, sr: int, beat: float, count: int = CHOPS) -> list[tuple[int, int]]:
    """Up to `count` slices (start, end samples) of a vocal where it sings out (its 10 ms energy at least twice what
    it was 30 ms before, over a third of its loud level): an eighth note long (0.12-0.25 s), at least half a second
    apart, the loudest onsets first, in time order."""
    hop = int(_FRAME * sr)
    frames = len(mono) // hop
    if frames < 10:
        return []
    energy = np.sqrt(np.mean(mono[:frames * hop].reshape(frames, hop).astype(np.float64) ** 2, axis=1))
    loud = float(np.percentile(energy, 95))
    if loud <= 0:
        return []
    rising = np.flatnonzero((energy[3:] > 2 * energy[:-3]) & (energy[3:] > loud / 3)) + 3
    length = int(np.clip(beat / 2, 0.12, 0.25) * sr)
    chosen: list[int] = []
    for frame in sorted(rising, key=lambda f: -energy[f]):
        at = int(frame * hop)
        if at + length <= len(mono) and all(abs(at - other) >= sr // 2 for other in chosen):
            chosen.append(at)
        if len(chosen) == count:
            break
    return [(at, at + length) for at in sorted(chosen)]


def vocal_chops(vocal: np.ndarray, bar_times, beat_times, sr: int) -> tuple[np.ndarray | None, int]:
    """The chops layer for `vocal` ((n, 2) float32, the version's vocal before it is mixed), or None when there is
    no vocal to cut or no bar where it rests: CHOPS slices retriggered on CHOP_PATTERN in every whole bar whose vocal
    is under QUIET of its sung level (after the vocal's first slice), each with 5 ms edges, at CHOP_GAIN of the
    vocal's sung level. (layer, bars it plays in)."""
    beats = np.asarray(beat_times, dtype=float)
    if vocal is None or len(beats) < 2 or len(bar_times) < 2:
        return None, 0
    beat = float(np.median(np.diff(beats)))
    mono = vocal.mean(axis=1)
    slices = chop_starts(mono, sr, beat)
    if not slices:
        return None, 0
    sung = np.abs(mono) > 1e-3
    level = float(np.sqrt(np.mean(mono[sung].astype(np.float64) ** 2))) if sung.any() else 0.0
    if level <= 0:
        return None, 0
    edge = int(0.005 * sr)
    pieces = []
    for a, b in slices:
        piece = np.array(vocal[a:b], dtype=np.float32)
        ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
        piece[:edge] *= ramp
        piece[-edge:] *= ramp[::-1]
        piece *= np.float32(CHOP_GAIN * level / max(float(np.sqrt(np.mean(piece ** 2))), 1e-9))
        pieces.append(piece)
    layer = np.zeros_like(vocal, dtype=np.float32)
    bars = [float(t) for t in bar_times]
    bars.append(bars[-1] + (bars[-1] - bars[-2]))
    played, turn = 0, 0
    for start, end in zip(bars[:-1], bars[1:]):
        a, b = int(start * sr), int(end * sr)
        if a < slices[0][1] or b > len(vocal):
            continue
        if float(np.sqrt(np.mean(mono[a:b].astype(np.float64) ** 2))) >= QUIET * level:
            continue
        step = (end - start) / len(CHOP_PATTERN)
        for k, hit in enumerate(CHOP_PATTERN):
            if hit != "x":
                continue
            piece = pieces[turn % len(pieces)]
            turn += 1
            at = int((start + k * step) * sr)
            n = min(len(piece), len(layer) - at)
            layer[at:at + n] += piece[:n]
        played += 1
    return (layer if played else None), played
