"""`python -m tools.bench`: time a full remix of a 3-minute song against the I/O floor.

The floor is measured in the same run (decode + two 192 kb/s mp3 encodes, with the engine's own decoder and
encoder), so the ratio does not depend on the machine; the same floor measured with the ffmpeg program (slower
here, so the ratios to it are lower) is printed beside it. By default two whole CLI processes run with lyrics and one stems cache: the first
remix (separation, analysis and transcription computed) and a repeat of the same song with another
prompt (all of them read from the cache), each with its peak memory (PSS of the process tree);
`--in-process` (or `--profile`) times remix() in this process instead, without lyrics or cache. The song is generated (chords, bass, drums, a lead melody) unless
REMIX_BENCH_SONG points at a real file (the generated song is tools.songs.make_song, also the engine tests' clips).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path

from tools.songs import SR, make_song


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


def _cli_run(source: Path, prompt: str, lyrics: Path, cache: Path, out: Path, seed: int,
             probe: bool = False) -> tuple[float, float | None, dict]:
    """One whole CLI process (decode .. encode, both versions, stems): wall seconds, peak PSS MB (with `probe`,
    else None), plan."""
    import json
    import subprocess

    command = [sys.executable, "-m", "remixes.engine", str(source), "--prompt", prompt, "--lyrics", str(lyrics),
               "--seed", str(seed), "--cache", str(cache), "--out", str(out), "--quiet"]
    started = time.perf_counter()
    memory = _PeakMemory(include_self=False) if probe else nullcontext()  # the CLI and its helpers, not the bench
    with memory:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, memory.peak_mb if probe else None, json.loads((out / "plan.json").read_text())


REPEAT_PROMPT = "classical piano, slow and calm"


def ffmpeg_floor(source: Path) -> float | None:
    """The I/O floor in the issue's own words, with the ffmpeg program: a decode of the song to float samples
    and two 192 kb/s mp3 encodes of it (ffmpeg's libmp3lame at its default quality), each a process of its own.
    The bench's own floor uses the engine's decoder and its encoder (Pedalboard's LAME, ~1.5x faster than
    ffmpeg's on this machine), the stricter of the two; this one is printed beside it. None without ffmpeg."""
    import shutil
    import subprocess

    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    common = [ffmpeg, "-nostdin", "-v", "error", "-i", str(source)]
    started = time.perf_counter()
    subprocess.run([*common, "-f", "f32le", "-ar", str(SR), "-ac", "2", "-"], check=True, stdout=subprocess.DEVNULL)
    for _ in range(2):
        subprocess.run([*common, "-c:a", "libmp3lame", "-b:a", "192k", "-f", "mp3", "-"], check=True,
                       stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def stems_bench(source: Path, floor: float, prompt: str, tmp: Path, program_floor: float | None = None) -> None:
    """First remix (separation, analysis and transcription computed and cached) and a repeat of the same
    song with another prompt (all of them from the stems cache), each as a whole CLI process with lyrics,
    as ratios to the I/O floor; the peak memory of each (PSS of the CLI process and its helpers).

    The times come from runs without the memory probe, the peaks from a second pair of runs (a fresh cache)
    with it: the probe reads every helper's smaps_rollup five times a second, which takes CPU from the remix
    and its page tables' lock from the helpers (it made the repeat ~0.8 s, ~7 %, slower)."""
    lyrics = tmp / "lyrics.txt"
    lyrics.write_text(BENCH_LYRICS, encoding="utf-8")
    runs = {}
    for probe in (False, True):
        cache = tmp / f"stems-cache-{probe}"
        runs[probe] = (_cli_run(source, prompt, lyrics, cache, tmp / "first", seed=1, probe=probe),
                       _cli_run(source, REPEAT_PROMPT, lyrics, cache, tmp / "again", seed=2, probe=probe))
    (first, _, first_plan), (again, _, again_plan) = runs[False]
    (first_probed, first_mb, _), (again_probed, again_mb, _) = runs[True]
    print(f"first remix, whole CLI process with lyrics (separation computed): {first:.2f} s = "
          f"{first / floor:.2f} x floor (target <= 8)   peak memory {first_mb:.0f} MB (target <= 1536)")
    print(f"  stages: {first_plan['engine']['timings']['stages']}")
    print(f"repeat remix, same song, another prompt (from the stems cache): {again:.2f} s = "
          f"{again / floor:.2f} x floor (target <= 3)   peak memory {again_mb:.0f} MB")
    print(f"  stages: {again_plan['engine']['timings']['stages']}; cache computed "
          f"{again_plan['engine']['cache']['computed'] or 'nothing'}")
    print(f"  (peak memory from a second pair of runs with the memory probe, which took {first_probed:.2f} s and "
          f"{again_probed:.2f} s: the probe's own cost)")
    if program_floor:
        print(f"against the floor measured with the ffmpeg program ({program_floor:.2f} s: its decode + two of its "
              f"192 kb/s libmp3lame encodes): first remix {first / program_floor:.2f} x, repeat "
              f"{again / program_floor:.2f} x")


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
    from remixes.engine.decode import decode
    from remixes.engine.encode import encode_mp3, encode_wav
    from remixes.engine.pipeline import RemixRequest, remix

    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
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
        from remixes.engine import warm_up

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
            print(f"I/O floor (decode + two 192 kb/s mp3 encodes, the engine's decoder and encoder): {floor:.2f} s")
            stems_bench(source, floor, args.prompt, Path(tmp), ffmpeg_floor(source))
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
