"""The data the vocal stage exchanges with the pipeline: what the song offers, and what was sung."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class VocalGuide:
    """Everything the singer needs from the remixed song; all times in seconds on the output timeline."""

    sample_rate: int
    duration: float
    tempo_bpm: float
    beat_times: tuple[float, ...]
    bar_times: tuple[float, ...]                          # downbeats
    key_tonic: int                                        # pitch class 0..11 (0 = C)
    mode: str                                             # "major" | "minor"
    chords: tuple[tuple[float, float, int, str], ...]     # (start, end, root pitch class, quality)
    melody: tuple[tuple[float, float, int], ...]          # (start, end, midi pitch); may be empty
    sections: tuple[tuple[float, float, str, float], ...]  # (start, end, label, energy 0..1)


@dataclass(frozen=True)
class SungVocal:
    audio: np.ndarray      # mono float32, exactly round(duration * sample_rate) samples, dry
    lines: list            # lyrics_timestamped (docs/design.md format) of what is actually sung
    text: str              # the lyrics actually sung, lines joined with "\n"
    notes: tuple[str, ...]  # sentences for the plan
