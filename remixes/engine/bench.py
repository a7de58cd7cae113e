"""`python -m remixes.engine.bench`: time a full remix of a 3-minute song against the I/O floor.

The floor is measured in the same run (decode + two 192 kb/s mp3 encodes), so the ratio does not
depend on the machine. By default two whole CLI processes run with lyrics and one stems cache: the first
remix (separation, analysis and transcription computed) and a repeat of the same song with another
prompt (all of them read from the cache), each with its peak memory (PSS of the process tree);
`--in-process` (or `--profile`) times remix() in this process instead, without lyrics or cache. The song is generated (chords, bass, drums, a lead melody) unless
REMIX_BENCH_SONG points at a real file. `make_song()` is also what the engine tests use for clips.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

SR = 44100
_PROGRESSIONS = {  # scale degrees (semitones above tonic, quality) per bar
    "major": [[(0, "maj"), (7, "maj"), (9, "min"), (5, "maj")],
              [(9, "min"), (5, "maj"), (0, "maj"), (7, "maj")],
              [(0, "maj"), (5, "maj"), (7, "maj"), (5, "maj")]],
    "minor": [[(0, "min"), (8, "maj"), (3, "maj"), (10, "maj")],
              [(0, "min"), (5, "min"), (10, "maj"), (3, "maj")]],
    "other": [[(0, "maj"), (2, "min"), (4, "min"), (5, "maj")],
              [(0, "min"), (1, "maj"), (0, "min"), (7, "min")]],
}
_TRIADS = {"maj": (0, 4, 7), "min": (0, 3, 7)}
_SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}


def make_song(seconds: float = 180.0, tempo: float = 100.0, tonic: int = 0, mode: str = "major",
              seed: int = 0, drums: bool = True, melody: bool = True, sr: int = SR,
              progressions: str | None = None) -> np.ndarray:
    """A small synthetic pop song as (n, 2) float32: pad chords, bass on roots, drums, a lead melody.

    Sections alternate a quiet verse and a louder chorus (different progressions) every 8 bars.
    `progressions="other"` picks chord cycles unlike the default ones (for "unrelated" references).
    """
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    out = np.zeros((n, 2), dtype=np.float64)
    beat = 60.0 / tempo
    bar = 4 * beat
    progs = _PROGRESSIONS[progressions or mode]
    verse, chorus = progs[0], progs[1 % len(progs)]
    scale = _SCALES[mode]
    n_bars = int(np.ceil(seconds / bar))
    prev_pitch = 72 + tonic % 12 - 12
    for b in range(n_bars):
        chorus_part = (b // 8) % 2 == 1
        degree, quality = (chorus if chorus_part else verse)[b % 4]
        root = (tonic + degree) % 12
        t0 = b * bar
        level = 1.0 if chorus_part else 0.7
        for i, interval in enumerate(_TRIADS[quality]):
            pitch = 60 + (root + interval) % 12
            _add(out, _tone(pitch, bar, sr, harmonics=6, decay=0.6) * 0.09 * level, t0, sr, pan=-0.3 + 0.3 * i)
        for k in range(4 if chorus_part else 2):
            _add(out, _tone(36 + root, bar / (4 if chorus_part else 2) * 0.9, sr, harmonics=4, decay=3)
                 * 0.22 * level, t0 + k * bar / (4 if chorus_part else 2), sr)
        if drums:
            for k in range(4):
                bt = t0 + k * beat
                if k in (0, 2):
                    _add(out, _kick(sr) * 0.5 * level, bt, sr)
                else:
                    _add(out, _noise_hit(sr, 0.15, rng, color=0.6) * 0.2 * level, bt, sr)
                for half in (0, 0.5):
                    _add(out, _noise_hit(sr, 0.04, rng, color=0.0) * 0.06 * level, bt + half * beat, sr,
                         pan=0.4)
        if melody:
            chord_tones = [(root + iv) % 12 for iv in _TRIADS[quality]]
            pos = 0.0
            while pos < 4 - 1e-9:
                length = float(rng.choice([0.5, 1.0, 1.0, 1.5, 2.0]))
                length = min(length, 4 - pos)
                if rng.random() < 0.15 and pos > 0:
                    pos += length
                    continue
                pcs = chord_tones if pos in (0.0, 2.0) else [(tonic + s) % 12 for s in scale]
                candidates = [p for p in range(62, 82) if p % 12 in pcs]
                pitch = min(candidates, key=lambda p: abs(p - prev_pitch) + rng.random() * 4)
                prev_pitch = pitch
                _add(out, _tone(pitch, length * beat * 0.95, sr, harmonics=8, decay=0.4, vibrato=True)
                     * 0.12 * level, t0 + pos * beat, sr)
                pos += length
    peak = np.max(np.abs(out))
    if peak > 0:
        out *= 0.8 / peak
    fade = int(0.01 * sr)
    out[-fade:] *= np.linspace(1, 0, fade)[:, None]
    return out.astype(np.float32)


def _tone(midi: int, seconds: float, sr: int, harmonics: int, decay: float, vibrato: bool = False) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    f = 440.0 * 2 ** ((midi - 69) / 12)
    phase = 2 * np.pi * f * t
    if vibrato:
        phase += 0.3 * np.sin(2 * np.pi * 5.5 * t) * np.clip(t / 0.3, 0, 1)
    wave = sum(np.sin(h * phase) / h for h in range(1, harmonics + 1))
    env = np.exp(-decay * t) * np.clip(t / 0.01, 0, 1) * np.clip((seconds - t) / 0.02, 0, 1)
    return wave * env


def _kick(sr: int) -> np.ndarray:
    t = np.arange(int(0.25 * sr)) / sr
    freq = 50 + 100 * np.exp(-t * 30)
    return np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t * 12)


def _noise_hit(sr: int, seconds: float, rng, color: float) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    noise = rng.standard_normal(len(t))
    if color > 0:  # a touch of low-passing gives a snare body
        noise = np.convolve(noise, np.ones(4) / 4, mode="same") * color + noise * (1 - color)
    else:
        noise = np.diff(noise, prepend=0)
    return noise * np.exp(-t / (seconds / 4))


def _add(out: np.ndarray, sound: np.ndarray, start: float, sr: int, pan: float = 0.0) -> None:
    i = int(round(start * sr))
    if i >= len(out):
        return
    sound = sound[: len(out) - i]
    out[i:i + len(sound), 0] += sound * np.sqrt((1 - pan) / 2) * 1.414
    out[i:i + len(sound), 1] += sound * np.sqrt((1 + pan) / 2) * 1.414


class _PeakMemory:
    """Peak memory of this process and its children while the block runs: the sum of their
    proportional set sizes (PSS), sampled. PSS divides each page among the processes that share it,
    so the sum is what the remix really holds; adding peak RSS of the parent and of the largest
    child counts the pages a fork shares twice and leaves the second child out. `include_self=False`
    counts the children alone: a remix run as its own CLI process, not the bench that starts it."""

    def __init__(self, interval: float = 0.2, include_self: bool = True):
        self.interval = interval
        self.include_self = include_self
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "_PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = os.getpid()
        while True:
            pids = _descendants(me) + ([me] if self.include_self else [])
            total = sum(_pss_kb(pid) for pid in pids)
            self.peak_mb = max(self.peak_mb, total / 1024)
            if self._stop.wait(self.interval):
                return


def _children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(name))
            except (OSError, IndexError, ValueError):
                continue  # exited while we looked
    return found


def _descendants(pid: int) -> list[int]:
    """Children, grandchildren, ...: the CLI process and its helpers."""
    found, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        found.extend(kids)
        todo.extend(kids)
    return found


BENCH_LYRICS = """Morning light is on the window
Every street is waking up again
Hold the feeling, never let it go
We will find our way back home

Sing it loud tonight
Everything will be alright
Sing it loud tonight
We are running through the light
"""


def _cli_run(source: Path, prompt: str, lyrics: Path, cache: Path, out: Path, seed: int) -> tuple[float, float, dict]:
    """One whole CLI process (decode .. encode, both versions, stems): wall seconds, peak PSS MB, plan."""
    import json
    import subprocess

    command = [sys.executable, "-m", "remixes.engine", str(source), "--prompt", prompt, "--lyrics", str(lyrics),
               "--seed", str(seed), "--cache", str(cache), "--out", str(out), "--quiet"]
    started = time.perf_counter()
    with _PeakMemory(include_self=False) as memory:  # the CLI process and its helpers, not this bench
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, memory.peak_mb, json.loads((out / "plan.json").read_text())


def stems_bench(source: Path, floor: float, prompt: str, tmp: Path) -> None:
    """First remix (separation, analysis and transcription computed and cached) and a repeat of the same
    song with another prompt (all of them from the stems cache), each as a whole CLI process with lyrics,
    as ratios to the I/O floor; the peak memory of each run (PSS of the CLI process and its helpers)."""
    lyrics = tmp / "lyrics.txt"
    lyrics.write_text(BENCH_LYRICS, encoding="utf-8")
    cache = tmp / "stems-cache"
    first, first_mb, first_plan = _cli_run(source, prompt, lyrics, cache, tmp / "first", seed=1)
    again, again_mb, again_plan = _cli_run(source, "classical piano, slow and calm", lyrics, cache, tmp / "again",
                                           seed=2)
    print(f"first remix, whole CLI process with lyrics (separation computed): {first:.2f} s = "
          f"{first / floor:.2f} x floor (target <= 8)   peak memory {first_mb:.0f} MB (target <= 1536)")
    print(f"  stages: {first_plan['engine']['timings']['stages']}")
    print(f"repeat remix, same song, another prompt (from the stems cache): {again:.2f} s = "
          f"{again / floor:.2f} x floor (target <= 3)   peak memory {again_mb:.0f} MB")
    print(f"  stages: {again_plan['engine']['timings']['stages']}; cache computed "
          f"{again_plan['engine']['cache']['computed'] or 'nothing'}")


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv=None) -> int:
    from .decode import decode
    from .encode import encode_mp3, encode_wav
    from .pipeline import RemixRequest, remix

    parser = argparse.ArgumentParser(prog="python -m remixes.engine.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--prompt", default="make it lo-fi with chill beats")
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the engine run")
    parser.add_argument("--in-process", action="store_true",
                        help="time remix() in this process (no lyrics, no cache) instead of two CLI runs")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        song = os.environ.get("REMIX_BENCH_SONG")
        if song:
            source = Path(song)
        else:
            source = Path(tmp) / "bench-song.wav"
            import soundfile as sf

            sf.write(source, make_song(args.seconds, tempo=104.0, tonic=2, mode="major", seed=7), SR,
                     subtype="PCM_16")
        from . import warm_up

        warm_up()  # the worker pays the numba JIT once at start; so does the bench

        started = time.perf_counter()
        audio = decode(source)
        encode_mp3(audio, SR)
        encode_mp3(audio, SR)
        floor = time.perf_counter() - started
        source_seconds = len(audio) / SR
        del audio  # the engine decodes for itself; keep the bench's copy out of the memory figure
        if not (args.profile or args.in_process):
            print(f"song: {source.name if song else f'generated {args.seconds:.0f} s'} ({source_seconds:.1f} s), "
                  f"{os.cpu_count()} cores")
            print(f"I/O floor (decode + two 192 kb/s mp3 encodes): {floor:.2f} s")
            stems_bench(source, floor, args.prompt, Path(tmp))
            return 0

        request = RemixRequest(prompt=args.prompt, seed=1)
        started = time.perf_counter()
        with _PeakMemory() as memory:
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                result = profiler.runcall(remix, source, request)
            else:
                result = remix(source, request)
        engine = time.perf_counter() - started
        started = time.perf_counter()
        for version in result.versions:
            encode_mp3(version.audio, SR)
            encode_wav(version.audio, SR)
        encoding = time.perf_counter() - started

    print(f"song: {source.name if song else f'generated {args.seconds:.0f} s'} ({source_seconds:.1f} s), "
          f"prompt {args.prompt!r}, {os.cpu_count()} cores")
    print(f"I/O floor (decode + two 192 kb/s mp3 encodes): {floor:.2f} s")
    print(f"engine remix() (decode .. master, both versions, cover): {engine:.2f} s")
    print(f"encoding the results (2 x mp3 + wav): {encoding:.2f} s")
    print(f"ratio engine / floor: {engine / floor:.2f}   (with encoding: {(engine + encoding) / floor:.2f})")
    print(f"stage wall times: {result.plan['engine']['timings']}")
    print(f"peak memory of remix() (PSS of this process and its helpers, sampled every 0.2 s): "
          f"{memory.peak_mb:.0f} MB")
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
