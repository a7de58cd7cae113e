"""Re-orchestration: the style's band playing the song's own parts, as notes on the remix's timeline.

Every pitched part comes from the song: the transcribed chords per beat (voicings, comping, arpeggios),
bass line (its pitches on the style's bass rhythm) and melody (the lead). `strength` says how much of
the original's stems stays under the band: 0 all of it and no band, 0.5 a little of the accompaniment
under a full band, 1 none. Seed-driven choices (voicings, rhythms, groove variations, instrument picks)
make the two versions differ; a per-style feel (timing, velocity, articulation, reverb) makes the band
sound like the style.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .analyse import VOCAL_PRESENCE_THRESHOLD, Analysis
from .music import Chord, Section, Tone
from .retimbre import PAD_CENTRE_HZ
from .style import KEEP_OWN_ORIGINAL, MAX_BPM, MIN_BPM, SectionChange, StylePlan, section_change_words
from .vocabulary import Groove

# (start_seconds, end_seconds, midi_pitch, velocity 1..127)
NoteTuple = tuple[float, float, int, int]

# Close alternatives within a General MIDI family: a seed may swap one for its neighbour.
_ALTERNATIVES = {
    0: (0, 1, 4), 1: (1, 0, 2), 4: (4, 5, 0), 5: (5, 4), 11: (11, 8, 12), 16: (16, 17, 18), 19: (19, 20),
    24: (24, 25), 25: (25, 24), 26: (26, 27), 27: (27, 26), 29: (29,), 30: (30, 29), 32: (32, 33), 33: (33, 34, 32),
    34: (34, 33), 35: (35, 32), 38: (38, 39), 39: (39, 38), 40: (40, 41), 48: (48, 49), 49: (49, 48, 50),
    50: (50, 51), 52: (52, 53), 56: (56, 61), 61: (61, 62), 62: (62, 63), 80: (80, 81), 81: (81, 80, 87),
    87: (87, 81), 88: (88, 89, 91), 89: (89, 88, 90), 90: (90, 89), 91: (91, 88), 94: (94, 95), 95: (95, 94),
}
_ROLE_LEVEL = {"bass": 0.9, "chords": 0.7, "pad": 0.45, "strings": 0.5, "lead": 0.55, "arp": 0.45,
               "brass": 0.5, "guitar": 0.6}
_ROLE_PAN = {"bass": 0.0, "chords": -0.15, "pad": 0.0, "strings": 0.25, "lead": 0.05, "arp": 0.35,
             "brass": -0.3, "guitar": -0.35}


@dataclass(frozen=True)
class Part:
    role: str
    program: int          # GM program, or the drum kit number when is_drums
    is_drums: bool
    notes: tuple          # (NoteTuple, ...) sorted by start
    level: float          # linear gain in the band mix
    pan: float            # -1 .. 1
    gain_db: float = 0.0  # the prompt's "less guitar": applied after the band is balanced, so it is not undone
    reverb: float = 0.0   # the part's own room (0..1), before the mix's effects: roomy piano in lo-fi
    tune_to: tuple = ()   # drums: ((start, end, pitch_class), ...) the kick and toms are tuned to, as a
                          # producer tunes an 808 to the bass: their pitch then belongs to the harmony
    spans: tuple = ()     # ((start, end, gain), ...): the prompt's "louder drums in the chorus", after gain_db
    effects: tuple = ()   # (Effect, ...): the prompt's "delay on the guitar", before the part's room
    mix_reverb: float = 1.0  # its share of the mix's reverb: "no reverb on the drums" 0, "less reverb on ..." 0.5


@dataclass(frozen=True)
class Timing:
    """How the source's time maps onto the remix: t_out = t_src / rate."""
    rate: float           # time-stretch factor (> 1 faster)
    tempo: float          # the remix's tempo (the groove's beat), bpm
    groove_octave: int    # groove beats per source beat as a power of two (-1 half time, 0, 1 double)
    duration: float       # remix length in seconds


@dataclass(frozen=True)
class Arrangement:
    timing: Timing
    beat_times: tuple     # groove beats on the remix timeline
    bar_times: tuple      # groove downbeats
    beats_per_bar: int    # 4, or 3 for a waltz
    chords: tuple[Chord, ...]      # on the remix timeline
    melody: tuple[Tone, ...]       # on the remix timeline
    sections: tuple[Section, ...]  # on the remix timeline
    parts: tuple          # (Part, ...)
    # How much of each separated stem of the original stays (linear gains on the stems):
    accompaniment_gain: float     # the accompaniment's harmonic rest ("other" stem; the whole accompaniment
                                  # when it is not split further)
    original_drums_gain: float    # the drums stem
    original_bass_gain: float     # the bass stem
    vocal_gain: float             # the vocal stem: 0 when not kept, else its level ("less vocals" 0.5)
    band_gain: float              # RMS of the new pitched parts together
    drum_gain: float              # RMS of the new drums
    key_tonic: int
    mode: str
    notes: tuple                  # sentences for the plan
    strength: float = 0.5
    accompaniment_pad_gain: float = 0.0   # the accompaniment's pitch classes played as a pad (retimbre.py)
    pad_centre_hz: float = PAD_CENTRE_HZ  # that pad's register (_PAD_CENTRE)
    bass_pad_gain: float = 0.0            # the bass stem's pitch classes in that pad (_VOICES_ONLY)
    # The prompt's changes in one part of the song (plan.sections), as ((start, end, gain), ...) spans:
    stem_spans: tuple = ()   # ((stem, start, end, gain), ...) on the source's timeline: its drums and bass stems
    mix_spans: tuple = ()    # on the remix's timeline: the whole instrumental ("make the chorus bigger")
    vocal_spans: tuple = ()  # on the remix's timeline: the vocal, kept or sung ("no vocals in the intro")
    # ((start, end, "mix" or "vocals", effects, reverb), ...) on the remix's timeline: "reverb on the chorus" (the
    # whole song there, its vocal too), "an echo on the vocals at the end" (the vocal alone)
    effect_spans: tuple = ()
    # ((start, end), ...) on the remix's timeline where the vocal's second voice sings ("harmonies in the chorus"), or
    # None: wherever the vocal does (plan.vocal_harmony asked of the whole song)
    voice_spans: tuple | None = None
    # (first, last) second the song sounds, on the remix's timeline, when the plan asks its silence cut ("trim the
    # silence"; pipeline.sound_edges), else ()
    sound_edges: tuple = ()
    # effects and reverb asked of a part the band does not play here ("delay on the guitar" of a band without
    # one, or at strength 0): on the whole mix, as the plan's notes say
    mix_effects: tuple = ()
    mix_reverb: float = 0.0
    risers: tuple = ()  # ((start, end), ...): a noise riser over each ("a build up before the chorus")
    pump: float = 0.0  # "sidechain": dB the band and the kept original duck on every beat (plan.pump)


# A tempo change this small goes unheard, but the stretch does not: Rubber Band smears a dense mix's
# harmony (a death-metal song stretched by 2 %: aligned chroma similarity to itself 1.0 -> 0.80; as punk
# at 0.5, 0.56 -> 0.66). So the style's tempo is met within 3 %, unless the prompt names a bpm.
_UNHEARD_STRETCH = 0.03


def varispeed_factor(plan: StylePlan) -> float:
    """How much faster the finished mix is played ("nightcore" +4 semitones: x1.26), 1.0 for most plans."""
    return 2.0 ** (plan.varispeed / 12.0) if plan.varispeed else 1.0


def choose_timing(plan: StylePlan, source_tempo: float, duration: float) -> Timing:
    """Explicit bpm, else source x factor with its groove folded by octaves into/near the style's range.
    With a varispeed ("nightcore", "slowed"), the timing before the finished mix is played faster or slower: the
    plan's tempo, factor and range divided by that speed (its product with it is what the plan asks). A tempo asked
    relative to the song's ("10 bpm faster") is that bpm."""
    if plan.tempo_delta and not plan.tempo_bpm:  # "10 bpm faster": the song's own tempo and that many more
        plan = replace(plan, tempo_bpm=float(np.clip(source_tempo + plan.tempo_delta, MIN_BPM, MAX_BPM)),
                       tempo_delta=0.0)
    speed = varispeed_factor(plan)
    if speed != 1.0:
        plan = replace(plan, varispeed=0, tempo_factor=plan.tempo_factor / speed,
                       tempo_bpm=plan.tempo_bpm / speed if plan.tempo_bpm else plan.tempo_bpm,
                       tempo_range=(plan.tempo_range[0] / speed, plan.tempo_range[1] / speed))
    source = source_tempo
    lo, hi = plan.tempo_range
    if plan.tempo_bpm:
        options = [(abs(math.log(plan.tempo_bpm * 2 ** -k / source)), k) for k in (-1, 0, 1)]
        _, k = min(options)
        rate = plan.tempo_bpm * 2 ** -k / source
        tempo = float(plan.tempo_bpm)
    else:
        base = source * plan.tempo_factor
        best = None
        for k in (-1, 0, 1):
            groove = float(np.clip(base * 2 ** k, lo, hi))
            rate = groove / (source * 2 ** k)
            cost = abs(math.log(rate / plan.tempo_factor)) + 0.05 * abs(k)
            # never speed up a "slower" style, or vice versa (a factor within 2 % of 1 asks neither: what is left
            # of "slowed" once its varispeed is taken out)
            if (rate - 1) * (plan.tempo_factor - 1) < 0 and abs(math.log(plan.tempo_factor)) > 0.02:
                cost += 1.0
            if best is None or cost < best[0]:
                best = (cost, k, rate, groove)
        _, k, rate, tempo = best
    rate = float(np.clip(rate, 0.5, 2.0))
    if abs(rate - 1) < (_UNHEARD_STRETCH if not plan.tempo_bpm else 0.01):
        rate = 1.0
    return Timing(rate=rate, tempo=float(source * rate * 2 ** k), groove_octave=int(k),
                  duration=duration / rate)


def arrange(plan: StylePlan, analysis: Analysis, timing: Timing, strength: float, seed: int,
            keep_vocal: bool, song_parts=None, carry_melody: bool | None = None) -> Arrangement:
    """The band's parts and the stems' gains for one version.

    `song_parts` (transcribe.SongParts, source timeline) gives the chords, bass line and melody; without
    it the analysis's chords and melody are used. `carry_melody` (default: no vocal is kept) adds a lead
    playing the song's melody when the style has none, so an instrumental version keeps its tune.
    """
    rng = np.random.default_rng([seed, 7919])
    rate = timing.rate
    strength = float(np.clip(strength, 0, 1))
    notes: list[str] = []
    beats_per_bar = plan.beats_per_bar
    beats = _groove_beats(analysis, timing)
    bars = _groove_bars(analysis, timing, beats, beats_per_bar)
    if song_parts is not None and any(c.played for c in song_parts.chords):
        source_chords = _merge_chords(song_parts.chords)
        source_melody = tuple(Tone(n.start, n.end, n.pitch) for n in song_parts.melody) or tuple(analysis.melody)
        bass_line = tuple(n._replace(start=n.start / rate, end=n.end / rate) for n in song_parts.bass_line)
        heard_tones = song_parts.tones
    else:
        source_chords, source_melody, bass_line = tuple(analysis.chords), tuple(analysis.melody), ()
        heard_tones = ()
    chords = tuple(c._replace(start=c.start / rate, end=c.end / rate) for c in source_chords)
    tones = tuple((a / rate, b / rate, pcs) for a, b, pcs in heard_tones)
    melody = tuple(m._replace(start=m.start / rate, end=m.end / rate) for m in source_melody)
    sections = tuple(s._replace(start=s.start / rate, end=s.end / rate) for s in analysis.sections)
    builds = build_spans(sections, bars, beats_per_bar, float(np.median(np.diff(beats)))) \
        if plan.build and len(beats) > 1 else []

    # Some bands state the harmony less clearly than the transcription does (_CLARITY): they step back more.
    fidelity = (song_parts.fidelity if song_parts is not None else 1.0) * _CLARITY.get(plan.style, 1.0)
    vocal_carries_tune = keep_vocal and song_parts is not None and song_parts.has_vocal
    # "no guitar": the song's own guitar is in its accompaniment stem, which is then kept as a pad of its harmony
    taken_out = [label for label in plan.removed if label != "bass"]
    # "keep the original guitar": the accompaniment stays as it sounds, not as a pad of its pitch classes
    retimbre = plan.style in _RETIMBRED and plan.keep_original < KEEP_OWN_ORIGINAL
    gains = _balance(plan.keep_original, strength, plan.energy, bool(plan.drums), fidelity, vocal_carries_tune,
                     has_bass="bass" in plan.instruments, retimbre=retimbre or bool(taken_out),
                     power_chords=_FEELS.get(plan.style, _FEEL).guitar != "strum", tempo=timing.tempo)
    gains["accompaniment_pad"] *= _PAD_LEVEL.get(plan.style, 1.0)
    voices_only = plan.style in _VOICES_ONLY
    if voices_only and strength > 0:
        # voices only: the original's drums and bass fade as the voices come in, gone from 0.5 on, as its other
        # instruments turn into the pad of their pitch classes (a retimbred style); the bass stem's into it too
        fade = 1 - float(np.clip(strength / 0.5, 0, 1))
        gains["original_bass_pad"] = gains["original_bass"] * (1 - fade)
        for name in ("original_drums", "original_bass"):
            gains[name] *= fade
        notes.append("A cappella: the original accompaniment is left out" + (" (some remains at this strength)"
                     if fade > 0 else "") + "; voices sing its harmony and bass line over a soft hum of its "
                     "chords.")
    # the song's own stems that take the place of the band's part ("keep the original drums": no kit of its own);
    # an overdub ("same song but with a saxophone") keeps them all and plays the parts asked over them
    instead = () if "accompaniment" in plan.own_parts else plan.own_parts
    if "drums" in plan.own_parts:
        gains["original_drums"] = 1.0
        if "drums" in instead:
            notes.append("The song's own drums kept as they are (its drums stem; the band plays no kit).")
    elif not plan.drums:
        gains["original_drums"] *= 0.15
        notes.append("Original drums suppressed (the style has no drums).")
    if "bass" in plan.own_parts:
        gains["original_bass"], gains["original_bass_pad"] = 1.0, 0.0
        if "bass" in instead:
            notes.append("The song's own bass kept as it is (its bass stem; the band plays no bass).")
    if "accompaniment" in plan.own_parts:  # "same song but with a saxophone": the song whole, the parts asked over it
        gains["accompaniment"], gains["accompaniment_pad"] = 1.0, 0.0
        notes.append("The song as it is (its accompaniment, drums and bass stems whole), the parts asked played over "
                     "it.")
    if plan.only:
        _only_gains(plan, gains, notes)
    if taken_out and plan.style not in _RETIMBRED and gains["accompaniment_pad"] > 0:
        notes.append(f"Asked without {', '.join(taken_out)}: the original's other instruments, where its "
                     f"{taken_out[0]} would be, are kept as a pad of their harmony, not as they sound.")
    if "bass" in plan.removed and gains["original_bass"] > 0:
        gains["original_bass"] = 0.0
        notes.append("Asked without bass: the original's bass stem is left out too.")
    _note_vocal_level(plan, analysis, keep_vocal, notes)
    vocal_gain = 0.0 if not keep_vocal else float(10 ** (min(plan.levels.get("vocals", 0.0), 12.0) / 20))
    if keep_vocal and song_parts is not None and not song_parts.has_vocal:
        # No sung melody in the vocal stem (an instrumental song's lead guitar, or the bleed the separator
        # leaves there): it is part of the accompaniment and is replaced with it, or a classical version
        # keeps the song's lead guitar at full level over the strings.
        # A cappella hums it with the pad no more: its lead voice sings the melody instead.
        vocal_gain *= gains["accompaniment"] + (0.0 if voices_only else gains["accompaniment_pad"])

    feel = _played_as_asked(_FEELS.get(plan.style, _FEEL), plan)
    mix = _MIXES.get(plan.style, {})
    if feel.guitar == "high":
        if gains["accompaniment"] + gains["accompaniment_pad"] >= _UNDER_THE_BAND:
            feel = replace(feel, guitar="power")  # the original's guitars still under it: doubled where they play
        else:  # alone, the kit steps back from the chords that now carry the song
            mix = {**mix, "drums_db": mix.get("drums_db", 0.0) + _ALONE_DRUMS_DB}
    parts = []
    instruments = dict(plan.instruments)
    if carry_melody is None:
        carry_melody = not keep_vocal
    if carry_melody and "lead" not in instruments and len(melody) >= 4 and gains["band"] > 0 \
            and "accompaniment" not in plan.own_parts:  # (an overdub: the song plays its own)
        if not plan.only:
            instruments["lead"] = _MELODY_VOICE.get(plan.style, 0)
            notes.append("No vocal kept: a lead plays the song's melody.")
        elif carrier := next((role for role in _MELODIC_ROLES if role in instruments), None):
            instruments["lead"] = instruments[carrier]  # "only piano": the piano plays it too
            notes.append("No vocal kept: the instrument asked for plays the song's melody too.")
    for role in sorted(instruments):
        if role == "bass" and "bass" in instead:
            continue  # the song's own bass plays
        program = _pick_program(instruments[role], rng)
        if plan.only:  # "only piano": the instrument asked for, not a neighbour of it
            program = int(instruments[role])
        role_notes = _role_notes(role, chords, melody, beats, bars, beats_per_bar, plan, rng, bass_line, feel)
        if role not in ("bass", "lead") and song_parts is not None:
            if tones:
                # distortion multiplies a low cluster's partials: a power chord on the low strings only takes
                # heard tones near its own (an octave up, punk's takes them all)
                distorted = role == "guitar" and feel.guitar in ("power", "mute", "boogie")
                role_notes = _heard_voicing(role_notes, tones, fill=not distorted)
            else:  # parts cached before they kept the heard tones
                role_notes = _soft_thirds(role_notes, chords, song_parts.third_presence)
        if role_notes:
            level = _ROLE_LEVEL.get(role, 0.5) * 10 ** (mix.get(f"{role}_db", 0.0) / 20)
            if role == "lead":
                # Doubling a kept vocal loudly would fight it; carrying the tune alone it must be heard.
                level *= 1.4 if carry_melody else 0.5
            role_notes = _humanise(role_notes, beats, feel, rng)
            sound = _part_sound(plan, role, Part(role, program, False, (), 1.0, 0.0,
                                                 reverb=float(mix.get(role, mix.get("all", 0.0)))), timing.tempo)
            parts.append(Part(role, program, False, tuple(role_notes), level, _ROLE_PAN.get(role, 0.0),
                              plan.levels.get(role, 0.0), **sound))
    if plan.drums and "drums" not in instead:
        drum_notes = drum_groove(plan.drums, beats, bars, plan.energy, plan.swing, sections, rng, beats_per_bar)
        drum_notes = _with_pieces(drum_notes, plan.drum_pieces, beats, bars, beats_per_bar, plan.energy)
        if plan.build in ("build", "roll"):
            drum_notes = _with_rolls(drum_notes, builds, beats)
        drum_notes = _humanise(drum_notes, beats, _Feel(feel.jitter * 0.5, feel.spread, feel.accent, 1.0), rng)
        roots = tuple((c.start, c.end, c.root) for c in chords if c.played)
        roots = roots or ((0.0, timing.duration, analysis.key_tonic),)
        kit = Part("drums", int(plan.drum_kit), True, tuple(drum_notes), 0.9, 0.0, plan.levels.get("drums", 0.0),
                   float(mix.get("drums_reverb", 0.0)), tune_to=roots)
        kit = replace(kit, **_part_sound(plan, "drums", kit, timing.tempo))
        # a piece with a sound of its own ("delay on the snare") is a part of its own too, its kit's sound and its own
        sounded = {piece: 0.0 for piece in (*plan.part_effects, *plan.part_rooms) if piece in PIECE_NOTES}
        parts.extend(replace(p, **_part_sound(plan, p.role, p, timing.tempo)) if p.role in sounded else p
                     for p in _kit_pieces_apart(kit, {**sounded, **plan.drum_pieces}))

    drum_gain = gains["drums"] * 10 ** (mix.get("drums_db", 0.0) / 20) if plan.drums else 0.0
    _note_builds(plan, builds, bool(plan.drums) and drum_gain > 0, notes)
    mix_effects, mix_reverb = _sounds_of_absent_parts(plan, parts, gains["band"] > 0, drum_gain > 0, notes)
    parts, stem_spans, mix_spans, vocal_spans, effect_spans = _section_changes(
        plan.sections, analysis.sections, rate, parts, notes, beats_per_bar * 60.0 / analysis.tempo,
        heard_speed=varispeed_factor(plan))
    voice_spans = None if not any(c.voice for c in plan.sections) else tuple(
        (a / rate, b / rate) for c in plan.sections if c.voice
        for a, b in section_spans(c, analysis.sections, beats_per_bar * 60.0 / analysis.tempo))
    if song_parts is not None:
        notes.extend(n for n in song_parts.notes if n not in notes)
    if parts and (gains["band"] > 0 or drum_gain > 0):
        from .render import instrument_name

        band = ", ".join(f"{instrument_name(p.program, p.is_drums)} ({p.role})" for p in parts)
        played = [what for what, roles in (("chords", _HARMONY_ROLES), ("bass line", {"bass"}), ("melody", {"lead"}))
                  if any(p.role in roles for p in parts)]
        playing = "" if not played else ", playing the song's own " + (
            played[0] if len(played) == 1 else ", ".join(played[:-1]) + " and " + played[-1])
        notes.append(f"The band: {band}{playing}. Kept of the "
                     f"original: accompaniment {gains['accompaniment']:.0%}"
                     + (f" (and {gains['accompaniment_pad']:.0%} of it as a pad of its own pitch classes)"
                        if gains["accompaniment_pad"] else "")
                     + f", drums {gains['original_drums']:.0%}, "
                     f"bass {gains['original_bass']:.0%} (strength {strength:.2f}).")
    else:
        notes.append(f"No new band at strength {strength:.2f}: the original, restyled by tempo and effects.")
    return Arrangement(
        timing=timing,
        beat_times=tuple(float(b) for b in beats),
        bar_times=tuple(float(b) for b in bars),
        beats_per_bar=beats_per_bar,
        chords=chords, melody=melody, sections=sections, parts=tuple(parts),
        accompaniment_gain=gains["accompaniment"], accompaniment_pad_gain=gains["accompaniment_pad"],
        bass_pad_gain=gains.get("original_bass_pad", 0.0),
        pad_centre_hz=PAD_CENTRE_HZ if not carry_melody else _PAD_CENTRE.get(plan.style, PAD_CENTRE_HZ),
        original_drums_gain=gains["original_drums"],
        original_bass_gain=gains["original_bass"], vocal_gain=vocal_gain,
        mix_effects=mix_effects, mix_reverb=mix_reverb,
        risers=tuple(builds) if plan.build in ("build", "riser") else (), pump=float(plan.pump),
        band_gain=gains["band"], drum_gain=drum_gain, key_tonic=analysis.key_tonic, mode=analysis.mode,
        notes=tuple(notes), strength=strength,
        stem_spans=stem_spans, mix_spans=mix_spans, vocal_spans=vocal_spans, effect_spans=effect_spans,
        voice_spans=voice_spans,
    )


# a note this much before a section's start (a humanised downbeat) is played in that section
_SECTION_LEAD = 0.03


def _section_changes(changes: tuple[SectionChange, ...], source_sections, rate: float, parts: list, notes: list[str],
                     bar_seconds: float = 2.0, heard_speed: float = 1.0):
    """The prompt's changes in one part of the song (StylePlan.sections) on the song's sections: the band's notes
    there left out ("no drums in the verse") or kept there only ("add strings in the chorus"), and the spans of
    gain on its parts, on the kept drums and bass stems, on the instrumental and on the vocal, and of effects. The
    notes give the times heard: with the version played `heard_speed` times as fast ("nightcore"), divided by it."""
    stem_spans, mix_spans, vocal_spans, effect_spans = [], [], [], []
    for change in changes:
        spans = section_spans(change, source_sections, bar_seconds)
        if not spans:
            found = ", ".join(dict.fromkeys(s.label for s in source_sections)) or "none"
            notes.append(f"Song part \u201c{change.words}\u201d: no {change.section} was found in the song (its "
                         f"sections: {found}), so nothing was changed there.")
            continue
        remix = [(a / rate, b / rate) for a, b in spans]
        stems = (("drums",) if change.target == "drums" else ()) + \
            (("bass", "bass_pad") if "bass" in change.roles else ())
        if change.voice:  # "harmonies in the chorus": the second voice sings there (arrange: voice_spans)
            pass
        elif change.effects or change.reverb:  # "reverb on the chorus": that effect there, rung out after it
            effect_spans += [(a, b, change.target, tuple(change.effects), change.reverb) for a, b in remix]
        elif change.section in PART_FADES:  # "fade in the drums": its gain rises from 0 to 1 there (falls: out),
            quiet = 0.0 if change.db is None else float(10 ** (change.db / 20))  # or from (to) that many dB
            ramp = (quiet, 1.0) if change.section == "fade_in" else (1.0, quiet)
            parts = [replace(part, spans=part.spans + tuple((a, b, ramp) for a, b in remix))
                     if _plays(part, change) else part for part in parts]
            stem_spans += [(stem, a, b, ramp) for stem in stems for a, b in spans]
            if change.target in ("vocals", "mix"):  # (the whole song: its vocal too)
                vocal_spans += [(a, b, ramp) for a, b in remix]
            if change.target == "mix":
                mix_spans += [(a, b, ramp) for a, b in remix]
        elif change.alone:  # "only piano in the intro": every other part, stem and the vocal left out there
            parts = [part if _plays(part, change) else replace(part, notes=_notes_in(part.notes, remix, False))
                     for part in parts]
            named = set(change.roles)
            stem_spans += [(stem, a, b, 0.0) for stem in ("other", "other_pad", "drums", "bass", "bass_pad")
                           if stem.removesuffix("_pad") not in named for a, b in spans]
            if "vocals" not in named:
                vocal_spans += [(a, b, 0.0) for a, b in remix]
        elif change.only_there or change.db is None:
            inside = change.only_there  # what plays: the notes inside the spans, or outside them
            song_end = source_sections[-1].end
            silent = _complement(spans, song_end) if inside else spans
            parts = [replace(part, notes=_notes_in(part.notes, remix, inside)) if _plays(part, change) else part
                     for part in parts]
            stem_spans += [(stem, a, b, 0.0) for stem in stems for a, b in silent]
            if change.target == "vocals":
                vocal_spans += [(a / rate, b / rate, 0.0) for a, b in silent]
            elif change.target == "mix":  # "vocals only in the intro": the instrumental silent there
                mix_spans += [(a / rate, b / rate, 0.0) for a, b in silent]
        else:
            gain = float(10 ** (change.db / 20))
            if change.target == "mix":
                mix_spans += [(a, b, gain) for a, b in remix]
                vocal_spans += [(a, b, float(np.sqrt(gain))) for a, b in remix]  # half as many dB
            elif change.target == "vocals":
                vocal_spans += [(a, b, gain) for a, b in remix]
            parts = [replace(part, spans=part.spans + tuple((a, b, gain) for a, b in remix))
                     if _plays(part, change) else part for part in parts]
            stem_spans += [(stem, a, b, gain) for stem in stems for a, b in spans]
        times = ", ".join(f"{clock(a / heard_speed)}-{clock(b / heard_speed)}" for a, b in remix)
        notes.append(f"Song part \u201c{change.words}\u201d ({times}): {section_change_words(change)}.")
    return parts, tuple(stem_spans), tuple(mix_spans), tuple(vocal_spans), tuple(effect_spans)


def section_spans(change: SectionChange, sections, bar_seconds: float = 2.0) -> list[tuple[float, float]]:
    """The stretches of the song a change is about: its sections with that label, neighbours joined; the first or
    the last of them when the prompt says so; "the first 30 seconds", "the last 8 bars" (`bar_seconds` long). None
    found: [] (the plan's notes say so)."""
    if change.section in PART_FADES and change.which == "half" and sections:  # "start quiet and get louder"
        song_end = sections[-1].end
        return [(0.0, song_end / 2)] if change.section == "fade_in" else [(song_end / 2, song_end)]
    if change.section in PART_FADES:  # "fade in the drums": the first seconds, "fade out the vocals": the last
        return section_spans(replace(change, section="start" if change.section == "fade_in" else "end"), sections,
                             bar_seconds)
    if change.section in ("start", "end") and change.which[:1].isdigit() and sections:
        length = float(change.which.removesuffix("bars").removesuffix("s")) * (
            bar_seconds if change.which.endswith("bars") else 1.0)
        song_end = sections[-1].end
        return [(0.0, min(length, song_end))] if change.section == "start" else [(max(0.0, song_end - length),
                                                                                   song_end)]
    runs: list[tuple[float, float]] = []
    for section in _by_time(change.section, sections) or sections:
        if section.label != change.section and change.section not in _BY_TIME:
            continue
        if runs and abs(runs[-1][1] - section.start) < 1e-3:
            runs[-1] = (runs[-1][0], section.end)
        else:
            runs.append((section.start, section.end))
    relation, _, which = change.which.partition("_")
    if relation in _RELATIONS:  # "before", "after", "from" or "through" the first, "_last" or "_2" (the second)
        if not runs:
            return []
        if which.isdigit() and int(which) > len(runs):
            return []  # "until the third chorus" of a song with two: none found, said so
        start, end = runs[-1] if which == "last" else runs[int(which) - 1] if which.isdigit() else runs[0]
        song_end = sections[-1].end
        runs = {"before": [(0.0, start)], "after": [(end, song_end)], "from": [(start, song_end)],
                "through": [(0.0, end)]}[relation]
        return [(a, b) for a, b in runs if b > a]
    if change.which.isdigit():  # "the second chorus"
        return runs[int(change.which) - 1:int(change.which)]
    return runs[:1] if change.which == "first" else runs[-1:] if change.which == "last" else runs


_BY_TIME = ("first_half", "second_half", "start", "end", "middle")  # parts of the song by time, whatever their labels
_RELATIONS = ("before", "after", "from", "through")  # SectionChange.which: a stretch beside a part of the song
PART_FADES = ("fade_in", "fade_out")  # SectionChange.section: a part rising over the first seconds, or falling over
# the last
_EDGE_SECONDS = 15.0  # "the start", "the end": the sections there, this long at least


def _by_time(label: str, sections) -> list:
    """The sections a part of the song named by time holds: the first or second half (by each section's middle),
    the middle (the sections whose middle is in the song's middle third, or the one at its middle), or the
    sections from the start or up to the end lasting _EDGE_SECONDS at least; [] for a label."""
    if label not in _BY_TIME or not sections:
        return []
    middle = sections[-1].end / 2
    if label in ("first_half", "second_half"):
        return [s for s in sections if ((s.start + s.end) / 2 < middle) == (label == "first_half")]
    if label == "middle":
        third = sections[-1].end / 3
        return [s for s in sections if third <= (s.start + s.end) / 2 <= 2 * third] or \
            [s for s in sections if s.start <= middle < s.end][:1]
    chosen, total = [], 0.0
    for section in sections if label == "start" else sections[::-1]:
        chosen.append(section)
        total += section.end - section.start
        if total >= _EDGE_SECONDS:
            break
    return sorted(chosen)


def _plays(part: Part, change: SectionChange) -> bool:
    """A change's roles reach these parts: "drums" the whole kit (its pieces apart too), a piece ("hats") its own."""
    return part.role in change.roles or (part.is_drums and "drums" in change.roles)


def _complement(spans, end: float) -> list[tuple[float, float]]:
    out, at = [], 0.0
    for a, b in spans:
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if at < end:
        out.append((at, end))
    return out


def _notes_in(notes, spans, inside: bool) -> tuple:
    """The notes that start inside the spans (`inside`), or outside them, each cut where it would run into
    the silence."""
    silent = spans if not inside else _complement(spans, max((n[1] for n in notes), default=0.0) + 1.0)
    out = []
    for note in notes:
        start, end = note[0], note[1]
        if any(a - _SECTION_LEAD <= start < b - _SECTION_LEAD for a, b in silent):
            continue
        cut = min((a - _SECTION_LEAD for a, b in silent if start < a - _SECTION_LEAD < end), default=end)
        out.append((start, cut) + tuple(note[2:]))
    return tuple(out)


def clock(seconds: float) -> str:
    """0:58: minutes and seconds, as the notes give a time."""
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


# "only piano": the roles that can carry the song's melody when the prompt keeps nothing else, in order of preference
_MELODIC_ROLES = ("lead", "chords", "guitar", "strings", "brass", "arp", "pad")


def _only_gains(plan: StylePlan, gains: dict, notes: list[str]) -> None:
    """"only drums and bass", "only piano" (plan.only): what the original stems hold besides the parts named is
    left out of the kept original. With a band playing, the accompaniment stem (its other instruments, as they are
    or as a pad) goes, and its drums and bass stems unless named; with none (strength 0: the original restyled)
    the named stems stay, the accompaniment too when a band instrument is named (it is in there)."""
    named_roles = [role for role in plan.only if role not in ("drums", "vocals")]
    left_out = []
    if gains["band"] > 0 or not named_roles:
        if gains["accompaniment"] + gains["accompaniment_pad"] > 0:
            left_out.append("other instruments")
        gains["accompaniment"] = gains["accompaniment_pad"] = 0.0
    for stem, name in (("original_drums", "drums"), ("original_bass", "bass"), ("original_bass_pad", "bass")):
        if name not in plan.only and gains.get(stem, 0.0) > 0:
            left_out.append(name)
            gains[stem] = 0.0
    if left_out:
        notes.append(f"Only the parts the prompt named play: the original's {', '.join(dict.fromkeys(left_out))} "
                     "left out.")


def _merge_chords(per_beat: tuple[Chord, ...]) -> tuple[Chord, ...]:
    merged: list[Chord] = []
    for chord in per_beat:
        last = merged[-1] if merged else None
        if last and (last.root, last.quality) == (chord.root, chord.quality) and abs(last.end - chord.start) < 1e-3:
            merged[-1] = last._replace(end=chord.end)
        else:
            merged.append(chord)
    return tuple(merged)


def _note_vocal_level(plan: StylePlan, analysis: Analysis, keep_vocal: bool, notes: list[str]) -> None:
    """Say so when the prompt asks for a vocal level but the song has no lead vocal to move."""
    db = plan.levels.get("vocals", 0.0)
    if keep_vocal and db and analysis.vocal_presence < VOCAL_PRESENCE_THRESHOLD:
        notes.append(f"Asked for {'louder' if db > 0 else 'softer'} vocals, but no lead vocal was found in "
                     "the song, so nothing was turned " + ("up." if db > 0 else "down."))


# strength:                     0     0.5   1
_ACCOMPANIMENT = ((0.0, 0.5, 1.0), (1.0, None, 0.0))   # None: 0.15-0.35 by the style's keep_original
_ORIGINAL_RHYTHM = ((0.0, 0.5, 1.0), (1.0, 0.08, 0.0))  # drums and bass stems: the band's own replace them
_BAND = ((0.0, 0.5, 1.0), (0.0, 0.8, 0.95))
_DRUMS = ((0.0, 0.5, 1.0), (0.0, 0.65, 0.75))
_UNSURE_BAND = 0.2   # the band's share of its level at 0.5 where the transcription is unsure (_balance)
_POWER_CHORDS_UNSURE_BAND = 0.3
_BASSLESS_BASS = 0.5
_FAST_KIT = 200.0


def _balance(keep_original: float, strength: float, energy: float, has_drums: bool = True,
             fidelity: float = 1.0, vocal_carries_tune: bool = False, has_bass: bool = True,
             retimbre: bool = False, power_chords: bool = False, tempo: float = 0.0) -> dict:
    """Gains of the original's stems and RMS levels of the new band (relative to the source's RMS).

    0: the original alone (the style changes tempo and effects only). 0.5: the band in front, playing the
    song's parts, with 15-35 % of the original accompaniment left under it as glue. 1: the band alone.
    Every gain moves monotonically with strength. Where the transcription explains little of the song
    (`fidelity`, transcribe.explained: dense distorted mixes), the middle of the range keeps up to 85 %
    of the original accompaniment, and its bass stem with it (the roots of the harmony that stays), and
    the band and above all its drums step back (a kit's noise blurs the chroma a listener follows): else
    the remix stops sounding like the song. Measured at 0.5 on instrumental game-music songs (aligned
    chroma similarity, sim at the source tempo): a death-metal song (fidelity 0.47) as punk 0.34 -> 0.65
    and as dubstep 0.29 -> 0.61 by keeping the bass stem and stepping the band back; a clean rock song
    (fidelity 0.79) as techno 0.58 -> 0.70, as dubstep 0.52 -> 0.64 with the certainty window at 0.6-0.85.
    A kept vocal carries the tune by itself, so the band then needs less certainty.
    Unsure, the band's pitched parts keep _UNSURE_BAND of their level (was 0.3): on a dense riffing song the
    band can only say, once per beat, the tones the song sounds, where the song moves within the beat (its
    own chroma, averaged per beat and played back, scores 0.51 against it; per half beat 0.59); the kept
    original says the rest, and even stretched by 30 % it matches the song better (0.60) than the band does
    (0.54, 0.40-0.49 at the mix's alignment), so a louder band pulled the mix below both. A band of
    distorted power chords (`power_chords`: rock, metal, punk, blues) keeps 0.3: its guitar sounds the riff's
    own frame (root, fifth, octave) in the kept guitars' timbre, and stepped back so it cost punk 0.05-0.12.
    With `retimbre` (a style far from the source's distorted guitars, _RETIMBRED) the accompaniment kept
    is played as a pad of its own pitch classes instead (retimbre.pitch_class_pad), all of it from 0.5 on:
    its harmony stays, its texture, which keeps the tagger hearing rock, goes.
    """
    s = float(np.clip(strength, 0, 1))
    keep = float(np.clip(keep_original, 0, 1))
    low, span = (0.45, 0.3) if vocal_carries_tune else (0.6, 0.25)
    sure = float(np.clip((fidelity - low) / span, 0, 1))
    base = 0.15 + 0.2 * keep
    xs, ys = _ACCOMPANIMENT
    accompaniment = float(np.interp(s, xs, [ys[0], base + (0.85 - base) * (1 - sure), ys[2]]))
    rhythm = float(np.interp(s, *_ORIGINAL_RHYTHM))
    xs, ys = _BAND
    unsure = _POWER_CHORDS_UNSURE_BAND if power_chords else _UNSURE_BAND
    band = float(np.interp(s, xs, [ys[0], ys[1] * (unsure + (1 - unsure) * sure), ys[2]]))
    xs, ys = _DRUMS
    drums = float(np.interp(s, xs, [ys[0], ys[1] * (0.25 + 0.75 * sure), ys[2]]))
    # a kit past _FAST_KIT bpm hits in every chroma frame a listener follows the harmony by: unsure, it steps back
    # by the square of the tempo's excess (240 bpm: -3.2 dB; armygeddon as punk at 240, v1/v2, 0.571/0.566 ->
    # 0.611/0.602, the mix without its kit 0.64)
    drums *= 1 - (1 - min(1.0, (_FAST_KIT / tempo) ** 2 if tempo > 0 else 1.0)) * (1 - sure)
    # a retimbred style hears the kept accompaniment's harmony as a pad, more of it as the band comes in
    as_pad = float(np.clip(s / 0.5, 0, 1)) if retimbre else 0.0
    return {
        "accompaniment": accompaniment * (1 - as_pad),
        "accompaniment_pad": accompaniment * as_pad,
        "original_drums": rhythm if has_drums else accompaniment,
        # the bass stem carries the roots of the harmony that stays: kept with it as far as the band is
        # unsure, half of that in a style with no bass at all (lullaby): on a dense song the stem holds the
        # low guitars' harmony too (mutilated mime as a lullaby, v2: 0.61 without it, 0.64 at half, 0.70 whole)
        "original_bass": rhythm + (accompaniment - rhythm) * (1 - sure) * (1.0 if has_bass else _BASSLESS_BASS),
        "band": band,
        "drums": drums * (0.7 + 0.5 * float(np.clip(energy, 0, 1))),
    }


# --- feel: timing, dynamics, articulation and room per style -------------------------------------------

@dataclass(frozen=True)
class _Feel:
    jitter: float = 0.008     # s, standard deviation of a human player's timing
    spread: int = 8           # velocity variation
    accent: int = 10          # extra velocity on the bar's first beat, less on the backbeat
    length: float = 1.0       # note length factor: < 1 detached, > 1 legato overlap
    guitar: str = "strum"     # "strum" | "power" (power chords in eighths) | "mute" (palm-muted chugs) |
                              # "high" (power chords in eighths up the neck, on the tones the song sounds) |
                              # "boogie" (the blues shuffle's low dyads on swung eighths)
    late: float = 0.0         # s, a laid-back player behind the beat
    comp: str = ""            # chords' rhythm: "" seeded, "offbeats" (a reggae skank), "charleston" (jazz
                              # piano: beat 1 and the and of 2), "folk" (the guitar's down, down-up strum),
                              # "funk" (the guitar's sixteenth chops, the clavinet answering them), "pah" (polka's
                              # accordion: a short chord on each offbeat)
    bass: str = ""            # "" the seeded pattern, "two_beat" (root and fifth on beats 1 and 3: country),
                              # "funk" (syncopated sixteenths with octave pops), "octaves" (disco's eighths,
                              # the octave up on the offbeats)


_FEEL = _Feel()
# Kept accompaniment (gain) from which punk's guitar plays its power chords low, with the original's guitars,
# rather than up the neck ("high"). Measured (aligned chroma similarity, v1/v2, eight game songs): up the neck
# and with its kit 3 dB down, the band alone (strength 1) 0.24-0.59/0.21-0.55 -> 0.46-0.75/0.46-0.73 (one song
# 0.59/0.53 -> 0.56/0.54); at strength 0.5 over the kept original a song whose guitars play low drops
# 0.73/0.71 -> 0.59/0.59 up the neck, so it stays low there. The kit steps back only when the band is alone:
# over the original 3 dB less kit took a music tagger's "punk" from 0.34-0.50 to 0.30-0.39 on two songs.
_UNDER_THE_BAND = 0.1
_ALONE_DRUMS_DB = -3.0
_FEELS = {
    "lofi": _Feel(jitter=0.018, spread=14, accent=6, late=0.012),
    "classical": _Feel(jitter=0.012, spread=10, accent=8, length=1.15),
    "cinematic": _Feel(jitter=0.01, spread=10, accent=10, length=1.15),
    "ambient": _Feel(jitter=0.0, spread=6, accent=0, length=1.2),
    "piano_ballad": _Feel(jitter=0.012, spread=14, accent=8, length=1.1),
    "jazz": _Feel(jitter=0.014, spread=16, accent=6, late=0.008, comp="charleston"),
    "techno": _Feel(jitter=0.0, spread=4, accent=14, length=0.8),
    "house": _Feel(jitter=0.0, spread=4, accent=12),
    "edm": _Feel(jitter=0.0, spread=4, accent=12),
    "trance": _Feel(jitter=0.0, spread=3, accent=12),
    "dnb": _Feel(jitter=0.002, spread=6, accent=14, length=0.9),
    "dubstep": _Feel(jitter=0.0, spread=4, accent=14),
    "trap": _Feel(jitter=0.0, spread=6, accent=12),
    "chiptune": _Feel(jitter=0.0, spread=0, accent=0, length=0.85),
    "rock": _Feel(jitter=0.006, spread=8, accent=14, guitar="power"),
    "metal": _Feel(jitter=0.003, spread=6, accent=16, guitar="mute"),
    "punk": _Feel(jitter=0.005, spread=6, accent=14, guitar="high"),
    "funk": _Feel(jitter=0.004, spread=12, accent=16, length=0.6, comp="funk", bass="funk"),
    "reggae": _Feel(jitter=0.008, spread=8, accent=8, length=0.5, late=0.01, comp="offbeats"),
    "disco": _Feel(jitter=0.003, spread=8, accent=10, length=0.8, comp="funk", bass="octaves"),
    "country": _Feel(jitter=0.006, spread=10, accent=12, comp="folk", bass="two_beat"),
    "polka": _Feel(jitter=0.005, spread=8, accent=12, length=0.7, comp="pah", bass="oompah"),
    "march": _Feel(jitter=0.003, spread=8, accent=14, length=0.6, comp="pah", bass="two_beat"),
    "blues": _Feel(guitar="boogie"),
}
# Each role's own reverb (0..1), a role's level in the band ("<role>_db") and the new drums' level in dB: drums
# forward in techno, roomy piano in lo-fi, country's strummed guitar over its brushed kit, reggae's bass in front.
_MIXES = {
    "lofi": {"chords": 0.55, "pad": 0.4, "lead": 0.45, "drums_db": -1.5, "drums_reverb": 0.15},
    "classical": {"all": 0.45},
    "cinematic": {"all": 0.55, "drums_reverb": 0.4},
    "ambient": {"all": 0.7},
    "acappella": {"all": 0.5},
    "piano_ballad": {"chords": 0.4, "strings": 0.5, "chords_db": 3.0, "strings_db": -6.0},
    "jazz": {"all": 0.2, "drums_db": -3.0, "drums_reverb": 0.2},
    "techno": {"pad": 0.5, "arp": 0.3, "drums_db": 3.0},
    "house": {"pad": 0.4, "chords": 0.25, "drums_db": 2.0},
    "edm": {"pad": 0.4, "lead": 0.3, "drums_db": 2.0},
    "trance": {"pad": 0.5, "lead": 0.35, "arp": 0.3, "drums_db": 1.5},
    "dnb": {"pad": 0.5, "drums_db": 2.5},
    "dubstep": {"pad": 0.4},
    "trap": {"pad": 0.4, "drums_db": 2.0},
    "rock": {"all": 0.1, "drums_db": 1.0},
    "metal": {"all": 0.05, "drums_db": 1.5},
    "punk": {"all": 0.05, "drums_db": 1.5},
    "acoustic": {"all": 0.2, "drums_db": -4.0},
    "country": {"drums_db": -3.0, "guitar_db": 3.0},
    "reggae": {"bass_db": 3.0},
    "funk": {"drums_db": -3.0, "bass_db": 4.0, "guitar_db": 4.0, "chords_db": 3.0, "brass_db": 2.0},
    # blues: the overdriven boogie and the harmonica in front, the piano with them (without it a song's harmony
    # blurred under the low dyads: mutilated mime at 0.5, 0.51/0.56 with the piano 6 dB down, 0.67/0.61 3 dB up)
    "blues": {"guitar_db": 3.0, "lead_db": 6.0, "drums_db": -2.0, "chords_db": 3.0},
    "gospel": {"all": 0.35},
    "vaporwave": {"all": 0.5},
    "synthwave": {"pad": 0.45, "lead": 0.35, "drums_reverb": 0.25},
    "bollywood": {"lead_db": 4.0, "drums_db": 2.0, "strings": 0.4, "arp_db": 2.0},
    "polka": {"drums_db": -3.0},
    "march": {},
    "east_asian": {"drums_db": -3.0},
}
# How clearly a style's band states pitch, as a factor on the transcription's fidelity (measured: a
# distortion-guitar part alone matches the song's chroma at 0.33-0.39 where a clean bass does at 0.70;
# drum and bass's busy kit at 170 bpm masks the harmony of the frames it fills).
_CLARITY = {"punk": 0.9, "metal": 0.92, "dnb": 0.95}
# Styles whose kept accompaniment is its pitch classes played as a pad (_balance). At 0.5 on six metal / rock
# game songs the kept distorted guitars kept these remixes tagged "rock" by musicnn (top tag in 26 of 36;
# rise of the style's own tags over the source's -0.02..0.02); as a pad, in none, rise 0.005-0.07 (jazz
# 0.017 -> 0.066, acoustic 0.019 -> 0.068), recognisability the same on average (0.766 -> 0.767).
# Dubstep too: no octave of a 90-112 bpm death-metal song lies in its 140-150, and Rubber Band's stretch of
# 16-25 % smears the kept guitars' harmony (the song alone stretched so: 0.70-0.76 against itself), where a
# pad of its pitch classes keeps it. With the polysynth pad and its drums at the band's level (were +2 dB),
# at 0.5 on four such songs: 0.564-0.649 -> 0.603-0.691; on four other game songs 0.753-0.911 -> 0.838-0.903.
# Bossa nova too: its nylon guitar and brushes over the kept distorted guitars were still tagged rock (0.24-0.52
# on two metal songs); as a pad, musicnn's "jazz" 0.02-0.08 -> 0.15-0.20 on three game songs. Funk as a pad
# alone lost "rock" from its top tags, but its own tags did not rise ("drums" took its place); with its band
# playing sixteenths (the guitar's scratch, the clavinet, the bass's pops: _COMP_HITS, _PATTERN_BASS) in front
# of a softer pad (_PAD_LEVEL) they do (figures at _PAD_LEVEL).
# Piano ballad too: its piano and strings over the kept distorted guitars were tagged rock / violin on three game
# songs (rise of its tags piano/Mellow/soft/beautiful/sad +0.001); as a pad, with its piano 3 dB up and its
# strings 6 dB down (_MIXES), +0.031 (v1, "rock" gone from the top tags of the two metal songs).
# Lullaby too, with its pad an octave up (_PAD_CENTRE), in the music box's register: its music box and piano over
# the kept guitars were tagged "rock, guitar, loud" on armygeddon and "rock, metal" on mutilated mime; as a pad
# around 330 Hz "ambient, electronic, slow" (v1/v2 on four game songs, rise of soft/quiet/Mellow/beautiful/piano
# 0.005 -> 0.027), around 660 Hz "ambient, slow, electronic, piano", 0.005 -> 0.041, recognisability mean
# 0.721 -> 0.731 (lowest 0.647 -> 0.659); and no more energy below 250 Hz than its bassless band needs.
# Latin too (v1/v2 at 0.5 on feelings, armygeddon, war of freedom): its tags (dance/party/happy/funk) over the
# source's 0.013 -> 0.022, higher on all six, "rock" gone from the top tags of the two metal songs; recognisability
# lowest 0.655 -> 0.721, mean 0.745 -> 0.756. (R&B and gospel so: +0.005 / +0.001, armygeddon 0.63-0.65 / 0.73.)
_RETIMBRED = frozenset({"jazz", "lofi", "acoustic", "country", "reggae", "hiphop", "dubstep", "bossa",
                        "piano_ballad", "funk", "lullaby", "acappella", "bollywood",
                        "kids", "polka", "march", "east_asian", "latin"})
# Piano ballad and lo-fi hear their pad an octave up too (v1/v2 at 0.5 on feelings, armygeddon and war of freedom):
# piano ballad's tags (piano / Mellow / soft / beautiful / sad) rise 0.035 -> 0.056, lo-fi's stay (0.023 -> 0.025)
# and its remix of armygeddon is more recognisable (0.638 / 0.638 -> 0.661 / 0.667); both no less elsewhere.
# Bossa nova (0.023 -> -0.003), acoustic (0.025 -> 0.004) and jazz (0.071 -> 0.044) lost tags that way.
# Under a voice (new lyrics, or a kept singer) the pad stays at 330 Hz: around 660 Hz it sat on the derived female
# voice's pitch and first harmonics, and faster-whisper (base, no VAD) understood fewer of its words in the
# finished mix: lullaby, piano ballad, lo-fi on feelings, war of freedom and armygeddon, v1/v2, 0.707 -> 0.750.
_PAD_CENTRE = {style: 2 * PAD_CENTRE_HZ for style in ("lullaby", "piano_ballad", "lofi")}
# Styles of voices alone: nothing of the original accompaniment is kept (its drums, bass and harmony), only the
# song's vocal (or the new lyrics) over the style's voices.
_VOICES_ONLY = frozenset({"acappella"})
# The pad's level in a retimbred style whose band carries the harmony in its own rhythm (funk's sixteenth chops,
# not a sustained chord under them). Funk at 0.5 on three game songs (feelings, armygeddon, war of freedom;
# musicnn's funk/soul/dance/rnb over the source's, mean of v1/v2): 0.005 as before; the pad alone 0.008; the
# sixteenths alone 0.016; both 0.027, the mix below 0.029, the pad at 0.7 0.038 ("funk" 0.03-0.07, on feelings
# "dance" 0.09); recognisability on those songs 0.640-0.776 -> 0.661-0.821.
_PAD_LEVEL = {"funk": 0.7, "acappella": 1.4, "polka": 1.3, "march": 1.3}
# The roles that play the song's harmony (for the plan's note on what the band plays).
_HARMONY_ROLES = frozenset({"chords", "pad", "strings", "arp", "brass", "guitar"})
# The instrument that carries the melody when the style lists no lead (General MIDI programs).
_MELODY_VOICE = {
    "lofi": 11, "house": 80, "techno": 81, "dnb": 81, "trap": 80, "hiphop": 11, "rock": 29, "punk": 29,
    "acoustic": 24, "reggae": 22, "funk": 62, "disco": 48, "rnb": 4, "gospel": 16, "piano_ballad": 0,
    "pop": 80, "afrobeats": 12, "lullaby": 10, "ambient": 89, "cinematic": 48,
}


TIGHT_JITTER, LOOSE_JITTER = 0.0, 0.022  # s: "quantize it", "humanize it" (a style's own: 0.004-0.012)
STACCATO_LENGTH, LEGATO_LENGTH = 0.5, 1.3  # note length factors: "staccato", "legato"


def _played_as_asked(feel: _Feel, plan: StylePlan) -> _Feel:
    """The style's way of playing with the prompt's asks on top: "tight" takes the jitter and the lag away,
    "loose" plays further off the grid (and behind it), "staccato" / "legato" shorten or lengthen every note."""
    if plan.timing_feel == "tight":
        feel = replace(feel, jitter=TIGHT_JITTER, late=0.0)
    elif plan.timing_feel == "loose":
        feel = replace(feel, jitter=max(feel.jitter * 2.5, LOOSE_JITTER), late=max(feel.late, 0.01))
    if plan.articulation == "staccato":
        feel = replace(feel, length=min(feel.length, 1.0) * STACCATO_LENGTH)
    elif plan.articulation == "legato":
        feel = replace(feel, length=max(feel.length, LEGATO_LENGTH))
    return feel


def _humanise(notes, beats, feel: _Feel, rng) -> list[NoteTuple]:
    """Human timing and dynamics: seeded jitter, a laid-back lag, accents on downbeats and backbeats,
    and the style's note length (legato strings overlap, funk and reggae stay short)."""
    if not notes:
        return []
    beats = np.asarray(beats, dtype=float)
    out = []
    for start, end, pitch, velocity in notes:
        length = (end - start) * feel.length
        # Players here only drag: a note never lands before its beat (nor before its chord's change).
        shift = float(np.clip(feel.late + (abs(rng.normal(0, feel.jitter)) if feel.jitter else 0.0), 0.0, 0.04))
        s = max(0.0, start + shift)
        k = int(np.searchsorted(beats, start - 0.03)) if len(beats) else 0
        on_beat = len(beats) > 0 and k < len(beats) and abs(beats[k] - start) < 0.03
        accent = (feel.accent if k % 4 == 0 else feel.accent // 2 if k % 2 == 0 else 0) if on_beat else 0
        v = velocity + accent + (int(rng.integers(-feel.spread, feel.spread + 1)) if feel.spread else 0)
        out.append((s, s + max(0.03, length), pitch, int(np.clip(v, 1, 127))))
    return sorted(out)


def _pick_program(program: int, rng) -> int:
    options = _ALTERNATIVES.get(int(program), (int(program),))
    # The style's own pick stays twice as likely as a neighbour.
    weights = np.array([2.0] + [1.0] * (len(options) - 1))
    return int(options[int(rng.choice(len(options), p=weights / weights.sum()))])


# --- timing grids ----------------------------------------------------------------------------------

def _groove_beats(analysis: Analysis, timing: Timing) -> np.ndarray:
    src = np.asarray(analysis.beat_times, dtype=float)
    if len(src) < 2:
        period = 60.0 / analysis.tempo
        src = np.arange(0, analysis.duration, period)
    period = float(np.median(np.diff(src)))
    # Extend the grid over the whole song so intros and endings get a groove too.
    before = np.arange(src[0] - period, -1e-9, -period)[::-1]
    after = np.arange(src[-1] + period, analysis.duration, period)
    src = np.concatenate([before, src, after])
    if timing.groove_octave == 1:
        src = np.sort(np.concatenate([src, (src[:-1] + src[1:]) / 2]))
    elif timing.groove_octave == -1:
        src = src[::2]
    return src / timing.rate


def _groove_bars(analysis: Analysis, timing: Timing, beats: np.ndarray, beats_per_bar: int = 4) -> np.ndarray:
    """Every `beats_per_bar`-th groove beat from the source's first downbeat on.

    A waltz over a song in four keeps the song's own beats and groups them in threes. The other
    reading, three waltz beats stretched over each 4/4 bar, would keep bar lines on the song's chord
    changes, but every new note would then fall between the kept original's beats (three against
    four); grouping in threes keeps every note on a beat the listener hears, and lets the harmony
    move against the bar line as a hemiola does.
    """
    n = int(beats_per_bar)
    downbeats = np.asarray(analysis.downbeat_times, dtype=float) / timing.rate
    if len(downbeats) == 0 or len(beats) < n:
        return beats[::n]
    phase = int(np.argmin(np.abs(beats - downbeats[0]))) % n
    bars = beats[phase::n]
    if phase:  # a pickup before the first downbeat gets its own (partly negative) bar
        bars = np.concatenate([[bars[0] - n * float(np.median(np.diff(beats)))], bars])
    return bars


def _beat_period(beats: np.ndarray, t: float) -> float:
    i = int(np.clip(np.searchsorted(beats, t), 1, len(beats) - 1))
    return float(beats[i] - beats[i - 1])


def _place_in_bar(bars: np.ndarray, beats: np.ndarray, t: float) -> int:
    """The place in its bar (0 = the downbeat) of the beat at t; 0 before the first bar."""
    k = int(np.searchsorted(bars, t + 0.03)) - 1
    return int(round((t - bars[k]) / max(_beat_period(beats, t), 1e-3))) if k >= 0 else 0


# --- pitched parts ---------------------------------------------------------------------------------

_SHAPES = {"maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10), "dim": (0, 3, 6), "aug": (0, 4, 8),
           "sus": (0, 5, 7)}


def _role_notes(role, chords, melody, beats, bars, beats_per_bar, plan: StylePlan, rng, bass_line=(),
                feel=_FEEL) -> list:
    energy = float(plan.energy)
    in_three = beats_per_bar == 3
    if role == "bass":
        if in_three:
            notes = _oom(chords, beats, bars, energy, rng)
        elif feel.bass in ("two_beat", "oompah"):
            notes = _two_beat_bass(chords, beats, bars, energy, every_beat=feel.bass == "oompah")
        elif feel.bass in _PATTERN_BASS:
            notes = _pattern_bass(chords, beats, bars, energy, *_PATTERN_BASS[feel.bass])
        else:
            notes = _bass(chords, beats, energy, rng)
        return _follow_bass_line(notes, bass_line, chords)
    if role == "guitar" and feel.guitar == "boogie" and not in_three:
        return _boogie(chords, beats, energy)
    if role == "guitar" and feel.guitar in ("power", "mute", "high") and not in_three:
        return _power_chords(chords, beats, energy, muted=feel.guitar == "mute", high=feel.guitar == "high")
    if role in ("chords", "guitar"):
        low, strum = (52 if role == "guitar" else 55), role == "guitar"
        if in_three:
            return _pah_pah(chords, beats, bars, energy, rng, low, strum)
        # a folk strum is the guitar's: a piano beside it keeps a seeded rhythm
        rhythm = feel.comp if role == "guitar" or feel.comp != "folk" else ""
        if role == "chords" and feel.comp == "offbeats":
            rhythm = "bubble"   # reggae's organ "bubble": the off-beat chop and a softer one a sixteenth after
        elif role == "chords" and feel.comp == "funk":
            rhythm = "clavinet"
        return _comp(chords, beats, energy, rng, low=low, strum=strum, rhythm=rhythm, bars=bars)
    if role in ("pad", "strings"):
        return _sustain(chords, low=60 if role == "strings" else 53, velocity=70 if role == "pad" else 64, rng=rng)
    if role == "brass":
        return _stabs(chords, beats, rng)
    if role == "arp":
        return _arpeggio(chords, beats, energy, rng)
    if role == "lead":
        return _lead(melody)
    return []


# Velocity of a chord's third against its root and fifth in the band's voicings, for a song whose chords
# sound no third (power chords); full where the song's typical chord sounds its third clearly.
_THIRD_VELOCITY = 0.6
_CLEAR_THIRD = 0.2   # transcribe.thirds_heard at and above which the third is played in full


def _soft_thirds(notes, chords, third_presence: float = 1.0) -> list[NoteTuple]:
    """The chord's third played softer than its root and fifth where the song itself barely sounds one
    (`third_presence`, transcribe.thirds_heard: distorted guitars play power chords): the song's major or
    minor is still heard, but the band does not insist on a third the song does not sound, or that the
    transcription guessed wrong. Measured with the band alone (strength 1) on three instrumental rock
    songs (third presence 0.0-0.04): aligned chroma similarity +0.03 to +0.11 across techno, punk and
    classical bands (velocity x0.6). Songs with clear triads keep their thirds: softened there, a band
    matched unrelated triad music better too."""
    played = [c for c in chords if c.played]
    factor = _THIRD_VELOCITY + (1 - _THIRD_VELOCITY) * float(np.clip(third_presence / _CLEAR_THIRD, 0, 1))
    if not notes or not played or factor >= 1.0:
        return list(notes)
    starts = np.array([c.start for c in played])
    out = []
    for start, end, pitch, velocity in notes:
        k = int(np.searchsorted(starts, start + 0.03, side="right")) - 1
        if k >= 0 and start < played[k].end and (pitch - played[k].root) % 12 in _THIRDS.get(played[k].quality, ()):
            velocity = max(1, int(round(velocity * factor)))
        out.append((start, end, pitch, velocity))
    return out


_THIRDS = {"maj": (4,), "min": (3,), "7": (4,), "dim": (3,), "aug": (4,)}
_REACH = 2       # semitones a chord tone moves to land on a pitch class the song sounds
_TOGETHER = 0.06  # s: notes of one part starting this close on one beat are one chord (a strum's spread)


def _heard_voicing(notes, tones, fill: bool = True) -> list[NoteTuple]:
    """The band's chord notes moved onto the pitch classes the song's accompaniment sounds on each beat
    (`tones`: (start, end, pitch classes loudest first), transcribe.beat_tones, remix timeline), keeping the
    part's rhythm and register: a chord tone the song sounds stays; one it does not moves to the nearest
    heard pitch class within _REACH semitones not yet in the chord, else to the loudest one left (the
    nearest pitch with it); a note left with nothing new to play goes. A note held across beats is cut
    where its pitch must change. On clean triads the heard tones are the triad and nothing moves; where the
    song plays power chords or riffs, template triads said less than it does. With `fill` False (distorted
    power chords: distortion multiplies a cluster's partials) a chord keeps its root, fifth and octave and
    sounds any other tone only where it is heard. Measured (aligned chroma similarity, 45 s excerpts of
    game-music songs, versions 1/2): the band alone (strength 1) as techno on two death-metal songs
    0.48/0.44 -> 0.58/0.56 and 0.31/0.32 -> 0.50/0.49, on a rock song 0.64/0.65 -> 0.81/0.83; classical
    0.32-0.71 -> 0.53-0.81; at strength 0.5 techno, dnb, lofi and dubstep +0.02 to +0.18 on eight songs,
    punk and metal (power chords) within +-0.02."""
    if not notes or not tones:
        return list(notes)
    starts = np.array([t[0] for t in tones])
    pieces = []  # [start, end, pitch, velocity, note index, beat index]
    for i, (start, end, pitch, velocity) in enumerate(notes):
        k = int(np.searchsorted(starts, start + 0.03, side="right")) - 1
        if k < 0:
            pieces.append([start, end, pitch, velocity, i, -1])
            continue
        t = start
        while True:
            cut = tones[k + 1][0] if k + 1 < len(tones) else math.inf
            if cut >= end - 0.05:
                pieces.append([t, end, pitch, velocity, i, k])
                break
            pieces.append([t, cut, pitch, velocity, i, k])
            t, k = cut, k + 1
    pieces.sort(key=lambda q: (q[5], q[0]))
    kept = []
    g = 0
    while g < len(pieces):
        h = g + 1
        while h < len(pieces) and pieces[h][5] == pieces[g][5] and pieces[h][0] - pieces[g][0] < _TOGETHER:
            h += 1
        group = pieces[g:h]
        heard = tones[group[0][5]][2] if group[0][5] >= 0 else ()
        kept.extend(_onto_heard(group, heard, fill) if heard else group)
        g = h
    kept.sort(key=lambda q: (q[4], q[0]))
    out: list[NoteTuple] = []
    last = None
    for start, end, pitch, velocity, i, _k in kept:
        if last is not None and last[4] == i and last[2] == pitch and abs(last[1] - start) < 1e-6:
            last[1] = end   # the same note held on: not struck again
            continue
        last = [start, end, pitch, velocity, i]
        out.append(last)
    return sorted((s, e, p, v) for s, e, p, v, _ in out)


def _onto_heard(group, heard, fill: bool = True) -> list:
    """One chord's notes (see _heard_voicing) assigned to the heard pitch classes."""
    def nearest(pitch, pc):
        up = (pc - pitch) % 12
        return pitch + up if up <= 6 else pitch + up - 12

    if not fill:  # a power chord keeps its frame (root, fifth, octave); any other tone only where heard
        low = min(q[2] for q in group)
        return [q for q in group if q[2] % 12 in heard or q[2] - low in (0, 7, 12)]
    taken = {q[2] % 12 for q in group if q[2] % 12 in heard}
    moved, pending = [], []
    for q in group:
        (moved if q[2] % 12 in heard else pending).append(q)
    for q in sorted(pending, key=lambda q: q[2]):
        free = [pc for pc in heard if pc not in taken]
        close = [pc for pc in free if abs(nearest(q[2], pc) - q[2]) <= _REACH]
        pick = min(close, key=lambda pc: abs(nearest(q[2], pc) - q[2])) if close else (free[0] if free else None)
        if pick is None:
            continue
        taken.add(pick)
        moved.append([q[0], q[1], nearest(q[2], pick), *q[3:]])
    seen, out = set(), []
    for q in moved:
        if (q[2], round(q[0], 3)) not in seen:
            seen.add((q[2], round(q[0], 3)))
            out.append(q)
    return out


def _follow_bass_line(notes, bass_line, chords) -> list[NoteTuple]:
    """The style's bass rhythm on the song's own bass pitches: where the transcribed line sounds a
    note of the chord (root, third, fifth, seventh) at a note's start, the bass plays that instead of
    the root, so inversions and walking tones of the original survive a restyle."""
    if not bass_line:
        return notes
    starts = np.array([n.start for n in bass_line])
    out = []
    for start, end, pitch, velocity in notes:
        k = int(np.searchsorted(starts, start + 0.06)) - 1
        chord = _chord_at(chords, start)
        if k >= 0 and bass_line[k].end > start + 0.02 and chord is not None:
            heard = bass_line[k].pitch
            tones = {(chord.root + i) % 12 for i in _SHAPES.get(chord.quality, _SHAPES["maj"])}
            if heard % 12 in tones and heard % 12 != pitch % 12:
                pitch = 28 + (heard - 28) % 12 + 12 * int(pitch >= 40)
        out.append((start, end, pitch, velocity))
    return out


def _power_chords(chords, beats, energy, muted: bool, high: bool = False) -> list[NoteTuple]:
    """Rock guitar on straight eighths: a barre chord (root, fifth, octave and the third above it, so the
    song's major or minor survives the distortion); palm-muted power chugs (root, fifth, octave: short,
    softer, with an open accent on each chord change) for metal. `high` (punk) plays the barre chord up
    the neck on the top strings, rooted C4-B4 where the low one is rooted E2-D#3: the low chord's
    overdriven partials fill the octaves the song's chroma is heard in, and the song is lost under them."""
    out = []
    for a, b, root, quality, is_change in _chord_at_beats(chords, beats):
        base = 60 + root % 12 if high else 40 + (root - 4) % 12
        third = 15 if quality in ("min", "dim") else 16
        voicing = (base, base + 7, base + 12) if muted else (base, base + 7, base + 12, base + third)
        half = (b - a) / 2
        for k, s in enumerate((a, a + half)):
            if s >= b - 0.03:
                continue
            open_hit = is_change and k == 0
            length = half * (0.95 if open_hit or not muted else 0.4)
            velocity = int((96 if open_hit else 84 if not muted else 74) + 20 * energy)
            for i, pitch in enumerate(voicing):
                out.append((s + i * 0.004, s + i * 0.004 + max(0.05, length), pitch, min(127, velocity)))
    return sorted(out)


def _boogie(chords, beats, energy) -> list[NoteTuple]:
    """The blues shuffle's boogie on the low strings: on each beat the root with its fifth, or every other
    beat its sixth, struck on the beat and again on the shuffled eighth (two thirds of the beat). Overdriven,
    it keeps the sixth only where the song sounds it (_heard_voicing's power-chord rule)."""
    beats = np.asarray(beats, dtype=float)
    velocity = int(70 + 30 * energy)
    out = []
    for a, b, root, _quality, _is_change in _chord_at_beats(chords, beats):
        base = 40 + (root - 4) % 12
        top = base + (9 if int(np.argmin(np.abs(beats - a))) % 2 else 7)
        for s, length, v in ((a, 2 / 3 * (b - a), velocity), (a + 2 / 3 * (b - a), (b - a) / 3, velocity - 12)):
            if s < b - 0.03:
                out.extend((s + 0.006 * i, s + 0.006 * i + max(0.05, 0.9 * length), p, v)
                           for i, p in enumerate((base, top)))
    return sorted(out)


def _voicing(root: int, quality: str, low: int, inversion: int) -> list[int]:
    shape = _SHAPES.get(quality, _SHAPES["maj"])
    pcs = [(root + i) % 12 for i in shape]
    pcs = pcs[inversion % len(pcs):] + pcs[: inversion % len(pcs)]
    pitches, current = [], low - 1
    for pc in pcs:
        p = current + 1 + ((pc - (current + 1)) % 12)
        pitches.append(p)
        current = p
    return pitches


def _voice_lead(previous: list[int] | None, root: int, quality: str, low: int, rng) -> list[int]:
    options = [_voicing(root, quality, low, inv) for inv in range(3)]
    if previous is None:
        return options[int(rng.integers(len(options)))]
    centre = np.mean(previous)
    scores = [abs(np.mean(v) - centre) + rng.random() * 1.5 for v in options]
    return options[int(np.argmin(scores))]


def _chord_at_beats(chords, beats):
    """Yield (start, end, root, quality) pieces of each chord cut at the groove beats."""
    for start, end, root, quality in chords:
        if root < 0 or end - start < 0.05:
            continue
        inner = [b for b in beats if start + 0.03 < b < end - 0.03]
        edges = [start] + inner + [end]
        for a, b in zip(edges[:-1], edges[1:]):
            yield a, b, root, quality, a == start


def _bass(chords, beats, energy, rng) -> list[NoteTuple]:
    pattern = rng.choice(["whole", "beats", "eighths"] if energy >= 0.55 else ["whole", "beats", "whole"])
    out = []
    for a, b, root, _quality, is_change in _chord_at_beats(chords, beats):
        pitch = 36 + root if root < 7 else 24 + root
        velocity = int(80 + 30 * energy)
        if pattern == "whole":
            if is_change:
                end = next((c.end for c in chords if c.start <= a < c.end), b)
                out.append((a, max(a + 0.05, end - 0.02), pitch, velocity))
        elif pattern == "beats":
            out.append((a, max(a + 0.05, b - 0.03), pitch, velocity if is_change else velocity - 12))
        else:
            mid = (a + b) / 2
            out.append((a, mid - 0.02, pitch, velocity))
            out.append((mid, max(mid + 0.05, b - 0.02), pitch + (12 if rng.random() < 0.25 else 0), velocity - 15))
    return sorted(out)


# A bar of sixteenths ("x" accent, "o" normal, "g" ghost, "." rest) as hits of a comping rhythm, short, the
# off sixteenths late by `swing` of a sixteenth as the kit's are (drum_groove)
def _sixteenths(pattern: str, swing: float) -> tuple:
    weight = {"x": 1.0, "o": 0.8, "g": 0.5}
    return tuple((k // 4, (k % 4 + (swing if k % 2 else 0.0)) / 4, 0.18, weight[c], False)
                 for k, c in enumerate(pattern) if c != ".")


# Hits of a comping rhythm within a beat: (the beat's place in its bar, None for every beat; offset and
# length in beats; velocity factor; upstroke)
_COMP_HITS = {
    "beats": ((None, 0.0, 0.45, 1.0, False),),
    "offbeats": ((None, 0.5, 0.45, 1.0, False),),
    "bubble": ((None, 0.5, 0.2, 1.0, False), (None, 0.75, 0.2, 0.7, False)),   # reggae's organ
    "pah": ((None, 0.5, 0.35, 1.0, False),),   # polka's accordion: one short chord on each offbeat
    "charleston": ((0, 0.0, 0.6, 1.0, False), (2, 0.0, 0.6, 1.0, False), (1, 0.5, 0.4, 0.85, False),
                   (3, 0.5, 0.4, 0.85, False)),
    "folk": ((None, 0.0, 0.5, 1.0, False), (1, 0.5, 0.45, 0.7, True), (3, 0.5, 0.45, 0.7, True)),
    # funk's rhythm guitar scratching sixteenths, its chord on the and of each beat, and the clavinet's
    # syncopated answer, swung as funk's kit (0.12)
    "funk": _sixteenths("g.xgg.xgg.xgg.xg", 0.12),
    "clavinet": _sixteenths("x..o..o...x..o..", 0.12),
}


def _comp(chords, beats, energy, rng, low: int, strum: bool, rhythm: str = "", bars=()) -> list[NoteTuple]:
    """The chords in a comping rhythm: the style's own, or a seeded one of sustained, on the beats or off them."""
    if not rhythm:
        rhythm = rng.choice(["sustain", "beats", "offbeats"] if energy >= 0.4 else ["sustain", "sustain", "beats"])
    beats = np.asarray(beats, dtype=float)
    bars = np.asarray(bars, dtype=float)
    out = []
    for start, end, voicing in _voiced(chords, low, rng):
        if rhythm == "sustain":
            hits = [(start, end - 0.02, 1.0, False)]
        else:
            inner = [b for b in beats if start - 0.03 <= b < end - 0.05]
            hits = []
            for b in inner or [start]:
                period = _beat_period(beats, b)
                place = _place_in_bar(bars, beats, b)
                for which, offset, length, weight, up in _COMP_HITS[rhythm]:
                    if which is not None and place % 4 != which:
                        continue
                    s = b + offset * period
                    if s < end - 0.05:
                        hits.append((max(s, start), min(s + period * length, end - 0.02), weight, up))
        for s, e, weight, up in hits:
            order = voicing[::-1] if up else voicing
            for i, pitch in enumerate(order):
                offset = i * (0.008 if up else 0.012) if strum else 0.0
                out.append((s + offset, max(s + offset + 0.05, e), pitch, int((62 + 30 * energy) * weight)))
    return sorted(out)


# Bass lines over a bar of sixteenths ("x" accent, "o" normal, "g" ghost) on the chord's root, the octave up
# on the steps listed: (pattern, octave steps, note length in sixteenths for "x" / "o" and "g")
_PATTERN_BASS = {
    "funk": ("x..g..x.o.x..gx.", (6, 14), (0.9, 0.6)),   # syncopated, the octave popped on the and of 2 and of 4
    "octaves": ("x.o.x.o.x.o.x.o.", (2, 6, 10, 14), (1.8, 1.8)),  # disco: eighths, the octave up on the offbeats
}


def _pattern_bass(chords, beats, bars, energy, pattern: str, octave_steps, lengths) -> list[NoteTuple]:
    """The chord's root in a bar-long sixteenth pattern (_PATTERN_BASS); a chord change falling on a rest is
    struck all the same."""
    bars = np.asarray(bars, dtype=float)
    velocity = int(80 + 30 * energy)
    out = []
    for a, b, root, _quality, is_change in _chord_at_beats(chords, beats):
        place = _place_in_bar(bars, beats, a) % 4
        low = 36 + root if root < 7 else 24 + root
        step = (b - a) / 4
        for j in range(4):
            k = place * 4 + j
            c = "o" if j == 0 and is_change and pattern[k] == "." else pattern[k]
            s = a + j * step
            if c == "." or s >= b - 0.03:
                continue
            v = velocity - {"x": 0, "o": 15, "g": 35}[c]
            length = step * lengths[0 if c == "x" else 1]
            out.append((s, s + max(0.05, length), low + 12 * (k in octave_steps), v))
    return out


def _two_beat_bass(chords, beats, bars, energy, every_beat: bool = False) -> list[NoteTuple]:
    """Root on the bar's first beat, fifth on its third (country, folk); `every_beat`, polka's tuba: root on one and
    three, fifth on two and four, each short (the "oom" under the accordion's "pah"). The chord's root again on a
    change that falls elsewhere."""
    bars = np.asarray(bars, dtype=float)
    velocity = int(80 + 30 * energy)
    out = []
    for a, b, root, quality, is_change in _chord_at_beats(chords, beats):
        place = _place_in_bar(bars, beats, a)
        low = 36 + root if root < 7 else 24 + root
        if place == 0 or is_change or (every_beat and place == 2):
            pitch = low
        elif place == 2 or (every_beat and place in (1, 3)):
            fifth = 7 if quality not in ("dim",) else 6
            pitch = low + fifth if low + fifth <= 47 else low + fifth - 12
        else:
            continue
        chord_end = next((c.end for c in chords if c.start - 0.03 <= a < c.end), b)
        end = min(a + (0.5 if every_beat else 2) * (b - a), chord_end) - 0.02
        accented = place == 0 or (every_beat and place == 2)
        out.append((a, max(a + 0.05, end), pitch, velocity if accented else velocity - 10))
    return out


def _oom(chords, beats, bars, energy, rng) -> list[NoteTuple]:
    """Waltz bass: one short note on each bar's first beat, the chord's root, or (seeded) root and fifth
    on alternate bars."""
    alternate = bool(rng.random() < 0.5)
    velocity = int(80 + 30 * energy)
    out = []
    for i, bar in enumerate(bars):
        chord = _chord_at(chords, bar)
        if chord is None:
            continue
        root = chord.root
        pitch = 36 + root if root < 7 else 24 + root
        if alternate and i % 2:
            pitch += 7 if pitch + 7 <= 47 else -5
        length = 0.9 * _beat_period(beats, bar)
        out.append((bar, bar + length, pitch, velocity))
    return out


def _pah_pah(chords, beats, bars, energy, rng, low: int, strum: bool) -> list[NoteTuple]:
    """Waltz comping: the chord, short and lighter, on every beat but the bar's first."""
    downbeats = np.asarray(bars, dtype=float)
    after_beats = [b for b in beats if np.min(np.abs(downbeats - b)) > 0.03]
    velocity = int(55 + 25 * energy)
    out = []
    for start, end, voicing in _voiced(chords, low, rng):
        for b in after_beats:
            if start - 0.03 <= b < end - 0.05:
                e = min(b + 0.45 * _beat_period(beats, b), end - 0.02)
                for i, pitch in enumerate(voicing):
                    offset = i * 0.012 if strum else 0.0
                    out.append((b + offset, max(b + offset + 0.05, e), pitch, velocity))
    return sorted(out)


def _chord_at(chords: tuple[Chord, ...], t: float) -> Chord | None:
    """The playable chord sounding at t (chord edges sit on beats, so a little early counts), or None."""
    for chord in chords:
        if chord.start - 0.03 <= t < chord.end - 0.05 and chord.played:
            return chord
    return None


def _sustain(chords, low: int, velocity: int, rng) -> list[NoteTuple]:
    return sorted((start, end, pitch, velocity) for start, end, voicing in _voiced(chords, low, rng) for pitch in voicing)


def _voiced(chords, low: int, rng):
    """(start, end, voicing) of each playable chord, each voicing led smoothly from the previous one."""
    previous = None
    for start, end, root, quality in chords:
        if root < 0 or end - start < 0.05:
            continue
        previous = _voice_lead(previous, root, quality, low, rng)
        yield start, end, previous


def _stabs(chords, beats, rng) -> list[NoteTuple]:
    out, previous = [], None
    for start, end, root, quality in chords:
        if root < 0 or end - start < 0.2:
            continue
        voicing = _voice_lead(previous, root, quality, 60, rng)
        previous = voicing
        length = min(0.25, (end - start) * 0.5)
        for pitch in voicing:
            out.append((start, start + length, pitch, 85))
    return sorted(out)


def _arpeggio(chords, beats, energy, rng) -> list[NoteTuple]:
    order = rng.choice(["up", "down", "updown"])
    steps_per_beat = 4 if energy >= 0.6 else 2
    out = []
    for a, b, root, quality, _ in _chord_at_beats(chords, beats):
        tones = _voicing(root, quality, 64, 0)
        tones = tones + [tones[0] + 12]
        if order == "down":
            tones = tones[::-1]
        elif order == "updown":
            tones = tones + tones[-2:0:-1]
        step = (b - a) / steps_per_beat
        for k in range(steps_per_beat):
            s = a + k * step
            out.append((s, s + step * 0.9, tones[(int(round(a / max(step, 1e-3))) + k) % len(tones)], 70))
    return sorted(out)


def _lead(melody) -> list[NoteTuple]:
    out = []
    for start, end, pitch in melody:
        if end - start < 0.08:
            continue
        while pitch < 60:
            pitch += 12
        while pitch > 84:
            pitch -= 12
        out.append((start, end, int(pitch), 80))
    return out


# --- drums -----------------------------------------------------------------------------------------

K, S, CL, HH, OH, RD, CR, RIM, SH, LT, MT, HT, TB, CB, PH = 36, 38, 39, 42, 46, 51, 49, 37, 70, 45, 47, 50, 54, 56, 44
HBG, MHC, LCG = 60, 62, 64  # high bongo, muted high conga, low conga: a tabla's and a dholak's voices
WB = 76  # a high wood block: the taiko ensemble's clicking kane

# One pattern for every Groove (checked below), four steps per beat, so 16 to a 4/4 bar and 12 to a 3/4 one:
# "x" accent, "o" normal, "g" ghost, "." rest.
G = Groove
GROOVES: dict[Groove, dict[int, str]] = {
    G.BOOM_BAP:      {K: "x.....x...x.....", S: "....x.......x...", HH: "ogogogogogogogog"},
    G.LOFI:          {K: "x......x..x.....", S: "....x.......x...", HH: "o.g.o.g.o.g.o.g.", RIM: "........g......."},
    G.FOUR_ON_FLOOR: {K: "x...x...x...x...", CL: "....x.......x...", OH: "..o...o...o...o.", HH: "o.g.o.g.o.g.o.g."},
    G.TECHNO:        {K: "x...x...x...x...", HH: "..o...o...o...o.", RIM: "......g.....g..g", CL: "....o.......o..."},
    G.BREAKBEAT:     {K: "x.........x.....", S: "....x.......x..g", HH: "o.o.o.o.o.o.o.o.", OH: "..............o."},
    G.DNB:           {K: "x.........x.....", S: "....x.......x...", HH: "o.o.o.o.o.o.o.o.", RD: "..g...g...g...g."},
    G.TRAP:          {K: "x......x..x.....", S: "........x.......", HH: "oooooooooooooooo", OH: "..............o."},
    G.ROCK:          {K: "x.......x.x.....", S: "....x.......x...", HH: "o.o.o.o.o.o.o.o."},
    G.METAL:         {K: "xoxoxoxoxoxoxoxo", S: "....x.......x...", CR: "x.......x......."},
    G.PUNK:          {K: "x...x...x...x...", S: "..x...x...x...x.", HH: "o.o.o.o.o.o.o.o."},
    G.SHUFFLE:       {K: "x.....x.x.......", S: "....x.......x...", HH: "o..oo..oo..oo..o"},
    # country's train beat: brushes on every eighth, the backbeat accented, the kick on one and three
    G.TRAIN:         {K: "x.......x.......", S: "g.g.x.g.g.g.x.g.", HH: "....o.......o..."},
    G.SWING_JAZZ:    {RD: "o...o..oo...o..o", PH: "....o.......o...", K: "g.......g.......", S: "..........g....."},
    G.BOSSA:         {K: "x..ox..ox..ox..o", RIM: "o..o..o...o..o..", SH: "oooooooooooooooo"},
    G.REGGAE:        {K: "........x.......", S: "........x.......", HH: "..o...o...o...o.", RIM: "....o.......o..."},
    G.FUNK:          {K: "x.x....x..x.....", S: "....x..g.g..x..g", HH: "oooooooooooooooo"},
    G.DISCO:         {K: "x...x...x...x...", S: "....x.......x...", OH: "..o...o...o...o.", HH: "o...o...o...o..."},
    G.HALF_TIME:     {K: "x.........x.....", S: "........x.......", HH: "o.o.o.o.o.o.o.o."},
    G.BALLAD:        {K: "x.......x.......", S: "....x.......x...", HH: "o...o...o...o..."},
    G.MARCH:         {K: "x.......x.......", S: "o.go..o.o.go..o.", CR: "x..............."},
    G.CHIP:          {K: "x.......x.x.....", S: "....x.......x...", HH: "o.o.o.o.o.o.o.o."},
    G.GOSPEL:        {K: "x.....x...x.....", S: "....x.......x...", CL: "....o.......o...", TB: "..o...o...o...o."},
    # reggaeton: a kick on every beat under the rim's 3+3+2 (tresillo) in each half bar
    G.DEMBOW:        {K: "x...x...x...x...", RIM: "...x..x....x..x.", HH: "o.o.o.o.o.o.o.o."},
    # bhangra's chaal: the dhol's bass on one, the and of two, three and the and of four; its stick and the tabla's
    # bongos bouncing between; the claps of a Bollywood song on two and four
    G.BHANGRA:       {K: "x.....x.x.....x.", HBG: "..o.o..o..o.o..o", LCG: "..o.......o.....", MHC: "g...g...g...g...",
                      CL: "....o.......o..."},
    # the darbuka's maqsum: doum, tek, -, tek, doum, -, tek, - in eighths (the doum's low conga and a soft kick under
    # it, the tek's bongo), a muted conga's ghost notes and the riq's jingles between
    G.MAQSUM:        {LCG: "x.......x.......", K: "o.......o.......", HBG: "..x...x.....x...", MHC: "....g.....g...g.",
                      TB: "o.g.o.g.o.g.o.g."},
    # polka's oom-pah: the bass drum with the tuba on every beat, the snare with the accordion on every offbeat
    G.POLKA:         {K: "x...o...x...o...", S: "..o...o...o...o.", HH: "..g...g...g...g."},
    # taiko: the big drum (a low and a floor tom) on one, the and of two and three, the smaller on the backbeats, a
    # wood block's click between
    G.TAIKO:         {41: "x.....o.x.......", LT: "........o.....o.", MT: "....o.......o...", WB: "..g...g...g...g."},
    G.WALTZ:         {K: "x...........", S: "....o...o...", HH: "o.g.o.g.o.g."},
    G.JAZZ_WALTZ:    {RD: "o...o..oo...", PH: "....o...o...", K: "g...........", S: "..........g."},
}
if set(GROOVES) != set(Groove):
    raise ValueError("arrange.GROOVES must hold one pattern for every Groove")
_VELOCITY = {"x": 112, "o": 88, "g": 48}


# The General MIDI drum notes of each piece of the kit a prompt names (vocabulary.DRUM_PIECES)
PIECE_NOTES = {"kick": (35, 36), "snare": (38, 40), "hats": (42, 44, 46), "cymbals": (49, 51, 52, 53, 55, 57, 59),
               "toms": (41, 43, 45, 47, 48, 50), "claps": (39,), "rim": (37,), "shaker": (69, 70, 82),
               "tambourine": (54,), "cowbell": (56,), "sleigh bells": (83,)}


def _with_pieces(notes: list, pieces: dict, beats, bars, beats_per_bar: int, energy: float) -> list:
    """The groove's notes with the prompt's pieces (StylePlan.drum_pieces): those left out taken out ("*": all
    but the pieces named), those added played where the groove has none ("add claps": on the backbeat)."""
    if not pieces:
        return notes
    keep = {note for piece, db in pieces.items() if db is not None and piece in PIECE_NOTES
            for note in PIECE_NOTES[piece]}
    out = {note for piece, db in pieces.items() if db is None and piece in PIECE_NOTES for note in PIECE_NOTES[piece]}
    notes = [n for n in notes if n[2] not in out and ("*" not in pieces or n[2] in keep)]
    for piece, db in pieces.items():
        if db is not None and piece in PIECE_PATTERNS and not any(n[2] in PIECE_NOTES[piece] for n in notes):
            notes += _piece_pattern(piece, beats, bars, beats_per_bar, energy)
    return sorted(notes)


# A piece added to a groove that has none: (its note, where it plays, velocity). Claps and tambourine on the
# backbeat, the shaker and the sleigh bells on eighths, the cowbell on each beat (its downbeat accented).
PIECE_PATTERNS = {"claps": (39, "backbeat", 100), "tambourine": (54, "backbeat", 90), "shaker": (70, "eighths", 70),
                  "cowbell": (56, "beats", 85), "sleigh bells": (83, "eighths", 80)}


def _piece_pattern(piece: str, beats, bars, beats_per_bar: int, energy: float) -> list:
    note, where, velocity = PIECE_PATTERNS[piece]
    beats = np.asarray(beats, dtype=float)
    if len(beats) < 2:
        return []
    bar_starts = set(int(np.argmin(np.abs(beats - b))) for b in bars)
    first = min(bar_starts) if bar_starts else 0
    out = []
    step = float(np.median(np.diff(beats)))
    velocity = int(np.clip(velocity * (0.8 + 0.3 * energy), 30, 127))
    for i, t in enumerate(beats):
        in_bar = (i - first) % beats_per_bar
        if where == "backbeat" and in_bar % 2 == 1:
            out.append((float(t), float(t) + 0.1, note, velocity))
        elif where == "beats":
            out.append((float(t), float(t) + 0.1, note, velocity if in_bar else min(127, velocity + 15)))
        elif where == "eighths":
            for k, offset in enumerate((0.0, 0.5)):
                out.append((float(t + offset * step), float(t + offset * step) + 0.05, note,
                            velocity - 15 * k))
    return out


BUILD_SECONDS = 4.0  # about this long before the chorus a build starts, on a downbeat: one bar at least, four at most


def build_spans(sections, bars, beats_per_bar: int, beat: float) -> list[tuple[float, float]]:
    """Where the song builds into a chorus ("a build up before the chorus"), on the remix's timeline: from a downbeat
    about BUILD_SECONDS before each chorus (one that follows no chorus) up to its first downbeat. None before a
    chorus in the first 8 s. With no chorus told apart, before each section at least 0.15 louder than the one
    before it (the analysis labels the loudest sections choruses)."""
    starts = [s.start for before, s in zip(sections, sections[1:]) if s.label == "chorus" and before.label != "chorus"]
    if not starts:
        starts = [s.start for before, s in zip(sections, sections[1:]) if s.energy >= before.energy + 0.15]
    edges = np.asarray(list(bars) + [bars[-1] + beats_per_bar * beat] if len(bars) else [], dtype=float)
    spans: list[tuple[float, float]] = []
    for start in starts:
        k = int(np.argmin(np.abs(edges - start))) if len(edges) else 0
        if k == 0 or edges[k] < 8.0:
            continue
        count = int(np.clip(round(BUILD_SECONDS / (edges[k] - edges[k - 1])), 1, 4))
        begin = float(edges[max(0, k - count)])
        if not spans or begin >= spans[-1][1]:
            spans.append((begin, float(edges[k])))
    return spans


def _with_rolls(notes: list, spans, beats) -> list:
    """The kit's notes with a snare roll over each build span: the groove's snare, hats, toms and cymbals give way
    to the snare on the eighths, on the sixteenths over the span's second half, rising from soft to loud; the
    kick keeps its pattern; the chorus's downbeat after it has a crash and a kick."""
    if not spans:
        return notes
    beat = float(np.median(np.diff(beats)))
    out = [n for n in notes if n[2] == K or not any(a <= n[0] < b for a, b in spans)]
    for a, b in spans:
        t = a
        while t < b - 1e-6:
            rise = (t - a) / (b - a)
            out.append((t, t + beat / 8, S, int(45 + 75 * rise ** 1.5)))
            t += beat / 2 if rise < 0.5 else beat / 4
        for drum, velocity in ((CR, 115), (K, 110)):
            if not any(n[2] == drum and abs(n[0] - b) < 0.03 for n in out):
                out.append((b, b + (1.0 if drum == CR else 0.2), drum, velocity))
    return sorted(out)


def _note_builds(plan: StylePlan, spans, kit: bool, notes: list) -> None:
    if not plan.build:
        return
    if not spans:
        notes.append("Asked for a build into the chorus, but no chorus (nor a section louder than the one before "
                     "it) was found after the first 8 s: nothing built.")
        return
    what = {"build": "a snare roll and a noise riser", "riser": "a noise riser", "roll": "a snare roll"}[plan.build]
    if plan.build != "riser" and not kit:
        what = "a noise riser" if plan.build == "build" else ""
        notes.append("Asked for a drum roll, but this version's band plays no drums: no roll.")
    if what:
        times = ", ".join(f"{clock(a)}-{clock(b)}" for a, b in spans)
        notes.append(f"Builds into the chorus ({times}): {what}, rising to its first downbeat.")


def _part_sound(plan: StylePlan, role: str, part: Part, tempo: float) -> dict:
    """A part's room, effects and share of the mix's reverb with the prompt's for `role` (plan.part_rooms,
    plan.part_effects) over the `part`'s (the style's; a drum piece's: its kit's), as Part fields. A room taken
    down takes the part's share of the mix's reverb down alike ("no reverb on the drums": the kit goes around
    it). A delay asked of a part repeats on the dotted eighth of the remix's tempo, as a producer sets one (the
    plan's 0.375 s is that at 120 bpm)."""
    scale, add = plan.part_rooms.get(role, (1.0, 0.0))
    asked = {e.kind: e for e in part.effects}
    for effect in plan.part_effects.get(role, ()):
        if effect.kind == "delay":
            dotted_eighth = round(float(np.clip(45.0 / tempo, 0.12, 0.8)), 4)
            effect = replace(effect, params={**effect.params, "seconds": dotted_eighth})
        asked[effect.kind] = effect
    return {"reverb": float(np.clip(part.reverb * scale + add, 0.0, 1.0)), "effects": tuple(asked.values()),
            "mix_reverb": float(np.clip(part.mix_reverb * scale, 0.0, 1.0))}


def _sounds_of_absent_parts(plan: StylePlan, parts: list, band: bool, kit: bool, notes: list) -> tuple[tuple, float]:
    """The effects and reverb the prompt put on parts this version's band does not play (or plays unheard: no
    band at strength 0): added to the whole mix instead, as they were before parts had effects of their own
    (the song's own guitar is inside its accompaniment stem, not a stem of its own). A room or an effect taken
    off such a part changes nothing. (effects, reverb added to the plan's), and notes say so."""
    mix_effects, mix_reverb = {}, 0.0
    for role in dict.fromkeys((*plan.part_effects, *plan.part_rooms)):
        drums = role == "drums" or role in PIECE_NOTES
        if any((p.is_drums if role == "drums" else p.role == role) for p in parts) and (kit if drums else band):
            continue
        added = [e for e in plan.part_effects.get(role, ()) if e.kind not in mix_effects]
        room = plan.part_rooms.get(role, (1.0, 0.0))[1]
        mix_effects.update((e.kind, e) for e in added)
        mix_reverb = max(mix_reverb, room)
        asked = [e.kind for e in added] + (["reverb"] if room else [])
        if asked:
            notes.append(f"{' and '.join(asked).capitalize()} on the {role}: the new band plays no {role} here (the "
                         "song's own is inside its accompaniment), so on the whole mix.")
    return tuple(mix_effects.values()), mix_reverb


def _kit_pieces_apart(kit: Part, pieces: dict) -> list:
    """The kit, and each piece the prompt moves ("more kick", a piece changed in one part of the song) as a part of
    its own (role: the piece), at that many dB: velocities would stop at 127, a part's level does not."""
    parts = []
    notes = list(kit.notes)
    for piece, db in pieces.items():
        if db is None or piece not in PIECE_NOTES:
            continue
        mine = [n for n in notes if n[2] in PIECE_NOTES[piece]]
        if mine:
            notes = [n for n in notes if n[2] not in PIECE_NOTES[piece]]
            parts.append(replace(kit, role=piece, notes=tuple(mine), gain_db=kit.gain_db + db))
    return [replace(kit, notes=tuple(notes))] + parts if notes else parts


def drum_groove(groove_id: str, beats, bars, energy: float, swing: float, sections, rng,
                beats_per_bar: int = 4) -> list[NoteTuple]:
    """The groove's pattern once per bar; a pattern longer than the bar plays its first beats only."""
    pattern = GROOVES.get(groove_id, GROOVES[Groove.ROCK])
    steps_per_bar = 4 * beats_per_bar
    fill_from = steps_per_bar - 4  # a fill takes the bar's last beat
    beats = np.asarray(beats, dtype=float)
    bars = np.asarray(bars, dtype=float)
    if len(bars) < 1 or len(beats) < 2:
        return []
    sparse_hats = energy < 0.3
    ghost_chance = float(rng.uniform(0.0, 0.35))
    fill_every = int(rng.choice([4, 8]))
    section_starts = [s.start for s in sections[1:]]
    out: list[NoteTuple] = []
    bar_edges = list(bars) + [bars[-1] + beats_per_bar * float(np.median(np.diff(beats)))]
    for i, (bar_start, bar_end) in enumerate(zip(bar_edges[:-1], bar_edges[1:])):
        step = (bar_end - bar_start) / steps_per_bar
        fill = (i + 1) % fill_every == 0 and i > 0
        for drum, steps in pattern.items():
            for k, ch in enumerate(steps[:steps_per_bar]):
                if fill and k >= fill_from and drum in (S, HH, OH):
                    continue
                if ch == "." or (sparse_hats and drum in (HH, SH) and k % 4 == 2):
                    continue
                if ch == "g" and rng.random() > 0.7:
                    continue
                t = bar_start + k * step + (swing * step if k % 2 == 1 else 0.0)
                velocity = int(np.clip(_VELOCITY[ch] * (0.7 + 0.4 * energy) + rng.integers(-6, 7), 20, 127))
                out.append((t, t + step * 0.9, drum, velocity))
        if S in pattern and rng.random() < ghost_chance:
            t = bar_start + 7 * step
            out.append((t, t + step * 0.9, S, 40))
        if fill:
            toms = [HT, HT, MT, LT] if rng.random() < 0.5 else [S, S, MT, LT]
            for k, drum in enumerate(toms):
                t = bar_start + (fill_from + k) * step
                out.append((t, t + step * 0.9, drum, int(80 + 25 * energy)))
        if any(abs(bar_start - s) < step * 2 for s in section_starts) and energy >= 0.35:
            out.append((bar_start, bar_start + 1.0, CR, 100))
    return sorted(out)
