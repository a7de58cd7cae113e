"""The stems cache: a second remix of the same file skips decoding, separation and analysis; entries are
evicted least recently used first; two processes never compute the same entry twice at once."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from remixes.engine.stems_cache import StemsCache, source_key

SR = 44100


def test_a_second_remix_of_the_same_file_does_not_separate_again(tmp_path, monkeypatch, song_audio):
    from remixes.engine import RemixRequest, pipeline

    monkeypatch.setenv("REMIX_ENGINE_PROCESSES", "1")  # in-process, so the counters see every call
    calls = {"separate": 0, "analyse": 0, "decode": 0, "_write_source_stems": 0, "_stems_rms": 0}
    for name in calls:
        real = getattr(pipeline, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(pipeline, name, counted)
    song = tmp_path / "song.wav"
    sf.write(song, song_audio[: SR * 6], SR, subtype="PCM_16")
    copy = tmp_path / "same bytes, other name.wav"
    copy.write_bytes(song.read_bytes())
    cache = tmp_path / "cache"

    first = pipeline.remix(song, RemixRequest(prompt="lo-fi"), cache=cache, workdir=tmp_path / "w1")
    # separating decodes too
    assert calls == {"separate": 1, "analyse": 1, "decode": 2, "_write_source_stems": 1, "_stems_rms": 1}
    assert set(first.plan["engine"]["cache"]["computed"]) >= {f"stems-{pipeline.STEMS_VERSION}",
                                                              f"analysis-{pipeline.ANALYSIS_VERSION}"}

    second = pipeline.remix(copy, RemixRequest(prompt="classical, slow", seed=3), cache=cache,
                            workdir=tmp_path / "w2")
    # its wavs are copied, its RMS is read back
    assert calls == {"separate": 1, "analyse": 1, "decode": 2, "_write_source_stems": 1, "_stems_rms": 1}
    assert second.plan["engine"]["cache"]["computed"] == []
    assert second.plan["engine"]["cache"]["key"] == first.plan["engine"]["cache"]["key"]
    # the stems files of the contract, from the cached separation: the same bytes the first remix wrote
    for name in ("vocals", "accompaniment"):
        assert second.source_stems[name].read_bytes() == first.source_stems[name].read_bytes()
    for result, workdir in ((first, tmp_path / "w1"), (second, tmp_path / "w2")):
        assert set(result.source_stems) == {"vocals", "accompaniment"}
        for path in result.source_stems.values():
            assert path.parent == workdir and sf.info(path).frames == SR * 6
        for version in result.versions:
            assert "instrumental" in version.stems
            assert sf.info(version.stems["instrumental"]).frames == len(version.audio)


def test_the_same_request_gives_the_same_audio_cached_or_not(tmp_path, monkeypatch, song_audio):
    from remixes.engine import RemixRequest, encode_wav, remix

    # the default two helper processes: each remix renders in fresh ones (in one process the soundfont
    # synth's state carries over from one remix to the next)
    monkeypatch.setenv("REMIX_ENGINE_PROCESSES", "2")
    song = tmp_path / "song.wav"
    sf.write(song, song_audio[: SR * 5], SR, subtype="PCM_16")
    request = RemixRequest(prompt="house", seed=2)
    plain = remix(song, request, workdir=tmp_path / "a")
    remix(song, request, cache=tmp_path / "cache", workdir=tmp_path / "b")
    cached = remix(song, request, cache=tmp_path / "cache", workdir=tmp_path / "c")
    for a, b in zip(plain.versions, cached.versions):
        assert encode_wav(a.audio, SR) == encode_wav(b.audio, SR)


def test_source_key_is_the_content_hash(tmp_path):
    a, b, c = tmp_path / "a.bin", tmp_path / "b.bin", tmp_path / "c.bin"
    a.write_bytes(b"x" * 3_000_000)
    b.write_bytes(b"x" * 3_000_000)
    c.write_bytes(b"x" * 2_999_999 + b"y")
    assert source_key(a) == source_key(b) != source_key(c)


def test_least_recently_used_entries_are_evicted(tmp_path):
    cache = StemsCache(tmp_path, max_bytes=None)
    for i in range(4):
        cache.value(f"song{i}", "analysis", "v1", lambda: b"z" * 10_000)
        entry = tmp_path / f"song{i}" / "analysis-v1"
        os.utime(entry, (1000 + i, 1000 + i))
    # a hit makes song0 the most recently used
    assert cache.value("song0", "analysis", "v1", lambda: pytest.fail("recomputed")) == b"z" * 10_000
    cache.max_bytes = 25_000
    evicted = {path.parent.name for path in cache.evict()}
    assert evicted == {"song1", "song2"}
    assert cache.has("song0", "analysis", "v1") and cache.has("song3", "analysis", "v1")
    assert sum(size for _, size, _ in cache.entries()) <= 25_000
    # an evicted entry is computed again when asked for
    assert cache.value("song1", "analysis", "v1", lambda: "again") == "again"


def test_a_new_entry_over_the_budget_evicts_the_oldest(tmp_path):
    cache = StemsCache(tmp_path, max_bytes=30_000)
    for i in range(5):
        cache.value(f"song{i}", "stems", "v1", lambda: b"s" * 12_000)
        os.utime(tmp_path / f"song{i}" / "stems-v1", (1000 + i, 1000 + i))
    kept = sorted(entry.parent.name for _, _, entry in cache.entries())
    assert kept == ["song3", "song4"]


def test_memory_mapped_files_survive_eviction(tmp_path):
    cache = StemsCache(tmp_path, max_bytes=None)

    def fill(directory: Path):
        np.save(directory / "vocals.npy", np.arange(1000, dtype=np.float32))

    stem = cache.files("song", "stems", "v1", fill, lambda d: np.load(d / "vocals.npy", mmap_mode="r"))
    cache.max_bytes = 0
    assert cache.evict()
    assert not cache.has("song", "stems", "v1")
    assert float(stem[999]) == 999.0  # the open mapping still reads the evicted file


def _slow_compute(root: str, counter: str, delay: float):
    def compute():
        with open(counter, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(delay)
        return {"tempo": 120.0, "by": os.getpid()}

    return StemsCache(root).value("song", "analysis", "v1", compute)


def _worker(root: str, counter: str, delay: float, out: str) -> None:
    result = _slow_compute(root, counter, delay)
    Path(out).write_text(repr(result))


def test_two_processes_at_once_compute_an_entry_once(tmp_path):
    counter = tmp_path / "computed.txt"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(str(tmp_path / "cache"), str(counter), 1.5, str(tmp_path / f"out{i}")))
             for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert len(counter.read_text().splitlines()) == 1
    assert (tmp_path / "out0").read_text() == (tmp_path / "out1").read_text()
    assert not any((tmp_path / "cache" / ".tmp").iterdir())  # no half-written entry left behind


def test_a_failed_computation_leaves_no_entry(tmp_path):
    cache = StemsCache(tmp_path, max_bytes=None)

    def broken():
        raise RuntimeError("decoder crashed")

    with pytest.raises(RuntimeError):
        cache.value("song", "analysis", "v1", broken)
    assert not cache.has("song", "analysis", "v1")
    assert not any((tmp_path / ".tmp").iterdir())
    assert cache.value("song", "analysis", "v1", lambda: 42) == 42
