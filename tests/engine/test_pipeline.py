"""remix() end to end on a 12 s generated song; each distinct request is rendered once per session."""

import io
import json
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from remixes.engine import RemixRequest, encode_wav, pipeline
from tools.evaluate import loudness_metrics, recognisability, style_metrics
from remixes.engine.render import rms
from remixes.engine.style import interpret
from remixes.engine.vocabulary import Effect

SR = 44100


@pytest.fixture(scope="module")
def source_style(song_audio):
    return style_metrics(song_audio, SR)


def test_it_returns_two_mastered_stereo_versions(remix_of):
    result = remix_of("make it lo-fi with chill beats")
    assert [v.index for v in result.versions] == [1, 2]
    for version in result.versions:
        assert version.audio.dtype == np.float32 and version.audio.shape[1] == 2
        assert version.sample_rate == SR
        assert version.duration == pytest.approx(len(version.audio) / SR)
        loud = loudness_metrics(version.audio, SR)
        assert -15.0 <= loud["lufs"] <= -13.0
        assert loud["true_peak_dbtp"] <= -1.0


def test_its_versions_differ_but_both_stay_recognisable(remix_of, song_audio, unrelated_audio):
    result = remix_of("make it lo-fi with chill beats")
    first, second = (v.audio for v in result.versions)
    assert not np.array_equal(first, second)
    unrelated = recognisability(song_audio, unrelated_audio, SR)["score"]
    for version in result.versions:
        assert recognisability(song_audio, version.audio, SR)["score"] > unrelated + 0.1


def test_it_is_deterministic_for_the_same_request_and_seed(song_path, remix_of):
    from remixes.engine import remix

    again = remix(song_path, RemixRequest(prompt="make it lo-fi with chill beats"))
    first = remix_of("make it lo-fi with chill beats")
    for a, b in zip(first.versions, again.versions):
        assert encode_wav(a.audio, SR) == encode_wav(b.audio, SR)


def test_a_slow_prompt_lowers_the_tempo(remix_of, source_style):
    result = remix_of("slow piano ballad")
    assert result.plan["engine"]["tempo"] < result.plan["engine"]["source_tempo"]
    version = style_metrics(result.versions[0].audio, SR)
    assert version["duration"] / source_style["duration"] > 1.1


def test_lofi_makes_the_spectrum_darker(remix_of, source_style):
    result = remix_of("make it lo-fi with chill beats")
    for version in result.versions:
        assert style_metrics(version.audio, SR)["centroid_hz"] < 0.85 * source_style["centroid_hz"]


def test_no_drums_drops_the_percussive_energy(remix_of, source_style):
    result = remix_of("acoustic with no drums")
    assert result.plan["drums"] is None
    for version in result.versions:
        assert style_metrics(version.audio, SR)["percussive_share"] < 0.7 * source_style["percussive_share"]


def test_its_peaks_cover_and_plan_are_ready_for_the_web(remix_of):
    result = remix_of("make it lo-fi with chill beats")
    for version in result.versions:
        assert len(version.peaks) == 1000 and 0 <= min(version.peaks) and max(version.peaks) == 1.0
        assert version.lyrics == "" and version.lyrics_timestamped == []
    assert Image.open(io.BytesIO(result.cover_png)).size == (1024, 1024)
    assert Image.open(io.BytesIO(result.cover_thumb_png)).size == (256, 256)
    plan = json.loads(json.dumps(result.plan))
    assert plan["style"] == "lofi" and plan["engine"]["key"] == "A minor"
    assert result.source_duration == pytest.approx(12.0, abs=0.01)


def test_strength_zero_keeps_mostly_the_original(remix_of, song_audio):
    gentle = remix_of("make it lo-fi with chill beats", strength=0.0)
    full = remix_of("make it lo-fi with chill beats", strength=1.0)
    assert gentle.plan["engine"]["original_level"] > full.plan["engine"]["original_level"]
    gentle_score = recognisability(song_audio, gentle.versions[0].audio, SR)["score"]
    full_score = recognisability(song_audio, full.versions[0].audio, SR)["score"]
    assert gentle_score >= full_score - 0.02


def test_a_prompt_that_only_treats_the_sound_is_the_song_itself(remix_of, song_audio):
    """"add an echo" names no style: no new band plays, the song keeps its tempo and its own arrangement (at the
    default strength as at 0), with the echo and nothing else of Pop's (its compressor)."""
    treated = remix_of("just add an echo", seed=2)
    assert treated.plan["as_is"] and treated.plan["engine"]["original_level"] == 1.0
    assert [effect["kind"] for effect in treated.plan["effects"]] == ["delay"]
    assert treated.plan["engine"]["tempo"] == pytest.approx(remix_of("pop", strength=0.0).plan["engine"]["tempo"]) \
        and any("strength 0.5 not applied" in note for note in treated.plan["engine"]["notes"])
    band = remix_of("pop", seed=2).versions[0].audio
    for version in treated.versions:
        mine = version.audio.mean(axis=1)
        assert recognisability(song_audio, version.audio, SR)["score"] > \
            recognisability(song_audio, band, SR)["score"] + 0.05
        song = song_audio.mean(axis=1) if song_audio.ndim == 2 else song_audio
        n = min(len(song), len(mine))
        assert abs(np.corrcoef(song[:n], mine[:n])[0, 1]) > 0.8  # the song itself, sample for sample



def test_a_song_kept_as_it_is_gets_a_second_version_with_the_treatment_taken_further(remix_of, song_audio):
    """Both versions of "add reverb" were the same file; the second now has twice the reverb, and says so. With nothing
    asked that has an amount ("remove the vocals") both stay alike, and the notes say why."""
    treated = remix_of("add reverb", seed=2)
    notes = treated.plan["engine"]["notes"]
    assert "Version 2: the same, the treatment taken further: reverb 0.25 -> 0.5." in notes
    song = song_audio.mean(axis=1)
    first, second = (v.audio.mean(axis=1) for v in treated.versions)
    n = min(len(song), len(first), len(second))
    near = [np.corrcoef(song[:n], take[:n])[0, 1] for take in (first, second)]
    assert near[0] > near[1] > 0.8  # the second further from the dry song, both the song itself
    plain = remix_of("remove the vocals", seed=2)
    assert np.array_equal(plain.versions[0].audio, plain.versions[1].audio)
    assert any(note.startswith("Both versions alike: nothing asked has an amount")
               for note in plain.plan["engine"]["notes"])

def test_a_version_played_backwards_is_the_version_reversed_and_its_words_with_it(remix_of):
    """"pop, play it backwards": the same remix, sample for sample backwards (away from the master's fades at its
    ends); the sung words' times mirrored, the last line first."""
    lyrics = "Hello bright morning\nWe are singing now"
    plain = remix_of("pop", seed=2, lyrics=lyrics).versions[0]
    backwards = remix_of("pop, play it backwards", seed=2, lyrics=lyrics)
    assert backwards.plan["reverse"] and backwards.plan["engine"]["reversed"] is True
    version = backwards.versions[0]
    n = len(plain.audio)
    middle = slice(n // 5, 4 * n // 5)
    assert len(version.audio) == n and np.corrcoef(version.audio[::-1][middle, 0], plain.audio[middle, 0])[0, 1] > 0.95
    first, last = plain.lyrics_timestamped[0], plain.lyrics_timestamped[-1]
    assert version.lyrics_timestamped[0]["text"] == last["text"]
    assert version.lyrics_timestamped[-1]["start"] == pytest.approx(plain.duration - first["end"], abs=0.002)
    words = version.lyrics_timestamped[0]["words"]
    assert [w["start"] for w in words] == sorted(w["start"] for w in words)


def test_lines_played_backwards_are_mirrored():
    lines = [{"text": "a b", "start": 1.0, "end": 2.0, "words": [{"word": "a", "start": 1.0, "end": 1.4},
                                                                  {"word": "b", "start": 1.5, "end": 2.0}]},
             {"text": "c", "start": 3.0, "end": 3.5, "words": [{"word": "c", "start": 3.0, "end": 3.5}]}]
    mirrored = pipeline._lines_reversed(lines, 10.0)
    assert [line["text"] for line in mirrored] == ["c", "a b"]
    assert (mirrored[0]["start"], mirrored[0]["end"]) == (6.5, 7.0)
    assert [(w["word"], w["start"], w["end"]) for w in mirrored[1]["words"]] == [("b", 8.0, 8.5), ("a", 8.6, 9.0)]
    assert lines[0]["start"] == 1.0  # new dicts


def test_it_reports_progress_up_to_done(song_path):
    from remixes.engine import RemixRequest, remix

    calls = []
    remix(song_path, RemixRequest(prompt="house", seed=5), progress=lambda stage, f: calls.append((stage, f)))
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0
    assert calls[-1] == ("done", 1.0)
    assert {"decode", "analyse", "render"} <= {stage for stage, _ in calls}


def test_it_sings_given_lyrics_with_word_timings(remix_of):
    result = remix_of("pop", lyrics="Hello bright morning\nWe are singing now", gender="female")
    for version in result.versions:
        assert version.lyrics.strip()
        lines = version.lyrics_timestamped
        assert lines and all(0 <= line["start"] < line["end"] <= version.duration + 1e-6 for line in lines)
        assert all(line["words"] for line in lines)


def test_instrumental_sings_nothing(remix_of):
    result = remix_of("pop", lyrics="Hello bright morning", instrumental=True)
    assert all(v.lyrics == "" and v.lyrics_timestamped == [] for v in result.versions)
    # the vocal stem is dropped: no vocal in the kept original, no vocal stem file
    assert result.plan["engine"]["stem_gains"]["vocals"] == 0.0
    assert [v["kind"] for v in result.plan["engine"]["vocal"]] == ["none", "none"]
    for version in result.versions:
        assert set(version.stems) == {"instrumental"}


def test_new_lyrics_replace_the_original_vocal_stem(remix_of):
    import soundfile as sf

    result = remix_of("pop", lyrics="Hello bright morning\nWe are singing now", gender="female")
    assert result.plan["engine"]["stem_gains"]["vocals"] == 0.0  # removed, not masked
    assert [v["kind"] for v in result.plan["engine"]["vocal"]] == ["sung", "sung"]
    for version in result.versions:
        assert set(version.stems) == {"instrumental", "vocals"}
        vocals, sr = sf.read(version.stems["vocals"], dtype="float32")
        instrumental, _ = sf.read(version.stems["instrumental"], dtype="float32")
        assert sr == SR and len(vocals) == len(instrumental) == len(version.audio)
        # the stems add up to the version (before its limiter) and the vocal stem holds the singing
        both = vocals + instrumental
        corr = np.corrcoef(both.reshape(-1), version.audio.reshape(-1))[0, 1]
        assert corr > 0.95
        assert np.sqrt(np.mean(vocals ** 2)) > 0.1 * np.sqrt(np.mean(instrumental ** 2))
    assert set(result.source_stems) == {"vocals", "accompaniment"}


def test_stem_levels_follow_the_prompt(remix_of):
    assert remix_of("acoustic with no drums").plan["engine"]["stem_gains"]["drums"] == 0.0
    arrangement = SimpleNamespace(vocal_gain=1.0, original_drums_gain=0.5, original_bass_gain=0.5,
                                  accompaniment_gain=0.3, accompaniment_pad_gain=0.2, bass_pad_gain=0.0)

    def gains(prompt, keep_vocal=True):
        return pipeline._stem_gains(arrangement, interpret(prompt), keep_vocal)

    plain = gains("pop")
    assert plain == {"vocals": 1.0, "drums": 0.5, "bass": 0.5, "other": 0.3, "other_pad": 0.2, "bass_pad": 0.0}
    assert gains("pop, more bass")["bass"] == pytest.approx(0.5 * 10 ** (interpret("pop, more bass").levels["bass"] / 20))
    assert gains("pop, more bass")["bass"] > plain["bass"]
    assert gains("pop, softer drums")["drums"] < plain["drums"]
    assert gains("pop, no drums")["drums"] == 0.0
    assert gains("pop", keep_vocal=False)["vocals"] == 0.0


def test_a_kept_vocal_is_revoiced_when_a_gender_is_given(remix_of):
    result = remix_of("pop", gender="male")
    assert any("re-voiced" in note for note in result.plan["engine"]["notes"])
    assert all(v.lyrics == "" for v in result.versions)


def test_an_unmet_mode_request_is_explained(remix_of):
    result = remix_of("pop in a major key")
    assert result.plan["mode"] == "major"
    assert any("minor harmony is kept" in note for note in result.plan["engine"]["notes"])


def sung_over_a_band(monkeypatch, prompt: str, seconds: float = 2.0) -> np.ndarray:
    """One version rendered over a held band tone (330 Hz), with a held sung tone (523 Hz) as the voice."""
    t = np.arange(int(seconds * SR)) / SR
    band = np.repeat((0.2 * np.sin(2 * np.pi * 330 * t))[:, None], 2, axis=1).astype(np.float32)
    voice = np.repeat((0.05 * np.sin(2 * np.pi * 523.25 * t))[:, None], 2, axis=1).astype(np.float32)
    monkeypatch.setattr(pipeline, "_sing", lambda *args: (voice, "la", [], ()))
    arrangement = SimpleNamespace(parts=(), band_gain=0.0, drum_gain=0.0, mix_spans=(), vocal_spans=(), mix_effects=(),
                                  mix_reverb=0.0, risers=(), pump=0.0)
    result, _, _ = pipeline._render_version(1, arrangement, interpret(prompt), RemixRequest(prompt=prompt), band,
                                            float(np.sqrt(np.mean(band ** 2))), "la")
    return result.audio


def voice_over_band_db(audio: np.ndarray) -> float:
    """The sung tone's level over the band tone's, from one FFT of the whole version."""
    spectrum = np.abs(np.fft.rfft(audio.mean(axis=1) * np.hanning(len(audio))))
    bins = [int(round(hz * len(audio) / SR)) for hz in (523.25, 330.0)]
    voice, band = (spectrum[i - 2:i + 3].max() for i in bins)
    return float(20 * np.log10(voice / band))


@pytest.mark.parametrize("prompt, db", [("pop, less vocals", -6.0), ("pop, a bit quieter vocals", -3.0),
                                        ("pop, much louder vocals", 9.0)])
def test_a_vocal_level_moves_the_sung_voice_against_the_band(monkeypatch, prompt, db):
    plain = voice_over_band_db(sung_over_a_band(monkeypatch, "pop"))
    assert voice_over_band_db(sung_over_a_band(monkeypatch, prompt)) - plain == pytest.approx(db, abs=0.3)


def test_a_vocal_level_on_an_instrumental_remix_is_explained(remix_of):
    result = remix_of("pop, less vocals", instrumental=True)
    assert result.plan["levels"] == {"vocals": -6.0}
    assert any("instrumental: there is no vocal to change" in note for note in result.plan["engine"]["notes"])


def test_stems_heard_before_the_analysis_give_the_same_parts(tmp_path, monkeypatch):
    """When the separation beats the analysis, the idle helper runs the note model on the stems
    (_hear_files) and the transcription, once the analysis is back, only reads lines and chords from
    what it heard (passed through the pool, so pickled): the parts are those of a transcription alone."""
    import pickle

    from remixes.engine import transcribe
    from tools.songs import make_song

    song = make_song(8.0, tempo=100.0, tonic=9, mode="minor", seed=3)
    paths = []
    for name, gain in (("vocals", 0.3), ("accompaniment", 0.7)):
        np.save(tmp_path / f"{name}.npy", (song * gain).astype(np.float32))
        paths.append(str(tmp_path / f"{name}.npy"))
    beats = np.arange(0.0, 8.0, 0.6)
    heard = pickle.loads(pickle.dumps(pipeline._hear_files(*paths)))
    assert heard.vocal_activations is not None  # a vocal stem loud enough to be heard
    alone = pipeline._transcribe_files(*paths, beats, 9, "minor")

    def model_again(mono):
        raise AssertionError("the note model ran again")

    monkeypatch.setattr(transcribe, "activations", model_again)
    early = pipeline._transcribe_files(*paths, beats, 9, "minor", heard)
    assert early == alone
    assert alone.lead_melody and alone.chords


@pytest.mark.parametrize("prompt", ["fast punk rock", "dark techno", "make it lo-fi with chill beats"])
def test_a_kept_vocal_keeps_its_balance_with_the_instrumental_through_the_effects(tmp_path, prompt):
    """The style's effects run on the instrumental and on the kept vocal apart; a compressor or a distortion
    pulls the loud instrumental down and not the quieter vocal, which would then stand out (punk: ~8 dB).
    The version's vocal stem over its instrumental stem stays what the kept vocal was over the kept original."""
    import soundfile as sf

    t = np.arange(4 * SR) / SR
    band = np.repeat((0.5 * np.sin(2 * np.pi * 330 * t))[:, None], 2, axis=1).astype(np.float32)
    voice = np.repeat((0.06 * np.sin(2 * np.pi * 523.25 * t) * (np.sin(2 * np.pi * 1.5 * t) > 0))[:, None], 2,
                      axis=1).astype(np.float32)
    np.save(tmp_path / "kept.npy", voice)
    arrangement = SimpleNamespace(parts=(), band_gain=0.0, drum_gain=0.0, mix_spans=(), vocal_spans=(), mix_effects=(),
                                  mix_reverb=0.0, risers=(), pump=0.0)
    pipeline._finish_version(1, arrangement, interpret(prompt), RemixRequest(prompt=prompt), band, None, "",
                             kept_vocal=str(tmp_path / "kept.npy"), workdir=tmp_path)

    def level(name):
        audio, _ = sf.read(tmp_path / f"version-1-{name}.wav")
        return float(np.sqrt(np.mean(audio ** 2)))

    dry = 20 * np.log10(np.sqrt(np.mean(voice ** 2)) / np.sqrt(np.mean(band ** 2)))
    assert 20 * np.log10(level("vocals") / level("instrumental")) == pytest.approx(dry, abs=1.0)


def test_a_remix_started_while_a_spawned_helper_imports_the_script_fails_instead_of_waiting(monkeypatch, tmp_path):
    """A script without `if __name__ == "__main__":` runs again in the kept vocal's spawned recognizer; a
    remix there would wait forever on the cache entry its parent holds. It fails at once with the reason."""
    from multiprocessing import current_process

    from remixes.engine import EngineError

    monkeypatch.setattr(current_process(), "_inheriting", True, raising=False)
    with pytest.raises(EngineError, match='__name__ == "__main__"'):
        pipeline.remix(tmp_path / "song.wav", RemixRequest(prompt="pop"))


@pytest.mark.parametrize("strength, fine", [(0.0, True), (0.25, True), (0.5, False)])
def test_the_original_goes_through_rubber_bands_finer_engine_where_it_is_most_of_the_remix(
        monkeypatch, song_path, tmp_path, strength, fine):
    from remixes.engine import render

    real, engines = render.stretch_piece, set()
    monkeypatch.setattr(render, "stretch_piece", lambda a, rate, sr, finer: engines.add(finer) or real(a, rate, sr, finer))
    monkeypatch.setenv("REMIX_ENGINE_PROCESSES", "1")  # the stretch runs here, where the stand-in sees it
    request = RemixRequest(prompt="pop, make it slower", strength=strength)  # ("make it slower" alone: as it is)
    result = pipeline.remix(song_path, request, cache=tmp_path / "c")
    assert result.plan["engine"]["stretch"] != 1.0
    assert engines == {fine}



@pytest.mark.parametrize("prompt, band_db, vocal_db", [("pop, make the chorus bigger", 4.0, 2.0),
                                                       ("pop, softer verses", -4.0, -2.0),
                                                       ("pop, no vocals in the chorus", 0.0, None)])
def test_a_part_of_the_song_changes_there_alone(tmp_path, monkeypatch, prompt, band_db, vocal_db):
    """The arrangement's spans of one part of the song (its second half here) on a finished version: the
    instrumental and the sung vocal there against the first half, as the version's stems show them."""
    import soundfile as sf

    from remixes.engine.arrange import _section_changes
    from remixes.engine.music import Section

    band, _ = _held_tones(monkeypatch, 4)
    plan = interpret(prompt)
    label = plan.sections[0].section
    sections = (Section(0.0, 2.0, "chorus" if label == "verse" else "verse", 0.6), Section(2.0, 4.0, label, 1.0))
    notes = []
    _, _, mix_spans, vocal_spans, _ = _section_changes(plan.sections, sections, 1.0, [], notes)
    assert notes[0].startswith(f"Song part \u201c{plan.sections[0].words}\u201d (0:02-0:04)")
    arrangement = SimpleNamespace(parts=(), band_gain=0.0, drum_gain=0.0, mix_spans=mix_spans, mix_effects=(),
                                  mix_reverb=0.0, vocal_spans=vocal_spans, risers=(), pump=0.0)
    pipeline._finish_version(1, arrangement, plan, RemixRequest(prompt=prompt), band, None, "la", workdir=tmp_path)

    def halves_db(name):
        audio, _ = sf.read(tmp_path / f"version-1-{name}.wav")
        first, second = (float(np.sqrt(np.mean(audio[a:b] ** 2))) for a, b in ((SR // 2, 3 * SR // 2),
                                                                               (5 * SR // 2, 7 * SR // 2)))
        return None if second < 1e-4 else 20 * np.log10(second / first)

    assert halves_db("instrumental") == pytest.approx(band_db, abs=0.3)
    if vocal_db is None:
        assert halves_db("vocals") is None
    else:
        assert halves_db("vocals") == pytest.approx(vocal_db, abs=0.3)


def test_an_autotuned_kept_vocal_is_corrected_and_said(remix_of):
    result = remix_of("pop, autotune the vocals")
    assert result.plan["vocal_tune"] == "autotune"
    key = result.plan["engine"]["key"]
    assert f"The vocal is autotuned: its pitch snapped to the notes of the song's key, {key}." in \
        result.plan["engine"]["notes"]
    assert pipeline._tune_note("robot", SimpleNamespace(key_tonic=0, mode="major"), has_vocal=False) == \
        "Asked for a robot voice, but this remix has no vocal."


def test_a_voice_named_in_the_prompt_is_used_when_no_gender_is_given(remix_of):
    result = remix_of("pop with female vocals")
    assert result.plan["voice"] == "female"
    assert "Kept vocal re-voiced toward a female voice." in result.plan["engine"]["notes"]


def test_a_fade_out_and_in_asked_fade_the_version_and_its_stems(tmp_path, monkeypatch):
    """"fade in and out over 2 seconds" on a finished version (8 s): its first and last 2 s rise and fall as
    ramps, the middle as without them (but for the master's make-up gain), the instrumental and the sung vocal
    alike."""
    import soundfile as sf

    band, arrangement = _held_tones(monkeypatch, 8)
    levels = {}
    for prompt in ("pop", "pop, fade in and out over 2 seconds"):
        plan = interpret(prompt)
        result, _, _ = pipeline._finish_version(1, arrangement, plan, RemixRequest(prompt=prompt), band.copy(), None,
                                                "la", workdir=tmp_path)
        for name in ("instrumental", "vocals"):
            audio, _ = sf.read(tmp_path / f"version-1-{name}.wav")
            levels[prompt, name] = [float(np.sqrt(np.mean(audio[int(a * SR):int(b * SR)] ** 2)))
                                    for a, b in ((0.0, 0.5), (1.5, 2.0), (3.5, 4.5), (6.0, 6.5), (7.5, 8.0))]
        levels[prompt, "version"] = result.audio
    assert interpret("pop, fade in and out over 2 seconds").fade_in == 2.0
    for name in ("instrumental", "vocals"):
        plain, faded = levels["pop", name], levels["pop, fade in and out over 2 seconds", name]
        ratio = [f / p for f, p in zip(faded, plain)]
        assert 1.0 <= ratio[2] < 1.3  # the master makes up the loudness the fades took, on the whole version
        ratio = [r / ratio[2] for r in ratio]
        assert ratio[0] < 0.05 and 0.4 < ratio[1] < 0.9 and 0.4 < ratio[3] < 0.9 and ratio[4] < 0.05
    version = levels["pop, fade in and out over 2 seconds", "version"]
    assert np.abs(version[-SR // 4:]).max() < 0.05 * np.abs(version[3 * SR:5 * SR]).max()


@pytest.mark.parametrize("prompt, fade_in, fade_out", [
    ("fade out at the end", 0.0, 8.0), ("lofi with a long fade out", 0.0, 16.0), ("fade in and out", 4.0, 8.0),
    ("make it jazz and fade it out over the last 12 seconds", 0.0, 12.0), ("end with a slow fade", 0.0, 16.0),
    ("a quick fade in at the start", 2.0, 0.0), ("no fade out", 0.0, 0.0), ("pop", 0.0, 0.0)])
def test_fades_are_read_and_not_taken_for_a_part_of_the_song_or_a_tempo(prompt, fade_in, fade_out):
    """"fade out at the end" was "Song part “the end”: the remix changes the whole song alike", "fade" unread; "end
    with a slow fade" would have been slower."""
    plan = interpret(prompt)
    assert (plan.fade_in, plan.fade_out) == (fade_in, fade_out)
    assert plan.sections == () and plan.tempo_factor == interpret(prompt.split(" ")[0]).tempo_factor
    assert not any(line.startswith("Song part") for line in plan.understood) and "fade" not in plan.ignored_words
    if fade_out:
        assert f"Fade out: over the last {fade_out:g} s" in plan.understood


def test_a_kept_vocal_asked_with_backing_vocals_sings_with_a_harmony_a_third_above(tmp_path):
    """"add backing vocals" on a kept vocal: its stretched file (what every version mixes) holds the lead and, under
    it, a second voice a third above it in the song's key (a low voice: E3 -> G3 in C major)."""
    import parselmouth

    t = np.arange(3 * SR) / SR
    phase = 2 * np.pi * 164.81 * t
    lead = (0.2 * sum(np.sin(k * phase) / k for k in range(1, 11))).astype(np.float32)
    kept = SimpleNamespace(result=lambda: np.repeat(lead[:, None], 2, axis=1))
    plan = interpret("pop, add backing vocals")
    assert plan.vocal_harmony == "harmony"
    path = pipeline._stretched_kept_file(kept, tmp_path, None, ("", plan.vocal_harmony, 0, "major", None))
    sung = np.load(path)
    assert sung.shape == (len(lead), 2)
    second = (sung.mean(axis=1) - lead) / 10 ** (-6.0 / 20)
    hz = parselmouth.Sound(second.astype(np.float64), SR).to_pitch(0.01, 75, 600).selected_array["frequency"]
    assert abs(float(np.median(69 + 12 * np.log2(hz[hz > 0] / 440.0))) - 55.0) < 0.2
    assert pipeline._harmony_note("double", SimpleNamespace(key_tonic=0, mode="major"), has_vocal=False) == \
        "Asked for a doubled vocal, but this remix has no vocal."
    # asked in a part of the song: the second voice there alone (1.0 .. 2.0 s), none where that part was not found
    there = np.load(pipeline._stretched_kept_file(kept, tmp_path, None, ("", "harmony", 0, "major", ((1.0, 2.0),))))
    rest = there.mean(axis=1) - lead
    assert np.abs(rest[:int(0.9 * SR)]).max() < 1e-6 and np.abs(rest[int(2.0 * SR):]).max() < 1e-6
    inside = rest[int(1.1 * SR):int(1.9 * SR)] / 10 ** (-6.0 / 20)  # the second voice, as loud as everywhere before
    assert np.sqrt(np.mean(inside ** 2)) == pytest.approx(np.sqrt(np.mean(second ** 2)), rel=0.25)
    nowhere = np.load(pipeline._stretched_kept_file(kept, tmp_path, None, ("", "harmony", 0, "major", ())))
    assert np.array_equal(nowhere.mean(axis=1), lead)


def test_a_nightcore_version_is_played_faster_and_higher_with_its_stems_and_words(tmp_path, monkeypatch):
    """"nightcore": the finished version (band, sung vocal and stems alike) played 2^(4/12) times as fast: a 440 Hz
    band tone is heard at 554 Hz, 4 s last 3.17 s, and a word sung at 2.0 s is timed at 1.59 s."""
    import soundfile as sf

    lines = [{"text": "la", "start": 2.0, "end": 2.5, "words": [{"word": "la", "start": 2.0, "end": 2.5}]}]
    band, arrangement = _held_tones(monkeypatch, 4, band_hz=440.0, voice_hz=261.63, lines=lines)
    plan = interpret("nightcore")
    assert plan.varispeed == 4
    result, _, _ = pipeline._finish_version(1, arrangement, plan, RemixRequest(prompt="nightcore"), band, None, "la",
                                            workdir=tmp_path)
    n = round(4 * SR * 50 / 63)
    assert abs(len(result.audio) - n) <= 1 and result.lyrics_timestamped[0]["words"][0]["start"] == pytest.approx(
        2.0 / 1.26, abs=0.002)
    for name, hz in (("instrumental", 440 * 1.26), ("vocals", 261.63 * 1.26)):
        audio, _ = sf.read(tmp_path / f"version-1-{name}.wav")
        assert abs(len(audio) - n) <= 1
        spectrum = np.abs(np.fft.rfft(audio[SR // 2:SR // 2 + SR, 0]))
        assert abs(np.argmax(spectrum) - hz) <= 2  # 1 Hz bins
    assert lines[0]["start"] == 2.0  # the singer's own lines are not changed in place


def test_a_varispeed_plan_times_the_band_before_the_speed_and_reports_it_after():
    """"slowed and reverb" asks x0.8 of the song; x0.79 of it is the record's speed, so the band is hardly stretched
    (it was folded to half time and stretched x1.47 before being slowed, at first)."""
    from remixes.engine.arrange import choose_timing, varispeed_factor

    plan = interpret("slowed and reverb")
    timing = choose_timing(plan, 95.7, 100.0)
    assert plan.varispeed == -4 and 0.9 < timing.rate < 1.05 and timing.groove_octave == 0
    assert plan.tempo_range[0] <= timing.tempo * varispeed_factor(plan) <= plan.tempo_range[1] + 0.01
    assert choose_timing(interpret("nightcore"), 95.7, 100.0).rate == 1.0
    assert interpret("slowed, same tempo").varispeed == 0 and interpret("pop").varispeed == 0


def test_rain_sounds_lie_under_the_instrumental_and_not_in_the_vocal(tmp_path, monkeypatch):
    import soundfile as sf

    band, arrangement = _held_tones(monkeypatch, 4)
    stems = {}
    for prompt in ("pop", "pop with rain sounds"):
        out = tmp_path / prompt.replace(" ", "-")
        out.mkdir()
        pipeline._finish_version(1, arrangement, interpret(prompt), RemixRequest(prompt=prompt), band.copy(), None,
                                 "la", workdir=out)
        stems[prompt] = {name: sf.read(out / f"version-1-{name}.wav")[0] for name in ("instrumental", "vocals")}
    plain, rainy = stems["pop"], stems["pop with rain sounds"]
    scale = np.sum(plain["vocals"] * rainy["vocals"]) / np.sum(plain["vocals"] ** 2)  # the master's gain moved
    assert np.abs(rainy["vocals"] - scale * plain["vocals"]).max() < 2e-4
    spectrum = lambda x: np.abs(np.fft.rfft(x[:, 0]))  # noqa: E731
    high = np.fft.rfftfreq(len(plain["instrumental"]), 1 / SR) > 2000
    assert spectrum(rainy["instrumental"])[high].sum() > 20 * spectrum(plain["instrumental"])[high].sum()


def _held_tones(monkeypatch, seconds: float, band_hz: float = 330.0, voice_hz: float = 523.25, lines=()):
    """A held band tone (stereo, 0.2) to finish a version over, and a held tone (0.05) the stand-in singer sings
    with `lines` as its timed words: (band, arrangement with no parts nor spans)."""
    t = np.arange(int(seconds * SR)) / SR
    band = np.repeat((0.2 * np.sin(2 * np.pi * band_hz * t))[:, None], 2, axis=1).astype(np.float32)
    voice = np.repeat((0.05 * np.sin(2 * np.pi * voice_hz * t))[:, None], 2, axis=1).astype(np.float32)
    monkeypatch.setattr(pipeline, "_sing", lambda *args: (voice.copy(), "la", list(lines), ()))
    return band, SimpleNamespace(parts=(), band_gain=0.0, drum_gain=0.0, mix_spans=(), vocal_spans=(), mix_effects=(),
                                 mix_reverb=0.0, risers=(), pump=0.0)


@pytest.mark.parametrize("prompt, instrumental_changed, vocal_changed", [
    ("pop, no reverb in the chorus", False, False),  # (an effect taken away: the whole song's)
    ("pop, a lowpass in the second half", True, True),
    ("pop, distorted vocals in the second half", False, True)])
def test_an_effect_in_a_part_of_the_song_changes_it_there_alone(tmp_path, monkeypatch, prompt, instrumental_changed,
                                                                vocal_changed):
    """"a lowpass in the second half": the instrumental and the vocal there through it, the first half as it was;
    "distorted vocals in the second half" the vocal alone, as the version's stems show them."""
    import soundfile as sf

    from remixes.engine.arrange import _section_changes
    from remixes.engine.music import Section

    band, _ = _held_tones(monkeypatch, 4, band_hz=2000.0, voice_hz=3000.0)
    plan = interpret(prompt)
    sections = (Section(0.0, 2.0, "verse", 0.6), Section(2.0, 4.0, "chorus", 1.0))
    _, _, _, _, effect_spans = _section_changes(plan.sections, sections, 1.0, [], [])
    assert bool(effect_spans) == (instrumental_changed or vocal_changed)
    arrangement = SimpleNamespace(parts=(), band_gain=0.0, drum_gain=0.0, mix_spans=(), mix_effects=(), mix_reverb=0.0,
                                  vocal_spans=(), risers=(), pump=0.0, effect_spans=effect_spans)
    pipeline._finish_version(1, arrangement, plan, RemixRequest(prompt=prompt), band, None, "la", workdir=tmp_path)
    plain = tmp_path / "plain"
    plain.mkdir()
    without = SimpleNamespace(**{**vars(arrangement), "effect_spans": ()})
    pipeline._finish_version(1, without, plan, RemixRequest(prompt=prompt), band, None, "la", workdir=plain)
    for name, changed in (("instrumental", instrumental_changed), ("vocals", vocal_changed)):
        audio, _ = sf.read(tmp_path / f"version-1-{name}.wav")
        as_it_was, _ = sf.read(plain / f"version-1-{name}.wav")
        def moved(stretch: slice) -> float:  # how much of it is not as it was
            off = audio[stretch] - as_it_was[stretch]
            return float(np.sqrt(np.mean(off ** 2) / np.mean(as_it_was[stretch] ** 2)))

        assert moved(slice(SR // 2, 3 * SR // 2)) < 0.01, name
        assert (moved(slice(5 * SR // 2, 7 * SR // 2)) > 0.1) == changed, name


def test_a_nightcore_versions_notes_give_the_times_and_the_key_heard():
    from remixes.engine.arrange import _section_changes
    from remixes.engine.music import Section

    plan = interpret("nightcore, no drums in the chorus")
    notes = []
    sections = (Section(0.0, 30.0, "verse", 0.6), Section(30.0, 63.0, "chorus", 1.0))
    _section_changes(plan.sections, sections, 1.0, [], notes, heard_speed=2 ** (plan.varispeed / 12))
    assert notes == ["Song part \u201cthe chorus\u201d (0:23-0:50): drums left out there."]
    analysis = SimpleNamespace(key_tonic=1, mode="major")  # C# major, played 4 semitones up: F major
    assert "in F major" in pipeline._harmony_note("harmony", analysis, True, plan.varispeed)
    assert pipeline._tune_note("autotune", analysis, True, plan.varispeed).endswith("F major.")


@pytest.mark.parametrize("prompt, key_tonic, mode, expected", [
    ("pop, up two semitones", 2, "major", 2), ("pop, in the key of E", 2, "major", 2),
    ("pop, in the key of C", 9, "major", 3), ("pop, in the key of G", 2, "major", 5),
    ("pop, in the key of A minor", 0, "major", 0),  # C major's relative minor: nothing moves
    ("pop, drop it an octave", 5, "minor", -12), ("pop", 5, "minor", 0),
    ("slowed, in the key of A", 2, "major", -1)])  # D major, slowed 4 semitones down, then up 1: A heard
def test_the_mix_is_moved_the_nearest_way_to_the_key_asked(prompt, key_tonic, mode, expected):
    assert pipeline.transposition(interpret(prompt), key_tonic, mode) == expected


@pytest.mark.parametrize("prompt, semitones", [("pop, up two semitones", 2.0),
                                               ("pop, 432 hz", 12 * np.log2(432 / 440))])  # its A at 432 Hz
def test_a_version_moved_or_retuned_keeps_its_length_and_moves_band_and_vocal_alike(prompt, semitones, tmp_path,
                                                                                     monkeypatch):
    import soundfile as sf

    band, arrangement = _held_tones(monkeypatch, 4, band_hz=440.0, voice_hz=261.63)
    arrangement.key_tonic, arrangement.mode = 9, "major"
    plan = interpret(prompt)
    result, _, _ = pipeline._finish_version(1, arrangement, plan, RemixRequest(prompt="pop"), band, None, "la",
                                            workdir=tmp_path)
    assert len(result.audio) == 4 * SR
    for name, hz in (("instrumental", 440 * 2 ** (semitones / 12)), ("vocals", 261.63 * 2 ** (semitones / 12))):
        audio, _ = sf.read(tmp_path / f"version-1-{name}.wav")
        assert len(audio) == 4 * SR
        spectrum = np.abs(np.fft.rfft(audio[SR:2 * SR, 0]))
        assert abs(np.argmax(spectrum) - hz) <= 2  # 1 Hz bins


@pytest.mark.parametrize("prompt, expected", [
    ("pop", (0.0, 80.0)), ("pop, skip the intro", (10.0, 80.0)), ("pop, a 30 second clip", (40.0, 70.0)),
    ("pop, remove the outro", (0.0, 70.0)), ("pop, cut it down to 25 seconds", (0.0, 24.0)),
    ("pop, make it shorter", (0.0, 52.0)), ("nightcore, skip the intro", (10.0 / 2 ** (4 / 12), 80.0)),
    ("pop, just the chorus", (40.0, 70.0)), ("chorus only", (40.0, 70.0)),
    ("pop, make it 30 seconds shorter", (0.0, 50.0)),
    # half of the intro or the outro, from (to) the downbeat nearest its middle (they cut the song to two thirds)
    ("pop, make the intro shorter", (4.0, 80.0)), ("pop, shorten the outro", (0.0, 74.0))])
def test_the_stretch_a_version_keeps_starts_and_ends_on_the_songs_sections_and_downbeats(prompt, expected):
    from remixes.engine.music import Section

    arrangement = SimpleNamespace(bar_times=tuple(np.arange(0.0, 80.0, 2.0)), sections=(
        Section(0.0, 10.0, "intro", 0.3), Section(10.0, 40.0, "verse", 0.6), Section(40.0, 70.0, "chorus", 1.0),
        Section(70.0, 80.0, "outro", 0.4)))
    start, end, notes = pipeline.excerpt(interpret(prompt), arrangement, 80.0)
    assert (start, end) == pytest.approx(expected)
    assert bool(notes) == (expected != (0.0, 80.0))
    bare = SimpleNamespace(bar_times=(), sections=(Section(0.0, 80.0, "verse", 1.0),))
    assert pipeline.excerpt(interpret("skip the intro"), bare, 80.0)[:2] == (0.0, 80.0)
    assert "the song has none apart" in pipeline.excerpt(interpret("skip the intro"), bare, 80.0)[2][0]


@pytest.mark.parametrize("prompt, expected, said", [
    ("end after the first chorus", (0.0, 50.0), "Cut to 0:00-0:50"),  # its two neighbouring sections are one
    ("pop, stop after the second chorus", (0.0, 75.0), "Cut to 0:00-1:15"),
    ("just the first verse and chorus", (0.0, 50.0), "Cut to 0:00-0:50"),  # "Adds: chorus" (the effect) before
    ("skip the intro, end after the 2nd chorus", (10.0, 75.0), "Cut to 0:10-1:15"),
    ("end after the third chorus", (0.0, 80.0), "the song has 2 found: it ends as it did")])
def test_a_version_asked_to_end_after_a_chorus_ends_at_the_end_of_that_one(prompt, expected, said):
    from remixes.engine.music import Section

    arrangement = SimpleNamespace(bar_times=tuple(np.arange(0.0, 80.0, 2.0)), sections=(
        Section(0.0, 10.0, "intro", 0.3), Section(10.0, 30.0, "verse", 0.6), Section(30.0, 45.0, "chorus", 1.0),
        Section(45.0, 50.0, "chorus", 0.9), Section(50.0, 60.0, "verse", 0.6), Section(60.0, 75.0, "chorus", 1.0),
        Section(75.0, 80.0, "outro", 0.4)))
    plan = interpret(prompt)
    start, end, notes = pipeline.excerpt(plan, arrangement, 80.0)
    assert (start, end) == pytest.approx(expected)
    assert any(said in note for note in notes) and plan.ignored_words == ()


def test_the_silence_at_a_songs_ends_is_found_and_cut_when_asked():
    """"trim the silence" (unread): the version from a quarter second before the song's first sound to a quarter
    second after its last; a song without silence there is as it was, and says so."""
    from remixes.engine.music import Section

    t = np.arange(6 * SR) / SR
    tone = np.repeat((0.3 * np.sin(2 * np.pi * 220 * t))[:, None], 2, axis=1).astype(np.float32)
    quiet = np.zeros((2 * SR, 2), np.float32)
    stems = SimpleNamespace(vocals=np.concatenate([quiet, tone * 0.2, quiet, quiet]),
                            accompaniment=np.concatenate([quiet, tone, quiet, quiet]))
    head, tail = pipeline.sound_edges(stems)
    assert head == pytest.approx(2.0, abs=0.05) and tail == pytest.approx(8.0, abs=0.05)
    long_song = SimpleNamespace(bar_times=(), sections=(Section(0.0, 30.0, "verse", 1.0),), sound_edges=(2.0, 25.0))
    start, end, notes = pipeline.excerpt(interpret("trim the silence"), long_song, 30.0)
    assert (start, end) == pytest.approx((1.75, 25.25)) and notes
    start, end, _ = pipeline.excerpt(interpret("cut the silence at the start"), long_song, 30.0)
    assert (start, end) == pytest.approx((1.75, 30.0))
    whole = SimpleNamespace(bar_times=(), sections=(Section(0.0, 12.0, "verse", 1.0),), sound_edges=(0.0, 12.0))
    start, end, notes = pipeline.excerpt(interpret("trim the silence"), whole, 12.0)
    assert (start, end) == (0.0, 12.0) and all("has none there" in note for note in notes) and len(notes) == 2


def test_a_version_cut_to_a_stretch_keeps_its_words_there_and_a_pickup_before_it(tmp_path, monkeypatch):
    """"start at the chorus": the version begins at the chorus (4 s), but a line sung from 3.5 s is kept whole (its
    first word was cut off); the line before it is left out, the times are the cut version's."""
    result = _finished_over_a_verse_and_a_chorus(tmp_path, monkeypatch, "pop, start at the chorus", 4.0, 16.0,
                                                 [("one", 1.0, 2.0), ("two", 3.5, 5.0), ("three", 6.0, 7.0)])
    assert result.start == pytest.approx(3.4) and result.duration == pytest.approx(16.0 - 3.4, abs=0.001)
    assert [(line["text"], line["start"]) for line in result.lyrics_timestamped] == [("two", 0.1), ("three", 2.6)]


def test_a_kept_vocals_words_before_a_cut_are_left_out_not_squeezed_in():
    from remixes.engine.asr import Transcript, Word
    from remixes.engine.lyrics import kept_vocal_lyrics

    words = tuple(Word(w, t, t + 0.4, 0.95) for w, t in (("hello", 1.0), ("there", 1.5), ("friend", 5.0)))
    transcript = Transcript("hello there friend", words, "en", 0.95, language_probability=0.99, no_speech_prob=0.01,
                            compression_ratio=1.2, avg_logprob=-0.2, duration=8.0)
    kept = kept_vocal_lyrics(transcript, 1.0, 6.0, offset=-4.0)
    assert [(w["word"], w["start"]) for line in kept.lines for w in line["words"]] == [("friend", 1.0)]


def test_lyrics_asked_of_a_clip_are_sung_within_it(monkeypatch):
    """"a 30 second clip" with lyrics: the vocal rests outside the stretch kept (the singer's VocalGuide.rests), so
    the lines are sung there rather than over the whole song and cut away."""
    from remixes.engine.music import Section

    arrangement = SimpleNamespace(bar_times=tuple(np.arange(0.0, 80.0, 2.0)), vocal_spans=((5.0, 6.0, 0.5),),
                                  sections=(Section(0.0, 40.0, "verse", 0.6), Section(40.0, 80.0, "chorus", 1.0)))
    monkeypatch.setattr(pipeline, "replace", lambda obj, **fields: SimpleNamespace(**{**vars(obj), **fields}))
    clip = pipeline._sung_within_the_cut(arrangement, interpret("pop, a 30 second clip"), 80 * SR)
    nightcore = pipeline._sung_within_the_cut(arrangement, interpret("nightcore, skip the intro"), 80 * SR)
    assert clip.vocal_spans == ((5.0, 6.0, 0.5), (0.0, 40.0, 0.0), (70.0, 80.0, 0.0))
    assert nightcore is arrangement  # no intro apart: nothing cut, nothing silenced


def test_an_effect_asked_of_the_vocals_is_on_the_vocal_alone_at_its_level(tmp_path, monkeypatch):
    """"telephone vocals": the vocal stem band-limited (little below 450 Hz or above 3.2 kHz), the instrumental as in
    plain Pop; the vocal keeps its level (a distortion would have pushed it up)."""
    import soundfile as sf

    band, arrangement = _held_tones(monkeypatch, 4, band_hz=220.0, voice_hz=200.0)
    t = np.arange(4 * SR) / SR
    voice = np.repeat((0.05 * sum(np.sin(2 * np.pi * 200 * k * t) / k for k in range(1, 30)))[:, None], 2, axis=1)
    monkeypatch.setattr(pipeline, "_sing", lambda *args: (voice.astype(np.float32), "la", [], ()))
    stems = {}
    for prompt in ("pop", "pop, telephone vocals"):
        out = tmp_path / prompt.replace(" ", "").replace(",", "-")
        out.mkdir()
        pipeline._finish_version(1, arrangement, interpret(prompt), RemixRequest(prompt=prompt), band.copy(), None,
                                 "la", workdir=out)
        stems[prompt] = {name: sf.read(out / f"version-1-{name}.wav")[0][:, 0] for name in ("instrumental", "vocals")}
    freqs = np.fft.rfftfreq(4 * SR, 1 / SR)

    def outside(x):  # the share of the power outside the telephone's band
        power = np.abs(np.fft.rfft(x)) ** 2
        return power[(freqs < 300) | (freqs > 4500)].sum() / power.sum()

    plain, phone = stems["pop"], stems["pop, telephone vocals"]
    assert outside(phone["vocals"]) < 0.3 * outside(plain["vocals"])
    level = lambda x: 20 * np.log10(np.sqrt(np.mean(x ** 2)))  # noqa: E731
    assert abs((level(phone["vocals"]) - level(phone["instrumental"]))
               - (level(plain["vocals"]) - level(plain["instrumental"]))) < 1.0


@pytest.mark.parametrize("prompt, expected", [
    ("pop", (0.0, 0.0, 0)), ("pop, loop the chorus", (40.0, 70.0, 1)), ("pop, repeat the chorus twice", (40.0, 70.0, 2)),
    ("pop, extend it to 2 minutes", (40.0, 70.0, 2)), ("pop, extend it to 1 minute", (0.0, 0.0, 0)),
    # "make it N long": the repeats that come nearest (80 + 30 = 110 s for 120, 80 + 60 for 150), none when cut to it
    ("pop, make it 2 minutes long", (40.0, 70.0, 1)), ("pop, make it 150 seconds", (40.0, 70.0, 2)),
    ("pop, make it 1 minute", (0.0, 0.0, 0)), ("pop, make it 30 seconds longer", (40.0, 70.0, 1)),
    ("pop, make it a minute longer", (40.0, 70.0, 2)), ("pop, make it 30 seconds shorter", (0.0, 0.0, 0))])
def test_the_part_a_longer_version_plays_again_is_its_last_chorus_on_downbeats(prompt, expected):
    from remixes.engine.music import Section

    arrangement = SimpleNamespace(bar_times=tuple(np.arange(0.0, 80.0, 2.0)), sections=(
        Section(0.0, 40.0, "verse", 0.6), Section(40.0, 70.0, "chorus", 1.0), Section(70.0, 80.0, "outro", 0.4)))
    a, b, count, notes = pipeline.repeats(interpret(prompt), arrangement, 0.0, 80.0)
    assert (a, b, count) == pytest.approx(expected)
    assert bool(notes) == bool(count)
    verse_only = SimpleNamespace(bar_times=(), sections=(Section(0.0, 80.0, "verse", 1.0),))
    assert pipeline.repeats(interpret("loop the chorus"), verse_only, 0.0, 80.0)[:3] == (0.03, 80.0, 1)


@pytest.mark.parametrize("prompt, expected", [
    ("make the intro longer", (0.03, 8.0, 1)), ("pop, loop the intro twice", (0.03, 8.0, 2)),
    # an outro of 4 s to its last downbeat: twice more, for 8 s longer at least
    ("extend the outro", (74.0, 78.0, 2)), ("a longer intro", (0.03, 8.0, 1))])
def test_an_intro_or_outro_asked_longer_is_played_again(prompt, expected):
    """"make the intro longer" (was unread, "longer" alone: the last chorus again): the intro, even a short one, on
    its downbeats, as many times as make it 8 s longer (up to four) unless a number is said; a song without one is
    as it was, and says so."""
    from remixes.engine.music import Section

    arrangement = SimpleNamespace(bar_times=tuple(np.arange(0.0, 80.0, 2.0)), sections=(
        Section(0.0, 8.0, "intro", 0.3), Section(8.0, 40.0, "verse", 0.6), Section(40.0, 74.0, "chorus", 1.0),
        Section(74.0, 80.0, "outro", 0.4)))
    a, b, count, notes = pipeline.repeats(interpret(prompt), arrangement, 0.0, 80.0)
    assert (a, b, count) == pytest.approx(expected)
    assert notes[0].startswith(f"The {'intro' if 'intro' in prompt else 'outro'} at ")
    verse_only = SimpleNamespace(bar_times=(), sections=(Section(0.0, 80.0, "verse", 1.0),))
    a, b, count, notes = pipeline.repeats(interpret(prompt), verse_only, 0.0, 80.0)
    assert count == 0 and "the song has no" in notes[0]


def test_a_part_played_again_is_its_own_audio_and_words_and_the_song_goes_on_after_it():
    audio = np.arange(100, dtype=np.float32)[:, None].repeat(2, axis=1)
    out = pipeline._with_repeats(audio, 40, 70, 2, sr=100)  # the 3 samples before each copy crossfade into it
    assert len(out) == 160 and np.array_equal(out[70:97, 0], audio[40:67, 0])
    assert np.array_equal(out[100:127, 0], audio[40:67, 0]) and np.array_equal(out[130:, 0], audio[70:, 0])
    assert np.array_equal(out[:67, 0], audio[:67, 0])
    assert list(out[67:71, 0]) == [67.0, 53.0, 39.0, 40.0]  # the part's end (67-69) into its lead-in (37-39), then it
    lines = [{"text": "a", "start": 10.0, "end": 12.0}, {"text": "up", "start": 39.8, "end": 42.0},
             {"text": "in", "start": 50.0, "end": 52.0}, {"text": "after", "start": 75.0, "end": 76.0}]
    moved = pipeline._lines_with_repeats(lines, 40.0, 70.0, 1, pickup=0.2)
    assert [(line["text"], line["start"]) for line in moved] == [
        ("a", 10.0), ("up", 39.8), ("in", 50.0), ("up", 69.8), ("in", 80.0), ("after", 105.0)]


def test_a_looped_chorus_makes_the_version_longer_with_its_words_sung_again(tmp_path, monkeypatch):
    result = _finished_over_a_verse_and_a_chorus(tmp_path, monkeypatch, "pop, loop the chorus", 12.0, 24.0,
                                                 [("one", 1.0, 2.0), ("two", 13.0, 14.0)])
    assert result.duration == pytest.approx(24.0 + 10.0, abs=0.01)  # the chorus to its last downbeat, 12-22 s
    assert [(line["text"], line["start"]) for line in result.lyrics_timestamped] == [
        ("one", 1.0), ("two", 13.0), ("two", 23.0)]


def _finished_over_a_verse_and_a_chorus(tmp_path, monkeypatch, prompt: str, chorus: float, seconds: float, words):
    """A version finished over held tones whose arrangement has a verse, then a chorus from `chorus` s to the end
    (downbeats every 2 s), with one-word lines (word, start, end) sung: its VersionResult."""
    from remixes.engine.music import Section

    lines = [{"text": w, "start": a, "end": b, "words": [{"word": w, "start": a, "end": b}]} for w, a, b in words]
    band, arrangement = _held_tones(monkeypatch, seconds, lines=lines)
    arrangement.sections = (Section(0.0, chorus, "verse", 0.5), Section(chorus, seconds, "chorus", 1.0))
    arrangement.bar_times = tuple(np.arange(0.0, seconds, 2.0))
    result, _, _ = pipeline._finish_version(1, arrangement, interpret(prompt), RemixRequest(prompt=prompt), band,
                                            None, "la", workdir=tmp_path)
    return result


def test_a_band_part_out_of_the_mixs_reverb_keeps_dry_and_takes_the_other_effects():
    """"no reverb on the drums": a click in the band around the mix's reverb (the band's second signal) rings
    for no time after it; the same click in the band rings on. The dry click still takes the mix's low-pass."""
    plan = replace(interpret("rock"), reverb=1.0, effects=(Effect("lowpass", {"cutoff_hz": 2000.0}),), drum_pieces={})
    arrangement = SimpleNamespace(parts=(), band_gain=0.0, drum_gain=0.0, mix_spans=(), vocal_spans=(), mix_effects=(),
                                  mix_reverb=0.0, risers=(), pump=0.0)
    click = np.zeros((2 * SR, 2), dtype=np.float32)
    click[SR // 2:SR // 2 + 64] = 0.5
    silence = np.zeros_like(click)

    def finished(band, dry) -> np.ndarray:
        result, _, _ = pipeline._finish_version(1, arrangement, plan, RemixRequest(prompt="rock"), silence.copy(),
                                                (band, {}, dry), "")
        return result.audio.mean(axis=1)

    def tail(audio) -> float:  # what rings 0.15-0.6 s after the click, against the click
        return rms(audio[SR // 2 + int(0.15 * SR):SR // 2 + int(0.6 * SR)]) / rms(audio[SR // 2:SR // 2 + 2000])

    dry = finished(silence.copy(), click.copy())
    assert tail(dry) < 0.01 < 0.05 < tail(finished(click.copy(), None))
    spectrum = np.abs(np.fft.rfft(dry[SR // 2 - 1000:SR // 2 + 3000])) ** 2
    assert spectrum[np.fft.rfftfreq(4000, 1 / SR) > 5000].sum() < 0.05 * spectrum.sum()  # a raw click's: ~0.75


@pytest.mark.parametrize("prompt, octaves", [("pitched up vocals", 1), ("chipmunk vocals", 1),
                                             ("pitch the vocals down", -1)])
def test_a_vocal_pitched_up_moves_the_vocal_alone_by_an_octave(tmp_path, prompt, octaves):
    """"pitched up vocals" moved the whole mix two semitones: now the kept vocal (its stretched file, what every
    version mixes) sings an octave up or down, in the song's key, and the band stays where it is."""
    import parselmouth

    t = np.arange(3 * SR) / SR
    phase = 2 * np.pi * 220.0 * t
    lead = (0.2 * sum(np.sin(k * phase) / k for k in range(1, 11))).astype(np.float32)
    kept = SimpleNamespace(result=lambda: np.repeat(lead[:, None], 2, axis=1))
    plan = interpret(prompt)
    assert (plan.vocal_pitch, plan.transpose) == (12 * octaves, 0)
    moved = np.load(pipeline._stretched_kept_file(kept, tmp_path, None, None, plan.vocal_pitch)).mean(axis=1)
    hz = parselmouth.Sound(moved.astype(np.float64), SR).to_pitch(0.01, 75, 600).selected_array["frequency"]
    assert len(moved) == len(lead) and abs(float(np.median(12 * np.log2(hz[hz > 0] / 220.0))) - 12 * octaves) < 0.2


def test_a_key_change_goes_up_from_the_last_choruss_downbeat():
    """"a key change at the end": from the last chorus's first downbeat (one that follows no chorus) the mix is a
    semitone up, before it as it was, joined without a click; with no room after the chorus, none."""
    from remixes.engine.music import Section

    bars = tuple(np.arange(0.0, 60.0, 2.4))
    sections = (Section(0.0, 20.0, "verse", 0.5), Section(20.0, 30.0, "chorus", 1.0),
                Section(30.0, 40.1, "verse", 0.5), Section(40.1, 52.0, "chorus", 1.0),
                Section(52.0, 60.0, "chorus", 0.9))
    arrangement = SimpleNamespace(sections=sections, bar_times=bars, timing=SimpleNamespace(duration=60.0))
    assert pipeline.modulation_point(arrangement) == pytest.approx(40.8)  # the bar nearest 40.1
    short = SimpleNamespace(sections=sections, bar_times=bars, timing=SimpleNamespace(duration=47.0))
    assert pipeline.modulation_point(short) is None  # 6.2 s after it
    t = np.arange(4 * SR) / SR
    tone = np.repeat((0.3 * np.sin(2 * np.pi * 440.0 * t))[:, None], 2, axis=1).astype(np.float32)
    moved = pipeline._modulated(tone, 2 * SR, 1, SR)

    def hz(a: float, b: float) -> float:
        part = moved[int(a * SR):int(b * SR), 0]
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
        return float(np.fft.rfftfreq(len(part), 1 / SR)[np.argmax(spectrum)])

    assert hz(0.5, 1.9) == pytest.approx(440.0, abs=1.5) and hz(2.1, 3.5) == pytest.approx(466.2, abs=1.5)
    assert np.abs(np.diff(moved[2 * SR - 2000:2 * SR + 2000, 0])).max() < 0.05  # a 440 Hz sine steps <= 0.019


def test_sidechain_ducks_all_but_the_kit_on_every_beat_after_the_effects():
    """"house with sidechain": a held tone (the original) ducks ~7.5 dB right after each beat and swells back within
    the beat, through house's compressor (the duck comes after it); the kit's click on the beat is not ducked."""
    plan = interpret("house with sidechain")
    beats = tuple(np.arange(0.0, 4.0, 0.5))
    arrangement = SimpleNamespace(parts=(), band_gain=0.0, drum_gain=0.0, mix_spans=(), vocal_spans=(), mix_effects=(),
                                  mix_reverb=0.0, risers=(), pump=plan.pump, beat_times=beats)
    t = np.arange(4 * SR) / SR
    tone = np.repeat((0.2 * np.sin(2 * np.pi * 220.0 * t))[:, None], 2, axis=1).astype(np.float32)
    kit = np.zeros_like(tone)
    for b in beats:
        kit[int(b * SR):int(b * SR) + 200] = 0.5

    def finished(pump: float, band) -> np.ndarray:
        arrangement.pump = pump
        result, _, _ = pipeline._finish_version(1, arrangement, plan, RemixRequest(prompt="house"), tone.copy(), band,
                                                "")
        return result.audio.mean(axis=1)

    hop = SR // 100
    ducked = finished(plan.pump, None)
    level = 20 * np.log10(np.sqrt(np.convolve(ducked ** 2, np.ones(hop) / hop, mode="same"))[::hop] + 1e-12)
    beat = 50  # 10 ms frames
    assert level[2 * beat + 2] < level[2 * beat + 40] - 6 and level[2 * beat + 49] > level[2 * beat + 40] - 1
    with_kit = finished(plan.pump, (np.zeros_like(tone), {}, None, kit.copy()))
    plain_kit = finished(0.0, (np.zeros_like(tone), {}, None, kit.copy()))
    at = int(2.0 * SR)
    clicks = [np.abs(a[at:at + 200] - a[at - 400:at - 200]).max() for a in (with_kit, plain_kit)]
    assert clicks[0] == pytest.approx(clicks[1], rel=0.25)  # the click as loud with the sidechain as without


def test_a_tape_stop_slows_the_end_to_a_halt():
    """"end with a tape stop": over the last 1.6 s a 440 Hz tone falls in pitch (half way in, about half the speed:
    ~220-330 Hz) and ends in silence; before it, the version as it was; the same length."""
    plan = interpret("end with a tape stop")
    assert plan.tape_stop == pytest.approx(1.6)
    t = np.arange(6 * SR) / SR
    tone = np.repeat((0.3 * np.sin(2 * np.pi * 440.0 * t))[:, None], 2, axis=1).astype(np.float32)
    stopped = pipeline.tape_stopped(tone, plan.tape_stop, SR)
    assert stopped.shape == tone.shape and np.array_equal(stopped[:int(4.3 * SR)], tone[:int(4.3 * SR)])

    def hz(a: float, b: float) -> float:
        part = stopped[int(a * SR):int(b * SR), 0]
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
        return float(np.fft.rfftfreq(len(part), 1 / SR)[np.argmax(spectrum)])

    assert hz(4.45, 4.6) == pytest.approx(440, rel=0.1) and 180 < hz(5.1, 5.3) < 330
    assert np.abs(stopped[-10:]).max() < 1e-3


def test_a_surprise_remix_plays_the_style_its_seed_drew(remix_of):
    """"surprise me" is remixed in the style surprise_plan draws for the request's seed (not the default Pop)."""
    from remixes.engine.style import surprise_plan

    plan = remix_of("surprise me", seed=3).plan
    assert plan["surprise"] and plan["style"] == surprise_plan("surprise me", 3).style != "pop"


@pytest.mark.parametrize("prompt, asked, used", [("a light remix", 0.5, 0.25), ("completely remix it as jazz", 0.5, 0.9),
                                                 ("a light remix", 0.8, 0.8), ("jazz", 0.5, 0.5)])
def test_a_strength_said_in_words_is_used_unless_the_request_sets_its_own(prompt, asked, used):
    plan = interpret(prompt)
    assert pipeline.asked_strength(plan, RemixRequest(prompt=prompt, strength=asked)) == used
