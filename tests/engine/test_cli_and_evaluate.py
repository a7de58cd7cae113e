import json

import numpy as np
import pytest
from pedalboard import LowpassFilter, Pedalboard, Reverb, time_stretch
from PIL import Image

from remixes.engine.__main__ import main as cli_main
from tools.evaluate import lyric_checks, recognisability

SR = 44100


def test_the_cli_writes_every_file_and_a_summary(song_path, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli_main([str(song_path), "--prompt", "chiptune 8-bit", "--seed", "3", "--out", str(out), "--quiet"]) == 0
    names = {p.name for p in out.iterdir()}
    plan = json.loads((out / "plan.json").read_text())
    # each version's stems: its instrumental, and its vocal unless the version has none
    vocal_stems = {f"version-{v['version']}-vocals.wav" for v in plan["engine"]["vocal"] if v["kind"] != "none"}
    assert names == {"version-1.mp3", "version-1.wav", "version-2.mp3", "version-2.wav", "lyrics-1.json",
                     "lyrics-2.json", "cover.png", "cover-thumb.png", "plan.json",
                     "version-1-instrumental.wav", "version-2-instrumental.wav",
                     "source-vocals.wav", "source-accompaniment.wav"} | vocal_stems
    assert json.loads((out / "lyrics-1.json").read_text()) == []
    assert json.loads((out / "plan.json").read_text())["engine"]["key"] == "A minor"
    assert Image.open(out / "cover.png").size == (1024, 1024)
    assert "version 2" in capsys.readouterr().out


def test_the_cli_reports_unusable_input_in_words(tmp_path, capsys):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not audio at all" * 100)
    assert cli_main([str(bad), "--prompt", "house", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "could not be read as audio" in capsys.readouterr().err


def test_recognisability_tells_a_restyled_source_from_unrelated_music(song_audio, unrelated_audio):
    restyled = time_stretch(np.ascontiguousarray(song_audio.T), SR, stretch_factor=0.8, high_quality=False)
    restyled = Pedalboard([LowpassFilter(2500), Reverb(room_size=0.6, wet_level=0.3)])(restyled, SR).T
    same = recognisability(song_audio, restyled, SR)
    other = recognisability(song_audio, unrelated_audio, SR)
    assert same["score"] > 0.6 and same["score"] > other["score"] + 0.15
    assert same["stretch"] == pytest.approx(0.8, rel=0.06) and same["transpose"] == 0


def test_recognisability_finds_a_transposition(song_audio):
    from pedalboard import PitchShift

    shifted = PitchShift(semitones=3)(np.ascontiguousarray(song_audio.T), SR).T
    assert recognisability(song_audio, shifted, SR)["transpose"] == 3


def test_lyric_checks_flag_lines_out_of_order():
    lines = [{"text": "a b", "start": 1.0, "end": 2.0, "words": [{"word": "a", "start": 1.0, "end": 1.5},
                                                               {"word": "b", "start": 1.5, "end": 2.0}]},
             {"text": "c", "start": 1.5, "end": 9.0, "words": [{"word": "c", "start": 1.5, "end": 9.0}]}]
    problems = lyric_checks(lines, duration=8.0)["problems"]
    assert any("starts before" in p for p in problems) and any("outside the audio" in p for p in problems)


def test_warm_up_runs_on_a_tiny_signal():
    from remixes.engine import warm_up

    warm_up()
