import numpy as np
import parselmouth
import pytest
from conftest import SR, make_guide

from remixes.engine.vocals import revoice, to_lrc, vocal_chain
from remixes.engine.vocals.placement import LineSpec, place_lines


@pytest.fixture(scope="module")
def dry(female):
    return female.vocal.audio


def median_f0(audio):
    f0 = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=SR).to_pitch(
        pitch_floor=70.0, pitch_ceiling=900.0).selected_array["frequency"]
    return float(np.median(f0[f0 > 0]))


def test_the_chain_returns_stereo_float32_of_the_same_length(dry):
    wet = vocal_chain(dry, SR, reverb=0.4)
    assert wet.shape == (len(dry), 2) and wet.dtype == np.float32
    assert np.isfinite(wet).all() and np.abs(wet).max() <= 1.0


def test_more_reverb_leaves_a_longer_tail_after_the_last_word(dry, female):
    end = female.vocal.lines[-1]["end"]
    tail = slice(int((end + 0.4) * SR), int((end + 1.2) * SR))
    dry_tail, wet_tail = (np.sqrt(np.mean(vocal_chain(dry, SR, reverb=r)[tail] ** 2)) for r in (0.0, 1.0))
    assert wet_tail > 3 * dry_tail


def test_the_chain_evens_out_the_level(dry):
    wet = vocal_chain(dry, SR, reverb=0.0)[:, 0]
    frames = wet[: len(wet) // 2048 * 2048].reshape(-1, 2048)
    rms = np.sqrt(np.mean(frames ** 2, axis=1))
    loud = rms[rms > 0.02]
    dry_frames = dry[: len(dry) // 2048 * 2048].reshape(-1, 2048)
    dry_rms = np.sqrt(np.mean(dry_frames ** 2, axis=1))
    dry_loud = dry_rms[dry_rms > 0.02]
    assert np.std(20 * np.log10(loud)) < np.std(20 * np.log10(dry_loud))


def test_revoice_moves_a_voice_toward_each_gender_by_whole_octaves_and_keeps_its_length(dry):
    """The pitch moves by the whole octaves nearest the gender's (the song's key is the band's: a female voice
    taken to 115 Hz by any other interval sang out of tune against it); the formants move toward it too."""
    own = median_f0(dry)
    medians = {}
    for gender in ("male", "neutral", "female"):
        out = revoice(dry, SR, gender)
        assert out.shape == dry.shape and out.dtype == np.float32 and np.isfinite(out).all()
        medians[gender] = median_f0(out)
    assert medians["male"] <= medians["neutral"] * 1.01 and medians["neutral"] <= medians["female"] * 1.01
    shifts = {gender: 12 * np.log2(median / own) for gender, median in medians.items()}
    assert all(abs(shift - 12 * round(shift / 12)) < 0.3 for shift in shifts.values()), shifts
    assert own > 250 and round(shifts["male"] / 12) == -1 and round(shifts["female"] / 12) == 0
    assert not np.allclose(revoice(dry, SR, "female"), dry, atol=1e-3)  # formants moved, the pitch kept
    assert not np.allclose(revoice(dry, SR, "male"), revoice(dry, SR, "neutral"), atol=1e-3)


def test_revoice_leaves_silence_alone():
    silence = np.zeros(SR, dtype=np.float32)
    assert not np.any(revoice(silence, SR, "female"))


def test_lrc_has_one_stamped_line_per_sung_line(female):
    lrc = to_lrc(female.vocal.lines).splitlines()
    assert len(lrc) == len(female.vocal.lines)
    first = female.vocal.lines[0]
    minutes, seconds = divmod(first["start"], 60)
    assert lrc[0] == f"[{int(minutes):02d}:{seconds:05.2f}]{first['text']}"


def test_lrc_can_carry_word_stamps():
    lines = [{"text": "hi there", "start": 61.5, "end": 62.5,
              "words": [{"word": "hi", "start": 61.5, "end": 61.9}, {"word": "there", "start": 62.0, "end": 62.5}]}]
    assert to_lrc(lines, words=True) == "[01:01.50]<01:01.50>hi <01:02.00>there <01:02.50>\n"


def test_it_repeats_the_chorus_on_a_later_chorus_when_the_lyrics_run_out():
    sections = ((0.0, 2.4, "intro", 0.2), (2.4, 12.0, "verse", 0.4), (12.0, 21.6, "chorus", 0.9),
                (21.6, 40.8, "verse", 0.4), (40.8, 57.6, "chorus", 0.9))
    guide = make_guide(duration=57.6, sections=sections)
    specs = [LineSpec(0, 6, 0, None), LineSpec(1, 6, 0, None), LineSpec(2, 5, 1, "chorus"), LineSpec(3, 5, 1, "chorus")]
    placement = place_lines(specs, guide, "female")
    order = [line.index for line in placement.lines]
    assert order[:4] == [0, 1, 2, 3] and order[4:] == [2, 3]
    assert placement.lines[2].start == pytest.approx(12.0) and placement.lines[4].start == pytest.approx(40.8)
    assert any("repeated" in note for note in placement.notes)


def test_it_finds_the_most_energetic_section_when_none_is_labelled_chorus():
    sections = ((0.0, 19.2, "A", 0.3), (19.2, 38.4, "B", 0.95), (38.4, 48.0, "C", 0.4))
    guide = make_guide(duration=48.0, sections=sections)
    specs = [LineSpec(0, 6, 0, None), LineSpec(1, 5, 1, "chorus")]
    placement = place_lines(specs, guide, "male")
    assert placement.lines[1].start == pytest.approx(19.2)


def test_placement_never_leaves_the_song():
    guide = make_guide(duration=30.0, bpm=150.0, sections=())
    specs = [LineSpec(i, 9, i // 4, None) for i in range(40)]
    placement = place_lines(specs, guide, "neutral", seed=5)
    ends = [note.end for line in placement.lines for note in line.notes]
    starts = [note.start for line in placement.lines for note in line.notes]
    assert max(ends) <= guide.duration and starts == sorted(starts)
    assert [line.index for line in placement.lines] == list(range(len(placement.lines)))


def test_the_chain_runs_only_where_the_voice_sounds_and_matches_the_whole_track_chain(dry):
    from remixes.engine.vocals.chain import _chain

    gap = np.zeros(12 * SR, dtype=np.float32)
    track = np.concatenate([gap, dry, gap, dry, gap])
    for reverb in (0.0, 1.0):
        wet = vocal_chain(track, SR, reverb=reverb, seed=3)
        pre_delay = float(np.random.default_rng(3).uniform(0.018, 0.03))
        whole = _chain(track, SR, reverb, pre_delay)  # every sample through the chain, as one span
        assert np.abs(wet - whole).max() < 1e-4 * np.abs(whole).max()
        assert not wet[: len(gap)].any()  # silence before the voice stays silence
        first, second = len(gap), 2 * len(gap) + len(dry)
        # each sung copy comes out the same: its span starts from the chain's rest state
        assert np.array_equal(wet[first:first + len(dry)], wet[second:second + len(dry)])
        assert not wet[-SR:].any()  # and the end of a long silence after it too
