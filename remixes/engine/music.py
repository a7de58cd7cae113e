"""The musical values the engine's stages hand each other (analysis and transcription to the arranger,
the singer's guide, the plan's notes): named, immutable, in seconds on the timeline they were made for.

They are named tuples, so a stage that only walks them may still unpack `for start, end, root, quality in
chords`, and numpy reads a sequence of them as rows; code that picks one field reads it by name."""

from __future__ import annotations

from typing import NamedTuple


class Note(NamedTuple):
    """A transcribed note: the song's melody, lead or bass line."""

    start: float
    end: float
    pitch: int      # MIDI
    velocity: int   # 1..127


class Tone(NamedTuple):
    """A pitch the analysis heard in the mix (its melody), without a velocity."""

    start: float
    end: float
    pitch: int      # MIDI


class Chord(NamedTuple):
    start: float
    end: float
    root: int       # pitch class; -1 when nothing is played
    quality: str    # "maj", "min", "7" (analyse.CHORD_SHAPES), "N" with no root

    @property
    def played(self) -> bool:
        return self.root >= 0


class Section(NamedTuple):
    start: float
    end: float
    label: str      # "intro", "verse", "chorus", "outro"
    energy: float   # 0..1, relative to the loudest section
