import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import parselmouth
import pytest
from conftest import LYRICS, SR, make_guide, melody_for

from remixes.engine.vocals import sing
from remixes.engine.vocals.performer import perform
from remixes.engine.vocals.text import MAX_LYRICS_CHARS, parse_lyrics


def f0_track(audio, step=0.01):
    pitch = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=SR).to_pitch(
        time_step=step, pitch_floor=70.0, pitch_ceiling=900.0)
    return pitch.xs(), pitch.selected_array["frequency"]


def test_it_sings_every_line_in_order(female):
    expected = [line.text for line in parse_lyrics(LYRICS).lines]
    assert [line["text"] for line in female.vocal.lines] == expected
    assert female.vocal.text == "\n".join(expected)


def test_it_returns_exactly_the_song_length_as_float32_mono(female, guide):
    audio = female.vocal.audio
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) == round(guide.duration * guide.sample_rate)
    assert np.isfinite(audio).all() and np.abs(audio).max() <= 1.0


def test_it_keeps_timestamps_monotonic_and_inside_the_duration(female, guide):
    times = []
    for line in female.vocal.lines:
        assert line["start"] == line["words"][0]["start"] and line["end"] == line["words"][-1]["end"]
        for word in line["words"]:
            assert word["start"] <= word["end"]
            times += [word["start"], word["end"]]
    assert times == sorted(times)
    assert 0.0 <= times[0] and times[-1] <= guide.duration


def test_it_puts_voiced_audio_at_every_word(female):
    audio = female.vocal.audio
    xs, f0 = f0_track(audio)
    loud = np.sqrt(np.mean(audio[np.abs(audio) > 1e-3] ** 2))
    for line in female.vocal.lines:
        for word in line["words"]:
            a, b = int(word["start"] * SR), int(word["end"] * SR)
            rms = np.sqrt(np.mean(audio[a:b] ** 2))
            assert rms > loud * 0.1, f"{word['word']!r} is silent at {word['start']}"
            voiced = f0[(xs >= word["start"]) & (xs <= word["end"])] > 0
            assert voiced.any(), f"{word['word']!r} has no voiced frame"


def test_it_is_silent_between_lines(female):
    audio, lines = female.vocal.audio, female.vocal.lines
    for before, after in zip(lines, lines[1:]):
        gap = audio[int((before["end"] + 0.15) * SR): int((after["start"] - 0.05) * SR)]
        if len(gap) > SR // 10:
            assert np.sqrt(np.mean(gap ** 2)) < 0.01


def test_it_sings_within_50_cents_of_the_target_notes(female, male):
    for performance in (female, male):
        xs, f0 = f0_track(performance.vocal.audio)
        errors = []
        for note in performance.notes:
            frames = (xs >= note.start) & (xs < note.end) & (f0 > 0)
            target = 440.0 * 2 ** ((note.midi - 69) / 12)
            errors.extend(1200 * np.log2(f0[frames] / target))
        errors = np.abs(np.array(errors))
        assert len(errors) > 300
        assert np.mean(errors < 50) >= 0.9, np.mean(errors < 50)


def test_it_orders_voices_male_below_neutral_below_female(male, neutral, female):
    medians = []
    for performance in (male, neutral, female):
        _, f0 = f0_track(performance.vocal.audio)
        medians.append(np.median(f0[f0 > 0]))
    assert medians[0] < medians[1] < medians[2]
    assert medians[0] < 180 and medians[2] > 250


def test_it_starts_lines_on_bar_lines(female, guide):
    bars = np.array(guide.bar_times)
    for index in range(len(female.vocal.lines)):
        first_note = next(n for n in female.notes if n.line == index)
        assert np.min(np.abs(bars - first_note.start)) < 1e-6


def test_it_places_the_chorus_block_on_the_chorus_section(female):
    chorus_lines = [line for line in female.vocal.lines if line["text"].startswith(("Sing it", "Everything"))]
    verse_lines = [line for line in female.vocal.lines if line["text"].startswith("Walking")]
    assert chorus_lines[0]["start"] >= 24.0 - 0.3  # the chorus section starts at 24 s
    assert verse_lines[0]["end"] < 24.0


def test_it_sings_numbers_as_words_but_shows_them_as_written(female):
    words = [w["word"] for line in female.vocal.lines for w in line["words"]]
    assert "4" in words


def test_it_sings_the_same_lyrics_in_two_versions_with_different_phrasing(guide):
    lyrics = "It's a brand new day\nI got 4 reasons to stay\nWalking down the empty road"
    one, two = perform(lyrics, guide, "female", seed=1), perform(lyrics, guide, "female", seed=2)
    assert one.vocal.text == two.vocal.text
    assert [n.start for n in one.notes] != [n.start for n in two.notes] or \
        [n.midi for n in one.notes] != [n.midi for n in two.notes]


def test_it_follows_the_analysed_melody_when_there_is_one():
    guide = make_guide(duration=30.0)
    guide = make_guide(duration=30.0, melody=melody_for(guide))
    performance = perform("walking down the road tonight\nsinging all the way back home", guide, "male", seed=3)
    melody = np.array(guide.melody)
    matched = 0
    for note in performance.notes:
        sounding = melody[(melody[:, 0] <= note.start + 0.05) & (melody[:, 1] > note.start)]
        matched += any((int(m) - note.midi) % 12 == 0 for m in sounding[:, 2])
    assert matched / len(performance.notes) >= 0.9
    assert not any("generated" in note for note in performance.vocal.notes)


def test_it_generates_a_melody_on_the_chords_when_there_is_none(female, guide):
    assert any("generated from the chords" in note for note in female.vocal.notes)
    on_chord = 0
    for note in female.notes:
        chord = next(c for c in guide.chords if c[0] <= note.start < c[1])
        tones = {(chord[2] + i) % 12 for i in ((0, 4, 7) if chord[3] == "maj" else (0, 3, 7))}
        on_chord += note.midi % 12 in tones
    assert on_chord / len(female.notes) >= 0.6


def test_it_stops_at_a_line_boundary_when_lyrics_are_longer_than_the_song():
    guide = make_guide(duration=20.0, sections=())
    lyrics = "\n".join(f"this is the line number {i} that keeps on going" for i in range(12))
    vocal = sing(lyrics, guide, "neutral")
    all_lines = [line.text for line in parse_lyrics(lyrics).lines]
    sung = [line["text"] for line in vocal.lines]
    assert 0 < len(sung) < len(all_lines)
    assert sung == all_lines[: len(sung)]
    assert any(f"stopping after line {len(sung)}" in note for note in vocal.notes)
    assert vocal.lines[-1]["end"] <= guide.duration


def test_it_fits_or_cuts_lyrics_at_the_2000_character_limit():
    guide = make_guide(duration=180.0, bpm=120.0, sections=())
    line = "we keep on running through the night"
    lyrics = "\n".join([line] * (MAX_LYRICS_CHARS // (len(line) + 1)))[:MAX_LYRICS_CHARS]
    lyrics = lyrics[: lyrics.rfind("\n")]
    performance = perform(lyrics, guide, "female")
    total = len(parse_lyrics(lyrics).lines)
    sung = len(performance.vocal.lines)
    assert sung == total or any(f"stopping after line {sung}" in n for n in performance.vocal.notes)
    assert all(entry["text"] == line for entry in performance.vocal.lines)
    assert performance.vocal.lines[-1]["end"] <= guide.duration


def test_it_sings_spanish_with_the_spanish_voice():
    guide = make_guide(duration=16.0, sections=())
    performance = perform("El sol brilla sobre el mar azul\ny canto para ti toda la noche", guide, "female")
    assert performance.language == "es"
    assert [line["text"] for line in performance.vocal.lines] == ["El sol brilla sobre el mar azul",
                                                                  "y canto para ti toda la noche"]


@pytest.mark.parametrize("text", ["", "   \n\n", "[Chorus]\n"])
def test_it_returns_silence_for_lyrics_with_nothing_to_sing(text, guide):
    vocal = sing(text, guide, "male")
    assert vocal.lines == [] and vocal.text == ""
    assert len(vocal.audio) == round(guide.duration * SR) and not np.any(vocal.audio)


@pytest.mark.parametrize("up, down", [(2, 1), (1, 2), (160, 147)])
def test_a_line_is_resampled_to_the_song_rate_as_scipy_would(up, down):
    from scipy.signal import resample_poly

    from remixes.engine.vocals.performer import _resample

    line = np.random.default_rng(0).standard_normal(2345)
    np.testing.assert_allclose(_resample(line, up, down), resample_poly(line, up, down), rtol=0, atol=1e-12)


def test_a_singer_never_imports_scipy_signal():
    """A singer helper forks before the pipeline imports scipy.signal: ~0.7 s of CPU there for one filter."""
    here = Path(__file__).parent
    script = ("import sys\n"
              "from conftest import LYRICS, make_guide\n"
              "from remixes.engine.vocals import prepare, sing\n"
              "prepare(LYRICS)\n"
              "sing(LYRICS, make_guide(duration=16.0, sections=()), 'male')\n"
              "print('scipy.signal' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=here, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(here), str(here.parents[2])])})
    assert result.stdout.split()[-1] == "False"


def test_a_singer_imports_world_without_pkg_resources():
    """pyworld's own __init__ imports setuptools' pkg_resources for its version string (~0.5 s of CPU per singer);
    the singer imports it with a stand-in for that one question, which it takes away afterwards."""
    script = ("import sys\n"
              "from importlib.metadata import version\n"
              "from remixes.engine.vocals import sing\n"
              "import pyworld\n"
              "print('pkg_resources' in sys.modules, pyworld.__version__ == version('pyworld'),\n"
              "      callable(pyworld.d4c))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[3])
    assert result.stdout.split() == ["False", "True", "True"]


def test_the_vocal_chain_alone_imports_no_singer():
    """The render helpers put the sung vocal through the chain and sing nothing: the main process loads the chain for
    them before they fork, without the singer's modules (WORLD, Praat, the voice's runtime: ~1 s of CPU)."""
    script = ("import sys\n"
              "from remixes.engine.vocals import vocal_chain\n"
              "print(*[m for m in ('pyworld', 'parselmouth', 'onnxruntime', 'remixes.engine.vocals.performer')"
              " if m in sys.modules], 'none')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[3])
    assert result.stdout.split() == ["none"]


def test_no_line_is_sung_in_a_part_of_the_song_asked_without_vocals():
    """"no vocals in the chorus" with new lyrics: the lines go around the chorus (guide.rests), not into the
    silence the chorus's vocal is turned down to."""
    from dataclasses import replace

    from remixes.engine.vocals.placement import LineSpec, place_lines

    guide = make_guide(duration=48.0)
    specs = [LineSpec(i, 8, verse=i // 2, label="verse") for i in range(6)]
    free = place_lines(specs, guide, "female")
    assert any(24.0 <= note.start < 48.0 for line in free.lines for note in line.notes)
    rested = place_lines(specs, replace(guide, rests=((24.0, 48.0),)), "female")
    assert rested.lines and all(note.end <= 24.0 + 1e-6 for line in rested.lines for note in line.notes)
    assert "No line is sung where the version has no vocal (a part of the song asked without vocals, or outside " \
        "the stretch of the song kept)." in rested.notes


def test_a_line_takes_about_as_long_whatever_side_of_94_bpm_the_song_is():
    """Above ~94 bpm the slots are eighths and a 9-syllable line took 4 bars (10 s at 95 bpm, against 5 s at 93):
    drawn out under 1 syllable a second, and hard to follow in the mix (faster-whisper's recall of the sung words
    in a 95.7 bpm remix's mix 0.28, with two bars 0.95). A line just over two bars' worth is sung a little denser
    in two."""
    from remixes.engine.vocals.placement import _bars_for, _grid

    seconds = {}
    for bpm in (80, 90, 93, 95, 100, 120, 140):
        grid = _grid(make_guide(duration=60.0, bpm=bpm))
        seconds[bpm] = _bars_for(9, grid, dense=False) * 4 * 60.0 / bpm
    assert all(3.0 <= s <= 7.0 for s in seconds.values()), seconds
    assert seconds[95] <= seconds[93] and seconds[140] <= seconds[120] <= seconds[100] <= seconds[95], seconds
    grid = _grid(make_guide(duration=60.0, bpm=120))
    assert _bars_for(16, grid, dense=False) == 4  # a long line still takes four bars, not three
    grid = _grid(make_guide(duration=60.0, bpm=95))
    assert _bars_for(13, grid, dense=False) == 2  # at a singing pace (~2.6 syllables a second) where bars are long
    assert _bars_for(6, grid, dense=False) == 2  # a short line is not hurried into one bar


def test_a_second_verse_starts_where_a_section_of_the_song_does():
    """Short lyrics were sung all at the song's start, verse after verse; another verse now waits for the next
    section of the song (when the rest of the lyrics still fit after it)."""
    from remixes.engine.vocals.placement import LineSpec, place_lines

    sections = ((0.0, 4.8, "intro", 0.3), (4.8, 24.0, "verse", 0.5), (24.0, 38.4, "verse", 0.6),
                (38.4, 60.0, "chorus", 0.9))
    guide = make_guide(duration=60.0, sections=sections)
    specs = [LineSpec(i, 6, verse=i // 2, label=None) for i in range(4)]
    lines = place_lines(specs, guide, "male").lines
    assert [line.start for line in lines][:2] == pytest.approx([4.8, 9.6]) and lines[2].start == pytest.approx(24.0)
