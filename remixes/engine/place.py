"""Where the finished version is heard from: the "song but you're in another room" edits (style._PLACES).

Each place is what the sound meets on its way to the listener: a wall passes the bass and the kick and loses the
highs (a three-pole low-pass, 18 dB an octave above ~450 Hz: a voice still faintly heard) and most of the stereo
picture; a room answers with its own echo, a tiled one brightly (little damping), a car's cabin lifts the low end and
is small and dry. All of it is linear and time-invariant (filters, a gain on the side, Freeverb), so the instrumental
and the vocal stem each go through it and still add up to the version.
"""

from __future__ import annotations

import numpy as np

from .render import process_in_place

WALL_POLES = 3  # first-order low-passes at WALL_HZ in a row: -3 dB at ~0.51 x WALL_HZ, then 18 dB an octave
WALL_HZ = 900.0
WALL_THUMP_DB = 4.0  # what a wall passes best and shakes with: the bass and the kick, under ~150 Hz


def _chain(place: str) -> tuple[list, float]:
    """The place's Pedalboard plugins, in the order the sound meets them, and how much of the side it keeps."""
    import pedalboard as pb

    def room(size: float, damping: float, wet: float, dry: float) -> object:
        return pb.Reverb(room_size=size, damping=damping, wet_level=wet, dry_level=dry, width=1.0)

    wall = [pb.LowpassFilter(cutoff_frequency_hz=WALL_HZ) for _ in range(WALL_POLES)] + [
        pb.LowShelfFilter(cutoff_frequency_hz=150.0, gain_db=WALL_THUMP_DB)]
    if place == "another_room":  # through the wall, then the listener's own (furnished) room
        return wall + [room(0.4, 0.6, 0.15, 0.9)], 0.3
    if place == "bathroom":  # the party through the wall, in a small tiled room: a bright, long echo for its size
        return wall + [room(0.45, 0.1, 0.35, 0.75)], 0.3
    if place == "shower":  # the music in a tiled room: thinned (a small speaker, the curtain), the echo bright
        return [pb.HighpassFilter(cutoff_frequency_hz=180.0), pb.HighpassFilter(cutoff_frequency_hz=180.0),
                pb.LowpassFilter(cutoff_frequency_hz=7000.0), room(0.45, 0.05, 0.4, 0.75)], 1.0
    if place == "car":  # the cabin's gain under ~100 Hz, the door speakers' softer highs, a small dry space
        return [pb.LowShelfFilter(cutoff_frequency_hz=100.0, gain_db=6.0), pb.LowpassFilter(cutoff_frequency_hz=7000.0),
                pb.HighShelfFilter(cutoff_frequency_hz=4000.0, gain_db=-3.0), room(0.1, 0.8, 0.08, 0.95)], 0.6
    raise ValueError(f"unknown place: {place!r}")


def heard_from(audio: np.ndarray, place: str, sr: int) -> np.ndarray:
    """(n, 2) float32 audio as heard from `place` (module docstring): a new array of the same length (an empty or
    mono input comes back as it is)."""
    import pedalboard as pb

    audio = np.asarray(audio, dtype=np.float32)
    if len(audio) == 0 or audio.ndim != 2 or audio.shape[1] != 2 or not place:
        return audio
    plugins, side = _chain(place)
    board = pb.Pedalboard(plugins)
    mid = audio.mean(axis=1, keepdims=True)
    out = np.ascontiguousarray(mid + side * (audio - mid), dtype=np.float32)  # the side narrowed, linearly
    return process_in_place(board, out, sr)
