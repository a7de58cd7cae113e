"""The render stage's shared work: the lyrics are sung once for both versions, and each version is
encoded where it renders."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf
from pedalboard.io import AudioFile

from remixes.engine import RemixRequest, remix

SR = 44100


def test_both_versions_sing_the_same_words_at_the_same_times(remix_of):
    result = remix_of("pop", lyrics="Hello bright morning\nWe are singing now", gender="female")
    first, second = result.versions
    assert first.lyrics_timestamped and first.lyrics_timestamped == second.lyrics_timestamped
    assert first.lyrics == second.lyrics
    assert not np.allclose(first.audio, second.audio)  # their bands and effects still differ


def test_each_version_comes_back_encoded(song_path, tmp_path):
    result = remix(song_path, RemixRequest(prompt="lo-fi", seed=3, instrumental=True), workdir=tmp_path, encode=True)
    for version in result.versions:
        assert version.wav == tmp_path / f"version-{version.index}.wav"
        wav, sr = sf.read(version.wav, dtype="float32")
        assert sr == version.sample_rate and wav.shape == version.audio.shape
        assert np.abs(wav - np.clip(version.audio, -1, 1)).max() <= 1.01 / 32768
        with AudioFile(io.BytesIO(version.mp3)) as mp3:
            assert mp3.samplerate == SR and mp3.num_channels == 2
            assert abs(mp3.frames / mp3.samplerate - version.duration) < 0.1


def test_without_encode_nothing_is_encoded(remix_of):
    assert all(v.mp3 is None and v.wav is None for v in remix_of("pop").versions)


def test_a_repeat_remix_from_the_cache_sings_the_same_as_the_first(song_path, tmp_path):
    # the first remix computes the stems (its singer starts in the fresh helpers after the separation);
    # the repeat reads them all from the cache, so its singer starts as soon as the helpers fork and
    # waits there for the song: the same request sings the same vocal either way
    request = RemixRequest(prompt="pop", seed=4, lyrics="Hello bright morning\nWe are singing now")
    first = remix(song_path, request, cache=tmp_path / "cache", workdir=tmp_path / "first")
    again = remix(song_path, request, cache=tmp_path / "cache", workdir=tmp_path / "again")
    assert first.plan["engine"]["cache"]["computed"] and not again.plan["engine"]["cache"]["computed"]
    for a, b in zip(first.versions, again.versions):
        assert a.lyrics_timestamped and a.lyrics_timestamped == b.lyrics_timestamped
        assert np.array_equal(a.audio, b.audio)
    assert not list((tmp_path / "again").glob(".sing-job*"))  # the job file is gone once read


@pytest.mark.parametrize("sung", [True, False])
def test_a_versions_stems_are_written_from_memory_not_spilled_and_read_back(song_path, tmp_path, monkeypatch, sung):
    from remixes.engine import pipeline

    spilled, real = tmp_path / "spilled.txt", pipeline._spill

    def spill(workdir, name, audio):  # the render helpers are forked: they report to a file
        with open(spilled, "a") as f:
            f.write(name + "\n")
        return real(workdir, name, audio)

    monkeypatch.setattr(pipeline, "_spill", spill)
    lyrics = "Hello bright morning\nWe are singing now" if sung else None
    result = remix(song_path, RemixRequest(prompt="pop", seed=5, lyrics=lyrics, instrumental=not sung),
                   workdir=tmp_path / "out")
    names = spilled.read_text().split() if spilled.exists() else []
    assert not [name for name in names if name.endswith(("instrumental", "vocals"))]
    for version in result.versions:
        assert sorted(version.stems) == (["instrumental", "vocals"] if sung else ["instrumental"])
        instrumental = sf.read(version.stems["instrumental"], dtype="float32")[0]
        assert instrumental.shape == version.audio.shape
        # the stem is the mix before the master (scaled by its gain): the master's fade-out is not in it
        tail = int(0.1 * SR)
        assert np.abs(instrumental[-tail:]).max() > 10 * np.abs(version.audio[-tail:]).max()
        if sung:
            assert np.abs(sf.read(version.stems["vocals"], dtype="float32")[0]).max() > 0.01
