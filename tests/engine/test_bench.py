"""The bench's memory figure counts the helper processes a remix forks, not only its own."""
from __future__ import annotations

import subprocess
import sys

from tools.bench import _PeakMemory


def test_peak_memory_includes_a_child_process():
    with _PeakMemory(interval=0.05) as baseline:
        pass
    child = "import numpy as np, time; a = np.ones(50_000_000); time.sleep(1.0)"  # 400 MB, touched
    with _PeakMemory(interval=0.05) as memory:
        subprocess.run([sys.executable, "-c", child], check=True)
    assert memory.peak_mb - baseline.peak_mb > 300


def test_peak_memory_includes_grandchildren():
    """The CLI runs of the bench are a process whose helpers are the bench's grandchildren."""
    with _PeakMemory(interval=0.05) as baseline:
        pass
    grandchild = "import numpy as np, time; a = np.ones(50_000_000); time.sleep(1.0)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    with _PeakMemory(interval=0.05) as memory:
        subprocess.run([sys.executable, "-c", child], check=True)
    assert memory.peak_mb - baseline.peak_mb > 300


def test_peak_memory_of_children_alone_leaves_the_bench_out():
    """A CLI run's figure is the remix's own processes: the bench's memory is not added to it."""
    ballast = bytearray(300 * 1024 * 1024)  # 300 MB held by this (the bench's) process, touched
    ballast[::4096] = b"x" * len(ballast[::4096])
    child = "import numpy as np, time; a = np.ones(25_000_000); time.sleep(1.0)"  # 200 MB
    # Children this process already has (a test session's servers and browser) are the baseline.
    with _PeakMemory(interval=0.05, include_self=False) as idle:
        pass
    with _PeakMemory(interval=0.05, include_self=False) as children:
        subprocess.run([sys.executable, "-c", child], check=True)
    with _PeakMemory(interval=0.05) as everything:
        subprocess.run([sys.executable, "-c", child], check=True)
    assert 150 < children.peak_mb - idle.peak_mb < 400
    assert everything.peak_mb - children.peak_mb > 250
    del ballast


def test_the_bench_times_runs_without_the_memory_probe(tmp_path, monkeypatch, capsys):
    """The probe takes CPU from the remix it measures: the times printed are from runs without it, the peak
    memory from a second pair of runs (with a fresh cache, so the first remix separates again) with it."""
    from tools import bench

    calls = []

    def run(source, prompt, lyrics, cache, out, seed, probe=False):
        calls.append((prompt, cache.name, probe))
        seconds = {False: 10.0, True: 13.0}[probe] * (2 if seed == 1 else 1)
        plan = {"engine": {"timings": {"stages": {}}, "cache": {"computed": [] if seed == 2 else ["stems"]}}}
        return seconds, (1400.0 if seed == 1 else 1300.0) if probe else None, plan

    monkeypatch.setattr(bench, "_cli_run", run)
    bench.stems_bench(tmp_path / "song.wav", 5.0, "lo-fi", tmp_path)
    out = capsys.readouterr().out
    assert [probe for _, _, probe in calls] == [False, False, True, True]
    assert calls[0][1] == calls[1][1] != calls[2][1] == calls[3][1]  # a cold cache for each first remix
    assert "20.00 s = 4.00 x floor" in out and "peak memory 1400 MB" in out
    assert "10.00 s = 2.00 x floor" in out and "peak memory 1300 MB" in out


def test_the_bench_prints_the_ratios_to_the_ffmpeg_programs_floor_too(tmp_path, monkeypatch, capsys):
    from tools import bench

    monkeypatch.setattr(bench, "_cli_run", lambda source, prompt, lyrics, cache, out, seed, probe=False: (
        12.0 if seed == 1 else 6.0, 1000.0 if probe else None,
        {"engine": {"timings": {"stages": {}}, "cache": {"computed": []}}}))
    bench.stems_bench(tmp_path / "song.wav", 3.0, "lo-fi", tmp_path, program_floor=4.0)
    out = capsys.readouterr().out
    assert "12.00 s = 4.00 x floor" in out and "6.00 s = 2.00 x floor" in out
    assert "(4.00 s: its decode" in out and "first remix 3.00 x, repeat 1.50 x" in out


def test_the_ffmpeg_programs_floor_is_measured(tmp_path):
    import soundfile as sf

    from tools import bench
    from tools.songs import make_song

    song = tmp_path / "song.wav"
    sf.write(song, make_song(4.0, tempo=100.0, tonic=0, mode="major", seed=1), bench.SR, subtype="PCM_16")
    seconds = bench.ffmpeg_floor(song)
    assert seconds is not None and 0 < seconds < 30
