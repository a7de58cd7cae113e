"""Numbers drawn from the analysis for the cover artist and the waveform player."""

from __future__ import annotations

import numpy as np

from .analyse import PITCH_NAMES, Analysis

N_PEAKS = 1000


def cover_features(analysis: Analysis, tempo: float, duration: float, title: str | None = None,
                   instruments: list[str] | None = None, transpose: int = 0) -> dict:
    """The `features` dict `cover.draw_cover` expects (all JSON-able, values in 0..1 where noted);
    `instruments`: the names of what the band played, for the cover's small print; `transpose`: semitones the
    remix is played up or down ("nightcore"), so that the key printed is the one heard."""
    return {
        "instruments": [str(name) for name in (instruments or [])],
        "tempo": round(float(tempo), 2),
        "key": PITCH_NAMES[(analysis.key_tonic + transpose) % 12],
        "mode": analysis.mode,
        "chroma": [round(float(x), 4) for x in analysis.chroma_mean],
        "spectrum": [round(float(x), 4) for x in analysis.spectrum_bands],
        "onset_curve": [round(float(x), 4) for x in analysis.onset_curve],
        "duration": round(float(duration), 3),
        "title": title,
    }


def peaks(audio: np.ndarray, count: int = N_PEAKS) -> list[float]:
    """Max |amplitude| per slice, scaled to 0..1, for drawing a waveform."""
    audio = np.asarray(audio)
    # the max over channels, one channel column at a time (max(axis=1) over pairs is ~15x slower)
    mono = np.abs(audio[:, 0]) if audio.ndim == 2 else np.abs(audio)
    for ch in range(1, audio.shape[1] if audio.ndim == 2 else 1):
        np.maximum(mono, np.abs(audio[:, ch]), out=mono)
    if len(mono) == 0:
        return [0.0] * count
    edges = np.linspace(0, len(mono), count + 1).astype(int)
    values = np.maximum.reduceat(mono, np.minimum(edges[:-1], len(mono) - 1))
    top = float(values.max())
    if top > 0:
        values = values / top
    return [round(float(v), 4) for v in values]
