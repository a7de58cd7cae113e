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
        # rendered in a helper: its samples come back mapped from the file it left, not read (nor copied)
        assert isinstance(version.audio, np.memmap) and not version.audio.flags.writeable
        assert not list(tmp_path.glob(".version-*"))  # the file's name is gone, the mapping stays
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


class _Report:
    fraction = 0.4

    def __call__(self, stage, fraction):
        self.fraction = fraction


def _scheduled(with_singer=True):
    """_render_when_free run on a thread against futures the test completes by hand: (runner, sung (None without
    a singer), stretched, log of the tasks it started, the band futures it made)."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from remixes.engine.pipeline import _render_when_free

    sung, stretched, log, bands = Future() if with_singer else None, Future(), [], {}

    def band(k):
        bands[k] = Future()
        log.append(("band", k, sung is not None and sung.done(), stretched.done()))
        return bands[k]

    def finish(k, played, vocal):
        log.append(("finish", k, played, vocal))
        done = Future()
        done.set_result(k)
        return done

    runner = ThreadPoolExecutor(max_workers=1).submit(_render_when_free, band, finish, sung, stretched, _Report(),
                                                      lambda: log.append(("helpers done",)))
    return runner, sung, stretched, log, bands


def _until(condition, seconds=5.0):
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # and nothing more starts in the meantime


def test_the_bands_play_while_the_singer_sings_two_tasks_at_a_time():
    runner, sung, stretched, log, bands = _scheduled()
    _until(lambda: log)
    assert log == []  # the singer and the stretch hold both cores
    stretched.set_result(("original.npy", None))
    _until(lambda: log)
    assert log == [("band", 0, False, True)]  # one core free: the first band, the singer still singing
    bands[0].set_result("band-1.npy")
    _until(lambda: len(log) > 1)
    assert log[1:] == [("band", 1, False, True)]  # the second band does not wait for the singer
    sung.set_result(("sung.npy", "text", [], ()))
    _until(lambda: len(log) > 2)
    # the first finish needed the sung vocal; then, the singer and the stretch done, their helpers can go (once)
    assert log[2:] == [("finish", 0, "band-1.npy", ("sung.npy", "text", [], ())), ("helpers done",)]
    bands[1].set_result("band-2.npy")
    finishes, vocal = runner.result(timeout=5)
    assert log[4:] == [("finish", 1, "band-2.npy", ("sung.npy", "text", [], ()))]
    assert [f.result() for f in finishes] == [0, 1] and vocal == ("sung.npy", "text", [], ())


def test_without_lyrics_both_bands_start_once_the_stretch_is_done():
    runner, _, stretched, log, bands = _scheduled(with_singer=False)
    _until(lambda: log)
    assert log == [("band", 0, False, False)]  # the stretch holds the other core
    stretched.set_result(("original.npy", None))
    _until(lambda: len(log) > 2)
    assert log[1:] == [("band", 1, False, True), ("helpers done",)]  # no singer: the stretch was all they did
    bands[1].set_result("band-2.npy")  # the second band done first: its version is finished first
    _until(lambda: len(log) > 3)
    assert log[3:] == [("finish", 1, "band-2.npy", None)]
    bands[0].set_result("band-1.npy")
    runner.result(timeout=5)
    assert log[4:] == [("finish", 0, "band-1.npy", None)]


def test_a_singer_that_failed_fails_the_remix_with_its_message():
    from remixes.engine.errors import EngineError
    from remixes.engine.pipeline import _Failure

    runner, sung, stretched, log, bands = _scheduled()
    stretched.set_result(("original.npy", None))
    sung.set_result(_Failure(EngineError, "The lyrics could not be sung."))
    with pytest.raises(EngineError, match="could not be sung"):
        runner.result(timeout=5)


def test_the_stretch_yields_the_cpu_to_the_singer(song_path, tmp_path, monkeypatch):
    """The helper beside the singer stretches at a lower priority: the singer, whose vocal both finishes wait
    for, gets a core of its own while the remix's own process arranges and loads."""
    import functools
    import os

    from remixes.engine import pipeline, render

    log = tmp_path / "priorities.txt"

    def logged(function, name):
        @functools.wraps(function)  # pickled by name: the forked helpers find this wrapper under that name
        def run(*args, **kwargs):
            with open(log, "a") as f:
                f.write(f"{name} {os.getpriority(os.PRIO_PROCESS, 0)}\n")
            return function(*args, **kwargs)
        return run

    monkeypatch.setattr(render, "_stretch_rows", logged(render._stretch_rows, "stretch"))
    monkeypatch.setattr(pipeline, "_sing_once", logged(pipeline._sing_once, "singer"))
    own = os.getpriority(os.PRIO_PROCESS, 0)
    result = remix(song_path, RemixRequest(prompt="lo-fi", seed=2, lyrics="Hello bright morning"),
                   cache=tmp_path / "cache", workdir=tmp_path / "out")
    assert result.plan["engine"]["stretch"] != 1.0
    entries = [line.split() for line in log.read_text().splitlines()]
    singer = {int(p) for name, p in entries if name == "singer"}
    stretch = [int(p) for name, p in entries if name == "stretch"]
    assert singer == {own} and stretch and min(stretch) > own
    assert os.getpriority(os.PRIO_PROCESS, 0) == own  # this process keeps its own
