"""Lyrics of a kept vocal from a transcript: lines, the remix's time axis, and honesty when unsure.

Transcripts are written by hand here (test_asr.py checks the recognizer itself), then one remix keeps the
vocal of a short spoken song and must return its words on the remix's time axis.
"""

from pathlib import Path

import numpy as np
import pytest

from remixes.engine.asr import Transcript, Word
from remixes.engine.lyrics import kept_vocal_lyrics, vocal_is_silent


def _transcript(words, *, confidence=None, no_speech=0.05, compression=1.3, segment_starts=(0,), language="en"):
    words = tuple(Word(t, s, e, p) for t, s, e, p in words)
    if confidence is None:
        confidence = float(np.mean([w.probability for w in words])) if words else 0.0
    return Transcript(" ".join(w.text for w in words), words, language, confidence, 0.99, no_speech,
                      compression, -0.3, 30.0, "base", segment_starts)


SUNG = [
    ("Hold", 1.0, 1.3, 0.9), ("the", 1.3, 1.4, 0.8), ("light,", 1.4, 1.9, 0.95),
    ("keep", 2.0, 2.3, 0.9), ("it", 2.3, 2.4, 0.9), ("burning.", 2.4, 3.0, 0.9),
    ("Every", 4.0, 4.3, 0.9), ("night", 4.3, 4.6, 0.9), ("I", 4.6, 4.7, 0.9), ("dream", 4.7, 5.0, 0.9),
    ("of", 5.0, 5.1, 0.9), ("you", 5.1, 5.6, 0.9),
]


def _words(kept):
    return [w for line in kept.lines for w in line["words"]]


def test_it_returns_lines_in_the_lyrics_timestamped_format():
    kept = kept_vocal_lyrics(_transcript(SUNG), 1.0, 30.0)
    assert kept.confident and kept.vocal and kept.language == "en"
    assert [line["text"] for line in kept.lines] == ["Hold the light keep it burning", "Every night I dream of you"]
    assert kept.text == "Hold the light keep it burning\nEvery night I dream of you"
    for line in kept.lines:
        assert set(line) == {"text", "start", "end", "words"}
        assert all(set(w) == {"word", "start", "end"} for w in line["words"])
        assert line["start"] == line["words"][0]["start"] and line["end"] == line["words"][-1]["end"]


def test_it_maps_source_time_onto_the_remix_by_the_tempo_rate():
    kept = kept_vocal_lyrics(_transcript(SUNG), 1.25, 30.0)
    for (text, start, end, _), w in zip(SUNG, _words(kept)):
        assert w["start"] == pytest.approx(start / 1.25, abs=1e-3)
        assert w["end"] == pytest.approx(end / 1.25, abs=1e-3)
    slower = kept_vocal_lyrics(_transcript(SUNG), 0.8, 30.0)
    assert _words(slower)[-1]["end"] == pytest.approx(5.6 / 0.8, abs=1e-3)


def test_it_clamps_inside_the_version_and_leaves_out_words_after_its_end():
    kept = kept_vocal_lyrics(_transcript(SUNG), 1.0, 4.5)
    words = _words(kept)
    assert [w["word"] for w in words][-2:] == ["Every", "night"]
    assert words[-1]["end"] == 4.5
    assert all(0.0 <= w["start"] <= w["end"] <= 4.5 for w in words)


def test_its_times_are_monotonic_even_when_the_recognizer_overlaps_words():
    overlapping = [("one", 1.0, 1.6, 0.9), ("two", 1.4, 1.8, 0.9), ("three", 1.3, 2.2, 0.9), ("four", 2.2, 2.5, 0.9)]
    words = _words(kept_vocal_lyrics(_transcript(overlapping), 1.0, 10.0))
    assert len(words) == 4
    for a, b in zip(words, words[1:]):
        assert a["start"] <= a["end"] <= b["start"] <= b["end"]


def test_it_starts_a_line_at_a_pause_and_keeps_lines_short():
    pause = [("la", 0.5 * i, 0.5 * i + 0.3, 0.9) for i in range(4)] + [("la", 4.0 + 0.3 * i, 4.2 + 0.3 * i, 0.9)
                                                                     for i in range(25)]
    lines = kept_vocal_lyrics(_transcript(pause), 1.0, 30.0).lines
    assert len(lines[0]["words"]) == 4
    assert all(len(line["words"]) <= 10 for line in lines)
    assert sum(len(line["words"]) for line in lines) == 29


def test_it_leaves_out_single_unclear_words_and_says_so():
    mumbled = list(SUNG)
    mumbled[3] = ("keek", 2.0, 2.3, 0.1)
    kept = kept_vocal_lyrics(_transcript(mumbled), 1.0, 30.0)
    assert kept.confident
    assert "keek" not in kept.text and "1 unclear word left out" in kept.note


@pytest.mark.parametrize("change", [
    {"confidence": 0.3},
    {"no_speech": 0.9},
    {"compression": 3.1},
])
def test_an_unsure_transcript_says_so_instead_of_inventing_words(change):
    kept = kept_vocal_lyrics(_transcript(SUNG, **change), 1.0, 30.0)
    assert not kept.confident and kept.vocal
    assert kept.lines == [] and kept.text == ""
    assert "could not be transcribed reliably" in kept.note


def test_too_many_unclear_words_give_no_lyrics():
    mostly_unclear = [(t, s, e, 0.1 if i % 2 else 0.95) for i, (t, s, e, _) in enumerate(SUNG)]
    kept = kept_vocal_lyrics(_transcript(mostly_unclear, confidence=0.6), 1.0, 30.0)
    assert not kept.confident and kept.lines == []


def test_no_words_is_an_instrumental():
    kept = kept_vocal_lyrics(_transcript([], language=None), 1.0, 30.0)
    assert not kept.vocal and kept.lines == [] and kept.text == "" and kept.language is None


def test_it_rejects_a_rate_that_is_not_positive():
    with pytest.raises(ValueError):
        kept_vocal_lyrics(_transcript(SUNG), 0.0, 30.0)


def test_a_stem_of_only_separation_bleed_is_silent():
    t = np.arange(44100 * 3) / 44100
    voice = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    assert not vocal_is_silent(voice, 44100)
    assert vocal_is_silent(voice * 0.002, 44100)  # about -57 dBFS
    assert vocal_is_silent(np.zeros((0, 2), np.float32), 44100)


def test_a_silent_stem_is_not_sent_to_the_recognizer():
    from remixes.engine.lyrics import transcribe_vocal_stem

    transcript = transcribe_vocal_stem(np.zeros((44100 * 2, 2), np.float32), 44100)
    assert transcript.words == () and transcript.duration == pytest.approx(2.0)
    assert not kept_vocal_lyrics(transcript, 1.0, 2.0).vocal


def test_plan_entries_follow_the_contract():
    from remixes.engine.lyrics import vocal_plan_entry

    kept = kept_vocal_lyrics(_transcript(SUNG), 1.0, 30.0)
    assert vocal_plan_entry(1, "kept", kept) == {"version": 1, "kind": "kept", "language": "en",
                                                 "confident": True, "note": kept.note}
    unsure = kept_vocal_lyrics(_transcript(SUNG, confidence=0.2), 1.0, 30.0)
    entry = vocal_plan_entry(2, "kept", unsure)
    assert entry["kind"] == "kept" and entry["confident"] is False and "reliably" in entry["note"]
    silent = kept_vocal_lyrics(_transcript([], language=None), 1.0, 30.0)
    assert vocal_plan_entry(1, "kept", silent)["kind"] == "none"
    assert vocal_plan_entry(2, "none")["kind"] == "none"
    assert vocal_plan_entry(1, "sung", language="en") == {"version": 1, "kind": "sung", "language": "en",
                                                         "confident": True, "note": ""}


def test_a_stem_file_is_read_memory_mapped(tmp_path):
    from remixes.engine.lyrics import transcribe_vocal_stem_file

    path = tmp_path / "vocals.npy"
    np.save(path, np.zeros((44100, 2), np.float32))
    assert transcribe_vocal_stem_file(str(path), 44100).words == ()
    assert transcribe_vocal_stem_file(path, 44100, release=True).duration == pytest.approx(1.0)


@pytest.fixture(scope="module")
def kept_vocal_remix(tmp_path_factory):
    """A remix that keeps the vocal of a short song whose words were spoken at known times."""
    import soundfile as sf

    from remixes.engine import RemixRequest, remix
    from tools.asr_bench import spoken_song

    song = spoken_song(("hold the light and keep it burning", "every night I dream of you"))
    folder = tmp_path_factory.mktemp("kept-vocal")
    sf.write(folder / "song.wav", song.mix(band_gain=1.0), song.sr, subtype="PCM_16")
    result = remix(folder / "song.wav", RemixRequest(prompt="make it faster and upbeat disco"),
                   cache=folder / "cache", workdir=folder / "work")
    return song, result


def test_a_remix_keeping_the_vocal_returns_its_words_on_the_remix_time_axis(kept_vocal_remix):
    from remixes.engine.asr import word_recall
    from tools.asr_bench import start_errors

    song, result = kept_vocal_remix
    rate = result.plan["engine"]["stretch"]
    assert rate > 1.05  # the upbeat prompt sped it up: the times must move
    for version in result.versions:
        assert word_recall(song.text, version.lyrics) >= 0.75
        words = [w for line in version.lyrics_timestamped for w in line["words"]]
        assert all(0.0 <= w["start"] <= w["end"] <= version.duration for w in words)
        assert [w["start"] for w in words] == sorted(w["start"] for w in words)
        heard = [Word(w["word"], w["start"], w["end"], 1.0) for w in words]
        expected = tuple((w, s / rate, e / rate) for w, s, e in song.words)
        errors = start_errors(expected, heard)
        assert len(errors) >= 0.7 * len(expected) and float(np.median(errors)) <= 0.3
    entries = result.plan["engine"]["vocal"]
    assert [(e["version"], e["kind"], e["language"], e["confident"]) for e in entries] == \
        [(1, "kept", "en", True), (2, "kept", "en", True)]



@pytest.mark.slow
def test_a_second_remix_of_the_song_reuses_its_transcript(kept_vocal_remix, tmp_path):
    from remixes.engine import RemixRequest, remix

    song, first = kept_vocal_remix
    computed = first.plan["engine"]["cache"]["computed"]
    assert any(name.startswith("words-") for name in computed)
    folder = Path(first.source_stems["vocals"]).parent.parent
    again = remix(folder / "song.wav", RemixRequest(prompt="make it faster and upbeat disco", seed=5),
                  cache=folder / "cache", workdir=tmp_path)
    assert again.plan["engine"]["cache"]["computed"] == []
    assert again.versions[0].lyrics == first.versions[0].lyrics


def test_a_kept_vocal_is_in_the_versions_vocal_stem_and_not_in_their_instrumental(kept_vocal_remix):
    """The instrumental a user downloads (and the bed the vocal is mixed over) holds no second copy of
    the kept vocal: its words are heard in the vocal stem, not in the instrumental."""
    import soundfile as sf

    from remixes.engine.asr import word_recall
    from remixes.engine.lyrics import transcribe_vocal_stem_file

    song, result = kept_vocal_remix

    def heard(path) -> str:
        audio, sr = sf.read(path, dtype="float32")
        return " ".join(w.text for w in transcribe_vocal_stem_file(audio, sr).words)

    for version in result.versions:
        assert word_recall(song.text, heard(version.stems["vocals"])) >= 0.75
        assert word_recall(song.text, heard(version.stems["instrumental"])) <= 0.3
