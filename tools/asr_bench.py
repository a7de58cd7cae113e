"""Recognizer bench: how well and how fast Whisper hears a vocal with known words and times.

`python -m tools.asr_bench` (part of `make bench`) builds a one-minute song whose vocal line is
espeak-ng speech placed word by word at known times over the synthetic band (songs.make_song), then prints,
for Whisper tiny.en and base: word recall, median word-start error, seconds of transcription per song
minute and the process's memory. `measure()` is the helper the singer's bench calls to score its sung mix.

The test songs of tests/engine/test_asr.py and test_lyrics.py come from `spoken_song()` too.
"""

from __future__ import annotations

import io
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass

import numpy as np
import soundfile as sf

from remixes.engine import asr
from tools.songs import make_song

SR = 44100

LINES = (
    "the river runs to the silver sea",
    "every night I dream of you",
    "twenty one candles in the window",
    "hold the light and keep it burning",
    "walking home along the quiet road",
    "summer rain is falling on the roof",
    "tell me all the stories of the town",
    "we will sing until the morning comes",
)


@dataclass(frozen=True)
class SpokenSong:
    vocal: np.ndarray  # (n, 2) float32, the vocal alone
    band: np.ndarray  # (n, 2) float32, the band alone
    sr: int
    text: str  # the lines, one per row
    words: tuple[tuple[str, float, float], ...]  # (word, start, end) in seconds, where each was placed

    def mix(self, band_gain: float = 1.0) -> np.ndarray:
        return (self.vocal + band_gain * self.band).astype(np.float32)


def _espeak_word(word: str, pitch: int, speed: int, voice: str) -> tuple[np.ndarray, int]:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed (scripts/install-system-packages.sh)")
    wav = subprocess.run([exe, "--stdout", "-v", voice, "-s", str(speed), "-p", str(pitch), word],
                         check=True, capture_output=True).stdout
    audio, sr = sf.read(io.BytesIO(wav), dtype="float32")
    loud = np.flatnonzero(np.abs(audio) > 0.02 * max(float(np.max(np.abs(audio))), 1e-9))
    return (audio[loud[0]:loud[-1] + 1] if loud.size else audio[:0]), sr


def spoken_song(lines: tuple[str, ...] = LINES[:2], seconds: float | None = None, *, tempo: float = 100.0,
                first: float = 1.0, line_gap: float = 1.2, word_gap: float = 0.06, seed: int = 3,
                voice: str = "en-us") -> SpokenSong:
    """A song whose vocal line says `lines` word by word (pitch following a little tune) at known times.

    Each word is synthesised alone, its silence trimmed, and placed after the previous one with
    `word_gap`; lines are `line_gap` apart. The band (make_song) fills `seconds` (default: the vocal + 1 s).
    """
    from scipy.signal import resample_poly

    tune = (52, 58, 64, 58, 70, 64, 58, 52)
    placed: list[tuple[str, float, float, np.ndarray]] = []
    t = first
    k = 0
    for line in lines:
        for word in line.split():
            audio, sr = _espeak_word(word, tune[k % len(tune)], 140, voice)
            k += 1
            if sr != SR:
                audio = resample_poly(audio, SR, sr).astype(np.float32)
            placed.append((word, t, t + len(audio) / SR, audio))
            t += len(audio) / SR + word_gap
        t += line_gap - word_gap
    total = seconds if seconds is not None else t + 1.0
    n = int(total * SR)
    vocal = np.zeros(n, dtype=np.float32)
    for _, start, _, audio in placed:
        i = int(round(start * SR))
        seg = audio[: max(0, n - i)]
        vocal[i:i + len(seg)] += seg
    vocal *= 0.5 / max(float(np.max(np.abs(vocal))), 1e-9)
    band = make_song(total, tempo=tempo, tonic=0, mode="major", seed=seed)[:n]
    band = band * (0.35 / max(float(np.max(np.abs(band))), 1e-9))
    words = tuple((w, round(s, 3), round(e, 3)) for w, s, e, _ in placed if s < total)
    return SpokenSong(np.repeat(vocal[:, None], 2, axis=1), band.astype(np.float32), SR,
                      "\n".join(lines), words)


def start_errors(reference: tuple[tuple[str, float, float], ...], words) -> list[float]:
    """|start error| of each reference word the transcript has, matched in order by normalised text."""
    hyp = [(asr.normalise_words(w.text), w.start) for w in words]
    hyp = [(tokens[0], start) for tokens, start in hyp if tokens]
    errors = []
    j = 0
    for word, start, _ in reference:
        tokens = asr.normalise_words(word)
        if not tokens:
            continue
        for k in range(j, min(len(hyp), j + 4)):  # a short look-ahead past inserted words
            if hyp[k][0] == tokens[0]:
                errors.append(abs(hyp[k][1] - start))
                j = k + 1
                break
    return errors


def measure(audio: np.ndarray, sr: int, reference: str, *, model: str = "base",
            language: str | None = None) -> dict:
    """Recall of `reference` in what the recognizer hears in `audio`, and what hearing it cost.

    Returns {"recall", "seconds", "seconds_per_minute", "language", "confidence", "text"} (the model is
    loaded before the clock starts).
    """
    asr.load_model(model)
    t0 = time.perf_counter()
    transcript = asr.transcribe(audio, sr, model=model, language=language)
    seconds = time.perf_counter() - t0
    minutes = max(len(audio) / sr / 60.0, 1e-9)
    return {"recall": asr.word_recall(reference, transcript.text, language or "en"), "seconds": seconds,
            "seconds_per_minute": seconds / minutes, "language": transcript.language,
            "confidence": transcript.confidence, "text": transcript.text, "transcript": transcript}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    song = spoken_song(LINES, 60.0)
    print(f"recognizer bench: a {len(song.vocal) / song.sr:.0f} s song, {len(song.words)} words spoken "
          f"at known times over the band")
    for model in ("tiny.en", "base"):
        before = _peak_mb()
        t0 = time.perf_counter()
        asr.load_model(model)
        load = time.perf_counter() - t0
        for label, audio in (("vocal stem (band bleed -12 dB)", song.mix(0.25)), ("full mix", song.mix(1.0))):
            m = measure(audio, song.sr, song.text, model=model)
            errors = start_errors(song.words, m["transcript"].words)
            median = float(np.median(errors)) if errors else float("nan")
            print(f"  whisper {model:8s} {label:30s} recall {m['recall']:.0%}  median |start error| "
                  f"{median:.2f} s  {m['seconds_per_minute']:.1f} s per song minute  "
                  f"language {m['language']}  confidence {m['confidence']:.2f}")
        print(f"  whisper {model:8s} load {load:.1f} s, peak RSS {_peak_mb():.0f} MB "
              f"(+{_peak_mb() - before:.0f} MB)")


if __name__ == "__main__":
    main()
