"""sing(): lyrics in, a dry sung vocal and word timestamps out, on the remixed song's timeline.

Reads as the stage: parse the text, speak each line, place lines on bars and syllables on notes,
render each line with WORLD, and record where every word was put.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

import numpy as np

from . import neural
from .guide import SungVocal, VocalGuide
from .placement import LineSpec, place_lines
from .singing import VOICES, _pitch_curve, render_line, spoken_line
from .text import LyricLine, detect_soon, parse_lyrics

_TARGET_RMS = 0.1
_PEAK = 0.9


@dataclass(frozen=True)
class NeuralVoice:
    formant_ratio: float     # spectral-envelope warp of the (male) neural voice; >1 moves formants up
    breath: float            # extra aperiodicity above 3 kHz, 0..1


# The neural voice is male; neutral and female are derived from it (register from placement.REGISTERS).
NEURAL_VOICES = {
    "male": NeuralVoice(1.0, 0.0),
    "neutral": NeuralVoice(1.1, 0.05),
    "female": NeuralVoice(1.2, 0.1),
}


@dataclass(frozen=True)
class SungNote:
    start: float
    end: float
    midi: int
    line: int          # position in SungVocal.lines


@dataclass(frozen=True)
class Performance:
    """sing()'s result plus what the tests and benchmarks measure: the notes it aimed for."""

    vocal: SungVocal
    notes: tuple[SungNote, ...]
    gender: str
    language: str


def prepare(lyrics: str, language: str | None = None) -> None:
    """What sing() of these lyrics needs before the song's guide is known, done now: the language profiles,
    the neural voice's models and each line's phonemes and natural lengths (cached), Praat's pitch. A
    singer process calls it while the song is still being arranged; sing() then only sings."""
    import parselmouth  # noqa: F401 - the voice's f0 analysis

    if language is None:
        detect_soon(lyrics)  # in a child, while the voice loads (after text.detect_in_a_child(); else a no-op)
    if neural.available():
        neural._voice()  # English is what it sings: loaded before the language is known
    parsed = parse_lyrics(lyrics, language)
    if parsed.language.split("-")[0] != "en":
        release()  # espeak-ng sings these lyrics
    elif neural.available():
        for line in parsed.lines:
            tokens = tuple(t.spoken for t in line.tokens if t.spoken)
            if tokens:
                neural.neural_line(tokens)


def release(voice: bool = True) -> None:
    """Free the neural voice's duration model (the lines prepared so far keep their natural lengths; a new
    line loads it again) and, with `voice`, the voice model and those lines too: a singer helper keeps
    ~40 MB less while it sings and ~225 MB less once it has sung."""
    neural._durations.cache_clear()
    if voice:
        neural._voice.cache_clear()
        neural.neural_line.cache_clear()


def sing(lyrics: str, guide: VocalGuide, gender: str | None, seed: int = 0, language: str | None = None,
         delivery: str = "") -> SungVocal:
    """Sing `lyrics` over the song described by `guide`, as `delivery` asks ("breathy", "whisper" or ""); the
    result is dry mono at guide.sample_rate."""
    return perform(lyrics, guide, gender, seed=seed, language=language, delivery=delivery).vocal


def perform(lyrics: str, guide: VocalGuide, gender: str | None, seed: int = 0,
            language: str | None = None, delivery: str = "") -> Performance:
    n_samples = int(round(guide.duration * guide.sample_rate))
    out = np.zeros(n_samples, dtype=np.float32)  # lines are rendered in float64 and rounded once, here
    notes_for_plan: list[str] = []
    voice_name = gender if gender in VOICES else "neutral"
    if gender is not None and gender not in VOICES:
        notes_for_plan.append(f"Unknown vocal gender {gender!r}: sung with a neutral voice.")

    parsed = parse_lyrics(lyrics, language)
    notes_for_plan.extend(parsed.notes)
    lines = parsed.lines
    tokens = {line.index: tuple(t.spoken for t in line.tokens if t.spoken) for line in lines}
    use_neural = parsed.language.split("-")[0] == "en" and neural.available()
    if use_neural:
        counts = {i: neural.syllable_count(tokens[i]) if tokens[i] else 0 for i in tokens}
    else:
        spoken = {line.index: spoken_line(tokens[line.index], parsed.language) for line in lines}
        counts = {i: len(spoken[i].syllables) for i in spoken}
        if parsed.language.split("-")[0] == "en":
            notes_for_plan.append("The neural voice model is missing (run `make setup`): sung with espeak-ng.")
    singable = [line for line in lines if counts[line.index]]
    verse_of = {line.index: (v, verse.label) for v, verse in enumerate(parsed.verses) for line in verse.lines}
    specs = [LineSpec(line.index, counts[line.index], *verse_of[line.index],
                      neural.syllable_weights(tokens[line.index]) if use_neural else ())
             for line in singable]
    placement = place_lines(specs, guide, voice_name, seed=seed)
    notes_for_plan.extend(placement.notes)

    rng = np.random.default_rng(seed + 7919)
    by_index = {line.index: line for line in lines}
    timestamped, sung_notes = [], []
    sung_until = -1.0  # where the line before ended (the first line breathes in too)
    for placed in placement.lines:
        line = by_index[placed.index]
        if use_neural:
            voice = NEURAL_VOICES[voice_name]
            line_notes = list(placed.notes)
            line_rng = np.random.default_rng(rng.integers(1 << 31))
            curve = lambda t, n=line_notes, r=line_rng: _pitch_curve(t, n, VOICES[voice_name], r)  # noqa: E731
            rendered = neural.render(tokens[placed.index], line_notes, curve, voice.formant_ratio, voice.breath, rng,
                                     delivery)
            _mix_into(out, rendered.audio, rendered.start, neural.SAMPLE_RATE, guide.sample_rate)
            words = _words_from_spans(line, rendered.word_times, guide.duration)
        else:
            rendered = render_line(spoken[placed.index], list(placed.notes), VOICES[voice_name], rng, delivery)
            _mix_into(out, rendered.audio, rendered.start, spoken[placed.index].utterance.sample_rate,
                      guide.sample_rate)
            words = _word_times(line, spoken[placed.index], rendered.phoneme_times, guide.duration)
        if not words:
            continue
        if words[0]["start"] - sung_until >= BREATH_REST:  # the singer breathes in before the line
            _breathe_in(out, words[0]["start"], words[0]["start"] - sung_until, rendered.audio, guide.sample_rate,
                        np.random.default_rng([seed, 6007, placed.index]))
        sung_until = words[-1]["end"]
        timestamped.append({"text": line.text, "start": words[0]["start"], "end": words[-1]["end"], "words": words})
        sung_notes.extend(SungNote(n.start, n.end, n.midi, len(timestamped) - 1) for n in placed.notes)

    out = _level(out)
    vocal = SungVocal(
        audio=out,
        lines=timestamped,
        text="\n".join(entry["text"] for entry in timestamped),
        notes=tuple(notes_for_plan),
    )
    return Performance(vocal, tuple(sung_notes), voice_name, parsed.language)


BREATH_REST = 0.45  # seconds of rest before a line that let the singer breathe in (heard before the line)
BREATH_DB = -21.0   # the breath's level under its line's


def _breathe_in(out: np.ndarray, sung_at: float, rest: float, line: np.ndarray, sr: int, rng) -> None:
    """A breath in, added to `out` before a line sung at `sung_at` after `rest` seconds of rest: 0.18-0.42 s long
    (0.6 of the rest), ending 50 ms before the line; noise through an open throat's shape (broad resonances at ~600
    Hz, 1.4 and 2.6 kHz, and air above), rising and cut off as the singer closes to sing, BREATH_DB under the
    line. A singer's breaths between phrases are among the first things missed in a synthetic voice."""
    seconds = float(np.clip(0.6 * rest, 0.18, 0.42))
    end = int(round((sung_at - 0.05) * sr))
    n = min(int(seconds * sr), end)
    if n < int(0.1 * sr) or end > len(out):
        return
    freqs = np.fft.rfftfreq(n, 1 / sr)
    octaves = np.log2(np.maximum(freqs, 20.0))
    shape = sum(weight * np.exp(-0.5 * ((octaves - np.log2(hz)) / 0.45) ** 2)
                for hz, weight in ((600.0, 0.7), (1400.0, 1.0), (2600.0, 0.8), (5000.0, 0.5)))
    shape *= np.clip(freqs / 300.0, 0, 1)  # no rumble
    breath = np.fft.irfft(np.fft.rfft(rng.standard_normal(n)) * shape, n=n)
    x = np.linspace(0, 1, n)
    breath *= np.sin(0.5 * np.pi * np.minimum(x / 0.7, 1)) ** 2 * (1 - np.clip((x - 0.7) / 0.3, 0, 1)) ** 1.5
    sounding = line[np.abs(line) > 1e-4]
    level = float(np.sqrt(np.mean(sounding ** 2))) if len(sounding) else 0.0
    made = float(np.sqrt(np.mean(breath ** 2)))
    if level > 0 and made > 0:
        out[end - n:end] += (breath * (level * 10 ** (BREATH_DB / 20) / made)).astype(out.dtype)


def _mix_into(out: np.ndarray, audio: np.ndarray, start: float, source_sr: int, target_sr: int) -> None:
    if source_sr != target_sr:
        g = gcd(source_sr, target_sr)
        audio = _resample(audio, target_sr // g, source_sr // g)
    offset = int(round(start * target_sr))
    if offset < 0:
        audio, offset = audio[-offset:], 0
    audio = audio[: max(0, len(out) - offset)]
    out[offset: offset + len(audio)] += audio


def _resample(audio: np.ndarray, up: int, down: int) -> np.ndarray:
    """scipy's resample_poly(audio, up, down), the same samples (its Kaiser-windowed sinc, applied a phase
    at a time), without importing scipy.signal: ~0.7 s of CPU in the singer's helper, which needs nothing
    else of it."""
    rate = max(up, down)
    half = 10 * rate
    h = np.sinc(np.arange(-half, half + 1) / rate) * np.kaiser(2 * half + 1, 5.0)
    h *= up / h.sum()
    h = np.concatenate([np.zeros(down - half % down), h])  # resample_poly's alignment of the output
    skip = (half + down - half % down) // down
    phases = [np.convolve(audio, h[r::up]) for r in range(up)]
    upsampled = np.zeros(len(phases[0]) * up)
    for r, phase in enumerate(phases):
        upsampled[r::up][:len(phase)] = phase
    length = (len(audio) * up + down - 1) // down
    return upsampled[::down][skip:skip + length]


def _level(audio: np.ndarray, block: int = 1 << 20) -> np.ndarray:
    """`audio` scaled in place to _TARGET_RMS where it sounds (above 1e-4), its peak at most _PEAK.
    A block at a time: no full-length temporaries (a 4-minute take is 85 MB of float64)."""
    total, count, peak = 0.0, 0, 0.0
    for i in range(0, len(audio), block):
        part = audio[i:i + block]
        loud = part[np.abs(part) > 1e-4]
        total += float(np.dot(loud, loud))
        count += len(loud)
        if len(part):
            peak = max(peak, float(np.abs(part).max()))
    if not count:
        return audio
    rms = float(np.sqrt(total / count))
    gain = _TARGET_RMS / max(rms, 1e-9)
    if peak * gain > _PEAK:
        gain *= _PEAK / (peak * gain)
    audio *= gain
    return audio


def _word_times(line: LyricLine, spoken, phoneme_times: dict, duration: float) -> list[dict]:
    """Each written word's start and end: where the synthesis put its first and last phoneme."""
    spans: dict[int, list[float]] = {}
    for phoneme, (start, end) in phoneme_times.items():
        k = spoken.phoneme_tokens[phoneme]
        if k < 0:
            continue
        span = spans.setdefault(k, [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)
    return _words_from_spans(line, spans, duration)


def _words_from_spans(line: LyricLine, spans: dict, duration: float) -> list[dict]:
    """Each written word's start and end from its sung span (spoken-token index -> (start, end)); a word
    with no span of its own (nothing the voice could say) shares the gap before the next timed word."""
    sung_tokens = [token for token in line.tokens if token.spoken]
    words, previous_end = [], 0.0
    for k, token in enumerate(sung_tokens):
        if k in spans:
            start, end = spans[k]
        else:  # nothing the voice could say: it shares the gap before the next timed word
            later = [spans[j][0] for j in range(k + 1, len(sung_tokens)) if j in spans]
            start = previous_end
            end = max(start, later[0] if later else start)
        start = min(max(start, previous_end), duration)
        end = min(max(end, start), duration)
        words.append({"word": token.display, "start": round(start, 3), "end": round(end, 3)})
        previous_end = end
    return words
