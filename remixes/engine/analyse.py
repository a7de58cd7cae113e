"""Musical analysis of the source: tempo, beats, downbeats, key, chords, melody, sections, loudness.

Everything is computed once on a 22.05 kHz mono mix and expressed in seconds on the SOURCE timeline;
the arranger maps it onto the remix's timeline. Results are chosen to be safe rather than clever: an
ambiguous tempo folds into 70-150 bpm, an ambiguous key keeps the mode its tonic chord supports.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

from .decode import mono_of, resample
from .music import Chord, Section, Tone

ANALYSIS_RATE = 22050
HOP = 512
PITCH_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
# Centred vocal-band energy share above which the source is taken to have a lead vocal.
VOCAL_PRESENCE_THRESHOLD = 0.55

# Krumhansl-Kessler key profiles.
_MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])

# Chord vocabulary: intervals above the root. Kept small on purpose: triads plus the dominant 7th.
CHORD_SHAPES = {"maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10)}
# Scale degrees (semitones above tonic) and the chord quality each carries, per mode.
DIATONIC = {
    "major": {0: "maj", 2: "min", 4: "min", 5: "maj", 7: "maj", 9: "min"},
    "minor": {0: "min", 3: "maj", 5: "min", 7: "min", 8: "maj", 10: "maj"},
}
_CQT_BINS_PER_OCTAVE = 36
_CQT_FMIN_MIDI = 24  # C1
_CQT_OCTAVES = 7


@dataclass(frozen=True)
class Analysis:
    duration: float
    tempo: float                     # bpm
    beat_times: np.ndarray           # seconds
    downbeat_times: np.ndarray       # seconds (a subset of beat_times)
    beats_per_bar: int
    key_tonic: int                   # pitch class
    mode: str                        # "major" | "minor"
    key_confidence: float            # correlation margin to the runner-up key
    chords: tuple[Chord, ...]        # merged per-beat chords; root -1 = none
    melody: tuple[Tone, ...]
    sections: tuple[Section, ...]
    loudness_lufs: float
    vocal_presence: float            # 0..1, how much centred vocal-band harmonic energy the mix holds
    chroma_mean: np.ndarray          # (12,) 0..1
    spectrum_bands: np.ndarray       # (32,) 0..1 mean log-band energies
    onset_curve: np.ndarray          # (64,) 0..1 energy over the song
    notes: tuple = field(default=())  # sentences about choices made

    @property
    def key_name(self) -> str:
        return PITCH_NAMES[self.key_tonic]


@dataclass(frozen=True)
class Rhythm:
    """The cheap first step of the analysis: enough to choose the remix's tempo early."""
    mono: np.ndarray          # 22.05 kHz mono mix
    onset_env: np.ndarray
    tempo: float
    beat_frames: np.ndarray
    notes: tuple


def detect_rhythm(audio: np.ndarray, sample_rate: int) -> Rhythm:
    import librosa

    mono = resample(mono_of(audio), sample_rate, ANALYSIS_RATE)
    onset_env = librosa.onset.onset_strength(y=mono, sr=ANALYSIS_RATE, hop_length=HOP)
    notes: list[str] = []
    tempo, beat_frames = _tempo_and_beats(onset_env, notes)
    return Rhythm(mono, onset_env, tempo, beat_frames, tuple(notes))


def analyse(audio: np.ndarray, sample_rate: int, rhythm: Rhythm | None = None, tick=None) -> Analysis:
    """Analyse stereo float32 audio (n, 2); `tick(fraction)` is called between the steps."""
    import librosa

    def step(fraction: float) -> None:
        if tick:
            tick(fraction)

    rhythm = rhythm or detect_rhythm(audio, sample_rate)
    mono, onset_env, tempo, beat_frames = rhythm.mono, rhythm.onset_env, rhythm.tempo, rhythm.beat_frames
    duration = len(audio) / sample_rate
    notes: list[str] = list(rhythm.notes)
    beat_times = librosa.frames_to_time(beat_frames, sr=ANALYSIS_RATE, hop_length=HOP)
    step(0.1)

    cqt = np.abs(librosa.cqt(mono, sr=ANALYSIS_RATE, hop_length=HOP, fmin=librosa.midi_to_hz(_CQT_FMIN_MIDI),
                             n_bins=_CQT_BINS_PER_OCTAVE * _CQT_OCTAVES, bins_per_octave=_CQT_BINS_PER_OCTAVE))
    chroma = librosa.feature.chroma_cqt(C=cqt, sr=ANALYSIS_RATE, hop_length=HOP,
                                        bins_per_octave=_CQT_BINS_PER_OCTAVE, n_chroma=12)
    n_frames = min(chroma.shape[1], len(onset_env))
    chroma, cqt, onset_env = chroma[:, :n_frames], cqt[:, :n_frames], onset_env[:n_frames]
    beat_frames = beat_frames[beat_frames < n_frames]
    beat_times = beat_times[: len(beat_frames)]

    bounds = np.concatenate([[0], beat_frames, [n_frames]]).astype(int)
    bounds = np.unique(bounds)
    beat_chroma = _segment_mean(chroma, bounds)
    rms = librosa.feature.rms(y=mono, hop_length=HOP)[0][:n_frames]
    beat_energy = _segment_mean(rms[None, :], bounds)[0]

    step(0.5)
    key_tonic, mode, confidence = _key(chroma, rms)
    chord_ids = _chords_per_segment(beat_chroma, beat_energy, key_tonic, mode)
    key_tonic, mode = _safe_key(key_tonic, mode, confidence, chord_ids, notes)
    seg_times = librosa.frames_to_time(bounds, sr=ANALYSIS_RATE, hop_length=HOP)
    seg_times[-1] = duration
    chords = _merge_chords(chord_ids, seg_times)

    downbeats = _downbeats(beat_frames, onset_env, chroma, cqt)
    downbeat_times = librosa.frames_to_time(downbeats, sr=ANALYSIS_RATE, hop_length=HOP)

    step(0.6)
    melody = _melody(cqt, rms)
    step(0.75)
    sections = _sections(beat_chroma, beat_energy, seg_times, downbeat_times, duration)
    loudness = _loudness(audio, sample_rate)

    return Analysis(
        duration=duration,
        tempo=float(tempo),
        beat_times=np.asarray(beat_times, dtype=float),
        downbeat_times=np.asarray(downbeat_times, dtype=float),
        beats_per_bar=4,
        key_tonic=int(key_tonic),
        mode=mode,
        key_confidence=float(confidence),
        chords=chords,
        melody=melody,
        sections=sections,
        loudness_lufs=loudness,
        vocal_presence=vocal_presence(audio, sample_rate),
        chroma_mean=_unit_max(chroma.mean(axis=1)),
        spectrum_bands=_spectrum_bands(mono),
        onset_curve=_onset_curve(onset_env),
        notes=tuple(notes),
    )


def warm_up() -> None:
    """Compile librosa's numba kernels on two seconds of noise (cached in NUMBA_CACHE_DIR)."""
    rng = np.random.default_rng(0)
    t = np.arange(int(44100 * 4)) / 44100
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.01 * rng.standard_normal(len(t))
    analyse(np.stack([tone, tone], axis=1).astype(np.float32), 44100)


# --- tempo and beats -------------------------------------------------------------------------------

def _tempo_and_beats(onset_env: np.ndarray, notes: list[str]) -> tuple[float, np.ndarray]:
    import librosa

    # A tempo prior centred on 110 bpm settles octave ambiguity toward the 70-150 bpm range.
    tempo = float(librosa.feature.tempo(onset_envelope=onset_env, sr=ANALYSIS_RATE, hop_length=HOP,
                                        start_bpm=110, std_bpm=0.9, aggregate=np.median)[0])
    if tempo <= 0:
        tempo = 110.0
    folded = tempo
    while folded < 70:
        folded *= 2
    while folded > 150:
        folded /= 2
    if abs(folded - tempo) > 1e-6:
        notes.append(f"Tempo read as {tempo:.0f} bpm, folded to {folded:.0f} bpm.")
    _, beats = _librosa_beat().beat_track(onset_envelope=onset_env, sr=ANALYSIS_RATE, hop_length=HOP,
                                          bpm=folded, tightness=120, trim=False)
    beats = np.asarray(beats, dtype=int)
    if len(beats) < 4:
        period = 60.0 / folded * ANALYSIS_RATE / HOP
        beats = np.arange(0, len(onset_env), period).astype(int)
    else:
        # Tempo from the tracked beats themselves, so the grid and the number agree.
        intervals = np.diff(beats) * HOP / ANALYSIS_RATE
        folded = float(60.0 / np.median(intervals))
    return folded, beats


def _librosa_beat():
    """librosa.beat, with all its numba kernels in numba's on-disk cache. librosa 0.11 compiles one of them
    (__beat_local_score) without the cache when the module is imported: ~1.9 s of CPU in every process
    that tracks beats, to build the same machine code each time; loaded from the cache it takes ~0.1 s.
    The compiled code, and so every beat, is the same either way (librosa's dynamic guvectorize, PR
    #2028, removes the import-time compilation in a later release)."""
    if "librosa.beat" not in sys.modules:
        import numba

        guvectorize = numba.guvectorize

        def cached(*args, **kwargs):
            return guvectorize(*args, **{**kwargs, "cache": True})

        numba.guvectorize = cached
        try:
            import librosa.beat  # noqa: F401
        finally:
            numba.guvectorize = guvectorize
    return sys.modules["librosa.beat"]


def _downbeats(beat_frames, onset_env, chroma, cqt) -> np.ndarray:
    """Pick the phase (of 4) whose beats carry the most bass onsets and chord changes."""
    if len(beat_frames) < 8:
        return beat_frames[::4]
    bass = cqt[: _CQT_BINS_PER_OCTAVE * 2].sum(axis=0)
    bass_onset = np.maximum(0, np.diff(bass, prepend=bass[0]))
    norm_chroma = chroma / (np.linalg.norm(chroma, axis=0, keepdims=True) + 1e-9)
    change = 1 - np.sum(norm_chroma[:, 1:] * norm_chroma[:, :-1], axis=0)
    change = np.concatenate([[0], change])

    def local(x, f):
        return x[max(0, f - 2): f + 3].max()

    bass_at = np.array([local(bass_onset, f) for f in beat_frames])
    change_at = np.array([local(change, f) for f in beat_frames])
    onset_at = np.array([local(onset_env, f) for f in beat_frames])
    score_parts = [x / (x.mean() + 1e-9) for x in (bass_at, change_at, onset_at)]
    score = score_parts[0] + 1.5 * score_parts[1] + 0.5 * score_parts[2]
    phase = int(np.argmax([score[p::4].mean() for p in range(4)]))
    return beat_frames[phase::4]


# --- key and chords ---------------------------------------------------------------------------------

def _key(chroma: np.ndarray, rms: np.ndarray) -> tuple[int, str, float]:
    weights = rms / (rms.sum() + 1e-9)
    profile = (chroma * weights[None, :]).sum(axis=1)
    scores = []
    for mode, template in (("major", _MAJOR_PROFILE), ("minor", _MINOR_PROFILE)):
        for tonic in range(12):
            scores.append((np.corrcoef(profile, np.roll(template, tonic))[0, 1], tonic, mode))
    scores.sort(key=lambda s: -s[0])
    best, second = scores[0], scores[1]
    return best[1], best[2], float(best[0] - second[0])


def _chord_templates() -> tuple[np.ndarray, list[tuple[int, str]]]:
    labels, rows = [], []
    for quality, shape in CHORD_SHAPES.items():
        for root in range(12):
            t = np.zeros(12)
            for i, interval in enumerate(shape):
                t[(root + interval) % 12] = 1.0 if i < 3 else 0.6
            t[root] += 0.3  # the root sounds in bass and harmonics
            rows.append(t / np.linalg.norm(t))
            labels.append((root, quality))
    return np.array(rows), labels


def _chords_per_segment(beat_chroma, beat_energy, key_tonic, mode) -> list[tuple[int, str]]:
    templates, labels = _chord_templates()
    c = beat_chroma - beat_chroma.min(axis=0, keepdims=True)
    c = c / (np.linalg.norm(c, axis=0, keepdims=True) + 1e-9)
    scores = templates @ c  # (n_chords, n_segments)
    diatonic = DIATONIC[mode]
    prior = np.array([
        0.06 if diatonic.get((root - key_tonic) % 12) == quality else
        (0.03 if quality == "7" and (root - key_tonic) % 12 == 7 else 0.0)
        for root, quality in labels
    ])
    prior -= np.array([0.04 if q == "7" else 0.0 for _, q in labels])  # a 7th must earn its place
    emission = scores + prior[:, None]
    path = _viterbi(emission, switch_penalty=0.12)
    silent = beat_energy < 0.05 * (np.percentile(beat_energy, 95) + 1e-9)
    return [(-1, "N") if silent[i] else labels[k] for i, k in enumerate(path)]


def _viterbi(emission: np.ndarray, switch_penalty: float) -> np.ndarray:
    n_states, n = emission.shape
    score = emission[:, 0].copy()
    back = np.zeros((n_states, n), dtype=int)
    for t in range(1, n):
        best_prev = int(np.argmax(score))
        stay = score
        switch = score[best_prev] - switch_penalty
        take_switch = switch > stay
        back[:, t] = np.where(take_switch, best_prev, np.arange(n_states))
        score = np.where(take_switch, switch, stay) + emission[:, t]
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(score))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[path[t], t]
    return path


def _safe_key(tonic, mode, confidence, chord_ids, notes) -> tuple[int, str]:
    """Major and its relative minor share their notes; when the profiles barely differ, the tonic
    chord that is actually played more often decides."""
    if confidence >= 0.05:
        return tonic, mode
    major_tonic = tonic if mode == "major" else (tonic + 3) % 12
    minor_tonic = (major_tonic + 9) % 12
    major_beats = sum(1 for c in chord_ids if c == (major_tonic, "maj"))
    minor_beats = sum(1 for c in chord_ids if c == (minor_tonic, "min"))
    choice = (major_tonic, "major") if major_beats >= minor_beats else (minor_tonic, "minor")
    if choice != (tonic, mode):
        notes.append(f"Key ambiguous; chose {PITCH_NAMES[choice[0]]} {choice[1]} from the chords played.")
    return choice


def _merge_chords(chord_ids, seg_times) -> tuple[Chord, ...]:
    merged: list[Chord] = []
    for i, (root, quality) in enumerate(chord_ids):
        start, end = float(seg_times[i]), float(seg_times[i + 1])
        if merged and merged[-1].root == root and merged[-1].quality == quality:
            merged[-1] = merged[-1]._replace(end=end)
        else:
            merged.append(Chord(start, end, root, quality))
    return tuple(merged)


# --- melody -----------------------------------------------------------------------------------------

def _melody(cqt: np.ndarray, rms: np.ndarray) -> tuple[Tone, ...]:
    """Predominant pitch by harmonic summation over the CQT (G3..C6), segmented into notes."""
    import scipy.ndimage as ndi

    bpo = _CQT_BINS_PER_OCTAVE
    mag = np.sqrt(cqt)
    lo = (55 - _CQT_FMIN_MIDI) * bpo // 12
    hi = (84 - _CQT_FMIN_MIDI) * bpo // 12
    salience = np.zeros((hi - lo, mag.shape[1]))
    for h in range(1, 6):
        offset = int(round(bpo * np.log2(h)))
        rows = np.arange(lo, hi) + offset
        valid = rows < mag.shape[0]
        salience[valid] += (0.8 ** (h - 1)) * mag[rows[valid]]
    best = np.argmax(salience, axis=0)
    peak = salience[best, np.arange(salience.shape[1])]
    contrast = peak / (np.median(salience, axis=0) + 1e-9)
    loud = rms > 0.1 * np.percentile(rms, 90)
    voiced = (contrast > 2.2) & loud
    midi = np.round(_CQT_FMIN_MIDI + (lo + best) * 12 / bpo).astype(int)
    midi = ndi.median_filter(midi, size=7, mode="nearest")
    voiced = ndi.binary_opening(voiced, structure=np.ones(3))
    frame_sec = HOP / ANALYSIS_RATE
    notes, start = [], None
    for i in range(len(midi) + 1):
        boundary = i == len(midi) or not voiced[i] or (start is not None and midi[i] != midi[start])
        if start is not None and boundary:
            if (i - start) * frame_sec >= 0.09:
                notes.append(Tone(start * frame_sec, i * frame_sec, int(midi[start])))
            start = None
        if i < len(midi) and voiced[i] and start is None:
            start = i
    return tuple(notes)


# --- sections ---------------------------------------------------------------------------------------

def _sections(beat_chroma, beat_energy, seg_times, downbeat_times, duration) -> tuple[Section, ...]:
    """Novelty on a beat-level self-similarity matrix, boundaries snapped to downbeats, labels by energy."""
    import scipy.signal as sig

    n = beat_chroma.shape[1]
    if n < 32 or duration < 30:
        return (Section(0.0, duration, "verse", 1.0),)
    feats = np.vstack([beat_chroma / (np.linalg.norm(beat_chroma, axis=0, keepdims=True) + 1e-9),
                       (beat_energy / (beat_energy.max() + 1e-9))[None, :]])
    ssm = feats.T @ feats
    k = 16
    kernel = np.outer(np.r_[-np.ones(k), np.ones(k)], np.r_[-np.ones(k), np.ones(k)])
    kernel *= np.outer(sig.windows.gaussian(2 * k, k / 2), sig.windows.gaussian(2 * k, k / 2))
    padded = np.pad(ssm, k, mode="edge")
    novelty = np.array([np.sum(kernel * padded[i:i + 2 * k, i:i + 2 * k]) for i in range(n)])
    peaks, _ = sig.find_peaks(novelty, distance=32, prominence=np.std(novelty) * 0.5)
    bounds = [0.0] + [float(seg_times[p]) for p in peaks] + [duration]
    if len(downbeat_times):
        bounds = [bounds[0]] + [float(downbeat_times[np.argmin(np.abs(downbeat_times - b))]) for b in bounds[1:-1]] + [duration]
    bounds = sorted(set(round(b, 3) for b in bounds))
    energies = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        mask = (seg_times[:-1] >= a) & (seg_times[:-1] < b)
        energies.append(float(beat_energy[mask].mean()) if mask.any() else 0.0)
    energies = np.array(energies)
    rel = energies / (energies.max() + 1e-9)
    threshold = np.percentile(rel, 60) if len(rel) > 2 else 0.99
    sections = []
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        label = "chorus" if rel[i] >= threshold and rel[i] > 0.75 else "verse"
        if i == 0 and len(bounds) > 3 and rel[i] < 0.7 and b - a < 25:
            label = "intro"
        elif i == len(bounds) - 2 and len(bounds) > 3 and rel[i] < 0.7 and b - a < 25:
            label = "outro"
        sections.append(Section(float(a), float(b), label, float(round(rel[i], 3))))
    return tuple(sections)


# --- vocal estimate, loudness, features -----------------------------------------------------------

def vocal_presence(audio: np.ndarray, sample_rate: int) -> float:
    """Share of the mid channel's 300-3400 Hz energy that is centred (L ~ R): a cheap vocal indicator."""
    import scipy.signal as sig

    step = max(1, len(audio) // (sample_rate * 60))  # a decimated look is enough for one number
    left, right = audio[::step, 0], audio[::step, 1]
    rate = sample_rate / step
    if rate < 8000:
        left, right, rate = audio[:, 0], audio[:, 1], sample_rate
    sos = sig.butter(4, [300, min(3400, rate / 2.2)], btype="band", fs=rate, output="sos")
    mid = sig.sosfilt(sos, (left + right) / 2)
    side = sig.sosfilt(sos, (left - right) / 2)
    mid_e, side_e = float(np.mean(mid ** 2)), float(np.mean(side ** 2))
    if mid_e <= 1e-12:
        return 0.0
    return float(np.clip(1 - side_e / mid_e, 0, 1))


def _loudness(audio: np.ndarray, sample_rate: int) -> float:
    from .master import loudness

    return loudness(audio, sample_rate)


def _spectrum_bands(mono: np.ndarray) -> np.ndarray:
    frames = len(mono) // 2048
    if frames == 0:
        return np.zeros(32)
    blocks = mono[: frames * 2048].reshape(frames, 2048)[:: max(1, frames // 2000)]
    power = (np.abs(np.fft.rfft(blocks * np.hanning(2048), axis=1)) ** 2).mean(axis=0)
    freqs = np.fft.rfftfreq(2048, 1 / ANALYSIS_RATE)
    edges = np.geomspace(30, ANALYSIS_RATE / 2, 33)
    bands = np.array([power[(freqs >= a) & (freqs < b)].mean() if np.any((freqs >= a) & (freqs < b)) else 0.0
                      for a, b in zip(edges[:-1], edges[1:])])
    db = 10 * np.log10(bands + 1e-12)
    return np.clip((db - (db.max() - 60)) / 60, 0, 1)


def _onset_curve(onset_env: np.ndarray) -> np.ndarray:
    chunks = np.array_split(onset_env, 64)
    values = np.array([c.mean() if len(c) else 0.0 for c in chunks])
    return _unit_max(values)


def _segment_mean(x: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    out = np.zeros((x.shape[0], len(bounds) - 1))
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        out[:, i] = x[:, a:max(b, a + 1)].mean(axis=1)
    return out


def _unit_max(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x / x.max() if x.max() > 0 else x
