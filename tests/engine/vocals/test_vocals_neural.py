"""The neural singer: the model is used, its three genders differ, its timings are its own, and an
independent recognizer understands it."""

import numpy as np
import pytest
from conftest import LYRICS, SR, make_guide
from test_vocals_singing import f0_track

from remixes.engine.vocals import neural
from remixes.engine.vocals.performer import perform
from remixes.engine.vocals.placement import Note

pytestmark = pytest.mark.skipif(not neural.available(), reason="run `make setup`: the neural voice model is missing")


def _median_f0(performance):
    _, f0 = f0_track(performance.vocal.audio)
    return float(np.median(f0[f0 > 0]))


def test_english_lyrics_are_sung_by_the_neural_voice(female):
    assert not any("espeak-ng" in note for note in female.vocal.notes)


def test_the_female_voice_is_at_least_1_3_times_higher_than_the_male(male, female):
    assert _median_f0(female) >= 1.3 * _median_f0(male)


def test_three_genders_are_three_different_voices(male, neutral, female):
    medians = [_median_f0(p) for p in (male, neutral, female)]
    assert medians[1] >= 1.15 * medians[0] and medians[2] >= 1.15 * medians[1]

    def centroid(performance):  # where the spectral envelope sits: formants move up with the gender
        audio = performance.vocal.audio.astype(np.float64)
        frames = audio[: len(audio) // 2048 * 2048].reshape(-1, 2048)
        frames = frames[np.sqrt(np.mean(frames ** 2, axis=1)) > 0.02]
        spectrum = np.abs(np.fft.rfft(frames * np.hanning(2048), axis=1)).mean(axis=0)
        freqs = np.fft.rfftfreq(2048, 1 / SR)
        band = freqs < 5000
        return float(np.sum(freqs[band] * spectrum[band]) / np.sum(spectrum[band]))

    centroids = [centroid(p) for p in (male, neutral, female)]
    assert centroids[0] < centroids[1] < centroids[2]


def test_word_times_are_where_the_voice_sang_each_word():
    """Render one line alone: each word's span holds its sound, and the gaps between words are quiet."""
    tokens = ("hold", "on", "to", "the", "light")
    notes = [Note(1.0 + 0.5 * k, 1.5 + 0.5 * k, 52) for k in range(5)]
    curve = lambda t: np.full(len(t), 165.0)  # noqa: E731
    rendered = neural.render(tokens, notes, curve, 1.0, 0.0, np.random.default_rng(0))
    assert sorted(rendered.word_times) == list(range(5))
    spans = [rendered.word_times[k] for k in range(5)]
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 + 1e-9 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    # every vowel starts on its note: the word spans reach each note's start
    for (a, b), note in zip(spans, notes):
        assert a <= note.start + 1e-6 < b
    audio, start = rendered.audio, rendered.start
    for a, b in spans:
        segment = audio[int((a - start) * neural.SAMPLE_RATE): int((b - start) * neural.SAMPLE_RATE)]
        assert np.sqrt(np.mean(segment ** 2)) > 0.01


def test_durations_follow_long_and_short_notes():
    """A held note holds its vowel: the word on a 1.5 s note lasts ~1.5 s, one on a 0.25 s note ~0.25 s."""
    guide = make_guide(duration=12.0, sections=())
    tokens = ("so", "long", "now")
    notes = [Note(2.0, 2.25, 55), Note(2.25, 3.75, 55), Note(3.75, 4.0, 55)]
    rendered = neural.render(tokens, notes, lambda t: np.full(len(t), 196.0), 1.0, 0.0, np.random.default_rng(0))
    long_start, long_end = rendered.word_times[1]
    assert abs((long_end - long_start) - 1.5) < 0.15
    assert guide.duration > long_end


def test_a_long_vowel_is_held_by_world_the_model_renders_it_short(monkeypatch):
    """The model renders a vowel held over a 2 s note at most ~0.3 s long; WORLD holds it for the rest of the
    note: the vowel sounds to its end, at its note's pitch, and the line is as long as sung."""
    import parselmouth

    spoken = []
    real = neural._spoken_frames
    monkeypatch.setattr(neural, "_spoken_frames", lambda line, frames: spoken.append((frames, real(line, frames)))
                        or spoken[-1][1])
    notes = [Note(1.0, 1.3, 55), Note(1.3, 3.3, 55)]
    rendered = neural.render(("so", "long"), notes, lambda t: np.full(len(t), 196.0), 1.0, 0.0,
                             np.random.default_rng(0))
    sung_frames, model_frames = spoken[0]
    assert model_frames.sum() < 0.5 * sung_frames.sum()
    assert len(rendered.audio) == sung_frames.sum() * neural.HOP
    start, end = rendered.word_times[1]
    assert end - start > 1.8
    sr = neural.SAMPLE_RATE
    vowel = rendered.audio[int((1.45 - rendered.start) * sr): int((3.15 - rendered.start) * sr)]
    windows = np.sqrt(np.mean(vowel[: len(vowel) // 2205 * 2205].reshape(-1, 2205) ** 2, axis=1))
    assert windows.min() > 0.3 * np.median(windows)  # no fade, no gap: held to the end
    pitch = parselmouth.Sound(vowel, sampling_frequency=sr).to_pitch(time_step=0.01, pitch_floor=70.0,
                                                                    pitch_ceiling=600.0)
    f0 = pitch.selected_array["frequency"]
    assert np.mean(f0 > 0) > 0.9 and abs(np.median(f0[f0 > 0]) - 196.0) < 4.0


def test_a_recognizer_understands_the_sung_lyrics(male):
    """Whisper (tiny.en, an independent listener) hears most of the words the voice sang, alone."""
    from remixes.engine import asr
    from remixes.engine.models import ModelMissing

    try:
        asr.load_model("tiny.en")
    except ModelMissing as exc:  # pragma: no cover - make setup builds it
        pytest.skip(str(exc))
    transcript = asr.transcribe(male.vocal.audio, SR, model="tiny.en", language="en")
    assert asr.word_recall(male.vocal.text, transcript.text) >= 0.7, transcript.text  # 0.83 measured


def test_the_voice_falls_back_to_espeak_when_the_model_is_missing(monkeypatch, guide):
    monkeypatch.setattr(neural, "available", lambda: False)
    performance = perform(LYRICS, guide, "male", seed=0)
    assert any("neural voice model is missing" in note for note in performance.vocal.notes)
    assert len(performance.vocal.lines) == len(performance.vocal.text.split("\n"))


def test_a_prepared_singer_sings_without_reading_its_lines_again(guide, female, monkeypatch):
    from remixes.engine.vocals import prepare

    neural.neural_line.cache_clear()
    prepare(LYRICS)  # what a singer process does while the song is still being arranged
    read = []
    monkeypatch.setattr(neural, "_durations", lambda: read.append(1) or pytest.fail("a line read again"))
    again = perform(LYRICS, guide, "female", seed=0)
    assert not read
    assert np.array_equal(again.vocal.audio, female.vocal.audio)  # and sings the same


def test_a_session_of_the_saved_optimised_model_sings_the_same_samples(tmp_path, monkeypatch):
    # the first session optimises the model and saves the result; later ones start from it, not optimising
    import shutil

    import onnxruntime as ort

    for name in (neural.MODEL, neural.DURATIONS_MODEL):
        shutil.copy(neural.model_path(name), tmp_path / name)
    shutil.copy(str(neural.model_path(neural.MODEL)) + ".json", tmp_path / (neural.MODEL + ".json"))
    monkeypatch.setenv("REMIX_MODELS_DIR", str(tmp_path))
    tokens = ("morning", "light", "is", "on", "the", "window")
    line = neural.neural_line(tokens)
    ids = np.array([i for u in line.units for i in u.ids], dtype=np.int64)[None, :]
    feed = {"input": ids, "input_lengths": np.array([ids.shape[1]], dtype=np.int64), "scales": neural._SCALES,
            "durations": (np.asarray(line.id_frames, dtype=np.float32) * 2).reshape(1, 1, -1)}
    plain = ort.InferenceSession(str(tmp_path / neural.MODEL), providers=["CPUExecutionProvider"])
    first = neural._session(neural.MODEL)  # optimises and saves
    saved = neural._optimised(tmp_path / neural.MODEL)
    assert saved.exists() and not list(saved.parent.glob(".*"))
    again = neural._session(neural.MODEL)  # from the saved copy
    assert again.get_session_options().graph_optimization_level == ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    expected = plain.run(["output"], feed)[0]
    assert np.array_equal(first.run(["output"], feed)[0], expected)
    assert np.array_equal(again.run(["output"], feed)[0], expected)


def test_a_singer_that_lets_its_models_go_sings_the_same(guide, male):
    # the remix's singer frees the duration model once every line is prepared, and all once it has sung
    from remixes.engine.vocals import prepare, release

    prepare(LYRICS)
    release(voice=False)
    assert neural._durations.cache_info().currsize == 0 and neural.neural_line.cache_info().currsize > 0
    again = perform(LYRICS, guide, "male", seed=0)
    assert neural._durations.cache_info().currsize == 0  # every line it sang was prepared
    release()
    assert neural._voice.cache_info().currsize == 0 and neural.neural_line.cache_info().currsize == 0
    assert np.array_equal(again.vocal.audio, male.vocal.audio)
    assert np.array_equal(perform(LYRICS, guide, "male", seed=0).vocal.audio, male.vocal.audio)


def test_the_aperiodicity_is_analysed_every_other_frame_and_follows_d4c(monkeypatch):
    """D4C, the singer's largest cost after the model, runs on every other frame and on both sides of each
    voicing change; the frames between hear as much noise in the voice as D4C's own."""
    import pyworld

    takes = []
    monkeypatch.setattr(neural, "_world", lambda audio, *rest: takes.append(audio) or audio)
    notes = [Note(1.0 + 0.5 * k, 1.5 + 0.5 * k, 52) for k in range(5)]
    neural.render(("hold", "on", "to", "the", "light"), notes, lambda t: np.full(len(t), 165.0), 1.0, 0.0,
                  np.random.default_rng(0))
    x, sr = takes[0], neural.SAMPLE_RATE
    f0, t = neural._analysed_f0(x, sr)
    full = pyworld.d4c(x, f0, t, sr)
    analysed = []
    d4c = pyworld.d4c
    monkeypatch.setattr(pyworld, "d4c", lambda x, f0, t, sr: analysed.append(len(t)) or d4c(x, f0, t, sr))
    ap = neural._aperiodicity(x, f0, t, sr)
    assert ap.shape == full.shape and analysed[0] <= 0.6 * len(t)
    voiced = f0 > 0
    change = np.flatnonzero(voiced[1:] != voiced[:-1])
    assert len(change) >= 2
    both_sides = np.concatenate([change, change + 1])
    np.testing.assert_allclose(ap[both_sides], full[both_sides], atol=0.01)  # D4C adds a little noise of its own
    harmonic = 10 * np.abs(np.log10((1 - ap[voiced] ** 2 + 1e-3) / (1 - full[voiced] ** 2 + 1e-3)))
    assert np.median(harmonic) < 0.05 and np.percentile(harmonic, 95) < 1.0  # dB; 0.003 and 0.44 measured


def _voicing(audio: np.ndarray) -> tuple[float, float]:
    """(share of the sung frames Praat hears a pitch in, harmonics-to-noise ratio in dB over the voiced ones)."""
    import parselmouth

    sound = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=SR)
    loud = np.sqrt(np.convolve(audio.astype(np.float64) ** 2, np.ones(441) / 441, mode="same"))[::441] > 0.01
    f0 = sound.to_pitch(time_step=0.01, pitch_floor=70.0, pitch_ceiling=600.0).selected_array["frequency"]
    n = min(len(f0), len(loud))
    hnr = sound.to_harmonicity(time_step=0.01).values[0]
    return float(np.mean(f0[:n][loud[:n]] > 0)), float(np.mean(hnr[hnr > -100]))


def test_a_breathy_voice_has_more_air_and_a_whisper_no_pitch_and_both_are_understood(guide, female):
    """"breathy vocals": the same pitch under more noise (harmonics-to-noise ratio down 3 dB at least: 5.3 measured);
    "whispered vocals": noise through the voice's envelope, no harmonics; an independent recognizer still hears
    most words of both (tiny.en: 0.70 and 0.80 of the words, as of the plain voice)."""
    from remixes.engine import asr
    from remixes.engine.models import ModelMissing

    breathy = perform(LYRICS, guide, "female", seed=0, delivery="breathy").vocal.audio
    whisper = perform(LYRICS, guide, "female", seed=0, delivery="whisper").vocal.audio
    (plain_voiced, plain_hnr), (breathy_voiced, breathy_hnr) = _voicing(female.vocal.audio), _voicing(breathy)
    assert breathy_voiced > 0.8 * plain_voiced and breathy_hnr < plain_hnr - 3
    whisper_voiced, whisper_hnr = _voicing(whisper)  # Praat hears a "pitch" in some whispered vowels' formants
    assert whisper_voiced < 0.5 * plain_voiced and whisper_hnr < plain_hnr - 15  # measured 0.28 / 0.95, 2.7 / 23.6
    try:
        asr.load_model("tiny.en")
    except ModelMissing as exc:  # pragma: no cover - make setup builds it
        pytest.skip(str(exc))
    for audio in (breathy, whisper):
        heard = asr.transcribe(audio, SR, model="tiny.en", language="en").text
        assert asr.word_recall(female.vocal.text, heard) >= 0.5, heard


def test_the_singer_breathes_in_before_a_line_after_a_rest(female):
    """Before each line that follows a rest (BREATH_REST or more) a breath in: noise (no pitch) in the 0.4 s before
    the line, well under the line (BREATH_DB) and well over the silence further back; none of it on the line."""
    import parselmouth

    from remixes.engine.vocals.performer import BREATH_DB, BREATH_REST

    audio = female.vocal.audio.astype(np.float64)
    lines = female.vocal.lines
    rested = [line for before, line in zip([None] + lines[:-1], lines)
              if before is None or line["start"] - before["end"] >= BREATH_REST + 0.2]
    assert len(rested) >= 3

    def rms(a: float, b: float) -> float:
        return float(np.sqrt(np.mean(audio[int(a * SR):int(b * SR)] ** 2)))

    for line in rested:
        s = line["start"]
        breath, sung = rms(s - 0.3, s - 0.06), rms(s, s + 1.0)
        assert 10 ** ((BREATH_DB - 12) / 20) * sung < breath < 10 ** ((BREATH_DB + 6) / 20) * sung
        if s > 1.5 and (line is lines[0] or s - lines[lines.index(line) - 1]["end"] > 1.4):
            assert rms(s - 1.2, s - 0.8) < 0.1 * breath  # silence before the breath
        pitch = parselmouth.Sound(audio[int((s - 0.3) * SR):int((s - 0.06) * SR)], SR).to_pitch(0.01, 75, 600)
        assert np.mean(pitch.selected_array["frequency"] > 0) < 0.2
