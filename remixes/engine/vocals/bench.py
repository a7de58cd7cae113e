"""`python -m remixes.engine.vocals.bench`: what singing costs, per sung line and per minute of output.

Sings ~20 lines over a synthetic 3-minute song (cold: speech and WORLD analysis included), then a
second version with another seed (warm: the analysis of each line is reused), on one core.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from .guide import VocalGuide  # noqa: E402
from .performer import perform  # noqa: E402
from .singing import spoken_line  # noqa: E402

LYRICS = """[Verse]
It's a brand new day and the city wakes
I got 4 reasons and a heart that aches
Walking down the empty road alone
Every window glowing like a home

Morning light is falling on the street
Counting every echo of my feet
I can hear the river call my name
Nothing here will ever stay the same

[Chorus]
Sing it loud tonight
Everything will be alright
Hold on to the morning light
We are burning bright

[Verse]
Twenty miles of silver in the rain
Every station calling out again
I will carry all the words you said
Like a lantern shining up ahead

[Chorus]
Sing it loud tonight
Everything will be alright
"""


def synthetic_guide(duration: float = 180.0, bpm: float = 96.0) -> VocalGuide:
    beat = 60.0 / bpm
    beats = tuple(float(t) for t in np.arange(0.0, duration - 1e-6, beat))
    bars = beats[::4]
    loop = ((9, "min"), (5, "maj"), (0, "maj"), (7, "maj"))
    chords = tuple((b, min(b + 4 * beat, duration), loop[i % 4][0], loop[i % 4][1]) for i, b in enumerate(bars))
    sections = ((0.0, 10.0, "intro", 0.3), (10.0, 60.0, "verse", 0.5), (60.0, 90.0, "chorus", 0.9),
                (90.0, 140.0, "verse", 0.5), (140.0, duration, "chorus", 0.95))
    return VocalGuide(44100, duration, bpm, beats, bars, 9, "minor", chords, (), sections)


def main() -> None:
    guide = synthetic_guide()
    spoken_line.cache_clear()
    rows = []
    for label, seed in (("cold (version 1)", 0), ("warm (version 2)", 1)):
        started = time.perf_counter()
        performance = perform(LYRICS, guide, "female", seed=seed)
        elapsed = time.perf_counter() - started
        lines = performance.vocal.lines
        sung_seconds = sum(line["end"] - line["start"] for line in lines)
        rows.append((label, elapsed, len(lines), sung_seconds))
    print(f"vocals bench: {guide.duration:.0f} s song, {len(LYRICS)} characters of lyrics, female voice, one core")
    for label, elapsed, n_lines, sung_seconds in rows:
        print(f"  {label}: {elapsed:6.2f} s total, {n_lines} lines sung ({sung_seconds:.0f} s of singing), "
              f"{1000 * elapsed / max(n_lines, 1):5.0f} ms per sung line, "
              f"{elapsed / (guide.duration / 60):5.2f} s per minute of output")


if __name__ == "__main__":
    main()
