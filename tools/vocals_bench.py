"""`python -m tools.vocals_bench`: is the sung voice understood in the finished mix, is it on the
notes, and what does singing cost.

For each gender it sings ~2000 characters of lyrics on a synthetic 3-minute song (tools.songs.
make_song) and asks an independent recognizer (Whisper base, through remixes.engine.asr) what it hears:
word recall of the dry vocal alone, and of version 1 of a full remix of that song with those lyrics
(the finished mix, and its vocal stem). `--quick` skips the remixes and mixes the voice over the
synthetic band (no lead melody: the pipeline drops it under sung lyrics) with the pipeline's own vocal
chain, level (`_in_front`) and master. It also prints
how much of the voiced singing is within 50 cents of its notes, the median f0, and seconds of singing
per minute of song (one core).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from remixes.engine.music import Chord, Section  # noqa: E402
from remixes.engine.vocals.guide import VocalGuide  # noqa: E402
from remixes.engine.vocals.performer import Performance, perform  # noqa: E402

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

[Verse]
The harbour lamps are glowing in the drizzle
A sailor hums a tune he used to know
The paper boats are drifting on the puddles
And children chase them running to and fro
I wrote your name in chalk along the pavement
The morning rain has washed it all away
But I can hear you laughing in the doorway
And I remember every word you say

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
    """The guide of songs.make_song(duration, tempo=bpm) in C major: its bars, chords and sections."""
    beat = 60.0 / bpm
    bar = 4 * beat
    beats = tuple(float(t) for t in np.arange(0.0, duration - 1e-6, beat))
    bars = beats[::4]
    chords, sections = [], []
    for b, start in enumerate(bars):
        chorus = (b // 8) % 2 == 1
        root, quality = _MAJOR[1 if chorus else 0][b % 4]
        chords.append(Chord(start, min(start + bar, duration), root, quality))
        if b % 8 == 0:
            sections.append(Section(start, min(start + 8 * bar, duration), "chorus" if chorus else "verse",
                                    0.9 if chorus else 0.5))
    return VocalGuide(SR, duration, bpm, beats, bars, 0, "major", tuple(chords), (), tuple(sections))


def finished_mix(performance: Performance, band: np.ndarray, reverb: float = 0.3, seed: int = 0) -> np.ndarray:
    """The pipeline's last steps on the sung vocal: vocal chain, level in front of the band, master."""
    from remixes.engine.master import master
    from remixes.engine.pipeline import _in_front
    from remixes.engine.vocals.chain import vocal_chain

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


def _full_remix(gender: str, seconds: float, workdir, cache):
    """A real remix (remixes.engine.pipeline.remix) of the synthetic song with the bench's lyrics: its
    version 1 (the finished mix), the lyrics it reports, and the dry vocal stem the pipeline wrote."""
    import soundfile as sf

    from remixes.engine.pipeline import RemixRequest, remix
    from tools.songs import make_song

    song = workdir / "song.wav"
    if not song.exists():
        sf.write(song, make_song(seconds, tempo=TEMPO, tonic=0, mode="major", seed=3), SR)
    request = RemixRequest(prompt="upbeat pop with acoustic guitar", lyrics=LYRICS, gender=gender, seed=1)
    result = remix(song, request, cache=cache, workdir=workdir / gender)
    version = result.versions[0]
    sung = "\n".join(line["text"] for line in version.lyrics_timestamped)
    vocal, sr = sf.read(version.stems["vocals"], dtype="float32")
    return version.audio, version.sample_rate, sung, vocal, sr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--genders", default="male,neutral,female")
    parser.add_argument("--model", default="base", help="recognizer: base or tiny.en")
    parser.add_argument("--quick", action="store_true",
                        help="skip the full remixes: mix the voice over the synthetic band with the pipeline's "
                             "vocal chain, level and master only")
    args = parser.parse_args()
    import tempfile
    from pathlib import Path

    from remixes.engine import asr
    from tools.songs import make_song

    guide = song_guide(args.seconds)
    band = make_song(args.seconds, tempo=TEMPO, tonic=0, mode="major", seed=3, melody=False)
    asr.load_model(args.model)
    print(f"vocals bench: {args.seconds:.0f} s synthetic song at {TEMPO:.0f} bpm, {len(LYRICS)} characters of "
          f"lyrics, recognizer whisper {args.model} (no VAD: Silero drops sung lines under a band)"
          + ("" if args.quick else "; the mix is version 1 of a full remix ('upbeat pop with acoustic guitar')"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir, cache = Path(tmp), Path(tmp) / "cache"
        for gender in args.genders.split(","):
            started = time.perf_counter()
            performance = perform(LYRICS, guide, gender, seed=1)
            elapsed = time.perf_counter() - started
            within, median, frames = pitch_accuracy(performance)
            alone = asr.transcribe(performance.vocal.audio, SR, model=args.model, language="en", vad=False)
            recall_alone = asr.word_recall(performance.vocal.text, alone.text)
            if args.quick:
                mix, mix_sr, sung = finished_mix(performance, band), SR, performance.vocal.text
                stem_recall = None
            else:
                mix, mix_sr, sung, stem, stem_sr = _full_remix(gender, args.seconds, workdir, cache)
                stem_recall = asr.word_recall(sung, asr.transcribe(stem, stem_sr, model=args.model, language="en",
                                                                   vad=False).text)
            heard = asr.transcribe(mix, mix_sr, model=args.model, language="en", vad=False)
            print(f"  {gender:8s} recall: alone {recall_alone:4.0%}"
                  + (f", remix vocal stem {stem_recall:4.0%}" if stem_recall is not None else "")
                  + f", finished mix {asr.word_recall(sung, heard.text):4.0%} | pitch within 50 cents "
                  f"{within:4.0%} of {frames} voiced frames, median f0 {median:4.0f} Hz | "
                  f"{len(performance.vocal.lines)} lines sung in {elapsed:5.1f} s = "
                  f"{elapsed / (args.seconds / 60):4.1f} s per song minute", flush=True)


if __name__ == "__main__":
    main()
