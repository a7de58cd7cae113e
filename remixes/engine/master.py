"""Mastering: loudness to -14 LUFS integrated and true peak at or below -1 dBTP, with short fades.

Loudness follows ITU-R BS.1770-4 (pyloudnorm's K-weighting filters, gating vectorised here). The
K-weighted power is computed once; a slowly varying limiter gain g(t) scales it by g(t)^2, so the
gain/limit iterations cost only block sums. The limiter's gain curve is a min-filter followed by a
moving average of the same length: it never exceeds the required gain (no overshoot) and is smooth.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

TARGET_LUFS = -14.0
# the loudness a plan's master asks for (StylePlan.modifiers): "make it louder" as loud as most records are, "more
# dynamics" 4 dB under the usual, its peaks limited that much less
MASTER_LUFS = {"loud_master": -10.0, "dynamic": -18.0}


def target_loudness(modifiers) -> float:
    """The integrated loudness (LUFS) a plan with these modifiers is mastered to."""
    return next((MASTER_LUFS[m] for m in modifiers if m in MASTER_LUFS), TARGET_LUFS)
CEILING_DBTP = -1.0
_LIMIT_AT_DBTP = -1.3     # headroom for the error of the 4x true-peak estimate
_FADE_IN = 0.005
_FADE_OUT = 0.5
_BLOCK = 0.4
_OVERLAP = 0.75


def master(audio: np.ndarray, sr: int, in_place: bool = False, target_lufs: float = TARGET_LUFS) -> np.ndarray:
    """The mastered mix, `target_lufs` loud (integrated). Memory: besides the input, one stereo copy (faded, then
    scaled in place into the result) and one mono per-sample array (the K-weighted power; the peak envelope holds
    32-sample block maxima); a 3-minute song's stereo buffer is 63 MB, a mono one 32 MB. The limiter's gain is made a
    span at a time where it is used.
    `in_place=True` fades and scales a C-contiguous float32 input itself (no copy; the caller gives it up)."""
    audio = np.asarray(audio, dtype=np.float32)
    audio = _fades(audio, sr, copy=not (in_place and audio.flags.c_contiguous and audio.flags.writeable))
    power = _k_weighted_power(audio, sr)
    ceiling = 10 ** (_LIMIT_AT_DBTP / 20)
    gain_db = target_lufs - _gated_loudness(power, sr)
    envelope = _PeakEnvelope(audio)
    for _ in range(5):
        gain = 10 ** (gain_db / 20)
        limiter = _LimiterGain(envelope.at_least(ceiling / gain), ceiling, sr, scale=gain)
        measured = _gated_loudness(power, sr, limiter, np.float32(gain))
        if abs(measured - target_lufs) < 0.2:
            break
        gain_db += target_lufs - measured
    del power
    out = audio
    scale = np.float32(10 ** (gain_db / 20))
    for start in range(0, len(out), _SPAN):
        gains = limiter.span(start, min(len(out), start + _SPAN))
        gains *= scale
        for ch in range(out.shape[1]):  # a column at a time: ~3x faster than broadcasting (n, 1) over (n, 2)
            out[start:start + _SPAN, ch] *= gains
    del limiter
    del envelope
    peak = true_peak_dbtp(out)
    if peak > CEILING_DBTP - 0.05:
        out *= np.float32(10 ** ((CEILING_DBTP - 0.1 - peak) / 20))
    return np.ascontiguousarray(out, dtype=np.float32)


def loudness(audio: np.ndarray, sr: int) -> float:
    """Integrated loudness in LUFS (BS.1770-4 gating); -70 for silence."""
    return _gated_loudness(_k_weighted_power(np.asarray(audio, dtype=np.float32), sr), sr)


def true_peak_dbtp(audio: np.ndarray) -> float:
    """The 4x-oversampled peak in dBTP."""
    envelope = _PeakEnvelope(np.asarray(audio, dtype=np.float32), phases=(0.25, 0.5, 0.75))
    # Only blocks whose sample peak is within 3 dB of the loudest sample can hold the true peak
    # (inter-sample overs of music stay well under 3 dB; tools/evaluate.py checks independently).
    peak = float(envelope.at_least(float(envelope.block_peaks.max()) * 2 / 1.4142).max())
    return 20 * np.log10(peak) if peak > 0 else -120.0


# --- loudness ----------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _k_filters(sr: int) -> np.ndarray:
    """pyloudnorm's K-weighting stages (a high shelf, then a high pass) as second-order sections."""
    import pyloudnorm

    meter = pyloudnorm.Meter(sr)
    return np.array([[*(stage.b / stage.a[0]), *(stage.a / stage.a[0])] for stage in meter._filters.values()])


def _k_weighted_power(audio: np.ndarray, sr: int) -> np.ndarray:
    """Per-sample K-weighted power summed over channels (L and R weigh 1.0)."""
    from scipy.signal import sosfilt

    audio = audio if audio.ndim == 2 else audio[:, None]
    power = np.zeros(len(audio), dtype=np.float32)
    chunk = 1 << 20  # filtered a chunk at a time (the state carries over): float64 work arrays stay small
    sos = _k_filters(sr)
    for ch in range(audio.shape[1]):
        state = np.zeros((len(sos), 2))
        for start in range(0, len(audio), chunk):
            # both stages in one pass (float64; within ~1e-13 of two lfilter passes, ~2x faster)
            x, state = sosfilt(sos, audio[start:start + chunk, ch], zi=state)
            np.square(x, out=x)
            power[start:start + chunk] += x
    return power


def _gated_loudness(power: np.ndarray, sr: int, limiter: "_LimiterGain | None" = None, gain=1.0) -> float:
    """Integrated loudness of the per-sample K-weighted power; with `limiter`, of the power scaled by
    (limiter x gain)^2, made a span at a time (no full-length weighted copy) when 100 ms is whole samples."""
    block = int(_BLOCK * sr)
    step = _BLOCK * (1 - _OVERLAP)
    n_blocks = int(np.round((len(power) / sr - _BLOCK) / step)) + 1
    if n_blocks < 1 or len(power) < block:
        return -70.0
    hop = step * sr
    per_block = int(round(_BLOCK / step))
    if float(hop).is_integer():
        # Blocks are 4 whole hops: sum each 100 ms hop once (no full-length cumulative array).
        hop = int(hop)
        n_hops = len(power) // hop
        if limiter is None:
            hops = power[: n_hops * hop].reshape(n_hops, hop).sum(axis=1, dtype=np.float64)
        else:
            hops = np.empty(n_hops)
            span = hop * _LimiterGain.STEP  # whole hops and whole limiter blocks
            for start in range(0, n_hops * hop, span):
                stop = min(n_hops * hop, start + span)
                hops[start // hop:stop // hop] = _weighted(power, limiter, gain, start, stop).reshape(-1, hop).sum(
                    axis=1, dtype=np.float64)
        window = np.convolve(hops, np.ones(per_block), mode="valid")
        z = window[: n_blocks] / block
    else:
        if limiter is not None:
            power = _weighted(power, limiter, gain, 0, len(power))
        cumulative = np.concatenate([[0.0], np.cumsum(power, dtype=np.float64)])
        lower = (np.arange(n_blocks) * hop).astype(int)
        upper = np.minimum(lower + block, len(power))
        z = (cumulative[upper] - cumulative[lower]) / block
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(z)
    gated = z[block_lufs >= -70.0]
    if not len(gated):
        return -70.0
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    gated = z[(block_lufs > relative) & (block_lufs > -70.0)]
    if not len(gated) or gated.mean() <= 0:
        return -70.0
    return float(-0.691 + 10 * np.log10(gated.mean()))


def _weighted(power: np.ndarray, limiter: "_LimiterGain", gain, start: int, stop: int) -> np.ndarray:
    """power[start:stop] x (limiter x gain)^2, a new float32 array."""
    weight = limiter.span(start, stop)
    weight *= gain
    np.square(weight, out=weight)
    weight *= power[start:stop]
    return weight


# --- true peak and limiter -------------------------------------------------------------------------

class _PeakEnvelope:
    """Max |x| over channels of each block of STEP (32) samples, the limiter's blocks, refined with interpolated
    inter-sample values (windowed-sinc, 32 taps) where the sample peak is within 6 dB of the level asked about;
    refinements are cached. The limiter uses the midpoint only; `true_peak_dbtp` adds the 1/4 and 3/4 points
    (4x, BS.1770). Block maxima rather than a value per sample: the same block peaks (a max is exact), without
    a full-length array (32 MB for a 3-minute song)."""

    _BLOCK = 4096
    _RUN = 64  # blocks per convolution: 1 MB work arrays
    STEP = 32

    def __init__(self, audio: np.ndarray, phases: tuple = (0.5,)):
        self.audio = audio if audio.ndim == 2 else audio[:, None]
        n = len(self.audio)
        self.peaks = np.empty(-(-n // self.STEP), dtype=self.audio.dtype)
        step = 1 << 16  # a chunk at a time (whole blocks): the |x| work array stays in the cache
        channels = self.audio.shape[1]
        work = np.empty(min(n, step) * channels, dtype=self.audio.dtype)
        for i in range(0, n, step):
            rows = np.ascontiguousarray(self.audio[i:i + step])
            # a block's frames are STEP x channels contiguous values: its peak over both channels at once
            flat = np.abs(rows.reshape(-1), out=work[:rows.size])
            self.peaks[i // self.STEP:-(-(i + len(rows)) // self.STEP)] = _block_max(flat, self.STEP * channels)
        self.block_peaks = _block_max(self.peaks, self._BLOCK // self.STEP)
        n_blocks = len(self.block_peaks)
        self.refined = np.zeros(n_blocks, dtype=bool)
        self.kernels = [_interpolation_kernel(phase) for phase in phases]

    def at_least(self, level: float) -> np.ndarray:
        todo = (self.block_peaks >= level / 2) & ~self.refined
        # consecutive blocks are refined together, up to _RUN at a time: one convolution per run and
        # channel rather than per block (the same values; ~2x less CPU for a loud song, most of it refined)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], todo.view(np.int8), [0]))))
        for first, last in zip(edges[::2], edges[1::2]):
            for block in range(int(first), int(last), self._RUN):
                self._refine(block, min(int(last), block + self._RUN))
        self.refined |= todo
        return self.peaks

    def _refine(self, first: int, last: int) -> None:
        n = len(self.audio)
        start, end = first * self._BLOCK, min(n, last * self._BLOCK)
        margin = 32
        lo, hi = max(0, start - margin), min(n, end + margin)
        run = None  # the run's interpolated |values|, max over phases and channels, then reduced to blocks once
        for kernel in self.kernels:
            shift = len(kernel) // 2 - 1
            for ch in range(self.audio.shape[1]):
                # A full convolution's output k is sum x[k - j] h[j]: aligned so index i is the point after i.
                full = np.convolve(self.audio[lo:hi, ch], kernel)
                values = full[start - lo + shift:start - lo + shift + end - start]
                np.abs(values, out=values)
                run = values if run is None else np.maximum(run, values, out=run)
        target = self.peaks[start // self.STEP:-(-end // self.STEP)]
        np.maximum(target, _block_max(run, self.STEP), out=target)


@lru_cache(maxsize=8)
def _interpolation_kernel(phase: float, taps: int = 32) -> np.ndarray:
    """Fractional-delay filter giving x(n + phase) from x(n - 15) .. x(n + 16), reversed for np.convolve."""
    half = taps // 2
    k = np.arange(-half + 1, half + 1)
    h = np.sinc(k - phase) * np.kaiser(taps, 8.0)
    return (h / h.sum())[::-1].astype(np.float32)


class _LimiterGain:
    """Gain per sample for a signal whose 32-sample block peaks are `peaks` (_PeakEnvelope's) x `scale`,
    computed per block and linearly interpolated; the min-filter spans several blocks so the interpolation cannot exceed any sample's
    required gain. Its samples are made a span at a time (`span`), where they are used: no full-length array."""

    STEP = _PeakEnvelope.STEP

    def __init__(self, peaks: np.ndarray, ceiling: float, sr: int, scale: float = 1.0):
        from scipy.ndimage import minimum_filter1d, uniform_filter1d

        # scaled after the block max: the same values (rounding is monotonic)
        peaks = peaks * np.float32(scale)
        required = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
        self.unity = required.min() >= 1.0
        if self.unity:
            return
        gain = required
        for seconds in (0.003, 0.025):
            width = 2 * max(2, int(seconds * sr / self.STEP)) + 1
            gain = uniform_filter1d(minimum_filter1d(gain, width, mode="nearest"), width, mode="nearest")
        self.gain = np.minimum(gain, required).astype(np.float32)
        self.next = np.append(self.gain[1:], self.gain[-1])
        self.required = required.astype(np.float32)
        self.ramp = np.arange(self.STEP, dtype=np.float32) / self.STEP

    def span(self, start: int, stop: int) -> np.ndarray:
        """The gains of samples start..stop (start a multiple of STEP), a new float32 array: linear ramps from
        each block's gain to the next one's, capped by the block's own requirement."""
        if self.unity:
            return np.ones(stop - start, dtype=np.float32)
        first, last = start // self.STEP, -(-stop // self.STEP)
        rows = np.empty((last - first, self.STEP), dtype=np.float32)
        np.multiply((self.next[first:last] - self.gain[first:last])[:, None], self.ramp[None, :], out=rows)
        rows += self.gain[first:last, None]
        np.minimum(rows, self.required[first:last, None], out=rows)
        return rows.reshape(-1)[: stop - start]


_SPAN = 1 << 16  # samples of limiter gain made at a time (a multiple of _LimiterGain.STEP): they stay in the cache


def _block_max(values: np.ndarray, size: int) -> np.ndarray:
    """Max of each block of `size` (non-negative) values, the last block short; no padded copy."""
    whole = len(values) // size * size
    rows = values[:whole].reshape(-1, size)
    if size <= 64 and whole <= 1 << 18:
        # short blocks of a chunk in the cache: a maximum down the columns, ~3x less CPU than reducing each short
        # row (on a whole song's values the strided columns cost more: there, the rows are reduced)
        peaks = rows[:, 0].copy()
        for column in range(1, size):
            np.maximum(peaks, rows[:, column], out=peaks)
    else:
        peaks = rows.max(axis=1)
    if whole < len(values):
        peaks = np.append(peaks, values[whole:].max())
    return peaks


def fade_edges(audio: np.ndarray, sr: int, fade_in: float = 0.0, fade_out: float = 0.0) -> None:
    """The plan's fades ("fade in", "fade out at the end"), in place on (n, channels) or (n,) audio: the first
    `fade_in` seconds rise from silence as t^2 and the last `fade_out` seconds fall to it as (1 - t)^2 (-12 dB
    halfway, -40 dB at nine tenths: a fade a listener hears as gradual); each at most half the audio."""
    n = len(audio)
    k = min(n // 2, int(round(fade_in * sr)))
    if k > 1:
        rise = np.linspace(0, 1, k, endpoint=False, dtype=np.float32) ** 2
        audio[:k] *= rise if audio.ndim == 1 else rise[:, None]
    k = min(n // 2, int(round(fade_out * sr)))
    if k > 1:
        fall = np.linspace(1, 0, k, dtype=np.float32) ** 2
        audio[n - k:] *= fall if audio.ndim == 1 else fall[:, None]


def _fades(audio: np.ndarray, sr: int, copy: bool = True) -> np.ndarray:
    out = audio.copy() if copy else audio
    fade_in = min(len(out), int(_FADE_IN * sr))
    fade_out = min(len(out) // 4, int(_FADE_OUT * sr))
    out[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)[:, None]
    out[len(out) - fade_out:] *= (np.linspace(1, 0, fade_out, dtype=np.float32) ** 2)[:, None]
    return out
