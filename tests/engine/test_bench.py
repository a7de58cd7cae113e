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
