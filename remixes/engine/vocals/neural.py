"""The neural singing voice: Piper's en_US "joe" VITS voice, every phoneme held as long as its note asks,
then WORLD (pyworld) to put the voice exactly on the notes and to move it toward a gender.

scripts/models/20-piper-joe.sh cuts the voice's duration rounding out of the graph, so the lengths of all
phonemes are an input ("durations", frames of 256 samples at 22.05 kHz), and keeps the encoder and
duration predictor as a second, small graph that gives the voice's own lengths. A line's natural lengths
come from the small graph; then the voice sings it with the lengths the notes give: onset consonants as spoken and ending on the note,
the vowel filling the note, coda consonants after it. The word timestamps are those lengths, exactly.
The voice then goes through WORLD: its f0 is replaced by the notes' pitch curve (glides, vibrato), its
spectral envelope warped for the gender (the voice is male; female and neutral are derived). A vowel held
longer than ~0.14 s is rendered that long by the voice and held by WORLD for the rest of its note (the
voice's own long vowel is its steady state repeated, with a periodic flutter): the bench's repeat remix
sings in 2.4 s of CPU instead of 3.9 s.
"""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from dataclasses import dataclass

import numpy as np

from ..models import model_path
from .placement import Note
from .singing import _shift_formants, delivered, synthesized
from .speech import ipa_of
from .world import pyworld

MODEL = "piper-joe-singing.onnx"
DURATIONS_MODEL = "piper-joe-durations.onnx"   # its encoder and duration predictor alone
SAMPLE_RATE = 22050
HOP = 256
FRAME = HOP / SAMPLE_RATE                 # one duration unit of the voice, ~11.6 ms
WORLD_PERIOD_MS = 5.0
_SCALES = np.array([0.0, 1.0, 0.0], dtype=np.float32)   # no noise: deterministic, and as clear as any
_VOWELS = set("aeiouyæɐɑɒɔəɚɛɜɞɘɪʊʌɵᵻøœɤɯʉɨɶʏ")
_VOWEL_MARKS = set("ː˞ˑ")
_DIPHTHONGS = {("e", "ɪ"), ("a", "ɪ"), ("ɔ", "ɪ"), ("o", "ʊ"), ("a", "ʊ"), ("ə", "ʊ")}
_STRESS = set("ˈˌ")
# Reduced vowels fade when held: singers open them ("the" is sung "thuh"), and so does this voice.
_SUNG_VOWELS = {"ə": "ʌ", "ɐ": "ʌ", "ᵻ": "ɪ", "ɚ": "ɜ˞"}
_LEAD_IN, _TAIL = 0.06, 0.08               # seconds of BOS / EOS around a line
_MIN_VOWEL = 0.06
_GAP_SOUND = 0.04                         # a word gap longer than this is silence after it
# A vowel held longer than this is rendered this long (or as long as the voice says it) by the model and held
# by WORLD for the rest of its note; the model's own held vowel is its steady state repeated (no noise), so
# this is the same sound for less of the model's work. _KEEP_FRAMES at each end stay as rendered. A rest
# between words (silent after _GAP_SOUND) is rendered _GAP_FRAMES long at most.
_HELD_FRAMES = 12                         # ~0.14 s
_KEEP_FRAMES = 4                          # ~46 ms
_GAP_FRAMES = 3 * _KEEP_FRAMES            # a rest between words: silent after _GAP_SOUND (see render)


@dataclass(frozen=True)
class Unit:
    ids: tuple[int, ...]      # phoneme ids (a phone is followed by its pad)
    word: int                 # spoken-token index, -1 for line start/end and word gaps
    vowel: bool
    text: str                 # the IPA it stands for


@dataclass(frozen=True)
class NeuralLine:
    units: tuple[Unit, ...]
    natural: tuple[float, ...]          # seconds per unit, as the voice says it
    id_frames: tuple[float, ...]        # frames per phoneme id, as the voice says it
    syllables: tuple[tuple[tuple[int, ...], int, tuple[int, ...]], ...]  # (onset units, nucleus, coda units)


@dataclass(frozen=True)
class NeuralRender:
    audio: np.ndarray          # float64 mono at SAMPLE_RATE
    start: float               # output time of audio[0]
    word_times: dict           # spoken-token index -> (start, end) output seconds


def _session(name: str):
    """A session of the model, from its optimised copy (_optimised) when there is one: it starts without
    optimising the graph again (both voice models: ~0.25 s of CPU instead of ~1 s per singer)."""
    import onnxruntime as ort

    options = _options()
    source = model_path(name)
    optimised = _optimised(source)
    if optimised.exists():
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        return ort.InferenceSession(str(optimised), options, providers=["CPUExecutionProvider"])
    # the first time: optimised here, and saved for the next sessions when the models folder is writable
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    partial = optimised.with_name(f".{optimised.name}.{os.getpid()}")
    try:
        optimised.parent.mkdir(exist_ok=True)
        options.optimized_model_filepath = str(partial)
        session = ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        os.replace(partial, optimised)
        return session
    except Exception:  # noqa: BLE001 - not writable: this session optimises the model for itself
        partial.unlink(missing_ok=True)
        return ort.InferenceSession(str(source), _options(), providers=["CPUExecutionProvider"])


def _options():
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # the pipeline renders versions in parallel processes
    options.inter_op_num_threads = 1
    return options


def _optimised(source):
    """Where the model's copy with onnxruntime's portable graph optimisations applied is kept (level
    "extended": no layouts tied to this CPU, unlike "all"): beside it, named by onnxruntime's version and
    the model file's size and time, so a new model or runtime makes a new copy. It computes the very same
    samples as the model (test) and as fast."""
    import onnxruntime as ort

    stat = source.stat()
    return source.parent / "optimised" / f"{source.stem}-ort{ort.__version__}-{stat.st_size}-{stat.st_mtime_ns}.onnx"


@functools.cache
def _voice():
    with open(str(model_path(MODEL)) + ".json", encoding="utf-8") as handle:
        config = json.load(handle)
    return _session(MODEL), config["phoneme_id_map"]


@functools.cache
def _durations():
    session = _session(DURATIONS_MODEL)
    return session, session.get_outputs()[0].name


def available() -> bool:
    try:
        model_path(MODEL)
        model_path(DURATIONS_MODEL)
    except Exception:
        return False
    return True


def _word_ipa(tokens: tuple[str, ...]) -> list[str]:
    """IPA per spoken token: the line read as a whole (weak forms: "a" -> ɐ) when espeak-ng keeps the
    words apart, else each token on its own."""
    alone = [ipa_of(token) for token in tokens]
    whole = ipa_of(" ".join(tokens))
    if len(whole) == sum(len(a) for a in alone):
        out, k = [], 0
        for a in alone:
            out.append("".join(whole[k:k + len(a)]))
            k += len(a)
        return out
    return ["".join(a) for a in alone]


@functools.lru_cache(maxsize=64)
def neural_line(tokens: tuple[str, ...]) -> NeuralLine:
    """Phonemes, syllables and the voice's natural lengths for one line of spoken tokens (cached)."""
    _, id_map = _voice()
    pad, bos, eos, space = id_map["_"][0], id_map["^"][0], id_map["$"][0], id_map[" "][0]
    units: list[Unit] = [Unit((bos, pad), -1, False, "^")]
    for k, ipa in enumerate(_word_ipa(tokens)):
        if k > 0:
            units.append(Unit((space, pad), -1, False, " "))
        for ch in "".join(_SUNG_VOWELS.get(c, c) for c in unicodedata.normalize("NFD", ipa)):
            if ch not in id_map:
                continue
            last = units[-1]
            same_word = last.word == k
            if same_word and last.vowel and (ch in _VOWEL_MARKS or unicodedata.combining(ch)
                                             or (last.text[-1], ch) in _DIPHTHONGS):
                units[-1] = Unit(last.ids + (id_map[ch][0], pad), k, True, last.text + ch)
            elif same_word and not last.vowel and unicodedata.combining(ch):
                units[-1] = Unit(last.ids + (id_map[ch][0], pad), k, False, last.text + ch)
            else:
                units.append(Unit((id_map[ch][0], pad), k, ch in _VOWELS, ch))
    units.append(Unit((eos,), -1, False, "$"))
    ids = np.array([i for u in units for i in u.ids], dtype=np.int64)[None, :]
    session, natural_name = _durations()
    outputs = session.run([natural_name], {
        "input": ids, "input_lengths": np.array([ids.shape[1]], dtype=np.int64), "scales": _SCALES})
    frames = np.ceil(outputs[0].reshape(-1))
    natural, k = [], 0
    for u in units:
        natural.append(float(frames[k:k + len(u.ids)].sum()) * FRAME)
        k += len(u.ids)
    return NeuralLine(tuple(units), tuple(natural), tuple(float(f) for f in frames), _syllables(units))


def _syllables(units: list[Unit]):
    """(onset, nucleus, coda) units per syllable: one vowel (or diphthong) each; between two vowels of a
    word, one consonant closes the first syllable when two or more stand there; a stress mark rides with
    the phone after it."""
    inword = [i for i, u in enumerate(units) if u.word >= 0]
    vowels = [i for i in inword if units[i].vowel]
    if not inword:
        return ()
    if not vowels:  # "hmm", "shh": the first sound carries the note
        phones = [i for i in inword if units[i].text not in _STRESS]
        nucleus = phones[0] if phones else inword[0]
        return ((tuple(i for i in inword if i < nucleus), nucleus, tuple(i for i in inword if i > nucleus)),)
    onsets, codas = [[i for i in inword if i < vowels[0]]], []
    for a, b in zip(vowels[:-1], vowels[1:]):
        between = [i for i in inword if a < i < b]
        if units[a].word != units[b].word:
            coda = [i for i in between if units[i].word == units[a].word]
        else:
            real = [i for i in between if units[i].text not in _STRESS]
            coda = [real[0]] if len(real) >= 2 else []
        codas.append(coda)
        onsets.append([i for i in between if i not in coda])
    codas.append([i for i in inword if i > vowels[-1]])
    return tuple((tuple(o), v, tuple(c)) for o, v, c in zip(onsets, vowels, codas))


def syllable_count(tokens: tuple[str, ...]) -> int:
    return len(neural_line(tokens).syllables)


def syllable_weights(tokens: tuple[str, ...]) -> tuple[float, ...]:
    """Spoken seconds from each syllable's vowel to the next one's (the last: its vowel and coda), so a
    dense line can be sung in the rhythm of its words."""
    line = neural_line(tokens)
    nat = line.natural
    out = []
    for n, (_, nucleus, coda) in enumerate(line.syllables):
        following = line.syllables[n + 1][0] if n + 1 < len(line.syllables) else ()
        gap = [i for i in range(nucleus + 1, (following[0] if following else nucleus + 1)) if line.units[i].word < 0]
        out.append(nat[nucleus] + sum(nat[i] for i in coda) + sum(nat[i] for i in following)
                   + sum(nat[i] for i in gap))
    return tuple(out)


def _timeline(line: NeuralLine, notes: list[Note]) -> np.ndarray:
    """Output (start, end) seconds of every unit, contiguous from the line start to its end."""
    nat = line.natural
    n_units = len(line.units)
    times = np.full((n_units, 2), np.nan)
    previous_end = max(0.0, notes[0].start - 0.35)
    syllables = line.syllables
    for n, ((onset, nucleus, coda), note) in enumerate(zip(syllables, notes)):
        onset_len = sum(nat[i] for i in onset)
        room = max(note.start - previous_end, 0.0)
        squeeze = min(1.0, room / onset_len) if onset_len > 0 else 1.0
        cursor = note.start - onset_len * squeeze
        for i in onset:
            times[i] = (cursor, cursor + nat[i] * squeeze)
            cursor += nat[i] * squeeze
        if n + 1 < len(syllables):
            next_onset = sum(nat[i] for i in syllables[n + 1][0])
            next_start = notes[n + 1].start
            next_onset_start = next_start - min(next_onset, 0.5 * (next_start - note.start))
            following = syllables[n + 1][1]
            if line.units[nucleus].word == line.units[following].word:
                limit = next_onset_start
            else:
                # the word gap keeps its spoken length (the voice garbles words run together with none)
                gap = sum(nat[i] for i in range(nucleus + 1, following) if line.units[i].word < 0)
                limit = min(note.end, next_onset_start - min(gap, 0.3 * (next_onset_start - note.start)))
        else:
            limit = note.end
        coda_len = sum(nat[i] for i in coda)
        available = max(limit - note.start, _MIN_VOWEL)
        coda_scale = 1.0 if available - coda_len >= _MIN_VOWEL else max(available - _MIN_VOWEL, 0.0) / coda_len
        vowel_end = note.start + max(_MIN_VOWEL, available - coda_len * coda_scale)
        times[nucleus] = (note.start, vowel_end)
        cursor = vowel_end
        for i in coda:
            times[i] = (cursor, cursor + nat[i] * coda_scale)
            cursor += nat[i] * coda_scale
        previous_end = cursor
    # line start and end, and the word gaps, fill what is left
    first = next(i for i in range(n_units) if not np.isnan(times[i, 0]))
    times[0] = (times[first, 0] - _LEAD_IN, times[first, 0])
    last = max(i for i in range(n_units) if not np.isnan(times[i, 0]))
    times[n_units - 1] = (times[last, 1], times[last, 1] + _TAIL)
    for i in range(1, n_units - 1):
        if np.isnan(times[i, 0]):  # a gap (or a unit no syllable claimed): from the previous end to the next start
            before = times[:i][~np.isnan(times[:i, 0])][-1, 1]
            after = next(times[j, 0] for j in range(i + 1, n_units) if not np.isnan(times[j, 0]))
            times[i] = (before, max(before, after))
    for i in range(1, n_units):  # contiguous, never backwards
        times[i, 0] = times[i - 1, 1]
        times[i, 1] = max(times[i, 1], times[i, 0])
    return times


def _frames(line: NeuralLine, times: np.ndarray) -> np.ndarray:
    """Frames per unit: unit boundaries rounded on the frame grid (no drift along the line)."""
    origin = times[0, 0]
    edges = np.round((np.append(times[:, 0], times[-1, 1]) - origin) / FRAME).astype(int)
    return np.diff(np.maximum.accumulate(edges))


def _id_frames(line: NeuralLine, unit_frames: np.ndarray) -> np.ndarray:
    """Frames per phoneme id: inside a unit its ids share the unit's frames as the voice shares them when it
    speaks (a phone and its pad)."""
    natural = np.asarray(line.id_frames)
    durations, k = [], 0
    for u, frames in zip(line.units, unit_frames):
        share = natural[k:k + len(u.ids)]
        k += len(u.ids)
        cumulative = np.concatenate([[0.0], np.cumsum(share)]) / max(float(share.sum()), 1e-9)
        durations.extend(np.diff(np.round(cumulative * frames)).astype(int))
    return np.array(durations, dtype=np.float32)


def _spoken_frames(line: NeuralLine, unit_frames: np.ndarray) -> np.ndarray:
    """Frames per unit the voice model renders: a vowel held longer than _HELD_FRAMES (or than the voice says
    it, when that is longer) is rendered that long, a rest between words _GAP_FRAMES; WORLD then holds them
    for the rest of their time (_time_map)."""
    natural = np.asarray(line.id_frames)
    out, k = np.array(unit_frames), 0
    for i, u in enumerate(line.units):
        if u.vowel or u.word < 0:
            cap = _HELD_FRAMES if u.vowel else _GAP_FRAMES
            out[i] = min(out[i], max(cap, int(natural[k:k + len(u.ids)].sum())))
        k += len(u.ids)
    return out


def _time_map(sung_frames: np.ndarray, spoken_frames: np.ndarray):
    """Knots (output frame, rendered frame) of a piecewise-linear map from the sung line's time to the rendered
    take's: one to one except inside a shortened vowel, whose first and last _KEEP_FRAMES (the way in from
    its onset and out to its coda) stay as rendered and whose middle is stretched over the rest of the note."""
    out_edges = np.concatenate([[0], np.cumsum(sung_frames)])
    src_edges = np.concatenate([[0], np.cumsum(spoken_frames)])
    knots = [(0.0, 0.0)]
    for i in range(len(sung_frames)):
        o0, o1, s0, s1 = out_edges[i], out_edges[i + 1], src_edges[i], src_edges[i + 1]
        if o1 - o0 > s1 - s0:
            keep = min(_KEEP_FRAMES, (s1 - s0) / 3)
            knots += [(o0 + keep, s0 + keep), (o1 - keep, s1 - keep)]
        knots.append((float(o1), float(s1)))
    out, src = np.array(knots).T
    return out, src


def render(tokens: tuple[str, ...], notes: list[Note], pitch_curve, formant_ratio: float, breath: float,
           rng, delivery: str = "") -> NeuralRender:
    """Sing one line of spoken tokens on its notes (one per syllable), as `delivery` asks (singing.delivered).
    `pitch_curve(t) -> Hz`."""
    line = neural_line(tokens)
    times = _timeline(line, notes)
    sung_frames = _frames(line, times)
    durations = _id_frames(line, sung_frames)
    spoken_frames = _spoken_frames(line, sung_frames)
    session, _ = _voice()
    ids = np.array([i for u in line.units for i in u.ids], dtype=np.int64)[None, :]
    audio = session.run(["output"], {
        "input": ids, "input_lengths": np.array([ids.shape[1]], dtype=np.int64), "scales": _SCALES,
        "durations": _id_frames(line, spoken_frames).reshape(1, 1, -1)})[0].reshape(-1).astype(np.float64)
    start = float(times[0, 0])
    # exact unit times on the frame grid the voice used
    edges = np.concatenate([[0], np.cumsum(durations)])
    unit_edges, k = [], 0
    for u in line.units:
        unit_edges.append((start + edges[k] * FRAME, start + edges[k + len(u.ids)] * FRAME))
        k += len(u.ids)
    words: dict[int, list[float]] = {}
    for u, (a, b) in zip(line.units, unit_edges):
        if u.word >= 0 and b > a:
            span = words.setdefault(u.word, [a, b])
            span[0], span[1] = min(span[0], a), max(span[1], b)
    vowel_spans = [unit_edges[v] for _, v, _ in line.syllables]
    gaps = [(a + _GAP_SOUND, b) for u, (a, b) in zip(line.units, unit_edges) if u.word < 0 and b - a > _GAP_SOUND]
    gaps.append((unit_edges[-1][0] + 0.03, unit_edges[-1][1] + 1.0))
    gaps.append((-1.0, unit_edges[0][1] - 0.02))
    sung = _world(audio, int(durations.sum()) * HOP, _time_map(sung_frames, spoken_frames), start, pitch_curve,
                  vowel_spans, gaps, formant_ratio, breath, delivery,
                  int(rng.integers(1 << 31)) if delivery == "whisper" else 0)
    return NeuralRender(sung, start, {k: tuple(v) for k, v in words.items()})


def _world(audio: np.ndarray, length: int, time_map, start: float, pitch_curve, vowel_spans, gaps,
           formant_ratio: float, breath: float, delivery: str = "", seed: int = 0) -> np.ndarray:
    """The rendered take (`audio`) analysed by WORLD, laid on the sung line's time (`time_map`, _time_map's knots:
    its held vowels held) and resynthesised on the notes' pitch curve: `length` samples."""
    sr = SAMPLE_RATE
    x = audio if len(audio) >= sr // 20 else np.pad(audio, (0, sr // 20 - len(audio)))
    f0, t = _analysed_f0(x, sr)
    sp = pyworld.cheaptrick(x, f0, t, sr)
    ap = _aperiodicity(x, f0, t, sr)
    f0, sp, ap, t = _held(f0, sp, ap, time_map, length / sr)
    out_t = start + t
    in_vowel = np.zeros(len(t), dtype=bool)
    for a, b in vowel_spans:
        in_vowel |= (out_t >= a) & (out_t < b)
    silent = np.zeros(len(t), dtype=bool)
    for a, b in gaps:
        silent |= (out_t >= a) & (out_t < b)
    src_voiced = f0 > 0
    voiced = (src_voiced | in_vowel) & ~silent
    for a, b in vowel_spans:  # a held vowel keeps the loudness of its start (the voice lets it fade)
        frames = np.flatnonzero((out_t >= a) & (out_t < b))
        if len(frames) < 30:
            continue
        power = sp[frames].sum(axis=1)
        reference = float(np.median(power[:16]))
        gain = np.clip(reference / np.maximum(power, 1e-20), 1.0, 16.0)
        gain = np.convolve(gain, np.ones(9) / 9, mode="same")
        sp[frames] *= np.maximum(gain, 1.0)[:, None]
    forced = voiced & ~src_voiced
    if forced.any():
        template = np.median(ap[src_voiced], axis=0) if src_voiced.any() else np.full(ap.shape[1], 0.05)
        ap[forced] = np.minimum(ap[forced], template)
    target = np.where(voiced, pitch_curve(out_t), 0.0)
    sp = _shift_formants(sp, formant_ratio)
    ap = delivered(ap, breath, delivery, sr)
    # silence where the line rests, with 10 ms ramps so nothing clicks
    gain = (~silent).astype(float)
    kernel = np.ones(3) / 3
    gain = np.convolve(gain, kernel, mode="same")
    sp = sp * (gain[:, None] ** 2)
    np.maximum(sp, 1e-16, out=sp)
    ap[silent] = 1.0
    y = synthesized(target, sp, ap, sr, WORLD_PERIOD_MS, delivery, seed)
    return y[:length] if len(y) >= length else np.pad(y, (0, length - len(y)))


def _held(f0: np.ndarray, sp: np.ndarray, ap: np.ndarray, time_map, seconds: float):
    """WORLD's frames of the rendered take, read at the sung line's frame times through `time_map` (knots in
    voice frames): envelope and aperiodicity interpolated between the two nearest analysed frames, the
    voicing of the nearest. (f0, sp, ap, t) every WORLD_PERIOD_MS over `seconds`."""
    out_knots, src_knots = time_map
    t = np.arange(int(seconds * 1000 / WORLD_PERIOD_MS) + 1) * WORLD_PERIOD_MS / 1000
    position = np.interp(t / FRAME, out_knots, src_knots) * FRAME / (WORLD_PERIOD_MS / 1000)
    position = np.clip(position, 0, len(f0) - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(f0) - 1)
    weight = (position - below)[:, None]
    sp = sp[below] * (1 - weight) + sp[above] * weight
    ap = ap[below] * (1 - weight) + ap[above] * weight
    f0 = f0[np.round(position).astype(int)]
    return f0, sp, ap, t


def _aperiodicity(x: np.ndarray, f0: np.ndarray, t: np.ndarray, sr: int) -> np.ndarray:
    """WORLD's D4C aperiodicity on every other frame and on both sides of each voicing change, linear in
    between: D4C weighs some three pitch periods (~25 ms for this voice) around a frame, so frames 10 ms apart
    miss little, and it was the singer's largest cost after the voice model (1.3 s of CPU for the bench's
    28 s of singing). The vocal differs from one with D4C on every frame by 0.04 dB on average (log-mel
    distance; 1 dB at most, on a quiet transition), its harmonics-to-noise ratio by 0.06 dB."""
    voiced = f0 > 0
    change = voiced[1:] != voiced[:-1]
    analysed = np.zeros(len(f0), dtype=bool)
    analysed[::2] = True
    analysed[-1] = True
    analysed[1:] |= change
    analysed[:-1] |= change
    frames = np.flatnonzero(analysed)
    some = pyworld.d4c(x, np.ascontiguousarray(f0[frames]), np.ascontiguousarray(t[frames]), sr)
    every = np.arange(len(f0))
    after = np.searchsorted(frames, every)  # the analysed frame at or after each frame
    before = np.maximum(after - 1, 0)
    span = frames[after] - frames[before]
    weight = np.where(span > 0, (every - frames[before]) / np.maximum(span, 1), 1.0)[:, None]
    return some[before] * (1 - weight) + some[after] * weight


def _analysed_f0(x: np.ndarray, sr: int):
    """The voice's own f0 every 5 ms (for WORLD's envelope and aperiodicity analysis): Praat's
    autocorrelation pitch, ~10x faster than WORLD's harvest; WORLD's dio halves and doubles on this voice."""
    import parselmouth

    n_frames = int(len(x) / sr * 1000 / WORLD_PERIOD_MS) + 1
    t = np.arange(n_frames) * WORLD_PERIOD_MS / 1000
    pitch = parselmouth.Sound(x, sampling_frequency=sr).to_pitch_ac(
        time_step=WORLD_PERIOD_MS / 1000, pitch_floor=65.0, pitch_ceiling=300.0)
    xs, f = pitch.xs(), pitch.selected_array["frequency"]
    nearest = np.clip(np.round((t - xs[0]) / (WORLD_PERIOD_MS / 1000)).astype(int), 0, len(xs) - 1) if len(xs) else None
    f0 = f[nearest] if nearest is not None else np.zeros(n_frames)
    f0 = np.where((t < xs[0] - 0.01) | (t > xs[-1] + 0.01), 0.0, f0) if len(xs) else f0
    return np.ascontiguousarray(f0, dtype=np.float64), t
