"""`remix()`: decode, analyse, plan, arrange, render, sing, master - two versions of one song.

Each stage is a call into its own module; this file only wires them and reports progress. The
time-stretched, re-balanced original is computed once and shared by both versions. With two cores,
a pool of two processes stretches while the analysis runs, then renders the versions side by side
while the cover is drawn.
"""

from __future__ import annotations

import ctypes

import os
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

import numpy as np

from . import features
from .analyse import PITCH_NAMES, VOCAL_PRESENCE_THRESHOLD, analyse, detect_rhythm
from .arrange import Arrangement, arrange, choose_timing
from .decode import SAMPLE_RATE, decode
from .master import master
from .render import (Stretch, apply_effects, load_soundfont, rebalance_original, render_band, rms, soundfont_note,
                     vocal_estimate)
from .transcribe import transcribe_parts


@dataclass(frozen=True)
class RemixRequest:
    prompt: str
    lyrics: str | None = None
    gender: str | None = None
    seed: int = 0
    strength: float = 0.5
    instrumental: bool = False
    max_seconds: float = 600.0
    title: str | None = None         # the song's name for the cover; the file's name when None


@dataclass(frozen=True)
class VersionResult:
    index: int
    audio: np.ndarray
    sample_rate: int
    duration: float
    lyrics: str
    lyrics_timestamped: list = field(default_factory=list)
    peaks: list = field(default_factory=list)


@dataclass(frozen=True)
class RemixResult:
    versions: tuple
    plan: dict
    cover_png: bytes
    cover_thumb_png: bytes
    source_duration: float


class _Progress:
    """Monotonic progress reports (an exception raised by the callback, e.g. to cancel, propagates).
    Also clocks the wall time spent in each stage, for the plan's engine notes and the bench."""

    def __init__(self, callback: Callable[[str, float], None] | None):
        self.callback = callback
        self.fraction = 0.0
        self.stage = None
        self.since = time.monotonic()
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage != self.stage:
            if self.stage is not None:
                self.seconds[self.stage] = round(self.seconds.get(self.stage, 0.0) + now - self.since, 2)
            self.stage, self.since = stage, now
        self.fraction = max(self.fraction, min(1.0, fraction))
        if self.callback:
            self.callback(stage, self.fraction)


def remix(source_path, request: RemixRequest, progress=None) -> RemixResult:
    from .style import interpret

    report = _Progress(progress)
    report("decode", 0.0)
    load_soundfont()  # before the helpers fork: they share the instruments' pages instead of loading copies
    with _pool() as pool:
        if pool:
            # Fork the workers now, while this process is small: a child's resident set starts as the
            # parent's at fork time.
            wait([pool.submit(int) for _ in range(2)])
        audio = decode(source_path, request.max_seconds)
        report("analyse", 0.05)
        plan = interpret(request.prompt)
        rhythm = detect_rhythm(audio, SAMPLE_RATE)
        timing = choose_timing(plan, rhythm.tempo, len(audio) / SAMPLE_RATE)
        # The stretch only needs the tempo: it runs in the pool while the rest of the analysis runs here.
        stretch = Stretch(audio, timing.rate, SAMPLE_RATE, pool)
        analysis = analyse(audio, SAMPLE_RATE, rhythm, tick=lambda f: report("analyse", 0.05 + 0.2 * f))
        song_parts = transcribe_parts(None, audio, SAMPLE_RATE, beat_times=analysis.beat_times,
                                      key_tonic=analysis.key_tonic, mode=analysis.mode)
        del audio
        lyrics = (request.lyrics or "").strip()
        sing_lyrics = bool(lyrics) and not request.instrumental
        keep_vocal = plan.keep_vocals and not request.instrumental and not sing_lyrics
        vocal_heard = song_parts.has_vocal  # a sung melody found in a vocal stem (none without stems)
        arrangements = [arrange(plan, analysis, timing, request.strength, _version_seed(request.seed, i), keep_vocal,
                                song_parts=song_parts, carry_melody=not sing_lyrics and not (keep_vocal and vocal_heard))
                        for i in (1, 2)]
        stretched = stretch.result(tick=lambda f: report("tempo", 0.25 + 0.2 * f))
        del stretch  # frees the decoded source and the stretched chunks
        first = arrangements[0]
        report("separate", 0.45)
        original = rebalance_original(stretched, first.original_gain, first.original_percussive_gain,
                                      first.vocal_suppression)
        notes = list(analysis.notes) + list(first.notes) + [n for n in [soundfont_note()] if n]
        if plan.mode and plan.mode != analysis.mode:
            notes.append(f"Asked for a {plan.mode} key: the song's own {analysis.mode} harmony is kept so it stays "
                         "recognisable, and the new parts follow it.")
        vocal_db = plan.levels.get("vocals", 0.0)
        if vocal_db and request.instrumental:
            notes.append(f"Asked for {'louder' if vocal_db > 0 else 'softer'} vocals, but this remix is "
                         "instrumental: there is no vocal to change.")
        if keep_vocal and request.gender and analysis.vocal_presence >= VOCAL_PRESENCE_THRESHOLD:
            # the re-voiced copy goes in at the kept vocal's level, "less vocals" included
            original = _revoice_kept_vocal(original, stretched, request.gender,
                                           first.original_gain * 10 ** (vocal_db / 20))
            notes.append(f"Kept vocal re-voiced toward a {request.gender} voice.")
        reference_rms = rms(stretched)
        del stretched
        _return_freed_memory()  # the helpers render now: what analysis freed should not stay resident here

        report("render", 0.5)
        jobs = [(i, arrangements[i - 1], plan, request, original, reference_rms, lyrics if sing_lyrics else "")
                for i in (1, 2)]
        del original
        cover_features = features.cover_features(analysis, timing.tempo, timing.duration,
                                                 title=request.title or Path(str(source_path)).stem)
        from .cover import draw_cover

        with tempfile.TemporaryDirectory(prefix="remix-") as spill_dir, \
                ThreadPoolExecutor(max_workers=1) as drawer:
            futures = [pool.submit(_spilled, spill_dir, *job) for job in jobs] if pool else None
            if futures:
                jobs = None  # the workers have their own copies of the big arrays
            # The cover is drawn on a thread so this one keeps reporting progress while versions render.
            cover = drawer.submit(draw_cover, plan, cover_features, request.seed)
            results = _collect(futures, jobs, report, extra=cover)
            cover_png, cover_thumb = cover.result()
    versions = tuple(result for result, _, _ in results)
    for _, version_notes, _ in results:
        notes.extend(n for n in version_notes if n not in notes)

    plan_dict = dict(plan.to_dict())
    plan_dict["engine"] = {
        "source_tempo": round(analysis.tempo, 2),
        "tempo": round(timing.tempo, 2),
        "stretch": round(timing.rate, 4),
        "key": f"{PITCH_NAMES[analysis.key_tonic]} {analysis.mode}",
        "key_confidence": round(analysis.key_confidence, 3),
        "chords": len(analysis.chords),
        "melody_notes": len(analysis.melody),
        "sections": [[round(s, 2), round(e, 2), label] for s, e, label, _ in analysis.sections],
        "source_loudness_lufs": round(analysis.loudness_lufs, 2),
        "vocal_presence": round(analysis.vocal_presence, 3),
        "original_level": round(first.original_gain, 3),
        "instruments": [{"version": i + 1, "parts": [[p.role, p.program] for p in a.parts]}
                        for i, a in enumerate(arrangements)],
        "notes": notes,
    }
    report("done", 1.0)
    # Wall-clock seconds per stage (they vary run to run; the audio does not).
    plan_dict["engine"]["timings"] = {"stages": dict(report.seconds),
                                      **{f"version {r.index}": t for r, _, t in results}}
    return RemixResult(versions=versions, plan=plan_dict, cover_png=cover_png, cover_thumb_png=cover_thumb,
                       source_duration=analysis.duration)


def _return_freed_memory() -> None:
    """Hand the heap's free pages back to the system (glibc keeps them by default)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _version_seed(seed: int, index: int) -> int:
    return int(seed) * 1009 + index


def _pool():
    """Two worker processes on a multi-core machine (REMIX_ENGINE_PROCESSES=1 keeps everything in-process).
    Results never depend on scheduling: each task is a pure function of its inputs."""
    if (os.cpu_count() or 1) < 2 or os.environ.get("REMIX_ENGINE_PROCESSES", "2") == "1":
        return nullcontext(None)
    return ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork"))


def _collect(futures, jobs, report, extra=None) -> list:
    """Version results in order; progress keeps ticking while the pool (and `extra`) work."""
    if futures is None:
        results = []
        for k, job in enumerate(jobs):
            results.append(_render_version(*job))
            report("render", 0.5 + 0.45 * (k + 1) / len(jobs))
        return results
    pending = set(futures) | ({extra} if extra is not None else set())
    started = time.monotonic()
    while pending:
        _, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
        report("render", 0.5 + 0.45 * (1 - np.exp(-(time.monotonic() - started) / 6)))
    results = []
    for future in futures:
        result, notes, seconds = future.result()
        results.append((replace(result, audio=np.load(result.audio)), notes, seconds))
    return results


def _revoice_kept_vocal(original: np.ndarray, stretched: np.ndarray, gender: str, gain: float) -> np.ndarray:
    """Swap the estimated centred vocal for its re-voiced copy, at the level the original is kept."""
    from .vocals import revoice

    vocal = vocal_estimate(stretched)
    revoiced = revoice(vocal, SAMPLE_RATE, gender)[: len(vocal)]
    return (original + ((revoiced - vocal) * gain)[:, None]).astype(np.float32)


def _spilled(spill_dir: str, index: int, *job):
    """Run in a worker: render a version and hand its audio back through a .npy file, which the
    parent reads once (a pickled 80 MB array would exist twice in the parent while unpickling)."""
    result, notes, seconds = _render_version(index, *job)
    path = os.path.join(spill_dir, f"version-{index}.npy")
    np.save(path, result.audio)
    return replace(result, audio=path), notes, seconds


def _render_version(index: int, arrangement: Arrangement, plan, request: RemixRequest, original: np.ndarray,
                    reference_rms: float, lyrics: str):
    sr = SAMPLE_RATE
    n = len(original)
    clock = _Clock()
    mix = original.copy()
    for parts, level in (([p for p in arrangement.parts if not p.is_drums], arrangement.band_gain),
                         ([p for p in arrangement.parts if p.is_drums], arrangement.drum_gain)):
        if parts and level > 0:
            mix += render_band(parts, n / sr, level * reference_rms, sr)[:n]
    clock("band")
    mix = apply_effects(mix, plan.effects, plan.reverb, plan.brightness, seed=_version_seed(request.seed, index), sr=sr)
    clock("effects")
    notes: list[str] = []
    sung_text, sung_lines = "", []
    if lyrics:
        sung = _sing(lyrics, arrangement, plan, request, index, n)
        mix += _in_front(sung[0], mix, plan.levels.get("vocals", 0.0))
        sung_text, sung_lines, notes = sung[1], sung[2], list(sung[3])
        clock("vocals")
    audio = master(mix, sr)
    clock("master")
    return (VersionResult(index=index, audio=audio, sample_rate=sr, duration=len(audio) / sr,
                          lyrics=sung_text, lyrics_timestamped=sung_lines, peaks=features.peaks(audio)),
            notes, clock.seconds)


def _in_front(vocal: np.ndarray, mix: np.ndarray, gain_db: float = 0.0) -> np.ndarray:
    """Scale the sung vocal so that, where it sings, it sits slightly above the band (+1 dB RMS), then
    by the prompt's vocal level ("less vocals": -6 dB)."""
    block = 4410
    usable = len(vocal) // block * block
    if usable == 0:
        return vocal
    energy = np.square(vocal[:usable], dtype=np.float64).reshape(-1, block * vocal.shape[1]).mean(axis=1)
    if energy.max() <= 0:
        return vocal
    active = energy > energy.max() * 1e-3  # within 30 dB of its loudest 100 ms
    vocal_rms = float(np.sqrt(energy[active].mean()))
    band = np.square(mix[:usable], dtype=np.float64).reshape(-1, block * mix.shape[1]).mean(axis=1)
    band_rms = float(np.sqrt(band[active].mean())) if band[active].any() else rms(mix)
    scale = 1.12 * band_rms / vocal_rms if vocal_rms > 0 and band_rms > 0 else 1.0
    return vocal * np.float32(scale * 10 ** (gain_db / 20))


class _Clock:
    def __init__(self):
        self.last = time.monotonic()
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name] = round(now - self.last, 2)
        self.last = now


def _sing(lyrics: str, arrangement: Arrangement, plan, request: RemixRequest, index: int, n: int):
    from .vocals import VocalGuide, sing, vocal_chain

    sr = SAMPLE_RATE
    guide = VocalGuide(
        sample_rate=sr, duration=n / sr, tempo_bpm=arrangement.timing.tempo,
        beat_times=arrangement.beat_times, bar_times=arrangement.bar_times,
        key_tonic=arrangement.key_tonic, mode=arrangement.mode,
        chords=arrangement.chords, melody=arrangement.melody, sections=arrangement.sections,
    )
    seed = _version_seed(request.seed, index)
    sung = sing(lyrics, guide, request.gender, seed=seed)
    voice = vocal_chain(sung.audio[:n], sr, plan.vocal_reverb, seed=seed)
    out = np.zeros((n, 2), dtype=np.float32)
    out[: len(voice)] = voice[:n]
    return out, sung.text, list(sung.lines), tuple(sung.notes)
