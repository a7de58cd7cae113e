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


def test_it_fades_in_and_out_without_a_click(song_audio):
    out = master(song_audio, 44100)
    assert abs(out[0]).max() < 1e-3 and abs(out[-1]).max() < 1e-3
    # The song starts on a kick: the fade-in still makes its first millisecond quiet.
    assert np.abs(out[:44]).max() < 0.25 * np.abs(out[:4410]).max()


def test_it_keeps_the_length_and_layout(song_audio):
    out = master(song_audio, 44100)
    assert out.shape == song_audio.shape and out.dtype == np.float32
