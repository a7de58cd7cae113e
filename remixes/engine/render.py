"""Rendering: the original stretched and re-balanced, the new band through a General MIDI soundfont,
and the style's effects (pedalboard) on the mix.

The original is time-stretched once per request and its harmonic / percussive / centred-vocal parts
are re-weighted with soft STFT masks (cheap HPSS at a coarse hop): both versions share that work.
"""

from __future__ import annotations

import os
import struct
from functools import lru_cache

import numpy as np

from .encode import frame_blocks
from .vocabulary import EFFECT_DEFAULTS, EffectKind

SAMPLE_RATE = 44100
DEFAULT_SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"   # Debian fluid-soundfont-gm (MIT), 148 MB
FALLBACK_SOUNDFONT = "/usr/share/sounds/sf2/TimGM6mb.sf2"   # Debian timgm6mb-soundfont (GPL-2), 6 MB
_STRETCH_CHUNK_SECONDS = 45.0
# R3 runs at whole-sample hops: its output drifts from the asked rate by up to ~0.2 % (35-70 ms late or early by
# the end of a 45 s piece at rates 0.87-1.3), snapping back where the next piece starts; 10 s pieces keep it
# within 6-20 ms of the beat. R2 stays within 3 ms.
_STRETCH_FINE_CHUNK_SECONDS = 10.0
_STRETCH_OVERLAP_SECONDS = 0.25
_CHUNK = 1 << 16  # samples (or frames) worked on at a time instead of a full-length temporary: they stay in cache


def soundfont_path() -> str:
    """REMIX_SOUNDFONT, else FluidR3 GM, else the small TimGM6mb set when FluidR3 is not installed."""
    chosen = os.environ.get("REMIX_SOUNDFONT")
    if chosen:
        return chosen
    return DEFAULT_SOUNDFONT if os.path.exists(DEFAULT_SOUNDFONT) else FALLBACK_SOUNDFONT


def soundfont_note() -> str | None:
    """A sentence for the plan when the band plays the small fallback set."""
    if soundfont_path() == FALLBACK_SOUNDFONT and not os.environ.get("REMIX_SOUNDFONT"):
        return ("Instruments: the small TimGM6mb soundfont (install fluid-soundfont-gm for FluidR3, "
                "the engine's default).")
    return None


# --- original audio ----------------------------------------------------------------------------------

class Stretch:
    """Time-stretch (n, 2) audio by `rate` (> 1 faster) in chunks that overlap by a quarter second and
    are cross-faded. Given a process pool, the chunks render there while the caller keeps working;
    without one they render in `result()`, reporting progress between chunks. `audio` is an array, or a
    picklable reader (len() and row slices, e.g. stems mixed on the fly) that the pool's processes read
    their chunks from themselves. `fine`: Rubber Band's finer engine (see stretch_piece)."""

    def __init__(self, audio, rate: float, sr: int = SAMPLE_RATE, pool=None, fine: bool = False):
        self.audio, self.rate, self.sr, self.fine = audio, rate, sr, fine
        chunk = int((_STRETCH_FINE_CHUNK_SECONDS if fine else _STRETCH_CHUNK_SECONDS) * sr)
        overlap = int(_STRETCH_OVERLAP_SECONDS * sr)
        self.pieces = [(max(0, start - overlap), min(len(audio), start + chunk))
                       for start in range(0, len(audio), chunk)]
        self.futures = None
        if rate != 1.0 and pool is not None:
            if isinstance(audio, np.ndarray):
                self.futures = [pool.submit(stretch_piece, audio[a:b], rate, sr, fine) for a, b in self.pieces]
            else:
                self.futures = [pool.submit(_stretch_rows, audio, a, b, rate, sr, fine) for a, b in self.pieces]

    def result(self, tick=None) -> np.ndarray:
        if self.rate == 1.0:
            return self.audio if isinstance(self.audio, np.ndarray) else np.asarray(self.audio[0:len(self.audio)])
        out = np.empty((int(round(len(self.audio) / self.rate)), 2), dtype=np.float32)
        for start, block in self._blocks(tick):
            out[start:start + len(block)] = block
        return out

    def spill(self, path, tick=None) -> str:
        """The result written to the .npy file `path` as it is stitched, a piece at a time: this process
        never holds the whole of it (a 3-minute song: 80 MB)."""
        n = len(self.audio) if self.rate == 1.0 else int(round(len(self.audio) / self.rate))
        with open(path, "wb") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
                                                     "fortran_order": False, "shape": (n, 2)})
            if self.rate == 1.0:
                for i in range(0, n, 1 << 20):
                    np.ascontiguousarray(self.audio[i:i + (1 << 20)], dtype=np.float32).tofile(f)
            else:
                for _, block in self._blocks(tick):
                    np.ascontiguousarray(block, dtype=np.float32).tofile(f)
        return str(path)

    def _blocks(self, tick=None):
        """The stretched audio as (first row, rows) blocks, in order and end to end: the pieces cross-faded
        where they overlap. A block is given out once no later piece reaches into it."""
        out_len = int(round(len(self.audio) / self.rate))
        pending, pending_from = np.zeros((0, 2), dtype=np.float32), 0  # output rows from pending_from, not final
        for k, (src_from, end) in enumerate(self.pieces):
            if self.futures is not None:
                piece = self.futures[k].result()
                self.futures[k] = None  # a piece is held no longer than it is being stitched
            else:
                piece = _stretch_rows(self.audio, src_from, end, self.rate, self.sr, self.fine)
            out_from = int(round(src_from / self.rate))
            size = min(int(round((end - src_from) / self.rate)) if piece is None else len(piece),
                       max(0, out_len - out_from))
            if out_from > pending_from:  # the rows before this piece are final
                if len(pending):
                    yield pending_from, pending[:out_from - pending_from]
                if out_from - pending_from > len(pending):  # a gap no piece reached: silence
                    yield pending_from + len(pending), np.zeros((out_from - pending_from - len(pending), 2),
                                                                dtype=np.float32)
                pending, pending_from = pending[out_from - pending_from:], out_from
            if len(pending) < size:
                pending = np.concatenate([pending, np.zeros((size - len(pending), 2), dtype=np.float32)])
            if src_from > 0:
                fade = min(int(round(_STRETCH_OVERLAP_SECONDS * self.sr / self.rate)), size)
                ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)[:, None]
                pending[:fade] *= 1 - ramp
                if piece is not None:
                    piece = piece[:size].copy()
                    piece[:fade] *= ramp
            if piece is not None:  # None: silence (the stretch of zeros is zeros, as long as Rubber Band's)
                pending[:size] += piece[:size]
            if tick:
                tick((k + 1) / len(self.pieces))
        if len(pending):
            yield pending_from, pending
        if pending_from + len(pending) < out_len:
            yield pending_from + len(pending), np.zeros((out_len - pending_from - len(pending), 2), dtype=np.float32)


def _stretch_rows(reader, start: int, end: int, rate: float, sr: int, fine: bool = False) -> np.ndarray | None:
    """Rows start..end of `reader` stretched; None when they are all zero (e.g. every stem's gain is 0)."""
    rows = np.asarray(reader[start:end])
    if not rows.any():
        return None
    return stretch_piece(rows, rate, sr, fine)


def stretch_piece(audio: np.ndarray, rate: float, sr: int = SAMPLE_RATE, fine: bool = False) -> np.ndarray:
    """The faster stretch: the engine's own phase vocoder (`stretch.py`: identity phase locking, onsets reset,
    both channels turned alike), which replaced Rubber Band's faster engine (R2) at 0.14-0.37x its CPU and
    closer to R3 on every measure taken (README, "Rubber Band"). With `fine`, Rubber Band's finer engine (R3)
    through Pedalboard, which keeps a dense mix's per-beat harmony better (a death-metal excerpt stretched
    16-25 % scores 0.78-0.83 against itself in tools.evaluate's measure, 0.70-0.76 with R2) at ~3x R2's CPU.
    Formants are not preserved: the pitch never moves, so the output is the same, and R3 skips its formant
    analysis (15 % fewer instructions). A mono source (both channels equal) is stretched once and copied: the
    same samples as the stereo stretch (its channels go together) at half the CPU."""
    if not fine:
        from .stretch import time_stretch

        return time_stretch(audio, rate)
    from pedalboard import time_stretch

    mono = audio.shape[1] == 2 and np.array_equal(audio[:, 0], audio[:, 1])
    channels = np.ascontiguousarray((audio[:, :1] if mono else audio).T)
    out = time_stretch(channels, sr, stretch_factor=rate, high_quality=fine, preserve_formants=False).T
    return np.repeat(out, 2, axis=1) if mono else out


# --- the band ----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _synth(path: str):
    """One synthesiser per process with the soundfont loaded (FluidR3: ~0.5-0.9 s, ~450 MB): every part
    renders through it in turn. Loaded before the engine's helper processes fork, they share its pages."""
    import tinysoundfont

    synth = tinysoundfont.Synth(samplerate=SAMPLE_RATE)
    return synth, synth.sfload(path)


def instrument_name(program: int, is_drums: bool = False) -> str:
    """The soundfont's own name for a General MIDI program or drum kit ("Distortion Guitar", "Power"),
    read from the file's preset headers: naming the band does not load the instruments."""
    name = _preset_names(soundfont_path()).get((128 if is_drums else 0, int(program)))
    if not name:
        return f"drum kit {program}" if is_drums else f"GM program {program}"
    return f"{name} kit" if is_drums and "kit" not in name.lower() else name


@lru_cache(maxsize=2)
def _preset_names(path: str) -> dict[tuple[int, int], str]:
    """(bank, program) -> preset name, from a SoundFont's `phdr` records (RIFF sfbk, LIST pdta; 38-byte
    records: name[20], preset, bank, ...; the last one is the list's end). Reads a few kB of a 148 MB
    file (~1 ms, against ~0.5-1 s to load it); the same names the synthesiser gives (test)."""
    names: dict[tuple[int, int], str] = {}
    with open(path, "rb") as f:
        riff, size, form = struct.unpack("<4sI4s", f.read(12))
        if riff != b"RIFF" or form != b"sfbk":
            return names
        while f.tell() < 8 + size:
            header = f.read(8)
            if len(header) < 8:
                break
            chunk, length = struct.unpack("<4sI", header)
            if chunk == b"LIST" and f.read(4) == b"pdta":
                stop = f.tell() + length - 4
                while f.tell() < stop:
                    sub, sub_length = struct.unpack("<4sI", f.read(8))
                    if sub != b"phdr":
                        f.seek(sub_length + (sub_length & 1), 1)
                        continue
                    records = f.read(sub_length)
                    for at in range(0, sub_length - 38, 38):
                        raw, preset, bank = struct.unpack_from("<20sHH", records, at)
                        names.setdefault((bank, preset), raw.split(b"\0", 1)[0].decode("latin-1").strip())
                    return names
            else:
                f.seek(length + (length & 1) - (4 if chunk == b"LIST" else 0), 1)
    return names


def load_soundfont() -> None:
    """Load the band's soundfont now (e.g. before forking workers) rather than at the first note."""
    _synth(soundfont_path())


def release_soundfont() -> None:
    """Free this process's synthesiser and its soundfont (FluidR3: ~450 MB) once it plays no more notes;
    the next note or instrument name loads it again."""
    _synth.cache_clear()


def keep_freed_blocks() -> None:
    """For a render helper: its full-length arrays (40-80 MB) come from the heap and go back to it when freed, so
    the next one reuses their pages. By default glibc maps each afresh and unmaps it when freed, and every page
    of the next is faulted in and zeroed again (~20 such arrays a version: ~0.3 s of CPU). The process then holds
    its peak of arrays until it exits: a render helper, which finishes a version or two and goes."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 256 << 20)
        libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    except (OSError, AttributeError):  # not glibc
        pass


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def render_band(parts, duration: float, target_rms: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    """The band of render_band_apart as one (n, 2) float32 signal: what goes around the mix's reverb included."""
    band, dry = render_band_apart(parts, duration, target_rms, sr)
    if dry is not None:
        band += dry
    return band


def render_band_apart(parts, duration: float, target_rms: float, sr: int = SAMPLE_RATE):
    """Every Part through the soundfont (one synth each, so levels and pans stay ours), summed and scaled
    so that the band at its arranged levels has RMS `target_rms`.

    A part's `gain_db` (the prompt's "less guitar") and `spans` ("louder drums in the chorus") are applied after
    that scaling: they move the part against everything else, the original included, where balancing the changed
    band would undo it.

    Everything after the synthesiser is linear: the room (its wet output depends on the input's L + R
    alone, and at width 1 no channel crosses), the pan, the level and the DC blocker. So the parts that
    share a room and a gain_db are summed first, weighted, and go through the room together: once when
    they are all centred, else once per output channel, each sum weighted for its channel (the left one
    through the room's mono path, half the work); the DC blocker runs once, on the whole band. A part with
    effects of its own ("delay on the guitar") goes through them before its room, at the level it came in at,
    with the parts that share them, room and gain_db. A part's share of the mix's reverb (`Part.mix_reverb`, 1
    for most: "no reverb on the drums" 0) says how much of it goes into the band the mix's effects and reverb
    will take; the rest is a second band, for the same effects without the reverb.
    (band, that second band or None), each (n, 2) float32.
    """
    n = int(round(duration * sr))
    dry = np.zeros((2, n), dtype=np.float32) if any(part.mix_reverb < 1 for part in parts) else None
    changed = np.zeros((2, n), dtype=np.float32) if dry is not None or any(part.gain_db or part.spans
                                                                             for part in parts) else None
    groups: dict[tuple[float, float, tuple, tuple, float], list] = {}
    audio = None  # the synthesiser's buffer, every part's in turn (and at the end the band, after two groups or more)
    for part in parts:
        sound = tuple((e.kind, tuple(sorted(e.params.items()))) for e in part.effects)
        groups.setdefault((float(np.clip(part.reverb, 0, 1)), float(part.gain_db), tuple(part.spans), sound,
                           float(np.clip(part.mix_reverb, 0, 1))), []).append(part)
    lone = len(groups) == 1
    # channel rows: the filters run along contiguous rows. A lone group's parts' buffer is idle once they are
    # summed: it holds the mix then (one full-length array fewer at the band's peak).
    mix = None if lone else np.zeros((2, n), dtype=np.float32)
    for (amount, gain_db, spans, sound, wet), members in groups.items():
        weights = [np.array([np.sqrt((1 - p.pan) / 2), np.sqrt((1 + p.pan) / 2)], dtype=np.float32) *
                   np.float32(1.414 * p.level) for p in members]
        # passes: (each part's scale in the pass's sum, the output channel it makes (None: both), a gain after
        # the room)
        if sound:  # effects run on the panned stereo sum (a delay's or a phaser's stereo is the part's)
            passes = [([w[:, None] for w in weights], None, None)]
        elif len(members) == 1:
            passes = [([np.float32(1.0)], None, weights[0][:, None])]
        elif all(w[0] == w[1] for w in weights):
            passes = [([w[0] for w in weights], None, None)]
        else:
            passes = [([w[c] for w in weights], c, None) for c in (0, 1)]
        sums: list = [None] * len(passes)
        for k, part in enumerate(members):
            audio = render_part(part, n, sr, out=audio)  # the parts take turns in one buffer
            for j, (scales, _, _) in enumerate(passes):
                if sums[j] is None:
                    sums[j] = np.array(audio.T, order="C")  # a copy: the next part renders into `audio`
                    sums[j] *= scales[k]
                else:  # no full-length transposed copy of the part next to the sums
                    for i in range(0, n, _BLOCK):
                        sums[j][:, i:i + _BLOCK] += audio[i:i + _BLOCK].T * scales[k]
        if lone:
            mix = audio.reshape(2, n)
            mix.fill(0)
        for _, channel, after in passes:
            rows = sums.pop(0)
            if sound:
                rows = _with_effects(rows, members[0].effects, sr)
            if amount > 0:
                rows = _room(rows, amount, sr, channel)
            elif channel is not None:
                rows = rows[channel]
            if after is not None:
                rows *= after
            target = mix if channel is None else mix[channel]
            target += rows
            if changed is not None:
                target = changed if channel is None else changed[channel]
                rows *= np.float32(10 ** (gain_db / 20))  # rows are in the mix already: scaled in place
                if spans:
                    apply_spans(rows, spans, sr, axis=rows.ndim - 1)
                if wet < 1:  # "no reverb on the drums": (a share of) the part goes around the mix's reverb
                    (dry if channel is None else dry[channel])[...] += rows * np.float32(1 - wet)
                    rows *= np.float32(wet)
                target += rows
            del rows
    _without_dc(mix)
    arranged_rms = rms(mix)
    if changed is not None:
        mix = _without_dc(changed)
    out = np.empty((n, 2), dtype=np.float32) if lone else audio
    scale = np.float32(target_rms / arranged_rms) if arranged_rms > 0 else np.float32(1.0)
    np.multiply(mix.T, scale, out=out)
    if dry is not None:
        dry = np.multiply(_without_dc(dry).T, scale)
    return out, dry


_BLOCK = 1 << 18  # samples per step when summing full-length parts (no full-length temporary)
SPAN_RAMP_SECONDS = 0.05  # a span's gain comes in over this much time before it starts, and goes before it ends


def apply_spans(audio: np.ndarray, spans, sr: int = SAMPLE_RATE, offset: int = 0, axis: int = 0) -> np.ndarray:
    """Multiply `audio` in place by the gains of `spans`, ((start_s, end_s, gain), ...): each span's gain holds
    from its start to its end, ramped in over SPAN_RAMP_SECONDS before its start and out over as much before its
    end (a section's first downbeat sounds at the new level, the next section's at the old). A gain given as a
    pair, (from, to), moves in a straight line across the span instead ("fade in the drums": (0, 1) over the
    first seconds). `audio` is samples offset .. offset + len of a longer signal (a block of it) along `axis`; only
    the spans' ranges are touched."""
    n = audio.shape[axis]
    ramp = max(1, int(round(SPAN_RAMP_SECONDS * sr)))
    for start_s, end_s, gain in spans:
        a, b = int(round(start_s * sr)), int(round(end_s * sr))
        moving = isinstance(gain, tuple)
        if b - a < 2 * ramp or gain == 1.0 or gain == (1.0, 1.0):
            continue
        lo, hi = (max(a, offset) if moving else max(a - ramp, offset)), min(b, offset + n)
        if lo >= hi:
            continue
        t = np.arange(lo, hi, dtype=np.float64)
        if moving:
            curve = (gain[0] + (gain[1] - gain[0]) * (t - a) / (b - a)).astype(np.float32)
        else:
            curve = (1.0 + (float(gain) - 1.0) * _span_weight(t, a, b, ramp)).astype(np.float32)
        index = [slice(None)] * audio.ndim
        index[axis] = slice(lo - offset, hi - offset)
        audio[tuple(index)] *= curve if axis == audio.ndim - 1 else curve.reshape((-1,) + (1,) * (audio.ndim - 1))
    return audio


def _span_weight(t: np.ndarray, a: int, b: int, ramp: int) -> np.ndarray:
    """How much of a span (samples a .. b) sample `t` is in: 0 -> 1 over the `ramp` samples before a, 1 -> 0 over
    the `ramp` samples before b."""
    return np.clip(np.minimum((t - (a - ramp)) / ramp, (b - t) / ramp), 0.0, 1.0)


EFFECT_TAIL_SECONDS = 4.0  # an effect in a part of the song rings on this long after it (a reverb's, a delay's tail)


def apply_effects_in_span(audio: np.ndarray, start_s: float, end_s: float, effects, reverb: float, seed: int,
                          sr: int = SAMPLE_RATE) -> np.ndarray:
    """"reverb on the chorus": `effects` and `reverb` on (n, 2) float32 `audio` from `start_s` to `end_s` alone, in
    place. What plays there goes through them, faded in over SPAN_RAMP_SECONDS before the span and out before its
    end, its tail ringing on for EFFECT_TAIL_SECONDS over what follows; the rest is as it was. The effected part
    is as loud as it was (a distortion, a telephone band, a compressor change the level)."""
    n, ramp = len(audio), max(1, int(round(SPAN_RAMP_SECONDS * sr)))
    a, b = int(round(start_s * sr)), min(n, int(round(end_s * sr)))
    lo, hi = max(0, a - ramp), min(n, b + int(EFFECT_TAIL_SECONDS * sr))
    if b - a < 2 * ramp:
        return audio
    t = np.arange(lo, hi, dtype=np.float64)
    inside = _span_weight(t, a, b, ramp).astype(np.float32)[:, None]
    dry = audio[lo:hi] * inside
    wet = apply_effects(dry, effects, reverb, 0.0, seed=seed, sr=sr)
    before, after = rms(dry[a - lo:b - lo]), rms(wet[a - lo:b - lo])
    if before > 0 and after > 0:
        wet *= np.float32(before / after)
    audio[lo:hi] *= 1.0 - inside
    audio[lo:hi] += wet
    return audio


def rms(audio: np.ndarray) -> float:
    """RMS accumulated in float64 over 64k-sample chunks (no full-size float64 temporary; a chunk's float64
    squares stay in the cache: ~2x faster than 1M-sample chunks)."""
    flat = audio.reshape(-1)
    if not flat.size:
        return 0.0
    total = sum(float(np.square(flat[i:i + _CHUNK], dtype=np.float64).sum()) for i in range(0, flat.size, _CHUNK))
    return float(np.sqrt(total / flat.size))


def render_part(part, n_samples: int, sr: int = SAMPLE_RATE, out: np.ndarray | None = None) -> np.ndarray:
    """The part through the soundfont, (n_samples, 2) float32; into `out` (overwritten) when given."""
    if sr != SAMPLE_RATE:
        raise ValueError(f"the band renders at {SAMPLE_RATE} Hz")
    if part.is_drums and part.tune_to:
        for pitch in {n[2] for n in part.notes if n[2] in _TUNED_DRUMS}:
            drum_pitch(int(part.program), int(pitch))  # measured before this part selects its program
    synth = _selected(int(part.program), part.is_drums)
    channel = 9 if part.is_drums else 0
    if part.is_drums and part.tune_to:
        tuned = [n for n in part.notes if n[2] in _TUNED_DRUMS]
        if tuned:
            rest = [n for n in part.notes if n[2] not in _TUNED_DRUMS]
            out = _render_notes(synth, channel, rest, n_samples, sr, out=out)
            out += _render_notes(synth, channel, tuned, n_samples, sr, bends=_drum_bends(part, tuned))
            return out
    return _render_notes(synth, channel, part.notes, n_samples, sr, out=out)


# The kit's pitched drums: kicks and toms.
_TUNED_DRUMS = frozenset((35, 36, 41, 43, 45, 47, 48, 50))
_BEND_RANGE = 12  # semitones either way of a full pitch-wheel throw


@lru_cache(maxsize=64)
def drum_pitch(kit: int, note: int) -> float:
    """The fundamental (fractional MIDI pitch) of one drum of a kit: the strongest partial below 400 Hz."""
    probe = _render_notes(_selected(kit, True), 9, [(0.0, 0.4, note, 110)], 32768, SAMPLE_RATE).mean(axis=1)
    spectrum = np.abs(np.fft.rfft(probe * np.hanning(len(probe))))
    freqs = np.fft.rfftfreq(len(probe), 1 / SAMPLE_RATE)
    low = (freqs > 25) & (freqs < 400)
    f0 = float(freqs[low][np.argmax(spectrum[low])])
    return 69 + 12 * np.log2(f0 / 440.0)


def _selected(program: int, is_drums: bool):
    synth, sfid = _synth(soundfont_path())
    channel = 9 if is_drums else 0
    try:
        synth.program_select(channel, sfid, 0, int(program), is_drums=is_drums)
    except Exception:  # tinysoundfont.SoundFontException: a program this soundfont lacks
        synth.program_select(channel, sfid, 0, 0, is_drums=is_drums)
    return synth


def _drum_bends(part, notes) -> list[float]:
    """Per note, the bend (semitones, within +-6) that puts the drum's pitch on the root sounding then."""
    starts = np.array([s for s, _, _ in part.tune_to])
    bends = []
    for start, _, pitch, _ in notes:
        k = max(0, int(np.searchsorted(starts, start + 0.03)) - 1)
        target = part.tune_to[k][2]
        current = drum_pitch(int(part.program), int(pitch))
        bends.append(float((target - current + 6) % 12 - 6))
    return bends


def _render_notes(synth, channel: int, notes, n_samples: int, sr: int, bends=None, out=None) -> np.ndarray:
    if bends is not None:
        synth.pitchbend_range(channel, _BEND_RANGE)
    events = []
    for i, (start, end, pitch, velocity) in enumerate(notes):
        s = int(round(start * sr))
        e = int(round(end * sr))
        if e <= 0 or s >= n_samples:
            continue
        bend = 0.0 if bends is None else bends[i]
        events.append((max(s, 0), 1, int(pitch), int(velocity), bend))
        events.append((min(max(e, s + 1), n_samples), 0, int(pitch), 0, 0.0))
    events.sort()  # by time; note-offs (0) before note-ons (1) at the same sample
    # every sample is written (the synthesiser's first soundfont overwrites what it renders into)
    out = np.empty((n_samples, 2), dtype=np.float32) if out is None else out
    buffer = memoryview(out.reshape(-1)).cast("B")
    position = 0
    try:
        for sample, kind, pitch, velocity, bend in events + [(n_samples, -1, 0, 0, 0.0)]:
            if sample > position:
                synth.generate_simple(sample - position, buffer=buffer[position * 8: sample * 8])
                position = sample
            if kind == 1:
                if bends is not None:
                    synth.pitchbend(channel, int(np.clip(8192 + bend / _BEND_RANGE * 8191, 0, 16383)))
                synth.noteon(channel, pitch, velocity)
            elif kind == 0:
                synth.noteoff(channel, pitch)
    finally:
        synth.sounds_off(channel)  # the shared synth starts the next part silent and unbent
        synth.pitchbend(channel, 8192)
        # a sound turned off fades out over TinySoundFont's fast release (10 ms, 441 samples): render past
        # it, or its tail opens the next part rendered in this process (which then depends on what came before)
        synth.generate_simple(1024)
    return out


def _without_dc(rows: np.ndarray) -> np.ndarray:
    """A DC blocker (one pole at ~3.5 Hz): some FluidR3 pads (Warm Pad, Sweep Pad) carry an offset worth
    half their energy, which would otherwise count as level and eat the mix's headroom.
    Channel rows (2, n) float32, filtered in place."""
    from scipy.signal import lfilter

    # float32 along contiguous rows: ~4x faster than float64 down the columns, no 2x-size temporary,
    # and within ~1e-5 of it (the pole is far enough from 1 for float32 to hold it)
    b, a = np.array([1.0, -1.0], dtype=np.float32), np.array([1.0, -0.9995], dtype=np.float32)
    for row in rows:  # a chunk at a time, the state carried over (the same values): no full-length temporary
        state = np.zeros(1, dtype=np.float32)
        for i in range(0, len(row), _CHUNK):
            row[i:i + _CHUNK], state = lfilter(b, a, row[i:i + _CHUNK], zi=state)
    return rows


def _with_effects(rows: np.ndarray, effects, sr: int) -> np.ndarray:
    """Channel rows (2, n) float32 through a part's own effects, brought back to the RMS they came in at (a
    distortion would otherwise take the band's balance with it). A new (2, n) float32 array, C-contiguous."""
    level = rms(rows)
    out = np.ascontiguousarray(apply_effects(rows.T, effects, 0.0, 0.0, seed=0, sr=sr).T)
    wet = rms(out)
    if level > 0 and wet > 0:
        out *= np.float32(level / wet)
    return out


def _room(rows: np.ndarray, amount: float, sr: int, channel: int | None = None) -> np.ndarray:
    """A part's own room: wetter and larger with `amount`. Channel rows (2, n) float32 in; out the same,
    or with `channel` that output channel's row alone.

    The room (JUCE's Freeverb) feeds its combs L + R and, at width 1, gives each channel its own combs' wet
    sound plus the channel's dry input times 2 x dry_level. Its mono path runs the left combs alone on
    its one input: the left output is that path's on L + R, less the dry right input (within ~1e-7).
    `rows` is the work space (overwritten: the room runs in place, no full-length temporaries)."""
    import pedalboard as pb

    amount = float(np.clip(amount, 0, 1))
    dry_level = 1 - 0.3 * amount
    room = pb.Reverb(room_size=0.3 + 0.6 * amount, damping=0.45, wet_level=0.45 * amount,
                     dry_level=dry_level, width=1.0)
    rows = np.ascontiguousarray(rows, dtype=np.float32)
    if channel == 0:
        out = process_in_place(room, np.add(rows[0], rows[1], out=rows[0])[None, :], sr, rows=True)[0]
        rows[1] *= np.float32(dry_level) * np.float32(2.0)
        out -= rows[1]
        return out
    out = process_in_place(room, rows, sr, rows=True)
    return out if channel is None else out[channel]


REVERSE_REVERB_LEVEL = 0.5  # of the RMS of what it swells into: under it where it sings, heard in the gaps before


def reverse_reverb(audio: np.ndarray, sr: int) -> np.ndarray:
    """"reverse reverb": a large room's echo of (n, 2) float32 `audio` played backwards, so that it swells up into each
    onset and stops on it (the audio reversed, through the room alone, reversed back), REVERSE_REVERB_LEVEL of the
    audio's RMS; the layer to add, a new array. Linear: a stem's swells are its own."""
    import pedalboard as pb

    audio = np.asarray(audio, dtype=np.float32)
    if len(audio) == 0 or audio.ndim != 2:
        return np.zeros_like(audio)
    room = pb.Reverb(room_size=0.85, damping=0.4, wet_level=1.0, dry_level=0.0, width=1.0)
    backwards = np.ascontiguousarray(audio[::-1])
    swell = process_in_place(room, backwards, sr)[::-1]
    level, own = rms(swell), rms(audio)
    if level <= 0:
        return np.zeros_like(audio)
    return np.ascontiguousarray(swell * np.float32(REVERSE_REVERB_LEVEL * own / level))


def process_in_place(plugin, audio: np.ndarray, sr: int, rows: bool = False) -> np.ndarray:
    """A Pedalboard plugin (or chain) over float32 `audio`, (n, channels) or with `rows` channel rows, written over
    it: a chunk at a time, the plugin's state carried over (reset=False). The same samples as one call on the
    whole (test), without Pedalboard's two full-length buffers (its copy of the input and its output), which
    cost ~2 x 80 MB of fresh pages a 3-minute mix."""
    for start, stop in frame_blocks(audio.shape[1] if rows else len(audio), _CHUNK):
        chunk = audio[:, start:stop] if rows else audio[start:stop]
        chunk[...] = plugin(chunk, sr, reset=start == 0)
    return audio


# --- effects -----------------------------------------------------------------------------------------

def apply_effects(audio: np.ndarray, effects, reverb: float, brightness: float, seed: int,
                  sr: int = SAMPLE_RATE, in_place: bool = False) -> np.ndarray:
    """The plan's effects in order, then its reverb and tone tilt, all on the full mix. `in_place=True`
    writes the result into `audio` (float32 (n, 2), C-contiguous; the caller gives it up): one full-length
    copy fewer. Pedalboard's effects run in place on the work copy (process_in_place)."""
    import pedalboard as pb

    rng = np.random.default_rng([seed, 104729])
    # Pedalboard takes (n, 2) as it is (the same output as channel rows); vinyl, tape and wide work on rows.
    as_rows = len(audio) < 16 or any(EffectKind(effect.kind) in ("vinyl", "tape", "wide", "mono") for effect in effects)
    own = in_place and audio.dtype == np.float32 and audio.flags.c_contiguous and audio.flags.writeable
    out = np.array(audio.T, dtype=np.float32, order="C") if as_rows else \
        audio if own else np.array(audio, dtype=np.float32, order="C")
    chain: list = []

    def flush():
        nonlocal chain
        if chain:
            process_in_place(pb.Pedalboard(chain), out, sr, rows=as_rows)
            chain = []

    for effect in effects:
        kind = EffectKind(effect.kind)
        p = {**EFFECT_DEFAULTS[kind], **effect.params}  # the one source of defaults; plans set every parameter
        if kind == "lowpass":
            chain.append(pb.LowpassFilter(cutoff_frequency_hz=float(p["cutoff_hz"])))
        elif kind == "highpass":
            chain.append(pb.HighpassFilter(cutoff_frequency_hz=float(p["cutoff_hz"])))
        elif kind == "bitcrush":  # fewer bits, and each sample held for 1 / rate_hz (a crusher's aliasing: the bits
            # alone, 8 of them, are 42 dB under a mix and go unheard; held at 11.025 kHz, 19 dB)
            if float(p["rate_hz"]) < sr:
                chain.append(pb.Resample(target_sample_rate=float(p["rate_hz"]),
                                         quality=pb.Resample.Quality.ZeroOrderHold))
            chain.append(pb.Bitcrush(bit_depth=float(p["bit_depth"])))
        elif kind == "chorus":
            chain.append(pb.Chorus(depth=float(p["depth"]), mix=float(p["mix"])))
        elif kind == "phaser":
            chain.append(pb.Phaser(depth=float(p["depth"]), mix=float(p["mix"])))
        elif kind == "distortion":
            chain.append(pb.Distortion(drive_db=float(p["drive_db"])))
        elif kind == "delay":
            chain.append(pb.Delay(delay_seconds=float(p["seconds"]), feedback=float(p["feedback"]),
                                  mix=float(p["mix"])))
        elif kind == "compressor":
            chain.append(pb.Compressor(threshold_db=float(p["threshold_db"]), ratio=float(p["ratio"])))
        elif kind == "gain":
            chain.append(pb.Gain(gain_db=float(p["db"])))
        elif kind == "mids":  # Q 0.9 at 1 kHz: +4 dB there is +1.4 dB at 500 Hz and 2 kHz, +0.3 at 250 Hz and 4 kHz
            chain.append(pb.PeakFilter(cutoff_frequency_hz=MIDS_HZ, gain_db=float(p["db"]), q=0.9))
        elif kind == "telephone":  # two first-order filters each side: 12 dB an octave out of the band
            amount = float(np.clip(p["amount"], 0, 1))
            chain += [pb.HighpassFilter(cutoff_frequency_hz=500.0), pb.HighpassFilter(cutoff_frequency_hz=500.0),
                      pb.Distortion(drive_db=4.0 * amount), pb.LowpassFilter(cutoff_frequency_hz=3000.0),
                      pb.LowpassFilter(cutoff_frequency_hz=3000.0)]
        elif kind in AMBIENCES:
            continue  # added under the instrumental after its effects (add_ambience), not to a vocal
        elif kind in ("vinyl", "tape", "wide", "mono"):
            flush()
            amount = float(np.clip(p["amount"], 0, 1))
            if kind == "vinyl":
                out = _vinyl(out, amount, rng, sr)
            elif kind == "tape":
                out = _tape(out, amount, sr)
            else:  # "mono": the side taken out (amount 1), or some of it
                out = _widen(out, amount if kind == "wide" else -amount)
    if reverb > 0:
        chain.append(pb.Reverb(room_size=float(0.35 + 0.55 * reverb), damping=0.5,
                               wet_level=float(0.33 * reverb), dry_level=float(1 - 0.25 * reverb), width=1.0))
    if abs(brightness) > 0.02:
        chain.append(pb.HighShelfFilter(cutoff_frequency_hz=3500, gain_db=float(6 * brightness)))
        chain.append(pb.LowShelfFilter(cutoff_frequency_hz=200, gain_db=float(-2 * brightness)))
    flush()
    if out is audio:
        return audio
    if own and out.shape == (audio.T.shape if as_rows else audio.shape):
        (audio.T if as_rows else audio)[...] = out
        return audio
    return np.ascontiguousarray(out.T if as_rows else out, dtype=np.float32)


MIDS_HZ = 1000.0  # the centre of "boost the mids" / "scoop the mids" (EffectKind.MIDS)
AMBIENCES = ("rain", "waves", "crowd", "birds", "fire")
# an ambience at amount 0.5: this far under the instrumental's RMS (+6 dB at amount 1.0); the waves' rush is low,
# where the music masks it most; a crowd's murmur (its applause is louder: APPLAUSE_DB); birdsong and a fire's
# crackles come in bursts, their peaks ~15 dB over their RMS
AMBIENCE_DB = {"rain": -24.0, "waves": -20.0, "crowd": -27.0, "birds": -27.0, "fire": -27.0}


def add_ambience(audio: np.ndarray, effects, seed: int, sr: int = SAMPLE_RATE) -> None:
    """The plan's ambiences ("rain sounds", "ocean waves") added, in place, under (n, 2) float32 audio (the
    instrumental, after its effects): seeded, stereo, AMBIENCE_DB under its RMS at amount 0.5, whatever the
    music does (so they are heard in its quiet parts, as a real recording's would be)."""
    kinds = [(EffectKind(e.kind), e.params) for e in effects if EffectKind(e.kind) in AMBIENCES]
    if not kinds or len(audio) < sr:
        return
    level = rms(audio)
    if level <= 0:
        return
    for kind, params in kinds:
        amount = float(np.clip({**EFFECT_DEFAULTS[kind], **params}["amount"], 0, 1))
        rng = np.random.default_rng([seed, 7307, AMBIENCES.index(kind)])
        bed = {"rain": _rain, "waves": _waves, "crowd": _crowd, "birds": _birds, "fire": _fire}[kind](len(audio), rng,
                                                                                                       sr)
        reference = 1.0 if kind == "crowd" else rms(bed)  # a crowd's level is its murmur's, at 1
        bed *= np.float32(level * 10 ** (AMBIENCE_DB[kind] / 20) * 2 * amount / max(reference, 1e-9))
        audio += bed


PUMP_RELEASE = 0.6  # of a beat: how long a sidechained sound takes to swell back after the kick ducks it
PUMP_ATTACK = 0.004  # seconds it takes to duck (no click)


def pump_envelope(beat_times, n: int, depth_db: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    """(n,) float32 gains of sidechain pumping ("sidechain", the plan's pump): on every beat the sound ducks
    `depth_db` (over PUMP_ATTACK) and swells back over PUMP_RELEASE of the beat (the dB rising as a square law, as a
    compressor's release sounds); 1 before the first beat."""
    gain_db = np.zeros(n, dtype=np.float32)
    beats = [float(b) for b in beat_times]
    if len(beats) < 2 or depth_db <= 0:
        return np.ones(n, dtype=np.float32)
    beat = float(np.median(np.diff(beats)))
    release = max(1, int(PUMP_RELEASE * beat * sr))
    attack = max(1, int(PUMP_ATTACK * sr))
    curve = -depth_db * (1 - np.arange(release, dtype=np.float32) / release) ** 2
    curve[:attack] *= np.linspace(0, 1, attack, dtype=np.float32)
    for b in beats:
        a = int(round(b * sr))
        if 0 <= a < n:
            piece = curve[:n - a]
            np.minimum(gain_db[a:a + len(piece)], piece, out=gain_db[a:a + len(piece)])
    return np.power(np.float32(10.0), gain_db / np.float32(20.0))


RISER_DB = -9.0  # a riser's level over its last tenth, under the instrumental's RMS
RISER_HZ = (300.0, 9000.0)  # where its band starts and ends


def add_risers(audio: np.ndarray, spans, seed: int, sr: int = SAMPLE_RATE) -> None:
    """Noise risers ("a build up before the chorus") added in place to (n, 2) float32 audio, over each (start, end)
    in seconds: noise through a band (half an octave each side) whose centre sweeps from RISER_HZ[0] to RISER_HZ[1]
    (evenly in octaves), each channel its own, rising in level (squared) to RISER_DB under the audio's RMS over
    its last tenth, and stopping at its end (over 10 ms), where the chorus comes in."""
    level = rms(audio) if spans else 0.0
    if level <= 0:
        return
    rng = np.random.default_rng([seed, 5087])
    frame, hop = 2048, 512
    window = np.hanning(frame).astype(np.float32)[:, None]
    octaves = np.log2(np.maximum(np.fft.rfftfreq(frame, 1 / sr), 1.0) / RISER_HZ[0])
    span_octaves = np.log2(RISER_HZ[1] / RISER_HZ[0])
    for start, end in spans:
        a, b = int(round(start * sr)), min(len(audio), int(round(end * sr)))
        n = b - a
        if n < 2 * frame:
            continue
        riser = np.zeros((n + frame, 2), dtype=np.float32)
        for i in range(0, n, hop):
            rise = i / n
            band = np.exp(-0.5 * ((octaves - span_octaves * rise) / 0.5) ** 2)[:, None]
            noise = np.fft.rfft(rng.standard_normal((frame, 2)).astype(np.float32) * window, axis=0)
            riser[i:i + frame] += np.fft.irfft(noise * band, n=frame, axis=0).astype(np.float32) * window * rise ** 2
        riser = riser[:n]
        riser *= np.float32(level * 10 ** (RISER_DB / 20) / max(rms(riser[-n // 10:]), 1e-12))
        riser[-int(0.01 * sr):] *= np.linspace(1, 0, int(0.01 * sr), dtype=np.float32)[:, None]
        audio[a:b] += riser


def _rain(n: int, rng, sr: int) -> np.ndarray:
    """(n, 2) float32: rain, a hiss of countless small drops (band-passed noise, 500 Hz - 9 kHz, each channel its
    own) with nearer drops in it (~80 a second, short decaying taps, 2-7 kHz, at random places and levels)."""
    import scipy.signal as sig

    hiss = sig.sosfilt(_band(500, 9000, sr),
                       rng.standard_normal((n, 2), dtype=np.float32), axis=0).astype(np.float32)
    drops = np.zeros((n, 2), dtype=np.float32)
    count = int(n / sr * 80)
    where, side = rng.integers(0, n, count), rng.integers(0, 2, count)
    drops[where, side] = rng.lognormal(0.0, 0.4, count).astype(np.float32) * rng.choice([-1, 1], count)
    tap = (rng.standard_normal(int(0.006 * sr)) * np.exp(-np.arange(int(0.006 * sr)) / (0.0015 * sr)))
    drops = sig.oaconvolve(drops, tap.astype(np.float32)[:, None], mode="full", axes=0)[:n]
    drops = sig.sosfilt(_band(2000, 7000, sr), drops, axis=0)
    return (hiss + rms(hiss) / max(rms(drops), 1e-9) * drops).astype(np.float32)


def _waves(n: int, rng, sr: int) -> np.ndarray:
    """(n, 2) float32: waves on a shore, a deep rushing noise (red, low-passed at 1.5 kHz) swelling over 6-11 s
    and falling back, the swells of the two sides a little apart."""
    import scipy.signal as sig

    noise = np.cumsum(rng.standard_normal((n, 2), dtype=np.float32), axis=0, dtype=np.float32)
    noise = sig.sosfilt(_band(40, 1500, sr), noise, axis=0)
    noise += 0.3 * sig.sosfilt(_band(1500, 6000, sr),
                               rng.standard_normal((n, 2), dtype=np.float32), axis=0) * rms(noise)
    envelope = np.empty((n, 2), dtype=np.float32)
    for channel in range(2):
        t, start = 0, -rng.uniform(0, 4) * sr
        while t < n:
            length = int(rng.uniform(6, 11) * sr)
            phase = (np.arange(t, min(n, int(start) + length)) - start) / length
            rise = np.clip(phase / 0.6, 0, 1)
            envelope[t:t + len(phase), channel] = np.where(phase < 0.6, rise ** 2, (1 - (phase - 0.6) / 0.4) ** 3)
            t += len(phase)
            start += length
    return (noise * (0.15 + envelope)).astype(np.float32)


def _birds(n: int, rng, sr: int) -> np.ndarray:
    """(n, 2) float32: birdsong. Three birds, each in its own place across the stereo field and with its own voice
    (a pitch between 2.5 and 6 kHz, a sweep up or down, a trill or none), sing a phrase of 3-8 chirps every 2-9 s;
    a chirp is 40-160 ms of a tone gliding across its sweep (a faint second harmonic, a sine-squared envelope), a
    trilled one warbling 25-45 times a second. Between phrases, silence: they are heard in the music's gaps."""
    out = np.zeros((n, 2), dtype=np.float32)
    for _ in range(3):
        pitch, sweep = rng.uniform(2500, 6000), rng.uniform(-0.45, 0.35)  # the bird's own voice
        trill, pan = (rng.uniform(25, 45) if rng.random() < 0.5 else 0.0), rng.uniform(0.15, 0.85)
        gains = np.array([np.cos(pan * np.pi / 2), np.sin(pan * np.pi / 2)], dtype=np.float32)
        at = rng.uniform(0.3, 5.0)
        while at * sr < n:
            chirps, gap = int(rng.integers(3, 9)), rng.uniform(0.03, 0.12)
            for _ in range(chirps):
                length = rng.uniform(0.04, 0.16)
                start, count = int(at * sr), int(length * sr)
                if start + count >= n:
                    break
                t = np.arange(count) / sr
                f = pitch * rng.uniform(0.9, 1.1) * (1 + sweep * t / length)
                if trill:
                    f = f * (1 + 0.08 * np.sin(2 * np.pi * trill * t))
                phase = 2 * np.pi * np.cumsum(f) / sr
                chirp = (np.sin(phase) + 0.2 * np.sin(2 * phase)) * np.sin(np.pi * t / length) ** 2
                out[start:start + count] += (rng.uniform(0.4, 1.0) * chirp)[:, None].astype(np.float32) * gains
                at += length + gap
            at += rng.uniform(2.0, 9.0)
    return out


def _fire(n: int, rng, sr: int) -> np.ndarray:
    """(n, 2) float32: a fireplace. Its roar, low noise (40-400 Hz) breathing over seconds, under the wood's crackle:
    ~25 clicks a second on average, in flurries (the rate drawn anew each half second), each a decaying burst of
    1-8 kHz noise (one of 16, 1.2 ms to fall by e) at a heavy-tailed level, capped, so a few crack out as pops; each
    side its own. The clicks are placed one by one (a few thousand a song), not filtered out of a full-length signal."""
    import scipy.signal as sig

    roar = sig.sosfilt(_band(40, 400, sr), rng.standard_normal((n, 2), dtype=np.float32), axis=0)
    knots = np.arange(0, n + 2 * sr, sr)
    roar *= np.interp(np.arange(n), knots, rng.uniform(0.5, 1.0, len(knots))).astype(np.float32)[:, None]
    length = int(0.006 * sr)
    decay = np.exp(-np.arange(2 * length) / (0.0012 * sr))
    bursts = [sig.sosfilt(_band(1000, 8000, sr), rng.standard_normal(2 * length) * decay)[:length].astype(np.float32)
              for _ in range(16)]
    crackle = np.zeros((n, 2), dtype=np.float32)
    window = sr // 2
    starts = np.arange(0, n, window)
    rate = rng.gamma(2.0, 12.5, len(starts))  # clicks a second in each half second: mean 25, flurries and lulls
    for side in range(2):
        counts = rng.poisson(rate * window / sr)
        where = np.repeat(starts, counts) + rng.integers(0, window, int(counts.sum()))
        levels = np.minimum(rng.pareto(2.5, len(where)) + 0.3, 3.0) * rng.choice([-1, 1], len(where))
        for at, level, burst in zip(where, levels, rng.integers(0, len(bursts), len(where))):
            piece = bursts[burst][:max(0, n - at)]
            crackle[at:at + len(piece), side] += np.float32(level) * piece
    roar *= np.float32(0.6 * rms(crackle) / max(rms(roar), 1e-9))
    return np.add(roar, crackle, out=roar)


APPLAUSE_DB = 17.0  # the applause at its loudest, over the crowd's murmur
_MURMUR_LOOP = 23  # seconds of murmur made, looped (its level swells the whole length: the loop goes unheard)
APPLAUSE_SECONDS = (3.0, 7.0)  # how long it lasts at the start (dying away) and at the end (rising)


def _crowd(n: int, rng, sr: int) -> np.ndarray:
    """(n, 2) float32: a live audience. Its murmur, all along (RMS 1): noise shaped like speech (band-passed 150 Hz -
    4 kHz, most of it around 500 Hz), looped, swelling and falling by a few dB over seconds, each side its own; and
    applause, APPLAUSE_DB over it at its loudest: dying away over the first APPLAUSE_SECONDS[0] s (the band
    starting) and rising over the last APPLAUSE_SECONDS[1] s to the end (`_applause`)."""
    import scipy.signal as sig

    loop, fade = min(n, _MURMUR_LOOP * sr), sr // 2  # a loop of murmur, seamless, its two sides apart
    noise = rng.standard_normal((loop + fade, 2), dtype=np.float32)
    shaped = sig.sosfilt(_band(150, 4000, sr), noise, axis=0) + 1.5 * sig.sosfilt(_band(300, 900, sr), noise, axis=0)
    ramp = np.linspace(0, 1, fade, dtype=np.float32)[:, None]
    shaped[:fade] = shaped[:fade] * ramp + shaped[loop:] * (1 - ramp)  # the loop's end runs into its start
    shaped = shaped[:loop].astype(np.float32)
    shaped[:, 1] = np.roll(shaped[:, 1], loop // 2)
    murmur = np.tile(shaped, (-(-n // loop), 1))[:n]
    knots = np.arange(0, n + 2 * sr, sr)  # the crowd's own swell: a random level each second, smoothed
    step = sr // 100  # in 10 ms steps (~0.05 dB each)
    for channel in range(2):
        swell = np.interp(np.arange(0, n, step), knots, 10 ** (rng.normal(0, 2.5, len(knots)) / 20))
        murmur[:, channel] *= np.repeat(swell.astype(np.float32), step)[:n]
    murmur /= max(rms(murmur), 1e-9)
    peak = np.float32(10 ** (APPLAUSE_DB / 20))
    for start, seconds, rising in ((0, APPLAUSE_SECONDS[0], False), (None, APPLAUSE_SECONDS[1], True)):
        length = min(n, int(seconds * sr))
        begin = 0 if start == 0 else n - length
        clapping = _applause(length, rng, sr)
        t = np.linspace(0, 1, length, dtype=np.float32)
        shape = np.minimum(1, t / 0.4) ** 2 if rising else (1 - t) ** 2  # in over its first 40 %, or dying
        murmur[begin:begin + length] += clapping * (peak * shape)[:, None]
    return murmur


def _applause(n: int, rng, sr: int, people: int = 40) -> np.ndarray:
    """(n, 2) float32, RMS 1: `people` clapping, each 3.5-5 times a second (its own pace, a little uneven) at its
    own place (a pan and up to 1.5 ms between the two sides), each clap a short noise burst (2-12 ms decay) in one
    of six bands (0.8-3 kHz, a clap's ring: how a hand meets the other)."""
    import scipy.signal as sig

    kernels = []
    for centre in (800.0, 1100.0, 1400.0, 1800.0, 2300.0, 3000.0):
        m = int(0.04 * sr)
        burst = rng.standard_normal(m) * np.exp(-np.arange(m) / (rng.uniform(0.002, 0.012) * sr))
        kernels.append(sig.sosfilt(_band(centre / 1.6, centre * 1.6, sr), burst).astype(np.float32))
    impulses = np.zeros((len(kernels), n, 2), dtype=np.float32)
    for _ in range(people):
        pace, pan, kind = rng.uniform(3.5, 5.0), rng.uniform(0.1, 0.9), rng.integers(len(kernels))
        times = np.cumsum(rng.normal(1 / pace, 0.08 / pace, int(n / sr * pace) + 2)) - rng.uniform(0, 1 / pace)
        where = (times[(times >= 0) & (times < n / sr)] * sr).astype(int)
        loud = rng.lognormal(0, 0.3, len(where)).astype(np.float32)
        later = np.clip(where + int(rng.uniform(-0.0015, 0.0015) * sr), 0, n - 1)  # its place: heard apart
        impulses[kind, where, 0] += loud * np.float32(np.sqrt(1 - pan))
        impulses[kind, later, 1] += loud * np.float32(np.sqrt(pan))
    out = sum(sig.oaconvolve(impulses[k], kernels[k][:, None], mode="full", axes=0)[:n] for k in range(len(kernels)))
    return (out / max(rms(out), 1e-9)).astype(np.float32)


def _band(low: float, high: float, sr: int) -> np.ndarray:
    """A 2nd-order Butterworth band-pass as float32 sections: sosfilt then keeps float32 audio float32 (a full-length
    float64 copy of a 3-minute stereo bed is 160 MB)."""
    import scipy.signal as sig

    return sig.butter(2, [low, high], btype="band", fs=sr, output="sos").astype(np.float32)


def _vinyl(x: np.ndarray, amount: float, rng, sr: int) -> np.ndarray:
    """Wow (slow pitch drift) plus seeded crackle and hiss."""
    x = _wow(x, depth=0.35 * amount, hz=0.55, sr=sr)
    n = x.shape[1]
    crackle = np.zeros(n, dtype=np.float32)
    count = int(n / sr * 18 * amount)
    where = rng.integers(0, n, count)
    crackle[where] = rng.uniform(-1, 1, count).astype(np.float32) * 0.08 * amount
    crackle = np.convolve(crackle, np.array([1.0, 0.6, 0.3, 0.1], dtype=np.float32), mode="same")
    hiss = rng.standard_normal(n, dtype=np.float32) * np.float32(0.002 * amount)
    x += crackle + hiss
    return x


def _tape(x: np.ndarray, amount: float, sr: int) -> np.ndarray:
    """Saturation and a little flutter."""
    x = _wow(x, depth=0.15 * amount, hz=0.9, sr=sr)
    drive = np.float32(1 + 2.5 * amount)
    x *= drive
    np.tanh(x, out=x)
    x /= np.tanh(drive)
    return x


def _wow(x: np.ndarray, depth: float, hz: float, sr: int) -> np.ndarray:
    """A slowly modulated ~1.5 ms delay, fully wet: pitch drifts like a warped record or a worn tape.
    Channel rows, in place."""
    import pedalboard as pb

    wow = pb.Chorus(rate_hz=hz, depth=float(depth), centre_delay_ms=1.5, feedback=0.0, mix=1.0)
    return process_in_place(wow, x, sr, rows=True)


def _widen(x: np.ndarray, amount: float) -> np.ndarray:
    mid = (x[0] + x[1]) / 2
    side = (x[0] - x[1]) / 2 * (1 + amount)
    return np.stack([mid + side, mid - side]).astype(np.float32)
