"""The recognizer on a short song whose vocal line was spoken at known times (tools.asr_bench.spoken_song).

Whisper base is loaded once per process; each clip is transcribed once per session.
"""

import numpy as np
import pytest

from remixes.engine import asr
from tools.asr_bench import spoken_song, start_errors
from tools.songs import make_song
from remixes.engine.lyrics import kept_vocal_lyrics, vocal_is_silent

LINES = ("hold the light and keep it burning", "every night I dream of you")
RATE = 1.25


@pytest.fixture(scope="session")
def song():
    return spoken_song(LINES)


@pytest.fixture(scope="session")
def stem(song):
    """What separation leaves of the song's vocal: the voice with the band bleeding in at -12 dB."""
    return song.mix(band_gain=0.25)


@pytest.fixture(scope="session")
def transcript(song, stem):
    return asr.transcribe(stem, song.sr, model="base")


@pytest.fixture(scope="session")
def stretched_transcript(song, stem):
    import librosa

    faster = librosa.effects.time_stretch(np.ascontiguousarray(stem[:, 0]), rate=RATE)
    return asr.transcribe(faster, song.sr, model="base"), len(faster) / song.sr


def test_it_hears_the_sung_words(song, transcript):
    assert asr.word_recall(song.text, transcript.text) >= 0.8
    assert transcript.language == "en"
    assert transcript.confidence >= 0.5


def test_its_word_times_are_where_the_words_were_placed(song, transcript):
    errors = start_errors(song.words, transcript.words)
    assert len(errors) >= 0.7 * len(song.words)
    assert float(np.median(errors)) <= 0.3
    assert max(errors) <= 1.0


def test_its_words_are_monotonic_and_inside_the_audio(song, transcript):
    duration = len(song.vocal) / song.sr
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert all(0.0 <= w.start <= w.end <= duration for w in transcript.words)
    assert all(0.0 <= w.probability <= 1.0 for w in transcript.words)


def test_it_detects_the_language_of_the_vocal():
    spanish = spoken_song(("el río corre hacia el mar de plata", "cada noche sueño contigo"), voice="es")
    transcript = asr.transcribe(spanish.mix(band_gain=0.25), spanish.sr, model="base")
    assert transcript.language == "es"
    assert asr.word_recall(spanish.text, transcript.text, "es") >= 0.8
    kept = kept_vocal_lyrics(transcript, 1.0, len(spanish.vocal) / spanish.sr)
    assert kept.language == "es" and "Spanish" in kept.note


def test_kept_lyrics_follow_a_tempo_stretch(transcript, stretched_transcript):
    """Mapping the source transcript by 1 / rate lands where the recognizer hears the stretched vocal."""
    heard, duration = stretched_transcript
    kept = kept_vocal_lyrics(transcript, RATE, duration)
    assert kept.confident and kept.lines
    mapped = tuple((w["word"], w["start"], w["end"]) for line in kept.lines for w in line["words"])
    assert all(0.0 <= start <= end <= duration for _, start, end in mapped)
    errors = start_errors(mapped, heard.words)
    assert len(errors) >= 0.7 * len(mapped)
    assert float(np.median(errors)) <= 0.3


def test_an_instrumental_gives_no_words():
    band = make_song(8.0, tempo=100.0, seed=5)
    transcript = asr.transcribe(band, 44100, model="base")
    kept = kept_vocal_lyrics(transcript, 1.0, 8.0)
    assert kept.lines == [] and kept.text == ""
    assert not kept.vocal or not kept.confident


def test_noise_gives_no_invented_words():
    noise = np.random.default_rng(0).standard_normal((44100 * 6, 2)).astype(np.float32) * 0.1
    kept = kept_vocal_lyrics(asr.transcribe(noise, 44100, model="base"), 1.0, 6.0)
    assert kept.lines == [] and kept.text == ""


def test_a_silent_stem_is_no_vocal(song):
    quiet = song.band * 0.005  # separation bleed only, about -50 dBFS
    assert vocal_is_silent(quiet, song.sr)
    assert not vocal_is_silent(song.vocal, song.sr)
    assert asr.transcribe(np.zeros((44100, 2), np.float32), 44100, model="base").words == ()


def test_word_recall_normalises_case_punctuation_and_numbers():
    assert asr.word_recall("Twenty-one candles, in the WINDOW!", "21 candles in the window") == 1.0
    assert asr.word_recall("don't stop", "Dont stop.") == 1.0
    assert asr.word_recall("the 3rd time", "the third time") == 1.0
    assert asr.word_recall("one two three four", "one three") == 0.5
    assert asr.word_recall("a b c d", "d c b a") == 0.25  # in order
    assert asr.word_recall("", "anything") == 1.0
    assert asr.word_recall("something", "") == 0.0


def test_it_loads_each_model_once():
    assert asr.load_model("base") is asr.load_model("base")
    with pytest.raises(ValueError):
        asr.load_model("large-v3")


@pytest.mark.slow
def test_tiny_en_hears_the_song_too(song, stem):
    transcript = asr.transcribe(stem, song.sr, model="tiny.en")
    assert transcript.language == "en"
    assert asr.word_recall(song.text, transcript.text) >= 0.75


def test_no_word_holds_a_pause_between_the_voices_stretches():
    gaps = [(4.83, 5.57)]
    # the first word after a pause, stretched back over it by the aligner, starts where the voice does
    assert asr._out_of_gaps(4.24, 5.86, gaps) == (5.57, 5.86)
    assert asr._out_of_gaps(5.0, 5.9, gaps) == (5.57, 5.9)
    # a word running on into the pause ends where the voice stops
    assert asr._out_of_gaps(4.5, 5.2, gaps) == (4.5, 4.83)
    # words clear of the pause, or wholly inside it (the VAD missed them), are left as they are
    assert asr._out_of_gaps(3.76, 4.24, gaps) == (3.76, 4.24)
    assert asr._out_of_gaps(5.0, 5.3, gaps) == (5.0, 5.3)
