"""Turn a free-text prompt into a StylePlan: which style, tempo, meter, instruments and their levels, groove
and effects.

`interpret()` is the one entry point; it is pure, fast and never raises. Where the tempo is chosen:
`tempo_bpm` when the prompt names one, else the source tempo times `tempo_factor`, folded by octaves
into `tempo_range` by the renderer. The words, styles and modifiers it knows are data in `vocabulary.py`;
this module is the reading: tokens and phrases, the scope of cues ("no", "less", "very"), blending.
"""

from __future__ import annotations

import colorsys
import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace

from .vocabulary import (
    ACOUSTIC_SWAPS, ADDED_PIECES, ADD_CUES, ALL_BUT_CUES, ARTIST_STYLES, BUILD_WORDS, COMPARISON_WORDS, COVER_STYLES,
    COVER_WORDS, DANCE_STYLES, DECADE_STYLES, DEFAULT_STYLE, DROP_CUES, DRUM_PIECES, DRUM_WORDS, EFFECT_DEFAULTS,
    EFFECT_WORDS, ELECTRIC_PROGRAMS, GENDER_VOICES, GENDER_WORDS, GROOVES_IN_THREE, GROOVE_STYLES, GROOVE_WORDS, IDIOMS,
    INSTRUMENTAL_WORDS, INSTRUMENT_WORDS, INTENSIFIERS, KEEP_CUES, KEY_CHANGE_WORDS, KEY_NAMES, KIT_WORDS, LESS_CUES,
    LEVELLED, LEVEL_COMPARATIVES, METER_WORDS, MODE_WORDS, MODIFIERS, MORE_CUES, NO_NEW_CUES, NOT_CUES, NOT_GUESSED,
    NOT_TOO_CUES, OFF_WORDS, ONLY_CUES, ONLY_STYLES, OWN_TEMPO_WORDS, OWN_WORDS, P, PUMP_WORDS, REST_WORDS,
    SECTION_ELSEWHERE, SECTION_ENTRY_WORDS, SECTION_LABELS, SECTION_LIFTS, SECTION_RELATIONS, SECTION_WORDS, SOLO_WORDS,
    SOUND_LIKE, STOP_WORDS, STYLE_TABLE, SWAP_CONNECTORS, SWAP_CUES, SYNTH_PROGRAMS, TOO_WORDS, TRAILING_LEVELS,
    VOCALS_ALONE, VOCAL_CHOP_WORDS, VOCAL_DELIVERY_WORDS, VOCAL_HARMONY_WORDS, VOCAL_TUNE_WORDS, VOCAL_WORDS, Effect,
    EffectKind, Groove, Kit, Role, StyleSound, StyleSpec,
)

MIN_BPM = 40.0
MAX_BPM = 240.0
MAX_PROMPT_CHARS = 2000

EFFECT_KINDS = tuple(kind.value for kind in EffectKind)
ROLES = tuple(role.value for role in Role)
GROOVES = tuple(groove.value for groove in Groove)
LEVEL_STEP_DB = 6.0   # one "less guitar" / "more bass", scaled by "a bit" or "much"
KEEP_OWN_ORIGINAL = 0.9  # "keep the original guitar": the plan's keep_original at least this (the accompaniment)
TRIPLET_SWING = 0.33  # a shuffle, "triplet feel", 6/8: the off notes two thirds into the beat
SECTION_LIFT_DB = 4.0  # "make the chorus bigger": the band that much louder there (the vocal half as much)
MAX_LEVEL_DB = 12.0   # the most a role is moved however often it is asked


@dataclass(frozen=True)
class SectionChange:
    """A change in one part of the song ("no drums in the verse", "make the chorus bigger", "add strings in the
    chorus"): the arranger finds that part among the sections the analysis labels (analyse._sections)."""
    section: str              # "chorus", "verse", "intro" or "outro"
    which: str                # "every" one of them, the "first", the "last", "2" the second...; "before" / "after"
                              # the first of them, "before_last" / "after_last" the last
    target: str               # "mix" (the whole instrumental), "drums", "vocals", or an instrument's label
    roles: tuple[str, ...]    # the band's roles the target plays ("drums" and "bass" move their stems too)
    db: float | None          # the level change there; None: left out there
    only_there: bool = False  # "add strings in the chorus": it plays there and nowhere else
    words: str = ""           # how the prompt named the part of the song
    alone: bool = False       # "only piano in the intro": the roles play there, everything else is left out there
    # "reverb on the chorus", "delay on the vocals in the last chorus": effects and a reverb (its amount, 0: none) on
    # the instrumental ("mix") or the vocal there alone (db 0)
    effects: tuple = ()
    reverb: float = 0.0
    sound: str = ""  # "make the verse sound like a radio": the feeling whose effects these are ("radio")
    voice: str = ""  # "harmonies in the chorus": the vocal's second voice ("harmony" or "double") there alone


@dataclass(frozen=True)
class StylePlan:
    style: str
    style_name: str
    tempo_bpm: float | None
    tempo_factor: float
    tempo_range: tuple[float, float]
    mode: str | None
    instruments: dict[str, int]
    drums: str | None
    drum_kit: int
    swing: float
    energy: float
    brightness: float
    reverb: float
    effects: tuple[Effect, ...]
    keep_original: float
    keep_vocals: bool
    vocal_reverb: float
    mood: str
    palette: tuple[str, ...]
    modifiers: tuple[str, ...]
    understood: tuple[str, ...]
    ignored_words: tuple[str, ...]
    summary: str
    beats_per_bar: int = 4        # 3 for a waltz: the arranger groups the song's beats in threes
    levels: dict[str, float] = field(default_factory=dict)  # role, "drums" or "vocals" -> dB, from "less guitar"
    only: tuple[str, ...] = ()  # "only piano and vocals": the roles, "drums" and "vocals" that play, nothing else
    own_parts: tuple[str, ...] = ()  # "keep the original drums": "drums", "bass": the song's own stem, not the band's
    removed: tuple[str, ...] = ()  # "no guitar": the instruments the prompt takes out (labels), the song's own too
    sections: tuple[SectionChange, ...] = ()  # changes in one part of the song only
    vocal_tune: str = ""  # "autotune" (the vocal snapped to the song's scale) or "robot" (held on one note)
    vocal_harmony: str = ""  # "harmony" (a second voice a third from the lead) or "double" (a second take of it)
    vocal_effects: tuple[Effect, ...] = ()  # "an echo on the vocals", "telephone vocals": on the vocal alone
    # "delay on the guitar", "distorted bass", "bitcrushed drums": role (or a drum piece) -> its own effects, before
    # its room; "reverb on the piano", "dry drums": role -> (scale, add) of its room, min(1, room x scale + add)
    part_effects: dict[str, tuple[Effect, ...]] = field(default_factory=dict)
    part_rooms: dict[str, tuple[float, float]] = field(default_factory=dict)
    # "a build up before the chorus": the bars before each chorus build to it, "build" (a snare roll and a noise
    # riser), "riser" (the riser alone) or "roll" (the roll alone)
    build: str = ""
    vocal_delivery: str = ""  # how new lyrics are sung: "breathy" or "whisper" ("whispered vocals")
    pump: float = 0.0  # "sidechain": dB the band and the kept original duck on every beat (0: none)
    vocal_chops: bool = False  # "vocal chops": slices of the vocal retriggered on a rhythm where it rests
    vocal_pitch: int = 0  # "pitched up vocals": semitones (an octave) the vocal alone is moved, formants with it
    key_change: int = 0  # "a key change at the end": semitones the song goes up from its last chorus
    tape_stop: float = 0.0  # "end with a tape stop": seconds over which the version's end slows to a halt
    # "add reverb", "nightcore", "8d audio", "remove the vocals": no style named or suggested and nothing asked of the
    # band, only a treatment of the sound: the song keeps its own arrangement (the pipeline's strength 0)
    as_is: bool = False
    reverse_reverb: bool = False  # "reverse reverb": the vocal's reverb played backwards, swelling into each word
    surprise: bool = False  # "surprise me": no style named, one to be chosen by the seed (surprise_plan)
    strength: float = 0.0  # "a light remix" 0.25, "completely remix it" 0.9: the strength said (0: none said)
    reverse: bool = False  # "play it backwards": the finished version played in reverse
    stutter: bool = False  # "make it glitchy": the last beat of every fourth bar retriggered faster and faster
    scratch: bool = False  # "dj scratches": a sample of the song scratched at the end of every phrase
    place: str = ""  # "from another room", "in the shower": where the finished version is heard (engine/place.py)
    orbit: int = 0  # "8d audio": beats of the remix's tempo the mix takes to circle the listener's head once (0: none)
    # pieces of the new kit (DRUM_PIECES' values) -> dB (0: added where the groove lacks it), None: left out;
    # "*": None when only the pieces named play ("classical with a tambourine")
    drum_pieces: dict[str, float | None] = field(default_factory=dict)
    voice: str = ""  # "male" / "female" named beside the vocals ("female vocals"): the voice when no gender is given
    fade_in: float = 0.0   # "fade in": seconds the version rises over from silence (0: the master's 5 ms)
    fade_out: float = 0.0  # "fade out at the end": seconds it falls to silence over (0: the master's 0.5 s)
    # "nightcore", "slowed + reverb": semitones the finished version is played up or down, as a record at another
    # speed (x 2^(n/12): faster and higher, or slower and lower); part of tempo_factor, made by resampling
    varispeed: int = 0
    transpose: int = 0  # "up two semitones", "pitch it down": semitones the finished mix is moved, its tempo kept
    tuning: float = 0.0  # "432 hz": cents the finished mix is retuned by (from the standard A = 440 Hz), its tempo kept
    tempo_delta: float = 0.0  # "10 bpm faster": bpm added to the song's own tempo (tempo_factor is then 1)
    # the stretch of the song the version keeps: from "start" ("" the beginning, "after_intro", "half_intro": halfway
    # into it, "chorus": the first one, "after_silence": its first sound), up to "end" ("" the end, "before_outro",
    # "half_outro": halfway through it, "after_chorus": the end of the chorus it starts at, "after_chorus_2": the end
    # of the song's second chorus, "before_silence"), at most
    # `max_length` seconds, or `length_fraction` of it
    # how the band plays: "tight" (on the grid) / "loose" (humanised more), "staccato" / "legato" (note lengths)
    timing_feel: str = ""
    articulation: str = ""
    start: str = ""
    end: str = ""
    max_length: float = 0.0
    length_fraction: float = 1.0
    repeat: int = 0  # "loop the chorus", "an extended mix": the last chorus played this many more times
    repeat_part: str = ""  # "make the intro longer": the "intro" or "outro" played again instead (repeat times)
    min_length: float = 0.0  # "extend it to 5 minutes": the last chorus played again until the version is this long
    # "make it 30 seconds longer" / "a minute shorter": seconds added to (or, negative, taken off) the song's own length
    length_delta: float = 0.0
    key_tonic: int | None = None  # "in the key of E": the pitch class the mix is moved to (the nearest way)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tempo_range"] = list(self.tempo_range)
        data["instruments"] = dict(self.instruments)
        data["effects"] = [{"kind": e.kind, "params": dict(e.params)} for e in self.effects]
        data["vocal_effects"] = [{"kind": e.kind, "params": dict(e.params)} for e in self.vocal_effects]
        data["part_effects"] = {role: [{"kind": e.kind, "params": dict(e.params)} for e in effects]
                                for role, effects in self.part_effects.items()}
        data["part_rooms"] = {role: list(room) for role, room in self.part_rooms.items()}
        for key in ("palette", "modifiers", "understood", "ignored_words", "only", "own_parts", "removed",
                    "sections"):
            data[key] = list(data[key])
        for change in data["sections"]:
            change["roles"] = list(change["roles"])
            change["effects"] = [{"kind": e["kind"], "params": dict(e["params"])} for e in change["effects"]]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> StylePlan:
        values = dict(data)
        values["tempo_range"] = tuple(values["tempo_range"])
        values["instruments"] = dict(values["instruments"])
        values["levels"] = dict(values.get("levels") or {})
        values["drum_pieces"] = dict(values.get("drum_pieces") or {})
        values["only"] = tuple(values.get("only") or ())
        values["own_parts"] = tuple(values.get("own_parts") or ())
        values["removed"] = tuple(values.get("removed") or ())
        values["sections"] = tuple(SectionChange(**{**change, "roles": tuple(change["roles"]), "effects": tuple(
            Effect(e["kind"], dict(e["params"])) for e in change.get("effects") or ())})
            for change in values.get("sections") or ())
        values["effects"] = tuple(Effect(e["kind"], dict(e["params"])) for e in values["effects"])
        values["vocal_effects"] = tuple(Effect(e["kind"], dict(e["params"])) for e in values.get("vocal_effects") or ())
        values["part_effects"] = {role: tuple(Effect(e["kind"], dict(e["params"])) for e in effects)
                                  for role, effects in (values.get("part_effects") or {}).items()}
        values["part_rooms"] = {role: tuple(room) for role, room in (values.get("part_rooms") or {}).items()}
        for key in ("palette", "modifiers", "understood", "ignored_words"):
            values[key] = tuple(values[key])
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in names})


# ---------------------------------------------------------------------------------------------------
# Styles


STYLES: dict[str, StyleSpec] = {s.id: s for s in STYLE_TABLE}


def available_styles() -> list[tuple[str, str]]:
    """(id, display name) of every style, for help texts and forms."""
    return [(s.id, s.name) for s in STYLE_TABLE]


# ---------------------------------------------------------------------------------------------------
# Vocabulary: phrase -> (kind, value). Multi-word phrases are matched longest first.

def _db_words(db: float) -> str:
    """"3 db louder" as the intensity word the reader weighs nearest to it (a level change alone is 6 dB)."""
    for upto, words in ((4.5, "slightly"), (7.5, ""), (10.5, "a lot")):
        if db < upto:
            return words
    return "extremely"


def _reverb_amount_words(percent: int) -> str:
    """"50% reverb" as the words the reader weighs nearest to it (INTENSIFIERS: "reverb" alone is 25 % of the room's
    most, "a whole lot of" 45 %, the most words give)."""
    if percent <= 0:
        return " no reverb "
    for upto, words in ((15, "a hint of reverb"), (20, "a bit of reverb"), (31, "reverb"), (41, "a lot of reverb")):
        if percent < upto:
            return f" {words} "
    return " a whole lot of reverb "


def _cut(text: str, match: re.Match, instead: str = "") -> str:
    """`text` without a phrase read there (`match`), a pause in its place (and the words `instead`, to be read
    still): the words either side are not read as one phrase."""
    return f"{text[:match.start()]} , {instead} , {text[match.end():]}" if instead else \
        text[:match.start()] + " , " + text[match.end():]


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("\u2019", "'")
    replacements = (
        (r"\br\s*(?:&|'n'|n')\s*b\b", " rnb "),
        (r"\bd\s*(?:&|'n'|n')\s*b\b", " dnb "),
        (r"\bdrum\s*(?:&|'n'|n'|\+)\s*bass\b", " drum and bass "),
        (r"\brock\s*(?:&|'n'|n')\s*roll\b", " rock and roll "),
        (r"'(\d0)s\b", r"\1s"),
        (r"\b(\d0)'s\b", r"\1s"),
        (r"\b19(\d0)s\b", r"\1s"),
        (r"\b19([2-9])\d\b", r"\g<1>0s"),
        (r"\b(drum|bass|vocal)less\b", r" no \1 "),  # "a drumless version" (was unread)
        # "heavy reverb", "heavily distorted": a lot of it ("heavy" was the heavy feeling: a Rock remix)
        (r"\bheavy\s+(reverb|delay|echo|distortion|compression|chorus|phaser|flanger|bitcrush(?:ing)?|vinyl|tape|"
         r"saturation|sidechain|autotune)\b", r"a lot of \1"),
        # "vocals 3db louder", "softer by 4 db", "turn up the vocals by 9 db" (the number unread: always 6 dB): the
        # nearest amount the reader weighs (_db_words)
        (r"\b(\d{1,2}(?:\.\d)?)\s*(?:db|decibels?)\s+(louder|quieter|softer|lower|up|down)\b",
         lambda m: f" {_db_words(float(m.group(1)))} {m.group(2)} "),
        (r"\b(louder|quieter|softer|lower)\s+by\s+(\d{1,2}(?:\.\d)?)\s*(?:db|decibels?)\b",
         lambda m: f" {_db_words(float(m.group(2)))} {m.group(1)} "),
        (r"\b(turn\s+(?:up|down))\s+((?:the\s+)?[a-z0-9]+)\s+by\s+(\d{1,2}(?:\.\d)?)\s*(?:db|decibels?)\b",
         lambda m: f" {m.group(1)} {_db_words(float(m.group(3)))} {m.group(2)} "),
        # "heavy drums", "heavy 808s": that part louder ("heavy" was the heavy feeling: a Rock remix, 808s and all)
        (r"\bheavy\s+(drums|kick|kicks|kick\s+drum|808s?|snare|snares)\b", r"louder \1"),
        # "50% reverb", "reverb at 30%", "100% wet reverb" (the number unread): the reverb's amount, as the nearest of
        # the intensity words (plain "reverb" is a quarter of the room's most)
        (r"\b(\d{1,3})\s*(?:%|percent)\s+(?:wet\s+)?(reverb)\b|"
         r"\b(reverb)\s+(?:at\s+|to\s+|of\s+)?(\d{1,3})\s*(?:%|percent)(?!\s*(?:faster|slower|quicker|speed|tempo))",
         lambda m: _reverb_amount_words(int(m.group(1) or m.group(4)))),
        # "a catchy chorus" (the chorus effect, "catchy" unread): the chorus lifted, as "a big chorus"
        (r"\bcatch(?:y|ier)\s+(chorus|hook)\b", r"big \1"),
        # "make the voice higher", "make the vocals deeper": the voice of that height (its "higher" was unread)
        (r"\bmake\s+(?:the\s+|his\s+|her\s+|their\s+)?(voice|vocals)\s+(higher|deeper)\b", r"\2 \1"),
        # "reverb heavy", "bass-heavy", "drum heavy": a lot of it ("heavy" was the heavy feeling: a Rock remix)
        (r"\b(reverb|delay|echo)[\s-]+heavy\b", r"a lot of \1"),
        (r"\bbass[\s-]+heavy\b", " bass boosted "),
        (r"\b(?:drum|drums|percussion)[\s-]+heavy\b", " louder drums "),
        # "the bass is muddy", "the mix sounds harsh": a complaint, as "too muddy" ("muddy" asked for more bass)
        # ("the highs are harsh", "the guitars sound boxy": the part named says where, the mix's balance is changed)
        (r"\b(?:the\s+)?(?:bass|low\s+end|mix|song|track|sound|it|everything|highs|high\s+end|top\s+end|treble|mids|"
         r"midrange|vocals?|voice|guitars?)\s+(?:is|are|sounds?|feels?|gets?)\s+"
         r"(?:too\s+|so\s+|really\s+|very\s+|a\s+bit\s+|kind\s+of\s+|kinda\s+)?(muddy|boomy|harsh|shrill|boxy|nasal|"
         r"honky)\b", r" too \1 "),
        (r"\b(?:the\s+)?(?:highs|high\s+end|top\s+end|treble)\s+(?:is|are|sounds?|feels?)\s+(?:(?:way|far|much|a\s+bit|"
         r"a\s+little)\s+)?(?:too\s+|so\s+|really\s+|very\s+)?(?:bright|sharp|piercing|loud|harsh|shrill)\b",
         " less treble "),  # "the highs are way too bright": the treble (was darker, in minor, and more treble)
        (r"\btoo\s+(?:harsh|shrill|piercing|sibilant)\b", " less treble "),  # (not "too bright": darker, in minor)
        # "dry vocals", "make the vocals drier": the vocal's reverb (they were the dry feel: a Pop remix)
        (r"\b(?:bone\s+)?dry\s+(?:vocals?|voice)\b|\b(?:make\s+)?(?:the\s+)?(?:vocals?|voice)\s+(?:bone\s+)?dry\b",
         " no reverb on the vocals "),
        (r"\b(?:drier|dryer)\s+(?:vocals?|voice)\b|\b(?:make\s+)?(?:the\s+)?(?:vocals?|voice)\s+"
         r"(?:a\s+bit\s+|a\s+little\s+)?(?:drier|dryer)\b", " less reverb on the vocals "),
        # "the vocals are out of tune": pitch-corrected (an "out of tune piano" is a sound asked, not corrected)
        (r"\b(?:vocals?|voice|singer|singing)\s+(?:is|are|sounds?|seems?|gets?)\s+(?:a\s+(?:bit|little)\s+|slightly\s+|"
         r"so\s+|very\s+|really\s+)?(?:out\s+of\s+tune|off\s+key|off\s+pitch)\b", " vocals autotune "),
        # "as if it was recorded in the 60s", "like an old recording": the song as it is, on an old record (were a
        # lo-fi hip-hop remix: "old" and "60s" are the vintage feel, "recording" unread)
        (r"\b(?:(?:as\s+if|like)\s+)?(?:it\s+)?(?:was|were|had\s+been|been)?\s*recorded\s+(?:back\s+)?in\s+the\s+"
         r"(?:19)?[2-7]0s\b|\b(?:an?\s+)?(?:old|vintage|old\s+fashioned)\s+recordings?\b",
         " old record, less treble, "),
        (r"\bstrip(?:ped|ping)?\s+(it\s+|the\s+(?:song|track)\s+)?back\s+to\b", r"strip \1down to"),
        # "make it louder overall", "turn the volume up", "make it louder": the master louder (it was the energetic
        # feel, then a remaster at the usual -14 LUFS, quieter than most records)
        (r"\b(?:make\s+it\s+)?louder\s+overall\b|\boverall\s+louder\b|\b(?:increase|raise|boost)\s+the\s+"
         r"(?:overall\s+)?volume\b|\bturn\s+(?:it|the\s+(?:overall\s+)?volume)\s+up\b|"
         r"\bmake\s+(?:it|the\s+(?:song|track|mix|master))\s+(?:a\s+(?:bit|little)\s+|much\s+)?louder\b",
         " louder master "),
        # "add some percussion", "with light percussion": a shaker and a tambourine (it asked the drums the style
        # has, and nothing was heard)
        (r"\b(add|adding|with|plus)\s+(?:some\s+|a\s+little\s+|a\s+bit\s+of\s+|extra\s+|light\s+|subtle\s+|more\s+)*"
         r"(?:hand\s+)?percussion\b", r"\1 a shaker and a tambourine"),
        (r"\b(telephone|radio|phone|megaphone|underwater)\s+(?:effect|filter|sound)\b", r"\1"),  # ("a telephone
        # effect on the intro": the feeling, said of the intro; "effect" asked every effect)
        # "sing it higher", "in falsetto": a higher voice, as "make the voice higher" (unread)
        (r"\bsing\s+(?:it\s+)?(higher|lower|deeper)\b", lambda m: f" {'deeper' if m.group(1) != 'higher' else 'higher'}"
                                                                   " voice "),
        (r"\b(?:in\s+)?falsetto\b", " higher voice "),
        # "make it build up slowly", "a slow build": a build-up (the "slowly" was a slower tempo)
        (r"\b(build(?:s|ing)?\s+up|build(?:s|ing)?)\s+(?:slowly|gradually)\b", r"\1"),
        (r"\b(?:slow|gradual)\s+build(?:\s+up|up)?\b", "build up"),
        (r"\bw/o\b", " without "),  # "w/o drums", "w/ female vocals" (the slash made "w o")
        (r"\bw/", " with "),
        (r"(?<=[a-z])\s+n\s+(?=[a-z])", " and "),  # "more bass n drums" ("r n b" and "rock n roll" are read above)
        (r"&", " and "),
        (r"\+", " plus "),
        (r"[-_/]", " "),
        # "mute everything in the intro except the piano": in the intro, only the piano (was the whole song alike)
        (r"\b(?:mute|remove|drop|cut|silence|strip|kill)\s+(?:out\s+)?everything\s+((?:in|during|for)\s+"
         r"(?:the\s+)?[a-z]+(?:\s+[a-z]+)?)\s+(?:except|but|apart\s+from|other\s+than)\s+", r"\1 only "),
        # "everything quieter except the vocals": the vocals up (the "except" was a removal of them)
        (r"\b(?:everything|all|the rest)(?:\s+else)?\s+(?:quieter|softer|lower|down)\s+(?:except|but)\s+", "turn up "),
        (r"\b(?:everything|all|the rest)(?:\s+else)?\s+(?:louder|up)\s+(?:except|but)\s+", "turn down "),
        # "turn the vocals down a bit" -> "turn down a bit the vocals": the cue before the thing it governs ("put",
        # "push", "pull", "pump", "dial", "knock" the bass up or down: turned up or down; "put the bass up" added one)
        (r"\b(turn|bring)\s+((?:the|my|his|her|their|your)\s+)?([a-z0-9]+(?:\s+[a-z0-9]+)?)\s+(up|down)"
         r"((?:\s+(?:a\s+bit|a\s+little|a\s+touch|slightly|much|way))?)\b", r"\1 \4\5 \2\3"),
        (r"\b(?:put|push|pull|pump|dial|knock)\s+((?:the|my|his|her|their|your)\s+)?([a-z0-9]+(?:\s+[a-z0-9]+)?)\s+"
         r"(up|down)((?:\s+(?:a\s+bit|a\s+little|a\s+touch|slightly|much|way))?)\b(?!\s+front)", r"turn \3\4 \1\2"),
        # "bass up, vocals down", "turn the bass up and the vocals down" (the second part was turned up with the first,
        # "bass up" added a bass): each part turned as said
        (r"(?:^|(?<=[,;]\s)|(?<=\band\s)|(?<=\bbut\s))((?:the|my)\s+)?(vocals?|voice|bass|drums|kick|snare|hats|"
         r"hi\s+hats|guitars?|piano|keys|synths?|strings|melody|808s?)\s+(up|down)\b"
         r"(?!\s+(?:by\s+)?(?:an?|one|two|three|\d+)\s+(?:octaves?|semitones?|half\s+steps?|steps?|tones?)\b)"
         r"((?:\s+(?:a\s+bit|a\s+little|a\s+touch|slightly|much|way))?)",
         r"turn \3\4 \1\2"),
        # "push the drums back", "sit the guitar back in the mix": that part down ("back" alone asked nothing)
        (r"\b(?:push|pull|put|set|sit|tuck|move)\s+((?:the|my|his|her|their|your)\s+)?([a-z0-9]+(?:\s+[a-z0-9]+)?)"
         r"\s+back((?:\s+(?:a\s+bit|a\s+little|a\s+touch|slightly|much|way))?)(?:\s+in\s+the\s+mix)?\b",
         r"turn down\3 \1\2"),
    )
    for pattern, repl in replacements:
        text = re.sub(pattern, repl, text)
    return text


_TOKEN_RE = re.compile(r"[a-z0-9#]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
_PAUSE_RE = re.compile(r"[,.;:!?]")


def _build_vocabulary() -> dict[tuple[str, ...], tuple[str, object]]:
    vocab: dict[tuple[str, ...], tuple[str, object]] = {}

    def add(phrase: str, kind: str, value: object) -> None:
        key = tuple(_TOKEN_RE.findall(_normalise(phrase)))
        vocab.setdefault(key, (kind, value))

    for spec in STYLE_TABLE:
        for word in spec.words:
            add(word, "style", spec.id)
        for word in spec.adjectives:
            add(word, "style_adj", spec.id)
    for artist, style_id in ARTIST_STYLES.items():
        add(artist, "artist", style_id)
    for word in INSTRUMENT_WORDS:
        add(word, "instrument", word)
    for word in INSTRUMENT_WORDS:  # "no electric guitars": a plural of a name of two words too
        if " " in word and not word.endswith("s"):
            add(word + ("es" if word.endswith(("x", "ch", "sh")) else "s"), "instrument", word)
    for canonical, modifier in MODIFIERS.items():
        for word in modifier.words:
            add(word, "modifier", canonical)
    for word in DRUM_WORDS:
        add(word, "drums", None)
    for word, piece in DRUM_PIECES.items():
        add(word, "drums", piece)
    for word, groove in GROOVE_WORDS.items():
        add(word, "groove", groove)
    for word, kit in KIT_WORDS.items():
        add(word, "kit", kit)
    for word in VOCAL_WORDS:
        add(word, "vocals", None)
    for word in INSTRUMENTAL_WORDS:
        add(word, "instrumental", None)
    for word, kind in EFFECT_WORDS.items():
        add(word, "effect", kind)
    for word, mode in MODE_WORDS.items():
        add(word, "mode", mode)
    for word, beats in METER_WORDS.items():
        add(word, "meter", beats)
    for kind, words in (("drop", DROP_CUES), ("not", NOT_CUES), ("less", LESS_CUES), ("more", MORE_CUES),
                        ("add", ADD_CUES), ("keep", KEEP_CUES), ("only", ONLY_CUES), ("swap", SWAP_CUES),
                        ("swap_to", SWAP_CONNECTORS), ("all_but", ALL_BUT_CUES), ("rest", REST_WORDS),
                        ("own_tempo", OWN_TEMPO_WORDS), ("off", OFF_WORDS), ("idiom", IDIOMS),
                        ("section", SECTION_WORDS), ("not_too", NOT_TOO_CUES), ("key_change", KEY_CHANGE_WORDS),
                        ("than", COMPARISON_WORDS), ("own", OWN_WORDS), ("sound_like", SOUND_LIKE), ("too", TOO_WORDS)):
        for word in words:  # in this order: a phrase in two lists is read as the first
            add(word, kind, None)
    for word, cue in TRAILING_LEVELS.items():
        add(word, "level_after", cue)
    for word, k in INTENSIFIERS.items():
        add(word, "intensity", k)
    for word in GENDER_WORDS:
        add(word, "gender", word)
    for kind, table in (("vocal_tune", VOCAL_TUNE_WORDS), ("vocal_harmony", VOCAL_HARMONY_WORDS),
                        ("build", BUILD_WORDS), ("vocal_delivery", VOCAL_DELIVERY_WORDS), ("pump", PUMP_WORDS),
                        ("vocal_chops", dict.fromkeys(VOCAL_CHOP_WORDS))):
        for word, value in table.items():  # word -> the hit's value
            add(word, kind, value)
    for word in SOLO_WORDS:
        add(word, "solo", None)
    return vocab


_VOCAB = _build_vocabulary()
_MAX_PHRASE = max(len(k) for k in _VOCAB)
# single content words a misspelling may be read as (cues and tiny words excluded: too easy to hit by accident)
_FUZZY_TARGETS = sorted(
    k[0] for k, (kind, _) in _VOCAB.items()
    if len(k) == 1 and len(k[0]) >= 4 and kind not in ("drop", "not", "less", "more", "add", "keep", "only", "own",
                                                        "intensity", "swap", "swap_to", "section", "not_too",
                                                        "key_change", "artist", "than")
    and not k[0].isdigit()
)
_FUZZY_JOINED = {"".join(k): k for k in _VOCAB if len(k) > 1}
_MAX_GUESSES = 8  # bounds the time a long rambling prompt can take


# ---------------------------------------------------------------------------------------------------
# Parsing


@dataclass
class _Hit:
    kind: str
    value: object
    start: int  # token index
    end: int
    text: str
    polarity: str = "plain"  # "plain", or the cue governing it: "drop", "not", "less", "more", "add", "keep", "only"
    intensity: float = 1.0
    after_pause: bool = False  # a comma or a full stop comes right before it
    by_genre: bool = False  # a groove asked by a genre's name before "drums" ("jazz drums", "latin percussion")
    part: tuple = ()  # a part_effect's parts: ((a hit's kind, "instrument", "drums" or "vocals", its value), ...)
    no_new: bool = False  # refused by a cue that refuses a new part only ("don't add drums": NO_NEW_CUES)


_BPM_PATTERNS = (
    re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:bpm|b\.p\.m\.?|beats per minute|beats a minute)"),
    re.compile(r"(?:bpm|tempo)\s*(?:of|at|to|is|=|:|~|around|about|near|set to)?\s*(?:of|at|to|around|about)?\s*"
               r"(\d{1,3}(?:\.\d+)?)\b"),
    re.compile(r"\b(?:at|to|around|about)\s+(\d{2,3}(?:\.\d+)?)\b(?!\s*(?:%|percent|seconds|s\b|sec|min|hz|db|k\b))"),
)


_BPM = r"(\d{1,3}(?:\.\d+)?)\s*(?:bpm|b\.p\.m\.?|beats per minute|beats a minute)"
_RELATIVE_BPM_PATTERNS = (  # (pattern, group of the number, group of the direction)
    (re.compile(_BPM + r"\s+(faster|quicker|slower|higher|lower|up|down|more|less)\b"), 1, 2),
    (re.compile(r"\b(faster|quicker|slower|speed(?:\s+it)?\s+up|slow(?:\s+it)?\s+down|up|down|increase|decrease|"
                r"raise|lower)\s+(?:the\s+tempo\s+)?(?:by\s+)?(?:about\s+)?" + _BPM), 2, 1),
    (re.compile(r"\b(plus|minus)\s*" + _BPM), 2, 1),
)
_SLOWER_WORDS = ("slower", "lower", "down", "less", "minus", "decrease")


# (a bare "s" is not a unit: "a 90s remix" is the decade, not 90 seconds)
_DURATION = r"(\d{1,3}(?:\.\d+)?|one|two|three|four|five|half\s+a|an?(?=\s+min))\s*(minutes?|mins?|seconds?|secs?)\b"
_CLIP_WORDS = r"(?:clip|snippet|preview|excerpt|teaser|short|reel|reels|tiktok|story)"
_LENGTH_PATTERNS = (  # (pattern, group of the number or None, of the unit, a clip: from the first chorus)
    (re.compile(r"\b(?:cut|trim|shorten|edit|bring|make|keep)\s+(?:it\s+|the\s+(?:song|track)\s+)?(?:down\s+)?"
                r"(?:to|under)\s+(?:about\s+|around\s+|just\s+)?" + _DURATION), 1, 2, False),
    (re.compile(r"\b(?:under|at\s+most|no\s+longer\s+than|max(?:imum)?|shorter\s+than)\s+" + _DURATION), 1, 2,
     False),
    (re.compile(r"\b" + _DURATION + r"\s+(?:long\s+)?" + _CLIP_WORDS + r"\b"), 1, 2, True),
    (re.compile(r"\b" + _DURATION + r"\s+(?:long\s+)?(?:version|edit|cut|remix|song|track|loop)\b"), 1, 2, False),
    (re.compile(r"\b(?:(?:a|an)\s+(?:short\s+)?|short\s+)(?:clip|snippet|preview|teaser)\b(?:\s+(?:for|of)\s+"
                r"(?:tiktok|instagram|reels|a\s+story|social\s+media|the\s+chorus))?|"
                r"\b(?:clip|snippet|preview|teaser)\s+(?:for|of)\s+(?:tiktok|instagram|reels|a\s+story|social\s+media|"
                r"the\s+chorus)\b|\bring\s*tones?\b"), None, None, True),  # a noun: "clip the highs" is no clip
    # ("make it a ringtone" was unread)
)
# "make it 2 minutes long", "make the song 30 seconds": that long, whichever way it goes (both were unread)
_EXACT_LENGTH = re.compile(r"\b(?:make|have|get)\s+(?:it|the\s+(?:song|track|remix|version))\s+(?:be\s+)?"
                           r"(?:about\s+|around\s+|exactly\s+|roughly\s+|only\s+|just\s+)?" + _DURATION +
                           r"(?:\s+long)?\b(?!\s+(?:longer|shorter|more|less|faster|slower|extra|in\b|into\b))")
# "just the first minute", "only the first 30 seconds" (unread, or a part of the song that changed nothing)
_FIRST_LENGTH = re.compile(r"\b(?:just|only|keep(?:\s+only)?)\s+the\s+(?:first|opening)\s+(?:(\d{1,3}|one|two|three|"
                           r"four|five)\s*)?(minutes?|mins?|seconds?|secs?)\b")
# "make it 2 minutes long": a shorter song is played longer until it is this share of it; a longer one is cut on a
# downbeat at no less than this share (pipeline.excerpt), so it is never cut and then played longer again
EXACT_SLACK = 0.75
_SHORTER = re.compile(r"\b(?:make\s+(?:it|the\s+(?:song|track|remix))\s+shorter|shorten\s+(?:it|the\s+(?:song|track))|"
                      r"(?:a\s+)?short(?:er)?\s+(?:version|edit|song|track|remix)|"
                      r"shorter(?=\s*(?:$|[,.;!]|and\b|please\b|but\b)))")
# "trim the silence", "cut the silence at the start", "remove the long silence at the end": the version from the song's
# first sound, or to its last ("" both, or "start" / "end": where), pipeline.excerpt
_SILENCE = re.compile(r"\b(?:trim|cut|remove|strip|lose|ditch|delete|skip|get\s+rid\s+of|take\s+out|no)\s+"
                      r"(?:out\s+|off\s+)?(?:the\s+|any\s+|all\s+(?:the\s+)?)?(?:long\s+|dead\s+|empty\s+)?"
                      r"(?:silence|silent\s+(?:parts?|bits?|gaps?)|dead\s+air)(?:\s+(?:at|in|from)\s+the\s+"
                      r"(?:very\s+)?(start|beginning|end|ending))?(?:\s+and\s+(?:the\s+)?(?:start|beginning|end|"
                      r"ending))?\b")
_START_PATTERNS = (
    (re.compile(r"\b(?:skip|cut|remove|drop|lose|ditch|trim)\s+(?:out\s+|off\s+)?the\s+intro\b|"
                r"\b(?:no|without\s+(?:the|an|any))\s+intro\b"), "after_intro"),
    (re.compile(r"\b(?:start|begin|open|kick\s+off)\s+(?:it\s+|the\s+(?:song|track)\s+)?(?:right\s+)?"
                r"(?:at|with|from|on)\s+the\s+(?:first\s+)?(?:chorus|hook|drop)\b|"
                r"\bstraight\s+(?:in)?to\s+the\s+(?:chorus|hook|drop)\b"), "chorus"),
)
# "just the chorus", "keep only the chorus", "chorus only" (the chorus effect, or a part that changed nothing): the
# first chorus alone, from its start to its end
_CHORUS_ONLY = re.compile(r"(?:\b(?:(?:keep|play|give\s+me)\s+)?(?:just|only)\s+the\s+(?:first\s+)?(?:chorus|hook)|"
                          r"\b(?:the\s+)?(?:chorus|hook)\s+only)(?=\s*(?:$|[,.;!]|(?:and|please|but|with)\b))")
# "end after the first chorus", "stop after the second chorus", "just the first verse and chorus" (parts of the song
# that changed nothing): the version ends at the end of that chorus (pipeline.excerpt), "after_chorus_2"
_END_AFTER = re.compile(r"\b(?:(?:end|ends|finish|stop|cut|fade)\s+(?:it\s+|the\s+(?:song|track)\s+)?(?:off\s+|out\s+)?"
                        r"(?:right\s+)?after\s+the\s+(first|second|third|1st|2nd|3rd)\s+(?:chorus|hook|drop)|"
                        r"(?:keep\s+|play\s+|give\s+me\s+)?(?:just|only)\s+the\s+(first)\s+verse\s+and\s+(?:the\s+)?"
                        r"(?:first\s+)?(?:chorus|hook))\b")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
# the words a "just the chorus" may follow and still be the version's length (after others, "autotune the chorus
# only", "strings in the chorus only", it is said of the chorus)
_BEFORE_A_CUT = frozenset(("keep", "play", "me", "want", "need", "i", "it", "just", "only", "and", "but", "version",
                           "remix", "make", "give", "of", "please"))
# "make the intro shorter", "shorten the outro": half of it kept (they cut the whole song to two thirds)
_PART_SHORTER = re.compile(r"\b(?:make|keep|have)\s+the\s+(intro|outro)\s+(?:a\s+(?:bit|little)\s+|much\s+|way\s+)?"
                           r"shorter\b|\bshorten\s+the\s+(intro|outro)\b|\b(?:a\s+)?shorter\s+(intro|outro)\b|"
                           r"\b(?:cut|trim)\s+the\s+(intro|outro)\s+(?:short|down|in\s+half)\b")
_END_PATTERN = re.compile(r"\b(?:skip|cut|remove|drop|lose|ditch|trim)\s+(?:out\s+|off\s+)?the\s+outro\b|"
                          r"\b(?:no|without\s+(?:the|an|any))\s+outro\b|"
                          r"\b(?:end|finish)\s+(?:it\s+)?(?:on|with|after)\s+the\s+(?:last\s+)?(?:chorus|hook)\b")
# "make it 30 seconds longer", "a minute shorter", "add a minute" (unread, or "longer" without its number): that much
# more or less than the song's own length
_LENGTH_DELTA = re.compile(r"\b(?:make\s+(?:it|the\s+(?:song|track))\s+)?(?:about\s+)?" + _DURATION +
                           r"\s+(longer|shorter|more|less|extra)\b|\b(add|cut|trim|remove)\s+(?:about\s+)?"
                           r"(\d{1,3}(?:\.\d+)?|one|two|three|four|five|half\s+a|an?(?=\s+min))\s*"
                           r"(minutes?|mins?|seconds?|secs?)\b(?=\s*(?:$|[,.;!]|(?:to|from|and|please)\b))")
# "make the intro longer", "extend the outro", "a longer intro", "loop the intro twice": that part played again
_PART_LONGER = re.compile(r"\b(?:make\s+the\s+(intro|outro)\s+(?:longer|last\s+longer)|(?:extend|lengthen|loop|repeat|"
                          r"double)\s+the\s+(intro|outro)|(?:a\s+)?(?:longer|extended)\s+(intro|outro))\b"
                          r"(?:\s+(twice|again|three\s+times))?")
_LONGER = re.compile(r"\b(?:extend(?:ed)?(?:\s+(?:mix|version|edit))?|lengthen|make\s+it\s+longer|"
                     r"(?:a\s+)?longer\s+(?:version|edit|mix)|(?:loop\s+(?:it|the\s+(?:chorus|hook|song|drop))"
                     r"(?!\s+(?:seamlessly|perfectly|forever|endlessly))|"  # (not possible: _CANNOT)
                     r"repeat\s+the\s+(?:chorus|hook|drop))(?:\s+(?P<times>twice|again|three\s+times|\d\s+times|"
                     r"\d\s*x|x\s*\d))?)\b"
                     r"(?:\s+(?:it|the\s+song|the\s+track))?(?:\s+to\s+" + _DURATION + r")?")
MAX_REPEATS = 4  # the last chorus played this many more times at most
_WORD_NUMBERS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "a": 1.0, "an": 1.0}
SHORTER_FRACTION = 0.66  # "make it shorter": about two thirds of the song
CLIP_SECONDS = 30.0  # "a clip for tiktok", "a snippet": this long, from the first chorus
MIN_LENGTH = 10.0


def _extract_length(text: str) -> tuple[dict, str, list[str]]:
    """"cut it down to 2 minutes", "a 30 second clip", "make it shorter", "skip the intro", "start at the chorus",
    "remove the outro": the plan's start, end, max_length and length_fraction (only those asked), the text without
    the phrases, what was understood. The engine cuts the finished version there (on downbeats, faded)."""
    asked, notes = {}, []
    while (part := _PART_SHORTER.search(text)) is not None:
        which = next(g for g in part.groups() if g)
        asked["start" if which == "intro" else "end"] = f"half_{which}"
        text = _cut(text, part)
    delta = _LENGTH_DELTA.search(text)
    if delta:  # "make it 30 seconds longer", "cut a minute"
        value, unit = (delta.group(1), delta.group(2)) if delta.group(1) else (delta.group(5), delta.group(6))
        amount = 0.5 if value.startswith("half") else _WORD_NUMBERS.get(value) or float(value)
        seconds = min(amount * (60.0 if unit.startswith("m") else 1.0), 3600.0)
        less = (delta.group(3) or "") in ("shorter", "less") or (delta.group(4) or "") in ("cut", "trim", "remove")
        asked["length_delta"] = -seconds if less else seconds
        notes.append(f"Length: {_clock_words(seconds)} {'shorter' if less else 'longer'} than the song "
                     + ("(cut on a downbeat, faded out)" if less else "(its last chorus played again, as near to it as "
                        "whole repeats come)"))
        text = _cut(text, delta)
    exact = _EXACT_LENGTH.search(text)
    first = None if exact else _FIRST_LENGTH.search(text)
    if exact or first:
        value, unit = (exact or first).group(1) or "1", (exact or first).group(2)
        amount = 0.5 if value.startswith("half") else _WORD_NUMBERS.get(value) or float(value)
        asked["max_length"] = max(MIN_LENGTH, min(amount * (60.0 if unit.startswith("m") else 1.0), 3600.0))
        if exact:
            asked["min_length"] = EXACT_SLACK * asked["max_length"]
            notes.append(f"Length: about {_clock_words(asked['max_length'])} (a longer song cut on a downbeat and "
                         "faded out, a shorter one's last chorus played again, up to four times)")
        match = exact or first
        text = _cut(text, match)
    for pattern, number, unit, clip in (() if exact or first else _LENGTH_PATTERNS):
        match = pattern.search(text)
        if not match:
            continue
        if number is None:
            seconds = CLIP_SECONDS
        else:
            value = match.group(number)
            amount = 0.5 if value.startswith("half") else _WORD_NUMBERS.get(value) or float(value)
            seconds = amount * (60.0 if match.group(unit).startswith("m") else 1.0)
        asked["max_length"] = max(MIN_LENGTH, min(seconds, 3600.0))
        if clip:
            asked["start"] = "chorus"
        text = _cut(text, match)
        break
    else:
        match = _SHORTER.search(text)
        if match:
            asked["length_fraction"] = SHORTER_FRACTION
            text = _cut(text, match)
    match = _SILENCE.search(text)
    if match:  # "trim the silence": both ends (a start or an end asked besides wins at its end)
        where = match.group(1) or ""
        both = not where or re.search(r"\band\s+(?:the\s+)?(?:start|beginning|end|ending)\b", match.group(0))
        if both or where in ("start", "beginning"):
            asked["start"] = "after_silence"
        if both or where in ("end", "ending"):
            asked["end"] = "before_silence"
        text = _cut(text, match)
    for pattern, start in _START_PATTERNS:  # "skip the intro and start at the chorus": the chorus
        match = pattern.search(text)
        if match:
            asked["start"] = start
            text = _cut(text, match)
    match = _END_AFTER.search(text)
    if match:
        asked["end"] = f"after_chorus_{_ORDINALS[match.group(1) or match.group(2)]}"
        text = _cut(text, match)
    match = _END_PATTERN.search(text)
    if match:
        asked["end"] = "before_outro"
        text = _cut(text, match)
    match = _CHORUS_ONLY.search(text)
    said_before = text[:match.start()].split()[-1:] if match else []
    if match and said_before and said_before[0] not in _BEFORE_A_CUT and not re.search(r"[,.;:!?]\s*$",
                                                                                        text[:match.start()]) \
            and _VOCAB.get((said_before[0],), ("",))[0] not in ("style", "style_adj", "modifier"):  # ("lofi just the
        # chorus": the style's)
        match = None  # "distorted guitar in the chorus only", "autotune the chorus only": said of the chorus (they
        # cut the version to it)
    if match:
        asked["start"], asked["end"] = "chorus", "after_chorus"
        text = _cut(text, match)
    match = _PART_LONGER.search(text)
    if match:
        part = next(g for g in match.groups()[:3] if g)
        asked["repeat"] = 3 if match.group(4) == "three times" else 2 if match.group(4) == "twice" else 1
        asked["repeat_part"] = part
        notes.append(f"Length: a longer {part}, played {asked['repeat']} more times" if asked["repeat"] > 1 else
                     f"Length: a longer {part}, played again (8 s longer at least, up to four more times)")
        text = _cut(text, match)
    match = None if asked.get("repeat_part") else _LONGER.search(text)
    if match:
        if match.group(2):  # "extend it to 5 minutes": the last chorus again until it is that long
            amount = 0.5 if match.group(2).startswith("half") else _WORD_NUMBERS.get(match.group(2)) or \
                float(match.group(2))
            asked["min_length"] = min(amount * (60.0 if match.group(3).startswith("m") else 1.0), 3600.0)
            notes.append(f"Length: at least {_clock_words(asked['min_length'])} (the last chorus played again, as "
                         "many times as it takes, up to four)")
        else:
            times = (match.group("times") or "").split()
            digits = re.findall(r"\d", match.group("times") or "")  # "3 times", "2x", "x2"
            count = 2 if times[:1] == ["twice"] else 3 if times[:1] == ["three"] else int(digits[0]) if digits else 1
            asked["repeat"] = max(1, min(count, MAX_REPEATS))
            notes.append(f"Length: longer, the last chorus played {asked['repeat']} more time"
                         f"{'s' if asked['repeat'] > 1 else ''}")
        text = _cut(text, match)
    if asked.get("start") == "after_silence":
        notes.append("Length: starts at the song's first sound (the silence before it cut)")
    if asked.get("end") == "before_silence":
        notes.append("Length: ends after the song's last sound (the silence after it cut)")
    if asked.get("start") == "after_intro":
        notes.append("Length: starts after the intro")
    elif asked.get("start") == "half_intro":
        notes.append("Length: a shorter intro (the version starts halfway into it, on a downbeat)")
    elif asked.get("start") == "chorus" and asked.get("end") != "after_chorus":
        notes.append("Length: starts at the first chorus")
    if asked.get("end") == "after_chorus":
        notes.append("Length: the first chorus alone (from its start to its end)")
    elif asked.get("end") == "before_silence":
        pass  # (said above)
    elif asked.get("end") == "half_outro":
        notes.append("Length: a shorter outro (the version ends halfway through it, on a downbeat, faded out)")
    elif asked.get("end", "").startswith("after_chorus_"):
        which = {1: "first", 2: "second", 3: "third"}[int(asked["end"].rsplit("_", 1)[1])]
        notes.append(f"Length: ends after the {which} chorus")
    elif asked.get("end"):
        notes.append("Length: ends before the outro")
    if asked.get("max_length") and not exact:
        notes.append(f"Length: at most {_clock_words(asked['max_length'])} (cut on a downbeat, faded out)")
    if asked.get("length_fraction"):
        notes.append(f"Length: shorter, about {asked['length_fraction']:.0%} of the song (cut on a downbeat, faded "
                     "out)")
    return asked, text, notes


def _clock_words(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} minute{'s' if seconds != 60 else ''}"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}" if seconds >= 60 else f"{seconds:g} s"


def _extract_tempo_delta(text: str) -> tuple[float | None, str]:
    """"10 bpm faster", "slow it down by 5 bpm", "+8 bpm": (bpm added to the song's tempo, text without the phrase),
    or (None, text)."""
    for pattern, number, direction in _RELATIVE_BPM_PATTERNS:
        match = pattern.search(text)
        if match:
            slower = match.group(direction).split()[-1] in _SLOWER_WORDS or match.group(direction).startswith("slow")
            delta = float(match.group(number)) * (-1 if slower else 1)
            return delta, _cut(text, match)
    return None, text


def _extract_bpm(text: str) -> tuple[float | None, str, list[str]]:
    """Find an explicit tempo; return (bpm or None, text without it, notes)."""
    notes: list[str] = []
    for pattern in _BPM_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        value = float(match.group(1))
        rest = text[: match.start()] + " " + text[match.end():]
        if pattern is _BPM_PATTERNS[2] and not (MIN_BPM <= value <= MAX_BPM):
            continue
        if MIN_BPM <= value <= MAX_BPM:
            return value, rest, notes
        notes.append(f"Tempo {value:g} BPM is outside {MIN_BPM:g}-{MAX_BPM:g} BPM, so it was not used.")
        return None, rest, notes
    return None, text, notes


_PERCENT = r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|per cent)"
_FASTER = r"faster|quicker|speedier|speed(?:\s+it)?\s+up|slower|slow(?:\s+it)?\s+down"
_TEMPO_PERCENT_PATTERNS = (
    re.compile(_PERCENT + r"\s+(" + _FASTER + r")"),                       # "20% faster"
    re.compile(r"(" + _FASTER + r")\s+(?:by\s+)?(?:about\s+)?" + _PERCENT),  # "speed it up by 20%"
)
# "twice as fast", "double the speed", "half the tempo", "half speed" ("double time", "half time" are grooves)
_TEMPO_MULTIPLES = (
    (re.compile(r"\b(?:twice|two times|2x|double)\s+(?:as\s+fast|as\s+quick|the\s+(?:speed|tempo|bpm)|speed|tempo)\b"),
     2.0),
    (re.compile(r"\b(?:half)\s+(?:as\s+fast|as\s+quick|the\s+(?:speed|tempo|bpm)|speed|tempo)\b"), 0.5),
)


_EDGE_PATTERN = re.compile(r"\bthe\s+(first|last|opening|final)\s+(\d{1,3})\s+(seconds?|secs?|bars?|measures?)\b")


def _extract_edge(text: str) -> tuple[tuple[str, str] | None, str]:
    """"no drums for the first 30 seconds", "the last 8 bars": that many seconds or bars from the start or up to the
    end: ((SectionChange.which "30s" or "8bars", the words), text with the phrase read as "the beginning" / "the
    ending"), or (None, text)."""
    match = _EDGE_PATTERN.search(text)
    if not match:
        return None, text
    where = "the beginning" if match.group(1) in ("first", "opening") else "the ending"  # ("in the end" is an idiom)
    unit = "s" if match.group(3).startswith("s") else "bars"
    return (f"{int(match.group(2))}{unit}", match.group(0)), text[:match.start()] + where + text[match.end():]


# A part coming in or going out at a part of the song, or fading in at the start or out at the end: "drums come in
# at the chorus", "the bass enters after the intro", "bring the drums in at the second verse", "the guitar drops
# out in the verse", "vocals stop at the last chorus", "fade in the drums", "fade the vocals out". Read here and
# said again in the words the section reader knows ("no drums before the chorus", "no drums in the fadein"), so the
# parts' words, lists ("drums and bass") and the cues around them are read as everywhere else.
_PART_NAMES = sorted({*INSTRUMENT_WORDS, *DRUM_WORDS, *DRUM_PIECES, "vocals", "vocal", "voice", "voices", "singer",
                      "singing", "lead vocal", "lead vocals", "vox"}, key=len, reverse=True)
_PART = r"(?:(?:the|my|our|its|some)\s+)?(?:" + "|".join(re.escape(name) for name in _PART_NAMES) + r")\b"
_PARTS = r"(" + _PART + r"(?:\s*(?:,|and|&|\+)\s*" + _PART + r")*)"
_ALL_PARTS = r"((?>" + _PART + r"(?:\s*(?:,|and|&|\+)\s*" + _PART + r")*))"  # the whole list, not given back: a
# long list ("drums, bass, piano, ...") is tried once from each start, not once per shorter list
_SECTION_NAMED = (r"((?:the\s+)?(?:(?:first|second|third|fourth|last|final)\s+)?"
                  r"(?:choruses|chorus|verses|verse|intro|outro|hook|refrain|drop|bridge|breakdown))\b")
_WHEN = r"(?:(?:should|will|to|only|just|then|finally|slowly|gradually|all)\s+)*"
_ENTERS = (r"(?:comes?|coming|came|kicks?|kicking|kicked|enters?|entering|joins?|joining|starts?|starting|"
           r"begins?|beginning|drops?\s+in|dropping\s+in|fades?\s+in|fading\s+in|comes?\s+back|returns?)"
           r"(?:\s+(?:in|back))?(?:\s+playing)?")
_EXITS = (r"(?:drops?\s+out|dropping\s+out|cuts?\s+out|cutting\s+out|stops?|stopping|falls?\s+away|"
          r"fades?\s+(?:out|away)"
          r"|fading\s+(?:out|away)|disappears?|leaves?|exits?|dies?\s+(?:out|away|down)|goes?\s+away|drops?\s+away)"
          r"(?:\s+playing)?")
_AFTER_VERB = r"(?:\s+(?:only|just|right|then|again))?\s+"
_ENTRANCE_PATTERNS = (  # (pattern, how the entrance or exit is said again; \1 the parts, \3 the part of the song)
    (re.compile(r"\b" + _ALL_PARTS + r"\s+" + _WHEN + _ENTERS + _AFTER_VERB + r"(after)\s+" + _SECTION_NAMED),
     r"no \1 until after \3"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+" + _WHEN + _ENTERS + _AFTER_VERB + r"(at|on|with|from|in|for|by)\s+"
                + _SECTION_NAMED), r"no \1 before \3"),
    (re.compile(r"\bbring(?:s|ing)?\s+(?:in\s+|back\s+)?" + _ALL_PARTS + r"(?:\s+(?:in|back))?" + _AFTER_VERB
                + r"(after)\s+" + _SECTION_NAMED), r"no \1 until after \3"),
    (re.compile(r"\bbring(?:s|ing)?\s+(?:in\s+|back\s+)?" + _ALL_PARTS + r"(?:\s+(?:in|back))?" + _AFTER_VERB
                + r"(at|on|with|from|for|by)\s+" + _SECTION_NAMED), r"no \1 before \3"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+" + _WHEN + _EXITS + _AFTER_VERB + r"(in|during|for|throughout)\s+"
                + _SECTION_NAMED), r"no \1 in \3"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+" + _WHEN + _EXITS + _AFTER_VERB + r"(at|on|from|by)\s+" + _SECTION_NAMED),
     r"no \1 from \3 on"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+" + _WHEN + _EXITS + _AFTER_VERB + r"(after)\s+" + _SECTION_NAMED),
     r"no \1 after \3"),
)
PART_FADE_SECONDS = 8.0  # "fade in the drums": the part rises from silence over the first 8 s ("fade out": falls)
_FADE_OVER = (r"(?:\s+(?:over|in|for|during)\s+(?:the\s+(?:first|last|final|opening)\s+)?(\d{1,2})\s*"
              r"(seconds?|secs?|bars?|measures?)\b)?")
# not a fade at the start or the end: "fade out the vocals in the chorus" leaves them out there
_NOT_IN_A_PART = (r"(?!\s+(?:in|during|at|on|for|before|after|until|from|through|throughout)\s+(?:the\s+)?"
                  r"(?:(?:first|second|third|fourth|last|final)\s+)?(?:choruse?s?|verses?|intro|outro|hook|refrain|"
                  r"drop|bridge|breakdown)\b)")
# after a part's fade, how long and where: "over 20 seconds", "at the start", "at the very end" (said once)
_FADE_IN_TAIL = (_NOT_IN_A_PART + _FADE_OVER + r"(?:\s+(?:at|from|in)\s+the\s+(?:very\s+)?(?:start|beginning|intro))?"
                 + _FADE_OVER)
_FADE_OUT_TAIL = (_NOT_IN_A_PART + _FADE_OVER
                  + r"(?:\s+(?:at|towards?|near|by|in)\s+the\s+(?:very\s+)?(?:end|ending|outro))?" + _FADE_OVER)
_GENTLY = r"(?:(?:slowly|gradually|gently)\s+)?"  # "slowly fade out the drums" (was also a slower tempo)
_PART_FADE_PATTERNS = (  # (pattern, "in" / "out"); the parts are \1, the lengths \2 \3 and \4 \5
    (re.compile(r"\b" + _GENTLY + r"fade\s+in\s+" + _ALL_PARTS + _FADE_IN_TAIL), "in"),
    (re.compile(r"\b" + _GENTLY + r"fade\s+" + _ALL_PARTS + r"\s+in\b" + _FADE_IN_TAIL), "in"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+" + _WHEN + r"(?:fades?|fading)\s+in\b" + _FADE_IN_TAIL), "in"),
    (re.compile(r"\b(?:slowly\s+|gradually\s+)?(?:bring|introduce)\s+(?:in\s+)?" + _ALL_PARTS
                + r"(?:\s+in)?\s+(?:slowly|gradually|bit\s+by\s+bit|little\s+by\s+little)\b" + _FADE_IN_TAIL), "in"),
    (re.compile(r"\b(?:slowly|gradually)\s+(?:bring|introduce)\s+(?:in\s+)?" + _ALL_PARTS + r"(?:\s+in\b)?"
                + _FADE_IN_TAIL), "in"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+(?:slowly|gradually)\s+(?:comes?|coming|creeps?|builds?)\s+in\b"
                + _FADE_IN_TAIL), "in"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+(?:comes?|coming|creeps?)\s+in\s+(?:slowly|gradually|bit\s+by\s+bit)\b"
                + _FADE_IN_TAIL), "in"),
    (re.compile(r"\b" + _GENTLY + r"fade\s+(?:out|away)\s+" + _ALL_PARTS + _FADE_OUT_TAIL), "out"),
    (re.compile(r"\b" + _GENTLY + r"fade\s+" + _ALL_PARTS + r"\s+(?:out|away)\b" + _FADE_OUT_TAIL), "out"),
    (re.compile(r"\b" + _ALL_PARTS + r"\s+" + _WHEN + r"(?:fades?|fading)\s+(?:out|away)\b" + _FADE_OUT_TAIL), "out"),
)


# "piano and vocals only", "just vocals and guitar": only those two ("vocals only" and "just vocals" alone name A
# cappella; it was that, with a piano added)
_PARTS_AND_VOCALS_ONLY = re.compile(r"\b" + _PARTS + r"\s+(?:and|&|\+|with)\s+(?:the\s+)?(?:vocals?|voice|singing|"
                                    r"singer)\s+only\b")
_VOCALS_AND_PARTS_ONLY = re.compile(r"\b(?:just|only)\s+(?:the\s+)?(?:vocals?|voice|singing|singer)\s+"
                                    r"(?:and|&|\+|with)\s+" + _ALL_PARTS + _NOT_IN_A_PART)  # (in a part: read there)


# "a piano intro", "end with a piano outro", "add an acoustic guitar intro": that part alone there (it was turned up
# there, with everything else)
_PART_INTRO = re.compile(r"\b(?:(?:(?:start|starts|begin|begins|open|opens|end|ends|finish|finishes|close|closes)"
                         r"\s+(?:it\s+|the\s+(?:song|track)\s+)?with|add|give\s+it|put\s+in)\s+)?(?:a|an|the)\s+"
                         r"(?!drum\s+and\s+bass)" + _ALL_PARTS + r"\s+(intro|outro)\b")


# The whole song rising from quiet over its first half ("in"), or falling to quiet over its second ("out")
SWELL_DB = -12.0  # where a swell starts ("start quiet and get louder") or ends ("get quieter towards the end")
_SWELL_PATTERNS = (
    (re.compile(r"\b(?:start(?:s|ing)?|begin(?:s|ning)?)\s+(?:it\s+|off\s+)*(?:quiet(?:ly)?|soft(?:ly)?|low|gentle|"
                r"gently|small)\s+(?:and\s+|then\s+)+(?:get|grow|build|swell|rise|end)(?:s|ing)?\s+(?:up\s+)?"
                r"(?:louder|bigger|big|loud|huge)\b|\b(?:gradually|slowly|steadily)\s+(?:get(?:ting)?|grow(?:ing)?|"
                r"build(?:ing)?)\s+(?:louder|bigger)\b|\b(?:get(?:ting)?|grow(?:ing)?)\s+louder\s+and\s+louder\b|"
                r"\ba\s+crescendo\b|\bcrescendo\b"), "in"),
    (re.compile(r"\b(?:start(?:s|ing)?|begin(?:s|ning)?)\s+(?:it\s+|off\s+)*(?:loud|big|strong)\s+(?:and\s+|then\s+)+"
                r"(?:get|grow|fade|die|become|end)(?:s|ing)?\s+(?:quieter|softer|quiet|soft|down|away|smaller)\b|"
                r"\b(?:gradually|slowly)\s+(?:get(?:ting)?|grow(?:ing)?|become|becoming)\s+(?:quieter|softer)\b|"
                r"\b(?:get(?:ting)?|grow(?:ing)?)\s+quieter\s+and\s+quieter\b|\bdecrescendo\b|"
                r"\bdiminuendo\b"), "out"),
)


# "keep the original song but add a saxophone", "same song but with strings", "add a choir to the original": the song
# as it is, its accompaniment, drums and bass stems kept whole, and only the parts asked played over it (an overdub)
_AS_IT_IS = (r"(?:the\s+same|as\s+it\s+is|as\s+is|intact|unchanged)(?!\s+(?:tempo|speed|key|length|bpm|pitch|vibe|"
             r"feel|mood|energy|style|volume)\b)")  # ("keep it the same tempo": the tempo's)
_OVERDUB = re.compile(r"\b(?:keep|keeping|leave|retain|preserve)\s+(?:the\s+|my\s+)?(?:original\s+)?(?:song|track|"
                      r"music|instrumental|backing\s+track|backing|arrangement)\b(?!'|\s+own)(?:\s+" + _AS_IT_IS
                      + r")?|"
                      r"\b(?:keep|keeping|leave|retain|preserve)\s+(?:it|everything)\s+" + _AS_IT_IS + r"|"
                      r"\b(?:the\s+)?same\s+song\b|\b(?:to|on|over|onto|on\s+top\s+of)\s+the\s+original"
                      r"(?:\s+(?:song|track|music))?\b")
OVERDUB_PARTS = ("accompaniment", "drums", "bass")  # the song's own stems an overdub keeps whole (StylePlan.own_parts)


def _extract_swell(text: str) -> tuple[SectionChange | None, str]:
    """"start quiet and get louder", "gradually get louder", "a crescendo" (unread, or a soft Piano ballad made
    energetic), "get quieter and quieter": the whole song (its instrumental and its vocal) rising from SWELL_DB over
    its first half, or falling to it over its second half, as a change in a part of the song; the text without the
    phrase."""
    for pattern, side in _SWELL_PATTERNS:
        match = pattern.search(text)
        if match:
            words = "getting louder" if side == "in" else "getting quieter"
            return SectionChange(f"fade_{side}", "half", "mix", (), SWELL_DB, words=words), _cut(text, match)
    return None, text


def _extract_entrances(text: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """"drums come in at the chorus", "the guitar drops out in the verse", "fade in the drums over 16 seconds"
    ("piano and vocals only": "only piano and vocals", "a piano intro": "only piano in the intro"): the text with
    each said again as the section reader reads it, and the part fades asked ({"fade_in" / "fade_out":
    (SectionChange.which, "8s" or "4bars", the words)}). Runs before the whole version's fades (_extract_fades),
    which leave a part's fade alone."""
    def said_again(match: re.Match, said: str) -> str:  # ("drum and bass starting at the chorus": the style)
        return match.group(0) if match.group(1) == "drum and bass" else f" , {match.expand(said)} , "

    # (each pattern tries a list of parts from every word: a word it needs is looked for first, so that a long
    # prompt without it is not read a list at a time)
    for pattern, said in _ENTRANCE_PATTERNS if re.search(_SECTION_NAMED, text) else ():
        text = pattern.sub(functools.partial(said_again, said=said), text)
    if re.search(r"\b(?:vocals?|voice|singing|singer)\b", text) and re.search(r"\b(?:only|just)\b", text):
        text = _PARTS_AND_VOCALS_ONLY.sub(lambda match: f"only {match.group(1)} and vocals", text)
        text = _VOCALS_AND_PARTS_ONLY.sub(lambda match: f"only {match.group(1)} and vocals", text)
    if re.search(r"\b(?:intro|outro)\b", text):
        text = _PART_INTRO.sub(lambda match: f" , only {match.group(1)} in the {match.group(2)} , ", text)
    fades: dict[str, tuple[str, str]] = {}
    fading = re.search(r"\b(?:fade|fades|fading|slowly|gradually|bit\s+by\s+bit|little\s+by\s+little)\b", text)
    for pattern, side in _PART_FADE_PATTERNS if fading else ():
        while (match := pattern.search(text)) is not None:
            number, unit = next(((int(n), u) for n, u in zip(match.groups()[1::2], match.groups()[2::2]) if n),
                                (None, ""))
            seconds = min(float(number), MAX_FADE_SECONDS) if number and not unit.startswith(("bar", "measure")) \
                else None
            which = (f"{min(number, 16)}bars" if number and seconds is None else
                     f"{seconds or PART_FADE_SECONDS:g}s")
            fades[f"fade_{side}"] = (which, f"fade {side}")
            text = f"{text[:match.start()]} , no {match.group(1)} in the fade{side} , {text[match.end():]}"
    return text, fades


MAX_VARISPEED = 7  # semitones a "nightcore" / "slowed" version is played up or down at most (x1.5 / x0.67)
FADE_IN_SECONDS, FADE_OUT_SECONDS = 4.0, 8.0  # "fade in", "fade out": how long (x2 "long"/"slow", x0.5 "quick")
MAX_FADE_SECONDS = 30.0
_FADE_LENGTH = r"(?:(long|slow|gradual|gentle|extended|lengthy|quick|short|fast|brief)\s+)?"
_FADE_SECONDS = (r"(?:\s+(?:over|in|for|during)\s+(?:the\s+(?:last|first|final)\s+)?(\d{1,2})\s*"
                 r"(?:secs?|seconds?)\b)?")  # not a bare "s": "fade in 80s style" is the decade
_FADE_WHERE = (r"(?:\s+(?:at|towards?|near|by)\s+the\s+(?:very\s+)?(?:end|ending|start|beginning)"
               r"(?:\s+of\s+the\s+(?:song|track))?)?")
# "fade out the vocals", "fade in the drums": one part, not the whole version (not read as a fade)
_FADE_NOT_A_PART = (r"(?!\s+(?:the\s+|my\s+)?(?:vocals?|voice|singer|singing|drums?|bass|guitars?|piano|keys|synths?|"
                    r"strings|instruments?|beat|melody|horns?|brass|pads?)\b)")
_FADE_PATTERNS = (  # (pattern, "in" / "out" / "both"): the phrase is read here, and taken out of the text
    (re.compile(r"\b(?:no|without|dont|don't|do\s+not|never)\s+(?:a\s+|any\s+)?" + _FADE_LENGTH
                + r"fade(?:\s+(in|out))?\b" + _FADE_WHERE), "none"),
    (re.compile(r"\b(?:a\s+)?" + _FADE_LENGTH + r"(?:fade|fades|fading|faded)\s+(?:it\s+|the\s+(?:song|track)\s+)?"
                r"in\s+and\s+(?:fade\s+)?out\b" + _FADE_SECONDS), "both"),
    # ("end with a long fade out": before the plain fade, which left "end with" to be read as a part of the song)
    (re.compile(r"\b(?:end|ends|ending|finish|finishes|finishing|close|closes|closing)\s+(?:it\s+)?(?:with|on)\s+a\s+"
                + _FADE_LENGTH + r"fade(?:\s+out)?\b" + _FADE_SECONDS), "out"),
    # ("fade in slowly", "slowly fade out": a long fade; "slowly" was a slower tempo)
    (re.compile(r"\b(?:a\s+)?" + _FADE_LENGTH + r"(?:(slowly|gradually|gently)\s+)?(?:fade|fades|fading|faded)\s+"
                r"(?:it\s+|the\s+(?:song|track)\s+|everything\s+|things\s+)?(in|out|away)\b"
                r"(?:\s+(slowly|gradually|gently))?" + _FADE_NOT_A_PART
                + r"(?:\s+the\s+(?:song|track|music|mix|whole\s+(?:song|thing)))?"
                + _FADE_SECONDS + _FADE_WHERE + _FADE_SECONDS), ""),
)


def _extract_fades(text: str) -> tuple[float | None, float | None, str, list[str]]:
    """"fade out at the end", "a long fade in", "fade out over the last 10 seconds", "end with a fade", "no fade
    out": (fade-in seconds, fade-out seconds; None where not asked, 0 where refused, the text without the
    phrases, what was understood). The phrases are taken out so that "at the end" is not read as a part of the
    song, nor "slow" as a tempo."""
    fade_in = fade_out = None
    for pattern, kind in _FADE_PATTERNS:
        while (match := pattern.search(text)) is not None:
            groups = [g for g in match.groups() if g]
            length = next((g for g in groups if not g.isdigit() and g not in ("in", "out", "away")), None)
            seconds = next((float(g) for g in groups if g.isdigit()), None)
            which = kind or ("in" if "in" in groups else "out")
            if kind == "none":
                which = next((g for g in groups if g in ("in", "out")), "both")
            for side in (("in", "out") if which == "both" else (which,)):
                value = 0.0 if kind == "none" else seconds if seconds is not None else \
                    (FADE_IN_SECONDS if side == "in" else FADE_OUT_SECONDS) * (
                        0.5 if length in ("quick", "short", "fast", "brief") else 2.0 if length else 1.0)
                value = min(value, MAX_FADE_SECONDS)
                if side == "in":
                    fade_in = value
                else:
                    fade_out = value
            text = _cut(text, match)
    notes = []
    for side, value in (("in", fade_in), ("out", fade_out)):
        if value is not None:
            where = "first" if side == "in" else "last"
            notes.append(f"Fade {side}: over the {where} {value:g} s" if value else f"Fade {side}: none")
    return fade_in, fade_out, text, notes


TAPE_STOP_SECONDS = 1.6  # a tape stop's length ("a slow tape stop": twice it)
_TAPE_STOP = re.compile(r"\b(?:(?:end|ending|finish|finishing|stop|close|closing)\s+(?:it\s+)?(?:with|on)\s+)?"
                        r"(?:an?\s+|the\s+)?(slow\s+|long\s+|quick\s+|short\s+)?(?:tape|vinyl|record|turntable|"
                        r"cassette)[\s-]*(?:stop|stops|slowdown|slow\s+down|brake|spin\s*down)(?:\s+effect)?"
                        r"(?:\s+(?:at|in)\s+the\s+(?:very\s+)?end)?\b|\bpower[\s-]*down(?:\s+effect)?\b")


def _extract_tape_stop(text: str) -> tuple[float, str, list[str]]:
    """"end with a tape stop", "a tape stop effect", "vinyl stop at the end", "power down": the version's last
    seconds slow to a halt, pitch and all, as a tape or a turntable losing power (the plan's tape_stop, seconds;
    "tape stop" was tape saturation with every effect removed: "stop" a refusal). (seconds, the text without the
    phrase, what was understood)."""
    match = _TAPE_STOP.search(text)
    if not match:
        return 0.0, text, []
    how = (match.group(1) or "").strip()
    seconds = TAPE_STOP_SECONDS * (2.0 if how in ("slow", "long") else 0.6 if how in ("quick", "short") else 1.0)
    text = _cut(text, match)
    return seconds, text, [f"Tape stop: the last {seconds:g} s slow to a halt, pitch and all"]


# Phrases that turn one treatment of the finished version on (the plan's flag of that name; each was unread):
# "dj scratches", "hip hop with scratching", "turntablism" ("from scratch" is not it, "vinyl scratches" stays the
# vinyl's crackle); "make it glitchy", "stutter effect", "beat repeat" ("stutter the vocals" is vocal chops);
# "play it backwards", "reverse the song", "a reversed version" ("reverse reverb" is not it)
_SCRATCH = re.compile(r"(?<!\bfrom\s)(?<!\bvinyl\s)\b(?:(?:dj|turntable|record|deejay)\s+)?"
                      r"(?:scratch(?:es|ing)?|turntablism)\b(?:\s+effects?\b)?")
_STUTTER = re.compile(r"(?<!\bvocal\s)\b(?:glitch\s+hop|glitchcore|glitch(?:y|ier|ed|es)?|beat\s+repeats?|"
                      r"stutter(?:s|ing|ed)?)(?:\s+(?:effects?|edits?))?\b"
                      r"(?!\s+(?:the\s+|my\s+)?(?:vocals?|voice|vox|singing)\b)")
_REVERSE = re.compile(r"\b(?:play(?:ed|ing)?\s+(?:it\s+|the\s+(?:whole\s+)?(?:song|track)\s+)?"
                      r"(?:backwards?|in\s+reverse|reversed)|"
                      r"reversed?\s+(?:the\s+(?:whole\s+)?)?(?:song|track|it|audio|version|mix)|"
                      r"(?:the\s+)?(?:song|track|it)\s+(?:played\s+)?(?:backwards?|in\s+reverse)|backwards?\s+"
                      r"(?:version|song|remix)|reversed)\b")
# "reverse reverb", "reverse reverb on the vocals", "reverb swells" (read as the vocal's reverb, "reverse" unread): a
# swell of the vocal's own reverb, played backwards, rising into each word (before "reversed" reads the reversal)
_REVERSE_REVERB = re.compile(r"\b(?:reversed?|backwards?|inverted)\s+(?:reverb|echo|delay)s?"
                             r"(?:\s+(?:effects?|swells?))?"
                             r"(?:\s+(?:on|to|for)\s+(?:the\s+|my\s+)?(?:vocals?|voice|vox|singing|singer))?\b|"
                             r"\breverb\s+swells?\b")
_SWITCHES = (
    ("reverse_reverb", _REVERSE_REVERB, "Reverse reverb: the vocal's reverb played backwards, swelling into each word "
     "(without a vocal, into the song's own notes)"),
    ("scratch", _SCRATCH, "DJ scratches: a sample of the song scratched back and forth at the end of every fourth bar"),
    ("stutter", _STUTTER, "Stutter edits: the last beat of every fourth bar retriggered faster and faster (glitch)"),
    ("reverse", _REVERSE, "Reversed: the whole version plays backwards, the words too"),
)


def _extract_switches(text: str) -> tuple[dict[str, bool], str, list[str]]:
    """The treatments _SWITCHES turns on: (flag -> read, the text without their phrases, what was understood)."""
    flags, notes = {}, []
    for name, pattern, note in _SWITCHES:
        match = pattern.search(text)
        flags[name] = match is not None
        if match:
            text = _cut(text, match)
            notes.append(note)
    return flags, text, notes


# Where the song is heard from, the "song but you're ..." edits (engine/place.py; each was unread or read as a
# style: "in the bathroom at a party" was EDM, "playing in another room" Pop): through a wall from the next room,
# from the bathroom at a party (the wall and a tiled room), in the shower, inside a car
_ROOMS = "room|bedroom|apartment|flat|house"
_ROOMISH = f"(?:{_ROOMS})"
_PARTY = (r"(?:(?:house|frat|college|school|birthday|office)\s+)?"
          r"(?:party|club|nightclub|rave|concert|festival|disco|bar)")
_PLACES = (
    ("bathroom", re.compile(r"\b(?:(?:in|inside|from)\s+)?(?:the|a)\s+(?:bathroom|toilets?|restroom|loo|washroom)s?"
                            r"\s+(?:at|of|in|during)\s+(?:a|the|an)\s+" + _PARTY + r"\b|\b" + _PARTY +
                            r"\s+(?:bathroom|toilets?|restroom|loo)s?\b")),
    ("another_room", re.compile(r"\b(?:(?:in|from|inside)\s+)?(?:another|the\s+next|a\s+different|the\s+other|"
                                r"an?\s+other|an?\s+(?:adjacent|neighbou?ring))\s+" + _ROOMISH + r"\b|"
                                r"\b(?:(?:in|from)\s+)?(?:the\s+)?" + _ROOMISH + r"\s+next\s+door\b|"
                                r"\b(?:from\s+)?next\s+door\b|"
                                r"\b(?:through|behind)\s+(?:a|the)\s+(?:thin\s+|closed\s+|thick\s+)?"
                                r"(?:walls?|doors?|floor|ceiling)\b|"
                                r"\b(?:from\s+)?outside\s+(?:of\s+)?(?:a|the)\s+" + _PARTY + r"\b|"
                                r"\bfrom\s+(?:my|the|our)\s+(?:(?:downstairs|upstairs)\s+)?neighbou?r'?s'?"
                                r"(?:\s+(?:party|" + _ROOMS + r"))?\b|"
                                r"\b(?:my|the|a|our)\s+(?:(?:downstairs|upstairs)\s+)?neighbou?r'?s'?\s+(?:party|"
                                + _ROOMS + r")\b")),
    ("shower", re.compile(r"\b(?:(?:in|inside|from)\s+)?(?:the|a)\s+(?:shower|bathroom|restroom|washroom)\b|"
                          r"\b(?:shower|bathroom)\s+(?:acoustics|reverb|sound|version|effect|echo)\b|"
                          r"\btiled?\s+room\b")),
    ("car", re.compile(r"(?<!\bdriving\s)(?<!\bdrive\s)(?<!\bdrove\s)\b(?:in|inside|from)\s+(?:a|the|my|your|"
                       r"someone'?s)\s+(?:parked\s+)?car\b(?!\s+(?:chase|commercial|ad|race|racing|game|crash|ride))|"
                       r"\b(?:through\s+|on\s+|from\s+)?(?:the\s+|a\s+|my\s+)?car\s+(?:speakers?|stereo|"
                       r"sound\s*system|audio)\b")),
)
PLACE_NOTES = {
    "another_room": "Heard from another room: through a wall (the highs lost, the bass and the kick thumping on), "
                    "in the listener's own room",
    "bathroom": "Heard from the bathroom at a party: the party through the wall, in a small tiled room's echo",
    "shower": "Heard in the shower: a small tiled room's bright echo, the bass thinned",
    "car": "Heard inside a car: the cabin's boomy low end, the door speakers' softer highs, a small dry space",
}


def _extract_place(text: str) -> tuple[str, str, list[str]]:
    """Where the song is heard from (_PLACES, the first found): (the place or "", the text without the phrase, what
    was understood)."""
    for place, pattern in _PLACES:
        match = pattern.search(text)
        if match:
            return place, _cut(text, match), [PLACE_NOTES[place]]
    return "", text, []


ORBIT_BEATS = 16  # "8d audio": one turn around the listener's head every four bars ("slow": eight, "fast": two)
_ORBIT = re.compile(r"\b(?:(slow|slowly|fast|quick|quickly)\s+)?(?:(?:8|16|eight|sixteen)\s*d(?:\s+(?:audio|sound|"
                    r"music|version|effect|mix|remix|style))?|(?:3\s*d|360)\s+(?:audio|sound|music|version|effect|mix|"
                    r"remix)|auto\s*pan(?:ning|ned)?|panning\s+effect|"
                    r"binaural(?!\s+beats?\b)(?:\s+(?:audio|sound|effect|mix))?|"
                    r"pan(?:ning|ned)?\s+(?:it\s+)?(?:from\s+)?(?:left\s+(?:and|to)\s+right|side\s+to\s+side)|"
                    r"(?:spinning|rotating|circling|moving|going|spin|rotate|circle|move|go)\s+(?:a)?round\s+"
                    r"(?:my|your|the|our)\s+(?:listener'?s?\s+)?heads?)\b")


def _extract_orbit(text: str) -> tuple[int, str, list[str]]:
    """"8d audio", "8d version", "16d", "3d audio", "360 audio", "auto pan", "binaural", "spinning around your head"
    (each unread: a Pop remix as it was): the finished mix circles the listener's head, ORBIT_BEATS to a turn
    ("slow 8d": twice as long, "fast": half). (beats per turn, the text without the phrase, what was understood)."""
    match = _ORBIT.search(text)
    if not match:
        return 0, text, []
    how = match.group(1) or ""
    beats = ORBIT_BEATS * (2 if how.startswith("slow") else 0.5 if how else 1)
    text = _cut(text, match)
    return int(beats), text, [f"8D audio: the mix circles the listener's head, once every {int(beats) // 4} bars "
                              "(best heard on headphones)"]


# "432 hz", "tune it to 432", "a 528 hz version": the whole mix retuned so that its A is that many hertz (528 Hz is
# the C of A = 444), from the standard A = 440 Hz a song is all but always tuned to (each was unread)
_TUNING = re.compile(r"\b(?:(?:re)?tun(?:e|ed|ing)\s+(?:it\s+|the\s+(?:song|track)\s+)?(?:down\s+|up\s+)?to\s+|"
                     r"a\s*=\s*)?(432|444|528)\s*(?:hz|hertz)\b(?:\s+(?:tuning|version|frequency|music))?|"
                     r"\b(?:(?:re)?tun(?:e|ed|ing)\s+(?:it\s+|the\s+(?:song|track)\s+)?(?:down\s+|up\s+)?to\s+|"
                     r"a\s*=\s*)(432|444)\b|\b(432|528)\s+(?:tuning|version)\b")
_TUNED_A = {"432": 432.0, "444": 444.0, "528": 444.0}


# "surprise me", "random style", "you choose", "something completely different" (a Pop remix, the words unread): a
# style chosen by the request's seed (surprise_plan), when no style is named or suggested
_SURPRISE = re.compile(r"\b(?:surprise\s+me|(?:a\s+)?surprise\s+(?:remix|version|style|genre)|anything\s+goes|"
                       r"(?:a\s+)?random\s+(?:style|genre|remix|version)|something\s+random|^\s*random\s*$|"
                       r"any\s+(?:style|genre)|(?:dealer'?s|your)\s+choice|"
                       r"(?:you|u)\s+(?:choose|decide|pick)|whatever\s+you\s+(?:want|like|think)|"
                       r"something\s+(?:completely\s+|totally\s+|really\s+)?different|"
                       r"make\s+it\s+(?:sound\s+)?(?:completely\s+|totally\s+)?different)\b")
# the styles a surprise is drawn from: each a full remix of its own (not Pop, the default; nor the voices-only, the
# children's or the sleep styles, which few would want unasked)
SURPRISE_STYLES = ("lofi", "jazz", "edm", "house", "synthwave", "dnb", "reggae", "bossa", "funk", "disco", "rock",
                   "metal", "acoustic", "country", "cinematic", "chiptune", "piano_ballad", "kpop", "afrobeats",
                   "reggaeton", "trap", "latin", "classical", "blues", "vaporwave", "ambient", "techno", "polka",
                   "march", "bollywood", "east_asian", "arabic", "gospel", "rnb", "dubstep", "punk", "trance",
                   "hiphop")


def surprise_plan(prompt: str, seed: int) -> StylePlan:
    """The plan of a prompt that asks for a surprise ("surprise me"): `prompt` read with a style drawn by `seed`
    from SURPRISE_STYLES (one the prompt refused, "surprise me, but no metal", is never drawn) in front of it; the
    same seed, the same style. Any other prompt: interpret(prompt)."""
    plan = interpret(prompt)
    if not plan.surprise:
        return plan
    allowed = [s for s in SURPRISE_STYLES if f"Not: {STYLES[s].name}" not in plan.understood] or ["lofi"]
    chosen = allowed[int(seed) % len(allowed)]
    drawn = interpret(f"{STYLES[chosen].words[0]}, {prompt}")
    understood = tuple(f"Style: {STYLES[chosen].name} (a surprise, drawn by the seed {seed}: remix again for another)"
                       if line == f"Style: {STYLES[chosen].name}" else line for line in drawn.understood)
    return replace(drawn, understood=understood, surprise=True)


# Asks no remix of one song can answer, said plainly (each was a Pop remix with its words "not understood"): the
# words they are made of are read, not listed as unknown
_CANNOT = (  # (pattern, why not, the words read in its place)
    (re.compile(r"\bmash\s*(?:ups?|it\s+up|ed\s+up)\b|\bmashups?\b|\bmashed\s+(?:together|into)\b"),
     "a mashup needs a second song, and a remix takes one: this one is remixed alone"),
    (re.compile(r"\btranslat(?:e|ed|ion)\b|\b(?:sing|sung|lyrics)\s+(?:it\s+)?in\s+(?:spanish|french|german|"
                r"italian|portuguese|japanese|korean|chinese|hindi|arabic|russian)\b"),
     "lyrics are sung as written: no translation is made (write the lyrics you want sung)"),
    # (not "a piano and cello duet": two instruments)
    (re.compile(r"(?<!piano )(?<!cello )(?<!violin )(?<!guitar )(?<!flute )(?<!harp )(?<!saxophone )(?<!sax )"
                r"(?<!trumpet )(?<!viola )(?<!clarinet )(?<!instrumental )\bduets?\b"),
     "one voice sings the lyrics: a duet's second singer is not made (\u201cadd harmonies\u201d adds a second voice "
     "on the lead's words)"),
    (re.compile(r"\bad[\s-]*libs?\b"), "ad-libs are not made: only the lyrics given are sung"),
    (re.compile(r"\bspoken\s+word\b|\b(?:speak|say)\s+the\s+(?:lyrics|words)\b"),
     "the lyrics are sung, not spoken (\u201cwhispered vocals\u201d sing them without a pitch)"),
    (re.compile(r"\brap(?:ped)?\s+(?:the\s+)?(?:lyrics|words|verses?)\b"),
     "the lyrics are sung, not rapped: a hip-hop remix is made", "hip hop"),  # (still the style it names)
    (re.compile(r"\b(?:remove|reduce|clean\s+up|get\s+rid\s+of|less|no|without)\s+(?:the\s+|any\s+|all\s+the\s+)?"
                r"background\s+(?:noise|hiss|hum|static)\b|\bdenois(?:e|ed|ing)\b|\bnoise\s+(?:reduction|removal)\b"),
     "noise is not removed: the song's own recording is kept as it was made"),
    (re.compile(r"\b(?:loops?|looping|looped)\s+(?:it\s+|the\s+song\s+)?(?:seamlessly|perfectly|forever|"
                r"endlessly)\b|"
                r"\bseamless(?:ly)?\s+loop(?:s|ing|able)?\b|\bloopable\b"),
     "a seamless loop is not made: the version ends as a song does (\u201cloop the chorus\u201d plays it again)"),
    (re.compile(r"\b(?:use|using|with|in|clone|cloned|cloning)\s+my\s+(?:own\s+)?voice\b"),
     "your own voice cannot be used: new lyrics are sung by the engine's singer (a male or a female voice)"),
    # "make the bass mono", "put the drums in mono": one part's stereo (it made the whole song mono, in a Pop remix)
    (re.compile(r"\b(?:make|keep|put|have|sum)\s+(?:the\s+)?(?:bass|sub|sub\s+bass|low\s+end|lows|kick|drums|guitars?|"
                r"synths?|piano|vocals?|voice)\s+(?:in\s+|to\s+)?mono\b|\bmono\s+(?:bass|sub|low\s+end|lows|kick)\b"),
     "one part's stereo is not changed alone: the band's bass, kick and vocal are centred already (\u201cmake it "
     "mono\u201d makes the whole song mono)"),
    # instruments General MIDI has nothing near ("add a didgeridoo" was unread, a Pop remix)
    (re.compile(r"\b(?:an?\s+)?(?:didgeridoos?|didjeridus?|theremins?)\b"),
     "the band's General MIDI soundfont has no didgeridoo or theremin: none is added"),
)


def _extract_cannot(text: str) -> tuple[str, list[str]]:
    """The asks of _CANNOT found in `text`: (the text without their phrases, the notes saying why not)."""
    notes = []
    for pattern, note, *instead in _CANNOT:
        match = pattern.search(text)
        if match:
            text = _cut(text, match, *instead)
            notes.append(f"Not possible: {note}")
    return text, notes


# How much of a remix, said in words (the request's strength is a number): "a light remix", "a subtle remix", "barely
# change it", "keep the original feel" (a soft Piano ballad or unread) and "completely remix it", "a full remix",
# "totally transform it" (unread)
LIGHT_STRENGTH, FULL_STRENGTH = 0.25, 0.9
_AMOUNTS = (
    (LIGHT_STRENGTH, re.compile(r"\b(?:an?\s+)?(?:(?:light|subtle|slight|minimal)\s+(?P<style>[a-z0-9]+\s+)?"
                                r"(?P<noun>remix|rework|edit)|(?:light|subtle|slight|minimal|small|little)\s+"
                                r"(?:remix|rework|touch|edit|makeover|update|version))\b|"
                                r"\bbarely\s+change\b|\bsubtly\s+remix(?:ed)?\b|"
                                r"\bdon'?t\s+change\s+(?:it\s+|the\s+song\s+)?(?:too|that|very)\s+much\b|"
                                r"\bkeep\s+(?:most\s+of\s+)?the\s+original(?:\s+(?:feel|sound|vibe|character))?"
                                r"(?=\s*(?:$|[,.;!]|(?:and|but|with)\b))")),
    (FULL_STRENGTH, re.compile(r"\b(?:completely|totally|fully|entirely|radically)\s+(?:remix|rework|transform|"
                               r"reimagine|change|redo)\w*(?:\s+it)?\b|\b(?:a\s+)?(?:full|complete|total|radical)\s+"
                               r"(?P<style>[a-z0-9]+\s+)?(?P<noun>remix|rework|transformation|makeover|reimagining)\b|"
                               r"\bchange\s+it\s+a\s+lot\b|\b(?:completely|totally)\s+different\b")),
)


def _extract_amount(text: str) -> tuple[float, str, list[str]]:
    """How much of a remix the words ask (_AMOUNTS): (the strength, or 0.0, the text without them, what was
    understood)."""
    for strength, pattern in _AMOUNTS:
        match = pattern.search(text)
        if match:
            how = "a light remix: more of the original kept" if strength < 0.5 else \
                "a full remix: none of the original accompaniment kept"
            kept = f" {match.group('style') or ''}{match.group('noun')} " if match.group("style") else " , "
            return strength, text[:match.start()] + kept + text[match.end():], [
                f"Strength: {how} ({strength:g}; a strength set in the request other than its default 0.5 wins)"]
    return 0.0, text, []


def _extract_tuning(text: str) -> tuple[float, str, list[str]]:
    """"432 hz", "tuned to 432": (cents the mix is retuned by, the text without the phrase, what was understood)."""
    match = _TUNING.search(text)
    if not match:
        return 0.0, text, []
    said = next(g for g in match.groups() if g)
    a = _TUNED_A[said]
    cents = round(1200 * math.log2(a / 440.0), 2)
    text = _cut(text, match)
    return cents, text, [f"Tuning: A = {a:g} Hz{' (528 Hz its C)' if said == '528' else ''}: the whole mix "
                         f"{abs(cents):.1f} cents {'down' if cents < 0 else 'up'}, its tempo kept (from the standard "
                         "A = 440 Hz)"]


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_NUM = r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
_UNIT = (r"(semitones?|half\s+steps?|half\s+tones?|whole\s+steps?|whole\s+tones?|steps?|tones?|octaves?|keys?|"
         r"(?:perfect\s+)?fifths?|(?:perfect\s+)?fourths?|minor\s+thirds?|major\s+thirds?|thirds?)")
_INTERVALS = {"fifth": 7, "fourth": 5, "minor third": 3, "major third": 4, "third": 4}  # "up a fifth" (was unread)
_UP_WORDS = ("up", "higher", "raise", "raised", "plus")
_TRANSPOSE_PATTERNS = (  # (pattern, group of the number, of the unit, of the direction)
    (re.compile(r"\b" + _NUM + r"\s+" + _UNIT + r"\s+(up|down|higher|lower)\b"), 1, 2, 3),
    (re.compile(r"\b(up|down|higher|lower)\s+(?:by\s+)?" + _NUM + r"\s+" + _UNIT + r"\b"), 2, 3, 1),
    (re.compile(r"\b(plus|minus)\s*" + _NUM + r"\s*" + _UNIT + r"\b"), 2, 3, 1),
    (re.compile(r"\b(raise|raised|lower|lowered|drop|dropped)\s+(?:it|the\s+(?:song|track|key|pitch|whole\s+thing)|"
                r"everything)?\s*(?:by\s+)?" + _NUM + r"\s+" + _UNIT + r"\b"), 2, 3, 1),
)
_TRANSPOSE_BARE = (  # a move with no size: two semitones ("a bit": one)
    (re.compile(r"\b(?:pitch|pitched|shift|shifted|transpose|transposed|tune|tuned)\s+(?:it\s+|the\s+"
                r"(?:song|track|key|whole\s+thing)\s+|everything\s+)?(up|down)\b"
                r"((?:\s+(?:a\s+bit|a\s+little|slightly))?)"), 1),
    (re.compile(r"\b(raise|lower|drop)\s+the\s+(?:key|pitch)\b((?:\s+(?:a\s+bit|a\s+little|slightly))?)"), 1),
    (re.compile(r"\b(higher|lower)\s+(?:key|pitch|pitched)\b()"), 1),
    (re.compile(r"\bkey\s+(up|down)\b()"), 1),
)
_KEY_LETTER = r"([a-g])(#|b(?=\s)|\s+sharp|\s+flat)?"
_KEY_END = r"(?=\s*(?:major|minor|$|[,.;!]|\s+(?:and|please|with|but)\b))"
_KEY_PATTERNS = (
    re.compile(r"\b(?:in|into|to)\s+the\s+key\s+of\s+" + _KEY_LETTER + r"\b"),
    re.compile(r"\bkey\s+of\s+" + _KEY_LETTER + r"\b"),
    re.compile(r"\b(?:change|move|put|set|transpose|shift)\s+(?:it\s+|the\s+(?:song|track|key)\s+)?(?:in)?to\s+"
               + _KEY_LETTER + _KEY_END),
    re.compile(r"\bin\s+" + _KEY_LETTER + r"(?=\s+(?:major|minor)\b(?!\s+(?:key|scale|mode|feel|vibe|chords?)))"),
)
MAX_TRANSPOSE = 12
UNSAID_KEY_MOVE = 2  # "change the key", "in a different key": up a whole step (it was the song's own)
_LETTER_CLASSES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}


_VOX = r"(?:vocals?|voice|vox|singing|singer)"
_VOCAL_PITCH_PATTERNS = (  # said of the vocal alone: the first group given is the direction
    re.compile(r"\b(?:pitch|pitched|shift|shifted)[\s-]+(up|down)\s+(?:the\s+)?" + _VOX + r"\b"),
    re.compile(r"\b(?:pitch|shift)\s+(?:the\s+)?" + _VOX + r"\s+(up|down)\b(?:\s+(?:an|one)\s+octave)?"),
    re.compile(r"\b" + _VOX + r"\s+(?:pitched\s+(up|down)|(?:an|one)\s+octave\s+(up|higher|down|lower))"
               r"(?:\s+(?:an|one)\s+octave)?"),
    re.compile(r"\b" + _VOX + r"\s+(up|down)\s+(?:by\s+)?(?:an|one)\s+octave\b"),  # "vocals down an octave"
    re.compile(r"\b(chipmunk|demonic|demon)\s+" + _VOX + r"\b"),
    re.compile(r"\b(chipmunk)s?\b"),
    # "lower the vocals an octave", "raise the voice by an octave" (a level before: "lower" the vocals -6 dB)
    re.compile(r"\b(lower|lowered|drop|dropped|raise|raised)\s+(?:the\s+|my\s+)?" + _VOX +
               r"\s+(?:down\s+|up\s+)?(?:by\s+)?(?:an|one)\s+octave\b"),
    # "lower the pitch of the vocals", "raise the vocal's pitch" (the whole mix was moved two semitones)
    re.compile(r"\b(lower|drop|raise|increase|decrease|reduce)\s+the\s+pitch\s+(?:of|on)\s+(?:the\s+|my\s+)?" + _VOX
               + r"\b"),
    re.compile(r"\b(lower|drop|raise|increase|decrease|reduce)\s+(?:the\s+)?" + _VOX + r"(?:'s|s')?\s+pitch\b"),
    # "sing it an octave higher", "sing an octave lower" (the whole mix was moved an octave)
    re.compile(r"\b(?:sing|sung|sang|singing)\s+(?:it\s+|the\s+(?:song|lyrics|words)\s+)?(?:an|one)\s+octave\s+"
               r"(up|higher|down|lower)\b"),
)
_VOCAL_UP = ("up", "higher", "chipmunk", "raise", "raised", "increase")


def _extract_vocal_pitch(text: str) -> tuple[int, str, list[str]]:
    """"pitched up vocals", "pitch the vocals down", "vocals an octave higher", "chipmunk vocals", "demonic voice":
    the vocal alone an octave up or down (the plan's vocal_pitch: an octave, so that it stays in the song's key over
    the band; "pitched up vocals" moved the whole mix two semitones, the others were unread). (semitones, the text
    without the phrase, what was understood)."""
    for pattern in _VOCAL_PITCH_PATTERNS:
        match = pattern.search(text)
        if match:
            said = re.sub(r"[\s-]+", " ", next(g for g in match.groups() if g is not None))
            up = said in _VOCAL_UP
            text = text[:match.start()] + " vocals , " + text[match.end():]  # the vocal is still asked for
            return 12 if up else -12, text, [
                f"Vocal: an octave {'up' if up else 'down'}, the vocal alone (its formants with it: "
                f"{'a chipmunk' if up else 'a deep, dark'} voice; an octave keeps it in the song's key)"]
    return 0, text, []


_PLACE = (r"(?:\s+(?:at|for|in|on|into|before|near|towards?|going\s+into)\s+(?:the\s+)?(?:very\s+)?"
          r"(?:end|last\s+chorus|final\s+chorus|last\s+part|outro|finale?|last\s+verse))")
_STEP = r"(?:\s+(?:up\s+)?(?:by\s+)?(?:a|one)\s+(half\s+step|semitone|whole\s+step|whole\s+tone|tone|step))"
_MODULATION_PATTERNS = (  # the size, when said, in group 1
    re.compile(r"\b(?:an?\s+)?(?:upward\s+)?key\s+change" + _STEP + "?" + _PLACE),
    re.compile(r"\b(?:modulate|modulates|modulating|modulation|modulated)(?:\s+(?:it\s+)?(?:up|upwards|higher))?"
               + _STEP + "?" + _PLACE + "?"),
    re.compile(r"\btruck[\s-]*drivers?'?s?(?:\s+(?:gear\s+change|key\s+change|modulation))?" + _STEP + "?"
               + _PLACE + "?"),
    re.compile(r"\b(?:last|final)\s+chorus\s+(?:goes\s+)?(?:up|higher)" + _STEP),
    re.compile(r"\b(?:with|add|and|plus)\s+an?\s+key\s+change\b()"),
)


def _extract_modulation(text: str) -> tuple[int, str, list[str]]:
    """"a key change at the end", "key change for the last chorus", "modulate up a whole step", "a truck driver's
    gear change", "pop with a key change": the song goes up a semitone (a whole step when said) from its last
    chorus, as pop songs do (the plan's key_change; it was "asked to change, but not where to"). (semitones, the
    text without the phrase, what was understood)."""
    for pattern in _MODULATION_PATTERNS:
        match = pattern.search(text)
        if match:
            size = (match.group(1) or "") if match.groups() else ""
            semitones = 2 if size.startswith(("whole", "tone", "step")) else 1
            text = _cut(text, match)
            return semitones, text, [f"Key change: up {'a whole step' if semitones == 2 else 'a semitone'} from the "
                                     "last chorus (the band and the vocal together)"]
    return 0, text, []


def _extract_transpose(text: str) -> tuple[int, int | None, str, list[str]]:
    """"up two semitones", "an octave lower", "+3 semitones", "pitch it down a bit", "in the key of E", "change the
    key to F sharp": (semitones the mix is moved, the pitch class asked or None, the text without the phrases,
    what was understood). The mode words ("in A minor") stay in the text for the reader."""
    semitones, key, notes = 0, None, []
    for pattern, number, unit, direction in _TRANSPOSE_PATTERNS:
        match = pattern.search(text)
        if match:
            count = _NUMBERS.get(match.group(number)) or int(match.group(number))
            size = re.sub(r"\s+", " ", match.group(unit)).removeprefix("perfect ").rstrip("s")
            step = _INTERVALS.get(size) or (12 if size.startswith("octave") else 2 if size.startswith(
                ("whole", "step", "tone", "key")) and not size.startswith("half") else 1)
            sign = 1 if match.group(direction) in _UP_WORDS else -1
            semitones = sign * min(count * step, MAX_TRANSPOSE)
            text = _cut(text, match)
            break
    else:
        for pattern, direction in _TRANSPOSE_BARE:
            match = pattern.search(text)
            if match:
                sign = 1 if match.group(direction) in _UP_WORDS else -1
                semitones = sign * (1 if match.group(2).strip() else 2)
                text = _cut(text, match)
                break
    for pattern in _KEY_PATTERNS:
        match = pattern.search(text)
        if match:
            accidental = (match.group(2) or "").strip()
            key = (_LETTER_CLASSES[match.group(1)] + (1 if accidental in ("#", "sharp") else
                                                     -1 if accidental in ("b", "flat") else 0)) % 12
            text = text[:match.start()] + " " + text[match.end():]
            break
    if key is not None:
        from .analyse import PITCH_NAMES

        notes.append(f"Key: moved to {PITCH_NAMES[key]} (the whole mix, the nearest way; its tempo kept)")
    elif semitones:
        notes.append(f"Key: the whole mix moved {semitones:+d} semitone{'s' if abs(semitones) != 1 else ''} "
                     "(its tempo kept)")
    return semitones, key, text, notes


# "at 0.8x", "1.5x speed", "x1.25", "75% speed" (unread: "0", "8x"): that multiple of the song's tempo
_SPEED_MULTIPLIER = re.compile(r"(?<![\d.])(?:(\d(?:\.\d+)?|\.\d+)\s*x|\bx\s*(\d(?:\.\d+)?))(?![\d.])"
                               r"(?:\s+(?:the\s+)?(?:speed|tempo))?\b|"
                               r"\b(\d{2,3})\s*(?:%|percent)\s+(?:of\s+the\s+)?(?:speed|tempo)\b")


def _extract_tempo_change(text: str) -> tuple[float | None, str]:
    """"20% faster", "slow it down by 10 percent", "twice as fast", "half the speed": (the tempo factor, text
    without it), or (None, text)."""
    for pattern, factor in _TEMPO_MULTIPLES:
        match = pattern.search(text)
        if match:
            return factor, text[: match.start()] + " " + text[match.end():]
    match = _SPEED_MULTIPLIER.search(text)
    counted = match and re.search(r"\b(?:repeat|repeated|loop|looped|chorus|hook|times)\b", text[:match.start()])
    if match and not (counted and not re.search(r"\b(?:speed|tempo)\b", match.group())):
        # "0.8x", "1.5x speed", "x1.25", "75% speed" ("repeat the chorus 2x" is a count, not a speed)
        value = float(match.group(1) or match.group(2) or float(match.group(3)) / 100)
        if 0.25 <= value <= 4.0:
            return min(max(value, 0.5), 2.0), text[: match.start()] + " " + text[match.end():]
    for k, pattern in enumerate(_TEMPO_PERCENT_PATTERNS):
        match = pattern.search(text)
        if match:
            percent, word = (match.group(1), match.group(2)) if k == 0 else (match.group(2), match.group(1))
            sign = -1 if word.startswith("slow") else 1
            factor = 1 + sign * float(percent) / 100
            return min(max(factor, 0.5), 2.0), text[: match.start()] + " " + text[match.end():]
    return None, text


def _tokens_and_hits(text: str) -> tuple[list[str], list[_Hit], list[str], list[str]]:
    """Scan tokens longest-phrase-first: hits, words not understood, misspelling notes."""
    matches = list(_TOKEN_RE.finditer(text))
    tokens = [m.group() for m in matches]
    pauses = {i for i in range(1, len(matches))
              if _PAUSE_RE.search(text, matches[i - 1].end(), matches[i].start())}
    hits: list[_Hit] = []
    ignored: list[str] = []
    notes: list[str] = []
    guesses = 0
    i = 0
    while i < len(tokens):
        for length in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            phrase = tuple(tokens[i : i + length])
            if phrase in _VOCAB:
                kind, value = _VOCAB[phrase]
                hits.append(_Hit(kind, value, i, i + length, " ".join(phrase), after_pause=i in pauses))
                i += length
                break
        else:
            token = tokens[i]
            if token in KEY_NAMES and i + 1 < len(tokens) and tokens[i + 1] in ("minor", "major", "sharp", "flat"):
                i += 1
                continue
            if token in STOP_WORDS or token in KEY_NAMES:
                i += 1
                continue
            guess = _guess(token) if guesses < _MAX_GUESSES else None
            guesses += 1
            if guess is not None:
                kind, value = _VOCAB[guess]
                hits.append(_Hit(kind, value, i, i + 1, " ".join(guess), after_pause=i in pauses))
                notes.append(f"Read \u201c{token}\u201d as \u201c{' '.join(guess)}\u201d.")
            elif len(token) > 1 or token.isdigit():
                ignored.append(token)
            i += 1
    return tokens, hits, ignored, notes


ENGLISH_WORDS = "/usr/share/dict/american-english"  # Debian's wamerican (SCOWL): installed by make setup


@functools.lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """The English word list, lower case (empty when it is not installed: every word may then be guessed)."""
    try:
        with open(ENGLISH_WORDS, encoding="utf-8", errors="ignore") as f:
            return frozenset(line.strip().lower() for line in f if "'" not in line)
    except OSError:
        return frozenset()


def _is_inflection(token: str, word: str) -> bool:
    """"violins" of "violin", "hat" of "hats": the same word, one of them with a plural's "s" or "es"."""
    short, long = sorted((token, word), key=len)
    return long in (short + "s", short + "es")


@functools.lru_cache(maxsize=2048)
def _guess(token: str) -> tuple[str, ...] | None:
    """The vocabulary entry a misspelt word most likely meant ("clasical" -> "classical"), or None. An English word
    is not a misspelling ("related" is not "relaxed", "now" is not "snow"), unless it is a plural or a singular of
    the entry ("violins", "hat")."""
    if token in _FUZZY_JOINED:
        return _FUZZY_JOINED[token]
    if len(token) < 3 or len(token) > 20 or not token.isalpha() or token in NOT_GUESSED:
        return None
    guess = _close_match(token)
    if guess is not None and token in _english_words() and not (len(guess) == 1 and _is_inflection(token, guess[0])):
        return None
    return guess


def _close_match(token: str) -> tuple[str, ...] | None:
    """The vocabulary entry nearest a token (difflib's ratio), single words first, then joined phrases."""
    cutoff = 0.84 if len(token) <= 5 else 0.8
    near = [t for t in _FUZZY_TARGETS if abs(len(t) - len(token)) <= (1 if len(token) <= 4 else 2)]
    match = difflib.get_close_matches(token, near, n=1, cutoff=cutoff)
    if match:
        return (match[0],)
    if len(token) >= 5:
        joined = [j for j in _FUZZY_JOINED if abs(len(j) - len(token)) <= 2]
        match = difflib.get_close_matches(token, joined, n=1, cutoff=0.85)
        if match:
            return _FUZZY_JOINED[match[0]]
    return None


# ---------------------------------------------------------------------------------------------------
# Building the plan


@dataclass
class _Draft:
    """Mutable working copy of a plan while the prompt is applied to it."""

    spec: StyleSpec
    tempo_factor: float
    tempo_range: tuple[float, float]
    mode: str | None
    instruments: dict
    drums: str | None
    drum_kit: int
    swing: float
    energy: float
    brightness: float
    reverb: float
    effects: dict  # kind -> params, insertion order irrelevant (sorted on output)
    keep_original: float
    keep_vocals: bool
    vocal_reverb: float
    mood: str
    palette: list
    mood_locked: bool = False
    mode_explicit: bool = False
    modifiers: list = field(default_factory=list)
    adds: list = field(default_factory=list)
    removes: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    beats_per_bar: int = 4
    levels: dict = field(default_factory=dict)  # role -> dB
    level_words: dict = field(default_factory=dict)  # what the user called them ("synths") -> dB
    only: list = field(default_factory=list)  # "only piano and vocals": the roles, "drums", "vocals" that play alone
    own_parts: list = field(default_factory=list)  # "keep the original drums": the song's own stems kept as they are
    only_words: list = field(default_factory=list)  # ... as the prompt named them
    own_tempo: bool = False  # "same tempo": the song's own, whatever the style's range
    varispeed: float = 0.0  # semitones, from "nightcore" / "slowed" (rounded in the plan)
    timing_feel: str = ""
    articulation: str = ""
    vocal_tune: str = ""
    vocal_harmony: str = ""
    harmony_in_parts: bool = False  # "harmonies in the chorus": the second voice there alone (SectionChange.voice)
    vocal_effects: dict = field(default_factory=dict)  # kind -> params, on the vocal alone
    part_effects: dict = field(default_factory=dict)  # role -> {kind -> params}, on that part alone
    part_rooms: dict = field(default_factory=dict)  # role -> (scale, add) of its room
    build: str = ""
    vocal_delivery: str = ""  # how new lyrics are sung: "breathy" or "whisper" ("whispered vocals")
    pump: float = 0.0
    vocal_chops: bool = False
    drum_pieces: dict = field(default_factory=dict)  # piece -> dB, None: left out
    voice: str = ""

    @classmethod
    def from_style(cls, spec: StyleSpec) -> _Draft:
        """Every field of the style's StyleSound, as a working copy (mutable containers copied)."""
        sound = {f.name: getattr(spec, f.name) for f in fields(StyleSound)}
        sound.update(instruments=dict(spec.instruments), effects={e.kind: dict(e.params) for e in spec.effects},
                     palette=list(spec.palette))
        return cls(spec=spec, mode=None, **sound)

    def set_mood(self, mood: str) -> None:
        if not self.mood_locked:
            self.mood = mood
            self.mood_locked = True

    def set_mode(self, mode: str) -> None:
        if not self.mode_explicit:
            self.mode = mode

    def lowpass(self, cutoff_hz: float) -> None:
        current = self.effects.get("lowpass", {}).get("cutoff_hz", 20000.0)
        self.effects["lowpass"] = {"cutoff_hz": float(min(current, cutoff_hz))}

    def effect(self, kind: str, **params) -> None:
        self.effects[kind] = {k: float(v) for k, v in params.items()}

    def drop_effects(self, *kinds: str) -> None:
        for kind in kinds:
            self.effects.pop(kind, None)


def _apply_modifier(d: _Draft, name: str, k: float) -> None:
    """Apply one modifier of the MODIFIERS table at intensity k (1 normal, 0.5 "a bit", 1.5 "very")."""
    m = MODIFIERS[name]
    if m.tempo != 1.0:
        d.tempo_factor *= m.tempo ** k
        if m.varispeed:
            d.varispeed += 12 * math.log2(m.tempo) * k
    for attr in ("energy", "brightness", "reverb", "vocal_reverb", "swing", "keep_original"):
        delta = getattr(m, attr)
        if delta:
            setattr(d, attr, getattr(d, attr) + delta * k)
    if m.mode:
        d.set_mode(m.mode)
    if m.lowpass_hz is not None:
        d.lowpass(m.lowpass_hz)
    for kind, params in m.effects.items():
        d.effect(kind, **params)
    for kind, params in m.effect_defaults.items():
        d.effects.setdefault(kind, dict(params))
    d.drop_effects(*m.drops)
    d.instruments.update(m.instruments)
    for role, program in m.instrument_defaults.items():
        d.instruments.setdefault(role, program)
    extra = _MODIFIER_EXTRAS.get(name)
    if extra is not None:
        extra(d, k)
    if m.mood:
        d.set_mood(m.mood)
    if m.lightness or m.saturation:
        d.palette = _shade_palette(d.palette, lightness=m.lightness * k, saturation=m.saturation * k)
    if name not in d.modifiers:
        d.modifiers.append(name)


def _more_distortion(d: _Draft, drive_db: float) -> None:
    drive = d.effects.get("distortion", {}).get("drive_db", 0.0) + drive_db
    d.effect("distortion", drive_db=min(drive, 18.0))


def _darker(d: _Draft, k: float) -> None:
    d.lowpass(7000.0 / k if k > 1 else 7000.0 + 6000.0 * (1 - k))


def _brighter(d: _Draft, k: float) -> None:
    if "lowpass" in d.effects:
        cutoff = d.effects["lowpass"]["cutoff_hz"] * (1 + k)
        if cutoff >= 12000.0:
            d.drop_effects("lowpass")
        else:
            d.effects["lowpass"] = {"cutoff_hz": cutoff}


def _heavier(d: _Draft, k: float) -> None:
    # distortion on the whole mix suits guitar and bass music; an orchestra gets weight, not grit
    if "distortion" in d.effects or "guitar" in d.instruments or d.spec.energy >= 0.7:
        _more_distortion(d, 5.0 * k)
    if d.drum_kit in (Kit.STANDARD, Kit.ROOM, Kit.JAZZ, Kit.BRUSH) and d.drums:
        d.drum_kit = Kit.POWER


def _minimal(d: _Draft, k: float) -> None:
    for role in ("pad", "strings", "brass", "arp"):
        if role in d.instruments and len(d.instruments) > 2:
            d.instruments.pop(role)


def _epic(d: _Draft, k: float) -> None:
    if "strings" not in d.instruments and "pad" not in d.instruments:
        d.instruments["strings"] = P.STRING_ENSEMBLE_1
    if d.drums is None:
        d.drums, d.drum_kit = "half_time", Kit.ORCHESTRA


ROOM_REVERB = 0.15  # "small room sound": the reverb's amount (its room size 0.43 of the largest, render.py)


def _small_room(d: _Draft, k: float) -> None:
    d.reverb = ROOM_REVERB
    d.vocal_reverb = min(d.vocal_reverb, ROOM_REVERB)


def _dry(d: _Draft, k: float) -> None:
    d.reverb *= 0.3
    d.vocal_reverb *= 0.4


def _bass_boost(d: _Draft, k: float) -> None:
    bass = d.instruments.get("bass", P.SYNTH_BASS_1)
    d.instruments["bass"] = P.SYNTH_BASS_1 if bass >= P.SYNTH_BASS_1 else bass


# What a modifier does beyond its row in MODIFIERS: amounts that grow with k, effects that build on themselves.
_MODIFIER_EXTRAS: dict[str, Callable[[_Draft, float], None]] = {
    "dark": _darker,
    "spooky": _darker,
    "bright": _brighter,
    "summer": _brighter,
    "dreamy": lambda d, k: d.effect("chorus", depth=0.35, mix=min(0.5, 0.25 * k + 0.1)),
    "spacious": lambda d, k: d.effect("wide", amount=min(1.0, 0.6 * k)),
    "vintage": lambda d, k: (d.effect("vinyl", amount=min(1.0, 0.35 * k)),
                             d.effect("tape", amount=min(1.0, 0.5 * k))),
    "heavy": _heavier,
    "minimal": _minimal,
    "acoustic": lambda d, k: _make_acoustic(d),
    "epic": _epic,
    "aggressive": lambda d, k: _more_distortion(d, 6.0 * k),
    "nostalgic": lambda d, k: d.effect("tape", amount=min(1.0, 0.3 * k)),
    "triplet": lambda d, k: setattr(d, "swing", max(d.swing, TRIPLET_SWING)),
    "warm": lambda d, k: d.effect(
        "tape", amount=min(1.0, max(0.3 * k, d.effects.get("tape", {}).get("amount", 0.0)))),
    "dry": _dry,
    "quantized": lambda d, k: setattr(d, "timing_feel", "tight"),
    "loose": lambda d, k: setattr(d, "timing_feel", "loose"),
    "staccato": lambda d, k: setattr(d, "articulation", "staccato"),
    "legato": lambda d, k: setattr(d, "articulation", "legato"),
    "room": _small_room,
    "gritty": lambda d, k: (_more_distortion(d, 6.0 * k), d.effect("tape", amount=min(1.0, 0.4 * k))),
    "radio": lambda d, k: d.effect(
        "distortion", drive_db=max(3.0, d.effects.get("distortion", {}).get("drive_db", 0.0))),
    "bass_boost": _bass_boost,
}


def _make_acoustic(d: _Draft) -> None:
    for role, program in list(d.instruments.items()):
        if program in SYNTH_PROGRAMS or program in ELECTRIC_PROGRAMS:
            d.instruments[role] = ACOUSTIC_SWAPS[role]
    d.instruments.setdefault("guitar", P.STEEL_GUITAR)
    if d.drums:
        d.drum_kit = Kit.BRUSH if d.energy < 0.5 else Kit.ROOM
    d.drop_effects("distortion", "bitcrush")
    d.energy -= 0.1


def _shade_palette(palette: list, lightness: float = 0.0, saturation: float = 0.0) -> list:
    shaded = []
    for colour in palette:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        h, l, s = colorsys.rgb_to_hls(r, g, b)
        l = min(max(l + lightness, 0.03), 0.97)
        s = min(max(s + saturation, 0.0), 1.0)
        shaded.append("#%02x%02x%02x" % tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, l, s)))
    return shaded


def _blend(d: _Draft, other: StyleSpec, weight: float) -> str:
    """Blend a second style into the main one; return what was borrowed, for the user."""
    mix = lambda a, b: a * (1 - weight) + b * weight  # noqa: E731
    d.swing, d.energy = mix(d.swing, other.swing), mix(d.energy, other.energy)
    d.brightness, d.reverb = mix(d.brightness, other.brightness), mix(d.reverb, other.reverb)
    d.vocal_reverb = mix(d.vocal_reverb, other.vocal_reverb)
    borrowed = [other.signature_label] if other.signature else []
    d.instruments.update(other.signature)
    for effect in other.effects:
        if effect.kind in ("vinyl", "bitcrush", "chorus", "tape", "phaser") and effect.kind not in d.effects:
            d.effects[effect.kind] = dict(effect.params)
            if not other.signature:
                borrowed.append(effect.kind)
    if d.drums is None and other.drums is not None:
        d.drums, d.drum_kit = other.drums, other.drum_kit
        borrowed.append("its drums")
    d.palette = d.palette[:-1] + [other.palette[1]]
    return ", ".join(borrowed) or "its feel"


def _label(word: str) -> str:
    """What the plan calls an instrument word ("pianos" -> "piano")."""
    return INSTRUMENT_WORDS[word].label or word


def _add_instrument(d: _Draft, name: str, solo: bool) -> str:
    d.instruments.update([_instrument_role(d, name, solo)])
    return _label(name)


def _instrument_role(d: _Draft, name: str, solo: bool) -> tuple[str, int]:
    """The band's role an instrument word plays in this draft, and its program."""
    role, program, _, _ = INSTRUMENT_WORDS[name]
    if name in ("guitar", "guitars") and "guitar" in d.spec.instruments:
        program = d.spec.instruments["guitar"]
    if name in ("bass", "bassline", "bass line") and "bass" in d.spec.instruments:
        program = d.spec.instruments["bass"]
    if name in ("synth", "synths", "synthesizer", "synthesizers") and "lead" in d.instruments:
        role, program = "pad", P.POLYSYNTH_PAD
    if solo and role not in ("lead",):
        role = "lead"
    if solo and name in ("guitar", "guitars") and program in (P.NYLON_GUITAR, P.STEEL_GUITAR):
        # "a guitar solo": an electric lead, whatever strums the style's chords (overdriven if the style has energy)
        program = P.OVERDRIVEN_GUITAR if d.energy >= 0.5 else P.CLEAN_GUITAR
    return role, program


def _keep_only(d: _Draft, understood: list[str]) -> None:
    """"only piano and vocals": the parts named play (added where the style has none), every other role of the
    band, its drums and the kept vocal are left out. The arranger then leaves out what the original stems hold
    besides them (arrange: the accompaniment, and its drums or bass unless named)."""
    if not d.only:
        return
    left_out = [role for role in d.instruments if role not in d.only]
    for role in left_out:
        d.instruments.pop(role)
    if "drums" not in d.only and d.drums:
        d.drums = None
        left_out.append("drums")
    if "vocals" not in d.only and d.keep_vocals:
        d.keep_vocals = False
        left_out.append("vocals")
    d.adds = [added for added in d.adds if added in d.only_words]
    d.removes = [removed for removed in d.removes if removed not in d.only_words]
    understood.append("Only: " + ", ".join(dict.fromkeys(d.only_words))
                      + (" (everything else is left out)" if left_out else ""))


def _roles_playing(d: _Draft, name: str) -> list[str]:
    """The band's roles an instrument word refers to: "synths" is every synth, "bass" the bass role."""
    role, _, family, _ = INSTRUMENT_WORDS[name]
    programs = set(family) | (SYNTH_PROGRAMS if name.startswith("synth") else set())
    return [r for r, program in d.instruments.items()
            if program in programs or (r == role and role in ("bass", "strings", "brass", "guitar", "pad", "arp"))]


def _refuse_instrument(d: _Draft, name: str) -> str:
    for role in _roles_playing(d, name):
        d.instruments.pop(role)
    return _label(name)


def _change_level(d: _Draft, roles: list[str], label: str, db: float) -> None:
    """Turn roles up or down by `db` (the renderer applies it after balancing the band), and say so."""
    for role in roles:
        d.levels[role] = _clamp(d.levels.get(role, 0.0) + db, -MAX_LEVEL_DB, MAX_LEVEL_DB)
    d.level_words[label] = _clamp(d.level_words.get(label, 0.0) + db, -MAX_LEVEL_DB, MAX_LEVEL_DB)


def _choose_styles(hits: list[_Hit]) -> tuple[str | None, list[str], list[str]]:
    """Main style, blended styles, refused styles, from the style words in prompt order.

    The first genre named leads, except in a compound ("jazz hip hop", "ambient techno") where, as in
    English, the last word is the head; a genre noun outranks an adjective ("jazzy", "orchestral").
    """
    mentions = [h for h in hits if h.kind in ("style", "style_adj")]
    ordered: list[_Hit] = []
    run: list[_Hit] = []
    for hit in mentions:
        if run and hit.start != run[-1].end:
            ordered.extend(reversed(run))
            run = []
        run.append(hit)
    ordered.extend(reversed(run))
    refused = list(dict.fromkeys(h.value for h in hits if h.kind == "refused_style"))
    nouns = [h.value for h in ordered if h.kind == "style" and h.value not in refused]
    adjectives = [h.value for h in ordered if h.kind == "style_adj" and h.value not in refused]
    ranked = list(dict.fromkeys(nouns + adjectives))
    if not ranked:
        return None, [], refused
    return ranked[0], ranked[1:3], refused


_THINGS = ("instrument", "drums", "vocals", "effect", "groove", "kit")
_GOVERNABLE = _THINGS + ("style", "style_adj", "modifier", "mode", "meter", "vocal_tune", "vocal_harmony",
                          "gender", "build", "vocal_delivery", "pump", "vocal_chops")
# gender words that name a voice wherever they are ("make it female"); "a song about a girl" asks nothing
_GENDER_TERMS = ("male", "female", "masculine", "feminine", "baritone", "soprano", "alto", "tenor")
_CUES = ("drop", "not", "less", "more", "add", "keep", "only")
_LIST_JOINS = frozenset(("and", "or", "nor", "the", "a", "an", "any", "some", "all", "no", "plus", "also", "either",
                         "neither", "more", "less", "its", "their", "your", "my", "of"))  # between things of one list


def _mark_scopes(hits: list[_Hit], tokens: list[str] = ()) -> None:
    """Resolve cues (no/not/less/more/with/keep/very) onto the words they govern, in place.

    A cue governs the next word within three tokens; a refusal, an addition or a level change runs on
    over a list of things ("no drums, bass or piano"), but not into the feelings that follow ("no drums, slow"),
    nor past a word that is no list's ("no effects on the voice": the voice stays).
    """
    cue, cue_end, listing = None, -1, False
    intensity, intensity_end = 1.0, -1
    swapping, rest_removed, swapped = False, False, []  # swapped: the parts a swap took out
    from_all_but = False  # the cue is an "everything but"'s: it governs parts only
    no_new = False  # the cue refuses a new part only ("don't add")
    for k, hit in enumerate(hits):
        if hit.kind == "only":
            _only_before(hits[:k], hit)
        if hit.kind == "swap":  # "replace the guitar with a piano": the guitar goes ...
            if any(later.kind == "swap_to" or (later.kind == "add" and later.text == "with")
                   for later in hits[k + 1:] if later.start <= hit.end + _SWAP_REACH):
                cue, cue_end, listing, swapping, swapped, no_new = "drop", hit.end + 3, False, True, [], False
            continue  # "switch up the drums", "change the drums": no second part, nothing goes
        if hit.kind == "swap_to":  # ... the piano comes in ("for", "to", "into", "by" ask for nothing alone)
            if swapping:
                cue, cue_end, listing, swapping = "add", hit.end + 3, False, False
            continue
        if hit.kind == "all_but":  # "mute everything but the vocals": only; "everything but the drums": no drums
            removing = cue == "drop" and hit.start <= cue_end
            cue, cue_end, listing, no_new = ("only" if removing else "drop"), hit.end + 3, False, False
            if k > 0 and hits[k - 1].kind == "effect" and hit.start - hits[k - 1].end <= 1:
                cue = "exempt"  # "reverb on everything except the vocals": the vocals without it, not gone
            from_all_but = True
            continue
        if hit.kind == "rest":  # "keep the drums but remove everything else" ("change everything else to EDM": no)
            rest_removed = rest_removed or (cue == "drop" and hit.start <= cue_end and not swapping)
            cue, listing = None, False
            continue
        if hit.kind in _CUES:
            from_all_but = False
            swapped = swapped if swapping and hit.kind == "add" else []
            cue, cue_end, listing, swapping = hit.kind, hit.end + 3, False, False
            no_new = hit.kind == "drop" and hit.text in NO_NEW_CUES
            if hit.kind == "drop" and k > 0 and hits[k - 1].kind == "not" and hit.start - hits[k - 1].end <= 1:
                cue = "keep"  # "don't remove the vocals": kept (they were removed)
            continue
        if hit.kind == "intensity":
            intensity, intensity_end = float(hit.value), hit.end + 2
            cue_end = max(cue_end, hit.end + 3) if cue else cue_end
            continue
        if hit.kind == "own":  # "keep the original guitar": the cue reaches past it
            cue_end = max(cue_end, hit.end + 3) if cue else cue_end
            continue
        if hit.start <= intensity_end:
            hit.intensity = intensity
        if hit.kind in ("modifier", "effect"):
            intensity_end = -1
        in_scope = cue is not None and hit.start <= cue_end and hit.kind in _GOVERNABLE
        if in_scope and listing and (hit.kind not in _THINGS
                                     or any(t not in _LIST_JOINS for t in tokens[cue_end - 3:hit.start])):
            in_scope = False
        if in_scope and hit.kind in ("style", "style_adj") and hit.start > cue_end - 1:
            in_scope = False
        if in_scope and from_all_but and hit.kind not in _THINGS:
            in_scope = False  # "keep everything but make it faster": faster (was "not faster")
        if in_scope and cue == "only" and hit.kind not in _THINGS:
            in_scope = False  # "just a bit slower", "only lo-fi": a feeling or a genre is not a part to keep alone
        if not in_scope:
            cue, listing = None, False
            continue
        after = hits[k + 1] if k + 1 < len(hits) else None
        if hit.kind == "modifier" and cue in ("drop", "not", "less") and after is not None \
                and after.kind == "effect" and after.start == hit.end:
            hit.kind = "consumed"  # "without the heavy distortion": the effect goes, not the feel
            continue
        hit.polarity = cue
        hit.no_new = cue == "drop" and no_new
        if swapping and cue == "drop":
            swapped.append(hit)
        elif cue == "add" and hit.kind in ("style", "style_adj", "groove", "kit"):
            for part in swapped:  # "change the drums to a trap beat": that genre's drums play, not none
                if part.kind == "drums":
                    part.polarity = "plain"
        if hit.kind in _THINGS and cue != "not":
            cue_end, listing = hit.end + 3, True
        else:
            cue = None
    if rest_removed:  # the parts the prompt keeps or names play alone
        for hit in hits:
            if hit.kind in _THINGS and hit.polarity in ("plain", "keep", "add"):
                hit.polarity = "only"


_INSTRUMENT_LABELS = frozenset(_label(word) for word in INSTRUMENT_WORDS)
_SONG_WORDS = frozenset(("song", "songs", "track", "tune", "hit", "classic", "cover", "original"))
_SWAP_REACH = 6  # tokens after a swap verb its connector may come ("replace the old distorted guitars with ...")


def _only_before(before: list[_Hit], cue: _Hit) -> None:
    """"drums and bass only": the list of parts right before a trailing "only" (no word between the last of them
    and it, at most one, such as "and", between two of them) is what plays."""
    end = cue.start
    for hit in reversed(before):
        if hit.kind not in _THINGS or hit.polarity != "plain" or hit.end < end - (0 if end == cue.start else 1):
            return
        hit.polarity, end = "only", hit.start


TAKE_TWO = 1.5  # a treatment's amounts in a song kept as it is, in its second version (stronger_take)
REVERB_TAKE_TWO = 2.0  # its reverb's (x 1.5 left the two versions of "add reverb" 27 dB apart; x 2: 20 dB)
# each parameter's move in the second take: scaled (x TAKE_TWO, or its own factor), capped; or moved by a step
_STRONGER = {"amount": (TAKE_TWO, 1.0), "mix": (TAKE_TWO, 0.6), "depth": (TAKE_TWO, 1.0), "feedback": (1.25, 0.6),
             "drive_db": (TAKE_TWO, 24.0)}
_KEPT_AMOUNTS = ("mono", "telephone")  # all or nothing: the same in both takes


def _stronger_effect(effect: Effect) -> Effect:
    p = dict(effect.params)
    if effect.kind not in _KEPT_AMOUNTS:
        for name, (factor, cap) in _STRONGER.items():
            if name in p:
                p[name] = round(min(cap, p[name] * factor), 3)
    if effect.kind == "compressor":
        p["threshold_db"], p["ratio"] = p["threshold_db"] - 4.0, round(min(10.0, p["ratio"] * TAKE_TWO), 2)
    elif effect.kind == "lowpass":
        p["cutoff_hz"] = round(max(400.0, p["cutoff_hz"] / TAKE_TWO), 1)
    elif effect.kind == "highpass":
        p["cutoff_hz"] = round(min(600.0, p["cutoff_hz"] * TAKE_TWO), 1)
    elif effect.kind == "bitcrush":
        p["bit_depth"] = max(4.0, p["bit_depth"] - 2.0)
    elif effect.kind == "mids":
        p["db"] = round(_clamp(p["db"] * TAKE_TWO, -8.0, 8.0), 2)
    return Effect(effect.kind, p)


def stronger_take(plan: StylePlan) -> tuple[StylePlan, list[str]]:
    """A song kept as it is has no band to play another way: its second version takes the treatment asked further
    (TAKE_TWO): the reverb, the tone tilt and the effects' amounts (an echo's mix and feedback, a crackle's level, a
    low-pass lower, a crusher's bits fewer). The plan for it and what moved ("reverb 0.25 -> 0.5"), or the plan itself
    and [] when nothing asked has an amount (a tempo, a key, a level: those are the song's, alike in both)."""
    if not plan.as_is:
        return plan, []
    changes = []
    reverb = round(min(1.0, plan.reverb * REVERB_TAKE_TWO), 3)
    vocal_reverb = round(min(1.0, plan.vocal_reverb * REVERB_TAKE_TWO), 3)
    if reverb != plan.reverb:
        changes.append(f"reverb {plan.reverb:g} -> {reverb:g}")
    brightness = round(_clamp(plan.brightness * TAKE_TWO, -1.0, 1.0), 3) if abs(plan.brightness) > 0.02 \
        else plan.brightness
    if brightness != plan.brightness:
        changes.append(f"{'brighter' if brightness > 0 else 'darker'} ({plan.brightness:+g} -> {brightness:+g})")
    effects = tuple(_stronger_effect(e) for e in plan.effects)
    vocal_effects = tuple(_stronger_effect(e) for e in plan.vocal_effects)
    for before, after in zip((*plan.effects, *plan.vocal_effects), (*effects, *vocal_effects)):
        moved = [f"{name} {before.params[name]:g} -> {after.params[name]:g}" for name in after.params
                 if after.params[name] != before.params[name]]
        if moved:
            changes.append(f"{before.kind} ({', '.join(moved)})")
    if not changes and vocal_reverb == plan.vocal_reverb:
        return plan, []
    return replace(plan, reverb=reverb, vocal_reverb=vocal_reverb, brightness=brightness, effects=effects,
                   vocal_effects=vocal_effects), changes or [f"vocal reverb {plan.vocal_reverb:g} -> {vocal_reverb:g}"]


def interpret(prompt: str) -> StylePlan:
    """Read a prompt ("make it lo-fi with chill beats, slower, no drums") into a StylePlan."""
    text = prompt if isinstance(prompt, str) else ("" if prompt is None else str(prompt))
    empty = not text.strip()
    text = _normalise(text[:MAX_PROMPT_CHARS])
    text, part_fades = _extract_entrances(text)  # first: "the drums start at the chorus" is not where the version does
    swell, text = _extract_swell(text)
    overdub_match = _OVERDUB.search(text)
    if overdub_match:
        text = _cut(text, overdub_match)
    length, text, length_notes = _extract_length(text)
    delta, text = _extract_tempo_delta(text)
    bpm, text, notes = _extract_bpm(text)
    percent, text = _extract_tempo_change(text) if bpm is None else (None, text)
    tape_stop, text, tape_stop_notes = _extract_tape_stop(text)
    orbit, text, orbit_notes = _extract_orbit(text)
    switches, text, switch_notes = _extract_switches(text)
    place, text, place_notes = _extract_place(text)
    tuning, text, tuning_notes = _extract_tuning(text)
    surprise_match = _SURPRISE.search(text)
    if surprise_match:
        text = _cut(text, surprise_match)
    text, cannot_notes = _extract_cannot(text)
    amount, text, amount_notes = _extract_amount(text)
    fade_in, fade_out, text, fade_notes = _extract_fades(text)
    vocal_pitch, text, vocal_pitch_notes = _extract_vocal_pitch(text)
    modulation, text, modulation_notes = _extract_modulation(text)
    transpose, key_tonic, text, key_notes = _extract_transpose(text)
    edge, text = _extract_edge(text)
    tokens, hits, ignored, spell_notes = _tokens_and_hits(text)
    # an artist suggests a style when no genre is named (style -> the first artist named for it)
    genre_named = any(hit.kind in ("style", "style_adj") for hit in hits)
    named = [hit for hit in hits if hit.kind == "artist"]
    songs_own = [hit for hit in named if hit.end < len(tokens) and tokens[hit.end] in _SONG_WORDS]
    artists = {}
    for hit in hits:
        if hit.kind == "artist":
            # "make this metallica song sound like enya": the song's artist asks nothing when another is named
            own = hit in songs_own and len(songs_own) < len(named)
            hit.kind = "consumed" if genre_named or own else "style_adj"
            if not own:
                artists.setdefault(hit.value, hit.text)
    _reread_comparison(hits)
    _reread_feelings_of_the_words(hits, tokens)
    _reread_level_words(hits)
    _reread_not_too(hits)
    _reread_too(hits)
    _reread_solo_before(hits)
    _mark_scopes(hits, tokens)
    _reread_vocal_effects(hits, tokens)
    _reread_part_effects(hits, tokens)
    _reread_where_a_build_goes(hits, tokens)
    _reread_parts_an_effect_is_on(hits, tokens)
    _reread_own_parts(hits)
    _reread_sound_like(hits)
    _reread_voice(hits)
    _reread_revoicing(hits)
    _reread_trailing_off(hits)
    key_change = [hit.text for hit in hits if hit.kind == "key_change"]
    if key_change and not transpose and key_tonic is None:  # "change the key": somewhere it is heard to move
        transpose = 1 if any(text in ("semitone", "half step") for text in key_change) else UNSAID_KEY_MOVE
        key_notes = [f"Key: asked to change, not where to: the whole mix moved up a "
                     f"{'half' if transpose == 1 else 'whole'} step ({transpose:+d} semitone{'s' * (transpose > 1)}, "
                     "its tempo kept; name a key, \u201cin the key of E\u201d, or a move, "
                     "\u201cdown two semitones\u201d)"]
    # read above, or named only for the plan's notes (a key change): nothing else sees them
    read = ("swap_to", "off", "idiom", "key_change", "consumed", "own", "sound_like")
    hits = [hit for hit in hits if hit.kind not in read]
    _reread_trailing_level_words(hits)
    _reread_described_parts(hits, tokens)
    _reread_bare_level_of_a_part(hits, tokens)
    section_asks, sections, untold = _read_section_changes(hits, tokens, edge, part_fades)
    hits = [hit for hit in hits if hit.kind not in ("level_after", "section", "consumed")]  # "in front" alone: nothing
    _reread_style_words(hits)

    main_id, blended_ids, refused_ids = _choose_styles(hits)
    understood: list[str] = []
    as_is = surprise = overdub = False
    if main_id is None:
        main_id, note = _default_style(hits, refused_ids, empty, tokens, bool(section_asks))
        suggested = note.startswith("Style:")  # a feeling or an instrument suggested one ("chill": lo-fi)
        extracted = bool(tape_stop or orbit or place or tuning or any(switches.values()) or fade_in or fade_out or swell
                         or bpm or percent or delta or transpose or key_tonic is not None or vocal_pitch or modulation
                         or length or cannot_notes)  # (a prompt asking only what cannot be made: the song as it is)
        # "in C major": the mode is the key's, asked with it (the song's own harmony is kept whatever it is)
        # "no vocals in the intro", "fade in the drums", "drums come in at the chorus": the song's own vocal, drums
        # and bass stems do it (one coming in is not added to a band: the song has it)
        on_stems = all(_on_the_songs_stems(ask) for ask in section_asks)
        entering = [ask.hit for ask in section_asks if ask.entrance]
        keyed = [hit for hit in hits if not (hit.kind == "mode" and key_tonic is not None)
                 and not any(hit is entered for entered in entering)]
        surprise = bool(surprise_match) and not suggested
        as_is = not (empty or refused_ids or not on_stems or suggested or surprise) and \
            _asks_only_treatments(keyed, extracted or bool(section_asks))
        # "same song but with a saxophone": parts asked over the song as it is (without one, the song as it is)
        added = [hit for hit in keyed if (hit.kind == "instrument" and hit.polarity == "add") or hit.kind == "solo"
                 or (hit.kind == "drums" and hit.polarity == "add")]  # ("add claps": that piece alone)
        # "add a saxophone" (no style named or suggested, only parts added and treatments): over the song as it is
        over_parts = all(_on_the_songs_stems(ask) or (ask.only_there and ask.kind in ("instrument", "drums"))
                         for ask in section_asks)  # ("add a tambourine in the chorus": the part added, there)
        overdub = not (refused_ids or surprise or as_is or suggested or empty or not over_parts) and any(
            hit.kind in ("instrument", "drums") and hit.polarity in ("plain", "add") for hit in hits) and (
            bool(overdub_match) or (bool(added) and not section_asks and _asks_only_treatments(
                [hit for hit in keyed if not any(hit is a for a in added)], True)))
        if overdub:
            note = ("Style: your song as it is, the parts asked played over it (its own accompaniment, drums and "
                    "bass kept whole)")
        elif overdub_match and not (refused_ids or surprise):
            as_is = _asks_only_treatments(keyed, True)
        if as_is:
            hits = keyed + [hit for hit in hits if hit.kind == "mode" and key_tonic is not None]
        understood.append(AS_IS_NOTE if as_is else "Style: a surprise, drawn by the seed" if surprise else note)
    spec = STYLES[main_id]
    d = _Draft.from_style(spec)
    if as_is or overdub:  # none of the style's own sound: only what was asked, on the song as it is
        d.effects, d.reverb, d.vocal_reverb, d.brightness, d.swing, d.mood = {}, 0.0, 0.0, 0.0, 0.0, ""
        d.tempo_range = (MIN_BPM, MAX_BPM)
    if overdub:  # no band of the style's: the parts asked (added by the hits below) over the song's own stems
        d.instruments, d.drums = {}, None
        d.own_parts.extend(OVERDUB_PARTS)
    if not understood:
        named = any(hit.kind == "style" and hit.value == main_id for hit in hits)
        understood.append(f"Style: {spec.name} (\u201c{artists[main_id]}\u201d suggests it)"
                          if main_id in artists and not named else f"Style: {spec.name}")
    for other_id in blended_ids:
        weight = 0.35 if other_id == blended_ids[0] else 0.2
        borrowed = _blend(d, STYLES[other_id], weight)
        understood.append(f"Blended in: {STYLES[other_id].name} ({borrowed}); {spec.name} leads")
    for refused in refused_ids:
        understood.append(f"Not: {STYLES[refused].name}")

    _apply_hits(d, hits, understood, tokens)
    _keep_only(d, understood)
    section_changes = _section_changes(d, section_asks)
    if swell is not None:
        section_changes += (swell,)
        understood.append(f"Song part: \u201c{swell.words}\u201d: {section_change_words(swell)}")
    d.notes.extend(untold)
    understood.extend(key_notes)
    if sections:
        named = ", ".join(f"\u201c{text}\u201d" for text in sections)
        understood.append(f"Song part: {named}: the remix changes the whole song alike (only a level, a part "
                          "left out or added, or the band bigger or softer is changed in one part of the song)")
    if delta is not None and bpm is None and percent is None:
        percent = 1.0  # the feel of "faster" / "slower" as for a percentage; the tempo is the song's own + delta
        if delta:
            _apply_modifier(d, "slow" if delta < 0 else "fast", 1.0)
            understood.append(f"Tempo: the song's own {delta:+g} BPM")
    else:
        delta = None
    if percent is not None:  # "20% faster": the feel of "faster", and that much, whatever the feelings' own tempo
        if abs(percent - 1.0) >= 0.02:
            _apply_modifier(d, "slow" if percent < 1 else "fast", 1.0)
        d.tempo_factor = percent
        d.tempo_range = (MIN_BPM, MAX_BPM)  # asked in numbers: not held back by the style's range
    if d.own_tempo and bpm is None and percent is None:  # "same tempo": no stretch, whatever the style's range
        d.tempo_factor, d.tempo_range = 1.0, (MIN_BPM, MAX_BPM)
        understood.append("Tempo: the song's own (not changed)")

    if bpm is not None:
        d.tempo_factor = 1.0
        understood.append(f"Tempo: {bpm:g} BPM")
    else:
        d.tempo_factor = min(max(d.tempo_factor, 0.5), 2.0)
        if abs(d.tempo_factor - 1.0) >= 0.02:
            word = "slower" if d.tempo_factor < 1 else "faster"
            understood.append(f"Tempo: {word} (x{d.tempo_factor:.2f})")
    varispeed = int(round(_clamp(d.varispeed, -MAX_VARISPEED, MAX_VARISPEED)))
    if d.own_tempo and bpm is None and percent is None:
        varispeed = 0  # "same tempo" wins
    if varispeed:
        how = "faster and higher" if varispeed > 0 else "slower and lower"
        understood.append(f"Speed: the finished mix played {how}, as a record at another speed "
                          f"(x{2 ** (varispeed / 12):.2f}, {varispeed:+d} semitones)")
    understood.extend(notes)
    if vocal_pitch and varispeed * vocal_pitch > 0:  # "nightcore with pitched up vocals": the speed pitches them
        vocal_pitch, vocal_pitch_notes = 0, [f"Vocal: pitched {'up' if varispeed > 0 else 'down'} by the record's "
                                             "speed (nothing more)"]
    understood.extend(vocal_pitch_notes)
    understood.extend(modulation_notes)
    understood.extend(fade_notes)
    understood.extend(tape_stop_notes)
    understood.extend(orbit_notes)
    understood.extend(switch_notes)
    understood.extend(place_notes)
    understood.extend(tuning_notes)
    understood.extend(cannot_notes)
    understood.extend(amount_notes)
    understood.extend(length_notes)
    understood.extend(spell_notes)
    plan = replace(_finish(d, bpm, understood, ignored), sections=section_changes, fade_in=fade_in or 0.0,
                   fade_out=fade_out or 0.0, varispeed=varispeed, transpose=transpose, key_tonic=key_tonic,
                   tempo_delta=delta or 0.0, vocal_pitch=vocal_pitch, key_change=modulation, tape_stop=tape_stop,
                   orbit=orbit, place=place, tuning=tuning, surprise=surprise, strength=amount, **switches,
                   **length)
    if as_is:
        plan = replace(plan, as_is=True, style_name=AS_IS_NAME)
        plan = replace(plan, summary=_summarise(plan, d))
    elif overdub:
        played = [label for label in dict.fromkeys(d.adds) if label in ("drums", *DRUM_PIECES.values()) or any(
            label == _label(word) for word in INSTRUMENT_WORDS)]
        plan = replace(plan, style_name=f"{AS_IS_NAME}, with {', '.join(played) or 'the parts asked'}")
        plan = replace(plan, summary=_summarise(plan, d))
    return plan


@dataclass
class _SectionAsk:
    """A change the prompt asks of one part of the song, before the style's band is known."""
    section: str
    which: str
    words: str
    hit: _Hit           # the part or the feeling, consumed once read (unless it is still to be added)
    db: float | None    # None: left out there
    only_there: bool = False
    kind: str = ""      # the hit's kind when read: "instrument", "drums", "vocals", or "modifier" (the whole band)
    alone: bool = False  # "drums kick in at the chorus": there only, even if the style plays them
    only: bool = False   # "only piano in the intro": it alone there (with the other parts named so)
    entrance: bool = False  # "strings come in at the chorus" (left out before it): added when the style lacks them


_SECTION_JOINS = {"and", "or", "the", "in", "during", "at", "on", "for", *SECTION_RELATIONS}  # "the intro and outro"
_SECTION_REACH = 4  # tokens between a part of the song and the change asked of it ("drums much louder in the chorus")


def _read_section_changes(hits: list[_Hit], tokens: list[str], edge: tuple[str, str] | None = None,
                          fades: dict[str, tuple[str, str]] | None = None
                          ) -> tuple[list[_SectionAsk], list[str], list[str]]:
    """"no drums in the verse", "in the chorus add strings", "make the chorus bigger", "softer verses": a part, or a
    feeling that lifts the band or holds it back (SECTION_LIFTS), said of a part of the song right before or after
    it in the same clause, changes there only. Those hits are consumed (an instrument added there is still added:
    it then plays there alone). Returns the asks, the section words that asked nothing the remix does per part, and
    the plan's notes on parts of the song the analysis does not tell apart (a bridge: what was said of it is not
    made, rather than made everywhere).
    """
    for k, hit in enumerate(hits[1:], 1):  # "a bigger chorus": the song's chorus, not the chorus effect
        before = hits[k - 1]
        if hit.kind == "section" and hit.text in ("hook", "hooks") and before.kind == "instrument" \
                and hit.start == before.end:
            hit.kind = "consumed"  # "a synth hook": that part's riff, not the song's chorus (it was louder there)
            continue
        if hit.kind == "effect" and hit.text == "chorus" and before.kind == "modifier" \
                and before.value in SECTION_LIFTS and hit.start == before.end:
            hit.kind = "section"
    asks: list[_SectionAsk] = []
    found: dict[int, list[_SectionAsk]] = {}  # index of a part of the song -> what it was asked
    named: dict[int, tuple] = {}  # ... -> (its label, which of them, its words)
    untold: list[str] = []
    fades = fades or {}
    for k, hit in enumerate(hits):
        if hit.kind != "section":
            continue
        label, which = _section_label(hit.text)
        before = tokens[max(0, hit.start - 2):hit.start]
        said = (before[-1] if before[-1:] != ["the"] else before[0]) if before else None
        relation = SECTION_RELATIONS.get(said)
        if before in (["until", "after"], ["till", "after"]):  # "no drums until after the intro": through it
            relation = "through"
        if said == "from" and tokens[hit.end:hit.end + 1] in (["on"], ["onwards"], ["onward"]):
            relation = "from"  # "no drums from the last chorus on" (without "on", "from the intro" is the intro)
        if relation == "from" and label in ("start", "end"):  # "drums from the start": everywhere, as said
            relation = None
        words = hit.text if not hit.text.endswith(" with") else f"the {label}"  # "start with": "the start"
        if edge is not None and hit.text in ("the beginning", "the ending"):  # "the first 30 seconds": that long
            which, words = edge
        if label in fades:  # "fade in the drums": over that long ("the fadein" is how _extract_entrances says it)
            which, words = fades[label]
        elif relation is not None:  # "until the chorus": the stretch before the first chorus ("the last": the last)
            which = relation if which in ("every", "first") else f"{relation}_{which}"
            words = " ".join(before[0 if before[-1] == "the" or relation == "through" else 1:] + [hit.text])
        named[k] = (label, which, words)
        scoped = _section_scope(hits, k, [ask.hit for ask in asks], tokens)
        found[k] = []
        if label is not None:
            asked = [ask for ask in (_section_ask(h, label, which, words, tokens) for h in _feelings_of_parts(scoped))
                     if ask is not None]
            if relation == "from":  # "drums only from the chorus on": left out before it
                asked = [replace(ask, which=which.replace("from", "before", 1), words=f"before {hit.text}", db=None,
                                 only_there=False, alone=False, only=False) if ask.only_there else ask
                         for ask in asked]
            if relation in ("before", "through"):  # "no strings until the chorus": they come in there
                asked = [replace(ask, entrance=True) if ask.db is None and ask.kind in ("instrument", "drums") else ask
                         for ask in asked]
            if label == "fade_in":  # "fade in the strings": added if the band lacks them (there were none to fade)
                asked = [replace(ask, entrance=True) if ask.kind == "instrument" else ask for ask in asked]
            found[k] = _only_together([ask for ask in asked if not (relation and ask.only_there)])
            # (an addition before or after a part of the song is not kept to it: "a drum fill before the chorus")
            asks.extend(found[k])
        elif scoped:
            for h in scoped:
                h.kind = "consumed"
            said = ", ".join(f"\u201c{h.text}\u201d" for h in scoped)
            untold.append(f"Song part: \u201c{hit.text}\u201d is not told apart in the song (the analysis finds its "
                          f"intro, verses, choruses and outro), so {said} is not made there, nor anywhere else.")
            found[k] = None  # said of, and answered
    _carry_the_part(found, hits, tokens, asks)
    # "no drums in the intro and outro", "make the verses and choruses louder": two parts of the song side by side
    # ("and" or "or" between them) are asked the same
    for k in [k for k, asked in found.items() if asked == []]:
        hit = hits[k]
        label, which, words = named[k]
        for j in (k - 1, k + 1):
            if label is None or not found.get(j):
                continue
            between = tokens[hits[j].end:hit.start] if j < k else tokens[hit.end:hits[j].start]
            if not set(between) <= _SECTION_JOINS:
                continue
            found[k] = [replace(ask, section=label, which=which, words=words) for ask in found[j]]
            asks.extend(found[k])
            break
    for ask in asks:  # read here, unless what it adds is still to be added (it then plays there alone)
        if ask.only_there or ask.entrance:
            ask.hit.polarity = "add"  # "drums only in the second half": added where missing, not the only part
        else:
            ask.hit.kind = "consumed"
    unscoped = [named[k][2] for k, asked in found.items() if asked == []]
    return asks, list(dict.fromkeys(unscoped)), untold


_CARRIED_OVER = frozenset(("and", "but", "then", "while", "yet", "though"))


def _carry_the_part(found: dict, hits: list[_Hit], tokens: list[str], asks: list[_SectionAsk]) -> None:
    """"louder drums in the chorus and softer in the verse", "no drums in the intro but louder in the chorus": a
    level said of the next part of the song with no part of its own is the same part's (it was the whole band's
    there). In place, in `found` and `asks`."""
    said = sorted(k for k, asked in found.items() if asked)
    for before, k in zip(said, said[1:]):
        level = found[k]
        parts = [ask for ask in found[before] if ask.kind in ("instrument", "drums", "vocals") and not ask.only_there
                 and not ask.alone]
        if len(level) != 1 or level[0].kind != "modifier" or len(parts) != 1 or level[0].hit.after_pause \
                or not set(tokens[hits[before].end:level[0].hit.start]) <= _CARRIED_OVER:
            continue  # ("louder drums in the chorus, softer verses": the verses' own)
        level[0].hit.kind = "consumed"
        carried = replace(level[0], hit=parts[0].hit, kind=parts[0].kind,
                          db=math.copysign(LEVEL_STEP_DB, level[0].db or 0.0))
        asks[asks.index(level[0])] = carried
        found[k] = [carried]


def _only_together(asks: list[_SectionAsk]) -> list[_SectionAsk]:
    """"only vocals and piano in the first verse": "only vocals" (the band left out there) beside other parts is one
    list of the parts that play there alone."""
    vocals_alone = [ask for ask in asks if ask.kind == "mix" and ask.db is None]
    if not vocals_alone or len(asks) == len(vocals_alone):
        return asks
    return [replace(ask, kind="vocals", db=0.0, only=True) if ask in vocals_alone else
            replace(ask, only=True, alone=False) if ask.kind in ("instrument", "drums") else ask for ask in asks]


def _section_label(text: str) -> tuple[str | None, str]:
    """A section word's label (SECTION_LABELS; None for a part the analysis does not tell apart) and which of
    them: "every", "first" or "last"."""
    words = text.split()
    if len(words) > 1 and words[-1] in ("section", "part"):  # "the chorus section", "the middle part"
        words = words[:-1]
    if words[-1] == "with":  # "start with just piano", "end with a guitar solo"
        return ("start" if words[0] in ("start", "starts", "begin", "begins", "open", "opens") else "end"), "every"
    if words[-1] == "half":
        label = "second_half" if "second" in words else "first_half"
    else:
        label = None if text.endswith("pre chorus") else SECTION_LABELS.get(words[-1])
    which = {"first": "first", "last": "last", "final": "last", "second": "2", "third": "3", "fourth": "4"}.get(
        words[0], "every") if words[-1] != "half" else "every"
    return label, which


def _section_scope(hits: list[_Hit], k: int, taken: list[_Hit], tokens: list[str]) -> list[_Hit]:
    """The hits a part of the song (hits[k]) scopes: the parts or feelings right before it in its clause ("no
    drums or bass in the verse"), else right after it ("in the chorus add strings", "make the chorus bigger"),
    passing over those another part of the song took (`taken`), and not into a feeling said of the next one ("the
    verse and a bigger chorus"), nor over a word that puts them elsewhere ("a drum fill before the chorus")."""
    passed = ("intensity", "consumed", "level_after", "solo") + _CUES  # ("a guitar solo in the chorus")

    def free(h: _Hit) -> bool:
        return _scopable(h) and not any(h is t for t in taken)

    before: list[_Hit] = []
    edge = hits[k].start
    for j in range(k - 1, -1, -1):
        h = hits[j]
        if h.kind == "section" or hits[j + 1].after_pause or h.end < edge - _SECTION_REACH \
                or any(word in SECTION_ELSEWHERE for word in tokens[h.end:edge]):
            break
        if free(h):
            before.insert(0, h)
            edge = h.start
        elif h.kind not in passed and not _scopable(h):
            break
    if before:
        return before
    after: list[_Hit] = []
    edge = hits[k].end
    for j in range(k + 1, len(hits)):
        h = hits[j]
        if h.kind == "section" or h.after_pause or h.start > edge + _SECTION_REACH \
                or any(word in SECTION_ELSEWHERE for word in tokens[edge:h.start]):
            break
        if j + 1 < len(hits) and hits[j + 1].kind == "section" and hits[j + 1].start == h.end:
            break  # "a bigger chorus": said of the next part of the song
        if free(h):
            after.append(h)
            edge = h.end
        elif h.kind not in passed and not _scopable(h):
            break
    return after


def _feelings_of_parts(scoped: list[_Hit]) -> list[_Hit]:
    """"bigger drums in the chorus", "heavier guitar in the verse": a feeling right before a part is that part's
    level there (the feeling is consumed, the part turned up or down as the feeling lifts or holds back)."""
    out = []
    for h in scoped:
        before = out[-1] if out else None
        if h.kind in ("instrument", "drums") and h.polarity in ("plain", "add") and before is not None \
                and before.kind == "modifier" and before.end == h.start:
            sign = SECTION_LIFTS[before.value] * (-1 if before.polarity in ("drop", "not", "less") else 1)
            before.kind = "consumed"
            h.polarity = "more" if sign > 0 else "less"
            h.intensity = before.intensity * SECTION_LIFT_DB / LEVEL_STEP_DB
            out[-1] = h
        else:
            out.append(h)
    return out


_NOT_IN_PARTS = ("all", "rain", "waves", "crowd", "birds", "fire", "wide", "mono", "gain", "compressor")  # effects
# said of the whole song only (an ambience under all of it, the stereo image, the level)


_SOUNDS_IN_PARTS = ("radio", "underwater", "spacious")  # feelings that are a sound, made in a part of the song too


def _scopable(hit: _Hit) -> bool:
    return hit.kind in ("instrument", "drums", "vocals", "instrumental", "vocal_harmony") or (
        hit.kind in ("effect", "vocal_effect") and hit.value not in _NOT_IN_PARTS) or (
        hit.kind == "modifier" and hit.value in _SOUNDS_IN_PARTS) or (
        hit.kind == "modifier" and hit.value in SECTION_LIFTS) or (hit.kind == "style" and hit.text in VOCALS_ALONE)


def _section_ask(hit: _Hit, label: str, which: str, words: str, tokens: list[str]) -> _SectionAsk | None:
    """What a part or a feeling asks of a part of the song, by its cue; None: nothing per part ("keep the drums")."""
    polarity, k = hit.polarity, hit.intensity
    if hit.kind == "style":  # "vocals only in the intro": the band left out there
        return _SectionAsk(label, which, words, hit, None, kind="mix")
    if hit.kind in ("effect", "vocal_effect") or (hit.kind == "modifier" and hit.value in _SOUNDS_IN_PARTS):
        # "reverb on the chorus", "make the verse sound like a radio": that sound there ("no reverb": everywhere)
        return _SectionAsk(label, which, words, hit, 0.0, kind=hit.kind if hit.kind != "modifier" else "sound") \
            if polarity in ("plain", "add", "more", "only") else None
    if hit.kind == "vocal_harmony":  # "harmonies in the chorus": the second voice there alone
        return _SectionAsk(label, which, words, hit, 0.0, kind="vocal_harmony") \
            if polarity in ("plain", "add", "more", "only") else None
    if hit.kind == "modifier":
        sign = SECTION_LIFTS[hit.value] * (-1 if polarity in ("drop", "not", "less") else 1)
        db = sign * SECTION_LIFT_DB * k
    elif hit.kind == "instrumental" or polarity in ("drop", "not"):
        db = None
    elif polarity in ("less", "more"):
        db = LEVEL_STEP_DB * k * (1 if polarity == "more" else -1)
    elif polarity == "only" and hit.kind in ("instrument", "drums") and tokens[hit.end:hit.end + 1] == ["only"]:
        return _SectionAsk(label, which, words, hit, 0.0, only_there=True, kind=hit.kind, alone=True)  # "X only in"
    elif polarity == "only" and hit.kind in ("instrument", "drums", "vocals"):  # "only X in the intro"
        return _SectionAsk(label, which, words, hit, 0.0, only_there=hit.kind != "vocals", kind=hit.kind, only=True)
    elif polarity in ("plain", "add") and hit.kind in ("instrument", "drums"):
        alone = hit.end < len(tokens) and tokens[hit.end] in SECTION_ENTRY_WORDS
        return _SectionAsk(label, which, words, hit, 0.0, only_there=True, kind=hit.kind, alone=alone)
    else:
        return None
    return _SectionAsk(label, which, words, hit, db, kind="vocals" if hit.kind == "instrumental" else hit.kind)


def _section_changes(d: _Draft, asks: list[_SectionAsk]) -> tuple[SectionChange, ...]:
    """The asks on the style's band: an instrument's roles, the drums if the band has them; and what the plan says
    (d.notes). A part the style already plays is not "added" (d.adds)."""
    changes: list[SectionChange] = []
    alone: dict[tuple, list] = {}  # "only piano and vocals in the intro": (part of the song) -> (labels, roles)
    for ask in asks:
        kind = ask.kind
        playing = kind in ("instrument", "drums") and _already_playing(d, kind, ask.hit.value)
        if kind == "instrument" and playing and (ask.only or ask.entrance or (ask.only_there and not ask.alone)):
            d.adds = [added for added in d.adds if added != _label(ask.hit.value)]
        if ask.only:
            labels, roles = alone.setdefault((ask.section, ask.which, ask.words), ([], []))
            if kind == "instrument":
                labels.append(_label(ask.hit.value))
                roles.extend(_roles_playing(d, ask.hit.value))
            else:  # "vocals", "drums", or a piece of the kit
                name = kind if kind == "vocals" or ask.hit.value is None else str(ask.hit.value)
                labels.append(name)
                roles.append(name)
            if kind == "vocals" or playing:
                continue  # it plays everywhere, as it did; an added one plays there only (below)
        if ask.only_there and not ask.alone and playing:
            # "add drums in the chorus" where the style plays drums: turned up there, not taken out elsewhere
            ask = replace(ask, only_there=False, db=SECTION_LIFT_DB)
        if kind == "vocal_harmony":  # the pipeline sings it (d.vocal_harmony) where the plan's sections say
            change = SectionChange(ask.section, ask.which, "vocals", (), 0.0, words=ask.words,
                                   voice=str(ask.hit.value))
            d.vocal_harmony, d.harmony_in_parts = str(ask.hit.value), True
            changes.append(change)
            d.notes.append(f"Song part: \u201c{ask.words}\u201d: {section_change_words(change)}")
            continue
        if kind in ("effect", "vocal_effect", "sound"):
            change = _section_effect(ask)
            changes.append(change)
            d.notes.append(f"Song part: \u201c{ask.words}\u201d: {section_change_words(change)}")
            continue
        if kind in ("modifier", "mix"):
            target, roles = "mix", ()
        elif kind == "instrument":
            target, roles = _label(ask.hit.value), tuple(_roles_playing(d, ask.hit.value))
        elif kind == "drums" and ask.hit.value is not None:  # "no hi hats in the verse": that piece of the kit
            target, roles = str(ask.hit.value), (str(ask.hit.value),)
        else:
            target, roles = kind, ((kind,) if kind == "drums" else ())
        where = f"\u201c{ask.words}\u201d"
        missing = (kind == "instrument" and not roles) or (kind == "drums" and not d.drums)
        if kind == "drums" and ask.hit.value is not None and not missing:
            d.drum_pieces.setdefault(str(ask.hit.value), 0.0)  # a piece of its own, to change there
        if missing or (kind == "vocals" and not d.keep_vocals):
            d.notes.append(f"Song part: {where}: there {'are' if target in ('drums', 'vocals') else 'is'} no "
                           f"{target} in this remix to change there.")
            continue
        if target == "bass" or "bass" in roles:
            roles = tuple(dict.fromkeys(roles + ("bass",)))
        change = SectionChange(ask.section, ask.which, target, roles,
                               None if ask.db is None else round(_clamp(ask.db, -MAX_LEVEL_DB, MAX_LEVEL_DB), 1),
                               ask.only_there, ask.words)
        if change in changes:  # "drums kick in at the chorus": two drum words, one change
            continue
        changes.append(change)
        d.notes.append(f"Song part: {where}: {section_change_words(change)}")
    for (section, which, words), (labels, roles) in alone.items():
        roles = tuple(dict.fromkeys(roles + (["bass"] if "bass" in labels else [])))
        change = SectionChange(section, which, " and ".join(dict.fromkeys(labels)), roles, 0.0, False, words,
                               alone=True)
        changes.append(change)
        d.notes.append(f"Song part: \u201c{words}\u201d: {section_change_words(change)}")
    return tuple(changes)


def _section_effect(ask: _SectionAsk) -> SectionChange:
    """"reverb on the chorus", "an echo on the vocals in the last chorus", "telephone effect on the intro": the
    effect, or the reverb, on the instrumental or the vocal in that part of the song."""
    kind, k = str(ask.hit.value), ask.hit.intensity * (1.5 if ask.hit.polarity == "more" else 1.0)
    if ask.kind == "sound":  # "an underwater intro": the feeling's filters and room, there
        m = MODIFIERS[kind]
        effects = tuple(Effect(name, dict(params)) for name, params in {**m.effect_defaults, **m.effects}.items())
        effects += (Effect("lowpass", {"cutoff_hz": m.lowpass_hz}),) if m.lowpass_hz is not None else ()
        return SectionChange(ask.section, ask.which, "mix", (), 0.0, words=ask.words, effects=effects,
                             reverb=round(min(1.0, m.reverb * k), 3), sound=kind)
    on_vocal = ask.kind == "vocal_effect" or kind == "vocal_reverb"
    sets = VOCAL_EFFECT_SETS[kind] if ask.kind == "vocal_effect" and kind in VOCAL_EFFECT_SETS else \
        () if kind in ("reverb", "vocal_reverb") else ((kind, EFFECT_DEFAULTS[kind]),)
    effects = tuple(Effect(name, dict(params)) for name, params in sets)
    reverb = round(min(1.0, (0.35 if on_vocal else 0.3) * k), 3) if kind in ("reverb", "vocal_reverb") else 0.0
    return SectionChange(ask.section, ask.which, "vocals" if on_vocal else "mix", (), 0.0, words=ask.words,
                         effects=effects, reverb=reverb)


def _already_playing(d: _Draft, kind: str, value) -> bool:
    """The style's own band plays this part ("drums" or an instrument word; before the prompt added anything)."""
    if kind == "drums":
        return d.spec.drums is not None and value is None
    role = INSTRUMENT_WORDS[value].role
    return role in d.spec.instruments and d.spec.instruments[role] in set(INSTRUMENT_WORDS[value].family)


def section_change_words(change: SectionChange) -> str:
    """"drums left out there", "the band +4 dB there (the vocal +2 dB)", "strings play there only"."""
    if change.voice:  # "harmonies in the chorus"
        return ("a backing harmony on the vocal there" if change.voice == "harmony" else
                "the vocal doubled there")
    if change.target == "mix" and change.db is None:
        return "only the vocal there (the band left out)"
    if change.effects or change.reverb:  # "reverb on the chorus", "an underwater intro"
        said = [_mod_label(change.sound)] if change.sound else \
            [e.kind.replace("_", " ") for e in change.effects] + (["reverb"] if change.reverb else [])
        return f"{', '.join(dict.fromkeys(said))} " + ("on the vocal there" if change.target == "vocals" else
                                                      "there (the whole song, its vocal too)")
    if change.section in ("fade_in", "fade_out") and change.which == "half":  # "start quiet and get louder"
        return (f"the whole song rises from {change.db:g} dB over its first half" if change.section == "fade_in"
                else f"the whole song falls to {change.db:g} dB over its second half")
    if change.section in ("fade_in", "fade_out"):
        side, edge = ("in", "first") if change.section == "fade_in" else ("out", "last")
        length = f"{change.which[:-4]} bars" if change.which.endswith("bars") else f"{change.which[:-1]} s"
        return f"{change.target} fade{'' if change.target.endswith('s') else 's'} {side} over the {edge} {length}"
    if change.alone:
        return f"only {change.target} there (everything else left out there)"
    if change.only_there:
        return f"{change.target} {'play' if change.target.endswith('s') else 'plays'} there only"
    if change.target == "mix":
        word = "bigger" if change.db > 0 else "softer"
        return f"{word}: the band {change.db:+g} dB there (the vocal {change.db / 2:+g} dB)"
    if change.db is None:
        return f"{change.target} left out there"
    return f"{change.target} {change.db:+g} dB there"


_WORDS_OF_THE_SONG = ("lyrics", "lyric", "words", "story", "message", "meaning", "text", "subject", "topic")


def _reread_feelings_of_the_words(hits: list[_Hit], tokens: list[str]) -> None:
    """"make it happier but keep the sad lyrics", "a dance song with dark lyrics": a feeling right before the song's
    words says what they are, not how the remix should feel (it made the remix sad, in minor)."""
    for hit in hits:
        if hit.kind == "modifier" and tokens[hit.end:hit.end + 1] and tokens[hit.end] in _WORDS_OF_THE_SONG:
            hit.kind = "consumed"


def _reread_comparison(hits: list[_Hit]) -> None:
    """"guitar louder than the piano", "vocals softer than the drums": the part after "than" is what the first one
    is compared with; it is not asked for (added, or given the level), and "than" asks nothing."""
    for k, hit in enumerate(hits):
        if hit.kind != "than":
            continue
        hit.kind = "consumed"
        after = hits[k + 1] if k + 1 < len(hits) else None
        if after is not None and after.kind in LEVELLED and after.start <= hit.end + 1 and k > 0 \
                and LEVEL_COMPARATIVES.get(hits[k - 1].text):
            after.kind = "consumed"


def _reread_level_words(hits: list[_Hit]) -> None:
    """"softer drums", "louder vocals": a comparative right before a part asks for its level, not a feel; unless
    it is said of the part right before it ("the kick louder and the snare softer": the kick's, read later)."""
    for k, (hit, after) in enumerate(zip(hits, hits[1:])):
        cue = LEVEL_COMPARATIVES.get(hit.text)
        j = k - 1
        while j >= 0 and hits[j].kind == "intensity" and not hits[j].after_pause:
            j -= 1  # "the vocals slightly louder, drums softer": the vocals' (it turned the drums up)
        before = hits[j] if j >= 0 else None
        # said of the part before it when a word or a pause parts it from the next ("the vocals louder and drums
        # softer": "and" between; "louder drums" has none)
        if before is not None and before.kind in LEVELLED and hit.start <= before.end + 2 and not hit.after_pause \
                and (after.after_pause or after.start > hit.end):
            continue
        if cue and hit.kind == "modifier" and after.kind in LEVELLED and after.start <= hit.end + 2:
            hit.kind, hit.value = cue, None


def _reread_trailing_level_words(hits: list[_Hit]) -> None:
    """"make the vocals softer", "drums a bit louder": the comparative after the part, in the same clause; and a bare
    "less" / "more" closing the clause right after it ("the drums louder and the guitar less").

    Runs after the cues are resolved: a part already governed ("no drums softer", "with piano softer") keeps
    its cue, except that "with vocals louder" still means the vocals at a level.
    """
    for k, hit in enumerate(hits):
        cue = hit.value if hit.kind == "level_after" else LEVEL_COMPARATIVES.get(hit.text)
        after = hits[k + 1] if k + 1 < len(hits) else None
        if hit.kind in ("less", "more") and (after is None or after.after_pause):
            cue = hit.kind  # a cue with nothing after it in its clause
            effect = hits[k - 1] if k > 0 else None
            if effect is not None and (effect.kind == "effect" and effect.polarity in ("plain", "add")
                                       or _is_sound_balance(effect)) \
                    and hit.start - effect.end <= 2 and not hit.after_pause:
                effect.polarity = cue  # "the echo is too much": less of it (it was added); "the low end is too much"
                hit.kind = "consumed"
                continue
        elif not cue or hit.kind not in ("modifier", "level_after"):
            continue
        if hit.after_pause:
            continue
        j = k - 1
        while j >= 0 and hits[j].kind == "intensity" and not hits[j].after_pause:
            j -= 1  # "drums a bit louder"
        part = hits[j] if j >= 0 else None
        if part is not None and hit.start <= part.end + 2 and hit.kind == "modifier" and cue in ("less", "more") and (
                _is_sound_balance(part) or (part.kind == "effect" and part.polarity in ("plain", "add"))):
            part.polarity = cue  # "the highs are too loud", "the reverb is too loud": less of them (more of them, and
            hit.kind = "consumed"  # a soft Piano ballad)
            continue
        if part is None or part.kind not in LEVELLED or hit.start > part.end + 2:
            continue
        if part.polarity in ("plain", "keep") or (part.kind == "vocals" and part.polarity == "add"):
            part.polarity, part.intensity = cue, hit.intensity
            hit.kind = "consumed"


# "telephone vocals", "distorted vocals": a sound said of the vocal is these effects on it alone
VOCAL_EFFECT_SETS = {
    "telephone": (("telephone", {"amount": 1.0}),),
    "distortion": (("distortion", {"drive_db": 12.0}),),
}
_VOCAL_EFFECT_MODIFIERS = {"radio": "telephone", "gritty": "distortion"}
_VOCAL_EFFECT_KINDS = ("delay", "chorus", "phaser", "distortion", "bitcrush", "lowpass", "highpass", "tape")
_ON_THE = frozenset(("on", "to", "for", "in", "the", "my", "his", "her", "their", "of", "over"))
_WITH_A = frozenset(("with", "through", "into", "a", "an", "the", "some", "more"))


def _reread_parts_an_effect_is_on(hits: list[_Hit], tokens: list[str]) -> None:
    """"vinyl on the piano", "compression on the bass" (an effect no part takes apart: _reread_part_effects has read
    the others): the part is where the effect is asked, not a part asked for (it was added); the effect is the
    whole mix's, and the plan says so."""
    for before, hit in zip(hits, hits[1:]):
        if hit.kind == "instrument" and hit.polarity == "plain" and before.kind == "effect" \
                and before.polarity in ("plain", "add", "more") and 0 < hit.start - before.end <= 3 \
                and tokens[before.end] in ("on", "to", "for") \
                and all(t in _ON_THE for t in tokens[before.end:hit.start]):
            hit.polarity = "described"


def _reread_vocal_effects(hits: list[_Hit], tokens: list[str]) -> None:
    """"an echo on the vocals", "add delay to the vocals", "echoey vocals", "telephone vocals", "distorted vocals",
    "vocals with a chorus effect", "put the vocals through a telephone filter": the sound is the vocal's alone (the
    plan's vocal_effects); it was the whole mix's."""
    def sound(hit: _Hit) -> str | None:
        if hit.kind == "effect" and hit.value in _VOCAL_EFFECT_KINDS and hit.polarity in ("plain", "add"):
            return str(hit.value)
        if hit.kind == "modifier" and hit.value in _VOCAL_EFFECT_MODIFIERS and hit.polarity in ("plain", "add"):
            return _VOCAL_EFFECT_MODIFIERS[hit.value]
        return None

    for k, hit in enumerate(hits):
        if hit.kind != "vocals" or hit.polarity not in ("plain", "add", "keep"):
            continue
        before = next((h for h in reversed(hits[:k]) if h.kind not in ("swap_to", "add")), None)
        after = next((h for h in hits[k + 1:] if h.kind != "add"), None)
        for other, gap in ((before, tokens[before.end:hit.start] if before else []),
                           (after, tokens[hit.end:after.start] if after else [])):
            kind = sound(other) if other is not None else None
            joins = _ON_THE if other is before else _WITH_A
            if kind and not (other.after_pause if other is after else hit.after_pause) and len(gap) <= 3 \
                    and all(t in joins for t in gap):
                other.kind, other.value = "vocal_effect", kind
                if kind == "telephone":  # "through a telephone filter": the filter is part of it
                    for h in hits[hits.index(other) + 1:hits.index(other) + 2]:
                        if h.kind == "effect" and h.value == "lowpass" and h.start == other.end:
                            h.kind = "consumed"
                break


# What can be put on one part of the band: its own room, or effects before it ("distortion on the bass").
_PART_EFFECT_KINDS = ("reverb", "delay", "chorus", "phaser", "distortion", "bitcrush", "lowpass", "highpass", "tape",
                      "telephone")
# An adjective right before a part that says its sound: "distorted bass", "dry drums", "roomy piano" (each was the
# whole mix's feel: "tight drums" is how they play, not a room).
_PART_ADJECTIVES = {
    "distorted": ("distortion", "add"), "dirty": ("distortion", "add"), "crunchy": ("distortion", "add"),
    "fuzzy": ("distortion", "add"), "fuzz": ("distortion", "add"), "overdriven": ("distortion", "add"),
    "saturated": ("distortion", "add"), "gritty": ("distortion", "add"), "dry": ("reverb", "drop"),
    "drier": ("reverb", "less"), "roomy": ("reverb", "add"), "wet": ("reverb", "add"), "spacious": ("reverb", "add"),
}
_HOW_MUCH = frozenset(("lots", "lot", "of", "plenty", "tons", "loads", "heavy", "extra", "little", "bit", "big",
                       "huge", "subtle", "light", "tasteful", "nice", "cool"))
_SOAKED = frozenset(("drenched", "soaked", "dripping", "washed", "covered", "swimming", "bathed"))


def _reread_part_effects(hits: list[_Hit], tokens: list[str]) -> None:
    """An effect said of one part of the band is on that part alone (a part_effect hit, its part in `part`):
    "reverb on the piano", "more delay on the guitars", "no reverb on the drums", "dub delay on the snare" (the
    part only named: it was the whole mix's effect, and the part's name alone); "guitar with delay", "piano
    with lots of reverb", "guitars drenched in reverb", "put the guitar through a phaser" (the part asked too,
    added where the band has none); "echoey piano", "filtered drums", "distorted bass", "dry drums"."""
    def is_part(hit: _Hit | None) -> bool:
        return hit is not None and hit.kind in ("instrument", "drums")

    def is_effect(hit: _Hit | None) -> bool:
        return hit is not None and hit.kind == "effect" and hit.value in _PART_EFFECT_KINDS

    for k, hit in enumerate(hits):
        before = next((h for h in reversed(hits[:k]) if h.kind not in ("swap_to", "add")), None)
        after = next((h for h in hits[k + 1:] if h.kind not in ("add", "more", "less", "intensity", "solo")), None)
        if not is_part(hit) or hit.polarity not in ("plain", "add", "more"):
            continue
        if hit.after_pause:  # "reverb, piano": two things asked
            before = None
        described = any(t in _DESCRIBING_VERBS or t in ("give", "gives")
                        for t in tokens[max(0, hit.start - 3):hit.start]) or \
            (after is not None and any(t in ("should", "needs", "need", "is", "are", "sounds", "sound", "must")
                                       for t in tokens[hit.end:after.start]))
        if is_effect(before) and before.end == hit.start and before.polarity in ("plain", "add"):
            before.kind, before.part = "part_effect", ((hit.kind, hit.value),)  # "echoey piano", "filtered drums"
        elif before is not None and before.kind == "modifier" and before.end == hit.start \
                and before.text in _PART_ADJECTIVES and before.polarity == "plain":
            before.kind, before.part = "part_effect", ((hit.kind, hit.value),)  # "distorted bass", "dry drums"
            before.value, before.polarity = _PART_ADJECTIVES[before.text]
        elif is_effect(before) and 0 < hit.start - before.end <= 3 and (
                tokens[before.end] in ("on", "to", "for") or (tokens[before.end] == "from" and before.polarity in (
                    "drop", "not", "less"))) and all(t in _ON_THE or t == "from" for t in tokens[before.end:hit.start]):
            # "reverb on the piano", "delay on the guitar and the vocals"
            before.kind, before.part = "part_effect", ((hit.kind, hit.value),)
            hit.kind = "consumed"  # named, not asked for
            for listed in hits[k + 1:]:
                if listed.kind not in ("instrument", "drums", "vocals") or listed.polarity not in ("plain", "add") \
                        or not all(t in ("and", "the", "&", "my") for t in tokens[hit.end:listed.start]):
                    break
                before.part += ((listed.kind, listed.value),)
                listed.kind, hit = "consumed", listed
        elif after is not None and not after.after_pause and 0 <= after.start - hit.end <= 4:
            gap = tokens[hit.end:after.start]
            soaked = any(t in _SOAKED for t in gap)
            compound = not gap and is_effect(after)  # "guitar delay", "piano reverb"
            joined = [t for t in gap if t != "solo"][:1] in (["with"], ["through"], ["into"])  # "guitar solo with"
            if not (joined or soaked or described or compound) or not all(
                    t in _WITH_A or t in _HOW_MUCH or t in _SOAKED or t in _DESCRIBING_GAP or (t == "in" and soaked)
                    or t in ("should", "needs", "need", "must", "to", "solo", "are", "too", "far", "kinda", "kind")
                    for t in gap):
                continue
            if is_effect(after) and after.polarity in ("plain", "add", "more", "less") \
                    and (after.text != "chorus" or not (compound or described)):  # "guitar chorus": the song's part
                after.kind, after.part = "part_effect", ((hit.kind, hit.value),)  # "guitar with delay"
            elif after.kind == "modifier" and after.text in _PART_ADJECTIVES and described and (
                    tokens[after.start - 1] != "too" or _PART_ADJECTIVES[after.text][0] == "reverb"):
                # "too distorted" stays the whole mix's "clean": the band's own guitar sound is not an effect on it
                kind, polarity = _PART_ADJECTIVES[after.text]  # "make the drums drier", "... more distorted"
                after.kind, after.part, after.value = "part_effect", ((hit.kind, hit.value),), kind
                if tokens[after.start - 1] == "too":  # "the guitar sounds too dry": its opposite ("too wet": less)
                    after.polarity = "add" if polarity in ("drop", "less") else "less"
                else:
                    after.polarity = after.polarity if after.polarity in ("less", "drop", "not") else polarity
            else:
                continue
            if described:  # "make the drums less reverby": named, not asked for
                hit.kind = "consumed"
            elif any(t in ("lots", "lot", "plenty", "tons", "loads", "heavy", "extra", "big", "huge") or t in _SOAKED
                     for t in gap):
                after.intensity = max(after.intensity, 1.5)
            elif any(t in ("little", "bit", "subtle", "light") for t in gap):
                after.intensity = min(after.intensity, 0.5)


_PART_EFFECT_MOST = {"mix": 0.6, "drive_db": 18.0, "amount": 1.0}


def _reread_where_a_build_goes(hits: list[_Hit], tokens: list[str]) -> None:
    """"a build up before the chorus", "a drum roll into the chorus", "applause at the end": where the build or the
    applause goes is said, not a part of the song to change (a build always leads into a chorus, a crowd claps
    at the start and the end)."""
    for k, hit in enumerate(hits):
        after = next((h for h in hits[k + 1:] if h.kind != "swap_to"), None)  # "into"
        placed = hit.kind == "build" or (hit.kind == "effect" and hit.value == "crowd" and after is not None
                                         and any(w in after.text for w in ("end", "start", "beginning")))
        if placed and after is not None and after.kind == "section" and not after.after_pause \
                and 0 < after.start - hit.end <= 3 and all(t in _LEADING_INTO for t in tokens[hit.end:after.start]):
            after.kind = "consumed"
            for listed in hits[hits.index(after) + 1:]:  # "applause at the start and the end": both places said
                if listed.kind != "section" or not all(t in ("and", "at", "the", "in", "&")
                                                       for t in tokens[after.end:listed.start]):
                    break
                listed.kind, after = "consumed", listed


_LEADING_INTO = frozenset(("before", "into", "leading", "going", "up", "to", "ahead", "of", "right", "just", "at",
                           "after", "in"))


def _apply_part_effect(d: _Draft, hit: _Hit, understood: list[str]) -> None:
    """A part_effect hit: each part's own effect or room (d.part_effects, d.part_rooms), for every role the part's
    word plays (a drum piece: that piece, made a part of its own by the arranger; the vocals: the vocal's own)."""
    kind, polarity = str(hit.value), hit.polarity
    refused, less = polarity in ("drop", "not"), polarity == "less"
    labels = []
    for what, word in hit.part:
        if what == "vocals":
            _vocal_part_effect(d, kind, refused, less, hit.intensity)
            labels.append("vocals")
            continue
        if what == "drums":
            roles, label = [word if word else "drums"], str(word or "drums")
        else:
            roles = _roles_playing(d, word) or [INSTRUMENT_WORDS[word].role]
            label = _label(word)
        labels.append(label)
        for role in roles:
            if kind == "reverb":
                scale, add = d.part_rooms.get(role, (1.0, 0.0))
                d.part_rooms[role] = (0.0, 0.0) if refused else (scale * 0.5, add * 0.5) if less \
                    else (scale, min(1.0, add + 0.25 * hit.intensity))
            else:
                _change_effect(d.part_effects.setdefault(role, {}), kind, refused, less, hit.intensity)
    name = "reverb" if kind == "reverb" else kind.replace("lowpass", "low-pass filter").replace(
        "highpass", "high-pass filter")
    named = " and the ".join(dict.fromkeys(labels))
    if refused:
        understood.append(f"No {name} on the {named} ({'dry' if kind == 'reverb' else 'without it'})")
    else:
        understood.append(f"{'Less ' + name if less else name.capitalize()} on the {named} ("
                          + ("that part alone)" if len(labels) == 1 else "those parts alone)"))


def _vocal_part_effect(d: _Draft, kind: str, refused: bool, less: bool, k: float) -> None:
    """"delay on the guitar and the vocals": the vocal's share of it, on the vocal alone."""
    if kind == "reverb":
        d.vocal_reverb = 0.0 if refused else d.vocal_reverb * 0.5 if less else d.vocal_reverb + 0.2 * k
    else:
        _change_effect(d.vocal_effects, kind, refused, less, k)
        d.keep_vocals = d.keep_vocals or "vocals" not in d.removes


def _change_effect(effects: dict, kind: str, refused: bool, less: bool, k: float) -> None:
    """One part's effects (kind -> params): the effect taken out, halved, or put on ("a little delay", "lots of
    chorus": its mix, a distortion's drive, with the intensity k)."""
    if refused:
        effects.pop(kind, None)
    elif less:
        if kind in effects:
            effects[kind] = {p: v * 0.5 if p in ("mix", "amount", "drive_db", "feedback") else v
                             for p, v in effects[kind].items()}
    else:
        effects[kind] = {p: min(_PART_EFFECT_MOST[p], v * k) if p in _PART_EFFECT_MOST else v
                         for p, v in EFFECT_DEFAULTS[kind].items()}


def _reread_bare_level_of_a_part(hits: list[_Hit], tokens: list[str]) -> None:
    """"more energy in the chorus, less in the verses": a bare "less" / "more" right before a part of the song (only
    "in the" between) is that part softer / bigger (it was unread: the verses unchanged)."""
    for hit, after in zip(hits, hits[1:]):
        if hit.kind in ("less", "more") and after.kind == "section" and not after.after_pause \
                and all(t in ("in", "during", "on", "for", "at", "the") for t in tokens[hit.end:after.start]):
            hit.kind, hit.value, hit.polarity = "modifier", "soft" if hit.kind == "less" else "energetic", "plain"


def _reread_described_parts(hits: list[_Hit], tokens: list[str]) -> None:
    """"make the guitar brighter", "make the bass less boomy", "make the piano sound warmer": the part is what
    the feeling describes, not a part asked for (each was added to the band). The feeling is the whole mix's (a
    part's own tone is not changed apart); the part is only named ("described")."""
    for k, part in enumerate(hits):
        feel = next((h for h in hits[k + 1:] if h.kind not in ("intensity", "more", "less")), None)
        if feel is not None and part.kind == "instrument" and part.polarity == "plain" and feel.kind == "modifier" \
                and not feel.after_pause and feel.start - part.end <= 2 \
                and any(t in _DESCRIBING_VERBS for t in tokens[max(0, part.start - 3):part.start]) \
                and all(t in _DESCRIBING_GAP for t in tokens[part.end:feel.start]):
            part.polarity = "described"


_DESCRIBING_VERBS = frozenset(("make", "makes", "making", "get", "let", "have"))
_DESCRIBING_GAP = frozenset(("sound", "sounds", "sounding", "feel", "a", "bit", "little", "more", "less", "much",
                             "lot", "way", "even", "be", "is"))


def _reread_not_too(hits: list[_Hit]) -> None:
    """"slower but not too slow": "but not too" and a feeling asked before it ask for that feeling a little (half as
    much). Otherwise it is a "not" ("rock but not too fast": a little slower)."""
    for k, hit in enumerate(hits):
        if hit.kind != "not_too":
            continue
        after = hits[k + 1] if k + 1 < len(hits) else None
        asked = [] if after is None or after.kind != "modifier" or after.start > hit.end + 1 else \
            [before for before in hits[:k] if before.kind == "modifier" and before.value == after.value]
        if not asked:
            hit.kind = "not"
            continue
        hit.kind = after.kind = "consumed"
        for before in asked:
            before.intensity *= 0.5


def _reread_too(hits: list[_Hit]) -> None:
    """"it's too aggressive", "way too slow": "too" right before a feeling refuses it, as "less" would (a little of
    its opposite; it asked for the feeling); anywhere else ("add drums too") it asks nothing."""
    for k, hit in enumerate(hits):
        if hit.kind == "too":
            after = hits[k + 1] if k + 1 < len(hits) else None
            hit.kind = "less" if after is not None and after.kind == "modifier" and after.start == hit.end \
                and not after.after_pause else "consumed"
            before = hits[k - 1] if k > 0 else None
            if hit.kind == "less" and before is not None and _is_sound_balance(before) \
                    and hit.start - before.end <= 1 and not hit.after_pause:
                before.kind = "consumed"  # "the highs are too harsh": they say what is (was more and less treble)


_SOUND_BALANCES = frozenset(("treble", "dull", "bass_boost", "thin", "mids", "scooped"))


def _is_sound_balance(hit: _Hit) -> bool:
    """"the highs", "the low end", "the mids": a part of the spectrum named as a feeling (a modifier)."""
    return hit.kind == "modifier" and hit.value in _SOUND_BALANCES and hit.polarity == "plain"


def _reread_revoicing(hits: list[_Hit]) -> None:
    """"change the singer to a man", "swap the vocals for a female voice": a swap whose new part is a voice re-voices
    the song's vocal (kept, sung by that voice); the vocals went, and the remix had no singer."""
    for k, hit in enumerate(hits):
        if hit.kind == "vocals" and hit.polarity == "drop" and any(h.kind == "swap" for h in hits[:k]) and any(
                h.kind == "gender" and h.value == "voice" and h.polarity == "add" for h in hits[k + 1:]):
            hit.polarity = "plain"


def _reread_solo_before(hits: list[_Hit]) -> None:
    """"solo violin", "a version on solo cello": "solo" right before an instrument is that instrument alone (an
    "only"); after one ("a guitar solo") it stays a solo, and so does "add a solo violin"."""
    for k, hit in enumerate(hits[:-1]):
        after = hits[k + 1]
        if hit.kind == "solo" and after.kind == "instrument" and after.start == hit.end \
                and not any(before.kind in ("add", "more") for before in hits[:k]) \
                and not (k > 0 and hits[k - 1].kind == "instrument" and hits[k - 1].end == hit.start):
            hit.kind = "only"


def _reread_voice(hits: list[_Hit]) -> None:
    """"female vocals", "a male singer", "sung by a woman": a gender word next to the vocals (two tokens at most, either
    side) names the voice (its value "voice"); elsewhere ("a song about a girl") it asks nothing."""
    for hit in hits:
        if hit.kind == "gender" and hit.text in GENDER_VOICES and (hit.text.endswith(("voice", "vocals")) or any(
                other.kind == "vocals" and (0 <= other.start - hit.end <= 2 or 0 <= hit.start - other.end <= 3)
                for other in hits)):
            hit.value = "voice"  # ("a deeper voice" names the voice itself)


def _reread_sound_like(hits: list[_Hit]) -> None:
    """"make the guitar sound like a synth", "the piano should sound like an organ": the first instrument is swapped
    for the second, as "replace the guitar with a synth" (both were added)."""
    for k, hit in enumerate(hits[1:-1], 1):
        before, after = hits[k - 1], hits[k + 1]
        if hit.kind == "sound_like" and before.kind == after.kind == "instrument" \
                and before.polarity == "plain" and after.polarity in ("plain", "add") \
                and hit.start - before.end <= 2 and after.start - hit.end <= 1:
            before.polarity = "drop"


def _reread_own_parts(hits: list[_Hit]) -> None:
    """"keep the original guitar", "keep the song's own piano": the song's part is kept (its accompaniment stem, where
    it plays, stays louder under the band), no new one is added ("keep_own")."""
    owned = None
    for hit, after in zip(hits, hits[1:]):
        listed = owned is not None and after.start - owned.end <= 1 and not after.after_pause  # "... drums and bass"
        if after.kind in ("instrument", "drums") and after.polarity == "keep" and (
                after.kind == "instrument" or after.value is None) and (
                (hit.kind == "own" and after.start == hit.end) or listed):
            after.polarity = "keep_own"  # ("keep the original drums": the whole kit)
            owned = after
        elif hit.kind != "own":
            owned = None if not listed else owned


def _reread_trailing_off(hits: list[_Hit]) -> None:
    """"turn the guitar off", "drums off": "off" right after a part (in the same clause) takes it out."""
    for k, hit in enumerate(hits):
        if hit.kind != "off" or hit.after_pause or k == 0:
            continue
        part = hits[k - 1]
        if part.kind in _THINGS and part.kind != "effect" and hit.start <= part.end + 1 \
                and part.polarity in ("plain", "keep", "add"):
            part.polarity = "drop"


def _reread_style_words(hits: list[_Hit]) -> None:
    """Genre words that do not name the genre: refused ones, "jazz drums", "acoustic rock"."""
    for hit in hits:
        if hit.kind in ("style", "style_adj") and hit.polarity in ("drop", "not", "less"):
            hit.kind = "refused_style"  # "less rock and more pop": pop leads; "make it less country": not country
    # "rock with jazz drums": a genre word before "drums" asks for that genre's groove only
    style_hits = [h for h in hits if h.kind in ("style", "style_adj")]
    for h, after in zip(hits, hits[1:]):
        if h in style_hits and after.kind == "drums" and after.start == h.end and len(style_hits) > 1:
            h.kind, h.value, h.end, h.by_genre = "groove", STYLES[h.value].drums_if_added, after.end, True
            h.text = f"{h.text} {after.text}"
            after.kind = "consumed"
    # "acoustic" names a genre alone, but is a modifier of another genre ("acoustic rock")
    style_hits = [h for h in hits if h.kind == "style"]
    if any(h.value != "acoustic" for h in style_hits):
        for h in style_hits:
            if h.value == "acoustic":
                h.kind, h.value = "modifier", "acoustic"


AS_IS_NAME = "Your song, as it is"
AS_IS_NOTE = ("No style named: the song keeps its own arrangement and sound, and only what was asked changes "
              "(name a style, e.g. \u201clo-fi\u201d, to remix it)")
# What a prompt naming no style may ask and still leave the song as it is: its sound treated (an effect, a feeling
# that is a sound: "underwater", "bass boosted", "brighter"), its tempo, speed, key or length, its vocal louder,
# softer or gone, another voice, its drums or bass louder, softer or gone ("remove the drums": the drums stem); and
# words that ask nothing alone ("add", "just", "same tempo", "the vocals").
# "cleaner", "drier", "in a small room" take away what the style's own band would add: nothing on the song itself.
_TREATMENT_HITS = frozenset(("effect", "vocal_effect", "instrumental", "gender", "pump", "vocal_delivery",
                             "vocal_chops", "vocal_tune", "vocal_harmony"))  # (the kept vocal is tuned, doubled)
_NEUTRAL_HITS = frozenset(("add", "more", "less", "drop", "not", "only", "keep", "too", "intensity", "own_tempo",
                           "vocals", "swap"))
_TREATMENT_MODIFIERS = frozenset(("slow", "fast", "sped_up", "slowed", "spacious", "underwater", "radio", "bass_boost",
                                  "thin", "treble", "dull", "bright", "warm", "remaster", "mids", "scooped",
                                  "loud_master", "dynamic"))


def _on_the_songs_stems(ask: _SectionAsk) -> bool:
    """A change in a part of the song the song's own stems make without a band: its vocal, drums or bass louder,
    softer, left out or faded there, or an effect there (not a part added there only, nor alone there)."""
    stem = ask.kind in ("vocals", "effect", "vocal_effect", "sound", "vocal_harmony") or (
        ask.kind == "drums" and ask.hit.value is None) or (
        ask.kind == "instrument" and ask.hit.value == "bass")
    return stem and not (ask.only_there or ask.alone or ask.only)


def _asks_only_treatments(hits: list[_Hit], extracted: bool) -> bool:
    """Whether every ask read is a treatment of the song's sound (_TREATMENT_HITS) and there is one (`extracted`: a
    tape stop, 8D, a fade, a tempo, a key or a length was read before the words): "make it happier", "more guitar",
    "a drum roll into the chorus" ask the band."""
    def treatment(hit: _Hit) -> bool:
        # the song's own vocal, drums and bass are stems of their own: louder, softer or left out as they are
        leveled = hit.polarity in ("more", "less", "drop", "not") and (
            hit.kind == "vocals" or (hit.kind == "drums" and not hit.value) or (hit.kind, hit.value) == ("instrument",
                                                                                                       "bass"))
        return hit.kind in _TREATMENT_HITS or (hit.kind == "modifier" and hit.value in _TREATMENT_MODIFIERS) or leveled

    if any(not treatment(hit) and hit.kind not in _NEUTRAL_HITS for hit in hits):
        return False
    return extracted or any(treatment(hit) for hit in hits)


def _default_style(hits: list[_Hit], refused_ids: list[str], empty: bool, tokens: list[str] = (),
                   in_parts: bool = False) -> tuple[str, str]:
    """The style for a prompt that names none, and the sentence saying why (`in_parts`: the prompt asks changes in
    parts of the song)."""
    suggestions = [(f"{h.text} {tokens[h.end]}", COVER_STYLES.get(_label(h.value))) for h in hits
                   if h.kind == "instrument" and h.polarity in ("plain", "add") and h.end < len(tokens)
                   and tokens[h.end] in COVER_WORDS]  # "violin cover"
    suggestions += [(f"played on {h.text}", COVER_STYLES.get(_label(h.value))) for h in hits  # "play it on a piano"
                    if h.kind == "instrument" and h.polarity in ("plain", "add")
                    and "on" in tokens[max(0, h.start - 3):h.start]
                    and any(t in ("play", "played", "playing", "plays") for t in tokens[max(0, h.start - 6):h.start])]
    swapped = any(h.kind == "instrument" and h.polarity == "drop" for h in hits)  # "make the guitar sound like a synth"
    for h in hits:  # "make it sound like a piano": the prompt's own words
        said = [i for i in range(max(0, h.start - 4), h.start) if tokens[i] in ("sound", "sounds", "sounding")]
        if h.kind == "instrument" and h.polarity in ("plain", "add") and not swapped and said \
                and "like" in tokens[max(0, h.start - 2):h.start]:
            suggestions.append((" ".join(tokens[said[-1]:h.end]), COVER_STYLES.get(_label(h.value))))
    # "soft acoustic guitar with light percussion", "piano and strings": the prompt names the band it describes,
    # its first part before anything is added ("a chill song with piano": the feeling), not a solo or a part said
    # of a part of the song ("strings after the intro")
    first = next((h for h in hits if h.kind in ("instrument", "drums", "vocals", "add") or h.kind in _CUES), None)
    described = first is not None and all(  # ("pan the guitar left": a verb before it, not a description)
        token in STOP_WORDS or any(h.start <= i < h.end for h in hits if h.kind == "modifier")
        for i, token in enumerate(tokens[:first.start]))
    if first is not None and first.kind == "instrument" and first.polarity == "plain" and not swapped and described \
            and not in_parts and tokens[first.end:first.end + 1] != ["solo"] \
            and not any(h.kind in ("effect", "part_effect") for h in hits):  # ("put the guitar through a phaser")
        suggestions.append((first.text, COVER_STYLES.get(_label(first.value))))
    suggestions += [(h.text, DECADE_STYLES.get(h.text, MODIFIERS[h.value].implies) if h.kind == "modifier" else
                     (GROOVE_STYLES if h.kind == "groove" else DANCE_STYLES).get(h.text))
                    for h in hits if h.kind in ("modifier", "meter", "groove") and h.polarity in ("plain", "more")]
    alone = {_label(h.value) for h in hits if h.kind == "instrument" and h.polarity == "only"}
    if len(alone) == 1 and not any(h.kind in ("drums", "groove", "kit") and h.polarity == "only" for h in hits):
        word = alone.pop()
        suggestions.insert(0, (f"only {word}", ONLY_STYLES.get(word)))
    word, implied = next(((w, s) for w, s in suggestions if s and s not in refused_ids), (None, None))
    style_id = implied or (DEFAULT_STYLE if DEFAULT_STYLE not in refused_ids else "lofi")
    name = STYLES[style_id].name
    if empty:
        return style_id, f"The prompt was empty, so a {name} remix is made."
    if implied:
        return style_id, f"Style: {name} (no genre named; \u201c{word}\u201d suggests it)"
    return style_id, f"No style recognised in the prompt, so a {name} remix is made."


_CARRYING = frozenset(("playing", "plays", "play", "carrying", "carries", "carry", "taking", "takes", "take",
                       "singing", "sings", "on", "over", "the", "a", "its", "lead", "for", "doing", "does"))


def _apply_hits(d: _Draft, hits: list[_Hit], understood: list[str], tokens: list[str] = ()) -> None:
    # where a solo follows a part: right after it ("a guitar solo"), or said of it ("a saxophone playing the melody")
    solo_positions = {h.start for h in hits if h.kind == "solo"}
    for h in hits:
        if h.kind == "instrument" and any(start > h.end and start - h.end <= 3 and set(tokens[h.end:start]) <= _CARRYING
                                          for start in solo_positions):
            solo_positions.add(h.end)
    for hit in hits:
        polarity, k = hit.polarity, hit.intensity
        if polarity == "exempt":  # "reverb on everything except the vocals": the vocals dry, another part as it is
            if hit.kind == "vocals":
                d.vocal_reverb = 0.0
                understood.append("Vocals: dry (the effect is on everything else)")
            continue
        if hit.kind == "modifier":
            if polarity in ("drop", "not", "less"):
                opposite = MODIFIERS[hit.value].opposite
                if opposite:
                    _apply_modifier(d, opposite, MODIFIERS[hit.value].opposite_k)
                a_little = "a little " if MODIFIERS[hit.value].opposite_k < 1 else ""
                understood.append(f"Not {_mod_label(hit.value)}"
                                  + (f": {a_little}{_mod_label(opposite)} instead" if opposite else ""))
            else:
                _apply_modifier(d, hit.value, k)
        elif hit.kind == "mode":
            refused = polarity in ("drop", "not", "less")
            mode = ("major" if hit.value == "minor" else "minor") if refused else hit.value
            d.mode, d.mode_explicit = mode, True
        elif hit.kind == "meter":
            d.beats_per_bar = 4 if polarity in ("drop", "not", "less") else int(hit.value)
        elif hit.kind == "instrument":
            roles = _roles_playing(d, hit.value)
            label = _label(hit.value)
            # A later word about the same instrument wins: "no guitar ... more guitar" adds it back.
            if polarity == "only":
                role, program = _instrument_role(d, hit.value, solo=hit.end in solo_positions)
                d.instruments[role] = program
                d.only.append(role)
                d.only_words.append(label)
            elif polarity == "drop" and hit.no_new and label == "bass":  # "don't add bass": its own stem as it is
                d.own_parts.append("bass")
                d.adds = [added for added in d.adds if added != label]
                understood.append("No new bass: the band plays none; the song's own bass stays as it is (its bass "
                                  "stem)")
            elif polarity == "drop" and hit.no_new:  # "don't add a guitar": the band's goes, the song's own stays
                _refuse_instrument(d, hit.value)
                d.adds = [added for added in d.adds if added != label]
                understood.append(f"No new {label}: the band plays none (the song's own, if it has one, stays)")
            elif polarity in ("drop", "not"):
                d.removes.append(_refuse_instrument(d, hit.value))
                d.adds = [added for added in d.adds if added != label]
            elif polarity == "described":  # "make the guitar brighter": the feeling says it (the whole mix's)
                understood.append(f"Tone of the {label}: asked of the whole mix (a part's own tone is not changed "
                                  "apart)")
            elif polarity == "keep_own" and label == "bass":  # its own stem: as it is, the band plays none
                d.own_parts.append("bass")
                understood.append("Keeps: the song's own bass (its bass stem as it is; the band plays no bass)")
            elif polarity == "keep_own":
                d.keep_original = max(d.keep_original, KEEP_OWN_ORIGINAL)
                understood.append(f"Keeps: the song's own {label} (the original accompaniment, where it plays, "
                                  "stays louder under the band)")
            elif polarity == "less" and roles:
                _change_level(d, roles, label, -LEVEL_STEP_DB * k)
            elif polarity == "less":
                understood.append(f"Less {hit.text}: there is no {label} in this arrangement to turn down.")
            elif polarity == "more" and roles:
                _change_level(d, roles, label, LEVEL_STEP_DB * k)
            else:
                d.adds.append(_add_instrument(d, hit.value, solo=hit.end in solo_positions))
                d.removes = [removed for removed in d.removes if removed != label]
        elif hit.kind == "drums" and polarity == "keep_own":  # "keep the original drums": its stem, no new kit
            d.own_parts.append("drums")
            understood.append("Keeps: the song's own drums (its drums stem as it is; the band plays no kit)")
        elif hit.kind == "drums" and hit.value is None and polarity == "drop" and hit.no_new:  # "don't add drums"
            d.own_parts.append("drums")
            d.adds = [added for added in d.adds if added != "drums"]
            understood.append("No new drums: the band plays no kit; the song's own drums stay as they are (its drums "
                              "stem)")
        elif hit.kind in ("drums", "groove", "kit"):
            if polarity == "only" and hit.kind == "drums" and hit.value is not None:  # "kick and snare only"
                d.drum_pieces["*"], d.drum_pieces[hit.value] = None, 0.0
            _apply_drum_hit(d, hit, "add" if polarity == "only" else polarity)
            if polarity == "only":
                d.only.append("drums")
                d.only_words.append("drums")
        elif hit.kind == "vocals" and polarity == "only":
            d.keep_vocals = True
            d.only.append("vocals")
            d.only_words.append("vocals")
        elif hit.kind == "vocals" and polarity == "drop" and hit.no_new:  # "no new lyrics": the song's own vocal
            d.keep_vocals = True
            d.removes = [removed for removed in d.removes if removed != "vocals"]
            understood.append("No new vocals: the song's own vocal is kept")
        elif hit.kind in ("vocals", "instrumental"):
            if hit.kind == "instrumental" or polarity in ("drop", "not"):
                d.keep_vocals = False
                if "vocals" not in d.removes:
                    d.removes.append("vocals")
            elif polarity in ("less", "more"):
                if "vocals" not in d.removes:  # a vocal asked softer is still wanted, even in classical
                    d.keep_vocals = True
                _change_level(d, ["vocals"], "vocals", LEVEL_STEP_DB * k * (1 if polarity == "more" else -1))
            elif polarity in ("keep", "add", "plain"):
                d.keep_vocals = True
                if polarity == "keep":
                    understood.append("Keeps: vocals")
        elif hit.kind == "effect":
            _apply_effect_hit(d, hit.value, polarity, k)
        elif hit.kind == "own_tempo":
            d.own_tempo = True
        elif hit.kind == "vocal_tune":
            d.vocal_tune = "" if polarity in ("drop", "not", "less") else hit.value
            if not d.vocal_tune:  # "no autotune" (it said nothing)
                understood.append("Vocal: as it is sung (no pitch correction)")
        elif hit.kind == "vocal_effect":
            sets = VOCAL_EFFECT_SETS[hit.value] if hit.value in VOCAL_EFFECT_SETS else \
                ((hit.value, EFFECT_DEFAULTS[hit.value]),)
            for kind, params in sets:
                d.vocal_effects[kind] = dict(params)
            d.keep_vocals = d.keep_vocals or "vocals" not in d.removes
            understood.append(f"Vocal effect: {hit.value} (on the vocal alone)")
        elif hit.kind == "part_effect":
            _apply_part_effect(d, hit, understood)
        elif hit.kind == "pump":  # "sidechain": 8 dB, "heavy sidechain" 12, "a little" 4
            d.pump = 0.0 if polarity in ("drop", "not") else d.pump * 0.5 if polarity == "less" else \
                min(12.0, PUMP_DB * k * float(hit.value) * (1.5 if polarity == "more" else 1.0))
        elif hit.kind == "vocal_chops":
            d.vocal_chops = polarity not in ("drop", "not", "less")
            d.keep_vocals = d.keep_vocals or (d.vocal_chops and "vocals" not in d.removes)
        elif hit.kind == "vocal_delivery":
            d.vocal_delivery = "" if polarity in ("drop", "not", "less") else str(hit.value)
        elif hit.kind == "build":  # "a riser" and "a drum roll": both, a build
            d.build = "" if polarity in ("drop", "not", "less") else \
                hit.value if d.build in ("", hit.value) else "build"
        elif hit.kind == "vocal_harmony":
            d.vocal_harmony = "" if polarity in ("drop", "not", "less") else hit.value
        elif hit.kind == "gender" and hit.value == "voice":  # "female vocals": the voice asked
            if polarity not in ("drop", "not"):
                d.voice = GENDER_VOICES[hit.text]
                understood.append(f"Voice: {d.voice} (the gender option, when the request gives one, wins)")
        elif hit.kind == "gender" and polarity not in ("drop", "not") and hit.text in _GENDER_TERMS:
            understood.append(f"Voice: \u201c{hit.text}\u201d is chosen with the gender option, not the prompt.")


def _mod_label(name: str) -> str:
    """How the plan says a modifier ("slow" -> "slower")."""
    return MODIFIERS[name].label or name


def _apply_drum_hit(d: _Draft, hit: _Hit, polarity: str) -> None:
    if hit.kind == "drums" and hit.value is not None:
        _apply_drum_piece(d, hit, polarity)
        return
    if polarity in ("drop", "not"):
        if hit.kind == "drums" or hit.kind == "groove":
            d.drums = None
            d.adds = [added for added in d.adds if added != "drums"]
            if "drums" not in d.removes:
                d.removes.append("drums")
        return
    if polarity == "less" or (polarity == "more" and hit.kind == "drums" and d.drums):
        if d.drums:
            _change_level(d, ["drums"], "drums", LEVEL_STEP_DB * hit.intensity * (1 if polarity == "more" else -1))
        else:
            d.notes.append(f"Less {hit.text}: there are no drums to turn down.")
        return
    d.removes = [removed for removed in d.removes if removed != "drums"]  # a later word wins
    if hit.kind == "drums":
        if d.drums is None:
            d.drums = d.spec.drums_if_added
            d.adds.append("drums")
    elif hit.kind == "groove":
        asked = next((added for added in d.adds if added.endswith(" groove")), None)
        if hit.by_genre and asked is not None:  # "with a dembow beat ... add some latin percussion"
            d.notes.append(f"Groove: the {asked} plays (one groove at a time; \u201c{hit.text}\u201d is not added).")
            return
        d.drums = hit.value
        d.adds.append(f"{hit.text} groove")
        if hit.value == "shuffle":  # a shuffle is swung ("shuffle" alone played it straight in a straight style)
            d.swing = max(d.swing, TRIPLET_SWING)
    elif hit.kind == "kit":
        d.drum_kit = hit.value
        if d.drums is None:
            d.drums = d.spec.drums_if_added
        d.adds.append(hit.text)


def _apply_drum_piece(d: _Draft, hit: _Hit, polarity: str) -> None:
    """"no hi hats", "more kick", "add claps": one piece of the new kit (StylePlan.drum_pieces). A piece added
    where the style has no drums plays alone ("classical with a tambourine")."""
    piece = hit.value
    if polarity in ("drop", "not"):
        d.drum_pieces[piece] = None
        d.notes.append(f"Drums: no {hit.text} (the new kit's; the song's own drums are one sound)")
        return
    alone = d.drums is None
    if alone:
        d.drums, d.drum_pieces["*"] = d.spec.drums_if_added, None  # the piece alone
    if polarity in ("less", "more"):
        db = LEVEL_STEP_DB * hit.intensity * (1 if polarity == "more" else -1)
        before = d.drum_pieces.get(piece) or 0.0
        d.drum_pieces[piece] = _clamp(before + db, -MAX_LEVEL_DB, MAX_LEVEL_DB)
        d.notes.append(f"Drums: {hit.text} {'louder' if db > 0 else 'softer'} ({db:+g} dB)")
        return
    # (a piece every kit plays, asked where there is no kit, "add a kick drum" over the song, plays alone: it left
    # nothing playing)
    if alone or d.drum_pieces.get(piece, 0.0) is None or piece in ADDED_PIECES:
        d.drum_pieces[piece] = d.drum_pieces.get(piece) or 0.0
        d.adds.append(hit.text)
    d.removes = [removed for removed in d.removes if removed != "drums"]


def _apply_effect_hit(d: _Draft, kind: str, polarity: str, k: float) -> None:
    if polarity in ("drop", "not"):
        if kind == "all":
            d.effects.clear()
            d.reverb = min(d.reverb, 0.1)
            d.removes.append("effects")
        elif kind == "reverb":
            d.reverb, d.vocal_reverb = 0.0, min(d.vocal_reverb, 0.1)
            d.removes.append("reverb")
        elif kind == "vocal_reverb":  # "no reverb on the vocals": the vocals stay, dry
            d.vocal_reverb = 0.0
            d.removes.append("vocal reverb")
        else:
            d.drop_effects(kind)
            d.removes.append(kind)
        return
    if polarity == "less":
        if kind == "reverb":
            d.reverb *= 0.5
            d.vocal_reverb *= 0.5
        elif kind == "vocal_reverb":
            d.vocal_reverb *= 0.5
        elif kind in d.effects:
            d.effects[kind] = {p: v * 0.5 if p in ("mix", "amount", "drive_db", "feedback") else v
                               for p, v in d.effects[kind].items()}
        d.notes.append(f"Less {kind.replace('_', ' ')}")
        return
    if kind == "all":
        return
    if kind == "reverb":
        d.reverb += 0.25 * k
        d.vocal_reverb += 0.2 * k
    elif kind == "vocal_reverb":
        d.vocal_reverb += 0.2 * k
    elif kind == "lowpass":
        d.lowpass(EFFECT_DEFAULTS["lowpass"]["cutoff_hz"])
        d.brightness -= 0.2
    else:
        d.effects[kind] = dict(EFFECT_DEFAULTS[kind])
    d.adds.append(_ADDED_SOUNDS.get(kind, kind.replace("_", " ")))


_ADDED_SOUNDS = {"birds": "birdsong", "fire": "a crackling fireplace"}  # what "Adds:" calls an ambience


def _clamp(x: float, lo: float, hi: float) -> float:
    return float(min(max(x, lo), hi))


PUMP_DB = 8.0  # how far "sidechain" ducks the band and the original on each beat

_BUILD_LINES = {"build": "Build-ups: a snare roll and a noise riser rising into each chorus",
                "riser": "Risers: a noise sweep rising into each chorus",
                "roll": "Drum rolls: a snare roll rising into each chorus"}


def _finish(d: _Draft, bpm: float | None, understood: list[str], ignored: list[str]) -> StylePlan:
    factor = 1.0 if bpm is not None else round(d.tempo_factor, 3)
    lo, hi = d.tempo_range
    if factor != 1.0:
        # the target range moves with the factor, so folding by octaves cannot undo "slower"
        lo, hi = _clamp(lo * factor, MIN_BPM, MAX_BPM), _clamp(hi * factor, MIN_BPM, MAX_BPM)
    if bpm is not None:
        lo, hi = min(lo, bpm), max(hi, bpm)
    effects = tuple(
        Effect(kind, {p: round(float(v), 3) for p, v in d.effects[kind].items()})
        for kind in EFFECT_KINDS if kind in d.effects
    )
    modifiers = tuple(dict.fromkeys(d.modifiers))
    feel = [m for m in modifiers if m not in ("slow", "fast")]
    if feel:
        understood.append("Feel: " + ", ".join(_mod_label(m).replace("_", " ") for m in feel))
    if d.mode:
        understood.append(f"Mode: {d.mode}")
    if d.adds:
        understood.append("Adds: " + ", ".join(dict.fromkeys(d.adds)))
    if d.removes:
        understood.append("Removes: " + ", ".join(dict.fromkeys(d.removes)))
    if d.build:
        understood.append(_BUILD_LINES[d.build])
    if d.vocal_chops:
        understood.append("Vocal chops: slices of the vocal retriggered on a rhythm where it rests")
    if d.pump:
        understood.append(f"Sidechain: the band and the original duck {d.pump:g} dB on every beat and swell back "
                          "(the drums and the vocal do not)")
    if d.vocal_delivery:
        understood.append("Vocal: breathy (more air in the sung voice)" if d.vocal_delivery == "breathy" else
                          "Vocal: whispered (no pitch: a whisper)")
    _drop_levels_of_removed_parts(d)
    levels = _final_levels(d)
    for word, sign in (("Louder", 1), ("Softer", -1)):
        changed = [f"{label} ({db:+g} dB)" for label, db in d.level_words.items() if db * sign > 0]
        if changed:
            understood.append(f"{word}: " + ", ".join(changed))
    drums = d.drums
    if d.beats_per_bar == 3:
        understood.append("Meter: 3/4 (the song's beats grouped in threes)")
        if drums and drums not in GROOVES_IN_THREE:
            drums = "jazz_waltz" if drums == "swing_jazz" else "waltz"
    if d.vocal_tune:
        understood.append("Vocal: " + ("autotune (its pitch snapped to the song's scale)" if d.vocal_tune == "autotune"
                                       else "a robot voice (held on the key's tonic)"))
    if d.vocal_harmony and d.keep_vocals and not d.harmony_in_parts:  # (else said of the part of the song)
        understood.append("Vocal: " + ("harmony (a second voice a third from the lead's notes, in the song's key)"
                                       if d.vocal_harmony == "harmony" else "doubled (a second take of the lead)"))
    understood.extend(d.notes)
    plan = StylePlan(
        style=d.spec.id,
        style_name=d.spec.name,
        tempo_bpm=bpm,
        tempo_factor=factor,
        tempo_range=(round(float(lo), 1), round(float(hi), 1)),
        mode=d.mode,
        instruments={role: int(p) for role, p in d.instruments.items() if role in ROLES},
        drums=drums,
        drum_kit=int(d.drum_kit),
        swing=round(_clamp(d.swing, 0.0, 0.5), 3),
        energy=round(_clamp(d.energy, 0.0, 1.0), 3),
        brightness=round(_clamp(d.brightness, -1.0, 1.0), 3),
        reverb=round(_clamp(d.reverb, 0.0, 1.0), 3),
        effects=effects,
        keep_original=round(_clamp(d.keep_original, 0.0, 1.0), 3),
        keep_vocals=bool(d.keep_vocals),
        vocal_reverb=round(_clamp(d.vocal_reverb, 0.0, 1.0), 3),
        mood=d.mood,
        palette=tuple(d.palette),
        modifiers=modifiers,
        understood=tuple(dict.fromkeys(understood)),
        ignored_words=tuple(dict.fromkeys(ignored)),
        summary="",
        beats_per_bar=d.beats_per_bar,
        levels=levels,
        only=tuple(dict.fromkeys(d.only)), own_parts=tuple(dict.fromkeys(d.own_parts)),
        removed=tuple(label for label in dict.fromkeys(d.removes) if label in _INSTRUMENT_LABELS),
        vocal_tune=d.vocal_tune,
        vocal_harmony=d.vocal_harmony if d.keep_vocals else "",
        vocal_effects=tuple(Effect(kind, {p: round(float(v), 3) for p, v in d.vocal_effects[kind].items()})
                            for kind in EFFECT_KINDS if kind in d.vocal_effects) if d.keep_vocals else (),
        part_effects={role: tuple(Effect(kind, {p: round(float(v), 3) for p, v in effects[kind].items()})
                                  for kind in EFFECT_KINDS if kind in effects)
                      for role, effects in sorted(d.part_effects.items()) if effects},
        part_rooms={role: (round(scale, 3), round(add, 3)) for role, (scale, add) in sorted(d.part_rooms.items())
                    if (scale, add) != (1.0, 0.0)},
        build=d.build,
        vocal_delivery=d.vocal_delivery,
        pump=round(d.pump, 1),
        vocal_chops=d.vocal_chops,
        timing_feel=d.timing_feel,
        articulation=d.articulation,
        drum_pieces=dict(d.drum_pieces) if drums else {},
        voice=d.voice,
    )
    return replace(plan, summary=_summarise(plan, d))


def _drop_levels_of_removed_parts(d: _Draft) -> None:
    """"less guitar, no guitar", "instrumental, less vocals": the removal wins wherever it comes in
    the prompt, and the plan says so."""
    for label in [label for label in d.level_words if label in d.removes]:
        db = d.level_words.pop(label)
        if label == "vocals":
            d.levels.pop("vocals", None)
        if db:
            word = "Louder" if db > 0 else "Softer"
            d.notes.append(f"{word} {label}: left out, since the prompt also removes the {label}.")


def _final_levels(d: _Draft) -> dict[str, float]:
    """Level changes of the parts still playing; a part turned down and back up again is left out."""
    playing = set(d.instruments) | ({"drums"} if d.drums else set()) | {"vocals"}
    return {role: round(db, 1) for role, db in sorted(d.levels.items()) if role in playing and abs(db) >= 0.05}


def _summarise(plan: StylePlan, d: _Draft) -> str:
    kept = plan.as_is or "accompaniment" in plan.own_parts  # the song as it is (with parts over it: an overdub)
    parts = [AS_IS_NAME if kept else f"{plan.style_name} remix"]
    feel = [_mod_label(m).replace("_", " ") for m in plan.modifiers]
    if feel:
        parts.append(", ".join(feel))
    if d.only_words:
        parts.append("only " + ", ".join(dict.fromkeys(d.only_words)))
    if d.adds:
        parts.append("with " + ", ".join(dict.fromkeys(d.adds)))
    if d.removes:
        parts.append("without " + ", ".join(dict.fromkeys(d.removes)))
    for word, sign in (("louder", 1), ("softer", -1)):
        labels = [label for label, db in d.level_words.items() if db * sign > 0]
        if labels:
            parts.append(f"{word} " + ", ".join(labels))
    if plan.beats_per_bar == 3:
        parts.append("in 3/4")
    if plan.mode:
        parts.append(f"in a {plan.mode} key")
    if plan.tempo_bpm is not None:
        parts.append(f"at {plan.tempo_bpm:g} BPM")
    elif kept:
        parts.append("at its own tempo" if plan.tempo_factor == 1.0 else f"x{plan.tempo_factor:g} its tempo")
    else:
        parts.append(f"around {plan.tempo_range[0]:.0f}-{plan.tempo_range[1]:.0f} BPM")
    return parts[0] + ": " + "; ".join(parts[1:]) + "."
