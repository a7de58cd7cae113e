"""Transcription of a song's own parts, checked against parts the test renders itself."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from remixes.engine.arrange import Part
from remixes.engine.music import Chord, Note
from remixes.engine.render import render_band
from remixes.engine.transcribe import SongParts, transcribe_parts

ROOT = Path(__file__).resolve().parents[2]
SR = 44100
BEAT = 0.6
SECONDS = 8 * 4 * BEAT  # eight bars, 19.2 s
# one chord per bar: Am F C G (root pitch class, triad)
BARS = [(9, (0, 3, 7)), (5, (0, 4, 7)), (0, (0, 4, 7)), (7, (0, 4, 7))] * 2
MELODY = [69, 72, 76, 74, 72, 69, 65, 69, 72, 67, 64, 67, 71, 74, 72, 71]


def _stem(program: int, notes) -> np.ndarray:
    return render_band([Part("x", program, False, tuple(notes), 1.0, 0.0)], SECONDS, 0.1, SR)


@pytest.fixture(scope="module")
def parts_and_truth():
    bass, chords, melody = [], [], []
    for bar, (root, shape) in enumerate(BARS):
        t = bar * 4 * BEAT
        for k in range(4):
            bass.append((t + k * BEAT, t + (k + 0.9) * BEAT, 33 + (root - 9) % 12, 100))
        chords += [(t, t + 4 * BEAT - 0.05, 60 + (root + i) % 12, 70) for i in shape]
        for k in range(2):
            melody.append((t + 2 * k * BEAT, t + (2 * k + 1.8) * BEAT, MELODY[(2 * bar + k) % 16], 100))
    vocals = _stem(73, melody)                       # a flute stands in for the singer
    accompaniment = _stem(33, bass) + 0.7 * _stem(0, chords)
    beats = np.arange(0, SECONDS - 1e-9, BEAT)
    parts = transcribe_parts(vocals, accompaniment, SR, beat_times=beats)
    return parts, {"bass": bass, "melody": melody, "beats": beats}


def _pitch_at(notes, t):
    for start, end, pitch, _ in notes:
        if start <= t < end:
            return pitch
    return None


def test_it_finds_the_sung_melody_note_by_note(parts_and_truth):
    parts, truth = parts_and_truth
    assert parts.has_vocal and parts.melody == parts.vocal_melody
    probes = [(s + e) / 2 for s, e, _, _ in truth["melody"]]
    found = [_pitch_at(parts.vocal_melody, t) for t in probes]
    wanted = [p for _, _, p, _ in truth["melody"]]
    assert np.mean([f == w for f, w in zip(found, wanted)]) >= 0.85
    onsets = np.array([s for s, _, _, _ in parts.vocal_melody])
    assert all(np.min(np.abs(onsets - s)) < 0.12 for s, _, _, _ in truth["melody"][1:])  # a flute speaks slowly


def test_it_finds_the_bass_line(parts_and_truth):
    parts, truth = parts_and_truth
    probes = [(s + e) / 2 for s, e, _, _ in truth["bass"]]
    found = [_pitch_at(parts.bass_line, t) for t in probes]
    assert np.mean([f is not None and f % 12 == p % 12 for f, (_, _, p, _) in zip(found, truth["bass"])]) >= 0.85


def test_it_names_the_chord_of_every_beat(parts_and_truth):
    parts, truth = parts_and_truth
    assert len(parts.chords) >= len(truth["beats"])
    right = 0
    for start, end, root, quality in parts.chords:
        bar = int((start + 0.01) // (4 * BEAT))
        if bar < len(BARS):
            expected = (BARS[bar][0], "min" if BARS[bar][1] == (0, 3, 7) else "maj")
            right += (root, quality) == expected
    assert right >= 0.85 * len(truth["beats"])


def test_its_notes_explain_the_song_and_the_result_pickles(parts_and_truth):
    parts, _ = parts_and_truth
    assert parts.fidelity > 0.6
    again = pickle.loads(pickle.dumps(parts))
    assert again == parts and isinstance(again, SongParts)
    assert type(again.chords[0]) is Chord and type(again.bass_line[0]) is Note  # named values survive the cache
    assert all(type(n) is Note for n in (*parts.vocal_melody, *parts.lead_melody, *parts.bass_line))


def test_an_instrumental_song_has_no_sung_melody_and_a_lead_from_the_accompaniment():
    lead = [(i * BEAT, (i + 0.9) * BEAT, MELODY[i % 16], 110) for i in range(16)]
    accompaniment = _stem(81, lead)
    parts = transcribe_parts(None, accompaniment, SR)
    assert not parts.has_vocal and parts.melody == parts.lead_melody
    found = [_pitch_at(parts.lead_melody, (s + e) / 2) for s, e, _, _ in lead]
    assert np.mean([f == p for f, (_, _, p, _) in zip(found, lead)]) >= 0.8


def test_a_faint_vocal_stem_is_bleed_not_a_singer():
    # the same sung line, but 18 dB under the accompaniment: what a separator leaves of an instrumental's
    # lead in its "vocal" stem; the lead of the accompaniment is then the melody
    lead = [(i * BEAT, (i + 0.9) * BEAT, MELODY[i % 16], 110) for i in range(16)]
    accompaniment = _stem(81, lead)
    faint = _stem(73, lead) * (0.125 * _level(accompaniment) / _level(_stem(73, lead)))
    parts = transcribe_parts(faint, accompaniment, SR)
    assert not parts.has_vocal and parts.melody == parts.lead_melody


def _level(audio) -> float:
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))


def test_thirds_heard_tells_power_chords_from_triads():
    from remixes.engine.transcribe import MODEL_RATE, _CHROMA_HOP, thirds_heard

    fps = MODEL_RATE / _CHROMA_HOP
    chords = tuple(Chord(float(i), float(i + 1), root, quality)
                   for i, (root, quality) in enumerate([(0, "maj"), (9, "min"), (5, "maj"), (7, "maj")]))

    def chroma(with_third: bool) -> np.ndarray:
        frames = np.full((int(4 * fps) + 2, 12), 0.05)
        for chord in chords:
            a, b = int(chord.start * fps), int(chord.end * fps)
            frames[a:b, chord.root % 12] = 1.0
            frames[a:b, (chord.root + 7) % 12] = 0.8
            if with_third:
                frames[a:b, (chord.root + (3 if chord.quality == "min" else 4)) % 12] = 0.6
        return frames

    assert thirds_heard(chroma(with_third=False), chords) == pytest.approx(0.0, abs=0.01)
    assert thirds_heard(chroma(with_third=True), chords) > 0.5
    assert thirds_heard(chroma(with_third=True), (Chord(0.0, 4.0, -1, "N"),)) == 1.0  # nothing played: no evidence


def test_the_tones_of_each_beat_are_what_the_accompaniment_sounds(parts_and_truth):
    parts, truth = parts_and_truth
    assert len(parts.tones) == len(parts.chords)
    in_chord, loudest_in_chord, beats = 0, 0, 0
    for start, end, pcs in parts.tones:
        bar = int((start + 0.01) // (4 * BEAT))
        if bar >= len(BARS) or not pcs:
            continue
        triad = {(BARS[bar][0] + i) % 12 for i in BARS[bar][1]}
        beats += 1
        in_chord += all(pc in triad for pc in pcs)
        loudest_in_chord += pcs[0] in triad
    assert beats >= 0.9 * len(truth["beats"])
    assert loudest_in_chord >= 0.9 * beats and in_chord >= 0.8 * beats


def test_beat_tones_keep_a_power_chord_without_its_third_and_a_riffs_passing_tone():
    from remixes.engine.transcribe import MODEL_RATE, _CHROMA_HOP, beat_tones

    fps = MODEL_RATE / _CHROMA_HOP
    beats = tuple(Chord(float(i), float(i + 1), 4, "maj") for i in range(3))  # the template says E major
    frames = np.full((int(3 * fps) + 2, 12), 0.05)
    frames[: int(fps), [4, 11]] = (1.0, 0.8)                          # E5: root and fifth only
    frames[int(fps): int(2 * fps), [4, 11, 5]] = (1.0, 0.7, 0.9)      # a riff's flat second over E5
    frames[int(2 * fps):] = 0.0                                       # silence
    tones = beat_tones(frames, beats)
    assert [t[:2] for t in tones] == [(c.start, c.end) for c in beats]
    assert set(tones[0][2]) == {4, 11} and tones[0][2][0] == 4
    assert set(tones[1][2]) == {4, 5, 11} and tones[1][2][0] == 4
    assert tones[2][2] == ()


def test_hearing_the_stems_leaves_librosa_to_the_analysing_helper(tmp_path):
    """The separating helper hears the stems (pipeline._hear_files) without loading librosa (~1.4 s of CPU):
    the rest of the transcription goes to the analysing helper, which has it."""
    rng = np.random.default_rng(0)
    for name in ("vocals", "accompaniment"):
        np.save(tmp_path / f"{name}.npy", (0.1 * rng.standard_normal((5 * SR, 2))).astype(np.float32))
    paths = [str(tmp_path / f"{name}.npy") for name in ("vocals", "accompaniment")]
    probe = ("import json, sys\n"
             "from remixes.engine import pipeline\n"
             f"heard = pipeline._hear_files(*{paths!r})\n"
             "print(json.dumps([len(heard.acc_activations[0]) > 0, 'librosa' in sys.modules]))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, False]
