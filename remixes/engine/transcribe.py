"""The song's own parts as notes: vocal melody, lead melody, bass line, and chords per beat.

basic-pitch's note model (Spotify, Apache-2.0; its ONNX file ships inside the basic-pitch wheel) gives
per-frame note and onset activations for the 88 piano keys at ~86 frames/s. Melody and bass lines are
read from them as one note at a time (the most active key in a register, or the highest one for a lead
played among chords); chords per beat come from the accompaniment's activations folded to pitch classes.
The result is a small picklable dataclass, so the stems cache can keep it with the stems.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from .decode import mono_of, resample
from .music import Chord, Note

MODEL_RATE = 22050
_HOP = 256
_WINDOW = 43844                      # the model's input: 2 s at 22.05 kHz minus one hop
_OVERLAP_FRAMES = 30
_FRAMES_PER_WINDOW = 172
_FPS = MODEL_RATE / _HOP             # ~86.13 frames per second
_LOWEST_MIDI = 21                    # the model's 88 keys start at A0
_BATCH = 8

@dataclass(frozen=True)
class SongParts:
    vocal_melody: tuple[Note, ...]  # from the vocal stem; empty for an instrumental song
    lead_melody: tuple[Note, ...]   # the top line of the accompaniment
    bass_line: tuple[Note, ...]
    chords: tuple[Chord, ...]       # one per beat; root -1 = nothing played
    has_vocal: bool
    notes: tuple = field(default=())   # sentences for the plan: what was found
    fidelity: float = 1.0    # how much of the song's pitch content these notes explain (centred-chroma cosine)
    third_presence: float = 1.0  # how clearly the typical chord sounds its third (0: power chords, see thirds_heard)
    tones: tuple = ()        # per beat (start, end, pitch classes loudest first): what the accompaniment sounds

    @property
    def melody(self) -> tuple[Note, ...]:
        """The line a listener follows: the sung one when there is a singer, else the lead."""
        return self.vocal_melody if self.has_vocal and len(self.vocal_melody) >= 4 else self.lead_melody


@dataclass(frozen=True)
class Heard:
    """What the note model hears in the stems (`hear`): the heavy half of transcribe_parts, which needs
    nothing from the song's analysis, so it can run before the analysis is done."""
    acc_mono: np.ndarray                       # 22.05 kHz
    acc_activations: tuple[np.ndarray, np.ndarray]
    vocal_mono: np.ndarray | None
    vocal_activations: tuple[np.ndarray, np.ndarray] | None  # None when the stem holds no vocal
    has_vocal: bool | None


VOCAL_STEM_MIN_LEVEL = 0.2  # vocal stem RMS / accompaniment RMS (-14 dB) below which no singer is heard


def hear(vocals: np.ndarray | None, accompaniment: np.ndarray, sr: int, has_vocal: bool | None = None) -> Heard:
    """The stems' mono mixes and note activations (see transcribe_parts for the arguments)."""
    acc_mono = _mono(accompaniment, sr)
    acc_activations = activations(acc_mono)
    vocal_mono, vocal_activations = None, None
    if vocals is not None:
        vocal_mono = _mono(vocals, sr)
        if has_vocal is None:
            # a singer is heard within ~14 dB of the accompaniment; fainter is the separator's bleed of
            # instruments (an instrumental's lead at -18 dB gave a "sung" melody that the band then left out)
            has_vocal = _rms(vocal_mono) > VOCAL_STEM_MIN_LEVEL * _rms(acc_mono) and _rms(vocal_mono) > 1e-4
        if has_vocal:
            vocal_activations = activations(vocal_mono)
    return Heard(acc_mono, acc_activations, vocal_mono, vocal_activations, has_vocal)


def transcribe_parts(vocals: np.ndarray | None, accompaniment: np.ndarray, sr: int, *,
                     beat_times=None, key_tonic: int | None = None, mode: str | None = None,
                     bass: np.ndarray | None = None, has_vocal: bool | None = None,
                     heard: Heard | None = None) -> SongParts:
    """Notes of the vocal melody (from `vocals`), the lead and the bass line (from `accompaniment`, or
    `bass` when a bass stem is given) and chords per beat (`beat_times` in seconds; a 0.5 s grid when
    None), all in seconds on the source's timeline. Audio is (n,) or (n, channels) float at `sr`.
    `heard`: `hear(vocals, accompaniment, sr, has_vocal)` computed beforehand (then not computed here)."""
    heard = heard or hear(vocals, accompaniment, sr, has_vocal)
    acc_mono, (acc_note, acc_onset), has_vocal = heard.acc_mono, heard.acc_activations, heard.has_vocal
    duration = len(acc_mono) / MODEL_RATE
    notes: list[str] = []

    vocal_line: tuple = ()
    if heard.vocal_activations is not None:
        vocal_line = line(*heard.vocal_activations, low=40, high=84, threshold=0.3)
    has_vocal = bool(has_vocal) and len(vocal_line) >= 4

    if bass is not None:
        b_note, b_onset = activations(_mono(bass, sr))
    else:
        b_note, b_onset = acc_note, acc_onset
    bass_line = line(b_note, b_onset, low=28, high=55, threshold=0.25)
    lead_line = line(acc_note, acc_onset, low=55, high=96, threshold=0.4, top=True)

    beats = np.asarray(beat_times if beat_times is not None and len(beat_times) >= 2 else
                       np.arange(0.0, duration, 0.5), dtype=float)
    chords, key_tonic, mode = chords_per_beat(acc_note, beats, duration, key_tonic, mode,
                                              audio_chroma=(acc_chroma := _audio_chroma(acc_mono)))

    sounding = _audio_chroma(acc_mono if heard.vocal_mono is None else _sum_padded(acc_mono, heard.vocal_mono))
    fidelity = explained(sounding, chords, bass_line, vocal_line if has_vocal else lead_line)
    played = sum(1 for c in chords if c.played)
    notes.append(
        "Transcribed (basic-pitch): "
        + (f"vocal melody {len(vocal_line)} notes, " if has_vocal else "no sung melody, ")
        + f"lead {len(lead_line)} notes, bass line {len(bass_line)} notes, chords on {played} of {len(chords)} beats; "
        + f"they explain {fidelity:.0%} of the song's pitch content.")
    return SongParts(vocal_melody=vocal_line if has_vocal else (), lead_melody=lead_line, bass_line=bass_line,
                     chords=chords, has_vocal=has_vocal, notes=tuple(notes), fidelity=fidelity,
                     third_presence=thirds_heard(acc_chroma, chords), tones=beat_tones(acc_chroma, chords))


_CHROMA_HOP = 2048


def _audio_chroma(mono: np.ndarray) -> np.ndarray:
    """(frames, 12) short-time chroma of 22.05 kHz audio, ~10.8 frames/s."""
    import librosa

    return librosa.feature.chroma_stft(y=mono, sr=MODEL_RATE, n_fft=2 * _CHROMA_HOP, hop_length=_CHROMA_HOP).T


def explained(heard: np.ndarray, chords, bass_line, melody, block_seconds: float = 0.5) -> float:
    """Mean cosine, over half-second blocks, between the mean-removed chroma of the audio (`heard`,
    from _audio_chroma) and that of the transcribed notes (triads, bass, melody): near 1 when the notes
    say what a listener hears, near 0 when they are unrelated. On game-music test songs: 0.76 for a
    clean rock song, 0.35-0.55 for dense distorted metal."""
    fps = MODEL_RATE / _CHROMA_HOP
    block = max(1, int(round(block_seconds * fps)))
    n_blocks = len(heard) // block
    if n_blocks < 2:
        return 0.0
    energy = heard[: n_blocks * block].reshape(n_blocks, block, 12).sum(axis=(1, 2))
    heard = heard[: n_blocks * block].reshape(n_blocks, block, 12).mean(axis=1)
    played = np.zeros((n_blocks, 12))

    def add(start, end, pcs, weight):
        a, b = int(start * fps / block), int(np.ceil(end * fps / block))
        for pc in pcs:
            played[max(a, 0):min(b, n_blocks), pc % 12] += weight

    from .analyse import CHORD_SHAPES

    for start, end, root, quality in chords:
        if root >= 0:
            add(start, end, [root + i for i in CHORD_SHAPES.get(quality, (0, 4, 7))], 1.0)
    for start, end, pitch, _ in bass_line:
        add(start, end, [pitch], 1.0)
    for start, end, pitch, _ in melody:
        add(start, end, [pitch], 1.0)
    heard -= heard.mean(axis=1, keepdims=True)
    played -= played.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(heard, axis=1) * np.linalg.norm(played, axis=1)
    valid = (norms > 1e-9) & (energy > 0.01 * energy.max())
    if not valid.any():
        return 0.0
    return float(np.mean(np.sum(heard * played, axis=1)[valid] / norms[valid]))


def thirds_heard(heard: np.ndarray, chords) -> float:
    """How clearly the accompaniment sounds its chords' thirds: per played chord, the third's chroma above
    the chord's floor (the median of the pitch classes outside it) as a share of its root's and fifth's,
    0..1; the median over the chords. Distorted rock plays power chords: 0.0-0.04 on four game-music
    songs; generated triads 0.19-0.22. `heard` is _audio_chroma of the accompaniment."""
    fps = MODEL_RATE / _CHROMA_HOP
    shares = []
    for chord in chords:
        if not chord.played or chord.quality not in _THIRD_OF:
            continue
        a = int(chord.start * fps)
        v = heard[a:max(int(chord.end * fps), a + 1)].mean(axis=0) if a < len(heard) else None
        if v is None or not np.isfinite(v).all():
            continue
        third = (chord.root + _THIRD_OF[chord.quality]) % 12
        own = {chord.root % 12, (chord.root + 7) % 12, third, (chord.root + 10) % 12}
        floor = float(np.median([v[i] for i in range(12) if i not in own]))
        frame = (v[chord.root % 12] + v[(chord.root + 7) % 12]) / 2 - floor
        if frame > 1e-6:
            shares.append(float(np.clip((v[third] - floor) / frame, 0, 1)))
    return round(float(np.median(shares)), 3) if shares else 1.0


_THIRD_OF = {"maj": 4, "min": 3, "7": 4}
TONES_PER_BEAT = 3


def beat_tones(heard: np.ndarray, chords, count: int = TONES_PER_BEAT) -> tuple:
    """Per beat (each chord of `chords` spans one), up to `count` pitch classes the accompaniment sounds
    loudest (`heard`: its _audio_chroma), loudest first, each at least half as far above the beat's median
    as the loudest one; none on a silent beat. A chord template says what a triad would sound; these say
    what the song does (a riff's passing tones, a power chord's missing third), so the band can voice them
    (arrange._heard_voicing). How well each explains the song's chroma (explained's block cosine): on a
    death-metal song the beat's template triads 0.41, the same as power chords 0.53, the three loudest
    pitch classes 0.74; on a clean rock song 0.58 / 0.69 / 0.81."""
    fps = MODEL_RATE / _CHROMA_HOP
    out = []
    for chord in chords:
        a = int(chord.start * fps)
        v = heard[a:max(int(chord.end * fps), a + 1)].mean(axis=0) if a < len(heard) else np.zeros(12)
        floor = float(np.median(v))
        top = float(v.max()) - floor
        loudest = [int(pc) for pc in np.argsort(-v, kind="stable")[:count] if top > 1e-6 and v[pc] - floor >= 0.5 * top]
        out.append((chord.start, chord.end, tuple(loudest)))
    return tuple(out)


def _sum_padded(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = max(len(a), len(b))
    out = np.zeros((n,) + a.shape[1:], dtype=np.float32)
    out[: len(a)] += a
    out[: len(b)] += b
    return out


# --- the model -------------------------------------------------------------------------------------

def model_file() -> Path:
    spec = importlib.util.find_spec("basic_pitch")  # located, not imported: its __init__ probes TensorFlow
    if spec is None or not spec.submodule_search_locations:
        from .models import ModelMissing

        raise ModelMissing("basic-pitch is not installed: `pip install --no-deps -r requirements-nodeps.txt`.")
    return Path(list(spec.submodule_search_locations)[0]) / "saved_models" / "icassp_2022" / "nmp.onnx"


@cache
def _session():
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    # idle pool threads sleep instead of spinning: in a remix the note model runs while the other helper
    # still analyses the song (pipeline._hear_files), which needs that core
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(model_file()), options, providers=["CPUExecutionProvider"])


def activations(mono: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(note, onset) activations, each (frames, 88) in 0..1, for 22.05 kHz mono audio."""
    session = _session()
    overlap = _OVERLAP_FRAMES * _HOP
    hop = _WINDOW - overlap
    padded = np.concatenate([np.zeros(overlap // 2, np.float32), mono.astype(np.float32)])
    starts = list(range(0, len(padded), hop)) or [0]
    notes, onsets = [], []
    for i in range(0, len(starts), _BATCH):
        batch = np.zeros((len(starts[i:i + _BATCH]), _WINDOW, 1), np.float32)
        for k, s in enumerate(starts[i:i + _BATCH]):
            piece = padded[s:s + _WINDOW]
            batch[k, :len(piece), 0] = piece
        note, onset = session.run(["StatefulPartitionedCall:1", "StatefulPartitionedCall:2"],
                                  {"serving_default_input_2:0": batch})
        half = _OVERLAP_FRAMES // 2
        notes.append(note[:, half:-half].reshape(-1, 88))
        onsets.append(onset[:, half:-half].reshape(-1, 88))
    n_frames = int(len(mono) * _FPS / MODEL_RATE)
    return np.concatenate(notes)[:n_frames], np.concatenate(onsets)[:n_frames]


# --- lines -----------------------------------------------------------------------------------------

def line(note: np.ndarray, onset: np.ndarray, low: int, high: int, threshold: float, top: bool = False,
         min_seconds: float = 0.09) -> tuple[Note, ...]:
    """One note at a time in MIDI range [low, high]: the most active key (or, with `top`, the highest
    key above `threshold`) per frame, smoothed, cut into notes at pitch changes and at re-struck onsets."""
    if not len(note):
        return ()
    a, b = low - _LOWEST_MIDI, high - _LOWEST_MIDI + 1
    band = note[:, a:b]
    strongest = band.max(axis=1)
    if top:
        above = band > threshold
        index = np.where(above.any(axis=1), b - a - 1 - np.argmax(above[:, ::-1], axis=1), -1)
    else:
        index = np.where(strongest > threshold, np.argmax(band, axis=1), -1)
    index = _median(index, 5)
    pitch = np.where(index >= 0, index + low, -1)
    frames = len(pitch)
    restruck = np.zeros(frames, dtype=bool)
    if frames > 2:
        at = onset[np.arange(frames), np.clip(pitch - _LOWEST_MIDI, 0, 87)]
        peak = (at[1:-1] > 0.5) & (at[1:-1] >= at[:-2]) & (at[1:-1] >= at[2:])
        restruck[1:-1] = peak
    out: list[Note] = []
    start = 0
    for t in range(1, frames + 1):
        if t < frames and pitch[t] == pitch[t - 1] and not restruck[t]:
            continue
        p = int(pitch[start])
        if p >= 0 and (t - start) / _FPS >= min_seconds:
            level = float(band[start:t, p - low].mean())
            velocity = int(np.clip(40 + 80 * level, 30, 120))
            out.append(Note(round(start / _FPS, 4), round(t / _FPS, 4), p, velocity))
        start = t
    return tuple(_join_gaps(out))


def _join_gaps(notes: list[Note], gap: float = 0.035) -> list[Note]:
    """A note of the same pitch resuming after a dropout of a frame or three is the same note."""
    out: list[Note] = []
    for n in notes:
        last = out[-1] if out else None
        if last and last.pitch == n.pitch and n.start - last.end <= gap and n.velocity <= last.velocity + 10:
            out[-1] = last._replace(end=n.end)
        else:
            out.append(n)
    return out


def _median(index: np.ndarray, width: int) -> np.ndarray:
    """Median filter of a pitch track where -1 marks silence (silence wins only by majority)."""
    import scipy.ndimage as ndi

    return ndi.median_filter(index, size=width, mode="nearest")


# --- chords ----------------------------------------------------------------------------------------

def chords_per_beat(note: np.ndarray, beats: np.ndarray, duration: float, key_tonic: int | None,
                    mode: str | None, audio_chroma: np.ndarray | None = None) -> tuple[tuple[Chord, ...], int, str]:
    """A chord on every beat from the activations folded to pitch classes (bass keys weigh double),
    and, when given, the accompaniment's own short-time chroma (`audio_chroma`, from _audio_chroma), each
    scaled to its loudest pitch class per beat: in dense distorted mixes the note model misses much of
    what the spectrum still shows (measured chord-only match to the song's chroma on game-music songs:
    death metal 0.30 -> 0.40, a rock song 0.47 -> 0.52, a clean one 0.62 either way); the key, when not
    given, from the activations' chroma."""
    from .analyse import _chords_per_segment, _key

    weights = np.ones(88)
    weights[: 55 - _LOWEST_MIDI] = 2.0
    chroma = np.zeros((12, len(note)))
    for k in range(88):
        chroma[(k + _LOWEST_MIDI) % 12] += note[:, k] * weights[k]
    energy = note.max(axis=1)
    if key_tonic is None or mode is None:
        key_tonic, mode, _ = _key(chroma + 1e-6, energy + 1e-6)
    edges = np.unique(np.clip(np.concatenate([[0.0], beats, [duration]]), 0, duration))
    frames = np.clip((edges * _FPS).astype(int), 0, max(len(note), 1))
    beat_chroma = np.stack([chroma[:, a:max(b, a + 1)].mean(axis=1) if b > a else np.zeros(12)
                            for a, b in zip(frames[:-1], frames[1:])], axis=1)
    beat_energy = np.array([energy[a:b].mean() if b > a else 0.0 for a, b in zip(frames[:-1], frames[1:])])
    if audio_chroma is not None and len(audio_chroma):
        heard = np.asarray(audio_chroma, dtype=float).T
        at = np.clip((edges * MODEL_RATE / _CHROMA_HOP).astype(int), 0, heard.shape[1])
        heard_beats = np.stack([heard[:, a:max(b, a + 1)].mean(axis=1) if a < heard.shape[1] else np.zeros(12)
                                for a, b in zip(at[:-1], at[1:])], axis=1)
        beat_chroma = _peak_scaled(beat_chroma) + _peak_scaled(heard_beats)
    ids = _chords_per_segment(beat_chroma + 1e-6, beat_energy, key_tonic, mode)
    chords = tuple(Chord(round(float(edges[i]), 4), round(float(edges[i + 1]), 4), int(r), q)
                   for i, (r, q) in enumerate(ids))
    return chords, int(key_tonic), mode


def _peak_scaled(chroma: np.ndarray) -> np.ndarray:
    """(12, beats) chroma with each beat's loudest pitch class at 1 (a silent beat stays 0)."""
    return chroma / (chroma.max(axis=0, keepdims=True) + 1e-9)


def _mono(audio: np.ndarray, sr: int) -> np.ndarray:
    mono = mono_of(np.asarray(audio, dtype=np.float32))
    return resample(mono, sr, MODEL_RATE).astype(np.float32)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0
