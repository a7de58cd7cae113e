"""Re-arrangement: the style plan applied to the analysed song, as notes on the remix's timeline.

Every pitched part is derived from the analysis (chords -> bass roots, voicings, arpeggios; melody ->
lead), so the new band follows the source's harmony instead of guessing it. Seed-driven choices
(voicings, rhythms, groove variations, instrument picks) make the two versions differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .analyse import VOCAL_PRESENCE_THRESHOLD, Analysis
from .render import vocal_suppression_for

# (start_seconds, end_seconds, midi_pitch, velocity 1..127)
NoteTuple = tuple[float, float, int, int]

# Close alternatives within a General MIDI family: a seed may swap one for its neighbour.
_ALTERNATIVES = {
    0: (0, 1, 4), 1: (1, 0, 2), 4: (4, 5, 0), 5: (5, 4), 11: (11, 8, 12), 16: (16, 17, 18), 19: (19, 20),
    24: (24, 25), 25: (25, 24), 26: (26, 27), 27: (27, 26), 29: (29, 30), 30: (30, 29), 32: (32, 33), 33: (33, 34, 32),
    34: (34, 33), 35: (35, 32), 38: (38, 39), 39: (39, 38), 40: (40, 41), 48: (48, 49), 49: (49, 48, 50),
    50: (50, 51), 52: (52, 53), 56: (56, 61), 61: (61, 62), 62: (62, 63), 80: (80, 81), 81: (81, 80, 87),
    87: (87, 81), 88: (88, 89, 91), 89: (89, 88, 90), 90: (90, 89), 91: (91, 88), 94: (94, 95), 95: (95, 94),
}
_ROLE_LEVEL = {"bass": 0.9, "chords": 0.7, "pad": 0.45, "strings": 0.5, "lead": 0.55, "arp": 0.45,
               "brass": 0.5, "guitar": 0.6}
_ROLE_PAN = {"bass": 0.0, "chords": -0.15, "pad": 0.0, "strings": 0.25, "lead": 0.05, "arp": 0.35,
             "brass": -0.3, "guitar": -0.35}


@dataclass(frozen=True)
class Part:
    role: str
    program: int          # GM program, or the drum kit number when is_drums
    is_drums: bool
    notes: tuple          # (NoteTuple, ...) sorted by start
    level: float          # linear gain in the band mix
    pan: float            # -1 .. 1
    gain_db: float = 0.0  # the prompt's "less guitar": applied after the band is balanced, so it is not undone


@dataclass(frozen=True)
class Timing:
    """How the source's time maps onto the remix: t_out = t_src / rate."""
    rate: float           # time-stretch factor (> 1 faster)
    tempo: float          # the remix's tempo (the groove's beat), bpm
    groove_octave: int    # groove beats per source beat as a power of two (-1 half time, 0, 1 double)
    duration: float       # remix length in seconds


@dataclass(frozen=True)
class Arrangement:
    timing: Timing
    beat_times: tuple     # groove beats on the remix timeline
    bar_times: tuple      # groove downbeats
    beats_per_bar: int    # 4, or 3 for a waltz
    chords: tuple         # ((start, end, root, quality), ...) on the remix timeline
    melody: tuple         # ((start, end, midi), ...) on the remix timeline
    sections: tuple       # ((start, end, label, energy), ...) on the remix timeline
    parts: tuple          # (Part, ...)
    original_gain: float          # kept original's harmonic part (levels are RMS relative to the source's)
    original_percussive_gain: float
    vocal_suppression: float      # 1 removes the original's centred vocal, 0.59 turns it down 6 dB, < 0 up
    band_gain: float              # RMS of the new pitched parts together
    drum_gain: float              # RMS of the new drums
    key_tonic: int
    mode: str
    notes: tuple                  # sentences for the plan


def choose_timing(plan, source_tempo: float, duration: float) -> Timing:
    """Explicit bpm, else source x factor with its groove folded by octaves into/near the style's range."""
    source = source_tempo
    lo, hi = plan.tempo_range
    if plan.tempo_bpm:
        options = [(abs(math.log(plan.tempo_bpm * 2 ** -k / source)), k) for k in (-1, 0, 1)]
        _, k = min(options)
        rate = plan.tempo_bpm * 2 ** -k / source
        tempo = float(plan.tempo_bpm)
    else:
        base = source * plan.tempo_factor
        best = None
        for k in (-1, 0, 1):
            groove = float(np.clip(base * 2 ** k, lo, hi))
            rate = groove / (source * 2 ** k)
            cost = abs(math.log(rate / plan.tempo_factor)) + 0.05 * abs(k)
            if (rate - 1) * (plan.tempo_factor - 1) < 0:  # never speed up a "slower" style, or vice versa
                cost += 1.0
            if best is None or cost < best[0]:
                best = (cost, k, rate, groove)
        _, k, rate, tempo = best
    rate = float(np.clip(rate, 0.5, 2.0))
    if abs(rate - 1) < 0.01:
        rate = 1.0
    return Timing(rate=rate, tempo=float(source * rate * 2 ** k), groove_octave=int(k),
                  duration=duration / rate)


def arrange(plan, analysis: Analysis, timing: Timing, strength: float, seed: int,
            keep_vocal: bool) -> Arrangement:
    rng = np.random.default_rng([seed, 7919])
    rate = timing.rate
    notes: list[str] = []
    beats_per_bar = plan.beats_per_bar
    beats = _groove_beats(analysis, timing)
    bars = _groove_bars(analysis, timing, beats, beats_per_bar)
    chords = tuple((s / rate, e / rate, r, q) for s, e, r, q in analysis.chords)
    melody = tuple((s / rate, e / rate, p) for s, e, p in analysis.melody)
    sections = tuple((s / rate, e / rate, label, energy) for s, e, label, energy in analysis.sections)

    original_gain, band_gain, drum_gain = _balance(plan.keep_original, strength, plan.energy)
    percussive_gain = original_gain if plan.drums else original_gain * 0.15
    if not plan.drums:
        notes.append("Original drums suppressed (the style has no drums).")

    parts = []
    instruments = dict(plan.instruments)
    for role in sorted(instruments):
        program = _pick_program(instruments[role], rng)
        role_notes = _role_notes(role, chords, melody, beats, bars, beats_per_bar, plan, rng)
        if role_notes:
            level = _ROLE_LEVEL.get(role, 0.5)
            if role == "lead":
                # The analysed melody is an estimate: doubling it loudly would mask the real one.
                level *= 0.6 if original_gain > 0.5 else 1.0
            parts.append(Part(role, program, False, tuple(role_notes), level, _ROLE_PAN.get(role, 0.0),
                              plan.levels.get(role, 0.0)))
    if plan.drums:
        drum_notes = drum_groove(plan.drums, beats, bars, plan.energy, plan.swing, sections, rng, beats_per_bar)
        parts.append(Part("drums", int(plan.drum_kit), True, tuple(drum_notes), 0.9, 0.0,
                          plan.levels.get("drums", 0.0)))

    return Arrangement(
        timing=timing,
        beat_times=tuple(float(b) for b in beats),
        bar_times=tuple(float(b) for b in bars),
        beats_per_bar=beats_per_bar,
        chords=chords, melody=melody, sections=sections, parts=tuple(parts),
        original_gain=original_gain, original_percussive_gain=percussive_gain,
        vocal_suppression=_vocal_suppression(plan, analysis, keep_vocal, notes),
        band_gain=band_gain, drum_gain=drum_gain if plan.drums else 0.0, key_tonic=analysis.key_tonic, mode=analysis.mode, notes=tuple(notes),
    )


def _vocal_suppression(plan, analysis: Analysis, keep_vocal: bool, notes: list[str]) -> float:
    """All of a vocal that is not kept; a kept one at the prompt's level ("less vocals"), when there is one."""
    if not keep_vocal:
        return 1.0
    db = plan.levels.get("vocals", 0.0)
    if db and analysis.vocal_presence < VOCAL_PRESENCE_THRESHOLD:
        notes.append(f"Asked for {'louder' if db > 0 else 'softer'} vocals, but no lead vocal was found in the "
                     "song, so nothing was turned " + ("up." if db > 0 else "down."))
        return 0.0
    return vocal_suppression_for(db) if db else 0.0


def _balance(keep_original: float, strength: float, energy: float) -> tuple[float, float, float]:
    """(original, pitched band, drums) RMS levels relative to the source's RMS.

    Measured on real songs (evaluate.py): pitched parts at about half the original's level keep the
    remix recognisable (0.66-0.84); at equal level or above they mask it (0.40), because any error
    in the analysed chords then dominates the harmony a listener hears. strength 0 leaves mostly the
    original, restyled by tempo and effects; 1 lets the band lead, with the original still under it.
    """
    strength = float(np.clip(strength, 0, 1))
    keep = float(np.clip(keep_original, 0, 1))
    original = (1 - 0.6 * strength) * (0.7 + 0.6 * keep)
    band = 0.1 + 0.6 * strength
    drums = (0.2 + 0.6 * strength) * (0.7 + 0.5 * float(np.clip(energy, 0, 1)))
    return original, band, drums


def _pick_program(program: int, rng) -> int:
    options = _ALTERNATIVES.get(int(program), (int(program),))
    # The style's own pick stays twice as likely as a neighbour.
    weights = np.array([2.0] + [1.0] * (len(options) - 1))
    return int(options[int(rng.choice(len(options), p=weights / weights.sum()))])


# --- timing grids ----------------------------------------------------------------------------------

def _groove_beats(analysis: Analysis, timing: Timing) -> np.ndarray:
    src = np.asarray(analysis.beat_times, dtype=float)
    if len(src) < 2:
        period = 60.0 / analysis.tempo
        src = np.arange(0, analysis.duration, period)
    period = float(np.median(np.diff(src)))
    # Extend the grid over the whole song so intros and endings get a groove too.
    before = np.arange(src[0] - period, -1e-9, -period)[::-1]
    after = np.arange(src[-1] + period, analysis.duration, period)
    src = np.concatenate([before, src, after])
    if timing.groove_octave == 1:
        src = np.sort(np.concatenate([src, (src[:-1] + src[1:]) / 2]))
    elif timing.groove_octave == -1:
        src = src[::2]
    return src / timing.rate


def _groove_bars(analysis: Analysis, timing: Timing, beats: np.ndarray, beats_per_bar: int = 4) -> np.ndarray:
    """Every `beats_per_bar`-th groove beat from the source's first downbeat on.

    A waltz over a song in four keeps the song's own beats and groups them in threes. The other
    reading, three waltz beats stretched over each 4/4 bar, would keep bar lines on the song's chord
    changes, but every new note would then fall between the kept original's beats (three against
    four); grouping in threes keeps every note on a beat the listener hears, and lets the harmony
    move against the bar line as a hemiola does.
    """
    n = int(beats_per_bar)
    downbeats = np.asarray(analysis.downbeat_times, dtype=float) / timing.rate
    if len(downbeats) == 0 or len(beats) < n:
        return beats[::n]
    phase = int(np.argmin(np.abs(beats - downbeats[0]))) % n
    bars = beats[phase::n]
    if phase:  # a pickup before the first downbeat gets its own (partly negative) bar
        bars = np.concatenate([[bars[0] - n * float(np.median(np.diff(beats)))], bars])
    return bars


def _beat_period(beats: np.ndarray, t: float) -> float:
    i = int(np.clip(np.searchsorted(beats, t), 1, len(beats) - 1))
    return float(beats[i] - beats[i - 1])


# --- pitched parts ---------------------------------------------------------------------------------

_SHAPES = {"maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10), "dim": (0, 3, 6), "aug": (0, 4, 8),
           "sus": (0, 5, 7)}


def _role_notes(role, chords, melody, beats, bars, beats_per_bar, plan, rng) -> list[NoteTuple]:
    energy = float(plan.energy)
    in_three = beats_per_bar == 3
    if role == "bass":
        return _oom(chords, beats, bars, energy, rng) if in_three else _bass(chords, beats, energy, rng)
    if role in ("chords", "guitar"):
        low, strum = (52 if role == "guitar" else 55), role == "guitar"
        if in_three:
            return _pah_pah(chords, beats, bars, energy, rng, low, strum)
        return _comp(chords, beats, energy, rng, low=low, strum=strum)
    if role in ("pad", "strings"):
        return _sustain(chords, low=60 if role == "strings" else 53, velocity=70 if role == "pad" else 64, rng=rng)
    if role == "brass":
        return _stabs(chords, beats, rng)
    if role == "arp":
        return _arpeggio(chords, beats, energy, rng)
    if role == "lead":
        return _lead(melody)
    return []


def _voicing(root: int, quality: str, low: int, inversion: int) -> list[int]:
    shape = _SHAPES.get(quality, _SHAPES["maj"])
    pcs = [(root + i) % 12 for i in shape]
    pcs = pcs[inversion % len(pcs):] + pcs[: inversion % len(pcs)]
    pitches, current = [], low - 1
    for pc in pcs:
        p = current + 1 + ((pc - (current + 1)) % 12)
        pitches.append(p)
        current = p
    return pitches


def _voice_lead(previous: list[int] | None, root: int, quality: str, low: int, rng) -> list[int]:
    options = [_voicing(root, quality, low, inv) for inv in range(3)]
    if previous is None:
        return options[int(rng.integers(len(options)))]
    centre = np.mean(previous)
    scores = [abs(np.mean(v) - centre) + rng.random() * 1.5 for v in options]
    return options[int(np.argmin(scores))]


def _chord_at_beats(chords, beats):
    """Yield (start, end, root, quality) pieces of each chord cut at the groove beats."""
    for start, end, root, quality in chords:
        if root < 0 or end - start < 0.05:
            continue
        inner = [b for b in beats if start + 0.03 < b < end - 0.03]
        edges = [start] + inner + [end]
        for a, b in zip(edges[:-1], edges[1:]):
            yield a, b, root, quality, a == start


def _bass(chords, beats, energy, rng) -> list[NoteTuple]:
    pattern = rng.choice(["whole", "beats", "eighths"] if energy >= 0.55 else ["whole", "beats", "whole"])
    out = []
    for a, b, root, _quality, is_change in _chord_at_beats(chords, beats):
        pitch = 36 + root if root < 7 else 24 + root
        velocity = int(80 + 30 * energy)
        if pattern == "whole":
            if is_change:
                end = next((c[1] for c in chords if c[0] <= a < c[1]), b)
                out.append((a, max(a + 0.05, end - 0.02), pitch, velocity))
        elif pattern == "beats":
            out.append((a, max(a + 0.05, b - 0.03), pitch, velocity if is_change else velocity - 12))
        else:
            mid = (a + b) / 2
            out.append((a, mid - 0.02, pitch, velocity))
            out.append((mid, max(mid + 0.05, b - 0.02), pitch + (12 if rng.random() < 0.25 else 0), velocity - 15))
    return sorted(out)


def _comp(chords, beats, energy, rng, low: int, strum: bool) -> list[NoteTuple]:
    rhythm = rng.choice(["sustain", "beats", "offbeats"] if energy >= 0.4 else ["sustain", "sustain", "beats"])
    out = []
    for start, end, voicing in _voiced(chords, low, rng):
        if rhythm == "sustain":
            hits = [(start, end - 0.02)]
        else:
            inner = [b for b in beats if start - 0.03 <= b < end - 0.05]
            hits = []
            for b in inner or [start]:
                period = _beat_period(beats, b)
                s = b + (period / 2 if rhythm == "offbeats" else 0.0)
                if s < end - 0.05:
                    hits.append((max(s, start), min(s + period * 0.45, end - 0.02)))
        for s, e in hits:
            for i, pitch in enumerate(voicing):
                offset = i * 0.012 if strum else 0.0
                out.append((s + offset, max(s + offset + 0.05, e), pitch, int(62 + 30 * energy)))
    return sorted(out)


def _oom(chords, beats, bars, energy, rng) -> list[NoteTuple]:
    """Waltz bass: one short note on each bar's first beat, the chord's root, or (seeded) root and fifth
    on alternate bars."""
    alternate = bool(rng.random() < 0.5)
    velocity = int(80 + 30 * energy)
    out = []
    for i, bar in enumerate(bars):
        chord = _chord_at(chords, bar)
        if chord is None:
            continue
        root = chord[2]
        pitch = 36 + root if root < 7 else 24 + root
        if alternate and i % 2:
            pitch += 7 if pitch + 7 <= 47 else -5
        length = 0.9 * _beat_period(beats, bar)
        out.append((bar, bar + length, pitch, velocity))
    return out


def _pah_pah(chords, beats, bars, energy, rng, low: int, strum: bool) -> list[NoteTuple]:
    """Waltz comping: the chord, short and lighter, on every beat but the bar's first."""
    downbeats = np.asarray(bars, dtype=float)
    after_beats = [b for b in beats if np.min(np.abs(downbeats - b)) > 0.03]
    velocity = int(55 + 25 * energy)
    out = []
    for start, end, voicing in _voiced(chords, low, rng):
        for b in after_beats:
            if start - 0.03 <= b < end - 0.05:
                e = min(b + 0.45 * _beat_period(beats, b), end - 0.02)
                for i, pitch in enumerate(voicing):
                    offset = i * 0.012 if strum else 0.0
                    out.append((b + offset, max(b + offset + 0.05, e), pitch, velocity))
    return sorted(out)


def _chord_at(chords, t: float):
    """The playable chord sounding at t (chord edges sit on beats, so a little early counts), or None."""
    for chord in chords:
        if chord[0] - 0.03 <= t < chord[1] - 0.05 and chord[2] >= 0:
            return chord
    return None


def _sustain(chords, low: int, velocity: int, rng) -> list[NoteTuple]:
    return sorted((start, end, pitch, velocity) for start, end, voicing in _voiced(chords, low, rng) for pitch in voicing)


def _voiced(chords, low: int, rng):
    """(start, end, voicing) of each playable chord, each voicing led smoothly from the previous one."""
    previous = None
    for start, end, root, quality in chords:
        if root < 0 or end - start < 0.05:
            continue
        previous = _voice_lead(previous, root, quality, low, rng)
        yield start, end, previous


def _stabs(chords, beats, rng) -> list[NoteTuple]:
    out, previous = [], None
    for start, end, root, quality in chords:
        if root < 0 or end - start < 0.2:
            continue
        voicing = _voice_lead(previous, root, quality, 60, rng)
        previous = voicing
        length = min(0.25, (end - start) * 0.5)
        for pitch in voicing:
            out.append((start, start + length, pitch, 85))
    return sorted(out)


def _arpeggio(chords, beats, energy, rng) -> list[NoteTuple]:
    order = rng.choice(["up", "down", "updown"])
    steps_per_beat = 4 if energy >= 0.6 else 2
    out = []
    for a, b, root, quality, _ in _chord_at_beats(chords, beats):
        tones = _voicing(root, quality, 64, 0)
        tones = tones + [tones[0] + 12]
        if order == "down":
            tones = tones[::-1]
        elif order == "updown":
            tones = tones + tones[-2:0:-1]
        step = (b - a) / steps_per_beat
        for k in range(steps_per_beat):
            s = a + k * step
            out.append((s, s + step * 0.9, tones[(int(round(a / max(step, 1e-3))) + k) % len(tones)], 70))
    return sorted(out)


def _lead(melody) -> list[NoteTuple]:
    out = []
    for start, end, pitch in melody:
        if end - start < 0.08:
            continue
        while pitch < 60:
            pitch += 12
        while pitch > 84:
            pitch -= 12
        out.append((start, end, int(pitch), 80))
    return out


# --- drums -----------------------------------------------------------------------------------------

K, S, CL, HH, OH, RD, CR, RIM, SH, LT, MT, HT, TB, CB, PH = 36, 38, 39, 42, 46, 51, 49, 37, 70, 45, 47, 50, 54, 56, 44

# Four steps per beat, so 16 to a 4/4 bar and 12 to a 3/4 one: "x" accent, "o" normal, "g" ghost, "." rest.
GROOVES = {
    "boom_bap":      {K: "x.....x...x.....", S: "....x.......x...", HH: "o.o.o.o.o.o.o.o."},
    "lofi":          {K: "x......x..x.....", S: "....x.......x...", HH: "o.g.o.g.o.g.o.g.", RIM: "........g......."},
    "four_on_floor": {K: "x...x...x...x...", CL: "....x.......x...", OH: "..o...o...o...o.", HH: "o.g.o.g.o.g.o.g."},
    "techno":        {K: "x...x...x...x...", HH: "..o...o...o...o.", RIM: "......g.....g..g", CL: "....o.......o..."},
    "breakbeat":     {K: "x.........x.....", S: "....x.......x..g", HH: "o.o.o.o.o.o.o.o.", OH: "..............o."},
    "dnb":           {K: "x.........x.....", S: "....x.......x...", HH: "o.o.o.o.o.o.o.o.", RD: "..g...g...g...g."},
    "trap":          {K: "x......x..x.....", S: "........x.......", HH: "oooooooooooooooo", OH: "..............o."},
    "rock":          {K: "x.......x.x.....", S: "....x.......x...", HH: "o.o.o.o.o.o.o.o."},
    "metal":         {K: "xoxoxoxoxoxoxoxo", S: "....x.......x...", CR: "x.......x......."},
    "punk":          {K: "x...x...x...x...", S: "..x...x...x...x.", HH: "o.o.o.o.o.o.o.o."},
    "shuffle":       {K: "x.....x.x.......", S: "....x.......x...", HH: "o..oo..oo..oo..o"},
    "swing_jazz":    {RD: "o...o..oo...o..o", PH: "....o.......o...", K: "g.......g.......", S: "..........g....."},
    "bossa":         {K: "x..ox..ox..ox..o", RIM: "o..o..o...o..o..", SH: "oooooooooooooooo"},
    "reggae":        {K: "........x.......", S: "........x.......", HH: "..o...o...o...o.", RIM: "....o.......o..."},
    "funk":          {K: "x.x....x..x.....", S: "....x..g.g..x..g", HH: "oooooooooooooooo"},
    "disco":         {K: "x...x...x...x...", S: "....x.......x...", OH: "..o...o...o...o.", HH: "o...o...o...o..."},
    "half_time":     {K: "x.........x.....", S: "........x.......", HH: "o.o.o.o.o.o.o.o."},
    "ballad":        {K: "x.......x.......", S: "....x.......x...", HH: "o...o...o...o..."},
    "march":         {K: "x.......x.......", S: "o.go..o.o.go..o.", CR: "x..............."},
    "chip":          {K: "x.......x.x.....", S: "....x.......x...", HH: "o.o.o.o.o.o.o.o."},
    "gospel":        {K: "x.....x...x.....", S: "....x.......x...", CL: "....o.......o...", TB: "..o...o...o...o."},
    # reggaeton: a kick on every beat under the rim's 3+3+2 (tresillo) in each half bar
    "dembow":        {K: "x...x...x...x...", RIM: "...x..x....x..x.", HH: "o.o.o.o.o.o.o.o."},
    "waltz":         {K: "x...........", S: "....o...o...", HH: "o.g.o.g.o.g."},
    "jazz_waltz":    {RD: "o...o..oo...", PH: "....o...o...", K: "g...........", S: "..........g."},
}
_VELOCITY = {"x": 112, "o": 88, "g": 48}


def drum_groove(groove_id: str, beats, bars, energy: float, swing: float, sections, rng,
                beats_per_bar: int = 4) -> list[NoteTuple]:
    """The groove's pattern once per bar; a pattern longer than the bar plays its first beats only."""
    pattern = GROOVES.get(groove_id, GROOVES["rock"])
    steps_per_bar = 4 * beats_per_bar
    fill_from = steps_per_bar - 4  # a fill takes the bar's last beat
    beats = np.asarray(beats, dtype=float)
    bars = np.asarray(bars, dtype=float)
    if len(bars) < 1 or len(beats) < 2:
        return []
    sparse_hats = energy < 0.3
    ghost_chance = float(rng.uniform(0.0, 0.35))
    fill_every = int(rng.choice([4, 8]))
    section_starts = [s for s, _, _, _ in sections[1:]]
    out: list[NoteTuple] = []
    bar_edges = list(bars) + [bars[-1] + beats_per_bar * float(np.median(np.diff(beats)))]
    for i, (bar_start, bar_end) in enumerate(zip(bar_edges[:-1], bar_edges[1:])):
        step = (bar_end - bar_start) / steps_per_bar
        fill = (i + 1) % fill_every == 0 and i > 0
        for drum, steps in pattern.items():
            for k, ch in enumerate(steps[:steps_per_bar]):
                if fill and k >= fill_from and drum in (S, HH, OH):
                    continue
                if ch == "." or (sparse_hats and drum in (HH, SH) and k % 4 == 2):
                    continue
                if ch == "g" and rng.random() > 0.7:
                    continue
                t = bar_start + k * step + (swing * step if k % 2 == 1 else 0.0)
                velocity = int(np.clip(_VELOCITY[ch] * (0.7 + 0.4 * energy) + rng.integers(-6, 7), 20, 127))
                out.append((t, t + step * 0.9, drum, velocity))
        if S in pattern and rng.random() < ghost_chance:
            t = bar_start + 7 * step
            out.append((t, t + step * 0.9, S, 40))
        if fill:
            toms = [HT, HT, MT, LT] if rng.random() < 0.5 else [S, S, MT, LT]
            for k, drum in enumerate(toms):
                t = bar_start + (fill_from + k) * step
                out.append((t, t + step * 0.9, drum, int(80 + 25 * energy)))
        if any(abs(bar_start - s) < step * 2 for s in section_starts) and energy >= 0.35:
            out.append((bar_start, bar_start + 1.0, CR, 100))
    return sorted(out)
