import subprocess

import numpy as np
import pytest
import soundfile as sf

from remixes.engine import EmptyAudio, EngineError, SilentAudio, TooLong, TooShort, UndecodableAudio, probe
from remixes.engine.decode import decode


@pytest.fixture(scope="module")
def formats(tmp_path_factory, tone):
    """The same 4 s tone as wav, flac, ogg, mp3 and m4a."""
    folder = tmp_path_factory.mktemp("formats")
    audio = tone(4.0, sr=48000)
    paths = {}
    for ext, fmt in (("wav", "WAV"), ("flac", "FLAC"), ("ogg", "OGG"), ("mp3", "MP3")):
        paths[ext] = folder / f"tone.{ext}"
        sf.write(paths[ext], audio, 48000, format=fmt)
    paths["m4a"] = folder / "tone.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(paths["wav"]), "-c:a", "aac", str(paths["m4a"])],
                   check=True)
    return paths


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg", "mp3", "m4a"])
def test_it_probes_every_supported_format(formats, ext):
    info = probe(formats[ext])
    assert info.duration == pytest.approx(4.0, abs=0.1)
    assert info.sample_rate == 48000
    assert info.channels == 2


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg", "mp3", "m4a"])
def test_it_decodes_every_format_to_stereo_44k(formats, ext):
    audio = decode(formats[ext])
    assert audio.dtype == np.float32 and audio.shape[1] == 2
    assert len(audio) / 44100 == pytest.approx(4.0, abs=0.1)
    spectrum = np.abs(np.fft.rfft(audio[:44100, 0]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 Hz bins: pitch survives resampling


def test_it_turns_mono_into_two_equal_channels(tmp_path, tone):
    path = tmp_path / "mono.wav"
    sf.write(path, tone(4.0, sr=22050, channels=1)[:, 0], 22050)
    audio = decode(path)
    assert audio.shape == (4 * 44100, 2)
    assert np.array_equal(audio[:, 0], audio[:, 1])


def test_it_downmixes_surround_to_stereo(tmp_path, tone):
    path = tmp_path / "surround.wav"
    sf.write(path, tone(4.0, channels=6), 44100)
    audio = decode(path)
    assert audio.shape[1] == 2 and np.abs(audio).max() > 0.1


def test_it_rejects_a_file_that_is_not_audio(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("these are not the droids you are looking for\n" * 50)
    with pytest.raises(UndecodableAudio):
        probe(path)


def test_it_rejects_an_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(EmptyAudio):
        probe(path)


def test_it_rejects_audio_without_samples(tmp_path):
    path = tmp_path / "no-frames.wav"
    sf.write(path, np.zeros((0, 2), dtype=np.float32), 44100)
    with pytest.raises(EmptyAudio):
        probe(path)


def test_it_rejects_silence(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros((44100 * 5, 2), dtype=np.float32), 44100)
    with pytest.raises(SilentAudio):
        decode(path)


def test_it_turns_nan_and_infinite_samples_into_numbers(tmp_path, tone):
    audio = tone(4.0).astype(np.float32)
    audio[1000], audio[2000], audio[3000] = np.nan, np.inf, -np.inf
    sf.write(tmp_path / "damaged.wav", audio, 44100, subtype="FLOAT")
    decoded = decode(tmp_path / "damaged.wav")
    assert np.isfinite(decoded).all()
    assert decoded[1000].tolist() == [0.0, 0.0]
    assert decoded[2000, 0] == np.finfo(np.float32).max and decoded[3000, 0] == -np.finfo(np.float32).max
    assert np.array_equal(decoded[:900], audio[:900])


def test_it_rejects_a_clip_shorter_than_three_seconds(tmp_path, tone):
    path = tmp_path / "short.wav"
    sf.write(path, tone(2.0), 44100)
    with pytest.raises(TooShort) as caught:
        probe(path)
    assert "3 seconds" in caught.value.user_message


def test_it_rejects_a_song_longer_than_the_limit(tmp_path, tone):
    path = tmp_path / "long.wav"
    sf.write(path, tone(6.0), 44100)
    with pytest.raises(TooLong) as caught:
        probe(path, max_seconds=5.0)
    assert caught.value.max_seconds == 5.0
    assert "limit" in caught.value.user_message


def test_every_error_reads_as_a_sentence():
    for error in (UndecodableAudio(), EmptyAudio(), SilentAudio(), TooShort(1.0), TooLong(600.0, 700.0)):
        assert isinstance(error, EngineError)
        assert error.user_message[0].isupper() and error.user_message.endswith(".")
    assert "10 minutes" in TooLong(600.0).user_message


def test_probe_is_fast_and_does_not_decode(formats):
    import time

    started = time.perf_counter()
    for path in formats.values():
        probe(path)
    assert time.perf_counter() - started < 1.5
