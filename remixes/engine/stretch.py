"""A phase vocoder time-stretch with identity phase locking: the engine's faster stretch (Rubber Band's R3 stays
the finer one, render.stretch_piece).

Frames of N = 2048 samples (46 ms at 44.1 kHz) leave the output every HOP = 512 samples and are read from
the input every HOP * rate samples. Per frame, on the mid (the channels' sum):
- the peaks of the magnitude; every bin belongs to its nearest peak's region;
- at the peaks, the instantaneous frequency by reassignment (a second FFT with the window's derivative:
  omega_k - Im(X_dw / X_w), no phase unwrapping) and how much more the phase turns over the output's hop
  than it did over the input's;
- each bin's rotation (synthesis minus analysis phase) carried from the previous frame in the bin of its
  region's peak and advanced by that turn: the peak's synthesis phase is its previous one plus its advance,
  and its region keeps its analysis phase relative to it (identity phase locking, Laroche & Dolson 1999);
- onsets: a frame whose spectral flux (log energy in 64 bands) peaks over 1.6x the median of the 16
  frames before, and the frame before it, restart from their analysis phase the bins above 2 kHz and those
  whose power rose 6 dB since the previous frame: the attack comes out as it went in, held notes keep on.
Every frame has numpy work on whole blocks of 256 frames (FFTs, peaks, regions, turns); only carrying the
rotation from frame to frame is a loop, a multiplication and a gather of 1025 numbers per frame. Both
channels turn by the same rotation (the mid's), so the phase between them, the stereo image, is the input's.
The input is read and the output written a block at a time: ~45 MB of work memory besides the output for
a 225 s song at rate 0.7.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.fft

N = 2048
HOP = N // 4
_BINS = N // 2 + 1
_BLOCK = 256  # frames per block (~3 s of output)
_TWO_PI = 2.0 * np.pi
_WINDOW = (0.5 - 0.5 * np.cos(_TWO_PI * np.arange(N) / N)).astype(np.float32)  # periodic Hann
_OLA_GAIN = np.float32(1.0 / 1.5)  # sum of the squared window at a quarter-window hop
_ADVANCE = np.mod(_TWO_PI * np.arange(_BINS) / N * HOP, _TWO_PI).astype(np.float32)  # a bin's own turn over HOP
# The window's derivative (per sample), for the instantaneous frequency by reassignment.
_DWINDOW = ((np.pi / N) * np.sin(_TWO_PI * np.arange(N) / N)).astype(np.float32)
# Onsets: a frame's positive flux of log band energies against the median of the frames before it.
_FLUX_HISTORY = 16
_FLUX_RATIO = 1.6
_FLUX_FLOOR = 0.02  # mean log rise per band: a steady tone's wobble is no onset
_RESET_GAP = 4  # frames between two resets at least (one window)
_RISE = 4.0  # on an onset frame, bins whose power rose this much since the previous frame start again
_RESET_ALL_FROM_BIN = 93  # 2 kHz
_RESET_SPAN = 2  # the onset frame and the one before it


def time_stretch(audio: np.ndarray, rate: float, reset_onsets: bool = True) -> np.ndarray:
    """(n, channels) audio played `rate` times as fast (rate < 1: slower, longer): (round(n / rate), channels)
    float32, the pitch unchanged. A source with equal channels is stretched once and copied."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    n, channels = audio.shape
    out_len = int(round(n / rate))
    if out_len == 0 or n == 0:
        return np.zeros((out_len, channels), dtype=np.float32)
    if channels > 1 and all(np.array_equal(audio[:, 0], audio[:, c]) for c in range(1, channels)):
        return np.repeat(time_stretch(audio[:, :1], rate, reset_onsets), channels, axis=1)

    frames = -(-out_len // HOP) + 5  # frame m is centred on output sample (m - 2) * HOP
    centres = np.round((np.arange(frames) - 2) * HOP * rate).astype(np.int64)  # ... and on this input sample
    out = np.zeros((out_len, channels), dtype=np.float32)
    flux = np.zeros(frames, dtype=np.float32)
    last_reset = -_RESET_GAP
    state = None  # each bin's rotation (synthesis against analysis phase) in the previous frame
    prev_mid = None
    prev_bands = None
    for m0 in range(0, frames, _BLOCK):
        m1 = min(frames, m0 + _BLOCK)
        ahead = min(frames, m1 + 1)  # one frame of look-ahead for the onset peak
        count = m1 - m0
        lo, hi = int(centres[m0]) - N // 2, int(centres[ahead - 1]) + N // 2
        piece = np.zeros((channels, hi - lo), dtype=np.float32)  # the input under these frames, zero outside
        if min(hi, n) > max(lo, 0):
            piece[:, max(lo, 0) - lo:min(hi, n) - lo] = audio[max(lo, 0):min(hi, n)].T
        windows = np.lib.stride_tricks.sliding_window_view(piece, N, axis=1)
        grab = windows[:, centres[m0:ahead] - N // 2 - lo]  # (channels, frames, N)
        spectra = scipy.fft.rfft(grab[:, :count] * _WINDOW, axis=-1)
        mid = spectra.sum(axis=0) if channels > 1 else spectra[0]
        mid_grab = grab.sum(axis=0) if channels > 1 else grab[0]
        slope = scipy.fft.rfft(mid_grab[:count] * _DWINDOW, axis=-1)
        power = mid.real * mid.real + mid.imag * mid.imag

        # Onsets: positive flux of log band energies (64 bands of 16 bins), with one frame of look-ahead.
        bands = power[:, :1024].reshape(count, 64, 16).sum(axis=2)
        if ahead > m1:
            last = scipy.fft.rfft(mid_grab[count] * _WINDOW)
            bands = np.concatenate([bands, (np.abs(last[:1024]) ** 2).reshape(1, 64, 16).sum(axis=2)])
        log_bands = np.log(bands + (1e-3 * float(bands.mean()) + 1e-9))
        before = np.concatenate([log_bands[:1] if prev_bands is None else prev_bands[None], log_bands[:-1]])
        flux[m0:ahead] = np.maximum(log_bands - before, 0.0).mean(axis=1)
        prev_bands = log_bands[count - 1]

        resets = [0] if state is None else []
        if reset_onsets:
            for m in _onsets(flux, m0, m1, ahead):
                if m - last_reset >= _RESET_GAP and (not resets or m - m0 - resets[-1] >= _RESET_GAP):
                    resets.append(m - m0)
        if resets:
            last_reset = m0 + resets[-1]
        if _RESET_SPAN > 1:
            resets = sorted({r - j for r in resets for j in range(_RESET_SPAN) if r - j >= 0})

        # Identity phase locking (Laroche & Dolson): every bin belongs to its nearest peak of the magnitude;
        # a peak's synthesis phase is the previous frame's synthesis phase in its bin plus its advance over
        # the output's hop at its instantaneous frequency, and the bins of its region keep their analysis phase
        # relative to it: the whole region turns by the peak's rotation (synthesis minus analysis phase).
        peak = np.zeros(power.shape, dtype=bool)
        peak[:, 1:-1] = (power[:, 1:-1] > power[:, :-2]) & (power[:, 1:-1] >= power[:, 2:])
        peak[:, 0] = ~peak.any(axis=1)  # a frame without a peak (silence) is one region
        flat = np.flatnonzero(peak)
        row = flat // _BINS
        bound = np.where(row[1:] == row[:-1], (flat[:-1] + flat[1:] + 1) // 2, row[1:] * _BINS)
        sizes = np.diff(bound, prepend=0, append=count * _BINS)
        nearest = np.repeat(flat, sizes).reshape(count, _BINS) - (np.arange(count) * _BINS)[:, None]

        # At the peaks: the instantaneous frequency (reassignment: omega_k - Im(X_dw / X_w)) and how much more
        # the phase turns over the output's hop than it did over the input's, as a unit complex number.
        extended = np.concatenate([mid[:1] if prev_mid is None else prev_mid[None], mid])
        now, then, dslope = mid.ravel()[flat], extended.ravel()[flat], slope.ravel()[flat]
        p_now = now.real * now.real + now.imag * now.imag
        p_then = then.real * then.real + then.imag * then.imag
        quiet = (p_now < 1e-20) | (p_then < 1e-20)  # a bin that starts sounding starts from its analysis phase
        p_now[quiet] = 1.0
        deviation = (dslope.real * now.imag - dslope.imag * now.real) / p_now  # rad / sample
        advance = deviation * np.float32(HOP) + _ADVANCE[flat - row * _BINS]
        peak_turn = (np.cos(advance) + 1j * np.sin(advance)) * (np.conj(now) * then)
        peak_turn /= np.sqrt(p_now * np.where(quiet, np.float32(1.0), p_then))
        peak_turn[quiet] = 1.0
        turn = np.ones((count, _BINS), dtype=np.complex64)
        turn.ravel()[flat] = peak_turn

        # Each bin's rotation is carried from frame to frame (a few operations on 1025 numbers a frame); a
        # reset frame's rising bins (all of them above _RESET_ALL_FROM_BIN) start again from their analysis phase.
        rotation = np.empty_like(turn)
        is_reset = np.zeros(count, dtype=bool)
        is_reset[resets] = True
        for i in range(count):
            if state is None:
                state = np.ones(_BINS, dtype=np.complex64)
            elif is_reset[i]:
                rise = power[i] > _RISE * (extended[i].real ** 2 + extended[i].imag ** 2)
                rise[_RESET_ALL_FROM_BIN:] = True
                state = np.where(rise, np.complex64(1.0), state * turn[i])[nearest[i]]
            else:
                state = (state * turn[i])[nearest[i]]
            rotation[i] = state
        state = state / np.abs(state)
        prev_mid = mid[count - 1]

        frames_out = scipy.fft.irfft(spectra * rotation, n=N, axis=-1)
        frames_out *= _WINDOW * _OLA_GAIN
        overlap_add(out, frames_out, (m0 - 4) * HOP, HOP)  # frame m starts at output sample (m - 4) * HOP
    return out


def overlap_add(out: np.ndarray, frames: np.ndarray, start: int, hop: int) -> None:
    """Add windowed frames (channels, nf, size), frame k from sample start + k * hop (size a multiple of hop), into
    `out` (n, channels), what falls outside it dropped: hop by hop per channel, no transposed full-length copy."""
    channels, nf, size = frames.shape
    per = size // hop
    seg = np.zeros((channels, nf + per - 1, hop), dtype=np.float32)
    for j in range(per):
        seg[:, j:j + nf] += frames[:, :, j * hop:(j + 1) * hop]  # hop j of frame k is hop k + j
    seg = seg.reshape(channels, -1)
    a, b = max(start, 0), min(start + seg.shape[1], len(out))
    if b > a:
        out[a:b] += seg[:, a - start:b - start].T


def _onsets(flux: np.ndarray, m0: int, m1: int, ahead: int) -> list[int]:
    """Frames m0..m1-1 whose flux peaks above _FLUX_RATIO x the median of the _FLUX_HISTORY frames before."""
    lo = max(0, m0 - _FLUX_HISTORY)
    history = np.concatenate([np.full(_FLUX_HISTORY - (m0 - lo), np.nan, dtype=np.float32), flux[lo:m1]])
    windows = np.lib.stride_tricks.sliding_window_view(history, _FLUX_HISTORY)[:m1 - m0]
    if m0 < _FLUX_HISTORY:  # the first frames: the median of those there are
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            median = np.nanmedian(windows, axis=1)
    else:
        median = np.median(windows, axis=1)
    median = np.nan_to_num(median, nan=0.0)
    here = flux[m0:m1]
    before = flux[max(0, m0 - 1):m1 - 1] if m0 > 0 else np.concatenate([[0.0], flux[:m1 - 1]])
    after = flux[m0 + 1:ahead] if ahead > m1 else np.concatenate([flux[m0 + 1:m1], [0.0]])
    if len(after) < len(here):
        after = np.concatenate([after, np.zeros(len(here) - len(after), dtype=np.float32)])
    hit = (here > _FLUX_RATIO * median) & (here > _FLUX_FLOOR) & (here >= before) & (here > after)
    return [m0 + int(i) for i in np.flatnonzero(hit)]
