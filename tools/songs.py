"""Synthetic test songs: `make_song()` builds the clips of the engine tests and the songs of the benches
(`tools.bench`, `tools.asr_bench`, `tools.vocals_bench`, `tools.evaluate`); `tone`, `kick`, `noise_hit` and
`add` are its parts, for tests that build their own mixtures."""

from __future__ import annotations

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
            add(out, tone(pitch, bar, sr, harmonics=6, decay=0.6) * 0.09 * level, t0, sr, pan=-0.3 + 0.3 * i)
        for k in range(4 if chorus_part else 2):
            add(out, tone(36 + root, bar / (4 if chorus_part else 2) * 0.9, sr, harmonics=4, decay=3)
                 * 0.22 * level, t0 + k * bar / (4 if chorus_part else 2), sr)
        if drums:
            for k in range(4):
                bt = t0 + k * beat
                if k in (0, 2):
                    add(out, kick(sr) * 0.5 * level, bt, sr)
                else:
                    add(out, noise_hit(sr, 0.15, rng, color=0.6) * 0.2 * level, bt, sr)
                for half in (0, 0.5):
                    add(out, noise_hit(sr, 0.04, rng, color=0.0) * 0.06 * level, bt + half * beat, sr,
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
                add(out, tone(pitch, length * beat * 0.95, sr, harmonics=8, decay=0.4, vibrato=True)
                     * 0.12 * level, t0 + pos * beat, sr)
                pos += length
    peak = np.max(np.abs(out))
    if peak > 0:
        out *= 0.8 / peak
    fade = int(0.01 * sr)
    out[-fade:] *= np.linspace(1, 0, fade)[:, None]
    return out.astype(np.float32)


def tone(midi: int, seconds: float, sr: int, harmonics: int, decay: float, vibrato: bool = False) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    f = 440.0 * 2 ** ((midi - 69) / 12)
    phase = 2 * np.pi * f * t
    if vibrato:
        phase += 0.3 * np.sin(2 * np.pi * 5.5 * t) * np.clip(t / 0.3, 0, 1)
    wave = sum(np.sin(h * phase) / h for h in range(1, harmonics + 1))
    env = np.exp(-decay * t) * np.clip(t / 0.01, 0, 1) * np.clip((seconds - t) / 0.02, 0, 1)
    return wave * env


def kick(sr: int) -> np.ndarray:
    t = np.arange(int(0.25 * sr)) / sr
    freq = 50 + 100 * np.exp(-t * 30)
    return np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t * 12)


def noise_hit(sr: int, seconds: float, rng, color: float) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    noise = rng.standard_normal(len(t))
    if color > 0:  # a touch of low-passing gives a snare body
        noise = np.convolve(noise, np.ones(4) / 4, mode="same") * color + noise * (1 - color)
    else:
        noise = np.diff(noise, prepend=0)
    return noise * np.exp(-t / (seconds / 4))


def add(out: np.ndarray, sound: np.ndarray, start: float, sr: int, pan: float = 0.0) -> None:
    i = int(round(start * sr))
    if i >= len(out):
        return
    sound = sound[: len(out) - i]
    out[i:i + len(sound), 0] += sound * np.sqrt((1 - pan) / 2) * 1.414
    out[i:i + len(sound), 1] += sound * np.sqrt((1 + pan) / 2) * 1.414
