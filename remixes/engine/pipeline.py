"""`remix()`: decode, separate, analyse, plan, arrange, render, sing, master - two versions of one song.

Each stage is a call into its own module; this file only wires them and reports progress. The song is
split into stems (separate.py: vocals, accompaniment; drums, bass, other estimated), and what depends only
on the source file (stems, analysis, transcription) goes through the stems cache, keyed by the file's
content hash, so a second remix of the same song skips it. The kept original is rebuilt from the stems
at the arrangement's gains (the vocal stem removed for new lyrics or an instrumental, kept clean and
apart otherwise, the prompt's "no drums" / "more bass" on the real stems), time-stretched once and
shared by both versions; new lyrics are sung once, for both versions. With two cores, a pool of two
processes separates while the analysis runs, then sings while it stretches, and two more render the
versions side by side while the cover is drawn. Each version's stems (instrumental, vocals) and the
source's (vocals, accompaniment) are written as wav into `workdir`.
"""

from __future__ import annotations

import ctypes
import gc

import os
import pickle
import shutil
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from multiprocessing import current_process, get_context
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from . import features
from .analyse import PITCH_NAMES, VOCAL_PRESENCE_THRESHOLD, Analysis, analyse, detect_rhythm
from .arrange import Arrangement, arrange, choose_timing, clock, section_spans, varispeed_factor
from .decode import SAMPLE_RATE, decode, mono_of, probe
from .errors import EngineError
from .lyrics import TRANSCRIPT_VERSION, kept_vocal_lyrics, transcribe_vocal_stem_file, vocal_plan_entry
from .encode import write_pcm16_wav
from .master import TARGET_LUFS, fade_edges, master, target_loudness
from .render import (Stretch, add_ambience, add_risers, apply_effects, apply_effects_in_span, apply_spans,
                     instrument_name, keep_freed_blocks, load_soundfont, pump_envelope, release_soundfont,
                     render_band_apart, rms, soundfont_note)
from .retimbre import PAD_CENTRE_HZ, pitch_class_pad
from .separate import Stems, separate
from .transcribe import transcribe_parts
from .vocabulary import EffectKind

if TYPE_CHECKING:  # the prompt reader is imported when a remix starts
    from .style import StylePlan


DEFAULT_STRENGTH = 0.5


@dataclass(frozen=True)
class RemixRequest:
    prompt: str
    lyrics: str | None = None
    gender: str | None = None
    seed: int = 0
    strength: float = DEFAULT_STRENGTH
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
    stems: dict = field(default_factory=dict)   # "instrumental" (and "vocals" unless instrumental) -> wav Path
    mp3: bytes | None = None     # with remix(encode=True): the version as 192 kb/s mp3
    wav: Path | None = None      # with remix(encode=True): the version as a 16-bit wav file in the workdir
    start: float = 0.0           # seconds of the remix cut off before it ("skip the intro", "start at the chorus")


@dataclass(frozen=True)
class RemixResult:
    versions: tuple
    plan: dict
    cover_png: bytes
    cover_thumb_png: bytes
    source_duration: float
    source_stems: dict = field(default_factory=dict)  # "vocals", "accompaniment" -> wav Path (44.1 kHz 16-bit)
    source_key: str = ""  # the source's content hash: its key in the stems cache


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


# Versions of the cached entries: bump one when the code or model that makes that entry changes.
STEMS_VERSION = "spleeter2v-3972feb9-s2"  # the vocal U-Net's mask (spleeter-2stems-vocals.onnx); s2: drums/other split
ANALYSIS_VERSION = "a2"  # a2: chords, melody and sections as music.Chord/Tone/Section
PARTS_VERSION = "p6"  # p2: SongParts.fidelity (how much of the song the notes explain); p3: music.Note/Chord; p4: chords also from the audio chroma, third_presence; p5: a vocal stem 14 dB under the accompaniment is not a singer; p6: SongParts.tones (the pitch classes each beat sounds)
STEM_NOTE = ("Stems: vocals and accompaniment separated by a neural network (Spleeter 2-stem); the drums, bass "
             "and other stems are estimates (harmonic/percussive and low-pass split of the accompaniment).")


def remix(source_path, request: RemixRequest, progress=None, cache=None, workdir=None,
          encode: bool = False) -> RemixResult:
    """Two versions of the song at `source_path`.

    `cache`: a StemsCache or a directory for one (decoding, separation, analysis and transcription of
    this file are computed once and reused by later remixes of the same bytes); None computes them
    in a temporary folder removed on return. `workdir`: where the stem wav files of the result are written (RemixResult.source_stems,
    VersionResult.stems); a new temporary directory, left to the caller, when None. `encode`: each version
    is also encoded where it is rendered, side by side: VersionResult.mp3 (192 kb/s) and .wav
    (`workdir`/version-N.wav, 16-bit), so the caller need not encode them again one after the other.

    A script that calls remix() must do so under `if __name__ == "__main__":`: the kept vocal's recognizer
    runs in a spawned interpreter, which imports the script's main module first (multiprocessing's rule).
    """
    if getattr(current_process(), "_inheriting", False):
        # a spawned helper running the caller's script again: it would wait forever on the cache entry
        # that the remix which spawned it holds
        raise EngineError('remix() was called while a helper process started: call it under '
                          'if __name__ == "__main__": in the script')
    scratch: list = []
    try:
        return _remix(source_path, request, progress, cache, workdir, scratch, encode)
    finally:
        for folder in scratch:
            folder.cleanup()


def _remix(source_path, request: RemixRequest, progress, cache, workdir, scratch_dirs: list,
           encode: bool = False) -> RemixResult:
    from .stems_cache import StemsCache, source_key
    from .style import stronger_take, surprise_plan

    report = _Progress(progress)
    report("decode", 0.0)
    workdir = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="remix-"))
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = None
    if cache is None:  # computed for this remix only, in a folder that goes when it returns
        scratch = tempfile.TemporaryDirectory(prefix="remix-stems-")
        scratch_dirs.append(scratch)
        store = StemsCache(scratch.name, max_bytes=None)
    elif isinstance(cache, StemsCache):
        store = cache
    else:
        store = StemsCache(cache)
    probe(source_path, request.max_seconds)  # too long / not audio: fail before any work
    key = source_key(source_path)
    plan = surprise_plan(request.prompt, request.seed)  # interpret(), or a style drawn by the seed ("surprise me")
    request = replace(request, strength=asked_strength(plan, request))
    strength = 0.0 if plan.as_is else request.strength  # "add reverb": the song's own arrangement, only treated
    if plan.voice and not request.gender:  # "female vocals" in the prompt, no gender option given
        request = replace(request, gender=plan.voice)
    lyrics = (request.lyrics or "").strip()
    sing_lyrics = bool(lyrics) and not request.instrumental
    # With everything of this song in the cache, no helper has anything to do until the tempo stage: one
    # starts the singer then (_EarlySinger), which loads its models while this process reads and arranges.
    singer = _EarlySinger(lyrics) if sing_lyrics and all(
        store.has(key, name, version)
        for name, version in (("stems", STEMS_VERSION), ("analysis", ANALYSIS_VERSION), ("parts", PARTS_VERSION))) \
        else None
    with ExitStack() as stack:
        # Two short-lived helpers separate, analyse and transcribe (what the stems cache keeps) and stretch
        # the kept original, so their memory goes when they are done; two more render the versions. The
        # helpers fork now, while this process is small (a child's resident set starts as the parent's at
        # fork time); the render helpers fork once the stretch is spilled, when it is small again, after the
        # soundfont and the singer are loaded here (while the stretch runs) for them to share.
        helpers = stack.enter_context(_pool(singer))
        if helpers:
            wait([helpers.submit(int) for _ in range(2)])
        singer = _EarlySinger.started(singer, helpers, stack)
        side = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        # Separation runs in one helper (or on the side thread) while the analysis runs in the other.
        analysed, heard = threading.Event(), []  # heard: the stems' notes, heard early (see _cached_stems)
        stems_future = side.submit(_cached_stems, store, key, source_path, request.max_seconds, helpers, analysed,
                                   heard)
        report("analyse", 0.05)
        rhythm, analysis = store.value(key, "analysis", ANALYSIS_VERSION, lambda: _in_helper(
            helpers, report, "analyse", 0.24, _analyse_file, str(source_path), request.max_seconds))
        analysed.set()
        report("separate", 0.25)
        stems = _waiting(stems_future, report, "separate", 0.36)
        stems_future = None  # the stems are unmapped once the last reference goes
        report("separate", 0.36)
        song_parts = store.value(key, "parts", PARTS_VERSION, lambda: _in_helper(
            helpers, report, "separate", 0.39, _transcribe_files, str(stems.vocals.filename),
            str(stems.accompaniment.filename), analysis.beat_times, analysis.key_tonic, analysis.mode,
            _heard_early(heard, report)))
        if helpers and store.computed:
            # they separated, analysed or transcribed: their memory goes, and two fresh small ones stretch
            # and sing (the singer starts now, and loads its models while this process arranges)
            if singer is not None:
                singer.cancel()
            helpers.shutdown(wait=True)
            singer = _EarlySinger(lyrics) if sing_lyrics else None
            helpers = stack.enter_context(_pool(singer))
            wait([helpers.submit(int) for _ in range(2)])
            singer = _EarlySinger.started(singer, helpers, stack)
        timing = choose_timing(plan, rhythm.tempo, len(stems.vocals) / SAMPLE_RATE)
        vocal_found = analysis.vocal_presence >= VOCAL_PRESENCE_THRESHOLD or song_parts.has_vocal
        keep_vocal = plan.keep_vocals and not request.instrumental and not sing_lyrics
        vocal_heard = song_parts.has_vocal  # a sung melody found in the vocal stem
        carry_melody = not sing_lyrics and not (keep_vocal and vocal_heard)
        first = arrange(plan, analysis, timing, strength, _version_seed(request.seed, 1), keep_vocal,
                        song_parts=song_parts, carry_melody=carry_melody)
        edges = tuple(t / timing.rate for t in sound_edges(stems)) \
            if plan.start == "after_silence" or plan.end == "before_silence" else ()  # "trim the silence"
        first = replace(first, sound_edges=edges)
        gains = _stem_gains(first, plan, keep_vocal and vocal_found)

        # One helper sings the lyrics, once for both versions, while the other stretches the kept original
        # (stems x gains, read by the helpers themselves) to the remix's tempo: both start as soon as the
        # first version is arranged (all they read of the versions), the second is arranged meanwhile.
        # Then the render helpers fork, sharing the soundfont loaded here, and take their tasks as cores come
        # free (_render_when_free): the bands play while the singer sings, and each version is finished
        # (effects, vocal, master, stems and, with `encode`, the mp3 and wav) without the soundfont.
        report("tempo", 0.4)
        n = len(stems.vocals) if timing.rate == 1.0 else int(round(len(stems.vocals) / timing.rate))
        first = _sung_within_the_cut(first, plan, n)
        sung = None
        if sing_lyrics and helpers:
            voice = (plan.vocal_tune, plan.vocal_harmony, plan.vocal_delivery, plan.vocal_pitch)
            sung = singer.ask(first, request, n, str(workdir), *voice) if singer is not None else \
                helpers.submit(_guarded, _sing_once, lyrics, first, request, n, str(workdir), *voice)
        # the kept vocal is stretched on its own (re-voiced, placed, its own stem): not in the instrumental
        if sung is not None and singer is not None:  # the other helper, the singer's being busy singing
            helpers.submit(_yield_to_singer)
        fine = strength <= FINE_STRETCH_STRENGTH
        stretch_inst = Stretch(_StemMix(stems, {**gains, "vocals": 0.0}, first.pad_centre_hz, first.stem_spans),
                               timing.rate, SAMPLE_RATE, helpers, fine)
        kept = None
        if gains["vocals"] > 0:
            kept = Stretch(_StemMix(stems, {"vocals": gains["vocals"]}), timing.rate, SAMPLE_RATE, helpers, fine)
        arrangements = [first, _sung_within_the_cut(replace(arrange(
            plan, analysis, timing, strength, _version_seed(request.seed, 2), keep_vocal, song_parts=song_parts,
            carry_melody=carry_melody), sound_edges=edges), plan, n)]
        vocal_file = getattr(stems.vocals, "filename", None) or stems.vocals  # for the kept vocal's words
        notes = list(analysis.notes) + list(first.notes) + [n for n in [soundfont_note()] if n] + [STEM_NOTE]
        # a song kept as it is has no band to play another way: its second version takes the treatment further
        second, stronger = stronger_take(plan)
        plans = (plan, second)
        if plan.as_is and request.strength > 0:
            notes.append(f"No style named: the song's own arrangement is kept (strength {request.strength:g} not "
                         "applied; name a style to remix it).")
        if plan.as_is:
            notes.append("Version 2: the same, the treatment taken further: " + "; ".join(stronger) + "." if stronger
                         else "Both versions alike: nothing asked has an amount to take further (a tempo, a key, a "
                         "level or a part of the song is the same in both).")
        speed = varispeed_factor(plan)  # the record's speed ("nightcore"), 1.0 without
        cut_start, cut_end, cut_notes = excerpt(plan, first, n / SAMPLE_RATE / speed)
        notes.extend(cut_notes)
        repeated = repeats(plan, first, cut_start, cut_end - cut_start)
        notes.extend(repeated[3])
        moved = transposition(plan, analysis.key_tonic, analysis.mode)
        if moved or plan.key_tonic is not None:
            now = PITCH_NAMES[(analysis.key_tonic + moved) % 12]
            notes.append(f"Moved {moved:+d} semitones, its tempo kept: in {now} {analysis.mode} (the song's own "
                         f"{PITCH_NAMES[analysis.key_tonic]} {analysis.mode}), the band and the vocal together."
                         if moved else f"Already in {now}: nothing moved.")
        if plan.varispeed:
            played = PITCH_NAMES[(analysis.key_tonic + plan.varispeed + moved) % 12]
            notes.append(f"Played x{speed:.2f} as a record at another speed: {plan.varispeed:+d} "
                         f"semitones, in {played} {analysis.mode}, at {timing.tempo * speed:.0f} bpm "
                         "(the words sung or kept go up or down with it).")
        if plan.key_change:
            at = modulation_point(first)
            into = PITCH_NAMES[(analysis.key_tonic + plan.varispeed + moved + plan.key_change) % 12]
            notes.append(f"Key change: up {plan.key_change} semitone{'s' if plan.key_change > 1 else ''} from "
                         f"{clock(at / speed)}, the last chorus's first downbeat, into {into} {analysis.mode}, the "
                         "band and the vocal together." if at is not None else "Asked for a key change at the end, "
                         f"but the song has less than {MODULATION_ROOM:.0f} s after its last chorus: none made.")
        if plan.orbit:
            notes.append(f"8D audio: the mix circles the listener's head once every {orbit_seconds(plan, first):.1f} s "
                         f"({plan.orbit // 4} bars): in front, at the right ear, behind (duller), at the left ear.")
        if plan.mode and plan.mode != analysis.mode:
            notes.append(f"Asked for a {plan.mode} key: the song's own {analysis.mode} harmony is kept so it stays "
                         "recognisable, and the new parts follow it.")
        loud = target_loudness(plan.modifiers)
        if loud != TARGET_LUFS:
            notes.append(f"Mastered to {loud:.0f} LUFS, " + (
                f"louder than the usual {TARGET_LUFS:.0f} (its peaks limited more)" if loud > TARGET_LUFS else
                f"quieter than the usual {TARGET_LUFS:.0f}, its peaks limited less (more of its dynamics kept)") + ".")
        vocal_db = plan.levels.get("vocals", 0.0)
        if vocal_db and request.instrumental:
            notes.append(f"Asked for {'louder' if vocal_db > 0 else 'softer'} vocals, but this remix is "
                         "instrumental: there is no vocal to change.")
        if sing_lyrics:
            notes.append("The original vocal stem is removed: the new lyrics are sung over the accompaniment.")
        elif request.instrumental or not plan.keep_vocals:
            notes.append("The original vocal stem is left out.")
        reference_rms = store.value(key, "rms", STEMS_VERSION, lambda: _stems_rms(stems))  # a pass over both stems
        source_stems = side.submit(_source_stem_files, None if scratch is not None else store, key, stems, workdir)
        load_soundfont()  # for the render helpers to share the instruments' pages
        names = {(p.program, p.is_drums): instrument_name(p.program, p.is_drums) for a in arrangements for p in a.parts}
        _preload_render()
        wait([source_stems])  # no thread of this process is busy when the render helpers fork
        pool = stack.enter_context(_pool())
        if pool:
            wait([pool.submit(int) for _ in range(2)])
            release_soundfont()  # only the render helpers play notes
        original_path = kept_path = original = None
        if kept is not None and request.gender:
            notes.append(f"Kept vocal re-voiced toward a {request.gender} voice.")
        tune = (plan.vocal_tune, plan.vocal_harmony, analysis.key_tonic, analysis.mode, first.voice_spans) \
            if plan.vocal_tune or plan.vocal_harmony else None
        if plan.vocal_tune:
            notes.append(_tune_note(plan.vocal_tune, analysis, kept is not None or sing_lyrics,
                                    plan.varispeed + moved))
        if plan.vocal_delivery:
            how = "breathy (more air than voice)" if plan.vocal_delivery == "breathy" else "in a whisper (no pitch)"
            notes.append(f"The new lyrics are sung {how}." if sing_lyrics else
                         f"Asked for vocals sung {how}: only new lyrics are sung so; the song's own vocal is kept as "
                         "it was sung.")
        if plan.vocal_harmony:
            notes.append(_harmony_note(plan.vocal_harmony, analysis, kept is not None or sing_lyrics,
                                       plan.varispeed + moved).removesuffix(".")
                         + (" (in the parts of the song asked, above)." if first.voice_spans is not None else "."))
        if pool:
            # the kept original goes to a file as it is stitched, on the side thread (the render helpers read
            # it from there), while this one starts the render helpers' tasks
            stretched = side.submit(_stretched_files, stretch_inst, kept, workdir, request.gender, tune,
                                    plan.vocal_pitch)
            del stretch_inst, kept, stems
            sung_file = str(Path(workdir) / ".sung.npy") if sung is not None else None  # as _sing_once spills it
            band = lambda k: pool.submit(_band_spilled, str(workdir), k + 1, arrangements[k],  # noqa: E731
                                         reference_rms, n, sung_file)
            finish = lambda k, played, vocal: pool.submit(  # noqa: E731
                _finish_spilled, str(workdir), k + 1, arrangements[k], plans[k], request, stretched.result()[0],
                played, lyrics if sing_lyrics else "", stretched.result()[1], workdir, vocal, encode)
            futures, sung = _render_when_free(band, finish, sung, stretched, report,
                                              helpers_done=(lambda: helpers.shutdown(wait=False)) if helpers else None)
            original_path, kept_path = stretched.result()
        else:
            original = stretch_inst.result(lambda f: report("tempo", 0.4 + 0.05 * f))
            del stretch_inst
            if kept is not None:
                kept_path = _stretched_kept_file(kept, workdir, request.gender, tune, plan.vocal_pitch)
                del kept
            del stems
        if helpers:
            helpers.shutdown(wait=True)
        _return_freed_memory()

        report("render", max(0.5, report.fraction))
        cover_features = features.cover_features(analysis, timing.tempo * speed, timing.duration / speed,
                                                 title=request.title or Path(str(source_path)).stem,
                                                 instruments=[names[p.program, p.is_drums] for p in playing(first)],
                                                 transpose=plan.varispeed + moved)
        from .cover import draw_cover

        # The cover is drawn on a thread so this one keeps reporting progress while versions render.
        cover = side.submit(draw_cover, plan, cover_features, request.seed)
        if pool:
            results = _collect(futures, None, report, extra=cover)
        else:
            sung = _sing_once(lyrics, first, request, n, vocal_tune=plan.vocal_tune,
                              vocal_harmony=plan.vocal_harmony) if sing_lyrics else None
            jobs = [(i, arrangements[i - 1], plans[i - 1], request, original, reference_rms,
                     lyrics if sing_lyrics else "", kept_path, workdir, sung, encode) for i in (1, 2)]
            results = _collect(None, jobs, report, extra=cover)
        cover_png, cover_thumb = cover.result()
        source_stems = source_stems.result()
        transcript = None
        if kept_path is not None and not sing_lyrics:
            # The kept vocal's words (lyrics.py), once per source: after the renders, so that the recognizer's
            # memory does not add to theirs.
            report("lyrics", 0.95)
            transcript = store.value(key, "words", TRANSCRIPT_VERSION, lambda: _transcribe_vocals(vocal_file, pool))
    for path in (original_path, kept_path, sung[0] if sung is not None and isinstance(sung[0], str) else None):
        if path is not None:
            Path(path).unlink(missing_ok=True)
    versions = tuple(result for result, _, _ in results)
    vocal_entries = [_vocal_entry(v.index, sing_lyrics, kept_path is not None) for v in versions]
    if transcript is not None:
        versions, vocal_entries = _kept_lyrics(versions, transcript, timing.rate * speed,
                                               offset=-cut_start)
        if repeated[2]:  # the words of a part played again are sung again
            versions = tuple(replace(v, lyrics_timestamped=_lines_with_repeats(v.lyrics_timestamped, *repeated[:3]))
                             for v in versions)
        if plan.reverse:  # "play it backwards": the song's words heard backwards, last first
            versions = tuple(replace(v, lyrics_timestamped=_lines_reversed(v.lyrics_timestamped, v.duration))
                             for v in versions)
    for _, version_notes, _ in results:
        notes.extend(n for n in version_notes if n not in notes)

    plan_dict = dict(plan.to_dict())
    plan_dict["engine"] = {
        "source_tempo": round(analysis.tempo, 2),
        "tempo": round(timing.tempo * speed, 2),
        "stretch": round(timing.rate * speed, 4),  # source time = (version time + offset) x stretch
        "offset": round(versions[0].start, 3),  # seconds of the remix cut off before its start ("skip the intro")
        # "loop the chorus": the version's start and end of the part played again, and how many more times
        "repeat": [round(repeated[0], 3), round(repeated[1], 3), repeated[2]] if repeated[2] else [],
        "varispeed": round(speed, 4),  # of which the record's speed ("nightcore"), 1.0 without
        "reversed": plan.reverse,  # "play it backwards": a version's time t is the time above of its length - t
        "key": f"{PITCH_NAMES[analysis.key_tonic]} {analysis.mode}",
        "key_confidence": round(analysis.key_confidence, 3),
        "chords": len(analysis.chords),
        "melody_notes": len(analysis.melody),
        "sections": [[round(s.start, 2), round(s.end, 2), s.label] for s in analysis.sections],
        "source_loudness_lufs": round(analysis.loudness_lufs, 2),
        "vocal_presence": round(analysis.vocal_presence, 3),
        "original_level": round(first.accompaniment_gain, 3),
        "stem_gains": {name: round(g, 3) for name, g in gains.items()},
        "instruments": [{"version": i + 1, "parts": [[p.role, p.program, names[p.program, p.is_drums]]
                                                      for p in playing(a)]}
                        for i, a in enumerate(arrangements)],
        "vocal": vocal_entries,
        "cache": {"key": key[:16], "computed": [name for _, name in store.computed]},
        "notes": notes,
    }
    report("done", 1.0)
    # Wall-clock seconds per stage (they vary run to run; the audio does not).
    plan_dict["engine"]["timings"] = {"stages": dict(report.seconds),
                                      **{f"version {r.index}": t for r, _, t in results}}
    return RemixResult(versions=versions, plan=plan_dict, cover_png=cover_png, cover_thumb_png=cover_thumb,
                       source_duration=analysis.duration, source_stems=source_stems, source_key=key)


# Up to this strength the stretched original is most of what is heard (at 0 it is the remix), so it goes through
# Rubber Band's finer engine: ~3x the stretch's CPU, where the band covers the faster engine's smear above it.
FINE_STRETCH_STRENGTH = 0.25


def _preload_render() -> None:
    """What every render helper would otherwise import or build for itself, done once here before they
    fork, so they share it: scipy.signal (the band's DC blocker, the master's K-weighting, ~1-2 s to
    import), pedalboard, the vocal chain's modules and the master's filters. The singer's models are not
    loaded here: only this process sings, after the helpers fork, and frees them when it is done. A
    warm-up only: any failure here leaves the helpers to do it themselves."""
    try:
        import pedalboard  # noqa: F401
        import scipy.signal  # noqa: F401

        from .vocals import vocal_chain  # noqa: F401 - the chain alone: no singer, no WORLD, no Praat
        from .master import _k_filters

        _k_filters(SAMPLE_RATE)
    except Exception:  # noqa: BLE001 - a warm-up must never fail a remix
        return


def _stretched_files(stretch_inst: Stretch, kept: Stretch | None, workdir, gender: str | None, tune=None,
                     pitch: int = 0):
    """The stretched original spilled to a file as its pieces come in, then the kept vocal's (re-voiced toward
    `gender`, moved `pitch` semitones, pitch-corrected by `tune` when asked), or None: (original's path, kept
    vocal's path)."""
    original_path = stretch_inst.spill(Path(workdir) / ".original.npy")
    return original_path, None if kept is None else _stretched_kept_file(kept, workdir, gender, tune, pitch)


def _stretched_kept_file(kept: Stretch, workdir, gender: str | None, tune=None, pitch: int = 0) -> str:
    """`tune`: (plan.vocal_tune, plan.vocal_harmony, key tonic, mode, where the harmony sings: Arrangement.voice_spans),
    or None; `pitch`: plan.vocal_pitch."""
    kept_audio = kept.result()
    if gender:  # the re-voiced copy replaces the kept vocal, at its level ("less vocals" included)
        kept_audio = _revoice_kept_vocal(kept_audio, gender)
    if pitch:  # "pitched up vocals": an octave, its formants with it
        kept_audio = pitch_shifted(kept_audio, pitch)
    if tune is not None:
        from .vocals.tune import tune as tune_vocal

        kind, harmony, key_tonic, mode, spans = tune
        if kind:
            kept_audio = _on_the_mid(kept_audio, lambda mid: tune_vocal(mid, SAMPLE_RATE, kind, key_tonic, mode))
        if harmony:
            from .vocals.tune import harmonise

            kept_audio = _on_the_mid(kept_audio, lambda mid: harmonise(mid, SAMPLE_RATE, harmony, key_tonic, mode,
                                                                       spans))
    return _spill(workdir, "kept-vocal", kept_audio)


def _tune_note(kind: str, analysis: Analysis, has_vocal: bool, transpose: int = 0) -> str:
    """`transpose`: semitones the version is played up or down (the plan's varispeed): the key named is heard."""
    if not has_vocal:
        return f"Asked for {'autotune' if kind == 'autotune' else 'a robot voice'}, but this remix has no vocal."
    key = f"{PITCH_NAMES[(analysis.key_tonic + transpose) % 12]} {analysis.mode}"
    return ("The vocal is autotuned: its pitch snapped to the notes of the song's key, " + key + "." if kind == "autotune"
            else f"The vocal is a robot voice: held on the tonic of the song's key, {key}.")


def _harmony_note(kind: str, analysis: Analysis, has_vocal: bool, transpose: int = 0) -> str:
    what = "backing harmony" if kind == "harmony" else "doubled vocal"
    if not has_vocal:
        return f"Asked for a {what}, but this remix has no vocal."
    key = f"{PITCH_NAMES[(analysis.key_tonic + transpose) % 12]} {analysis.mode}"
    return (f"The vocal has a backing harmony: a second voice a third from the lead's notes, in {key}, under it."
            if kind == "harmony" else "The vocal is doubled: a second take of the lead, a little sharp and late, "
            "under it.")


def _yield_to_singer() -> None:
    """Run in the helper beside the singer: it stretches at a lower priority, so the singer (whose vocal every
    version's finish waits for) gets a core of its own while this process arranges and loads."""
    os.nice(10)


def _render_when_free(band, finish, sung, stretched, report, helpers_done=None):
    """Start the render helpers' tasks as cores come free: two processes work at once at most (two cores, and
    the memory of two), counting the singer and the stretch still working in the other helpers. A band needs
    only its arrangement, so both bands play while the singer sings and the stretch runs; a version's finish
    needs its band, the stretched files (`stretched`, a future) and the sung vocal (`sung`, a future, or None
    without lyrics), and goes before a band that could start too: the finishes end the remix.
    band(k) and finish(k, band's result, sung vocal) submit version k's tasks (k = 0, 1); `helpers_done()` is
    called once the singer and the stretch are both done (their helpers can go: the singer's voice and
    runtime, ~150-250 MB, no longer count while the second band plays and the first version is finished).
    (the two finishes' futures, the sung vocal)."""
    bands, finishes, sung_vocal = [None, None], [None, None], None
    while not all(finishes):
        if sung is not None and sung.done() and sung_vocal is None:
            sung_vocal = _unguarded(sung.result())  # a singer's failure fails the remix here
        busy = (sung is not None and not sung.done()) + (not stretched.done())
        busy += sum(f is not None and not f.done() for f in bands + finishes)
        for k in (0, 1):
            if busy < 2 and finishes[k] is None and bands[k] is not None and bands[k].done() \
                    and stretched.done() and (sung is None or sung.done()):
                finishes[k] = finish(k, bands[k].result(), sung_vocal)
                busy += 1
        for k in (0, 1):
            if busy < 2 and bands[k] is None:
                bands[k] = band(k)
                busy += 1
        if helpers_done is not None and stretched.done() and (sung is None or sung.done()):
            helpers_done()  # after the tasks it let start: they do not wait for the helpers to exit
            helpers_done = None
        working = [f for f in (sung, stretched, *bands, *finishes) if f is not None and not f.done()]
        if not all(finishes) and working:
            wait(working, timeout=1.0, return_when=FIRST_COMPLETED)
            stage = "tempo" if stretched.running() or (sung is not None and sung.running()) else "render"
            report(stage, min(0.5 if stage == "tempo" else 0.7, report.fraction + 0.004))
    return finishes, sung_vocal


def _waiting(future, report, stage: str, upto: float):
    """A future's result, reporting progress (a little more each second, up to `upto`) while it runs."""
    while True:
        try:
            return future.result(timeout=1.0)
        except FuturesTimeout:
            report(stage, min(upto, report.fraction + 0.004))


def _in_helper(helpers, report, stage: str, upto: float, function, *args):
    """function(*args) in a helper process when there are helpers, else here. An EngineError raised in the
    helper is raised here as the same class with the same user message (not all of them pickle)."""
    if helpers is None:
        return function(*args)
    return _unguarded(_waiting(helpers.submit(_guarded, function, *args), report, stage, upto))


@dataclass(frozen=True)
class _Failure:
    cls: type
    message: str


def _guarded(function, *args):
    try:
        return function(*args)
    except EngineError as exc:
        return _Failure(type(exc), exc.user_message)


def _unguarded(outcome):
    """_guarded's outcome: an EngineError raised in a helper is raised here as the same class with the
    same user message."""
    if isinstance(outcome, _Failure):
        error = outcome.cls.__new__(outcome.cls)
        EngineError.__init__(error, outcome.message)
        raise error
    return outcome


def _analyse_file(source_path: str, max_seconds: float):
    """(rhythm, analysis) of a song file."""
    audio = decode(source_path, max_seconds)
    rhythm = detect_rhythm(audio, SAMPLE_RATE)
    return rhythm, analyse(audio, SAMPLE_RATE, rhythm)


def _transcribe_files(vocals_path: str, accompaniment_path: str, beat_times, key_tonic: int, mode: str,
                      heard=None):
    """The song's parts transcribed from its vocal and accompaniment stem files; `heard`: what _hear_files
    already heard in them (then only the lines and chords are left)."""
    if heard is not None:
        return transcribe_parts(None, None, SAMPLE_RATE, beat_times=beat_times, key_tonic=key_tonic, mode=mode,
                                heard=heard)
    return transcribe_parts(_stem_mono(vocals_path), _stem_mono(accompaniment_path), SAMPLE_RATE,
                            beat_times=beat_times, key_tonic=key_tonic, mode=mode)


def _stem_mono(path: str) -> np.ndarray:
    """A stem file's mono mix (decode.mono_of), its two channels read from the memory map."""
    return mono_of(np.load(path, mmap_mode="r"))


def _hear_files(vocals_path: str, accompaniment_path: str):
    """transcribe.hear() of the stem files (the heavy half of the transcription), in the helper that
    separated while the other one still analyses. librosa (the rest of the transcription's chroma, ~1.4 s of
    CPU to load) is not loaded here: the analysing helper has it, and it takes the rest when it is idle
    first, which it is unless its analysis outlasts this hearing (~4 s of CPU after the separation)."""
    from .transcribe import hear

    return hear(*(_stem_mono(path) for path in (vocals_path, accompaniment_path)), SAMPLE_RATE)


def _heard_early(heard: list, report):
    """The result of _hear_files when _cached_stems started it and it worked, else None (then
    _transcribe_files hears the stems itself)."""
    if not heard:
        return None
    try:
        outcome = _waiting(heard.pop(), report, "separate", 0.38)
    except Exception:  # noqa: BLE001 - the transcription then does it all and reports any real failure
        return None
    return None if isinstance(outcome, _Failure) else outcome


def _cached_stems(store, key: str, source_path, max_seconds: float, pool, analysed=None, heard=None):
    """The source's stems from the cache, separated (in a helper process when there is a pool) if missing.
    When a helper separated them and the analysis is still running (`analysed` not set yet), that helper,
    idle now, starts hearing their notes (_hear_files, its future appended to `heard`) while the other one
    finishes analysing: the transcription, which needs the analysis, is then left with lines and chords."""
    from .separate import STEM_NAMES

    separated = []

    def fill(directory: Path):
        if pool is not None:
            outcome = pool.submit(_guarded, _separate_file, str(source_path), max_seconds, str(directory), True).result()
            if isinstance(outcome, _Failure):
                error = outcome.cls.__new__(outcome.cls)
                EngineError.__init__(error, outcome.message)
                raise error
            separated.append(directory)
        else:
            _separate_file(str(source_path), max_seconds, str(directory))

    def load(directory: Path):
        # read with plain reads, a block at a time (not memory-mapped): the pages of five full-length
        # stems never count in this process's memory while it mixes, stretches and writes them
        return Stems(**{name: _NpyReader(str(directory / f"{name}.npy")) for name in STEM_NAMES})

    stems = store.files(key, "stems", STEMS_VERSION, fill, load)
    if separated and heard is not None and analysed is not None and not analysed.is_set():
        heard.append(pool.submit(_guarded, _hear_files, stems.vocals.filename, stems.accompaniment.filename))
    return stems


def _separate_file(source_path: str, max_seconds: float, directory: str, in_helper: bool = False) -> None:
    """Decode and separate into DIR/<stem>.npy (in a helper, the network's memory goes when it returns)."""
    from .separate import release_session

    separate(decode(source_path, max_seconds), SAMPLE_RATE, directory=directory)
    if in_helper:
        release_session()  # a helper lives for one remix: free the network now
    gc.collect()
    _return_freed_memory()


def _stem_gains(arrangement: Arrangement, plan: StylePlan, keep_vocal: bool) -> dict[str, float]:
    """Linear gains of the source's stems in the kept original. The arrangement's balance, then the
    prompt's levels on the real stems: "more bass" / "softer drums" move the bass / drums stems, "no drums"
    (or a style without drums) drops the drums stem; a vocal not kept is dropped (0)."""
    levels = plan.levels
    drums = 0.0 if not plan.drums else arrangement.original_drums_gain * 10 ** (levels.get("drums", 0.0) / 20)
    return {
        "vocals": float(arrangement.vocal_gain) if keep_vocal else 0.0,
        "drums": float(drums),
        "bass": float(arrangement.original_bass_gain * 10 ** (levels.get("bass", 0.0) / 20)),
        "other": float(arrangement.accompaniment_gain),
        "other_pad": float(arrangement.accompaniment_pad_gain),
        "bass_pad": float(arrangement.bass_pad_gain),
    }


class _StemMix:
    """The sum of gain x stem, read a block of rows at a time (slices in order), in whichever process
    reads it: it pickles as its stems' files (or this process's open handles on them). `spans`: ((stem, start,
    end, gain), ...), a stem's gain in a part of the song ("no drums in the verse"; Arrangement.stem_spans)."""

    def __init__(self, stems, gains: dict[str, float], pad_centre_hz: float = PAD_CENTRE_HZ, spans=()):
        # "<stem>_pad": that stem's pitch classes played as a pad (retimbre.pitch_class_pad) around pad_centre_hz
        self.stems = {name: getattr(stems, name.removesuffix("_pad")) for name, gain in gains.items() if gain}
        self.gains = {name: np.float32(gain) for name, gain in gains.items() if gain}
        self.length = len(stems.vocals)
        self.pad_centre_hz = pad_centre_hz
        self.spans: dict[str, list] = {}
        for name, start, end, gain in spans:
            self.spans.setdefault(name, []).append((start, end, gain))

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, rows: slice) -> np.ndarray:
        start, stop, _ = rows.indices(self.length)
        out = np.zeros((max(0, stop - start), 2), dtype=np.float32)
        for name, gain in self.gains.items():
            if name.endswith("_pad"):
                stem = self.stems[name]
                block = pitch_class_pad(lambda a, b: stem[a:b], start, stop, self.length, SAMPLE_RATE,
                                        self.pad_centre_hz) * gain
            else:
                block = np.asarray(self.stems[name][start:stop]) * gain
            out += apply_spans(block, self.spans[name], SAMPLE_RATE, offset=start) if name in self.spans else block
        return out


def _stems_rms(stems, block: int = SAMPLE_RATE * 30) -> float:
    """RMS of the source (vocals + accompaniment), a block at a time."""
    total, n = 0.0, len(stems.vocals)
    for i in range(0, n, block):
        total += float(np.square(np.asarray(stems.vocals[i:i + block]) + np.asarray(stems.accompaniment[i:i + block]),
                                 dtype=np.float64).sum())
    return float(np.sqrt(total / max(1, 2 * n)))


def _source_stem_files(store, key: str, stems, workdir: Path) -> dict[str, Path]:
    """The source's vocals and accompaniment as 16-bit wav files in `workdir` (what users download). With a
    stems cache (`store`), written once per source into it and copied from there: a repeat remix of the song
    copies ~60 MB (~0.05 s) instead of converting and writing it again (~0.45 s of CPU)."""
    if store is None:
        return _write_source_stems(stems, workdir)

    def copied(directory: Path) -> dict[str, Path]:
        paths = {}
        for name in ("vocals", "accompaniment"):
            paths[name] = Path(workdir) / f"source-{name}.wav"
            shutil.copyfile(directory / paths[name].name, paths[name])
        return paths

    return store.files(key, "source-wavs", STEMS_VERSION, lambda directory: _write_source_stems(stems, directory),
                       copied)


def _write_source_stems(stems, workdir: Path) -> dict[str, Path]:
    paths = {}
    for name in ("vocals", "accompaniment"):
        paths[name] = workdir / f"source-{name}.wav"
        write_pcm16_wav(paths[name], getattr(stems, name), SAMPLE_RATE)
    return paths


def _spill(workdir: Path, name: str, audio: np.ndarray) -> str:
    path = str(Path(workdir) / f".{name}.npy")
    np.save(path, audio)
    return path


class _NpyReader:
    """A 2-D .npy file read a block of rows at a time with plain reads (slices in order): unlike a
    memory map, the pages read never count in this process's memory. The file stays open while the reader
    lives (like a memory map, it outlives an eviction of its cache entry); reads are positional, so two
    threads may read at once."""

    def __init__(self, path: str):
        self.path = self.filename = path
        self._fd = os.open(path, os.O_RDONLY)
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(f)
            if fortran:
                raise ValueError(f"{path}: a Fortran-ordered array")
            self.offset = f.tell()
        self.shape, self.dtype = shape, np.dtype(dtype)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, rows: slice) -> np.ndarray:
        start, stop, _ = rows.indices(self.shape[0])
        row_bytes = int(np.prod(self.shape[1:])) * self.dtype.itemsize
        size = max(0, stop - start) * row_bytes
        data = bytearray(size)
        view, done = memoryview(data), 0
        while done < size:
            got = os.preadv(self._fd, [view[done:]], self.offset + start * row_bytes + done)
            if got <= 0:
                raise EOFError(f"{self.path}: shorter than its header says")
            done += got
        return np.frombuffer(data, dtype=self.dtype).reshape((-1, *self.shape[1:]))

    def __reduce__(self):
        # another process reads the file this one holds open (still there if its cache entry was evicted)
        held = f"/proc/{os.getpid()}/fd/{self._fd}"
        return _NpyReader, (held if os.path.exists(held) else self.path,)

    def __del__(self):
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)
            self._fd = None


def _vocal_entry(index: int, sung: bool, kept: bool) -> dict:
    """plan["engine"]["vocal"] for one version (the recognizer's language and words come from H3's stage)."""
    kind = "sung" if sung else "kept" if kept else "none"
    note = "" if kind != "none" else "Instrumental: no vocal in this version."
    return {"version": index, "kind": kind, "language": None, "confident": kind != "kept", "note": note}


def _transcribe_vocals(vocal_file, pool):
    """The vocal stem's words, in a helper when there is one, so the recognizer's memory goes with it.
    The helper is a fresh interpreter (spawned), not a fork: CTranslate2 and its OpenMP threads do not
    survive a fork of a process that has used them before (a forked child hung building its model when
    this process had run the recognizer earlier, as a test session does)."""
    if pool is None:
        return transcribe_vocal_stem_file(vocal_file, SAMPLE_RATE)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as fresh:
        return fresh.submit(transcribe_vocal_stem_file, vocal_file, SAMPLE_RATE, release=True).result()


def _kept_lyrics(versions, transcript, rate: float, offset: float = 0.0):
    """The kept vocal's words on each version's time axis (source time / rate + offset: a version cut after the
    song's start begins `-offset` seconds in), and the plan's vocal entries."""
    out, entries = [], []
    for version in versions:
        kept = kept_vocal_lyrics(transcript, rate, version.duration, offset=offset)
        out.append(replace(version, lyrics=kept.text, lyrics_timestamped=kept.lines))
        entries.append(vocal_plan_entry(version.index, "kept", kept))
    return tuple(out), entries


def _return_freed_memory() -> None:
    """Hand the heap's free pages back to the system (glibc keeps them by default)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _version_seed(seed: int, index: int) -> int:
    return int(seed) * 1009 + index


def _pool(singer=None):
    """Two worker processes on a multi-core machine (REMIX_ENGINE_PROCESSES=1 keeps everything in-process).
    Results never depend on scheduling: each task is a pure function of its inputs. With `singer` (an
    _EarlySinger), both hold the read end of its pipe, for whichever of them takes its task."""
    if (os.cpu_count() or 1) < 2 or os.environ.get("REMIX_ENGINE_PROCESSES", "2") == "1":
        return nullcontext(None)
    if singer is not None:
        return ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork"), initializer=_hold_inbox,
                                   initargs=(singer.inbox, singer.outbox))
    return ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork"))


class _EarlySinger:
    """The lyrics' singer, started in a helper as soon as the helpers fork: it loads its models and reads the
    lyrics (vocals.prepare) while this process still reads the cache and arranges the versions, then waits
    on a pipe (each helper holds its read end; a task cannot be sent to one helper in particular) for the
    song to sing, and sings it (_sing_once) as soon as it is asked. Its result is the same as _sing_once's
    in a helper: the singer reads the same arrangement."""

    def __init__(self, lyrics: str):
        self.lyrics = lyrics
        self.inbox, self.outbox = get_context("fork").Pipe(duplex=False)
        self.future = None

    @staticmethod
    def started(singer, helpers, stack):
        """`singer` started in `helpers` (the pool _pool(singer) made; None without helpers); until it is
        asked, leaving `stack` tells it to stop (before the pool shuts down)."""
        if singer is None:
            return None
        singer.inbox.close()  # the helpers hold the read end; nothing forked later inherits it
        if helpers is None:
            singer.outbox.close()
            return None
        singer.future = helpers.submit(_guarded, _sing_when_asked, singer.lyrics)
        stack.callback(singer.cancel)
        return singer

    def ask(self, arrangement: Arrangement, request: RemixRequest, n: int, spill_dir: str, vocal_tune: str = "",
            vocal_harmony: str = "", vocal_delivery: str = "", vocal_pitch: int = 0):
        """Sing now: the future of _sing_once(lyrics, arrangement, request, n, spill_dir, vocal_tune,
        vocal_harmony, vocal_delivery, vocal_pitch)."""
        job = os.path.join(spill_dir, ".sing-job.pkl")
        with open(job, "wb") as f:  # the pipe carries only the file's name: a send never waits for a reader
            pickle.dump((arrangement, request, n, spill_dir, vocal_tune, vocal_harmony, vocal_delivery, vocal_pitch), f,
                        protocol=pickle.HIGHEST_PROTOCOL)
        self.outbox.send(job)
        self.outbox.close()
        return self.future

    def cancel(self) -> None:
        """Not asked after all: the singer's task ends (the pipe's last write end closes)."""
        self.outbox.close()


_INBOX = None  # in a helper forked by _pool(singer): the read end of the singer's pipe


def _hold_inbox(inbox, outbox) -> None:
    global _INBOX
    outbox.close()  # only the remix's own process writes: when it closes its end, the singer sees the end
    _INBOX = inbox


def _sing_when_asked(lyrics: str):
    """_EarlySinger's task: ready the singer, then sing what the pipe asks for (None: not asked). The
    lyrics' language is detected in a child of this helper, which keeps langdetect's memory (~150 MB):
    this one sings while a band may play beside it."""
    from .vocals import prepare, release
    from .vocals.text import detect_in_a_child

    detect_in_a_child()
    try:
        prepare(lyrics)
        release(voice=False)  # every line's natural lengths are known: the duration model goes
    except Exception:  # noqa: BLE001 - a warm-up only: singing reports any real failure
        pass
    try:
        job = _INBOX.recv()
    except EOFError:
        return None
    with open(job, "rb") as f:
        job_args = pickle.load(f)  # _sing_once's arguments after the lyrics
    os.unlink(job)
    try:
        return _sing_once(lyrics, *job_args)
    finally:  # this helper idles until the stretch is done, while a band plays: it holds its models no more
        release()
        gc.collect()
        _return_freed_memory()


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
        # mapped, not read: the caller has the version's mp3 and wav already and may never look at its samples
        # (the CLI and the worker do not): no 80 MB read each at the end of the remix, no resident copy while
        # the files are stored. The mapping outlives the file's name.
        results.append((replace(result, audio=np.load(result.audio, mmap_mode="r")), notes, seconds))
        os.unlink(result.audio)
    return results


def _revoice_kept_vocal(vocal: np.ndarray, gender: str) -> np.ndarray:
    """The separated (stretched, gained) vocal moved toward `gender`, as stereo of the re-voiced mid."""
    from .vocals import revoice

    return _on_the_mid(vocal, lambda mid: revoice(mid, SAMPLE_RATE, gender))


def _on_the_mid(vocal: np.ndarray, change) -> np.ndarray:
    """A stereo vocal with `change` (mono -> mono, same length) made on its mid; its side kept."""
    mid = vocal.mean(axis=1)
    changed = change(mid)[: len(mid)]
    side = (vocal[:, 0] - vocal[:, 1]) * 0.5
    out = np.empty_like(vocal)
    out[:, 0] = changed + side
    out[:, 1] = changed - side
    return out


def _band_spilled(spill_dir: str, index: int, arrangement: Arrangement, reference_rms: float, n: int,
                  sung_file: str | None = None):
    """Run in a render helper: a version's band, handed back as a .npy file (None: no band). With `sung_file`
    (where the singer leaves the sung vocal) not there yet, this helper will idle until the singer is done
    (its version's finish needs the vocal), so it hands back the freed band's pages meanwhile (~100-250 MB
    while the singer and the other band work; its finish then faults them in again)."""
    keep_freed_blocks()
    clock = _Clock()
    band, dry, kit = _render_band(arrangement, reference_rms, n)
    if band is None:
        return None
    path = _spill(spill_dir, f"band-{index}", band)
    dry_path = None if dry is None else _spill(spill_dir, f"band-{index}-dry", dry)
    kit_path = None if kit is None else _spill(spill_dir, f"band-{index}-kit", kit)
    del band, dry, kit
    if sung_file is not None and not os.path.exists(sung_file):
        _return_freed_memory()
    clock("band")
    return path, clock.seconds, dry_path, kit_path


def _finish_spilled(spill_dir: str, index: int, arrangement: Arrangement, plan: StylePlan, request: RemixRequest,
                    original, band, *job):
    """Run in a render helper: finish a version and hand its audio back through a .npy file, which the
    parent reads once (a pickled 80 MB array would exist twice in the parent while unpickling)."""
    keep_freed_blocks()
    release_soundfont()  # this helper plays no more notes
    result, notes, seconds = _finish_version(index, arrangement, plan, request, original, band, *job)
    if band is not None:
        for spilled in (band[0], *band[2:]):
            if spilled is not None:
                Path(spilled).unlink(missing_ok=True)
        seconds = {**band[1], **seconds}
    path = os.path.join(spill_dir, f".version-{index}.npy")
    np.save(path, result.audio)
    return replace(result, audio=path), notes, seconds


def _render_version(index: int, arrangement: Arrangement, plan: StylePlan, request: RemixRequest, original,
                    reference_rms: float, lyrics: str, kept_vocal=None, workdir=None, sung=None, encode=False):
    """One version in this process: its band (_render_band), then _finish_version."""
    n = len(np.load(original, mmap_mode="r") if isinstance(original, str) else original)
    clock = _Clock()
    band, dry, kit = _render_band(arrangement, reference_rms, n)
    clock("band")
    result, notes, seconds = _finish_version(index, arrangement, plan, request, original,
                                             None if band is None else (band, {}, dry, kit), lyrics, kept_vocal,
                                             workdir, sung, encode)
    return result, notes, {**clock.seconds, **seconds}


def _render_band(arrangement: Arrangement, reference_rms: float, n: int):
    """The version's new band, n samples: its pitched parts at band_gain and its drums at drum_gain
    (relative to the source's RMS), None when it has none; what of it goes around the mix's reverb ("no reverb on
    the drums"), None when nothing does; and with a sidechain (arrangement.pump) its kit apart, which the rest ducks
    to (the kit's own share around the reverb with it), else None."""
    sr = SAMPLE_RATE
    band = dry = kit = None
    for parts, level in (([p for p in arrangement.parts if not p.is_drums], arrangement.band_gain),
                         ([p for p in arrangement.parts if p.is_drums], arrangement.drum_gain)):
        if parts and level > 0:
            played, around = render_band_apart(parts, n / sr, level * reference_rms, sr)
            if arrangement.pump and parts[0].is_drums:
                kit = played[:n] if around is None else np.add(played[:n], around[:n], out=played[:n])
                band = np.zeros_like(kit) if band is None else band
                continue
            band = played[:n] if band is None else np.add(band, played[:n], out=band)
            if around is not None:
                dry = around[:n] if dry is None else np.add(dry, around[:n], out=dry)
            del played, around
    return band, dry, kit


VOICED_SHARE = 0.25  # of the instrumental's RMS: a kept vocal this loud is sung, not leakage (reverse reverb)


def _finish_version(index: int, arrangement: Arrangement, plan: StylePlan, request: RemixRequest, original, band,
                    lyrics: str, kept_vocal=None, workdir=None, sung=None, encode=False):
    """One version: the kept original (an array or a .npy path) + its band (None, or (array or .npy path,
    seconds, what of it goes around the mix's reverb and, with a sidechain, its kit apart: each None, an array or a
    .npy path)), effects, then the vocal
    (sung lyrics, from `sung` when they were sung once for both versions, or the kept vocal stem, with the same
    effects), mastered. With `workdir`, its stems are
    written there: version-N-instrumental.wav and version-N-vocals.wav (none for an instrumental version),
    scaled by the master's gain so that they add up to the version; with `encode` too, the version's mp3
    (VersionResult.mp3) and wav (workdir/version-N.wav)."""
    sr = SAMPLE_RATE
    # a file is read into the mix itself (a copy out of a memory map costs ~2x the CPU)
    mix = np.asarray(np.load(original), dtype=np.float32) if isinstance(original, str) else \
        np.array(original, dtype=np.float32)
    n = len(mix)
    clock = _Clock()
    if band is not None:
        played = _NpyReader(band[0]) if isinstance(band[0], str) else band[0]
        for i in range(0, n, SAMPLE_RATE * 30):
            mix[i:i + SAMPLE_RATE * 30] += played[i:i + SAMPLE_RATE * 30]
        del played
    seed = _version_seed(request.seed, index)
    effects, reverb = _mix_effects(plan, arrangement)
    dry_band, kit = ((None if band is None or len(band) <= k or band[k] is None else
                      np.asarray(np.load(band[k]), dtype=np.float32) if isinstance(band[k], str) else band[k])
                     for k in (2, 3))
    if dry_band is not None and reverb <= 0:  # no reverb to go around
        mix += dry_band[:n]
        dry_band = None
    dry_rms = 0.0 if kept_vocal is None or lyrics else \
        rms(sum(a[:n] for a in (dry_band, kit) if a is not None) + mix)
    mix = apply_effects(mix, effects, reverb, plan.brightness, seed=seed, sr=sr, in_place=True)
    if dry_band is not None:  # "no reverb on the drums": the mix's other effects, not its reverb
        mix[:len(dry_band)] += apply_effects(dry_band[:n], effects, 0.0, plan.brightness, seed=seed, sr=sr,
                                             in_place=True)
        del dry_band
    if arrangement.pump:  # "sidechain": all but the kit ducks on every beat, after the effects (a compressor would
        mix *= pump_envelope(arrangement.beat_times, n, arrangement.pump, sr)[:, None]  # even it out)
    if kit is not None:  # the kit the rest ducked to, through the mix's effects on its own
        mix[:len(kit)] += apply_effects(kit[:n], effects, reverb, plan.brightness, seed=seed, sr=sr, in_place=True)
        del kit
    add_ambience(mix, plan.effects, seed, sr)  # "rain sounds": under the instrumental (in its stem), not the vocal
    add_risers(mix, arrangement.risers, seed, sr)  # "a build up before the chorus": in the instrumental too
    apply_spans(mix, arrangement.mix_spans, sr)  # after the effects: a compressor would even a chorus lift out
    spans_effects = getattr(arrangement, "effect_spans", ())  # "reverb on the chorus": there alone
    for start, end, target, span_effects, span_reverb in spans_effects:  # (the whole song's on the vocal below)
        if target == "mix":
            apply_effects_in_span(mix, start, end, span_effects, span_reverb, seed, sr)
    clock("effects")
    notes: list[str] = []
    sung_text, sung_lines = "", []
    vocal = None
    if lyrics:
        vocal, sung_text, sung_lines, sung_notes = _sing(lyrics, arrangement, plan, request, index, n, sung)
        vocal = _in_front(vocal, mix, plan.levels.get("vocals", 0.0))  # one name: `del vocal` below frees it
        notes = list(sung_notes)
        clock("vocals")
    elif kept_vocal is not None:
        kept = np.array(np.load(kept_vocal, mmap_mode="r")[:n], dtype=np.float32)
        kept_rms = rms(kept)
        vocal = np.zeros_like(mix)
        vocal[: len(kept)] = apply_effects(kept, effects, reverb, plan.brightness, seed=seed, sr=sr)[:n]
        del kept
        # The effects act on the instrumental and the vocal apart: a compressor or a distortion pulls a loud
        # accompaniment down (punk: ~8 dB) and leaves a quieter vocal alone. The vocal goes back to the
        # balance it had with the instrumental before them, the song's own (with "less vocals" and the like).
        wet_vocal, wet_mix = rms(vocal), rms(mix)
        if kept_rms > 0 and dry_rms > 0 and wet_vocal > 0 and wet_mix > 0:
            vocal *= np.float32((kept_rms / dry_rms) / (wet_vocal / wet_mix))
        clock("vocals")
    for start, end, target, span_effects, span_reverb in spans_effects if vocal is not None else ():
        apply_effects_in_span(vocal, start, end, span_effects, span_reverb, seed + (target == "vocals"), sr)
    if vocal is not None and plan.vocal_effects:  # "an echo on the vocals": on the vocal alone, at its level
        before = rms(vocal)
        vocal = apply_effects(vocal, plan.vocal_effects, 0.0, 0.0, seed=seed + 1, sr=sr, in_place=True)
        after = rms(vocal)
        if before > 0 and after > 0:
            vocal *= np.float32(before / after)
    if plan.reverse_reverb:  # "reverse reverb": swells into each word, in the vocal's stem (else the instrumental's)
        from .render import reverse_reverb

        # a vocal kept at a fraction of the band's level is the separator's leakage of a song without one: its swells
        # would not be heard
        voiced = vocal is not None and (bool(lyrics) or rms(vocal) >= VOICED_SHARE * rms(mix))
        swelled = "vocal" if voiced else "song"
        if voiced:
            vocal += reverse_reverb(vocal, sr)
        else:
            mix += reverse_reverb(mix, sr)
        notes.append(f"Reverse reverb: the {swelled}'s own echo played backwards, swelling into each "
                     f"{'word' if swelled == 'vocal' else 'note'}.")
    if vocal is not None:
        apply_spans(vocal, arrangement.vocal_spans, sr)
    if plan.vocal_chops:  # "vocal chops": slices of the vocal on a rhythm where it rests, in the vocal's stem
        from .chops import CHOPS, vocal_chops

        layer, bars = vocal_chops(vocal, arrangement.bar_times, arrangement.beat_times, sr)
        if layer is not None:
            vocal += layer
            notes.append(f"Vocal chops: {CHOPS} slices of the vocal, retriggered on a 3-3-2 rhythm in the {bars} bars "
                         "where it rests.")
        else:
            notes.append("Asked for vocal chops, but " + ("this version has no vocal to cut." if vocal is None else
                                                           "the vocal rests in no whole bar: none made."))
        del layer
    if plan.scratch:  # "dj scratches": a sample of the version scratched at phrase ends, in the instrumental's stem
        from .scratch import EVERY, scratch_layer

        layer, phrases = scratch_layer(mix, vocal, arrangement.bar_times, arrangement.beat_times, sr)
        if layer is not None:
            mix += layer
            notes.append(f"DJ scratches: a sample of the {'vocal' if vocal is not None else 'song'} scratched back "
                         f"and forth over the last two beats of {phrases} phrases of {EVERY} bars (where the vocal "
                         "rests).")
        else:
            notes.append("Asked for DJ scratches, but this version has no phrase end or nothing to scratch: none made.")
        del layer
    if plan.stutter:  # "make it glitchy": both stems stutter alike into each phrase (they still add up)
        from .stutter import EVERY as PHRASE, stuttered, stutter_spans

        spans = stutter_spans(arrangement.bar_times, arrangement.beat_times, len(mix) / sr)
        mix = stuttered(mix, spans, sr)
        vocal = None if vocal is None else stuttered(vocal, spans, sr)
        notes.append(f"Stutter edits: the last beat of {len(spans)} phrases of {PHRASE} bars retriggered from its "
                     "start, faster and faster (sixteenths, thirty-seconds, sixty-fourths)." if spans else
                     "Asked for stutter edits, but this version has no whole phrase of four bars: none made.")
    speed = varispeed_factor(plan)
    if speed != 1.0:  # "nightcore", "slowed": the mix played faster and higher (or slower and lower), as a record
        mix = at_speed(mix, speed)
        vocal = None if vocal is None else at_speed(vocal, speed)
        sung_lines = _lines_at_speed(sung_lines, speed)
    shift = transposition(plan, getattr(arrangement, "key_tonic", 0), getattr(arrangement, "mode", "major"))
    shift += plan.tuning / 100.0  # "432 hz": retuned by a fraction of a semitone, in the same pass
    if shift:  # "up two semitones", "in the key of E": the band and the vocal moved together, still in tune
        mix = pitch_shifted(mix, shift)
        vocal = None if vocal is None else pitch_shifted(vocal, shift)
    modulation = modulation_point(arrangement) if plan.key_change else None
    if modulation is not None:  # "a key change at the end": up from the last chorus, the band and the vocal alike
        at = int(round(modulation / speed * sr))
        mix = _modulated(mix, at, plan.key_change, sr)
        vocal = None if vocal is None else _modulated(vocal, at, plan.key_change, sr)
    whole = len(mix) / sr
    start, end, _ = excerpt(plan, arrangement, whole)
    if start > 0:  # a sung line's pickup just before the cut is kept whole ("Hold on" lost its first syllable)
        start = min([start] + [max(0.0, line["start"] - 0.1) for line in sung_lines
                               if start - 2.0 <= line.get("start", -9.0) < start < line.get("end", 0.0)])
    if start > 0 or end < whole:  # "cut it down to 2 minutes", "skip the intro": that stretch of it
        a, b = int(round(start * sr)), int(round(end * sr))
        mix = np.ascontiguousarray(mix[a:b])
        vocal = None if vocal is None else np.ascontiguousarray(vocal[a:b])
        sung_lines = _lines_between(sung_lines, start, end)
        for stem in (mix, vocal):
            if stem is not None:  # cut edges faded (a fade the prompt asks for comes after, on the new edges)
                fade_edges(stem, sr, CUT_FADE_IN if a > 0 else 0.0, 0.0 if end >= whole else
                           CUT_FADE_IN if plan.end == "before_silence" else CUT_FADE_OUT)  # (a silence: no fade)
    a_, b_, count, _ = repeats(plan, arrangement, start, len(mix) / sr)
    if count:  # "loop the chorus", "extend it to 5 minutes": the last chorus played again, joined on its downbeats
        # a sung line's pickup just before the part ("Hold on" from 0.2 s before its downbeat) is sung again over the
        # end of the part before each copy
        pickup = max([a_ - line["start"] for line in sung_lines
                      if a_ - 1.0 <= line.get("start", 9e9) < a_ < line.get("end", 0.0)] + [0.0])
        a, b = int(round(a_ * sr)), int(round(b_ * sr))
        mix = _with_repeats(mix, a, b, count, sr)
        vocal = None if vocal is None else _with_repeats(vocal, a, b, count, sr, pickup=int(round(pickup * sr)))
        sung_lines = _lines_with_repeats(sung_lines, a_, b_, count, pickup)
    if plan.tape_stop:  # "end with a tape stop": the end slows to a halt, both stems alike
        mix = tape_stopped(mix, plan.tape_stop, sr)
        vocal = None if vocal is None else tape_stopped(vocal, plan.tape_stop, sr)
    if plan.orbit:  # "8d audio": around the listener's head on the beat's clock, both stems alike (they still add up)
        from .orbit import orbited

        turn = orbit_seconds(plan, arrangement)
        mix = orbited(mix, turn, sr)
        vocal = None if vocal is None else orbited(vocal, turn, sr)
    if plan.reverse:  # "play it backwards": both stems alike, the words' times mirrored
        mix = np.ascontiguousarray(mix[::-1])
        vocal = None if vocal is None else np.ascontiguousarray(vocal[::-1])
        sung_lines = _lines_reversed(sung_lines, len(mix) / sr)
    if plan.place:  # "from another room", "in the shower": where it is heard, both stems alike (they still add up)
        from .place import heard_from

        mix = heard_from(mix, plan.place, sr)
        vocal = None if vocal is None else heard_from(vocal, plan.place, sr)
    if plan.fade_in or plan.fade_out:  # both stems alike, so that they still add up to the version
        for stem in (mix, vocal):
            if stem is not None:
                fade_edges(stem, sr, plan.fade_in, plan.fade_out)
    stems = {}
    # with stems to write, the instrumental and the vocal are kept as they are and the master takes their sum, a
    # new array (they are not spilled to files and read back: the finish then holds about what the band did)
    if workdir is not None:
        summed = mix.copy() if vocal is None else np.add(mix, vocal)
    else:
        summed = mix if vocal is None else np.add(mix, vocal, out=mix)
    pre_rms = rms(summed)
    # the sum is not used again: no second full-length copy
    audio = master(summed, sr, in_place=True, target_lufs=target_loudness(plan.modifiers))
    del summed
    clock("master")
    if workdir is not None:
        gain = np.float32(rms(audio) / pre_rms) if pre_rms > 0 else np.float32(1.0)
        for name, stem in (("instrumental", mix), ("vocals", vocal)):
            if stem is not None:
                stems[name] = Path(workdir) / f"version-{index}-{name}.wav"
                write_pcm16_wav(stems[name], stem, sr, gain=gain)
        clock("stems")
    del mix, vocal
    mp3 = wav = None
    if encode:
        from .encode import encode_mp3

        wav = Path(workdir) / f"version-{index}.wav"
        write_pcm16_wav(wav, audio, sr)
        mp3 = encode_mp3(audio, sr)
        clock("encode")
    return (VersionResult(index=index, audio=audio, sample_rate=sr, duration=len(audio) / sr,
                          lyrics=sung_text, lyrics_timestamped=sung_lines, peaks=features.peaks(audio),
                          stems=stems, mp3=mp3, wav=wav, start=start),
            notes, clock.seconds)


def _mix_effects(plan: StylePlan, arrangement: Arrangement) -> tuple[tuple, float]:
    """The whole mix's effects and reverb: the plan's, with those asked of a part this version's band does not
    play (arrange._sounds_of_absent_parts) where the plan has none of that kind."""
    kinds = {e.kind for e in plan.effects}
    effects = (*plan.effects, *(e for e in arrangement.mix_effects if e.kind not in kinds))
    order = list(EffectKind)  # the renderer's chain order
    return tuple(sorted(effects, key=lambda e: order.index(EffectKind(e.kind)))), min(1.0, plan.reverb +
                                                                                     arrangement.mix_reverb)


def at_speed(audio: np.ndarray, speed: float) -> np.ndarray:
    """(n, channels) float32 audio played `speed` times as fast (its pitch up 12 log2(speed) semitones, its length
    n / speed), as a record or a tape at another speed: polyphase resampling by the ratio nearest `speed` with a
    denominator of 64 at most (2^(4/12) = 1.2599 as 63/50: 0.01 semitone off)."""
    from fractions import Fraction

    import scipy.signal as sig

    ratio = Fraction(speed).limit_denominator(64)
    out = sig.resample_poly(audio, ratio.denominator, ratio.numerator, axis=0)
    return np.ascontiguousarray(out, dtype=np.float32)


def asked_strength(plan: StylePlan, request: RemixRequest) -> float:
    """The remix's strength: the request's, or the prompt's words' ("a light remix", "completely remix it": the
    plan's `strength`) when the request left its own at the default."""
    return plan.strength if plan.strength and request.strength == DEFAULT_STRENGTH else request.strength


def transposition(plan: StylePlan, key_tonic: int, mode: str) -> int:
    """Semitones the finished mix is moved (its tempo kept): the plan's `transpose`, or the nearest way (-6..+5)
    from the song's key (as a varispeed leaves it) to the plan's `key_tonic`; a key asked in the other mode ("in A
    minor" of a song in a major key) is its relative (C major's: nothing moves), as the song's own harmony is kept."""
    if plan.key_tonic is None:
        return int(plan.transpose)
    target = plan.key_tonic
    if plan.mode and plan.mode != mode:
        target = (target + 3) % 12 if plan.mode == "minor" else (target - 3) % 12
    return ((target - key_tonic - plan.varispeed + 6) % 12) - 6  # the key heard after a varispeed too


def pitch_shifted(audio: np.ndarray, semitones: float) -> np.ndarray:
    """(n, channels) float32 audio `semitones` up or down, the same length: stretched by 2^(s/12) (the engine's own
    phase vocoder) and played that much faster (at_speed). On a whole mix, band and vocal move together: a
    version moved 2 semitones scores 0.99 against itself in the evaluate tool's measure, transposition found."""
    from .stretch import time_stretch

    factor = 2.0 ** (semitones / 12.0)
    out = at_speed(time_stretch(np.ascontiguousarray(audio, dtype=np.float32), 1.0 / factor), factor)
    if len(out) >= len(audio):
        return np.ascontiguousarray(out[:len(audio)])
    return np.concatenate([out, np.zeros((len(audio) - len(out), *out.shape[1:]), dtype=np.float32)])


def tape_stopped(audio: np.ndarray, seconds: float, sr: int) -> np.ndarray:
    """(n, channels) float32 audio whose last `seconds` (half of it at most) slow to a halt, as a tape or a turntable
    losing power: the playback speed falls from 1 to 0 along them (pitch with it), so they play the half as much of
    what came before them and the rest is not heard; the level sinks with the speed (as its square root) and the
    last 20 ms fade to silence. The same length."""
    n = len(audio)
    length = min(int(seconds * sr), n // 2)
    if length < sr // 10:
        return audio
    start = n - length
    k = np.arange(length, dtype=np.float64)
    speed = 1.0 - k / length
    where = start + k - k ** 2 / (2 * length)  # the source's position: the integral of the speed
    out = np.array(audio, dtype=np.float32)
    for channel in range(out.shape[1]):
        out[start:, channel] = np.interp(where, np.arange(n), audio[:, channel]) * np.sqrt(speed)
    tail = min(length, int(0.02 * sr))
    out[n - tail:] *= np.linspace(1, 0, tail, dtype=np.float32)[:, None]
    return out


def playing(arrangement: Arrangement) -> list:
    """The arrangement's parts that are heard (at strength 0, or "add reverb", the band is silent: none)."""
    return [p for p in arrangement.parts if (arrangement.drum_gain if p.is_drums else arrangement.band_gain) > 0]


def orbit_seconds(plan: StylePlan, arrangement) -> float:
    """Seconds of the finished version "8d audio" takes to circle the head once: the plan's beats at the remix's
    tempo, as the version plays (a nightcore's faster record turns faster too)."""
    return plan.orbit * 60.0 / (arrangement.timing.tempo * varispeed_factor(plan))


MODULATION_ROOM = 8.0  # seconds the song must still have after the last chorus's start for a key change there


def modulation_point(arrangement) -> float | None:
    """Where "a key change at the end" goes, on the arrangement's timeline: the first downbeat of the last chorus
    (one that follows no chorus); with no chorus told apart, of the last section starting in the song's second
    half; else the downbeat nearest three quarters of the way. None when less than MODULATION_ROOM is left after it."""
    sections = list(arrangement.sections)
    duration = arrangement.timing.duration
    starts = [s.start for before, s in zip(sections, sections[1:]) if s.label == "chorus" and before.label != "chorus"]
    starts = starts or [s.start for s in sections[1:] if s.start >= duration / 2] or [0.75 * duration]
    bars = np.asarray(arrangement.bar_times, dtype=float)
    at = float(bars[np.argmin(np.abs(bars - starts[-1]))]) if len(bars) else starts[-1]
    return at if duration - at >= MODULATION_ROOM and at > 0 else None


def _modulated(audio: np.ndarray, at: int, semitones: int, sr: int) -> np.ndarray:
    """(n, channels) float32 audio moved `semitones` up from sample `at` on (pitch_shifted, from 0.2 s before it for
    the phase vocoder's context), crossfaded in over the 30 ms before it."""
    if not 0 < at < len(audio):
        return audio
    lead, fade = min(at, int(0.2 * sr)), min(at, int(0.03 * sr))
    moved = pitch_shifted(audio[at - lead:], semitones)
    ramp = np.linspace(0, 1, fade, dtype=np.float32)[:, None]
    out = np.array(audio, dtype=np.float32)
    out[at - fade:at] = audio[at - fade:at] * (1 - ramp) + moved[lead - fade:lead] * ramp
    out[at:] = moved[lead:]
    return out


CUT_FADE_IN, CUT_FADE_OUT = 0.05, 3.0  # seconds: a version cut after the song's start, or before its end


def _sung_within_the_cut(arrangement: Arrangement, plan: StylePlan, n: int) -> Arrangement:
    """The arrangement with the vocal silent outside the stretch the plan keeps (a rest for the singer there, as
    VocalGuide.rests): new lyrics asked of "a 30 second clip" or "make it shorter" are sung within what is kept,
    rather than over the whole song and cut. Times on the arrangement's own timeline (before a varispeed)."""
    speed = varispeed_factor(plan)
    seconds = n / SAMPLE_RATE
    start, end, _ = excerpt(plan, arrangement, seconds / speed)
    outside = [(a * speed, b * speed, 0.0) for a, b in ((0.0, start), (end, seconds / speed)) if b - a > 1e-3]
    return replace(arrangement, vocal_spans=tuple(arrangement.vocal_spans) + tuple(outside)) if outside \
        else arrangement


def excerpt(plan: StylePlan, arrangement, seconds: float) -> tuple[float, float, list[str]]:
    """The stretch of a finished version (`seconds` long, after any varispeed) the plan keeps ("skip the intro",
    "start at the chorus", "remove the outro", "cut it down to 2 minutes", "make it shorter"): (start, end) in
    seconds and what the notes say. The edges come from the arrangement's sections; a length asked ends on the last
    downbeat before it (at least three quarters of it), so the cut falls on the beat, and is faded out."""
    speed = varispeed_factor(plan)
    sections = [(s.start / speed, s.end / speed, s.label) for s in getattr(arrangement, "sections", ())]
    bars = [t / speed for t in getattr(arrangement, "bar_times", ())]
    start, end, notes = 0.0, seconds, []
    if plan.start == "after_intro":
        if sections and sections[0][2] == "intro" and sections[0][1] < seconds:
            start = sections[0][1]
        else:
            notes.append("Asked to skip the intro, but the song has none apart: it starts as it did.")
    elif plan.start == "half_intro":  # "make the intro shorter": its second half kept, from a downbeat
        if sections and sections[0][2] == "intro" and sections[0][1] < seconds:
            start = _downbeat_nearest_middle(bars, sections[0][0], sections[0][1])
        else:
            notes.append("Asked for a shorter intro, but the song has none apart: it starts as it did.")
    elif plan.start == "chorus":
        chorus = next((a for a, _, label in sections if label == "chorus"), None)
        if chorus is not None and chorus < seconds - MIN_EXCERPT:
            start = chorus
        else:
            notes.append("Asked to start at the chorus, but the song has none found: it starts as it did.")
    edges = getattr(arrangement, "sound_edges", ())
    if plan.start == "after_silence":  # "trim the silence at the start": from where the song sounds
        if edges and edges[0] / speed > SILENCE_KEPT:
            start = max(0.0, edges[0] / speed - SILENCE_KEPT)
        else:
            notes.append("Asked to cut the silence at the start, but the song has none there: it starts as it did.")
    if plan.end == "before_silence":  # "... at the end": up to where it stops sounding
        if edges and edges[1] / speed < seconds - SILENCE_KEPT and edges[1] / speed > start + MIN_EXCERPT:
            end = edges[1] / speed + SILENCE_KEPT
        else:
            notes.append("Asked to cut the silence at the end, but the song has none there: it ends as it did.")
    elif plan.end == "before_outro":
        if len(sections) > 1 and sections[-1][2] == "outro" and sections[-1][0] > start + MIN_EXCERPT:
            end = sections[-1][0]
        else:
            notes.append("Asked to leave out the outro, but the song has none apart: it ends as it did.")
    elif plan.end == "half_outro":  # "make the outro shorter": its first half kept, to a downbeat
        if len(sections) > 1 and sections[-1][2] == "outro" and sections[-1][0] > start + MIN_EXCERPT:
            end = _downbeat_nearest_middle(bars, sections[-1][0], min(sections[-1][1], seconds))
        else:
            notes.append("Asked for a shorter outro, but the song has none apart: it ends as it did.")
    elif plan.end == "after_chorus":  # "just the chorus": the chorus it starts at, to its end
        end = next((b for a, b, label in sections if label == "chorus" and abs(a - start) < 1e-6 and
                    b - a >= MIN_EXCERPT), end)
    elif plan.end.startswith("after_chorus_"):  # "end after the second chorus": the end of that one
        from .style import SectionChange

        number = int(plan.end.rsplit("_", 1)[1])
        choruses = section_spans(SectionChange("chorus", "every", "mix", (), None),  # (neighbours joined)
                                 getattr(arrangement, "sections", ()))
        if len(choruses) >= number and choruses[number - 1][1] / speed > start + MIN_EXCERPT:
            end = choruses[number - 1][1] / speed
        else:
            notes.append(f"Asked to end after chorus {number}, but the song has {len(choruses)} found: it ends as "
                         "it did.")
    length = plan.max_length or ((end - start) * plan.length_fraction if plan.length_fraction < 1 else 0.0)
    if plan.length_delta < 0:  # "make it 30 seconds shorter": the song's own length less that
        length = max(MIN_EXCERPT, (end - start) + plan.length_delta)
    if length and start + length < end:
        downbeats = [t for t in bars if start + 0.75 * length <= t <= start + length]
        end = downbeats[-1] if downbeats else start + length
    if start > 0 or end < seconds:
        notes.append(f"Cut to {clock(start)}-{clock(end)} of the remix ({end - start:.0f} s), faded "
                     f"{'in and out' if start > 0 and end < seconds else 'in' if start > 0 else 'out'}.")
    return start, end, notes


def _downbeat_nearest_middle(bars, a: float, b: float) -> float:
    """The downbeat inside a .. b nearest its middle ("make the intro shorter": half of it), or the middle itself."""
    return min((t for t in bars if a < t < b), key=lambda t: abs(t - (a + b) / 2), default=(a + b) / 2)


MIN_EXCERPT = 10.0  # seconds: a cut keeps at least this much
MIN_REPEATED = 2.0  # seconds: an intro or an outro asked longer is played again if at least this long
PART_LONGER = 8.0  # seconds: "make the intro longer" plays it as many more times as make this much (up to four)
REPEAT_JOIN = 0.03  # seconds: into a repeated chorus, the end of the one before crossfades with its own lead-in
SILENCE_KEPT = 0.25  # seconds of a silence cut ("trim the silence") kept before the song's first sound, after its last
SILENCE_DB = 50.0  # a frame this far under the song's loudest (or under -60 dBFS) is silence
_SILENCE_FRAME = 2048  # samples (46 ms)


def sound_edges(stems) -> tuple[float, float]:
    """The first and the last second the song sounds (its vocal and accompaniment stems together, a frame at a time):
    where a silence at its start ends and one at its end begins."""
    voc, acc = stems.vocals, stems.accompaniment
    n = min(len(voc), len(acc)) // _SILENCE_FRAME * _SILENCE_FRAME
    if n == 0:
        return 0.0, len(voc) / SAMPLE_RATE
    levels = []
    for i in range(0, n, _SILENCE_FRAME * 640):  # ~30 s at a time: no full-length sum
        j = min(n, i + _SILENCE_FRAME * 640)
        mixed = (np.asarray(voc[i:j], dtype=np.float32) + np.asarray(acc[i:j], dtype=np.float32)).mean(axis=1)
        levels.append(np.sqrt(np.mean(mixed.reshape(-1, _SILENCE_FRAME) ** 2, axis=1)))
    db = 20 * np.log10(np.concatenate(levels) + 1e-9)
    sounding = np.flatnonzero(db > max(-60.0, db.max() - SILENCE_DB))
    if not sounding.size:
        return 0.0, len(voc) / SAMPLE_RATE
    return sounding[0] * _SILENCE_FRAME / SAMPLE_RATE, (sounding[-1] + 1) * _SILENCE_FRAME / SAMPLE_RATE


def repeats(plan: StylePlan, arrangement, start: float, seconds: float) -> tuple[float, float, int, list[str]]:
    """The last chorus a version plays again ("loop the chorus", "an extended mix", "extend it to 5 minutes"): its
    start and end in the version (`seconds` long, cut from `start` of the remix), on downbeats, how many more times
    (0: none), and what the notes say. A song with no chorus found repeats its last section before an outro."""
    from .style import MAX_REPEATS

    if not plan.repeat and plan.min_length <= seconds and plan.length_delta <= 0:
        return 0.0, 0.0, 0, []
    speed = varispeed_factor(plan)
    sections = [(s.start / speed - start, s.end / speed - start, s.label) for s in getattr(arrangement, "sections", ())]
    sections = [(a, min(b, seconds), label) for a, b, label in sections if a >= -1e-6 and a < seconds - MIN_EXCERPT
                or (label == plan.repeat_part and -1e-6 <= a < seconds - MIN_REPEATED)]
    shortest = MIN_REPEATED if plan.repeat_part else MIN_EXCERPT
    if plan.repeat_part:  # "make the intro longer": the first intro, or the last outro
        chosen = next((x for x in (sections if plan.repeat_part == "intro" else reversed(sections))
                       if x[2] == plan.repeat_part and x[1] - x[0] >= shortest), None)
        if chosen is None:
            return 0.0, 0.0, 0, [f"Asked for a longer {plan.repeat_part}, but the song has no {plan.repeat_part} "
                                 f"found at least {shortest:g} s long: it is as it was."]
    else:
        chosen = next((x for x in reversed(sections) if x[2] == "chorus" and x[1] - x[0] >= shortest), None) or \
            next((x for x in reversed(sections) if x[2] != "outro" and x[1] - x[0] >= shortest), None)
    if chosen is None:
        return 0.0, 0.0, 0, ["Asked for a longer version, but no part of the song is long enough to play again."]
    a, b, label = chosen
    bars = [t / speed - start for t in getattr(arrangement, "bar_times", ())]
    b = max([t for t in bars if a + shortest <= t <= b + 1e-6] or [b])  # ends on a downbeat too
    a = max(a, REPEAT_JOIN)
    if plan.length_delta > 0:  # "make it 30 seconds longer": as near to it as whole repeats come
        count = int(round(plan.length_delta / (b - a)))
    elif plan.repeat_part and plan.repeat == 1:  # "make the intro longer": by PART_LONGER seconds at least
        count = int(np.ceil(PART_LONGER / (b - a) - 0.01))  # (an 8 s intro, from REPEAT_JOIN: once)
    elif plan.repeat or not plan.max_length:
        count = plan.repeat or int(np.ceil((plan.min_length - seconds) / (b - a)))
    else:  # "make it 2 minutes long" (a max and a min length): as near to it as whole repeats come
        count = int(round((plan.max_length - seconds) / (b - a)))
    count = int(np.clip(count, 1, MAX_REPEATS))
    return a, b, count, [f"The {label} at {clock(a)}-{clock(b)} played {count} more time"
                         f"{'s' if count > 1 else ''} ({count * (b - a):.0f} s longer)."]


def _with_repeats(audio: np.ndarray, a: int, b: int, count: int, sr: int, pickup: int = 0) -> np.ndarray:
    """`audio` with audio[a:b] played `count` more times after b: each copy comes in at b on its own downbeat, the
    REPEAT_JOIN before it crossfading from the end of the part with the part's own lead-in (and, with `pickup`, the
    that many samples before a added over the end of the part: a sung line's upbeat); after the last copy the song
    goes on from b, as it followed that part anyway."""
    join = min(int(REPEAT_JOIN * sr), a)
    pickup = min(pickup, a, b - a)
    pieces = [audio[:b].copy()]
    fade = np.linspace(0.0, 1.0, join, dtype=np.float32)
    fade = fade[:, None] if audio.ndim == 2 else fade
    for _ in range(count):
        tail = pieces[-1]
        if pickup:
            tail[len(tail) - pickup:] += audio[a - pickup:a]
        elif join:
            tail[len(tail) - join:] = tail[len(tail) - join:] * (1 - fade) + audio[a - join:a] * fade
        pieces.append(audio[a:b].copy())
    pieces.append(audio[b:])
    return np.ascontiguousarray(np.concatenate(pieces), dtype=np.float32)


def _lines_with_repeats(lines: list, a: float, b: float, count: int, pickup: float = 0.0) -> list:
    """Timed lyric lines of a version whose a..b is played `count` more times after b: the lines sung there (or from
    `pickup` seconds before it) sung again in each copy, the later ones moved on."""
    length = b - a
    inside = [line for line in lines if a - pickup - 1e-6 <= line.get("start", -1.0) < b]
    out = [line for line in lines if line.get("start", 0.0) < b]
    for k in range(1, count + 1):
        out += _lines_shifted(inside, k * length)
    out += _lines_shifted([line for line in lines if line.get("start", 0.0) >= b], count * length)
    return sorted(out, key=lambda line: line.get("start", 0.0))


def _lines_between(lines: list, start: float, end: float) -> list:
    """Timed lyric lines sung wholly within start..end, on the timeline of the audio cut there (start at 0)."""
    kept = [line for line in lines if line.get("start", 0.0) >= start - 1e-6 and line.get("end", 0.0) <= end + 1e-6]
    return _lines_shifted(kept, -start)


def _lines_shifted(lines: list, seconds: float) -> list:
    """Timed lyric lines moved `seconds` later (earlier when negative), at 0 at the earliest."""
    return _lines_retimed(lines, lambda t: max(0.0, t + seconds))


def _lines_at_speed(lines: list, speed: float) -> list:
    """Timed lyric lines (start, end, and each word's) on the timeline of the audio played `speed` times as fast."""
    return _lines_retimed(lines, lambda t: t / speed)


def _lines_retimed(lines: list, time, backwards: bool = False) -> list:
    """Timed lyric lines with every start and end (the lines' and their words') mapped through `time`; new dicts.
    `backwards` (a `time` that runs the other way): each start and end swapped, lines and words in their new order."""
    def retimed(item: dict) -> dict:
        out = dict(item)
        for name in ("start", "end"):
            if isinstance(out.get(name), (int, float)):
                out[name] = round(time(out[name]), 3)
        if backwards and all(isinstance(out.get(name), (int, float)) for name in ("start", "end")):
            out["start"], out["end"] = out["end"], out["start"]
        if isinstance(out.get("words"), list):
            out["words"] = [retimed(word) for word in (reversed(out["words"]) if backwards else out["words"])]
        return out

    return [retimed(line) for line in (reversed(lines) if backwards else lines)]


def _lines_reversed(lines: list, duration: float) -> list:
    """Timed lyric lines of a version played backwards (`duration` seconds long): each time t at duration - t."""
    return _lines_retimed(lines, lambda t: duration - t, backwards=True)


def _in_front(vocal: np.ndarray, mix: np.ndarray, gain_db: float = 0.0) -> np.ndarray:
    """Scale the sung vocal so that, where it sings, it sits above the band (+3 dB RMS: at +1 dB the
    derived female voice was understood at 84-87 % of words in the finished mix, at +3 dB 90 %), then by
    the prompt's vocal level ("less vocals": -6 dB)."""
    block = 4410
    usable = len(vocal) // block * block
    if usable == 0:
        return vocal
    energy = _block_energy(vocal[:usable], block)
    if energy.max() <= 0:
        return vocal
    active = energy > energy.max() * 1e-3  # within 30 dB of its loudest 100 ms
    vocal_rms = float(np.sqrt(energy[active].mean()))
    band = _block_energy(mix[:usable], block)
    band_rms = float(np.sqrt(band[active].mean())) if band[active].any() else rms(mix)
    scale = 1.41 * band_rms / vocal_rms if vocal_rms > 0 and band_rms > 0 else 1.0
    vocal *= np.float32(scale * 10 ** (gain_db / 20))  # in place: the caller's sung vocal is its own
    return vocal


def _block_energy(audio: np.ndarray, block: int) -> np.ndarray:
    """Mean square (float64) of each `block` frames of (n, channels) audio, n a multiple of `block`: 64 blocks
    at a time, so no full-length float64 copy (the same values as squaring it whole, ~2x less CPU)."""
    rows = audio.reshape(-1, block * audio.shape[1])
    out = np.empty(len(rows))
    for i in range(0, len(rows), 64):
        out[i:i + 64] = np.square(rows[i:i + 64], dtype=np.float64).mean(axis=1)
    return out


class _Clock:
    def __init__(self):
        self.last = time.monotonic()
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name] = round(now - self.last, 2)
        self.last = now


def _sing_once(lyrics: str, arrangement: Arrangement, request: RemixRequest, n: int, spill_dir=None,
               vocal_tune: str = "", vocal_harmony: str = "", vocal_delivery: str = "", vocal_pitch: int = 0):
    """The dry sung vocal, once for both versions: the singer reads only what the versions share (the
    timing, beats, bars, key, chords, melody and sections of the song, and the lyrics), at the first
    version's seed, so both sing the same melody and phrasing with the same word times; pitch-corrected
    when the plan asks (`vocal_tune`: "autotune" or "robot", vocals/tune.py), with its second voice
    (`vocal_harmony`: "harmony" or "double"), sung as `vocal_delivery` asks ("breathy", "whisper"), moved
    `vocal_pitch` semitones (an octave: "pitched up vocals"), its formants with it.
    (dry mono float32 n samples, or its .npy path with `spill_dir`; text; timed lines; notes)."""
    from .vocals import VocalGuide, sing

    sr = SAMPLE_RATE
    guide = VocalGuide(
        sample_rate=sr, duration=n / sr, tempo_bpm=arrangement.timing.tempo,
        beat_times=arrangement.beat_times, bar_times=arrangement.bar_times,
        key_tonic=arrangement.key_tonic, mode=arrangement.mode,
        chords=arrangement.chords, melody=arrangement.melody, sections=arrangement.sections,
        rests=tuple((start, end) for start, end, gain in arrangement.vocal_spans if gain == 0.0),
    )
    sung = sing(lyrics, guide, request.gender, seed=_version_seed(request.seed, 1), delivery=vocal_delivery)
    text, lines, notes = sung.text, list(sung.lines), tuple(sung.notes)
    dry = np.asarray(sung.audio[:n], dtype=np.float32)  # what the chain takes: the float64 take goes now
    del sung
    if vocal_pitch:
        dry = pitch_shifted(dry[:, None], vocal_pitch)[:, 0]
    if vocal_tune:
        from .vocals.tune import tune as tune_vocal

        dry = tune_vocal(dry, sr, vocal_tune, arrangement.key_tonic, arrangement.mode)
    if vocal_harmony:
        from .vocals.tune import harmonise

        dry = harmonise(dry, sr, vocal_harmony, arrangement.key_tonic, arrangement.mode,
                        getattr(arrangement, "voice_spans", None))
    if spill_dir is not None:
        dry = _spill(spill_dir, "sung", dry)
    return dry, text, lines, notes


def _sing(lyrics: str, arrangement: Arrangement, plan: StylePlan, request: RemixRequest, index: int, n: int,
          sung=None):
    """A version's vocal: the dry vocal (`sung`, from _sing_once; sung here when None) through the vocal
    chain at the version's seed, as (n, 2) float32; with the text, timed lines and notes."""
    from .vocals import vocal_chain

    sr = SAMPLE_RATE
    if sung is None:
        sung = _sing_once(lyrics, arrangement, request, n, vocal_tune=plan.vocal_tune, vocal_harmony=plan.vocal_harmony,
                          vocal_delivery=plan.vocal_delivery, vocal_pitch=plan.vocal_pitch)
    dry, text, lines, notes = sung
    dry = np.array(np.load(dry, mmap_mode="r") if isinstance(dry, str) else dry, dtype=np.float32)
    voice = vocal_chain(dry, sr, plan.vocal_reverb, seed=_version_seed(request.seed, index))
    del dry
    if voice.shape == (n, 2) and voice.dtype == np.float32:
        return voice, text, list(lines), notes
    out = np.zeros((n, 2), dtype=np.float32)
    out[: len(voice)] = voice[:n]
    return out, text, list(lines), notes
