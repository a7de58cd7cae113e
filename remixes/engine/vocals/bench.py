"""`python -m remixes.engine.vocals.bench`: is the sung voice understood in the finished mix, is it on the
notes, and what does singing cost.

For each gender it sings ~2000 characters of lyrics over a synthetic 3-minute song (remixes.engine.bench's
make_song: chords, bass, drums and a lead melody of its own), puts the voice through the pipeline's own
vocal chain, level (`_in_front`) and master, and asks an independent recognizer (Whisper base, through
remixes.engine.asr) what it hears: word recall of the vocal alone and of the finished mix. It also prints
how much of the voiced singing is within 50 cents of its notes, the median f0, and seconds of singing
per minute of song (one core).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from .guide import VocalGuide  # noqa: E402
from .performer import Performance, perform  # noqa: E402

LYRICS = """[Verse]
The morning train is rolling through the valley
I watch the fields go by in shades of gold
My mother said to never stop believing
That every road will lead you back to home
The river bends and carries all our letters
The bridges hold the stories of the town
I hear the bells across the quiet water
And every step I take is coming down

[Chorus]
So raise your hands and let the music carry
We are the lights that shine across the sea
So raise your voice and let the thunder hurry
We are the fire and the fire is free

[Verse]
The diner sign is flashing on the corner
A waitress sings a song about the rain
The cars go by with windows full of summer
And nobody remembers every name
I kept a photograph of you in April
You wore a yellow ribbon in your hair
We counted stars above the empty table
And promised that we would always be there

[Chorus]
So raise your hands and let the music carry
We are the lights that shine across the sea
So raise your voice and let the thunder hurry
We are the fire and the fire is free

[Bridge]
When the winter comes and the garden sleeps
I will plant a seed for the one who keeps
Every broken word that we never said
Like a candle burning beside the bed

[Verse]
Tomorrow we will drive along the highway
With seven hundred miles of open sky
The radio is playing something older
A melody that never says goodbye
My brother built a boat out of the timber
We sailed it on the lake when we were young
The water turned to silver in the evening
And every song we knew was being sung

[Chorus]
So raise your hands and let the music carry
We are the lights that shine across the sea
So raise your voice and let the thunder hurry
We are the fire and the fire is free
"""

SR = 44100
TEMPO = 96.0
_MAJOR = [[(0, "maj"), (7, "maj"), (9, "min"), (5, "maj")], [(9, "min"), (5, "maj"), (0, "maj"), (7, "maj")]]


def song_guide(duration: float = 180.0, bpm: float = TEMPO) -> VocalGuide:
    """The guide of bench.make_song(duration, tempo=bpm) in C major: its bars, chords and sections."""
    beat = 60.0 / bpm
    bar = 4 * beat
    beats = tuple(float(t) for t in np.arange(0.0, duration - 1e-6, beat))
    bars = beats[::4]
    chords, sections = [], []
    for b, start in enumerate(bars):
        chorus = (b // 8) % 2 == 1
        root, quality = _MAJOR[1 if chorus else 0][b % 4]
        chords.append((start, min(start + bar, duration), root, quality))
        if b % 8 == 0:
            sections.append((start, min(start + 8 * bar, duration), "chorus" if chorus else "verse",
                             0.9 if chorus else 0.5))
    return VocalGuide(SR, duration, bpm, beats, bars, 0, "major", tuple(chords), (), tuple(sections))


def finished_mix(performance: Performance, band: np.ndarray, reverb: float = 0.3, seed: int = 0) -> np.ndarray:
    """The pipeline's last steps on the sung vocal: vocal chain, level in front of the band, master."""
    from ..master import master
    from ..pipeline import _in_front
    from .chain import vocal_chain

    voice = vocal_chain(performance.vocal.audio, SR, reverb, seed=seed)
    n = min(len(voice), len(band))
    mix = band[:n].astype(np.float32).copy()
    mix += _in_front(voice[:n], mix)
    return master(mix, SR)


def pitch_accuracy(performance: Performance) -> tuple[float, float, int]:
    """(share of voiced frames within 50 cents of their note, median f0 in Hz, frames measured)."""
    import parselmouth

    pitch = parselmouth.Sound(performance.vocal.audio.astype(np.float64), sampling_frequency=SR).to_pitch(
        time_step=0.01, pitch_floor=70.0, pitch_ceiling=900.0)
    xs, f0 = pitch.xs(), pitch.selected_array["frequency"]
    errors = []
    for note in performance.notes:
        frames = (xs >= note.start) & (xs < note.end) & (f0 > 0)
        errors.extend(1200 * np.log2(f0[frames] / (440.0 * 2 ** ((note.midi - 69) / 12))))
    errors = np.abs(np.asarray(errors))
    within = float(np.mean(errors < 50)) if errors.size else 0.0
    return within, float(np.median(f0[f0 > 0])) if np.any(f0 > 0) else 0.0, int(errors.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--genders", default="male,neutral,female")
    parser.add_argument("--model", default="base", help="recognizer: base or tiny.en")
    args = parser.parse_args()
    from .. import asr
    from ..bench import make_song

    guide = song_guide(args.seconds)
    band = make_song(args.seconds, tempo=TEMPO, tonic=0, mode="major", seed=3)
    asr.load_model(args.model)
    print(f"vocals bench: {args.seconds:.0f} s synthetic song at {TEMPO:.0f} bpm, {len(LYRICS)} characters of "
          f"lyrics, recognizer whisper {args.model}")
    for gender in args.genders.split(","):
        started = time.perf_counter()
        performance = perform(LYRICS, guide, gender, seed=1)
        elapsed = time.perf_counter() - started
        sung = performance.vocal.text
        # no VAD: Silero's speech detector drops most of a sung line under a band (recall 15 % instead of 71 %)
        alone = asr.transcribe(performance.vocal.audio, SR, model=args.model, language="en", vad=False)
        mix = finished_mix(performance, band)
        heard = asr.transcribe(mix, SR, model=args.model, language="en", vad=False)
        within, median, frames = pitch_accuracy(performance)
        print(f"  {gender:8s} recall alone {asr.word_recall(sung, alone.text):4.0%}, in the mix "
              f"{asr.word_recall(sung, heard.text):4.0%} | pitch within 50 cents {within:4.0%} of {frames} "
              f"voiced frames, median f0 {median:4.0f} Hz | {len(performance.vocal.lines)} lines, "
              f"{elapsed:5.1f} s = {elapsed / (args.seconds / 60):4.1f} s per song minute")


if __name__ == "__main__":
    main()
