"""Placement: lyric lines onto the bars of the remixed song, and one melody note per syllable.

Lines start on bar lines, verses are separated by a bar of rest, a [Chorus] block moves to the song's
chorus (or most energetic section). Pitches come from the analysed melody where it covers the line,
otherwise from a melody generated on the chords and key; both are folded into the voice's register.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .guide import VocalGuide

# Register (MIDI) per voice: centre of the sung melody and how far it may stray either side.
REGISTERS = {"male": (48, 7), "neutral": (55, 7), "female": (60, 7)}

_CHORD_INTERVALS = {
    "maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8), "sus": (0, 5, 7), "sus2": (0, 2, 7),
    "sus4": (0, 5, 7), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "min7": (0, 3, 7, 10), "m7": (0, 3, 7, 10),
    "dim7": (0, 3, 6, 9), "hdim7": (0, 3, 6, 10), "5": (0, 7),
}
_SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
_MIN_SLOT_SECONDS = 0.16
_SYLLABLES_PER_SECOND = 3.0  # the pace a line of three bars' worth may take to fit in two (the dense path: faster)
_DENSER_TWO_BARS = 1.3  # how much denser than its nominal capacity a line may be sung to fit in two bars
_DENSE_STRETCH = 1.8  # a dense line is sung at most this much slower than spoken


@dataclass(frozen=True)
class Note:
    start: float
    end: float
    midi: int


@dataclass(frozen=True)
class LineSpec:
    index: int               # the lyric line's index
    syllables: int
    verse: int               # verse number (0-based)
    label: str | None        # the verse's markup label ("chorus"...)
    weights: tuple[float, ...] = ()  # spoken seconds from each syllable's vowel to the next one's (optional)


@dataclass(frozen=True)
class PlacedLine:
    index: int
    start: float             # the bar it starts on
    end: float               # end of its last bar
    notes: tuple[Note, ...]  # one per syllable, in order
    from_melody: bool        # pitches taken from the analysed melody


@dataclass(frozen=True)
class Placement:
    lines: tuple[PlacedLine, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Grid:
    beats: np.ndarray
    bars: np.ndarray
    beats_per_bar: int
    slots_per_beat: int
    duration: float

    @property
    def slots_per_bar(self) -> int:
        return self.beats_per_bar * self.slots_per_beat


def place_lines(specs: list[LineSpec], guide: VocalGuide, gender: str, seed: int = 0) -> Placement:
    """Put every line on bars, in order; stop at a line boundary when the song is too short."""
    grid = _grid(guide)
    if not specs:
        return Placement((), ())
    if len(grid.bars) < 2:
        return Placement((), ("The song is too short to sing any line of the lyrics.",))
    first_bar = _first_sung_bar(guide, grid)
    rest_bars = _rest_bars(guide, grid)
    section_bars = _section_bars(guide, grid)
    chorus_bars = [bar for bar in _chorus_bars(guide, grid) if bar not in rest_bars]
    best = None
    for dense, align in ((False, True), (True, True), (True, False)):
        layout = _layout(specs, grid, first_bar, chorus_bars, dense, align, rest_bars, section_bars)
        if best is None or len(layout) > len(best[0]):
            best = (layout, dense)
        if len(layout) == len(specs):
            break
    layout, dense = best
    notes: list[str] = []
    if not layout:
        notes.append("The song is too short to sing any line of the lyrics.")
    elif len(layout) < len(specs):
        notes.append(
            f"Lyrics longer than the song: sang {len(layout)} of {len(specs)} lines, stopping after line {len(layout)}."
        )
    elif dense:
        notes.append("Lyrics are long for this song: sung with denser phrasing to fit.")
    layout, repeat_note = _repeat_chorus(layout, specs, grid, chorus_bars, dense, rest_bars)
    if repeat_note:
        notes.append(repeat_note)
    if rest_bars:
        notes.append("No line is sung where the version has no vocal (a part of the song asked without vocals, or "
                     "outside the stretch of the song kept).")
    if chorus_bars and any(s.label == "chorus" for s in specs):
        notes.append("The [Chorus] lyrics are placed on the song's chorus.")

    rng = np.random.default_rng(seed)
    melody = _MelodySource(guide, gender)
    placed = []
    for spec, bar, n_bars in layout:
        start, end = grid.bars[bar], grid.bars[bar + n_bars]
        onsets = _rhythm(spec.syllables, grid, start, end, melody.onsets(start, end), rng, spec.weights)
        placed.append(melody.line(spec.index, onsets, end - _breath(grid), rng))
    if any(not p.from_melody for p in placed):
        notes.append("Melody generated from the chords and key where the song's own melody was not usable.")
    return Placement(tuple(placed), tuple(notes))


def _grid(guide: VocalGuide) -> _Grid:
    tempo = guide.tempo_bpm if guide.tempo_bpm and guide.tempo_bpm > 0 else 100.0
    beats = np.asarray(sorted(b for b in guide.beat_times if 0 <= b < guide.duration), dtype=float)
    if len(beats) < 4:
        beats = np.arange(0.0, guide.duration, 60.0 / tempo)
    bars = np.asarray(sorted(b for b in guide.bar_times if 0 <= b < guide.duration), dtype=float)
    if len(bars) >= 2:
        per_bar = [np.sum((beats >= a - 1e-3) & (beats < b - 1e-3)) for a, b in zip(bars[:-1], bars[1:])]
        beats_per_bar = int(np.clip(np.median(per_bar), 2, 7))
    else:
        beats_per_bar = 4
        bars = beats[::beats_per_bar]
    # the bar grid must close: add the end of the last bar that fits inside the song
    bar_len = float(np.median(np.diff(bars))) if len(bars) >= 2 else 4 * 60.0 / tempo
    if bars[-1] + bar_len <= guide.duration + 1e-6:
        bars = np.append(bars, bars[-1] + bar_len)
    beat_len = float(np.median(np.diff(beats))) if len(beats) >= 2 else 60.0 / tempo
    slots_per_beat = 1
    for k in (4, 2):
        if beat_len / k >= _MIN_SLOT_SECONDS:
            slots_per_beat = k
            break
    return _Grid(beats, bars, beats_per_bar, slots_per_beat, guide.duration)


def _first_sung_bar(guide: VocalGuide, grid: _Grid) -> int:
    start = 0.0
    sections = sorted(guide.sections)
    if sections and sections[0].label.lower() == "intro" and len(sections) > 1:
        start = sections[0].end
    elif len(grid.bars) > 8:
        start = grid.bars[1]
    return int(np.argmin(np.abs(grid.bars - start)))


def _rest_bars(guide: VocalGuide, grid: _Grid) -> frozenset[int]:
    """The bars that start in a part of the song asked without vocals ("no vocals in the intro")."""
    return frozenset(i for i, start in enumerate(grid.bars[:-1])
                     if any(a - 1e-3 <= start < b - 1e-3 for a, b in guide.rests))


def _free_bar(bar: int, size: int, rest_bars: frozenset[int]) -> int:
    """The first bar from `bar` on where `size` bars in a row hold no rest."""
    while any(b in rest_bars for b in range(bar, bar + size)):
        bar = max(b for b in range(bar, bar + size) if b in rest_bars) + 1
    return bar


def _chorus_bars(guide: VocalGuide, grid: _Grid) -> list[int]:
    """Bars where choruses start: labelled "chorus", else the most energetic section when it stands out."""
    sections = sorted(guide.sections)
    chosen = [s for s in sections if s.label.lower() == "chorus"]
    if not chosen and len(sections) >= 2:
        energies = np.array([s.energy for s in sections])
        if energies.max() - np.median(energies) >= 0.1:
            chosen = [s for s in sections if s.energy >= energies.max() - 0.05]
    return sorted({int(np.argmin(np.abs(grid.bars - s.start))) for s in chosen})


def _bars_for(syllables: int, grid: _Grid, dense: bool) -> int:
    if dense:  # quick syllables, down to ~0.13 s each, as singers do in a wordy verse
        beat = float(np.median(np.diff(grid.beats))) if len(grid.beats) > 1 else 0.5
        capacity = 0.8 * grid.beats_per_bar * max(grid.slots_per_beat, int(beat / 0.13))
    else:
        capacity = grid.slots_per_bar * 0.55
    bars = max(1, math.ceil(syllables / capacity))
    if not dense and bars == 3:
        # phrases of 1, 2 or 4 bars read as music; 3 does not. A line just over two bars' worth is sung a little
        # denser in two rather than drawn out over four (above ~94 bpm, where the slots are eighths, a line of 9
        # syllables took 4 bars: 8-10 s, under 1.2 syllables a second): up to 1.3x the slots' nominal capacity, or
        # a singing pace of _SYLLABLES_PER_SECOND where the bars are long
        bar_seconds = grid.beats_per_bar * _beat_seconds(grid)
        two_bars = 2 * max(capacity * _DENSER_TWO_BARS,
                           min(grid.slots_per_bar * 0.9, _SYLLABLES_PER_SECOND * bar_seconds))
        bars = 2 if syllables <= two_bars else 4
    return bars


def _section_bars(guide: VocalGuide, grid: _Grid) -> list[int]:
    """Bars where the song's sections start (after the first)."""
    return sorted({int(np.argmin(np.abs(grid.bars - s.start))) for s in sorted(guide.sections)[1:]})


def _beat_seconds(grid: _Grid) -> float:
    return float(np.median(np.diff(grid.beats))) if len(grid.beats) > 1 else 0.5


def _layout(specs, grid: _Grid, first_bar: int, chorus_bars: list[int], dense: bool, align: bool,
            rest_bars: frozenset[int] = frozenset(), section_bars: list[int] = ()):
    """(spec, first bar, bars) of each line that fits, in order. A [Chorus] block moves to the song's chorus (with
    `align`); another verse starts where the next section of the song does, when the lyrics left still fit after it
    (a bar of rest otherwise): short lyrics spread over the song's sections rather than all at its start."""
    total_bars = len(grid.bars) - 1
    sizes = [_bars_for(s.syllables, grid, dense) for s in specs]
    layout, bar = [], first_bar
    for i, (spec, size) in enumerate(zip(specs, sizes)):
        new_verse = i > 0 and spec.verse != specs[i - 1].verse
        target = None
        if new_verse and align and spec.label == "chorus":
            remaining = sum(sizes[i:])
            target = next((c for c in chorus_bars if c >= bar and c + remaining <= total_bars), None)
        if target is None and new_verse and not dense:
            remaining = sum(sizes[i:])
            target = next((b for b in section_bars if b > bar and b + remaining <= total_bars), None)
        if target is not None:
            bar = target
        elif new_verse and not dense:
            bar += 1  # a bar of rest between verses
        bar = _free_bar(bar, size, rest_bars)
        if bar + size > total_bars:
            break
        layout.append((spec, bar, size))
        bar += size
    return layout


def _repeat_chorus(layout, specs, grid: _Grid, chorus_bars: list[int], dense: bool,
                   rest_bars: frozenset[int] = frozenset()):
    """When the lyrics end early and a later chorus remains, sing the [Chorus] block again there."""
    chorus = [s for s in specs if s.label == "chorus"]
    if not layout or len(layout) < len(specs) or not chorus or not chorus_bars:
        return layout, None
    first_verse = chorus[0].verse
    block = [s for s in chorus if s.verse == first_verse]
    sizes = [_bars_for(s.syllables, grid, dense) for s in block]
    bar = layout[-1][1] + layout[-1][2]
    repeated = 0
    for target in chorus_bars:
        if target < bar + (0 if dense else 1) or target + sum(sizes) > len(grid.bars) - 1 \
                or _free_bar(target, sum(sizes), rest_bars) != target:
            continue
        position = target
        for spec, size in zip(block, sizes):
            layout.append((spec, position, size))
            position += size
        bar, repeated = position, repeated + 1
    if not repeated:
        return layout, None
    return layout, f"The chorus is repeated {repeated} time(s) on the song's later chorus section(s)."


def _breath(grid: _Grid) -> float:
    beat = float(np.median(np.diff(grid.beats))) if len(grid.beats) > 1 else 0.5
    return min(0.6 * beat, 0.35)


def _slot_times(grid: _Grid, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Every subdivision between start and end, with its metrical weight (2 downbeat, 1 beat, 0 off)."""
    beats = grid.beats[(grid.beats >= start - 1e-3) & (grid.beats < end - 1e-3)]
    if len(beats) == 0 or abs(beats[0] - start) > 0.05:
        beats = np.concatenate([[start], beats[beats > start + 0.05]])
    edges = np.append(beats, end)
    times, weights = [], []
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        for k in range(grid.slots_per_beat):
            times.append(a + (b - a) * k / grid.slots_per_beat)
            weights.append((2 if i % grid.beats_per_bar == 0 else 1) if k == 0 else 0)
    return np.asarray(times), np.asarray(weights)


def _rhythm(syllables: int, grid: _Grid, start: float, end: float, melody_onsets: np.ndarray, rng,
            spoken: tuple[float, ...] = ()) -> np.ndarray:
    """Choose one onset per syllable: the bar line first, then melody onsets, beats, off-beats."""
    times, weights = _slot_times(grid, start, end)
    usable = times < end - _breath(grid) - 0.05
    times, weights = times[usable], weights[usable]
    if syllables >= len(times):
        # more syllables than slots (dense lines): sung in the rhythm of the words as spoken (long
        # syllables long, "the" short), at most ~1.8x slower than speech, the rest of the bar a rest
        last = end - _breath(grid) - 0.12
        if len(spoken) == syllables and syllables > 1 and sum(spoken[:-1]) > 0:
            steps = np.asarray(spoken[:-1], dtype=float)
            span = min(last - start, _DENSE_STRETCH * float(steps.sum()))
            return start + span * np.concatenate([[0.0], np.cumsum(steps) / steps.sum()])
        return np.linspace(start, last, syllables)
    score = weights.astype(float) + rng.uniform(0, 0.9, len(times))
    if len(melody_onsets):
        near = np.min(np.abs(times[:, None] - melody_onsets[None, :]), axis=1) < 0.06
        score += 1.5 * near
    score[0] = 100.0
    if not len(melody_onsets) and syllables <= int(np.sum(weights > 0)) and rng.random() < 0.5:
        # front-loaded phrasing: consecutive beats from the bar line, the last note held
        beat_idx = np.flatnonzero(weights > 0)[:syllables]
        return times[beat_idx]
    chosen = np.sort(np.argsort(-score, kind="stable")[:syllables])
    return times[chosen]


class _MelodySource:
    """Pitches for notes: the analysed melody where usable, otherwise a walk over chord tones."""

    def __init__(self, guide: VocalGuide, gender: str):
        self.guide = guide
        self.centre, self.span = REGISTERS.get(gender, REGISTERS["neutral"])
        self.melody = np.asarray([m for m in guide.melody if m.end > m.start], dtype=float).reshape(-1, 3)
        if len(self.melody):
            weights = self.melody[:, 1] - self.melody[:, 0]
            median = float(np.average(self.melody[:, 2], weights=weights))
            self.shift = 12 * round((self.centre - median) / 12)
        else:
            self.shift = 0
        self.scale = _SCALES.get(guide.mode, _SCALES["major"])
        self.chords = sorted(guide.chords)

    def onsets(self, start: float, end: float) -> np.ndarray:
        if not len(self.melody):
            return np.zeros(0)
        m = self.melody
        return m[(m[:, 0] >= start - 0.03) & (m[:, 0] < end), 0]

    def _coverage(self, start: float, end: float) -> float:
        if not len(self.melody) or end <= start:
            return 0.0
        m = self.melody
        overlap = np.clip(np.minimum(m[:, 1], end) - np.maximum(m[:, 0], start), 0, None)
        return float(overlap.sum() / (end - start))

    def _melody_pitch(self, start: float, end: float) -> int | None:
        m = self.melody
        overlap = np.clip(np.minimum(m[:, 1], end) - np.maximum(m[:, 0], start), 0, None)
        if not len(m) or overlap.max() <= 0:
            return None
        return self._fold(int(m[int(np.argmax(overlap)), 2]) + self.shift)

    def _fold(self, midi: int) -> int:
        while midi > self.centre + self.span:
            midi -= 12
        while midi < self.centre - self.span:
            midi += 12
        return midi

    def _chord_tones(self, t: float) -> tuple[int, ...]:
        for start, end, root, quality in self.chords:
            if start <= t < end:
                return tuple((root + i) % 12 for i in _CHORD_INTERVALS.get(quality, _CHORD_INTERVALS["maj"]))
        tonic = self.guide.key_tonic
        third = 3 if self.guide.mode == "minor" else 4
        return (tonic % 12, (tonic + third) % 12, (tonic + 7) % 12)

    def line(self, index: int, onsets: np.ndarray, phrase_end: float, rng) -> PlacedLine:
        ends = np.append(onsets[1:], phrase_end)
        last_len = phrase_end - onsets[-1]
        beat = 60.0 / max(self.guide.tempo_bpm or 100.0, 1.0)
        ends[-1] = onsets[-1] + max(min(last_len, 2.5 * beat), 0.2)
        use_melody = self._coverage(onsets[0], phrase_end) >= 0.4
        pitches = self._melody_line(onsets, ends) if use_melody else None
        if pitches is None or any(p is None for p in pitches):
            generated = self._generated_line(onsets, rng)
            pitches = generated if pitches is None else [p if p is not None else g for p, g in zip(pitches, generated)]
        notes = tuple(Note(float(a), float(b), int(p)) for a, b, p in zip(onsets, ends, pitches))
        return PlacedLine(index, float(onsets[0]), float(phrase_end), notes, use_melody)

    def _melody_line(self, onsets, ends):
        return [self._melody_pitch(a, b) for a, b in zip(onsets, ends)]

    def _generated_line(self, onsets, rng) -> list[int]:
        low, high = self.centre - self.span, self.centre + self.span
        pitches, previous = [], None
        n = len(onsets)
        for i, t in enumerate(onsets):
            tones = set(self._chord_tones(t))
            on_beat = i == 0 or i == n - 1 or rng.random() < 0.6
            pool = tones if on_beat else tones | {(self.guide.key_tonic + s) % 12 for s in self.scale}
            candidates = np.array([m for m in range(low, high + 1) if m % 12 in pool])
            if previous is None:
                target = self.centre + rng.integers(-3, 4)
            else:
                # an arc: rise through the first half of the line, fall back in the second
                direction = 1.0 if i < n / 2 else -1.0
                target = previous + direction * rng.uniform(0.5, 3.0)
            if i == n - 1:
                candidates = np.array([m for m in range(low, high + 1) if m % 12 in tones])  # end on the chord
            distance = np.abs(candidates - target)
            if previous is not None:
                distance = distance + (np.abs(candidates - previous) > 7) * 6.0  # no leaps wider than a fifth
            pick = int(candidates[int(np.argmin(distance + rng.uniform(0, 0.8, len(candidates))))])
            pitches.append(pick)
            previous = pick
        return pitches
