"""Lyrics of a remix that keeps the song's own singer: the recognizer's words on the remix's time axis.

The separated vocal stem of the source is transcribed once (asr.transcribe, cached with the stems);
`kept_vocal_lyrics` turns that source-time transcript into what a version returns: lines grouped at the
singer's pauses and punctuation, each word moved to remix time (source time / tempo rate), clamped inside
the version, monotonic, in the lyrics_timestamped format
`[{"text", "start", "end", "words": [{"word", "start", "end"}]}]`.

A transcript the recognizer is unsure of says so (confident=False and a note for the job page) instead of
inventing words: single unclear words are left out, and when too much is unclear no lyrics are returned.
A silent vocal stem gives no lyrics at all (`vocal=False`: the page says "Instrumental").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .asr import Transcript, Word, transcribe

# A transcript is trusted when its words are, on average, this probable ...
MIN_MEAN_PROBABILITY = 0.5
# ... Whisper's own hallucination signs stay below these ...
MAX_NO_SPEECH = 0.6
MAX_COMPRESSION_RATIO = 2.4
# ... and no more than this share of its words is unclear (each one below WORD_PROBABILITY is left out).
WORD_PROBABILITY = 0.25
MAX_UNCLEAR_SHARE = 0.3

# Lines: a new line after a pause this long, at the end of a sentence, or when a line gets this long.
LINE_PAUSE = 0.6
MAX_LINE_WORDS = 10
MAX_LINE_CHARS = 48
MAX_LINE_SECONDS = 6.0

# The stems cache's version of a source's transcript: bump it when asr.py, its settings or its model change.
TRANSCRIPT_VERSION = "whisper-base-d01c3014-t3"

# A vocal stem quieter than this (RMS of its loudest second, dBFS) holds no singing.
SILENT_VOCAL_DB = -45.0

_LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
              "pt": "Portuguese", "nl": "Dutch", "ja": "Japanese", "ko": "Korean", "zh": "Chinese",
              "ru": "Russian", "pl": "Polish", "sv": "Swedish", "tr": "Turkish", "hi": "Hindi"}
_EDGE_PUNCT = re.compile(r"^[\"'“”‘(\[¿¡]+|[\"“”’)\],.;:…]+$")


@dataclass(frozen=True)
class KeptLyrics:
    text: str  # the lines, one per row ("" when none)
    lines: list = field(default_factory=list)  # lyrics_timestamped, on the remix's time axis
    language: str | None = None
    confident: bool = True
    note: str = ""  # for people: why lyrics are missing or partial
    vocal: bool = True  # False: no singing was heard (an instrumental)


def vocal_is_silent(vocal: np.ndarray, sr: int, threshold_db: float = SILENT_VOCAL_DB) -> bool:
    """True when the vocal stem holds no singing: even its loudest second is below `threshold_db` dBFS."""
    x = np.asarray(vocal, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if x.size == 0:
        return True
    hop = max(1, int(sr))
    n = (len(x) // hop) * hop
    blocks = x[:n].reshape(-1, hop) if n else x[None, :]
    loudest = float(np.sqrt(np.max(np.mean(blocks.astype(np.float64) ** 2, axis=1))))
    return 20 * np.log10(max(loudest, 1e-12)) < threshold_db


def transcribe_vocal_stem(vocal: np.ndarray, sr: int, *, model: str = "base") -> Transcript:
    """The words of a separated vocal stem, once per source song (the stems cache keeps the result).

    A silent stem (an instrumental: separation bleed only) is not sent to the recognizer at all: its
    transcript has no words, which `kept_vocal_lyrics` turns into "no vocal".
    """
    if vocal_is_silent(vocal, sr):
        return Transcript("", (), None, 0.0, duration=len(vocal) / sr, model=model)
    return transcribe(vocal, sr, model=model)


def transcribe_vocal_stem_file(vocals, sr: int = 44100, *, model: str = "base",
                               release: bool = False) -> Transcript:
    """`transcribe_vocal_stem` for a stem given as a .npy path (read memory-mapped) or an array.

    `release=True` (in a helper process that goes on rendering) frees the recognizer afterwards, so its
    ~140 MB of weights do not stay resident there (the ~100 MB of libraries stay).
    """
    audio = np.load(vocals, mmap_mode="r") if isinstance(vocals, (str, bytes)) or hasattr(vocals, "__fspath__") \
        else vocals
    try:
        return transcribe_vocal_stem(audio, sr, model=model)
    finally:
        if release:
            import gc

            from .asr import load_model

            load_model.cache_clear()
            try:
                from faster_whisper.vad import get_vad_model

                get_vad_model.cache_clear()  # its Silero session
            except (ImportError, AttributeError):
                pass
            gc.collect()


def vocal_plan_entry(version: int, kind: str, kept: KeptLyrics | None = None,
                     language: str | None = None) -> dict:
    """One version's `plan["engine"]["vocal"]` entry: kind "sung", "kept" or "none" (instrumental).

    For a kept vocal, pass its KeptLyrics: a stem with no singing becomes kind "none".
    """
    if kind == "kept" and kept is not None and not kept.vocal:
        kind = "none"
    if kind == "kept" and kept is not None:
        return {"version": version, "kind": "kept", "language": kept.language, "confident": kept.confident,
                "note": kept.note}
    if kind == "none":
        return {"version": version, "kind": "none", "language": None, "confident": True,
                "note": kept.note if kept is not None else "Instrumental."}
    return {"version": version, "kind": kind, "language": language, "confident": True, "note": ""}


def no_vocal() -> KeptLyrics:
    return KeptLyrics("", [], None, True, "No singing in this song: instrumental.", vocal=False)


def kept_vocal_lyrics(transcript: Transcript, rate: float, duration: float, *,
                      offset: float = 0.0) -> KeptLyrics:
    """The transcript's words as a version's lyrics: remix time = source time / rate + offset."""
    if rate <= 0:
        raise ValueError("rate must be > 0")
    words = list(transcript.words)
    if not words:
        return no_vocal()
    language = transcript.language
    name = _LANGUAGES.get(language or "", language or "unknown language")
    unclear = [w for w in words if w.probability < WORD_PROBABILITY]
    reasons = []
    if transcript.confidence < MIN_MEAN_PROBABILITY:
        reasons.append(f"mean word confidence {transcript.confidence:.0%}")
    if transcript.no_speech_prob > MAX_NO_SPEECH:
        reasons.append("it may not be singing")
    if transcript.compression_ratio > MAX_COMPRESSION_RATIO:
        reasons.append("the recognizer repeated itself")
    if len(unclear) > MAX_UNCLEAR_SHARE * len(words):
        reasons.append(f"{len(unclear)} of {len(words)} words unclear")
    if reasons:
        return KeptLyrics("", [], language, False,
                          "The singing could not be transcribed reliably (" + "; ".join(reasons)
                          + "), so no lyrics are shown rather than guessed ones.")
    segment_starts = set(transcript.segment_starts)
    clear = [(w, i in segment_starts) for i, w in enumerate(words) if w.probability >= WORD_PROBABILITY]
    lines = _timed_lines(_group_lines(clear), rate, duration, offset)
    if not lines:
        return KeptLyrics("", [], language, True, "The singing falls outside this version.")
    note = f"Transcribed from the song's own vocal ({name})."
    if unclear:
        note += f" {len(unclear)} unclear word{'s' if len(unclear) > 1 else ''} left out."
    return KeptLyrics("\n".join(line["text"] for line in lines), lines, language, True, note)


def _group_lines(words: list[tuple[Word, bool]]) -> list[list[Word]]:
    """Lines at the singer's pauses, Whisper's segments and sentence ends, none too long to read.

    `words` pairs each word with whether a Whisper segment starts at it. A capitalised word other than
    "I" after a few words also starts a line: Whisper capitalises the start of a sung line.
    """
    lines: list[list[Word]] = []
    current: list[Word] = []
    for w, segment_start in words:
        if current:
            prev = current[-1]
            chars = sum(len(x.text) + 1 for x in current) + len(w.text)
            capital = w.text[:1].isupper() and not re.match(r"I\b", w.text)
            if (w.start - prev.end >= LINE_PAUSE or segment_start
                    or (capital and len(current) >= 3)
                    or prev.text.endswith((".", "!", "?", "…"))
                    or (prev.text.endswith((",", ";", ":")) and len(current) >= 4)
                    or len(current) >= MAX_LINE_WORDS or chars > MAX_LINE_CHARS
                    or w.end - current[0].start > MAX_LINE_SECONDS):
                lines.append(current)
                current = []
        current.append(w)
    if current:
        lines.append(current)
    return lines


def _timed_lines(lines: list[list[Word]], rate: float, duration: float, offset: float) -> list[dict]:
    out = []
    previous_end = 0.0
    for line in lines:
        words = []
        for w in line:
            start = w.start / rate + offset
            if start >= duration or start < 0:
                continue  # after the end of this version, or before its start (cut there): left out, not squeezed in
            start = min(max(start, previous_end, 0.0), duration)
            end = min(max(w.end / rate + offset, start), duration)
            text = _EDGE_PUNCT.sub("", w.text) or w.text
            words.append({"word": text, "start": round(start, 3), "end": round(end, 3)})
            previous_end = end
        if words:
            out.append({"text": " ".join(x["word"] for x in words), "start": words[0]["start"],
                        "end": words[-1]["end"], "words": words})
    return out
