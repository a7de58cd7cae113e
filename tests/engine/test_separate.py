"""Neural vocal separation (Spleeter 2-stem U-Net as ONNX): SDR floors on a mixture built here, stem
shapes, the CLI.

The mixture: a synthesized sung line (a vibrato glottal source through vowel formants, consonant noise
bursts, phrases and rests) over generated instrumental music (plucked chords, bass, drums), the voice
8 dB below the music. Scale-invariant SDR floors: vocals >= 6 dB, accompaniment >= 14 dB.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from tools.songs import add, kick, noise_hit, tone
from remixes.engine.models import ModelMissing

SR = 44100
SECONDS = 12.0

_VOWELS = {  # formant centre (Hz), bandwidth (Hz), level of a sung a, e, i, o, u
    "a": ((800, 80, 1.0), (1150, 90, 0.5), (2900, 120, 0.25), (3900, 130, 0.1)),
    "e": ((400, 60, 1.0), (1600, 80, 0.35), (2700, 120, 0.3), (3300, 150, 0.1)),
    "i": ((270, 60, 1.0), (2300, 100, 0.25), (3000, 120, 0.3), (3700, 150, 0.1)),
    "o": ((450, 70, 1.0), (800, 80, 0.6), (2830, 100, 0.15), (3800, 130, 0.05)),
    "u": ((325, 50, 1.0), (700, 60, 0.3), (2530, 170, 0.1), (3500, 180, 0.05)),
}


def sung_line(seconds: float, seed: int = 0, tonic: int = 69) -> np.ndarray:
    """A mono synthetic singer: notes of an A minor scale on vowels, with vibrato and consonants."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * SR))
    scale = (0, 2, 3, 5, 7, 8, 10, 12)
    t = 0.3
    while t < seconds - 0.5:
        for _ in range(int(rng.integers(4, 9))):
            dur = float(rng.choice([0.25, 0.35, 0.5, 0.75]))
            if t + dur > seconds - 0.2:
                break
            pitch = tonic - 12 + scale[int(rng.integers(0, len(scale)))] + (12 if rng.random() < 0.5 else 0)
            vowel = _VOWELS["aeiou"[int(rng.integers(0, 5))]]
            m = int(dur * SR)
            tt = np.arange(m) / SR
            f0 = 440 * 2 ** ((pitch - 69) / 12) * 2 ** (0.25 / 12 * np.sin(2 * np.pi * 5.5 * tt) * np.clip(tt / 0.2, 0, 1))
            f0 *= 1 + 0.003 * np.cumsum(rng.standard_normal(m)) / np.sqrt(np.arange(1, m + 1))  # jitter
            phase = 2 * np.pi * np.cumsum(f0) / SR
            base = float(f0.mean())
            seg = np.zeros(m)
            for h in range(1, int(8000 / base)):
                amp = sum(g / (1 + ((h * base - fc) / bw) ** 2) for fc, bw, g in vowel) / h ** 0.5
                seg += amp * np.sin(h * phase + rng.uniform(0, 2 * np.pi))
            seg *= np.clip(tt / 0.04, 0, 1) * np.clip((dur - tt) / 0.06, 0, 1)
            i = int(t * SR)
            out[i:i + m] += seg
            c = int(0.05 * SR)
            j = max(0, i - c // 2)
            noise = np.diff(rng.standard_normal(c + 1)) * np.hanning(c) * 0.15
            out[j:j + c] += noise[: len(out[j:j + c])]
            t += dur + 0.03
        t += float(rng.uniform(0.4, 1.0))
    return (out / np.abs(out).max() * 0.5).astype(np.float32)


def band(seconds: float, seed: int = 0) -> np.ndarray:
    """Stereo instrumental: plucked A minor - F - C - G chords in eighths, bass on the beats, drums."""
    rng = np.random.default_rng(seed)
    out = np.zeros((int(seconds * SR), 2))
    beat = 0.6
    for b in range(int(seconds / (4 * beat)) + 1):
        root, quality = ((9, "min"), (5, "maj"), (0, "maj"), (7, "maj"))[b % 4]
        triad = (0, 3, 7) if quality == "min" else (0, 4, 7)
        t0 = b * 4 * beat
        for k in range(8):
            for i, interval in enumerate(triad):
                add(out, tone(60 + (root + interval) % 12, beat / 2, SR, 10, 8) * 0.06, t0 + k * beat / 2, SR,
                    pan=-0.5 + 0.5 * i)
        for k in range(4):
            add(out, tone(36 + root, beat * 0.9, SR, 4, 3) * 0.22, t0 + k * beat, SR)
            hit = kick(SR) * 0.5 if k in (0, 2) else noise_hit(SR, 0.15, rng, 0.6) * 0.2
            add(out, hit, t0 + k * beat, SR)
            for half in (0.0, 0.5):
                add(out, noise_hit(SR, 0.04, rng, 0.0) * 0.06, t0 + (k + half) * beat, SR, pan=0.4)
    return (out / np.abs(out).max() * 0.8).astype(np.float32)


def si_sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    ref = np.asarray(reference, dtype=np.float64).reshape(-1)
    est = np.asarray(estimate, dtype=np.float64).reshape(-1)
    target = ref * (est @ ref) / (ref @ ref)
    error = est - target
    return float(10 * np.log10((target @ target) / (error @ error)))


@pytest.fixture(scope="module")
def mixture():
    music = band(SECONDS, seed=1)
    voice = sung_line(SECONDS, seed=1)
    gain = np.sqrt(np.mean(np.square(music)) / np.mean(np.square(voice))) * 10 ** (-8 / 20)
    vocals = np.repeat((voice * gain)[:, None], 2, axis=1).astype(np.float32)
    return music, vocals, music + vocals


@pytest.fixture(scope="module")
def stems(mixture):
    from remixes.engine.separate import separate

    try:
        return separate(mixture[2], SR)
    except ModelMissing as exc:
        pytest.fail(f"{exc} (the separation model is part of `make setup`)")


def test_sdr_floors(mixture, stems):
    music, vocals, _ = mixture
    assert si_sdr(vocals, stems.vocals) >= 6.0
    assert si_sdr(music, stems.accompaniment) >= 14.0


def test_stems_shapes_and_sums(mixture, stems):
    mix = mixture[2]
    for name in ("vocals", "accompaniment", "drums", "bass", "other"):
        stem = stems[name]
        assert stem.shape == mix.shape and stem.dtype == np.float32
        assert np.isfinite(stem).all()
    np.testing.assert_allclose(stems.vocals + stems.accompaniment, mix, atol=1e-4)
    np.testing.assert_allclose(stems.drums + stems.bass + stems.other, stems.accompaniment, atol=1e-4)
    # the derived stems are what they say: drums hold the accompaniment's transients, bass its lows
    def band_energy(x, lo, hi):
        spectrum = np.abs(np.fft.rfft(x[:, 0])) ** 2
        freqs = np.fft.rfftfreq(len(x), 1 / SR)
        return spectrum[(freqs >= lo) & (freqs < hi)].sum()
    assert band_energy(stems.bass, 30, 150) > 0.5 * band_energy(stems.accompaniment, 30, 150) * 0.5
    assert band_energy(stems.bass, 1000, 8000) < 0.01 * band_energy(stems.accompaniment, 1000, 8000)
    assert band_energy(stems.drums, 5000, 15000) > 0.5 * band_energy(stems.accompaniment, 5000, 15000)


def test_silence_and_mono_and_other_rates():
    from remixes.engine.separate import separate

    quiet = separate(np.zeros((SR * 2, 2), dtype=np.float32), SR)
    assert not quiet.vocals.any() and quiet.vocals.shape == (SR * 2, 2)
    mono = separate(np.zeros(22050 * 3, dtype=np.float32), 22050)
    assert mono.accompaniment.shape == (SR * 3, 2)


def test_directory_output_is_memory_mapped(tmp_path, mixture):
    from remixes.engine.separate import separate

    clip = mixture[2][: SR * 3]
    stems = separate(clip, SR, directory=tmp_path)
    assert isinstance(stems.vocals, np.memmap)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.npy" for n in ("vocals", "accompaniment", "drums", "bass", "other"))
    np.testing.assert_allclose(stems.vocals + stems.accompaniment, clip, atol=1e-4)


def test_cli_writes_the_stems(tmp_path, mixture):
    song = tmp_path / "song.wav"
    sf.write(song, mixture[2][: SR * 4], SR, subtype="PCM_16")
    out = tmp_path / "stems"
    run = subprocess.run([sys.executable, "-m", "remixes.engine.separate", str(song), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    for name in ("vocals", "accompaniment", "drums", "bass", "other"):
        info = sf.info(out / f"{name}.wav")
        assert (info.samplerate, info.channels, info.frames) == (SR, 2, SR * 4)


def test_dilated_median_is_scipys_median_over_every_other_frame():
    import scipy.ndimage as ndi

    from remixes.engine.separate import _median9

    x = np.random.default_rng(0).random((40, 7)).astype(np.float32)
    footprint = np.zeros((17, 1), dtype=bool)
    footprint[::2] = True
    np.testing.assert_array_equal(_median9(x, axis=0, step=2), ndi.median_filter(x, footprint=footprint, mode="reflect"))
    np.testing.assert_array_equal(_median9(x, axis=1), ndi.median_filter(x, size=(1, 9), mode="reflect"))


def test_other_stem_keeps_the_chords_and_leaves_the_hats_and_snare_to_the_drums():
    """Held chords under a kit with sixteenth hats: the 'other' stem (what a drumless style keeps of the
    original) keeps the chords and next to none of the kit's noise above 5 kHz, where the chords have none."""
    from remixes.engine.separate import separate

    rng = np.random.default_rng(0)
    seconds, beat = 8.0, 0.5
    chords = np.zeros((int(seconds * SR), 2))
    drums = np.zeros_like(chords)
    for b in range(int(seconds / (4 * beat))):
        t0 = b * 4 * beat
        for i, pitch in enumerate((57, 60, 64) if b % 2 == 0 else (53, 57, 60)):
            add(chords, tone(pitch, 4 * beat, SR, 6, 0.3) * 0.12, t0, SR, pan=-0.3 + 0.3 * i)
        for k in range(4):
            add(drums, kick(SR) * 0.5 if k % 2 == 0 else noise_hit(SR, 0.15, rng, 0.6) * 0.2, t0 + k * beat, SR)
            for q in range(4):
                add(drums, noise_hit(SR, 0.04, rng, 0.0) * 0.06, t0 + (k + q / 4) * beat, SR, pan=0.4)
    chords, drums = chords.astype(np.float32), drums.astype(np.float32)
    stems = separate(chords + drums, SR)

    def band_energy(x, lo, hi):
        spectrum = np.abs(np.fft.rfft(np.asarray(x)[:, 0])) ** 2
        freqs = np.fft.rfftfreq(len(x), 1 / SR)
        return spectrum[(freqs >= lo) & (freqs < hi)].sum()

    # the previous split (9-frame harmonic median, no margin) left 3 % of it there
    assert band_energy(stems.other, 5000, 15000) < 0.005 * band_energy(stems.accompaniment, 5000, 15000)
    other, reference = np.asarray(stems.other).reshape(-1), chords.reshape(-1)
    assert (other @ reference) / (reference @ reference) > 0.7  # the chords stay
