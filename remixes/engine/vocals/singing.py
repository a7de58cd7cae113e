"""Singing synthesis: espeak-ng speech put on melody notes with the WORLD vocoder (pyworld).

Each line is spoken once; its phonemes are grouped into syllables (one vowel each), consonants keep
their spoken length, vowels are stretched to fill their note, and WORLD resynthesizes the result with
the notes' pitch (glides between notes, delayed vibrato) and the voice's formant shift.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

import numpy as np

from .placement import Note
from .speech import Utterance, phonemes_of, speak
from .world import pyworld

FRAME_PERIOD_MS = 5.0
_FRAME = FRAME_PERIOD_MS / 1000.0
_GLIDE_BEFORE, _GLIDE_AFTER = 0.025, 0.045
_MIN_VOWEL = 0.06


@dataclass(frozen=True)
class Voice:
    name: str
    formant_ratio: float     # >1 moves formants up (smaller vocal tract)
    breath: float            # extra aperiodicity above 3 kHz, 0..1
    vibrato_cents: float


VOICES = {
    "male": Voice("male", 0.97, 0.0, 22.0),
    "neutral": Voice("neutral", 1.09, 0.08, 20.0),
    "female": Voice("female", 1.2, 0.15, 20.0),
}


@dataclass(frozen=True)
class Syllable:
    phonemes: tuple[int, ...]   # indexes into the utterance's phonemes (pauses excluded), in order
    nucleus: int                # which of them is the vowel


@dataclass(frozen=True)
class SpokenLine:
    utterance: Utterance
    phoneme_tokens: tuple[int, ...]  # spoken-token index of every phoneme (-1 for pauses)
    syllables: tuple[Syllable, ...]
    f0: np.ndarray
    sp: np.ndarray                   # float32 spectral envelope, frames x bins
    ap: np.ndarray                   # float32 aperiodicity


@dataclass(frozen=True)
class RenderedLine:
    audio: np.ndarray                # mono float64 at the utterance's sample rate
    start: float                     # output time of audio[0]
    phoneme_times: dict              # phoneme index -> (start, end) output seconds


@functools.lru_cache(maxsize=48)
def spoken_line(tokens: tuple[str, ...], voice: str) -> SpokenLine:
    """Speak and analyse one line given as its spoken tokens (cached: versions and choruses reuse it)."""
    utterance = speak(" ".join(tokens), voice=voice)
    owners = _phoneme_tokens(utterance, [phonemes_of(token, voice) for token in tokens])
    syllables = _syllables(utterance, owners)
    x = utterance.audio.astype(np.float64)
    sr = utterance.sample_rate
    if len(x) < sr // 20:
        x = np.pad(x, (0, sr // 20 - len(x)))
    f0, times = pyworld.dio(x, sr, f0_floor=60.0, f0_ceil=300.0, frame_period=FRAME_PERIOD_MS, speed=2)
    f0 = pyworld.stonemask(x, f0, times, sr)
    sp = pyworld.cheaptrick(x, f0, times, sr)
    ap = pyworld.d4c(x, f0, times, sr)
    return SpokenLine(utterance, owners, syllables, f0, sp.astype(np.float32), ap.astype(np.float32))


def _phoneme_tokens(utterance: Utterance, expected: list[list[str]]) -> tuple[int, ...]:
    """Which token each spoken phoneme belongs to.

    espeak-ng's word events arrive early (often on the previous word's last consonant), so the
    phonemes are aligned instead with what espeak-ng says for each token on its own.
    """
    phonemes = utterance.phonemes
    sounding = [i for i, p in enumerate(phonemes) if not p.is_pause]
    labels = [k for k, names in enumerate(expected) for _ in names]
    names = [name for token_names in expected for name in token_names]
    owners = [-1] * len(phonemes)
    if not labels:
        for i in sounding:
            owners[i] = 0
        return tuple(owners)
    matcher = difflib.SequenceMatcher(None, [phonemes[i].name for i in sounding], names, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        for j, a in enumerate(range(a0, a1)):
            if b1 > b0:
                b = b0 + min(b1 - b0 - 1, (j * (b1 - b0)) // max(a1 - a0, 1))
                owners[sounding[a]] = labels[b]
            else:  # phonemes only the sentence has: they join the token before them
                owners[sounding[a]] = labels[min(b0, len(labels)) - 1] if b0 > 0 else labels[0]
    for k in range(1, len(sounding)):  # token order never goes back
        owners[sounding[k]] = max(owners[sounding[k]], owners[sounding[k - 1]])
    return tuple(owners)


def _syllables(utterance: Utterance, words: tuple[int, ...]) -> tuple[Syllable, ...]:
    sounding = [i for i, p in enumerate(utterance.phonemes) if not p.is_pause and p.end > p.start]
    vowels = [i for i in sounding if utterance.phonemes[i].is_vowel]
    if not sounding:
        return ()
    if not vowels:  # "hmm", "shh": the longest sound carries the note
        nucleus = max(sounding, key=lambda i: utterance.phonemes[i].end - utterance.phonemes[i].start)
        return (Syllable(tuple(sounding), nucleus),)
    groups = [[v] for v in vowels]
    before = [i for i in sounding if i < vowels[0]]
    groups[0] = before + groups[0]
    for k in range(len(vowels) - 1):
        between = [i for i in sounding if vowels[k] < i < vowels[k + 1]]
        if any(words[i] != words[vowels[k]] for i in between) or words[vowels[k]] != words[vowels[k + 1]]:
            coda = [i for i in between if words[i] == words[vowels[k]]]
        else:
            coda = between[:1] if len(between) >= 2 else []
        onset = [i for i in between if i not in coda]
        groups[k] += coda
        groups[k + 1] = onset + groups[k + 1]
    groups[-1] += [i for i in sounding if i > vowels[-1]]
    return tuple(Syllable(tuple(g), v) for g, v in zip(groups, vowels))


def render_line(line: SpokenLine, notes: list[Note], voice: Voice, rng, delivery: str = "") -> RenderedLine:
    """Put the line's syllables on its notes and resynthesize with WORLD, as `delivery` asks (delivered)."""
    utt = line.utterance
    sr = utt.sample_rate
    segments, phoneme_times = _timeline(line, notes)
    start = segments[0][0] - 0.02
    end = max(s[1] for s in segments) + 0.06
    n_frames = int(np.ceil((end - start) / _FRAME)) + 1
    t = start + np.arange(n_frames) * _FRAME

    seg = np.array([(a, b, sa, sb, v, midi) for a, b, sa, sb, v, midi in segments], dtype=float)
    idx = np.searchsorted(seg[:, 0], t, side="right") - 1
    inside = (idx >= 0) & (t < seg[np.clip(idx, 0, None), 1])
    idx = np.clip(idx, 0, len(seg) - 1)
    a, b, sa, sb, is_vowel, midi = seg[idx].T
    progress = np.clip((t - a) / np.maximum(b - a, 1e-9), 0.0, 1.0)
    # vowels hold their first half for most of the note: diphthongs move at the end, like a singer
    warped = np.where(is_vowel > 0, np.where(progress < 0.8, progress * 0.625, 0.5 + (progress - 0.8) * 2.5), progress)
    src_frame = (sa + warped * (sb - sa)) / _FRAME
    src_frame = np.clip(src_frame, 0, len(line.f0) - 1)

    lo = np.floor(src_frame).astype(int)
    hi = np.minimum(lo + 1, len(line.f0) - 1)
    frac = (src_frame - lo)[:, None]
    sp = line.sp[lo] * (1 - frac) + line.sp[hi] * frac
    ap = line.ap[lo] * (1 - frac) + line.ap[hi] * frac
    src_voiced = (line.f0[lo] > 0) | (line.f0[hi] > 0)
    voiced = inside & ((is_vowel > 0) | src_voiced)

    f0 = _pitch_curve(t, notes, voice, rng)
    f0 = np.where(voiced, f0, 0.0)
    sp = _shift_formants(sp.astype(np.float64), voice.formant_ratio)
    ap = ap.astype(np.float64)
    # vowel frames the analysis heard as unvoiced (onsets, creak) would resynthesize as noise
    forced = voiced & ~src_voiced
    if forced.any():
        source_voiced = line.f0 > 0
        template = np.median(line.ap[source_voiced], axis=0) if source_voiced.any() else np.full(ap.shape[1], 0.05)
        ap[forced] = template
    ap = delivered(ap, voice.breath, delivery, sr)
    silence = ~inside
    sp[silence] = 1e-12
    ap[silence] = 1.0
    sp *= _envelope(t, notes, inside)[:, None] ** 2
    np.maximum(sp, 1e-16, out=sp)  # WORLD takes the log of the envelope
    seed = int(rng.integers(1 << 31)) if delivery == "whisper" else 0
    audio = synthesized(f0, sp, ap, sr, FRAME_PERIOD_MS, delivery, seed)
    return RenderedLine(audio, float(start), phoneme_times)


def _timeline(line: SpokenLine, notes: list[Note]):
    """Output segments (out_start, out_end, src_start, src_end, is_vowel, midi) per phoneme.

    Onset consonants end on the note's start so the vowel lands on the beat; coda consonants follow
    the vowel; consonants keep their spoken length unless the notes are too short for them.
    """
    phonemes = line.utterance.phonemes
    sr = line.utterance.sample_rate
    dur = lambda i: (phonemes[i].end - phonemes[i].start) / sr  # noqa: E731
    parts = []
    for syl in line.syllables:
        k = syl.phonemes.index(syl.nucleus)
        parts.append((list(syl.phonemes[:k]), syl.nucleus, list(syl.phonemes[k + 1:])))
    segments, times = [], {}
    previous_end = max(0.0, notes[0].start - 0.3)
    for n, ((onset, nucleus, coda), note) in enumerate(zip(parts, notes)):
        next_onset = sum(dur(i) for i in parts[n + 1][0]) if n + 1 < len(parts) else 0.0
        next_start = notes[n + 1].start if n + 1 < len(notes) else note.end + 1.0
        onset_len = sum(dur(i) for i in onset)
        room = max(note.start - previous_end, 0.0)
        squeeze = min(1.0, room / onset_len) if onset_len > 0 else 1.0
        cursor = note.start - onset_len * squeeze
        for i in onset:
            d = dur(i) * squeeze
            segments.append((cursor, cursor + d, phonemes[i].start / sr, phonemes[i].end / sr, 0, note.midi))
            times[i] = (cursor, cursor + d)
            cursor += d
        coda_len = sum(dur(i) for i in coda)
        vowel_end = min(note.end, next_start - min(next_onset, 0.5 * (next_start - note.start))) - coda_len
        if vowel_end - note.start < _MIN_VOWEL:
            available = max(min(note.end, next_start) - note.start - _MIN_VOWEL, 0.0)
            coda_scale = min(1.0, available / coda_len) if coda_len > 0 else 1.0
            coda_len *= coda_scale
            vowel_end = note.start + max(_MIN_VOWEL, min(note.end, next_start) - note.start - coda_len)
        else:
            coda_scale = 1.0
        p = phonemes[nucleus]
        segments.append((note.start, vowel_end, p.start / sr, p.end / sr, 1, note.midi))
        times[nucleus] = (note.start, vowel_end)
        cursor = vowel_end
        for i in coda:
            d = dur(i) * coda_scale
            segments.append((cursor, cursor + d, phonemes[i].start / sr, phonemes[i].end / sr, 0, note.midi))
            times[i] = (cursor, cursor + d)
            cursor += d
        previous_end = cursor
    segments.sort(key=lambda s: s[0])
    return segments, times


def _pitch_curve(t: np.ndarray, notes: list[Note], voice: Voice, rng) -> np.ndarray:
    """Target f0 in Hz: each note held, short glides between connected notes, delayed vibrato."""
    starts = np.array([n.start for n in notes])
    which = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(notes) - 1)
    cents = np.array([n.midi * 100.0 for n in notes])[which]
    for prev, note in zip(notes[:-1], notes[1:]):
        if note.start - prev.end > 0.1 or prev.midi == note.midi:
            continue
        # quick notes glide quicker: a glide takes at most ~a fifth of the notes it joins
        before = min(_GLIDE_BEFORE, 0.06 * (prev.end - prev.start))
        after = min(_GLIDE_AFTER, 0.08 * (note.end - note.start))
        window = (t >= note.start - before) & (t < note.start + after)
        x = (t[window] - (note.start - before)) / (before + after)
        shape = 0.5 - 0.5 * np.cos(np.pi * x)
        cents[window] = prev.midi * 100 + (note.midi - prev.midi) * 100 * shape
    rate = rng.uniform(4.8, 5.8)
    phase = rng.uniform(0, 2 * np.pi)
    for note in notes:
        held = (t >= note.start) & (t < note.end)
        age = t[held] - note.start
        depth = voice.vibrato_cents * np.clip((age - 0.22) / 0.25, 0.0, 1.0)
        cents[held] += depth * np.sin(2 * np.pi * rate * t[held] + phase)
    drift = 4.0 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6.3))  # slow, small wander: not a machine
    drift += 3.0 * np.sin(2 * np.pi * 1.9 * t + rng.uniform(0, 6.3))
    return 440.0 * 2 ** ((cents + drift - 6900.0) / 1200.0)


# How the voice sings, from the prompt ("breathy vocals", "whispered vocals"): StylePlan.vocal_delivery.
DELIVERIES = ("breathy", "whisper")


def delivered(ap: np.ndarray, breath: float, delivery: str, sr: int) -> np.ndarray:
    """WORLD's aperiodicity (frames x bins up to sr / 2, changed in place) for how the voice sings: its own `breath`
    (0..1) of noise above 3 kHz; "breathy" more air, at least 0.6 of the way to noise above 3 kHz and 0.3 between
    1 and 3 kHz (a breathy voice's glottis never closes: noise across the formants, the harmonics under it). A
    whisper is made by `synthesized`."""
    freqs = np.arange(ap.shape[1]) * (sr / 2) / (ap.shape[1] - 1)
    for low, high, amount in ((3000.0, freqs[-1], max(breath, 0.6 if delivery == "breathy" else 0.0)),
                              (1000.0, 3000.0, 0.3 if delivery == "breathy" else 0.0)):
        band = (freqs > low) & (freqs <= high)
        if amount > 0:
            ap[:, band] = np.minimum(1.0, ap[:, band] + amount * (1 - ap[:, band]))
    return ap


def synthesized(f0: np.ndarray, sp: np.ndarray, ap: np.ndarray, sr: int, period_ms: float, delivery: str = "",
                seed: int = 0) -> np.ndarray:
    """WORLD's synthesis of a line; "whisper": noise through the same spectral envelope, frame by frame, at the
    loudness of the voiced take (WORLD's own unvoiced synthesis lays its noise on a fixed pulse train, heard as a
    ~500 Hz buzz: a normalised autocorrelation of 0.76 at that period in a whispered vowel)."""
    y = pyworld.synthesize(np.ascontiguousarray(f0), np.ascontiguousarray(sp), np.ascontiguousarray(ap), sr,
                           period_ms)
    if delivery != "whisper" or not len(y):
        return y
    fft = (sp.shape[1] - 1) * 2
    hop = fft // 4
    count = len(y) // hop + 1
    position = np.clip(np.arange(count) * hop / sr / (period_ms / 1000), 0, len(sp) - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(sp) - 1)
    weight = (position - below)[:, None]
    envelope = np.sqrt(sp[below] * (1 - weight) + sp[above] * weight)
    window = np.hanning(fft)
    noise = np.random.default_rng([seed, 4093]).standard_normal(count * hop + fft)
    out = np.zeros(count * hop + fft)
    for k in range(count):  # a frame's noise shaped by the envelope there, overlapped and added
        spectrum = np.fft.rfft(noise[k * hop:k * hop + fft] * window) * envelope[k]
        out[k * hop:k * hop + fft] += np.fft.irfft(spectrum, n=fft) * window
    whisper = out[fft // 2:fft // 2 + len(y)]
    level, made = np.sqrt(np.mean(y ** 2)), np.sqrt(np.mean(whisper ** 2))
    return whisper * (level / made) if made > 0 else whisper


def _shift_formants(sp: np.ndarray, ratio: float) -> np.ndarray:
    """Warp the spectral envelope's frequency axis: ratio > 1 moves every formant up."""
    if abs(ratio - 1.0) < 1e-3:
        return sp
    bins = sp.shape[1]
    source = np.arange(bins) / ratio
    lo = np.clip(np.floor(source).astype(int), 0, bins - 1)
    hi = np.clip(lo + 1, 0, bins - 1)
    frac = source - np.floor(source)
    return sp[:, lo] * (1 - frac) + sp[:, hi] * frac


def _envelope(t: np.ndarray, notes: list[Note], inside: np.ndarray) -> np.ndarray:
    """Amplitude: a gentle swell into each phrase and a short fade after the last note."""
    gain = np.ones(len(t))
    first, last = notes[0], notes[-1]
    gain *= np.clip((t - (first.start - 0.2)) / 0.05, 0.3, 1.0)
    fade = (t > last.end - 0.08)
    gain[fade] *= np.clip((last.end + 0.02 - t[fade]) / 0.1, 0.0, 1.0)
    return np.where(inside, gain, 0.0)
