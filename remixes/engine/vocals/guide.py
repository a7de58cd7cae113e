"""The data the vocal stage exchanges with the pipeline: what the song offers, and what was sung."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..music import Chord, Section, Tone


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
    chords: tuple[Chord, ...]
    melody: tuple[Tone, ...]                              # may be empty
    sections: tuple[Section, ...]
    rests: tuple[tuple[float, float], ...] = ()  # (start, end): parts of the song asked without vocals


@dataclass(frozen=True)
class SungVocal:
    audio: np.ndarray      # mono float32, exactly round(duration * sample_rate) samples, dry
    lines: list            # lyrics_timestamped (docs/design.md format) of what is actually sung
    text: str              # the lyrics actually sung, lines joined with "\n"
    notes: tuple[str, ...]  # sentences for the plan
