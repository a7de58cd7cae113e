import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from remixes.engine.master import master


def _true_peak_dbtp(audio):
    return 20 * np.log10(np.abs(resample_poly(audio, 4, 1, axis=0)).max())


@pytest.mark.parametrize("gain", [0.05, 1.0, 4.0])
def test_it_masters_to_minus_14_lufs_under_minus_1_dbtp(song_audio, gain):
    out = master(song_audio * gain, 44100)
    assert -15.0 <= pyloudnorm.Meter(44100).integrated_loudness(out.astype(np.float64)) <= -13.0
    assert _true_peak_dbtp(out) <= -1.0



@pytest.mark.parametrize("prompt, lufs", [("make it louder", -10.0), ("more dynamics, don't squash it", -18.0),
                                          ("lofi", -14.0)])
def test_a_louder_or_a_more_dynamic_master_asked_is_made(song_audio, prompt, lufs):
    """"make it louder" was an EDM remix (mastered to -14 LUFS, quieter than most records); "more dynamics" unread."""
    from remixes.engine.master import target_loudness
    from remixes.engine.style import interpret

    assert target_loudness(interpret(prompt).modifiers) == lufs
    out = master(song_audio * 0.3, 44100, target_lufs=lufs)
    assert abs(pyloudnorm.Meter(44100).integrated_loudness(out.astype(np.float64)) - lufs) <= 1.0
    assert _true_peak_dbtp(out) <= -1.0

def test_it_fades_in_and_out_without_a_click(song_audio):
    out = master(song_audio, 44100)
    assert abs(out[0]).max() < 1e-3 and abs(out[-1]).max() < 1e-3
    # The song starts on a kick: the fade-in still makes its first millisecond quiet.
    assert np.abs(out[:44]).max() < 0.25 * np.abs(out[:4410]).max()


def test_it_keeps_the_length_and_layout(song_audio):
    out = master(song_audio, 44100)
    assert out.shape == song_audio.shape and out.dtype == np.float32


def test_its_peak_envelope_refines_runs_of_loud_blocks_exactly_as_block_by_block():
    from remixes.engine.master import _block_max, _interpolation_kernel, _PeakEnvelope

    rng = np.random.default_rng(3)
    audio = (rng.standard_normal((40 * 4096 + 123, 2)) * 0.2).astype(np.float32)
    audio[5 * 4096:9 * 4096] *= 0.01  # quiet blocks in between: several runs, some blocks left alone
    audio[30 * 4096:] *= 0.01
    audio[-50:] = 0.9  # a loud last (short) block
    envelope = _PeakEnvelope(audio, phases=(0.25, 0.5)).at_least(0.5)

    expected = np.abs(audio).max(axis=1)
    for block in range(len(expected) // 4096 + 1):
        start, end = block * 4096, min(len(audio), (block + 1) * 4096)
        if expected[start:end].max() < 0.25:
            continue
        lo, hi = max(0, start - 32), min(len(audio), end + 32)
        for phase in (0.25, 0.5):
            kernel = _interpolation_kernel(phase)
            for ch in range(2):
                full = np.abs(np.convolve(audio[lo:hi, ch], kernel))
                expected[start:end] = np.maximum(expected[start:end], full[start - lo + 15:end - lo + 15])
    np.testing.assert_array_equal(envelope, _block_max(expected, 32))  # its 32-sample blocks: the limiter's


def test_its_limiter_gain_for_a_scaled_envelope_is_the_gain_for_the_envelope_scaled_first():
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    from remixes.engine.master import _block_max, _LimiterGain

    rng = np.random.default_rng(4)
    envelope = np.abs(rng.standard_normal(3 * 2048 * 32 + 77) * 0.3).astype(np.float32)
    gain = 1.7
    limiter = _LimiterGain(_block_max(envelope, 32), 0.86, 44100, scale=gain).span(0, len(envelope))
    np.testing.assert_array_equal(limiter, _LimiterGain(_block_max(envelope * gain, 32), 0.86, 44100)
                                  .span(0, len(envelope)))

    # the block gains ramped sample by sample over the whole song at once, capped by each block's need
    required = np.minimum(1.0, 0.86 / np.maximum(_block_max(envelope * gain, 32), 1e-9))
    block_gain = required
    for width in (2 * 4 + 1, 2 * 34 + 1):  # 3 ms and 25 ms in 32-sample blocks
        block_gain = uniform_filter1d(minimum_filter1d(block_gain, width, mode="nearest"), width, mode="nearest")
    block_gain = np.minimum(block_gain, required).astype(np.float32)
    ramps = (np.append(block_gain[1:], block_gain[-1]) - block_gain)[:, None] * (np.arange(32, dtype=np.float32) / 32)
    expected = np.minimum(ramps + block_gain[:, None], required.astype(np.float32)[:, None]).reshape(-1)
    np.testing.assert_array_equal(limiter, expected[: len(envelope)])


def test_its_limiter_gain_a_span_at_a_time_is_the_gain_made_whole():
    from remixes.engine.master import _block_max, _LimiterGain

    envelope = np.abs(np.random.default_rng(6).standard_normal(50_000 + 13) * 0.5).astype(np.float32)
    limiter = _LimiterGain(_block_max(envelope, 32), 0.86, 44100, scale=1.3)
    whole = limiter.span(0, len(envelope))
    spans = [limiter.span(start, min(len(envelope), start + 32 * 37)) for start in range(0, len(envelope), 32 * 37)]
    np.testing.assert_array_equal(np.concatenate(spans), whole)
    assert not limiter.unity and whole.min() < 1.0


@pytest.mark.parametrize("sr", [44100, 11025])  # 100 ms hops of whole samples, and not
def test_its_loudness_under_the_limiter_is_that_of_the_weighted_power_made_whole(sr):
    from remixes.engine.master import _block_max, _gated_loudness, _LimiterGain

    rng = np.random.default_rng(7)
    power = (rng.standard_normal(20 * sr + 99) ** 2 * 0.05).astype(np.float32)
    limiter = _LimiterGain(_block_max(np.sqrt(power), 32), 0.86, sr, scale=1.6)
    weight = limiter.span(0, len(power)) * np.float32(1.6)
    np.square(weight, out=weight)
    weight *= power
    assert _gated_loudness(power, sr, limiter, np.float32(1.6)) == _gated_loudness(weight, sr)


@pytest.mark.parametrize("size", [32, 64, 128])
def test_block_maxima_are_each_blocks_max_the_last_block_short(size):
    from remixes.engine.master import _block_max

    values = np.abs(np.random.default_rng(8).standard_normal(3000 * size + size // 2 + 3)).astype(np.float32)
    expected = [values[i:i + size].max() for i in range(0, len(values), size)]
    np.testing.assert_array_equal(_block_max(values, size), expected)
