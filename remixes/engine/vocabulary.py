"""The prompt reader's vocabulary as data: the styles, the words it knows and the instruments they name.

`style.py` holds the logic that reads a prompt with these tables; everything here is plain, typed data,
checked when the module is imported (`_validate`), so a typo in a table fails at once instead of
quietly never matching. General MIDI programs and drum kits are named (`Program`, `Kit`), never bare
numbers. Roles, grooves and effect kinds are enums; the tables hold their plain string values so that
plans stay plain data (JSON, pickles) and compare equal to the strings other stages use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import NamedTuple


class Role(StrEnum):
    """A part of the band the arranger writes."""

    BASS = "bass"
    CHORDS = "chords"
    PAD = "pad"
    LEAD = "lead"
    ARP = "arp"
    STRINGS = "strings"
    BRASS = "brass"
    GUITAR = "guitar"


class Groove(StrEnum):
    """A drum pattern; `arrange.GROOVES` holds one pattern for each (a test checks they agree)."""

    BOOM_BAP = "boom_bap"
    LOFI = "lofi"
    FOUR_ON_FLOOR = "four_on_floor"
    TECHNO = "techno"
    BREAKBEAT = "breakbeat"
    DNB = "dnb"
    TRAP = "trap"
    ROCK = "rock"
    METAL = "metal"
    PUNK = "punk"
    SHUFFLE = "shuffle"
    TRAIN = "train"
    SWING_JAZZ = "swing_jazz"
    BOSSA = "bossa"
    REGGAE = "reggae"
    FUNK = "funk"
    DISCO = "disco"
    HALF_TIME = "half_time"
    BALLAD = "ballad"
    MARCH = "march"
    CHIP = "chip"
    GOSPEL = "gospel"
    DEMBOW = "dembow"
    BHANGRA = "bhangra"
    MAQSUM = "maqsum"
    POLKA = "polka"
    TAIKO = "taiko"
    WALTZ = "waltz"
    JAZZ_WALTZ = "jazz_waltz"


# Grooves written three beats to the bar; every other groove is in four.
GROOVES_IN_THREE = (Groove.WALTZ.value, Groove.JAZZ_WALTZ.value)


class EffectKind(StrEnum):
    """A mix effect, in the order the renderer chains them (a plan lists its effects in this order)."""

    HIGHPASS = "highpass"
    TELEPHONE = "telephone"  # a steep 500 Hz - 3 kHz band and a little drive: a voice on a phone or a megaphone
    DISTORTION = "distortion"
    BITCRUSH = "bitcrush"
    COMPRESSOR = "compressor"
    CHORUS = "chorus"
    PHASER = "phaser"
    DELAY = "delay"
    TAPE = "tape"
    MIDS = "mids"  # a broad bell around 1 kHz, up or down: "boost the mids", "scoop the mids"
    LOWPASS = "lowpass"
    VINYL = "vinyl"
    RAIN = "rain"    # a bed of sound under the instrumental, not a process of it (render.add_ambience)
    WAVES = "waves"
    CROWD = "crowd"  # a live audience: its murmur, and applause at the start and the end
    BIRDS = "birds"  # birdsong: a few birds' phrases of chirps and trills now and then ("nature sounds")
    FIRE = "fire"  # a fireplace: its low roar and the wood's crackles and pops
    WIDE = "wide"
    MONO = "mono"  # "make it mono": the two sides as one (after any widening)
    GAIN = "gain"


# The parameters each effect takes: every effect a plan carries sets all of its kind's (a test checks), so the
# renderer's own fallbacks never decide a sound.
EFFECT_PARAMS: dict[str, tuple[str, ...]] = {
    "highpass": ("cutoff_hz",), "distortion": ("drive_db",), "bitcrush": ("bit_depth", "rate_hz"),
    "compressor": ("threshold_db", "ratio"), "chorus": ("depth", "mix"), "phaser": ("depth", "mix"),
    "delay": ("seconds", "feedback", "mix"), "tape": ("amount",), "lowpass": ("cutoff_hz",), "vinyl": ("amount",),
    "rain": ("amount",), "waves": ("amount",), "crowd": ("amount",), "birds": ("amount",), "fire": ("amount",), "wide": ("amount",), "mono": ("amount",),
    "gain": ("db",), "telephone": ("amount",), "mids": ("db",),
}


# The 128 General MIDI melodic programs, numbered from 0 as the soundfont selects them.
_GM_PROGRAMS = (
    "ACOUSTIC_GRAND_PIANO", "BRIGHT_ACOUSTIC_PIANO", "ELECTRIC_GRAND_PIANO", "HONKY_TONK_PIANO",
    "ELECTRIC_PIANO_1", "ELECTRIC_PIANO_2", "HARPSICHORD", "CLAVINET", "CELESTA", "GLOCKENSPIEL", "MUSIC_BOX",
    "VIBRAPHONE", "MARIMBA", "XYLOPHONE", "TUBULAR_BELLS", "DULCIMER", "DRAWBAR_ORGAN", "PERCUSSIVE_ORGAN",
    "ROCK_ORGAN", "CHURCH_ORGAN", "REED_ORGAN", "ACCORDION", "HARMONICA", "TANGO_ACCORDION", "NYLON_GUITAR",
    "STEEL_GUITAR", "JAZZ_GUITAR", "CLEAN_GUITAR", "MUTED_GUITAR", "OVERDRIVEN_GUITAR", "DISTORTION_GUITAR",
    "GUITAR_HARMONICS", "ACOUSTIC_BASS", "FINGER_BASS", "PICK_BASS", "FRETLESS_BASS", "SLAP_BASS_1", "SLAP_BASS_2",
    "SYNTH_BASS_1", "SYNTH_BASS_2", "VIOLIN", "VIOLA", "CELLO", "CONTRABASS", "TREMOLO_STRINGS",
    "PIZZICATO_STRINGS", "ORCHESTRAL_HARP", "TIMPANI", "STRING_ENSEMBLE_1", "STRING_ENSEMBLE_2", "SYNTH_STRINGS_1",
    "SYNTH_STRINGS_2", "CHOIR_AAHS", "VOICE_OOHS", "SYNTH_VOICE", "ORCHESTRA_HIT", "TRUMPET", "TROMBONE", "TUBA",
    "MUTED_TRUMPET", "FRENCH_HORN", "BRASS_SECTION", "SYNTH_BRASS_1", "SYNTH_BRASS_2", "SOPRANO_SAX", "ALTO_SAX",
    "TENOR_SAX", "BARITONE_SAX", "OBOE", "ENGLISH_HORN", "BASSOON", "CLARINET", "PICCOLO", "FLUTE", "RECORDER",
    "PAN_FLUTE", "BLOWN_BOTTLE", "SHAKUHACHI", "WHISTLE", "OCARINA", "SQUARE_LEAD", "SAW_LEAD", "CALLIOPE_LEAD",
    "CHIFF_LEAD", "CHARANG_LEAD", "VOICE_LEAD", "FIFTHS_LEAD", "BASS_AND_LEAD", "NEW_AGE_PAD", "WARM_PAD",
    "POLYSYNTH_PAD", "CHOIR_PAD", "BOWED_PAD", "METALLIC_PAD", "HALO_PAD", "SWEEP_PAD", "RAIN_FX", "SOUNDTRACK_FX",
    "CRYSTAL_FX", "ATMOSPHERE_FX", "BRIGHTNESS_FX", "GOBLINS_FX", "ECHOES_FX", "SCI_FI_FX", "SITAR", "BANJO",
    "SHAMISEN", "KOTO", "KALIMBA", "BAGPIPE", "FIDDLE", "SHANAI", "TINKLE_BELL", "AGOGO", "STEEL_DRUMS",
    "WOODBLOCK", "TAIKO_DRUM", "MELODIC_TOM", "SYNTH_DRUM", "REVERSE_CYMBAL", "GUITAR_FRET_NOISE", "BREATH_NOISE",
    "SEASHORE", "BIRD_TWEET", "TELEPHONE_RING", "HELICOPTER", "APPLAUSE", "GUNSHOT",
)
Program = IntEnum("Program", {name: number for number, name in enumerate(_GM_PROGRAMS)})
Program.__doc__ = "A General MIDI program (0-127)."
P = Program
CHIP_RATE = 22050.0  # chiptune's crusher holds each sample this long (the 11.025 kHz of a plain "bitcrush" is harsher)


class Kit(IntEnum):
    """A General MIDI (GS) drum kit: the program selected on the drum channel."""

    STANDARD = 0
    ROOM = 8
    POWER = 16
    ELECTRONIC = 24
    TR_808 = 25
    JAZZ = 32
    BRUSH = 40
    ORCHESTRA = 48


# ---------------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True)
class Effect:
    kind: str
    params: dict


def fx(kind: str, **params: float) -> Effect:
    return Effect(kind, params)


@dataclass(frozen=True, kw_only=True)
class StyleSound:
    """The band, drums, mix and look of a style: what a remix in it starts from. `StyleSpec` adds what names
    the style; the prompt reader's working copy (`style._Draft`) is built from these fields."""

    tempo_range: tuple[float, float]
    instruments: dict[str, int]  # role -> Program
    drums: str | None  # a Groove, or None for no drums
    drum_kit: int  # a Kit
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
    tempo_factor: float = 1.0


@dataclass(frozen=True, kw_only=True)
class StyleSpec(StyleSound):
    """One style a prompt can name, and (its StyleSound) the band, drums, mix and look a remix in it starts from."""

    id: str
    name: str
    words: tuple[str, ...]  # nouns naming the style (phrases allowed)
    adjectives: tuple[str, ...] = ()  # "jazzy", "orchestral": name the style, but yield to a noun when both appear
    signature: dict[str, int] = field(default_factory=dict)  # roles lent to another style when blended in
    signature_label: str = ""
    drums_if_added: str = Groove.BALLAD.value  # the groove "with drums" brings to a style without any


STYLE_TABLE: tuple[StyleSpec, ...] = (
    StyleSpec(
        id="lofi", name="Lo-fi hip-hop", mood="nostalgic", tempo_range=(70, 90),
        instruments={"bass": P.FINGER_BASS, "chords": P.ELECTRIC_PIANO_1, "pad": P.WARM_PAD},
        drums="lofi", drum_kit=Kit.ROOM, drums_if_added="ballad", swing=0.2,
        energy=0.35, brightness=-0.5, reverb=0.25, vocal_reverb=0.3,
        keep_original=0.55, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=3.0), fx("tape", amount=0.5),
            fx("lowpass", cutoff_hz=3800.0), fx("vinyl", amount=0.5)),
        palette=("#2b2d42", "#8d99ae", "#f2c6a0", "#e07a5f", "#3d405b"),
        words=("lofi", "lo fi", "low fi", "lowfi", "lofi hip hop", "lo fi hip hop", "chillhop", "chill hop",
            "study beats", "lofi beats", "downtempo", "trip hop", "triphop", "jazzhop", "jazz hop"),
        adjectives=("lofied",),
        signature={"chords": P.ELECTRIC_PIANO_1},
        signature_label="electric piano and vinyl crackle",
    ),
    StyleSpec(
        id="classical", name="Classical", mood="calm", tempo_range=(60, 120),
        instruments={"strings": P.STRING_ENSEMBLE_1, "chords": P.ACOUSTIC_GRAND_PIANO, "lead": P.VIOLIN,
            "bass": P.CONTRABASS},
        drums=None, drum_kit=Kit.ORCHESTRA, drums_if_added="ballad", swing=0.0,
        energy=0.3, brightness=0.0, reverb=0.45, vocal_reverb=0.4,
        keep_original=0.25, keep_vocals=False,
        effects=(),
        palette=("#f4ecd8", "#c9a227", "#7b2d26", "#3e2723", "#e8d5b5"),
        words=("classical", "baroque", "chamber music", "string quartet", "symphony", "concerto", "sonata",
            "mozart", "bach", "beethoven", "chopin", "vivaldi", "opera", "operatic", "gregorian chant", "chant",
            "choral"),
        adjectives=("classically",),
        signature={"strings": P.STRING_ENSEMBLE_1},
        signature_label="strings",
    ),
    StyleSpec(
        id="jazz", name="Jazz", mood="romantic", tempo_range=(90, 180),
        instruments={"bass": P.ACOUSTIC_BASS, "chords": P.ACOUSTIC_GRAND_PIANO, "lead": P.TENOR_SAX},
        drums="swing_jazz", drum_kit=Kit.BRUSH, drums_if_added="swing_jazz", swing=0.33,
        energy=0.45, brightness=0.05, reverb=0.25, vocal_reverb=0.25,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=2.0),),
        palette=("#0b132b", "#1c2541", "#c9a227", "#5bc0be", "#f1e3c8"),
        words=("jazz", "bebop", "smooth jazz", "big band", "jazz fusion", "swing jazz", "cool jazz", "acid jazz",
               "swing music", "swing version", "swing era"),
        adjectives=("jazzy", "jazzier"),
        signature={"lead": P.TENOR_SAX},
        signature_label="saxophone and swing",
    ),
    StyleSpec(
        id="house", name="House", mood="happy", tempo_range=(118, 128),
        instruments={"bass": P.SYNTH_BASS_1, "chords": P.BRIGHT_ACOUSTIC_PIANO, "pad": P.WARM_PAD},
        drums="four_on_floor", drum_kit=Kit.ELECTRONIC, drums_if_added="four_on_floor", swing=0.08,
        energy=0.7, brightness=0.2, reverb=0.2, vocal_reverb=0.25,
        keep_original=0.45, keep_vocals=True,
        effects=(fx("highpass", cutoff_hz=35.0), fx("compressor", threshold_db=-20.0, ratio=4.0)),
        palette=("#1a1a2e", "#e94560", "#0f3460", "#f5f5f5", "#16213e"),
        words=("house", "deep house", "tech house", "afro house", "progressive house", "garage", "uk garage", "2 step",
            "tropical house", "funky house"),
        signature={"chords": P.BRIGHT_ACOUSTIC_PIANO},
        signature_label="house piano",
    ),
    StyleSpec(
        id="edm", name="EDM", mood="energetic", tempo_range=(124, 132),
        instruments={"bass": P.SYNTH_BASS_1, "chords": P.POLYSYNTH_PAD, "lead": P.SAW_LEAD, "pad": P.WARM_PAD,
            "arp": P.SAW_LEAD},
        drums="four_on_floor", drum_kit=Kit.ELECTRONIC, drums_if_added="four_on_floor", swing=0.0,
        energy=0.9, brightness=0.35, reverb=0.25, vocal_reverb=0.3,
        keep_original=0.35, keep_vocals=True,
        effects=(fx("highpass", cutoff_hz=30.0), fx("compressor", threshold_db=-22.0, ratio=4.0),
            fx("wide", amount=0.5)),
        palette=("#0d0221", "#ff2a6d", "#05d9e8", "#d1f7ff", "#650d89"),
        words=("edm", "electronic dance", "big room", "festival", "electro", "dance music", "dance", "hardstyle",
            "future bass", "rave", "club", "electronica", "happy hardcore", "gabber", "eurodance", "euro dance",
            "hi nrg", "hinrg", "jersey club", "futuristic"),
        adjectives=("electronic",),
        signature={"lead": P.SAW_LEAD},
        signature_label="saw lead",
    ),
    StyleSpec(
        id="techno", name="Techno", mood="dark", tempo_range=(125, 140),
        instruments={"bass": P.SYNTH_BASS_2, "arp": P.SAW_LEAD, "pad": P.SWEEP_PAD},
        drums="techno", drum_kit=Kit.ELECTRONIC, drums_if_added="techno", swing=0.0,
        energy=0.8, brightness=-0.1, reverb=0.2, vocal_reverb=0.3,
        keep_original=0.35, keep_vocals=True,
        effects=(fx("highpass", cutoff_hz=30.0), fx("compressor", threshold_db=-20.0, ratio=4.0),
            fx("delay", seconds=0.375, feedback=0.3, mix=0.15)),
        palette=("#0a0a0a", "#3a3a3a", "#ff3c00", "#bdbdbd", "#1f1f1f"),
        words=("techno", "minimal techno", "industrial", "acid", "acid techno", "berlin techno", "idm",
               "melodic techno"),
        signature={"arp": P.SAW_LEAD},
        signature_label="synth arpeggio",
    ),
    StyleSpec(
        id="trance", name="Trance", mood="epic", tempo_range=(132, 140),
        instruments={"bass": P.SYNTH_BASS_1, "pad": P.POLYSYNTH_PAD, "lead": P.SAW_LEAD, "arp": P.SAW_LEAD},
        drums="four_on_floor", drum_kit=Kit.ELECTRONIC, drums_if_added="four_on_floor", swing=0.0,
        energy=0.85, brightness=0.3, reverb=0.35, vocal_reverb=0.4,
        keep_original=0.35, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=3.0), fx("delay", seconds=0.34, feedback=0.35, mix=0.2),
            fx("wide", amount=0.6)),
        palette=("#10002b", "#5a189a", "#9d4edd", "#48cae4", "#e0aaff"),
        words=("trance", "psytrance", "psy trance", "uplifting trance", "goa"),
        signature={"pad": P.POLYSYNTH_PAD},
        signature_label="supersaw pads",
    ),
    StyleSpec(
        id="dnb", name="Drum & bass", mood="energetic", tempo_range=(165, 178),
        instruments={"bass": P.SYNTH_BASS_2, "pad": P.WARM_PAD, "chords": P.ELECTRIC_PIANO_1},
        drums="dnb", drum_kit=Kit.ELECTRONIC, drums_if_added="dnb", swing=0.0,
        energy=0.85, brightness=0.2, reverb=0.2, vocal_reverb=0.3,
        keep_original=0.35, keep_vocals=True,
        effects=(fx("highpass", cutoff_hz=30.0), fx("compressor", threshold_db=-20.0, ratio=4.0)),
        palette=("#03071e", "#370617", "#dc2f02", "#ffba08", "#6a040f"),
        words=("dnb", "drum and bass", "drum n bass", "drumnbass", "drum bass", "jungle", "liquid dnb", "neurofunk",
            "liquid funk", "breakcore", "footwork", "juke"),
        signature={"bass": P.SYNTH_BASS_2},
        signature_label="reese bass",
    ),
    # a polysynth's steady saw chords, where a sweep pad's moving filter blurred them (dense songs stretched to
    # 140: arrange._RETIMBRED has the rest)
    StyleSpec(
        id="dubstep", name="Dubstep", mood="aggressive", tempo_range=(140, 150),
        instruments={"bass": P.SYNTH_BASS_2, "lead": P.SAW_LEAD, "pad": P.POLYSYNTH_PAD},
        drums="half_time", drum_kit=Kit.ELECTRONIC, drums_if_added="half_time", swing=0.0,
        energy=0.9, brightness=0.0, reverb=0.2, vocal_reverb=0.3,
        keep_original=0.3, keep_vocals=True,
        effects=(fx("distortion", drive_db=6.0), fx("compressor", threshold_db=-22.0, ratio=5.0)),
        palette=("#000000", "#39ff14", "#1b1b1b", "#7df9ff", "#2d0036"),
        words=("dubstep", "brostep", "riddim", "wobble"),
        signature={"bass": P.SYNTH_BASS_2},
        signature_label="wobble bass",
    ),
    # trap's bells on a celesta: a glockenspiel's bar partials are not harmonics, and on every sixteenth they
    # sounded pitch classes the song has not (armygeddon as trap at 0.5: 0.50 -> 0.63 with the celesta)
    StyleSpec(
        id="trap", name="Trap", mood="dark", tempo_range=(130, 160),
        instruments={"bass": P.SYNTH_BASS_1, "pad": P.WARM_PAD, "arp": P.CELESTA},
        drums="trap", drum_kit=Kit.TR_808, drums_if_added="trap", swing=0.0,
        energy=0.75, brightness=-0.1, reverb=0.2, vocal_reverb=0.25,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=4.0),),
        palette=("#0b0b0f", "#6c2bd9", "#f72585", "#b5179e", "#2b2d42"),
        words=("trap", "drill", "phonk", "grime", "trap beat", "uk drill"),
        signature={"bass": P.SYNTH_BASS_1},
        signature_label="808 bass",
    ),
    # from 80 bpm boom bap to the 110s of its early records: fewer songs are stretched (arrange.choose_timing);
    # an 808 kit and sub bass under the sampled-piano loop, as on the records (musicnn hears hip-hop in them)
    StyleSpec(
        id="hiphop", name="Hip-hop (boom bap)", mood="energetic", tempo_range=(80, 115),
        instruments={"bass": P.SYNTH_BASS_1, "chords": P.ACOUSTIC_GRAND_PIANO, "brass": P.BRASS_SECTION},
        drums="boom_bap", drum_kit=Kit.TR_808, drums_if_added="boom_bap", swing=0.12,
        energy=0.6, brightness=-0.1, reverb=0.15, vocal_reverb=0.2,
        keep_original=0.45, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0), fx("tape", amount=0.25)),
        palette=("#1b1b1b", "#f4a261", "#e9c46a", "#264653", "#e76f51"),
        words=("hip hop", "hiphop", "boom bap", "boombap", "rap", "old school hip hop", "90s hip hop"),
        signature={},
        signature_label="boom-bap drums",
    ),
    StyleSpec(
        id="rock", name="Rock", mood="energetic", tempo_range=(80, 160),
        instruments={"bass": P.PICK_BASS, "guitar": P.OVERDRIVEN_GUITAR, "chords": P.ACOUSTIC_GRAND_PIANO},
        drums="rock", drum_kit=Kit.ROOM, drums_if_added="rock", swing=0.0,
        energy=0.75, brightness=0.2, reverb=0.15, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0), fx("distortion", drive_db=3.0)),
        palette=("#1c1c1c", "#b71c1c", "#f5f5f5", "#616161", "#ff6f00"),
        words=("rock", "rock and roll", "rock n roll", "rocknroll", "classic rock", "hard rock", "indie rock",
            "alternative", "alt rock", "grunge", "garage rock", "soft rock", "stoner rock", "britpop",
            "garage band", "shoegaze", "psychedelic rock", "surf rock", "rockabilly", "indie"),
        adjectives=("rocky", "rockier"),
        signature={"guitar": P.OVERDRIVEN_GUITAR},
        signature_label="overdriven guitar",
    ),
    StyleSpec(
        id="metal", name="Metal", mood="aggressive", tempo_range=(110, 180),
        instruments={"bass": P.PICK_BASS, "guitar": P.DISTORTION_GUITAR, "lead": P.DISTORTION_GUITAR},
        drums="metal", drum_kit=Kit.POWER, drums_if_added="metal", swing=0.0,
        energy=0.95, brightness=0.1, reverb=0.12, vocal_reverb=0.15,
        keep_original=0.3, keep_vocals=True,
        effects=(fx("distortion", drive_db=8.0), fx("compressor", threshold_db=-20.0, ratio=4.0)),
        palette=("#000000", "#4a0000", "#8b0000", "#c0c0c0", "#1a1a1a"),
        words=("metal", "heavy metal", "metalcore", "death metal", "thrash", "thrash metal", "djent", "nu metal",
            "black metal", "doom metal"),
        signature={"guitar": P.DISTORTION_GUITAR},
        signature_label="distorted guitar",
    ),
    # up to hardcore's 230: a 112 bpm song plays at its double unstretched, where it was stretched 11 % to 200 and
    # its harmony smeared (two death-metal songs at 0.5: 0.52-0.58 -> 0.66-0.80; musicnn's "punk" 0.36-0.53 ->
    # 0.24-0.41 on these already punk-tagged songs)
    StyleSpec(
        id="punk", name="Punk", mood="energetic", tempo_range=(150, 230),
        instruments={"bass": P.PICK_BASS, "guitar": P.OVERDRIVEN_GUITAR},
        drums="punk", drum_kit=Kit.STANDARD, drums_if_added="punk", swing=0.0,
        energy=0.95, brightness=0.25, reverb=0.1, vocal_reverb=0.1,
        keep_original=0.35, keep_vocals=True,
        effects=(fx("distortion", drive_db=6.0), fx("compressor", threshold_db=-18.0, ratio=4.0)),
        palette=("#111111", "#ff0054", "#ffbd00", "#f5f5f5", "#390099"),
        words=("punk", "pop punk", "punk rock", "emo", "hardcore", "skate punk", "ska punk"),
        signature={"guitar": P.OVERDRIVEN_GUITAR},
        signature_label="fast power chords",
    ),
    StyleSpec(
        id="acoustic", name="Acoustic / folk", mood="calm", tempo_range=(80, 120),
        instruments={"guitar": P.STEEL_GUITAR, "bass": P.ACOUSTIC_BASS, "chords": P.ACOUSTIC_GRAND_PIANO},
        drums="ballad", drum_kit=Kit.BRUSH, drums_if_added="ballad", swing=0.05,
        energy=0.35, brightness=0.1, reverb=0.2, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=2.0),),
        palette=("#f1faee", "#a8dadc", "#7f5539", "#b08968", "#ddb892"),
        words=("acoustic", "folk", "indie folk", "singer songwriter", "campfire", "folk song", "unplugged",
            "celtic", "irish", "medieval", "renaissance", "bard", "tavern", "sea shanty", "shanty",
            "fado", "chanson", "tarantella", "scottish folk", "bouzouki"),
        adjectives=("folky", "folkier"),
        signature={"guitar": P.STEEL_GUITAR},
        signature_label="acoustic guitar",
    ),
    # the train beat on brushes (a snare brushed on every eighth, the backbeat accented), the kit 3 dB under
    # the band and the steel-string strum 3 dB over it (arrange._MIXES): a room kit's shuffle kept a music
    # tagger hearing rock and drums in it
    StyleSpec(
        id="country", name="Country", mood="happy", tempo_range=(90, 130),
        instruments={"guitar": P.STEEL_GUITAR, "bass": P.ACOUSTIC_BASS, "lead": P.FIDDLE,
            "chords": P.ACOUSTIC_GRAND_PIANO},
        drums="train", drum_kit=Kit.BRUSH, drums_if_added="train", swing=0.1,
        energy=0.6, brightness=0.2, reverb=0.15, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=2.5),),
        palette=("#fefae0", "#dda15e", "#bc6c25", "#606c38", "#283618"),
        words=("country", "bluegrass", "western", "americana", "honky tonk", "country western", "hoedown", "cowboy"),
        signature={"lead": P.FIDDLE},
        signature_label="fiddle",
    ),
    # roots' one drop to ska's 120: an octave, so some octave of any song's tempo lies in it, none is stretched;
    # the one drop on a drum machine, as in digital reggae (its drier kit leaves the harmony clearer)
    StyleSpec(
        id="reggae", name="Reggae", mood="happy", tempo_range=(60, 120),
        instruments={"bass": P.FINGER_BASS, "guitar": P.CLEAN_GUITAR, "chords": P.DRAWBAR_ORGAN},
        drums="reggae", drum_kit=Kit.TR_808, drums_if_added="reggae", swing=0.1,
        energy=0.5, brightness=0.05, reverb=0.2, vocal_reverb=0.3,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),
            fx("delay", seconds=0.375, feedback=0.35, mix=0.18)),
        palette=("#009b3a", "#fed100", "#000000", "#e8e8e8", "#c8102e"),
        words=("reggae", "dub", "roots reggae", "ska", "dancehall", "rocksteady", "skank", "skanks", "skanking",
            "steel band"),
        signature={"guitar": P.CLEAN_GUITAR},
        signature_label="offbeat guitar skank",
    ),
    # from a slow bossa's 70 to the 140 of its cut-time classics: an octave, so some octave of any song's tempo
    # lies in it and none is stretched (a song at 89 bpm stretched to 100 lost its harmony under the stretch)
    StyleSpec(
        id="bossa", name="Bossa nova", mood="romantic", tempo_range=(70, 140),
        instruments={"guitar": P.NYLON_GUITAR, "bass": P.ACOUSTIC_BASS, "chords": P.ELECTRIC_PIANO_1,
            "lead": P.FLUTE},
        drums="bossa", drum_kit=Kit.BRUSH, drums_if_added="bossa", swing=0.05,
        energy=0.35, brightness=0.05, reverb=0.2, vocal_reverb=0.25,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=2.0),),
        palette=("#fff1e6", "#ff9f1c", "#2ec4b6", "#cbf3f0", "#e36414"),
        words=("bossa nova", "bossa", "bossanova", "brazilian", "mpb", "elevator music", "muzak", "easy listening"),
        adjectives=("lounge", "cocktail", "elevator", "hotel lobby"),
        signature={"guitar": P.NYLON_GUITAR},
        signature_label="nylon guitar",
    ),
    StyleSpec(
        id="latin", name="Latin (salsa)", mood="happy", tempo_range=(90, 125),
        instruments={"chords": P.ACOUSTIC_GRAND_PIANO, "bass": P.FINGER_BASS, "brass": P.BRASS_SECTION,
            "lead": P.TRUMPET},
        drums="bossa", drum_kit=Kit.STANDARD, drums_if_added="bossa", swing=0.05,
        energy=0.75, brightness=0.3, reverb=0.2, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),),
        palette=("#ffbe0b", "#fb5607", "#ff006e", "#8338ec", "#3a86ff"),
        words=("latin", "salsa", "samba", "mambo", "cumbia", "merengue", "bachata", "tango", "flamenco", "mariachi",
            "ranchera", "soca", "zouk", "calypso"),
        adjectives=("tropical",),
        signature={"brass": P.BRASS_SECTION},
        signature_label="brass section",
    ),
    # Bollywood and bhangra ("bollywood", "indian", "desi", "punjabi": unread, a Pop remix): a sitar carries the tune
    # over a string section and a santoor (the dulcimer), on the dhol's bouncing chaal with the tabla's bongos
    StyleSpec(
        id="bollywood", name="Bollywood / bhangra", mood="happy", tempo_range=(88, 116),
        instruments={"lead": P.SITAR, "strings": P.STRING_ENSEMBLE_1, "arp": P.DULCIMER, "bass": P.FINGER_BASS},
        drums="bhangra", drum_kit=Kit.STANDARD, drums_if_added="bhangra", swing=0.08,
        energy=0.75, brightness=0.1, reverb=0.25, vocal_reverb=0.3,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),),
        palette=("#ff9933", "#138808", "#ffd700", "#c71585", "#1d3557"),
        words=("bollywood", "bhangra", "desi", "punjabi", "hindi", "indian", "filmi", "tollywood", "bollywood style",
            "indian wedding", "sangeet", "qawwali", "ghazal",
            "sufi", "carnatic", "bhajan", "hindustani"),
        signature={"lead": P.SITAR},
        signature_label="sitar and dhol",
    ),
    # Arabic ("arabic", "middle eastern", "belly dance": unread, a Pop remix): a plucked lute (General MIDI's shamisen,
    # as "oud" reads) carries the tune over a string section and an accordion, on the darbuka's maqsum with a riq
    StyleSpec(
        id="arabic", name="Arabic / Middle Eastern", mood="energetic", tempo_range=(90, 125),
        instruments={"lead": P.SHAMISEN, "strings": P.STRING_ENSEMBLE_1, "chords": P.ACCORDION,
            "bass": P.ACOUSTIC_BASS},
        drums="maqsum", drum_kit=Kit.STANDARD, drums_if_added="maqsum", swing=0.05,
        energy=0.7, brightness=0.05, reverb=0.3, vocal_reverb=0.35,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),),
        palette=("#c1121f", "#fdf0d5", "#003049", "#e9c46a", "#2a9d8f"),
        words=("arabic", "arab", "middle eastern", "middle east", "the middle east", "the middle eastern",
               "belly dance", "belly dancing", "bellydance",
            "oriental", "egyptian", "turkish", "persian", "arabian", "shaabi", "khaleeji", "dabke", "rai", "mizrahi",
            "arabesque"),
        signature={"lead": P.SHAMISEN},
        signature_label="oud and darbuka",
    ),
    StyleSpec(
        id="reggaeton", name="Reggaeton", mood="energetic", tempo_range=(88, 100),
        instruments={"bass": P.SYNTH_BASS_1, "chords": P.ELECTRIC_PIANO_1, "pad": P.WARM_PAD, "lead": P.SAW_LEAD},
        drums="dembow", drum_kit=Kit.TR_808, drums_if_added="dembow", swing=0.0,
        energy=0.8, brightness=0.15, reverb=0.15, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=4.0),),
        palette=("#1b0036", "#ff006e", "#ffbe0b", "#00f5d4", "#3a0ca3"),
        words=("reggaeton", "regueton", "dembow", "dem bow", "perreo", "urbano latino", "urbano", "latin urban",
            "moombahton",
            "musica urbana"),
        signature={"bass": P.SYNTH_BASS_1},
        signature_label="808 bass",
    ),
    StyleSpec(
        id="funk", name="Funk", mood="happy", tempo_range=(95, 115),
        instruments={"bass": P.SLAP_BASS_1, "guitar": P.MUTED_GUITAR, "chords": P.CLAVINET, "brass": P.BRASS_SECTION},
        drums="funk", drum_kit=Kit.STANDARD, drums_if_added="funk", swing=0.12,
        energy=0.75, brightness=0.25, reverb=0.15, vocal_reverb=0.15,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),),
        palette=("#ff9e00", "#ff0054", "#9e0059", "#390099", "#ffbd00"),
        words=("funk", "p funk", "g funk", "jazz funk"),
        adjectives=("funky", "funkier"),
        signature={"bass": P.SLAP_BASS_1},
        signature_label="slap bass",
    ),
    StyleSpec(
        id="disco", name="Disco", mood="happy", tempo_range=(115, 128),
        instruments={"bass": P.FINGER_BASS, "strings": P.STRING_ENSEMBLE_2, "guitar": P.MUTED_GUITAR,
            "chords": P.ACOUSTIC_GRAND_PIANO, "brass": P.BRASS_SECTION},
        drums="disco", drum_kit=Kit.STANDARD, drums_if_added="disco", swing=0.05,
        energy=0.8, brightness=0.35, reverb=0.2, vocal_reverb=0.25,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0), fx("phaser", depth=0.3, mix=0.15)),
        palette=("#ff006e", "#ffbe0b", "#8338ec", "#fb5607", "#f8f9fa"),
        words=("disco", "nu disco", "nudisco", "70s disco", "boogie"),
        signature={"strings": P.STRING_ENSEMBLE_2},
        signature_label="disco strings",
    ),
    StyleSpec(
        id="synthwave", name="Synthwave / 80s", mood="nostalgic", tempo_range=(80, 118),
        instruments={"bass": P.SYNTH_BASS_1, "pad": P.WARM_PAD, "lead": P.SAW_LEAD, "arp": P.SAW_LEAD,
            "chords": P.POLYSYNTH_PAD},
        drums="four_on_floor", drum_kit=Kit.ELECTRONIC, drums_if_added="four_on_floor", swing=0.0,
        energy=0.65, brightness=0.1, reverb=0.35, vocal_reverb=0.4,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("chorus", depth=0.4, mix=0.3), fx("delay", seconds=0.3, feedback=0.3, mix=0.18),
            fx("wide", amount=0.5)),
        palette=("#2b0f54", "#ab1f65", "#ff4f69", "#ff8a00", "#00f0ff", "#0d0221"),
        words=("synthwave", "synth wave", "retrowave", "outrun", "80s", "eighties", "1980s", "synthpop",
            "synth pop", "new wave", "chillwave", "darkwave", "cyberpunk", "night drive", "late night drive",
            "midnight drive", "driving at night", "night driving", "nightdrive"),
        signature={"arp": P.SAW_LEAD, "pad": P.WARM_PAD},
        signature_label="80s synth pads and arpeggios",
    ),
    StyleSpec(
        id="vaporwave", name="Vaporwave", mood="dreamy", tempo_range=(60, 95),
        instruments={"chords": P.ELECTRIC_PIANO_1, "pad": P.WARM_PAD, "lead": P.SOPRANO_SAX, "bass": P.FRETLESS_BASS},
        drums="half_time", drum_kit=Kit.ELECTRONIC, drums_if_added="half_time", swing=0.05,
        energy=0.35, brightness=-0.3, reverb=0.5, vocal_reverb=0.5,
        keep_original=0.6, keep_vocals=True, tempo_factor=0.85,
        effects=(fx("chorus", depth=0.5, mix=0.35), fx("delay", seconds=0.45, feedback=0.3, mix=0.2),
            fx("tape", amount=0.4), fx("lowpass", cutoff_hz=6000.0)),
        palette=("#ff71ce", "#01cdfe", "#05ffa1", "#b967ff", "#fffb96"),
        words=("vaporwave", "vapor wave", "vapourwave", "mallsoft", "future funk", "empty mall", "mall"),
        adjectives=("aesthetic",),
        signature={"lead": P.SOPRANO_SAX},
        signature_label="slowed, chorused haze",
    ),
    StyleSpec(
        # an octave of tempo: any song's own (45-180 bpm) folds into it, and is kept (no stretch: see
        # arrange.choose_timing); ambient has no beat that needs a faster or slower pulse
        id="ambient", name="Ambient", mood="dreamy", tempo_range=(45, 90),
        # a soft fretless under the washes holds the song's roots: without it a dense song's harmony
        # blurs (a death-metal song at 0.5: aligned chroma similarity 0.53 -> 0.63)
        instruments={"pad": P.WARM_PAD, "strings": P.BOWED_PAD, "arp": P.CRYSTAL_FX, "bass": P.FRETLESS_BASS},
        drums=None, drum_kit=Kit.ORCHESTRA, drums_if_added="half_time", swing=0.0,
        energy=0.1, brightness=-0.1, reverb=0.7, vocal_reverb=0.6,
        keep_original=0.5, keep_vocals=True,
        effects=(fx("chorus", depth=0.3, mix=0.2), fx("delay", seconds=0.5, feedback=0.25, mix=0.12),
            fx("lowpass", cutoff_hz=7000.0), fx("wide", amount=0.7)),
        palette=("#0b1d2a", "#1b4965", "#62b6cb", "#bee9e8", "#cae9ff"),
        words=("ambient", "drone", "new age", "meditation", "soundscape", "space music", "chillout", "chill out",
            "relaxation", "spa", "yoga", "spa music"),
        adjectives=("atmospheric", "meditative", "meditate", "meditating", "mindfulness", "mindful"),
        signature={"pad": P.WARM_PAD},
        signature_label="ambient pads",
    ),
    StyleSpec(
        id="cinematic", name="Cinematic / orchestral", mood="epic", tempo_range=(70, 110),
        instruments={"strings": P.STRING_ENSEMBLE_1, "brass": P.FRENCH_HORN, "pad": P.CHOIR_AAHS,
            "bass": P.CONTRABASS, "chords": P.ACOUSTIC_GRAND_PIANO},
        drums="half_time", drum_kit=Kit.ORCHESTRA, drums_if_added="half_time", swing=0.0,
        energy=0.6, brightness=0.0, reverb=0.55, vocal_reverb=0.45,
        keep_original=0.35, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=2.0), fx("wide", amount=0.4)),
        palette=("#0d1b2a", "#1b263b", "#c5a880", "#778da9", "#e0e1dd"),
        words=("orchestra", "film score", "movie score", "symphonic orchestra", "orchestral", "cinematic",
               "end credits", "the end credits", "credits",
            "film music", "musical theatre", "musical theater", "broadway", "show tune", "showtune"),
        # "soundtrack" and its kin yield to a genre noun: "video game soundtrack" is chiptune
        adjectives=("symphonic", "filmic", "soundtrack", "movie", "film", "trailer", "score"),
        signature={"strings": P.STRING_ENSEMBLE_1, "brass": P.FRENCH_HORN},
        signature_label="strings and horns",
    ),
    StyleSpec(
        id="chiptune", name="Chiptune / 8-bit", mood="happy", tempo_range=(120, 160),
        instruments={"bass": P.SQUARE_LEAD, "lead": P.SQUARE_LEAD, "arp": P.SAW_LEAD},
        drums="chip", drum_kit=Kit.ELECTRONIC, drums_if_added="chip", swing=0.0,
        energy=0.7, brightness=0.3, reverb=0.1, vocal_reverb=0.1,
        keep_original=0.15, keep_vocals=False,
        effects=(fx("bitcrush", bit_depth=6.0, rate_hz=CHIP_RATE), fx("lowpass", cutoff_hz=9000.0)),
        palette=("#0f380f", "#306230", "#8bac0f", "#9bbc0f", "#ff004d", "#29adff"),
        words=("chiptune", "chip tune", "chiptunes", "8 bit", "8bit", "16 bit", "16bit", "video game", "videogame",
            "game boy", "gameboy", "nes", "retro game", "arcade", "pixel", "video game soundtrack",
            "game soundtrack", "video game music", "game music", "retro video game"),
        signature={"lead": P.SQUARE_LEAD},
        signature_label="square-wave lead and bitcrushing",
    ),
    StyleSpec(
        id="rnb", name="R&B / soul", mood="romantic", tempo_range=(65, 100),
        instruments={"bass": P.FINGER_BASS, "chords": P.ELECTRIC_PIANO_1, "pad": P.WARM_PAD,
            "strings": P.STRING_ENSEMBLE_1},
        drums="boom_bap", drum_kit=Kit.STANDARD, drums_if_added="boom_bap", swing=0.15,
        energy=0.5, brightness=0.0, reverb=0.25, vocal_reverb=0.35,
        keep_original=0.45, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0), fx("chorus", depth=0.2, mix=0.12)),
        palette=("#2d00f7", "#6a00f4", "#b100e8", "#e500a4", "#f20089"),
        words=("rnb", "r and b", "r n b", "soul", "neo soul", "neosoul", "motown", "slow jam", "slow dance",
            "contemporary r and b", "doo wop", "doowop"),
        adjectives=("soulful",),
        signature={"chords": P.ELECTRIC_PIANO_1},
        signature_label="electric piano",
    ),
    StyleSpec(
        id="gospel", name="Gospel", mood="happy", tempo_range=(70, 120),
        instruments={"chords": P.DRAWBAR_ORGAN, "pad": P.CHOIR_AAHS, "bass": P.FINGER_BASS,
            "strings": P.STRING_ENSEMBLE_1},
        drums="gospel", drum_kit=Kit.STANDARD, drums_if_added="gospel", swing=0.15,
        energy=0.65, brightness=0.2, reverb=0.35, vocal_reverb=0.4,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),),
        palette=("#fff3b0", "#e09f3e", "#9e2a2b", "#540b0e", "#fdf0d5"),
        words=("gospel", "church", "spiritual", "worship", "hymn", "praise"),
        signature={"chords": P.DRAWBAR_ORGAN, "pad": P.CHOIR_AAHS},
        signature_label="organ and choir",
    ),
    # Voices only: the original accompaniment goes (arrange._VOICES_ONLY), the song's vocal (or the new lyrics) leads
    # and a choir sings the harmony, a low "ooh" the bass line and, without a singer, the melody. A wide tempo
    # range: a vocal group sings the song at its own tempo.
    StyleSpec(
        id="acappella", name="A cappella", mood="calm", tempo_range=(60, 150),
        instruments={"pad": P.CHOIR_AAHS, "chords": P.VOICE_OOHS, "bass": P.VOICE_OOHS, "lead": P.SYNTH_VOICE},
        drums=None, drum_kit=Kit.STANDARD, drums_if_added="ballad", swing=0.0,
        energy=0.3, brightness=0.0, reverb=0.45, vocal_reverb=0.35,
        keep_original=0.2, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=2.0),),
        palette=("#f8f1e5", "#d4a373", "#6b4226", "#2f3e46", "#cad2c5"),
        words=("a cappella", "acappella", "a capella", "acapella", "cappella", "capella", "vocals only",
            "only vocals", "only the vocals", "just the vocals", "just vocals", "vocal only", "voices only",
            "only voices", "barbershop", "vocal group", "choir only", "no music just vocals", "no music only vocals",
            "no music just the vocals", "no instruments just vocals", "no instruments just the vocals",
            # the music taken away, the voice left (were unread)
            "remove the background music", "remove background music", "no background music",
            "without background music", "without the background music", "remove the instruments",
            "remove all the instruments", "remove all instruments", "no instruments", "without instruments",
            "without any instruments", "isolate the vocals", "isolated vocals", "extract the vocals"),
        signature={"pad": P.CHOIR_AAHS},
        signature_label="choir",
    ),
    # an octave of slow tempi, so some octave of any song's tempo lies in it and none is stretched (was 60-80:
    # a song at 96 bpm stretched to 80 lost its harmony under the stretch)
    StyleSpec(
        id="piano_ballad", name="Piano ballad", mood="sad", tempo_range=(50, 100),
        instruments={"chords": P.ACOUSTIC_GRAND_PIANO, "strings": P.STRING_ENSEMBLE_1, "bass": P.ACOUSTIC_BASS},
        drums=None, drum_kit=Kit.BRUSH, drums_if_added="ballad", swing=0.0,
        energy=0.2, brightness=0.0, reverb=0.35, vocal_reverb=0.35,
        keep_original=0.35, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=2.0),),
        palette=("#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"),
        # "piano only", "just piano": the piano alone (style.ONLY_STYLES), in this style when no other is named
        words=("piano ballad", "ballad", "power ballad", "solo piano", "piano version", "piano cover", "piano solo"),
        signature={"chords": P.ACOUSTIC_GRAND_PIANO},
        signature_label="piano",
    ),
    # an overdriven guitar playing the shuffle's boogie (arrange._boogie), as in Chicago blues and blues rock: the
    # jazz guitar's clean strum over a rock song lost the "guitar" and "classic rock" a music tagger heard in it
    StyleSpec(
        id="blues", name="Blues", mood="nostalgic", tempo_range=(70, 110),
        instruments={"guitar": P.OVERDRIVEN_GUITAR, "chords": P.ACOUSTIC_GRAND_PIANO, "bass": P.FINGER_BASS,
            "lead": P.HARMONICA},
        drums="shuffle", drum_kit=Kit.STANDARD, drums_if_added="shuffle", swing=0.33,
        energy=0.55, brightness=0.0, reverb=0.2, vocal_reverb=0.25,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=2.5), fx("tape", amount=0.2)),
        palette=("#03045e", "#0077b6", "#00b4d8", "#caf0f8", "#d4a373"),
        words=("blues", "delta blues", "12 bar", "twelve bar", "chicago blues", "blues rock"),
        adjectives=("bluesy", "bluesier"),
        signature={"lead": P.HARMONICA},
        signature_label="harmonica and shuffle",
    ),
    StyleSpec(
        id="pop", name="Pop", mood="happy", tempo_range=(95, 125),
        instruments={"bass": P.FINGER_BASS, "chords": P.ACOUSTIC_GRAND_PIANO, "pad": P.WARM_PAD,
            "guitar": P.STEEL_GUITAR},
        drums="rock", drum_kit=Kit.ELECTRONIC, drums_if_added="rock", swing=0.0,
        energy=0.6, brightness=0.2, reverb=0.2, vocal_reverb=0.3,
        keep_original=0.55, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),),
        palette=("#ffafcc", "#bde0fe", "#a2d2ff", "#cdb4db", "#ffc8dd"),
        words=("pop", "mainstream", "top 40", "indie pop", "electropop", "dance pop", "hyperpop", "bedroom pop",
            "dream pop", "boy band", "boyband", "girl group", "girl band"),
        adjectives=("poppy", "poppier"),
        signature={"pad": P.WARM_PAD},
        signature_label="bright pop pads",
    ),
    StyleSpec(
        id="kpop", name="K-pop", mood="energetic", tempo_range=(100, 130),
        instruments={"bass": P.SYNTH_BASS_1, "chords": P.POLYSYNTH_PAD, "lead": P.SAW_LEAD, "arp": P.SAW_LEAD,
            "brass": P.SYNTH_BRASS_1},
        drums="four_on_floor", drum_kit=Kit.ELECTRONIC, drums_if_added="four_on_floor", swing=0.0,
        energy=0.85, brightness=0.4, reverb=0.2, vocal_reverb=0.3,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=4.0), fx("wide", amount=0.4)),
        palette=("#ff99c8", "#fcf6bd", "#d0f4de", "#a9def9", "#e4c1f9"),
        words=("kpop", "k pop", "jpop", "j pop", "idol pop", "cpop", "c pop", "anime", "anime opening", "city pop",
            "mandopop", "cantopop"),
        signature={"brass": P.SYNTH_BRASS_1},
        signature_label="synth brass hits",
    ),
    StyleSpec(
        id="afrobeats", name="Afrobeats", mood="happy", tempo_range=(95, 115),
        instruments={"bass": P.FINGER_BASS, "guitar": P.CLEAN_GUITAR, "chords": P.ELECTRIC_PIANO_1, "arp": P.MARIMBA},
        drums="funk", drum_kit=Kit.STANDARD, drums_if_added="funk", swing=0.15,
        energy=0.7, brightness=0.2, reverb=0.2, vocal_reverb=0.25,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=3.0),),
        palette=("#f77f00", "#fcbf49", "#eae2b7", "#003049", "#d62828"),
        words=("afrobeats", "afrobeat", "afro beats", "afro beat", "afropop", "afro pop", "amapiano", "highlife",
            "kizomba", "soukous", "gqom", "kwaito"),
        signature={"arp": P.MARIMBA},
        signature_label="marimba",
    ),
    # an octave, as ambient's: some octave of any song's tempo lies in it and none is stretched (two death-metal
    # songs at 112 bpm stretched to 60 for their half: recognisability 0.53-0.57 -> 0.59-0.66 unstretched)
    StyleSpec(
        id="lullaby", name="Lullaby", mood="calm", tempo_range=(45, 90),
        instruments={"arp": P.MUSIC_BOX, "chords": P.ACOUSTIC_GRAND_PIANO, "pad": P.WARM_PAD},
        drums=None, drum_kit=Kit.BRUSH, drums_if_added="ballad", swing=0.0,
        energy=0.1, brightness=0.1, reverb=0.4, vocal_reverb=0.4,
        keep_original=0.3, keep_vocals=True,
        effects=(fx("lowpass", cutoff_hz=8000.0),),
        palette=("#fdf6ec", "#cde7f0", "#f7d6e0", "#b5c7ed", "#fff5c0"),
        words=("lullaby", "lullabies", "nursery", "bedtime", "cradle song"),
        signature={"arp": P.MUSIC_BOX},
        signature_label="music box",
    ),
    # a children's song ("make it a kids song", "for kids", "cartoon": unread, a Pop remix; "nursery rhyme" was a
    # lullaby): a xylophone on the tune, a celesta's arpeggio and a bouncing piano, bright; the song's own
    # accompaniment as a pad of its pitch classes (arrange._RETIMBRED: its guitars were heard as "rock")
    StyleSpec(
        id="kids", name="Kids' song", mood="happy", tempo_range=(100, 132),
        instruments={"lead": P.XYLOPHONE, "arp": P.CELESTA, "chords": P.ACOUSTIC_GRAND_PIANO, "bass": P.ACOUSTIC_BASS},
        drums="rock", drum_kit=Kit.STANDARD, drums_if_added="rock", swing=0.0,
        energy=0.6, brightness=0.35, reverb=0.15, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=2.5),),
        palette=("#ffbe0b", "#fb5607", "#ff006e", "#8338ec", "#3a86ff"),
        words=("kids song", "kids songs", "kids music", "kid song", "childrens song", "children's song",
            "children song", "childrens music", "children's music", "nursery rhyme", "nursery rhymes", "cartoon",
            "cartoon theme", "kindergarten", "preschool",
            # ("a kids party version" was EDM: "party"; "for kids" unread)
            "kids party", "kid's party", "kids' party", "childrens party", "children's party", "kids birthday",
            "kids birthday party", "children's birthday"),
        # (an audience, weaker than a genre named: "rock for kids" is rock, for kids)
        adjectives=("kid friendly", "childlike", "for kids", "for children", "for the kids", "for my kids",
                    "for toddlers", "for little kids"),
        signature={"lead": P.XYLOPHONE},
        signature_label="xylophone and celesta",
    ),
    # polka and the oom-pah band ("polka", "oktoberfest", "oompah", "klezmer": unread, a Pop remix): a tuba on every
    # beat (root, fifth), an accordion's chord on every offbeat, a clarinet on the tune, the snare on the offbeats
    # with it; the kept accompaniment as a pad of its pitch classes (arrange._RETIMBRED)
    StyleSpec(
        id="polka", name="Polka / oom-pah", mood="happy", tempo_range=(90, 140),
        instruments={"lead": P.CLARINET, "chords": P.ACCORDION, "bass": P.TUBA},
        drums="polka", drum_kit=Kit.STANDARD, drums_if_added="polka", swing=0.0,
        energy=0.7, brightness=0.2, reverb=0.15, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=2.5),),
        palette=("#ffffff", "#0077b6", "#d62828", "#f1c40f", "#2a9d8f"),
        words=("polka", "polkas", "oom pah", "oompah", "oom pah pah", "oompah band", "oktoberfest", "beer hall",
            "beerhall", "bavarian", "bavarian folk", "german folk", "volksmusik", "klezmer", "tuba band",
            "brass polka", "norteno", "tejano", "corridos", "banda", "conjunto", "musica nortena"),
        signature={"chords": P.ACCORDION, "bass": P.TUBA},
        signature_label="accordion and tuba",
    ),
    # the marching band ("marching band", "military march", "brass band", "drumline", "circus music", "national
    # anthem": a Pop remix on the march groove, or EDM for the anthem): a trumpet on the tune, the trombones' chord
    # on each offbeat over a tuba's root and fifth, the concert snare's rudiments and bass drum (the orchestra
    # kit); the kept accompaniment as a pad of its pitch classes (arrange._RETIMBRED)
    StyleSpec(
        id="march", name="Marching band", mood="energetic", tempo_range=(100, 132),
        instruments={"lead": P.TRUMPET, "chords": P.TROMBONE, "bass": P.TUBA},
        drums="march", drum_kit=Kit.ORCHESTRA, drums_if_added="march", swing=0.0,
        energy=0.75, brightness=0.2, reverb=0.2, vocal_reverb=0.2,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-18.0, ratio=2.5),),
        palette=("#1d3557", "#e63946", "#f1faee", "#ffb703", "#457b9d"),
        words=("marching band", "marching band version", "military march", "military band", "military music",
               "brass band", "drumline", "drum line", "drum corps", "sousa", "parade", "parade music", "fanfare",
               "circus", "circus music", "big top", "national anthem", "school band", "band camp", "balkan brass",
               "balkan", "brass band music"),
        signature={"lead": P.TRUMPET, "bass": P.TUBA},
        signature_label="trumpet, brass and tuba",
    ),
    # East Asian ("japanese", "chinese", "taiko", "erhu", "guzheng": unread, a Pop remix): a shakuhachi on the tune, a
    # koto's arpeggio (a guzheng's place too) over a string section, on taiko (low toms) with a wood block; the song's
    # own harmony (no pentatonic scale), the kept accompaniment as a pad of its pitch classes
    StyleSpec(
        id="east_asian", name="East Asian (koto & shakuhachi)", mood="calm", tempo_range=(70, 130),
        instruments={"lead": P.SHAKUHACHI, "arp": P.KOTO, "strings": P.STRING_ENSEMBLE_1, "bass": P.FRETLESS_BASS},
        drums="taiko", drum_kit=Kit.STANDARD, drums_if_added="taiko", swing=0.0,
        energy=0.5, brightness=0.05, reverb=0.35, vocal_reverb=0.3,
        keep_original=0.4, keep_vocals=True,
        effects=(fx("compressor", threshold_db=-20.0, ratio=2.0),),
        palette=("#bc002d", "#f4f1de", "#1d1e2c", "#d4a373", "#e9c46a"),
        words=("japanese", "japanese traditional", "traditional japanese", "chinese", "chinese traditional",
            "traditional chinese", "east asian", "asian", "taiko", "erhu", "guzheng", "pipa", "dizi",
            "chinese new year", "lunar new year", "samurai", "kung fu", "wuxia", "edo", "shamisen music",
            "enka"),
        signature={"lead": P.SHAKUHACHI, "arp": P.KOTO},
        signature_label="shakuhachi and koto",
    ),
)
DEFAULT_STYLE = "pop"


# ---------------------------------------------------------------------------------------------------
# Words


class InstrumentWord(NamedTuple):
    """What an instrument word asks for: the role it plays, its program, and the programs a refusal of it
    ("no piano") or a level change ("less piano") reaches."""

    role: str
    program: int
    family: range
    label: str = ""  # what the plan calls it, when not the word itself ("pianos" -> "piano")


def only(program: Program) -> range:
    return range(program, program + 1)


def span(first: Program, last: Program) -> range:
    """Programs first..last, both included."""
    return range(first, last + 1)


INSTRUMENT_WORDS: dict[str, InstrumentWord] = {
    "piano": InstrumentWord("chords", P.ACOUSTIC_GRAND_PIANO, span(P.ACOUSTIC_GRAND_PIANO, P.CLAVINET)),
    "grand piano": InstrumentWord("chords", P.ACOUSTIC_GRAND_PIANO, span(P.ACOUSTIC_GRAND_PIANO, P.CLAVINET), "piano"),
    "pianos": InstrumentWord("chords", P.ACOUSTIC_GRAND_PIANO, span(P.ACOUSTIC_GRAND_PIANO, P.CLAVINET), "piano"),
    "keyboard": InstrumentWord("chords", P.ACOUSTIC_GRAND_PIANO, span(P.ACOUSTIC_GRAND_PIANO, P.CLAVINET), "piano"),
    "electric piano": InstrumentWord("chords", P.ELECTRIC_PIANO_1, span(P.ELECTRIC_PIANO_1, P.ELECTRIC_PIANO_2)),
    "rhodes": InstrumentWord("chords", P.ELECTRIC_PIANO_1, span(P.ELECTRIC_PIANO_1, P.ELECTRIC_PIANO_2)),
    "wurlitzer": InstrumentWord("chords", P.ELECTRIC_PIANO_2, span(P.ELECTRIC_PIANO_1, P.ELECTRIC_PIANO_2)),
    "keys": InstrumentWord("chords", P.ELECTRIC_PIANO_1, span(P.ACOUSTIC_GRAND_PIANO, P.CLAVINET), "keys"),
    "clavinet": InstrumentWord("chords", P.CLAVINET, only(P.CLAVINET)),
    "harpsichord": InstrumentWord("chords", P.HARPSICHORD, only(P.HARPSICHORD)),
    "organ": InstrumentWord("chords", P.DRAWBAR_ORGAN, span(P.DRAWBAR_ORGAN, P.TANGO_ACCORDION)),
    "hammond": InstrumentWord("chords", P.DRAWBAR_ORGAN, span(P.DRAWBAR_ORGAN, P.TANGO_ACCORDION)),
    "church organ": InstrumentWord("chords", P.CHURCH_ORGAN, span(P.DRAWBAR_ORGAN, P.TANGO_ACCORDION)),
    "accordion": InstrumentWord("chords", P.ACCORDION, span(P.ACCORDION, P.TANGO_ACCORDION)),
    "harmonica": InstrumentWord("lead", P.HARMONICA, only(P.HARMONICA)),
    "guitar": InstrumentWord("guitar", P.STEEL_GUITAR, span(P.NYLON_GUITAR, P.GUITAR_HARMONICS)),
    "guitars": InstrumentWord("guitar", P.STEEL_GUITAR, span(P.NYLON_GUITAR, P.GUITAR_HARMONICS), "guitar"),
    "acoustic guitar": InstrumentWord("guitar", P.STEEL_GUITAR, span(P.NYLON_GUITAR, P.STEEL_GUITAR)),
    "nylon guitar": InstrumentWord("guitar", P.NYLON_GUITAR, only(P.NYLON_GUITAR)),
    "classical guitar": InstrumentWord("guitar", P.NYLON_GUITAR, only(P.NYLON_GUITAR)),
    "spanish guitar": InstrumentWord("guitar", P.NYLON_GUITAR, only(P.NYLON_GUITAR)),
    "jazz guitar": InstrumentWord("guitar", P.JAZZ_GUITAR, only(P.JAZZ_GUITAR)),
    "electric guitar": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.GUITAR_HARMONICS)),
    "clean guitar": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.MUTED_GUITAR)),
    # General MIDI has no pedal or lap steel, nor a slide: its clean electric guitar is the nearest ("steel" and
    # "slide" were unread)
    "steel guitar": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.MUTED_GUITAR)),
    "pedal steel": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.MUTED_GUITAR)),
    "pedal steel guitar": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.MUTED_GUITAR)),
    "lap steel": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.MUTED_GUITAR)),
    "lap steel guitar": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.MUTED_GUITAR)),
    "slide guitar": InstrumentWord("guitar", P.CLEAN_GUITAR, span(P.JAZZ_GUITAR, P.MUTED_GUITAR)),
    "distorted guitar": InstrumentWord("guitar", P.DISTORTION_GUITAR, span(P.OVERDRIVEN_GUITAR, P.DISTORTION_GUITAR)),
    "heavy guitar": InstrumentWord("guitar", P.DISTORTION_GUITAR, span(P.OVERDRIVEN_GUITAR, P.DISTORTION_GUITAR)),
    "ukulele": InstrumentWord("guitar", P.NYLON_GUITAR, only(P.NYLON_GUITAR)),
    "banjo": InstrumentWord("guitar", P.BANJO, only(P.BANJO)),
    "mandolin": InstrumentWord("guitar", P.BANJO, only(P.BANJO)),
    "sitar": InstrumentWord("lead", P.SITAR, only(P.SITAR)),
    "koto": InstrumentWord("lead", P.KOTO, only(P.KOTO)),
    "shamisen": InstrumentWord("lead", P.SHAMISEN, only(P.SHAMISEN)),
    "oud": InstrumentWord("lead", P.SHAMISEN, only(P.SHAMISEN)),  # a plucked lute ("oud" was read as "loud")
    "bagpipes": InstrumentWord("lead", P.BAGPIPE, only(P.BAGPIPE), "bagpipe"),
    "bagpipe": InstrumentWord("lead", P.BAGPIPE, only(P.BAGPIPE)),
    "shakuhachi": InstrumentWord("lead", P.SHAKUHACHI, only(P.SHAKUHACHI)),
    "recorder": InstrumentWord("lead", P.RECORDER, only(P.RECORDER)),
    "dulcimer": InstrumentWord("arp", P.DULCIMER, only(P.DULCIMER)),
    "bass": InstrumentWord("bass", P.FINGER_BASS, span(P.ACOUSTIC_BASS, P.SYNTH_BASS_2)),
    "bassline": InstrumentWord("bass", P.FINGER_BASS, span(P.ACOUSTIC_BASS, P.SYNTH_BASS_2), "bass"),
    "bass line": InstrumentWord("bass", P.FINGER_BASS, span(P.ACOUSTIC_BASS, P.SYNTH_BASS_2), "bass"),
    "bass guitar": InstrumentWord("bass", P.FINGER_BASS, span(P.ACOUSTIC_BASS, P.SLAP_BASS_2)),
    "electric bass": InstrumentWord("bass", P.FINGER_BASS, span(P.ACOUSTIC_BASS, P.SLAP_BASS_2)),
    "upright bass": InstrumentWord("bass", P.ACOUSTIC_BASS, only(P.ACOUSTIC_BASS)),
    "double bass": InstrumentWord("bass", P.ACOUSTIC_BASS, only(P.ACOUSTIC_BASS)),
    "slap bass": InstrumentWord("bass", P.SLAP_BASS_1, span(P.SLAP_BASS_1, P.SLAP_BASS_2)),
    "synth bass": InstrumentWord("bass", P.SYNTH_BASS_1, span(P.SYNTH_BASS_1, P.SYNTH_BASS_2)),
    "808": InstrumentWord("bass", P.SYNTH_BASS_1, span(P.SYNTH_BASS_1, P.SYNTH_BASS_2)),
    "808s": InstrumentWord("bass", P.SYNTH_BASS_1, span(P.SYNTH_BASS_1, P.SYNTH_BASS_2), "808"),
    "sub bass": InstrumentWord("bass", P.SYNTH_BASS_1, span(P.SYNTH_BASS_1, P.SYNTH_BASS_2)),
    "strings": InstrumentWord("strings", P.STRING_ENSEMBLE_1, span(P.VIOLIN, P.SYNTH_STRINGS_2)),
    "string section": InstrumentWord("strings", P.STRING_ENSEMBLE_1, span(P.VIOLIN, P.SYNTH_STRINGS_2)),
    "violins": InstrumentWord("strings", P.STRING_ENSEMBLE_1, span(P.VIOLIN, P.SYNTH_STRINGS_2), "strings"),
    "violin": InstrumentWord("lead", P.VIOLIN, only(P.VIOLIN)),
    "fiddle": InstrumentWord("lead", P.FIDDLE, only(P.FIDDLE)),
    "viola": InstrumentWord("strings", P.VIOLA, only(P.VIOLA)),
    "cello": InstrumentWord("strings", P.CELLO, only(P.CELLO)),
    "cellos": InstrumentWord("strings", P.CELLO, only(P.CELLO), "cello"),
    "pizzicato": InstrumentWord("strings", P.PIZZICATO_STRINGS, only(P.PIZZICATO_STRINGS)),
    "harp": InstrumentWord("arp", P.ORCHESTRAL_HARP, only(P.ORCHESTRAL_HARP)),
    "choir": InstrumentWord("pad", P.CHOIR_AAHS, span(P.CHOIR_AAHS, P.SYNTH_VOICE)),
    "choirs": InstrumentWord("pad", P.CHOIR_AAHS, span(P.CHOIR_AAHS, P.SYNTH_VOICE), "choir"),
    "trumpet": InstrumentWord("lead", P.TRUMPET, only(P.TRUMPET)),
    "trumpets": InstrumentWord("brass", P.TRUMPET, only(P.TRUMPET), "trumpets"),
    "trombone": InstrumentWord("brass", P.TROMBONE, only(P.TROMBONE)),
    "tuba": InstrumentWord("brass", P.TUBA, only(P.TUBA)),
    "french horn": InstrumentWord("brass", P.FRENCH_HORN, only(P.FRENCH_HORN)),
    "horns": InstrumentWord("brass", P.BRASS_SECTION, span(P.TRUMPET, P.SYNTH_BRASS_2)),
    "horn section": InstrumentWord("brass", P.BRASS_SECTION, span(P.TRUMPET, P.SYNTH_BRASS_2)),
    "brass": InstrumentWord("brass", P.BRASS_SECTION, span(P.TRUMPET, P.SYNTH_BRASS_2)),
    "synth brass": InstrumentWord("brass", P.SYNTH_BRASS_1, span(P.SYNTH_BRASS_1, P.SYNTH_BRASS_2)),
    "sax": InstrumentWord("lead", P.ALTO_SAX, span(P.SOPRANO_SAX, P.BARITONE_SAX), "saxophone"),
    "saxophone": InstrumentWord("lead", P.ALTO_SAX, span(P.SOPRANO_SAX, P.BARITONE_SAX)),
    "saxophones": InstrumentWord("lead", P.ALTO_SAX, span(P.SOPRANO_SAX, P.BARITONE_SAX), "saxophone"),
    "tenor sax": InstrumentWord("lead", P.TENOR_SAX, span(P.SOPRANO_SAX, P.BARITONE_SAX)),
    "oboe": InstrumentWord("lead", P.OBOE, only(P.OBOE)),
    "bassoon": InstrumentWord("lead", P.BASSOON, only(P.BASSOON)),
    "clarinet": InstrumentWord("lead", P.CLARINET, only(P.CLARINET)),
    "flute": InstrumentWord("lead", P.FLUTE, span(P.PICCOLO, P.PAN_FLUTE)),
    "flutes": InstrumentWord("lead", P.FLUTE, span(P.PICCOLO, P.PAN_FLUTE), "flute"),
    "pan flute": InstrumentWord("lead", P.PAN_FLUTE, only(P.PAN_FLUTE)),
    "whistle": InstrumentWord("lead", P.WHISTLE, only(P.WHISTLE)),
    "whistling": InstrumentWord("lead", P.WHISTLE, only(P.WHISTLE), "whistle"),
    "ocarina": InstrumentWord("lead", P.OCARINA, only(P.OCARINA)),
    "synth": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.SCI_FI_FX)),
    "mono synth": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.SCI_FI_FX), "synth"),  # a synth, not a mix
    "monosynth": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.SCI_FI_FX), "synth"),
    "synths": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.SCI_FI_FX), "synth"),
    "synthesizer": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.SCI_FI_FX), "synth"),
    "synthesizers": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.SCI_FI_FX), "synth"),
    "synth lead": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.BASS_AND_LEAD)),
    "lead synth": InstrumentWord("lead", P.SAW_LEAD, span(P.SQUARE_LEAD, P.BASS_AND_LEAD)),
    "square wave": InstrumentWord("lead", P.SQUARE_LEAD, only(P.SQUARE_LEAD)),
    "pad": InstrumentWord("pad", P.WARM_PAD, span(P.NEW_AGE_PAD, P.SWEEP_PAD)),
    "pads": InstrumentWord("pad", P.WARM_PAD, span(P.NEW_AGE_PAD, P.SWEEP_PAD), "pads"),
    "synth pad": InstrumentWord("pad", P.WARM_PAD, span(P.NEW_AGE_PAD, P.SWEEP_PAD)),
    "synth pads": InstrumentWord("pad", P.WARM_PAD, span(P.NEW_AGE_PAD, P.SWEEP_PAD)),
    "arp": InstrumentWord("arp", P.SAW_LEAD, span(P.SQUARE_LEAD, P.BASS_AND_LEAD)),
    "arps": InstrumentWord("arp", P.SAW_LEAD, span(P.SQUARE_LEAD, P.BASS_AND_LEAD), "arpeggios"),
    "arpeggio": InstrumentWord("arp", P.SAW_LEAD, span(P.SQUARE_LEAD, P.BASS_AND_LEAD), "arpeggios"),
    "arpeggios": InstrumentWord("arp", P.SAW_LEAD, span(P.SQUARE_LEAD, P.BASS_AND_LEAD)),
    "arpeggiator": InstrumentWord("arp", P.SAW_LEAD, span(P.SQUARE_LEAD, P.BASS_AND_LEAD), "arpeggios"),
    "supersaw": InstrumentWord("pad", P.POLYSYNTH_PAD, span(P.SQUARE_LEAD, P.SCI_FI_FX)),
    "supersaws": InstrumentWord("pad", P.POLYSYNTH_PAD, span(P.SQUARE_LEAD, P.SCI_FI_FX)),
    # bells on a celesta: a glockenspiel's bar partials are not harmonics (a C major arpeggio on it: 33 % of
    # its chroma on C-E-G and the most on F; on a celesta 71 %); only the word itself asks for one
    "bells": InstrumentWord("arp", P.CELESTA, span(P.CELESTA, P.DULCIMER)),
    "glockenspiel": InstrumentWord("arp", P.GLOCKENSPIEL, only(P.GLOCKENSPIEL)),
    "celesta": InstrumentWord("arp", P.CELESTA, only(P.CELESTA)),
    "music box": InstrumentWord("arp", P.MUSIC_BOX, only(P.MUSIC_BOX)),
    "vibraphone": InstrumentWord("arp", P.VIBRAPHONE, only(P.VIBRAPHONE)),
    "marimba": InstrumentWord("arp", P.MARIMBA, only(P.MARIMBA)),
    "xylophone": InstrumentWord("arp", P.XYLOPHONE, only(P.XYLOPHONE)),
    "kalimba": InstrumentWord("arp", P.KALIMBA, only(P.KALIMBA)),
    "steel drums": InstrumentWord("arp", P.STEEL_DRUMS, only(P.STEEL_DRUMS)),
    # ("add a steel drum" added drums, "steel" unread)
    "steel drum": InstrumentWord("arp", P.STEEL_DRUMS, only(P.STEEL_DRUMS)),
    "steel pan": InstrumentWord("arp", P.STEEL_DRUMS, only(P.STEEL_DRUMS)),
    "steelpan": InstrumentWord("arp", P.STEEL_DRUMS, only(P.STEEL_DRUMS)),
    "steel pans": InstrumentWord("arp", P.STEEL_DRUMS, only(P.STEEL_DRUMS)),
    "steel pan": InstrumentWord("arp", P.STEEL_DRUMS, only(P.STEEL_DRUMS)),
}

# a refused role family: "no synths" must also drop synth pads and arps
SYNTH_PROGRAMS = frozenset(span(P.SQUARE_LEAD, P.SCI_FI_FX)) | {
    P.SYNTH_BASS_1, P.SYNTH_BASS_2, P.SYNTH_STRINGS_1, P.SYNTH_STRINGS_2, P.SYNTH_BRASS_1, P.SYNTH_BRASS_2,
}
# electric instruments an "acoustic" / "organic" prompt swaps for ACOUSTIC_SWAPS
ELECTRIC_PROGRAMS = frozenset({
    P.ELECTRIC_PIANO_1, P.ELECTRIC_PIANO_2, P.CLAVINET, P.DRAWBAR_ORGAN, P.PERCUSSIVE_ORGAN, P.ROCK_ORGAN,
    *span(P.JAZZ_GUITAR, P.GUITAR_HARMONICS), P.SLAP_BASS_1, P.SLAP_BASS_2,
})
ACOUSTIC_SWAPS: dict[str, int] = {
    "bass": P.ACOUSTIC_BASS, "chords": P.ACOUSTIC_GRAND_PIANO, "pad": P.STRING_ENSEMBLE_1, "lead": P.FLUTE,
    "arp": P.ORCHESTRAL_HARP, "strings": P.STRING_ENSEMBLE_1, "brass": P.BRASS_SECTION, "guitar": P.STEEL_GUITAR,
}

DRUM_WORDS = ("drums", "drum", "beat", "beats", "percussion", "drum kit", "drumkit", "drumbeat", "drum beat",
              "groove", "rhythm section", "double kick", "congas", "bongos", "tabla", "djembe", "talking drums",
              "blast beats", "blast beat", "double kick drums", "double bass drums", "double bass drum",
              "double bass drumming", "double pedal", "double pedals")  # (metal's: "double bass" is the instrument)
# One piece of the kit: "no hi hats", "more kick", "add claps" change that piece alone (the new drums'; the song's
# own drums stem is one sound). Were the whole kit: "no hi hats" took out every drum
DRUM_PIECES = {"kick": "kick", "kicks": "kick", "kick drum": "kick", "kick drums": "kick", "bass drum": "kick",
               "snare": "snare", "snares": "snare", "snare drum": "snare", "hi hat": "hats", "hi hats": "hats",
               "hihat": "hats", "hihats": "hats", "hats": "hats", "hat": "hats", "cymbals": "cymbals",
               "cymbal": "cymbals", "crash": "cymbals", "crashes": "cymbals", "toms": "toms", "tom fills": "toms",
               "claps": "claps", "clap": "claps", "handclaps": "claps", "hand claps": "claps", "shaker": "shaker",
               # General MIDI has no finger snap: the claps are the nearest ("add finger snaps" was unread)
               "snaps": "claps", "finger snaps": "claps", "fingersnaps": "claps", "finger snapping": "claps",
               "shakers": "shaker", "tambourine": "tambourine", "cowbell": "cowbell", "rimshot": "rim",
               "rimshots": "rim", "rim shots": "rim",
               # General MIDI's jingle bell ("add sleigh bells" was a celesta, as "bells")
               "sleigh bells": "sleigh bells", "sleighbells": "sleigh bells", "sleigh bell": "sleigh bells",
               "jingle bells": "sleigh bells", "jingle bell": "sleigh bells"}
# Right after a part said of a part of the song, words that bring it in there ("drums kick in at the chorus"): it plays
# there only. Otherwise a part the style already plays, added there ("add drums in the chorus"), is turned up there
SECTION_ENTRY_WORDS = ("kick", "kicks", "come", "comes", "enter", "enters", "start", "starts", "join", "joins")
# "vocals only in the intro": the band is left out there (in the whole song, these name A cappella)
VOCALS_ALONE = ("vocals only", "only vocals", "only the vocals", "just the vocals", "just vocals", "vocal only",
                "voices only", "only voices")
# the pieces a kit may lack, which "add claps" adds (a pattern of their own); the others every groove plays
ADDED_PIECES = ("claps", "shaker", "tambourine", "cowbell", "sleigh bells")
GROOVE_WORDS = {
    "four on the floor": "four_on_floor", "four to the floor": "four_on_floor", "breakbeat": "breakbeat",
    "breakbeats": "breakbeat", "breaks": "breakbeat", "half time": "half_time", "halftime": "half_time",
    "shuffle": "shuffle", "march": "march", "marching": "march", "one drop": "reggae",
    "train beat": "train", "boom bap drums": "boom_bap", "trap drums": "trap", "trap hats": "trap",
    "hi hat rolls": "trap", "hihat rolls": "trap", "hat rolls": "trap",
}
KIT_WORDS = {
    "brushes": Kit.BRUSH, "brush": Kit.BRUSH, "brushed drums": Kit.BRUSH, "808 drums": Kit.TR_808,
    "tr 808": Kit.TR_808, "909": Kit.ELECTRONIC, "electronic drums": Kit.ELECTRONIC, "drum machine": Kit.ELECTRONIC,
    "live drums": Kit.ROOM, "acoustic drums": Kit.ROOM, "live kit": Kit.ROOM, "real drums": Kit.ROOM,
    "acoustic kit": Kit.ROOM, "real drum kit": Kit.ROOM, "live drum kit": Kit.ROOM,
    "orchestral percussion": Kit.ORCHESTRA,
    "timpani": Kit.ORCHESTRA,
}
VOCAL_WORDS = ("vocals", "vocal", "voice", "voices", "singing", "singer", "lyrics", "lead vocal", "lead vocals",
               "vox", "sing", "sings", "sung")  # "a cappella" names a style (voices only)
EFFECT_WORDS = {
    "reverb": "reverb", "reverbs": "reverb", "gated reverb": "reverb", "vocal reverb": "vocal_reverb",
    "reverb on the vocals": "vocal_reverb",
    "reverb on vocals": "vocal_reverb", "reverb on the vocal": "vocal_reverb", "reverb on the voice": "vocal_reverb",
    "reverb on the singer": "vocal_reverb", "reverb in the vocals": "vocal_reverb", "echo": "delay", "echoes": "delay",
    "echoey": "delay", "delay": "delay",
    "distortion": "distortion", "overdrive": "distortion", "vinyl": "vinyl", "crackle": "vinyl",
    "vinyl crackle": "vinyl", "record crackle": "vinyl",
    # the song played on a record player: its crackle on the song as it is (were the vintage feel: a lo-fi remix)
    "record player": "vinyl", "old record player": "vinyl", "gramophone": "vinyl", "old gramophone": "vinyl",
    "phonograph": "vinyl", "turntable": "vinyl", "old record": "vinyl",
    "vinyl record": "vinyl", "old vinyl": "vinyl", "tape": "tape", "tape saturation": "tape",
    "cassette": "tape", "cassette tape": "tape", "on cassette": "tape", "on tape": "tape", "vhs": "tape",
    "walkman": "tape", "tape deck": "tape",
    "chorus": "chorus", "chorus effect": "chorus", "the chorus effect": "chorus", "phaser": "phaser",
    "wah": "phaser", "wah wah": "phaser",  # (no wah pedal: the nearest sweep; "wah guitar": on the guitar)
    "flanger": "phaser", "phased": "phaser", "flanged": "phaser", "chorused": "chorus", "dub delay": "delay",
    "slapback": "delay", "slapback delay": "delay", "tape delay": "delay", "bitcrush": "bitcrush",
    "bitcrusher": "bitcrush",
    "bitcrushed": "bitcrush", "bit crush": "bitcrush", "filter": "lowpass", "filtered": "lowpass",
    "low pass": "lowpass", "lowpass": "lowpass", "high pass": "highpass", "highpass": "highpass",
    "compression": "compressor", "compressor": "compressor", "compress": "compressor", "compressed": "compressor",
    "stereo": "wide", "mono": "mono", "in mono": "mono", "mono mix": "mono",
    "widen": "wide", "widen it": "wide", "widening": "wide", "stereo widening": "wide",  # ("widen" was unread)
    "mono sound": "mono", "monaural": "mono",
    "effects": "all", "fx": "all",
    # ambience under the music (they were unread, or "rain" a chill feel alone: "rainy" still is)
    "rain sounds": "rain", "rain sound": "rain", "sound of rain": "rain", "sounds of rain": "rain",
    "rain noise": "rain", "raindrops": "rain", "rain drops": "rain", "rain ambience": "rain",
    "rain in the background": "rain", "falling rain": "rain", "rainfall": "rain", "thunderstorm": "rain",
    "storm sounds": "rain", "ocean waves": "waves", "sea waves": "waves", "ocean sounds": "waves",
    "sea sounds": "waves", "sound of the ocean": "waves", "sound of waves": "waves", "waves crashing": "waves",
    "crashing waves": "waves", "beach sounds": "waves", "surf sounds": "waves",
    # (2026-12-01, unread: "add bird sounds" a Pop remix, "fireplace crackling" too)
    "bird sounds": "birds", "birds": "birds", "birdsong": "birds", "bird song": "birds", "birds chirping": "birds",
    "chirping birds": "birds", "birds singing": "birds", "bird noises": "birds", "morning birds": "birds",
    "nature sounds": "birds", "sounds of nature": "birds", "nature ambience": "birds", "forest sounds": "birds",
    "forest ambience": "birds", "fireplace": "fire", "fireplace sounds": "fire", "crackling fire": "fire",
    "fire crackling": "fire", "fireplace crackling": "fire", "crackling fireplace": "fire", "fire sounds": "fire",
    "campfire sounds": "fire", "campfire crackling": "fire", "fireside": "fire", "by the fire": "fire",
    # a live audience ("live crowd" was an acoustic feel and "crowd" unread; "live" alone still is the feel)
    "crowd": "crowd", "crowds": "crowd", "crowd noise": "crowd", "crowd sounds": "crowd", "live crowd": "crowd",
    "crowd cheering": "crowd", "cheering crowd": "crowd", "cheering": "crowd", "audience": "crowd",
    "live audience": "crowd", "an audience": "crowd", "audience cheering": "crowd", "applause": "crowd",
    "clapping audience": "crowd", "stadium crowd": "crowd", "live concert": "crowd", "in concert": "crowd",
    "concert crowd": "crowd", "concert audience": "crowd", "live concert recording": "crowd",
    "like a concert": "crowd", "at a concert": "crowd", "sound like a concert": "crowd", "concert version": "crowd",
    "live at a stadium": "crowd", "a live show": "crowd",
}

DROP_CUES = ("no", "without", "drop", "remove", "removing", "minus", "mute", "lose", "cut", "kill",
             "ditch", "strip", "skip", "exclude", "excluding", "except", "take out", "get rid of", "leave out",
             "delete", "wo", "nix", "zero", "instead of", "rather than", "in place of", "no more", "silence", "stop",
             "turn off", "switch off", "shut off", "fade out",  # "fade out the vocals in the chorus" (a whole-song fade
             # out is read before: style._extract_fades)
             # "jazz, don't add drums", "no extra drums": the remix's new part is what is refused (was nothing, or
             # "Adds: drums"): NO_NEW_CUES
             "don't add", "dont add", "do not add", "never add", "no extra", "no additional", "no added", "no new",
             "without adding", "without extra", "without any extra")
# the drop cues that refuse a new part only: the band plays none, the song's own stays (StylePlan.own_parts for its
# drums or bass); "no drums" takes the song's own out too
NO_NEW_CUES = frozenset(DROP_CUES[DROP_CUES.index("don't add"):])
NOT_CUES = ("not", "don't", "dont", "never", "isn't", "isnt", "shouldn't", "shouldnt", "nothing", "avoid",
            "neither", "nor", "non", "un", "no longer")
LESS_CUES = ("less", "fewer", "reduce", "reduced", "lower", "tone down", "turn down", "lighter on", "bring down",
             "quieten", "soften", "too much", "not so much", "not as much", "not too much", "without so much",
             "without as much", "without too much")
# "more X" turns up an instrument already in the band, and adds it otherwise
MORE_CUES = ("more", "extra", "lots of", "more of", "turn up", "boost", "boosted", "raise", "bring up", "crank up",
             "crank", "bump up", "beef up", "pump up", "emphasise", "emphasize", "amplify", "double", "double up",
             "bring out", "bring forward")
ADD_CUES = ("with", "add", "adding", "plus", "featuring", "feat", "ft", "include", "including", "use", "using",
            "bring in", "throw in", "layer", "and some", "fade in", "introduce", "introducing")
# Feelings that, next to an instrument, the drums or the vocals, ask for its level instead: "softer drums",
# "louder piano", "make the vocals quieter".
LEVEL_COMPARATIVES = {"softer": "less", "quieter": "less", "louder": "more", "too loud": "less",
                      "too quiet": "more", "too soft": "more",
                      # "make the bass hit harder", "punchier drums", "bigger drums": that part up (were a heavy
                      # Rock remix with a bass added, nothing, an epic one)
                      "harder": "more", "punchier": "more", "bigger": "more", "fatter": "more",
                      # "make the vocals clearer": up (was unread)
                      "clearer": "more",
                      # "keep the vocals loud", "loud drums": that part up (both were an energetic remix)
                      "loud": "more"}
# "vocals in front", "the drums further back": after a part, its level (as "louder" / "softer" after it)
TRAILING_LEVELS = {"in front": "more", "up front": "more", "upfront": "more", "to the front": "more",
                   "in the front": "more", "forward": "more", "in the background": "less", "in the back": "less",
                   "to the back": "less", "further back": "less", "back in the mix": "less",
                   "to the background": "less",
                   # "make the drums more prominent": up ("more" went on to the guitar after it)
                   "more prominent": "more", "prominent": "more", "more present": "more", "more audible": "more",
                   "less prominent": "less", "less present": "less", "less audible": "less"}
# "it's too aggressive", "too slow": right before a feeling, "too" refuses it (a little of its opposite); it was
# the feeling asked (a Metal remix); elsewhere ("add drums too") it asks nothing
TOO_WORDS = ("too", "way too", "a bit too", "a little too", "far too", "much too", "kind of too", "kinda too")
# "guitar louder than the piano": what follows "than" is the comparison's other side, not a part asked for (it was
# "Adds: guitar, Louder: piano")
COMPARISON_WORDS = ("than",)
# "turn the guitar off", "drums off": after a part, it goes
OFF_WORDS = ("off",)
# phrases read as nothing, so that their words are not ("kick off": no drum taken out)
IDIOMS = ("kick off", "kicks off", "kicking off", "kicked off", "kick in", "kicks in", "kicking in", "kicked in",
          "the end result", "end result", "at the end of the day", "in the end", "end of the day")
# Artists a prompt names for their style ("in the style of daft punk" was Punk, "like a beatles song" read "beatles"
# as "beats"): the style they are known for, when the prompt names no genre ("this metallica song as a lullaby": the
# artist is the song's, the genre named is asked).
ARTIST_STYLES = {
    "freddie mercury": "rock",  # (not "queen": "dancing queen" is a song, "like a queen" a feeling)
    "daft punk": "house", "berlin": "techno", "berghain": "techno", "the beatles": "rock", "beatles": "rock",
    "taylor swift": "pop", "billie eilish": "pop",
    "ariana grande": "pop", "dua lipa": "pop", "ed sheeran": "acoustic", "bob dylan": "acoustic",
    "bon iver": "acoustic", "bob marley": "reggae", "metallica": "metal", "iron maiden": "metal",
    "black sabbath": "metal", "nirvana": "rock", "led zeppelin": "rock", "ac dc": "rock", "ramones": "punk",
    "green day": "punk", "sex pistols": "punk", "miles davis": "jazz", "john coltrane": "jazz", "frank sinatra": "jazz",
    "norah jones": "jazz", "johnny cash": "country", "dolly parton": "country", "beethoven": "classical",
    "mozart": "classical", "vivaldi": "classical", "chopin": "piano_ballad", "hans zimmer": "cinematic",
    "john williams": "cinematic", "disney": "cinematic", "pixar": "cinematic", "james bond": "cinematic",
    "bond theme": "cinematic", "broadway": "cinematic", "skrillex": "dubstep", "avicii": "edm", "calvin harris": "edm",
    "david guetta": "edm",
    "tiesto": "trance", "armin van buuren": "trance", "bts": "kpop", "blackpink": "kpop", "drake": "hiphop",
    "kendrick lamar": "hiphop", "eminem": "hiphop", "travis scott": "trap", "bad bunny": "reggaeton",
    "daddy yankee": "reggaeton", "burna boy": "afrobeats", "wizkid": "afrobeats", "stevie wonder": "funk",
    "james brown": "funk", "bee gees": "disco", "abba": "disco", "beyonce": "rnb", "whitney houston": "rnb",
    "aretha franklin": "rnb", "b b king": "blues", "bb king": "blues", "muddy waters": "blues", "jobim": "bossa",
    "joao gilberto": "bossa", "brian eno": "ambient", "enya": "ambient", "nujabes": "lofi", "kraftwerk": "techno",
    "the weeknd": "synthwave", "kavinsky": "synthwave", "pentatonix": "acappella", "adele": "piano_ballad",

    # more artists a prompt names for their style
    "coldplay": "pop", "radiohead": "rock", "lady gaga": "pop", "the chainsmokers": "edm", "chainsmokers": "edm",
    "kanye": "hiphop", "kanye west": "hiphop", "bruno mars": "funk", "michael jackson": "funk",
    "freddie mercury": "rock", "the rolling stones": "rock", "rolling stones": "rock", "pink floyd": "rock",
    "rihanna": "pop", "justin bieber": "pop", "post malone": "hiphop", "snoop dogg": "hiphop", "dr dre": "hiphop",
    "tupac": "hiphop", "2pac": "hiphop", "jay z": "hiphop", "elvis": "rock", "elvis presley": "rock",
    "chuck berry": "rock", "the doors": "rock", "jimi hendrix": "rock", "nina simone": "jazz",
    "louis armstrong": "jazz", "ella fitzgerald": "jazz", "billie holiday": "jazz", "marvin gaye": "rnb",
    "mariah carey": "rnb", "sza": "rnb", "frank ocean": "rnb", "deadmau5": "house", "marshmello": "edm",
    "zedd": "edm", "martin garrix": "edm", "aphex twin": "techno", "boards of canada": "ambient",
    "ludovico einaudi": "piano_ballad", "einaudi": "piano_ballad", "debussy": "classical", "bach": "classical",
    "tchaikovsky": "classical", "slayer": "metal", "slipknot": "metal", "linkin park": "rock", "foo fighters": "rock",
    "arctic monkeys": "rock", "the strokes": "rock", "the clash": "punk", "blink 182": "punk", "paramore": "rock",
    "shakira": "latin", "j balvin": "reggaeton", "luke combs": "country", "willie nelson": "country",
    "garth brooks": "country", "kenny rogers": "country",
    # (2026-12-01: each was unread, a Pop remix with the name "not understood")
    "imagine dragons": "rock", "olivia rodrigo": "pop", "harry styles": "pop", "doja cat": "pop",
    "katy perry": "pop", "tame impala": "synthwave", "lana del rey": "piano_ballad", "mac miller": "hiphop",
    "tyler the creator": "hiphop", "lil nas x": "hiphop", "kenny g": "jazz", "karol g": "reggaeton",
    "metro boomin": "trap", "fred again": "house", "peggy gou": "house", "burial": "dubstep",
    "phoebe bridgers": "acoustic", "hozier": "acoustic", "mitski": "rock", "the cure": "synthwave",
    "depeche mode": "synthwave", "anderson paak": "funk", "khruangbin": "funk",
    "sigur ros": "ambient", "joji": "lofi", "morgan wallen": "country", "zach bryan": "country",
    "daniel caesar": "rnb",
    # games and films a prompt names for their music (each unread: a Pop remix)
    "mario": "chiptune", "super mario": "chiptune", "nintendo": "chiptune", "pokemon": "chiptune",
    "zelda": "chiptune", "tetris": "chiptune", "sonic": "chiptune", "undertale": "chiptune", "minecraft": "ambient",
    "c418": "ambient", "studio ghibli": "cinematic", "ghibli": "cinematic", "joe hisaishi": "cinematic",
    "final fantasy": "cinematic", "rpg": "cinematic", "jrpg": "cinematic", "boss battle": "cinematic",
    "boss fight": "cinematic", "final boss": "cinematic",
}
# "slower but not too slow": a feeling asked, then "but not too" that feeling: asked a little; it was "Not slower: a
# little faster instead" beside "slower". ("not too fast", "not too loud drums" stay a "not" and a "too loud".)
NOT_TOO_CUES = ("but not too", "but not overly", "but not so", "though not too", "yet not too")
# A change of key or pitch, where no move is read (style._extract_transpose): up a whole step (style.UNSAID_KEY_MOVE)
KEY_CHANGE_WORDS = ("raise the key", "lower the key", "change the key", "key change", "transpose", "transposed",
                    "transpose it", "pitch up", "pitch down", "pitch it up", "pitch it down", "pitched up",
                    "pitched down", "higher key", "lower key", "semitone", "semitones", "half step", "half steps",
                    "different key", "another key", "new key", "change key", "change of key", "change its key")
# A part of the song ("make the chorus bigger", "the drop should hit harder"): the remix changes the whole song
# alike, and the plan says so. Without these "chorus" was the chorus effect and "drop" a refusal ("make the drop
# hit harder" was "Not heavy": a soft remix). "a chorus", "chorus effect", "the chorus effect" stay the effect.
SECTION_WORDS = tuple(f"{article} {part}" for article in ("the", "every", "each", "last", "first", "final", "second",
                                                          "third", "fourth")
                      for part in ("chorus", "choruses", "verse", "verses", "bridge", "intro", "outro", "hook",
                                   "refrain", "drop", "drops", "breakdown", "pre chorus")) + (
    "chorus section", "verse section", "the chorus section", "the verse section", "verse", "verses", "choruses",
    "intro", "outro", "intros", "outros", "bridge", "breakdown", "refrain", "hook",
    # stretches of the song by time: "drums only in the second half", "a saxophone solo at the end"
    "first half", "the first half", "second half", "the second half", "the beginning", "the start", "the end",
    "the ending", "start with", "starts with", "begin with", "begins with", "open with", "opens with", "end with",
    "ends with", "finish with", "finishes with", "close with", "closes with",
    # a part fading in at the start or out at the end ("fade in the drums", read by style._extract_entrances)
    "the fadein", "the fadeout",
    # the middle of the song by time: "a guitar solo in the middle", "make the middle part quieter"
    "the middle", "the middle part", "the middle section", "middle part", "middle section")
# The song part a section word names, as the analysis labels its sections (analyse._sections: by energy, the
# loudest are the choruses; a drop is one); a bridge, a breakdown or a pre-chorus is not told apart there
SECTION_LABELS = {"chorus": "chorus", "choruses": "chorus", "hook": "chorus", "refrain": "chorus", "drop": "chorus",
                  "drops": "chorus", "verse": "verse", "verses": "verse", "intro": "intro", "intros": "intro",
                  "outro": "outro", "outros": "outro", "beginning": "start", "start": "start", "end": "end",
                  "ending": "end", "fadein": "fade_in", "fadeout": "fade_out", "middle": "middle"}  # "half": "first_half" or
# "second_half" (style._section_label)
# Right before a part of the song, the stretch before or after it: "no drums until the chorus", "strings after the
# intro" (before the first of them, after the first, or the one the prompt names: "the last", "the second"); "from"
# it to the end ("no vocals from the last chorus on": style._read_section_changes; "remove the vocals from the
# intro" is the intro), from the start "through" it ("no drums until after the intro")
SECTION_RELATIONS = {"before": "before", "until": "before", "till": "before", "after": "after", "since": "from"}
# Words elsewhere between a part and a part of the song that put it elsewhere: "drums everywhere except the chorus"
SECTION_ELSEWHERE = ("except", "outside", "between", "besides", "but", "while", "whereas", "although", "overall")
# Feelings that, said of a part of the song ("make the chorus bigger", "softer verses"), lift it or hold it back
# against the rest: +1 the band louder there, -1 softer (a feeling said of the whole song stays a feeling)
SECTION_LIFTS = {"energetic": 1, "heavy": 1, "epic": 1, "aggressive": 1, "soft": -1, "minimal": -1, "chill": -1}
LEVELLED = ("instrument", "drums", "vocals")  # what a "softer" / "louder" next to it turns down or up
# "keep the original guitar", "keep the song's own piano": after a keep, the song's part, not a new one
OWN_WORDS = ("original", "song's own", "songs own", "existing")  # "the" before them is a stop word
KEEP_CUES = ("keep", "keeping", "retain", "preserve", "maintain", "leave", "don't change", "dont change",
             "do not change", "don't touch", "dont touch", "do not touch")
# "only piano", "just drums and bass", "strip it down to piano and vocals", "drums and bass only": the parts named
# play and nothing else does (a cue before the list, or "only" right after it)
ONLY_CUES = ("only", "just", "solely", "purely", "exclusively", "nothing but", "nothing except", "down to",
             "reduced to", "nothing other than")
# "replace the guitar with a piano", "swap the guitars for synths", "change the guitar to violin": the part named
# after the verb goes, the one after the connector ("with", or one of SWAP_CONNECTORS) comes in
SWAP_CUES = ("replace", "replacing", "swap", "swap out", "switch out", "substitute", "exchange", "trade", "change",
             "switch", "turn")  # "turn the guitar into a synth" (added both)
SWAP_CONNECTORS = ("for", "to", "into", "by")  # after a swap only: alone they ask for nothing
# "make the guitar sound like a synth": between two instruments, the first is swapped for the second (both were added)
SOUND_LIKE = ("sound like", "sounds like", "sound more like", "sound just like")
# "mute everything but the vocals": after a removal, an only (alone, "everything but the drums" removes the drums)
ALL_BUT_CUES = ("everything but", "everything except", "all but", "all except", "everything apart from",
                "everything other than", "everything besides", "anything but", "anything except")
# "keep the drums but remove everything else": removed, the rest leaves the parts the prompt names alone
REST_WORDS = ("everything else", "the rest", "all else", "anything else", "all the rest", "all other instruments",
              "every other instrument", "the other instruments", "all the other instruments")
# "same tempo", "keep the original tempo": the song is not stretched, whatever the style's range
OWN_TEMPO_WORDS = ("same tempo", "same speed", "same bpm", "original tempo", "original speed", "original bpm",
                   "own tempo", "keep the tempo", "keep the speed", "keep the bpm", "tempo unchanged",
                   "don't change the tempo", "dont change the tempo", "do not change the tempo",
                   "don't change the speed", "dont change the speed", "do not change the speed")
# the style a prompt that names no style gets when it keeps one of these alone ("only piano": a piano ballad)
ONLY_STYLES = {"piano": "piano_ballad", "strings": "classical", "guitar": "acoustic", "acoustic guitar": "acoustic",
               "violin": "classical", "cello": "classical", "viola": "classical", "harp": "classical"}
# "violin cover", "a ukulele version": with no genre named, the style an instrument's cover suggests (it leads there;
# were Pop with the instrument added)
COVER_WORDS = ("cover", "version", "rendition", "remake")
COVER_STYLES = {**ONLY_STYLES, "flute": "classical", "oboe": "classical", "clarinet": "classical",
                "ukulele": "acoustic", "banjo": "acoustic", "mandolin": "acoustic", "saxophone": "jazz",
                "trumpet": "jazz", "music box": "lullaby", "organ": "gospel", "synth": "synthwave",
                # were Pop with the instrument added
                "harpsichord": "classical", "accordion": "polka", "steel drums": "reggae",
                "steel drum": "reggae", "steel pan": "reggae", "kalimba": "lullaby",
                "bagpipes": "acoustic", "bagpipe": "acoustic", "choir": "acappella", "tuba": "march",
                "sitar": "bollywood"}
INTENSIFIERS = {"very": 1.5, "really": 1.5, "super": 1.6, "extremely": 2.0, "much": 1.5,
                "way": 1.6, "ultra": 1.8, "so": 1.3, "totally": 1.5, "insanely": 2.0, "mega": 1.8,
                "a bit": 0.5, "bit": 0.5, "slightly": 0.5, "little": 0.5, "a little": 0.5, "somewhat": 0.6,
                "kinda": 0.6, "kind of": 0.6, "sort of": 0.6, "a touch": 0.5, "touch": 0.5, "hint": 0.4,
                "a hint of": 0.4, "mildly": 0.5, "lightly": 0.5, "gently": 0.6, "subtly": 0.5,
                "a lot": 1.5, "a whole lot": 1.8, "a great deal": 1.5, "a tad": 0.5, "tad": 0.5}  # "a lot slower" was x0.85
# beats to the bar; a dance in three also suggests a style when the prompt names none
METER_WORDS = {
    "waltz": 3, "waltzes": 3, "viennese waltz": 3, "waltz time": 3, "minuet": 3, "menuet": 3, "mazurka": 3,
    "polonaise": 3, "3 4": 3, "3 4 time": 3, "in 3 4": 3, "in 3": 3, "in three": 3, "three four": 3,
    "three four time": 3, "three quarter time": 3, "triple meter": 3, "triple metre": 3, "triple time": 3,
    "4 4": 4, "4 4 time": 4, "in 4 4": 4, "common time": 4,
}
DANCE_STYLES = {"waltz": "classical", "waltzes": "classical", "viennese waltz": "classical",
                "minuet": "classical", "menuet": "classical", "mazurka": "classical", "polonaise": "classical"}
# a groove that is a band's: "make it a march" is the marching band ("rock march" is rock on its beat)
GROOVE_STYLES = {"march": "march", "marching": "march"}
# The vocal's pitch corrected (vocals/tune.py): "autotune" snaps it to the song's scale, "robot" holds it on one note
VOCAL_TUNE_WORDS = {"autotune": "autotune", "auto tune": "autotune", "autotuned": "autotune", "auto tuned": "autotune",
                    "autotuning": "autotune", "pitch correction": "autotune", "pitch corrected": "autotune",
                    "t pain": "autotune", "robot": "robot", "robotic": "robot", "robot voice": "robot",
                    "robotic voice": "robot", "robotic vocals": "robot", "vocoder": "robot", "vocoded": "robot",
                    "talkbox": "robot", "talk box": "robot",
                    # "make the singer sing in tune", "the vocals are out of tune" (were unread: a Pop remix)
                    "sing in tune": "autotune", "sings in tune": "autotune", "singing in tune": "autotune",
                    "vocals in tune": "autotune", "pitch correct": "autotune", "correct the pitch": "autotune",
                    "fix the pitch": "autotune", "tune the vocals": "autotune", "tune the vocal": "autotune",
                    "tune the voice": "autotune", "pitchy": "autotune"}
# "whispered vocals", "breathy vocals": how the new lyrics are sung (vocals/singing.delivered); both were unread
VOCAL_DELIVERY_WORDS = {"whisper": "whisper", "whispers": "whisper", "whispered": "whisper", "whispering": "whisper",
                        "whispery": "whisper", "asmr": "whisper", "breathy": "breathy", "breathier": "breathy",
                        "airy vocals": "breathy", "airy voice": "breathy", "airy vocal": "breathy",
                        "breathy voice": "breathy", "husky": "breathy", "husky voice": "breathy",
                        # sung quietly: with more air than voice (were unread)
                        "sing it softly": "breathy", "sing softly": "breathy", "sung softly": "breathy",
                        "softly sung": "breathy"}
# "sidechain", "pumping sidechain": the band and the kept original duck on every beat and swell back (the
# sidechain compression of dance music; it was a compressor on the whole mix). "pumping" alone is still energetic.
PUMP_WORDS = {word: 1.0 for word in (
    "sidechain", "side chain", "sidechained", "side chained", "sidechaining", "sidechain compression",
    "sidechain pumping", "pumping sidechain", "sidechain pump", "pumping bass", "ducking", "pumping effect",
    "pump effect", "sidechained synths", "sidechained pads")}
PUMP_WORDS.update({"heavy sidechain": 1.5, "hard sidechain": 1.5, "strong sidechain": 1.5, "big sidechain": 1.5,
                   "subtle sidechain": 0.5, "light sidechain": 0.5, "gentle sidechain": 0.5})
# "vocal chops", "chopped vocals": slices of the vocal retriggered on a rhythm where it rests (unread before)
VOCAL_CHOP_WORDS = ("vocal chops", "vocal chop", "chopped vocals", "chopped up vocals", "chop the vocals",
                    "chop up the vocals", "vocal stutter", "stutter vocals", "stuttered vocals", "vocal slices",
                    "sliced vocals", "vocal hooks chopped", "stuttering vocals", "stuttered vocal", "vocal stutters",
                    "stutter the vocals")
# "add a build up before the chorus", "risers", "a drum roll into the chorus", "a big drop": the bars before each
# chorus build to it, with a snare roll rising to its downbeat and a noise sweep rising to it ("build"); "riser" the
# sweep alone, "drum roll" the roll alone (each was unread, or a song part's change that changed nothing)
BUILD_WORDS = {"build up": "build", "build ups": "build", "buildup": "build", "buildups": "build",
               "big build": "build", "big drop": "build", "huge drop": "build", "massive drop": "build",
               "edm drop": "build", "with a drop": "build", "hard drop": "build", "heavy drop": "build",
               "bass drop": "build", "sick drop": "build", "a drop": "build", "bigger drop": "build",
               "a bigger drop": "build",
               "add a drop": "build", "riser": "riser", "risers": "riser", "noise riser": "riser",
               "white noise riser": "riser", "uplifter": "riser", "uplifters": "riser", "noise sweep": "riser",
               "white noise sweep": "riser", "drum roll": "roll", "drum rolls": "roll", "snare roll": "roll",
               "snare rolls": "roll", "snare build": "roll", "snare buildup": "roll", "snare build up": "roll"}
# "add backing vocals", "harmonies": a second voice a third from the lead's notes; "double the vocals": a second
# take of the lead (both were unread, "double the vocals" the vocals +6 dB)
VOCAL_HARMONY_WORDS = {"backing vocals": "harmony", "backing vocal": "harmony", "background vocals": "harmony",
                       "backup vocals": "harmony", "backing singers": "harmony", "backup singers": "harmony",
                       "harmonies": "harmony", "harmony": "harmony", "vocal harmonies": "harmony",
                       "vocal harmony": "harmony", "harmonize": "harmony", "harmonise": "harmony",
                       "harmonized": "harmony", "harmonised": "harmony", "harmonizing": "harmony",
                       "harmonising": "harmony", "second voice": "harmony", "double the vocals": "double",
                       "double the vocal": "double", "doubled vocals": "double", "double tracked vocals": "double",
                       "double tracked": "double", "vocal doubling": "double", "double track the vocals": "double",
                       "stacked vocals": "harmony", "layered vocals": "harmony", "vocal stacks": "harmony",
                       "vocal layers": "harmony", "gang vocals": "double", "group vocals": "double",
                       # ("layer the vocals" was unread: a Pop remix)
                       "layer the vocals": "harmony", "layer the vocal": "harmony", "stack the vocals": "harmony",
                       "stack the vocal": "harmony", "layer the voice": "harmony"}
GENDER_WORDS = ("male", "female", "man", "woman", "men", "women", "girl", "boy", "guy", "lady", "masculine",
                "feminine", "baritone", "soprano", "alto", "tenor", "deep voice", "deeper voice", "low voice",
                "lower voice", "deep vocals", "deeper vocals", "high voice", "higher voice", "high pitched voice",
                "higher pitched voice", "higher vocals", "high pitched vocals", "low pitched vocals",
                "deep pitched vocals")
# A voice named next to the vocals ("female vocals", "a male singer", "sung by a woman"): the singer's, or the kept
# vocal's re-voicing, when the request gives no gender of its own
GENDER_VOICES = {"male": "male", "man": "male", "men": "male", "boy": "male", "guy": "male", "masculine": "male",
                 "baritone": "male", "tenor": "male", "female": "female", "woman": "female", "women": "female",
                 "girl": "female", "lady": "female", "feminine": "female", "soprano": "female", "alto": "female",
                 # a voice's height said with it ("a deeper voice", "higher vocals"): that gender's voice
                 "deep voice": "male", "deeper voice": "male", "low voice": "male", "lower voice": "male",
                 "deep vocals": "male", "deeper vocals": "male", "high voice": "female", "higher voice": "female",
                 "high pitched voice": "female", "higher pitched voice": "female", "higher vocals": "female",
                 "high pitched vocals": "female", "low pitched vocals": "male", "deep pitched vocals": "male"}
MODE_WORDS = {"minor": "minor", "major": "major", "minor key": "minor", "major key": "major",
              "minor scale": "minor", "major scale": "major"}
KEY_NAMES = {"a", "b", "c", "d", "e", "f", "g", "c#", "d#", "f#", "g#", "a#", "db", "eb", "gb", "ab", "bb",
             "sharp", "flat"}
INSTRUMENTAL_WORDS = ("instrumental", "karaoke", "backing track", "no vocals")
SOLO_WORDS = ("solo", "solos", "melody", "melodies", "lead", "leads", "lead line", "riff", "riffs")

# English words a misspelling guess would read as a word they do not mean ("make it longer" was a bossa nova: "longer"
# read as "lounge"; "busier" as "bluesier", "tighter" as "lighter", "master" as "faster", "boss battle" a bossa nova,
# "beach" Bach): left unread instead.
NOT_GUESSED = frozenset("""
longer weirder busier tighter colder middle master concert boss star beach bar train sung instruments instrument
break chords chord speed pace electric ambience atmosphere stomps bad brought high matter move single small
""".split())

# Words that carry no instruction. A word the vocabulary knows ("more", "very", "keep") is read as
# that word before this list is consulted, so it never appears here (a test checks).
STOP_WORDS = frozenset("""
a an the and or but of in on at from as like onto over up down out about around then it
its it's this that these those there here my me mine i i'm im you your yours we our us they them their he she
his her him please pls plz can could would should will shall may might must make made makes making turned
turning transform transformed convert converted changed changing give gives create do does doing done be
is are was were been being am sound sounds sounding sounded song songs track tracks tune tunes music musical
remix remixed remixing version versions cover style styled styles vibe vibes vibey vibing feel feels feeling
type kind sort genre mood some any all also lot lots most sorta key tempo bpm inspired influence
influenced influences flavor flavour flavored flavoured want wanna need needs let lets let's something thing
things have has had get got go going put piece tone what how who which when where why if else such same own
each every both either one two three yes okay ok hey hi hello thanks thank cool nice good great awesome amazing
beautiful new now right think instead rather quite pretty fairly enough overall whole entire part parts section
sections bring well still even again via per while until through throughout within across along bpms eh um
uh oh yeah yo sure maybe perhaps approach treatment rendition take that's there's i'd we're you're they're
drenched soaked dripping swimming bathed plenty tons loads before after
what's who's aren't can't won't day days morning evening afternoon weekend baby babies kids children theme
record band time times people someone anyone everyone audio sample samples clip loop loops playing play played
plays listen listening hear themed mix carrying carries carry class shop towards toward number
volume trio quartet quintet era experimental singalong roller offbeat duet duets af asf
""".split())


# ---------------------------------------------------------------------------------------------------
# Modifiers: feelings and production words ("slower", "dark", "lo-fi feel"). Each row names its words and
# what it does at intensity k (1 plain, 0.5 "a bit", 1.5 "very"): `tempo` multiplies the tempo by tempo**k,
# the deltas are added times k, `effects` are set, `effect_defaults` / `instrument_defaults` are added
# when absent, `drops` are removed. What does not fit a row (a cutoff that depends on k, distortion that
# builds on itself) is a small function in style.py's `_MODIFIER_EXTRAS`, named after the modifier.


MIDS_DB = 4.0  # "boost the mids": the bell's gain (EffectKind.MIDS)


# The style a decade named with no genre suggests (the vintage feel's own is lo-fi hip-hop: "make it sound like the 70s"
# was a lo-fi hip-hop remix): the 20s-40s swing and big bands, 50s rock and roll, 60s Motown soul, 70s disco, 90s
# hip-hop ("80s" names synthwave itself)
DECADE_STYLES = {"20s": "jazz", "twenties": "jazz", "30s": "jazz", "40s": "jazz", "50s": "rock", "fifties": "rock",
                 "60s": "rnb", "sixties": "rnb", "70s": "disco", "seventies": "disco", "90s": "hiphop",
                 "nineties": "hiphop"}


@dataclass(frozen=True, kw_only=True)
class Modifier:
    words: tuple[str, ...]
    label: str = ""  # how the plan says it, when not its name ("slow" -> "slower")
    opposite: str | None = None  # what "not X" / "less X" asks for a little of instead
    opposite_k: float = 0.35  # how much of the opposite: a little for a feeling, all of it for a sound ("less treble")
    implies: str | None = None  # the style a prompt naming no genre gets from this feeling
    tempo: float = 1.0
    energy: float = 0.0
    brightness: float = 0.0
    reverb: float = 0.0
    vocal_reverb: float = 0.0
    swing: float = 0.0
    keep_original: float = 0.0
    mode: str | None = None
    mood: str | None = None
    lightness: float = 0.0  # the cover palette, shaded
    saturation: float = 0.0
    lowpass_hz: float | None = None  # a low-pass at most this high
    effects: dict[str, dict[str, float]] = field(default_factory=dict)
    effect_defaults: dict[str, dict[str, float]] = field(default_factory=dict)
    drops: tuple[str, ...] = ()
    instruments: dict[str, int] = field(default_factory=dict)
    instrument_defaults: dict[str, int] = field(default_factory=dict)
    varispeed: bool = False  # its tempo is played as a record is, faster and higher ("nightcore"), or slower and lower


MODIFIERS: dict[str, Modifier] = {
    "slow": Modifier(
        words=("slow", "slower", "slowly", "slow tempo", "slow down", "slowed down", "laid back", "laidback",
               "unhurried", "low tempo", "downtempo feel", "lower tempo", "slower tempo", "lower bpm", "half speed",
               "reduce the tempo", "lower the tempo", "decrease the tempo", "drop the tempo", "turn down the tempo"),
        label="slower", opposite="fast", tempo=0.85, energy=-0.1,
    ),
    "fast": Modifier(
        words=("fast", "faster", "quick", "quicker", "speedy", "uptempo", "up tempo", "speed up", "speed it up",
               "rapid", "high tempo", "double time", "higher tempo", "faster tempo", "higher bpm", "double speed",
               "increase the tempo", "raise the tempo", "pick up the tempo", "up the tempo", "turn up the tempo"),
        label="faster", opposite="slow", tempo=1.15, energy=0.1,
    ),
    "chill": Modifier(
        words=("chill", "chilled", "chilling", "calm", "calmer", "relaxing", "relaxed", "mellow", "smooth",
               "peaceful", "cozy", "cosy", "lazy", "easy", "easygoing", "serene", "tranquil", "soothing", "zen",
               "study", "studying", "focus", "concentration", "sunday", "coffee", "cafe", "rainy", "rain", "smoother",
               "coffee shop", "sunset", "relax", "to relax"),
        opposite="energetic", implies="lofi", tempo=0.93, energy=-0.2, reverb=0.1, brightness=-0.1, mood="calm",
    ),
    "energetic": Modifier(
        words=("energetic", "energy", "hype", "hyped", "pumping", "lively", "driving", "powerful", "intense",
               "party", "upbeat", "bouncy", "banger", "danceable", "exciting", "punchy", "punchier", "loud", "workout",
               "gym", "running", "hyper", "anthem", "louder", "too quiet", "too soft", "bounce", "more bounce",
               "bouncier", "make it bang", "make it slap", "bangers", "explode", "explodes", "explosive",
               "blow up", "blows up", "less boring", "not boring", "too boring", "more exciting"),
        opposite="chill", implies="edm", tempo=1.06, energy=0.25, brightness=0.1, mood="energetic",
        effect_defaults={"compressor": {"threshold_db": -20.0, "ratio": 4.0}},
    ),
    "dark": Modifier(
        words=("dark", "darker", "moody", "gloomy", "sinister", "ominous", "night", "nighttime", "midnight", "evil",
               "brooding", "mysterious", "noir", "gothic", "goth", "villain", "late night", "haunting", "moodier",
               "gloomier"),
        label="darker", opposite="bright", brightness=-0.4, mode="minor", mood="dark", lightness=-0.18,
    ),
    # darker, and with no style named a film's orchestra ("halloween version", "make it spooky": a Pop band in minor)
    "spooky": Modifier(
        words=("spooky", "spookier", "haunted", "eerie", "creepy", "creepier", "scary", "scarier",
               "horror", "halloween", "halloween version", "ghostly", "ghost story",
               "haunted house", "haunted mansion"),  # (was House: "house")
        opposite="bright", implies="cinematic", brightness=-0.4, mode="minor", mood="dark", lightness=-0.18,
    ),
    "bright": Modifier(
        words=("bright", "brighter", "sunny", "shiny", "sparkly", "sparkling", "airy", "crisp", "glossy", "radiant"),
        label="brighter", opposite="dark", brightness=0.4, lightness=0.15,
    ),
    # a season's feel, with no style named its music: summer a tropical house (it was the sound "brighter" alone,
    # the song as it was), autumn the nostalgic lo-fi (unread)
    "summer": Modifier(
        words=("summer", "summery", "summertime", "summer vibe", "summer vibes", "beach", "beachy", "tropical vibes"),
        opposite="dark", implies="house", brightness=0.4, lightness=0.15, mood="happy",
    ),
    "autumn": Modifier(
        words=("autumn", "autumnal", "fall vibes", "autumn vibes"),
        implies="lofi", brightness=-0.1, mood="nostalgic",
    ),
    "dreamy": Modifier(
        words=("dreamy", "dream", "dreamlike", "ethereal", "hazy", "floaty", "floating", "heavenly", "celestial",
               "surreal", "psychedelic", "trippy", "heaven", "like heaven", "dreamier"),
        implies="ambient", reverb=0.25, vocal_reverb=0.2, brightness=-0.1, mood="dreamy",
        effect_defaults={"delay": {"seconds": 0.42, "feedback": 0.35, "mix": 0.2}},
        instrument_defaults={"pad": P.WARM_PAD},
    ),
    "spacious": Modifier(
        words=("spacious", "space", "spacey", "spacy", "wide", "wider", "huge space", "cavernous", "roomy",
               "open", "expansive", "cathedral", "far away", "distant", "ambience", "atmosphere", "stadium",
               "arena", "in a stadium", "in an arena"),
        opposite="dry", reverb=0.3, vocal_reverb=0.2,
        effect_defaults={"delay": {"seconds": 0.38, "feedback": 0.3, "mix": 0.15}},
    ),
    # a decade named alone suggests its music, not lo-fi hip-hop (DECADE_STYLES): "make it sound like the 70s"
    "vintage": Modifier(
        words=("vintage", "retro", "old", "older", "old school", "oldschool", "classic", "analog", "analogue",
               "old fashioned", "20s", "30s", "40s", "60s", "70s", "90s", "50s", "twenties", "sixties", "seventies",
               "nineties", "fifties", "throwback", "antique", "dusty"),
        opposite="clean", implies="lofi", lowpass_hz=9000.0, brightness=-0.2, mood="nostalgic", saturation=-0.25,
    ),
    "heavy": Modifier(
        words=("heavy", "heavier", "hard", "harder", "fat", "fatter", "thick", "crushing", "hard hitting",
               "hardhitting"),
        opposite="soft", implies="rock", energy=0.2, brightness=-0.05,
        effect_defaults={"compressor": {"threshold_db": -20.0, "ratio": 4.0}},
    ),
    "minimal": Modifier(
        words=("hypnotic", "repetitive", "minimal", "minimalist", "minimalistic", "sparse", "stripped",
               "stripped down", "stripped back", "simple", "simpler", "bare", "barebones", "bare bones",
               "less busy", "too busy", "simplify", "simplified", "simplify it", "uncluttered", "declutter",
               "less cluttered", "too cluttered"),
        opposite="lush", energy=-0.25, reverb=-0.05, keep_original=0.1,
    ),
    "acoustic": Modifier(
        words=("organic", "natural", "live", "live band", "real instruments", "unplugged feel"),
        implies="acoustic",
    ),
    "sad": Modifier(
        words=("sad", "sadder", "melancholic", "melancholy", "sorrowful", "emotional", "heartbreak", "heartbroken",
               "tearful", "somber", "sombre", "depressing", "lonely", "bittersweet", "blue", "tragic", "mournful",
               "cry", "crying", "tears", "tearjerker", "sorrow", "grief", "grieving", "breakup", "break up"),
        opposite="happy", implies="piano_ballad", mode="minor", brightness=-0.2, tempo=0.93, energy=-0.15,
        mood="sad", saturation=-0.3, lightness=-0.05,
    ),
    "happy": Modifier(
        words=("happy", "happier", "joyful", "cheerful", "uplifting", "fun", "playful", "feel good", "feelgood",
               "positive", "optimistic", "bubbly", "sunshine", "euphoric", "carefree"),
        opposite="sad", mode="major", brightness=0.2, tempo=1.04, energy=0.1, mood="happy", saturation=0.2,
        lightness=0.05,
    ),
    "epic": Modifier(
        words=("epic", "grand", "heroic", "majestic", "triumphant", "anthemic", "powerful epic", "big", "bigger",
               "huge", "massive", "dramatic", "monumental", "larger than life"),
        implies="cinematic", reverb=0.2, energy=0.2, mood="epic", effect_defaults={"wide": {"amount": 0.5}},
    ),
    "aggressive": Modifier(
        words=("aggressive", "angry", "fierce", "brutal", "raw", "violent", "rage", "furious", "hardcore feel",
               "savage", "wild", "screaming", "screamed", "shouted"),
        opposite="soft", implies="metal", energy=0.3, brightness=0.1, mood="aggressive",
        effects={"compressor": {"threshold_db": -22.0, "ratio": 5.0}},
    ),
    "soft": Modifier(
        words=("soft", "softer", "gentle", "gentler", "quiet", "quieter", "tender", "delicate", "subtle",
               "light", "lighter", "intimate", "sleep", "sleepy", "lullaby feel", "too loud",
               # "turn the lights down low" (read "turn down the lights low") was heavy: "light" refused by "down"
               "turn down the lights", "dim the lights", "lights down low", "lights low", "candlelight",
               "candlelit", "candle lit"),
        opposite="heavy", implies="piano_ballad", energy=-0.3, brightness=-0.15, mood="calm",
        drops=("distortion", "bitcrush"),
    ),
    "romantic": Modifier(
        words=("romantic", "love", "lovely", "sensual", "sexy", "seductive", "passionate", "sweet", "valentine",
               "wedding", "first dance"),
        implies="rnb", tempo=0.96, reverb=0.1, mood="romantic",
    ),
    "nostalgic": Modifier(
        words=("nostalgic", "nostalgia", "memories", "wistful", "sentimental", "reminiscent"),
        implies="lofi", brightness=-0.1, mood="nostalgic",
    ),
    "warm": Modifier(words=("warm", "warmer", "warmth", "cozy warm", "rich warm"), brightness=-0.2),
    "lush": Modifier(
        words=("lush", "rich", "full", "fuller", "layered", "thick layers", "luscious", "more layers", "add layers",
               "more going on", "denser", "thicker arrangement"),  # (the last four were unread)
        opposite="minimal", reverb=0.15, effect_defaults={"chorus": {"depth": 0.3, "mix": 0.2}},
        instrument_defaults={"pad": P.WARM_PAD, "strings": P.STRING_ENSEMBLE_1},
    ),
    "dry": Modifier(words=("dry", "drier", "tight", "upfront"), opposite="spacious", drops=("delay",)),
    # how the band plays (render-free: the arranger's timing and note lengths, the plan's `playing`)
    "quantized": Modifier(words=("quantize", "quantized", "quantise", "quantised", "tighten", "tighten up",
                                 "tightened", "on the grid", "perfectly in time", "robotic timing", "machine like",
                                 "tighter timing", "tight timing"), label="tight timing", opposite="loose"),
    "loose": Modifier(words=("humanize", "humanise", "humanized", "humanised", "loose", "looser", "loosen",
                             "loosen up", "sloppy", "more human", "human feel", "live feel", "loose timing"),
                      label="loose timing", opposite="quantized"),
    "staccato": Modifier(words=("staccato", "detached", "choppy", "short notes", "shorter notes", "plucky",
                                "clipped notes"), opposite="legato"),
    "legato": Modifier(words=("legato", "sustained", "long notes", "longer notes", "flowing notes", "smooth notes",
                              "held notes"), opposite="staccato"),
    # a short natural ambience, whatever the style's own reverb ("small room sound" was unread; "roomy" is spacious)
    "room": Modifier(words=("small room", "small room sound", "room sound", "little room", "living room",
                            "in a room", "room mic", "room mics", "live room", "studio room", "small club",
                            "small venue", "small bar", "in a bar", "in a pub", "coffee shop gig", "small stage"),
                     label="small room", opposite="spacious", drops=("delay",)),
    "clean": Modifier(
        # "radio edit" / "radio version": a clean mix for the radio, not the sound of one (the "radio" feeling)
        words=("clean", "cleaner", "clearer", "polished", "modern", "pristine", "hifi", "hi fi", "crystal clear",
               "expensive", "luxurious", "professional", "studio quality", "modernize", "modernise",
               "modernized", "modernised", "current", "contemporary", "up to date", "update the sound",
               "updated sound", "fresh", "fresher",
               "radio edit",
               "radio version", "radio mix", "radio friendly", "radio ready"),
        opposite="gritty", brightness=0.1, drops=("distortion", "bitcrush", "vinyl", "tape"),
    ),
    # "remaster it", "improve the audio quality", "normalize" (a Pop remix before): alone, the song as it is, mastered
    # (the master's loudness and peak ceiling, as every version), a gentle glue compressor and a touch of air
    # the master's loudness asked (master.MASTER_LUFS): "make it louder" was the energetic feel (an EDM remix), and
    # "more dynamics", "don't squash it" were unread
    "loud_master": Modifier(
        words=("louder master", "loud master", "as loud as possible", "maximize the volume", "maximise the volume",
               "maximize the loudness", "maximise the loudness", "maximized", "maximised", "max volume",
               "maximum volume", "full volume", "radio loud", "club loud"),
        label="a louder master (-10 LUFS)", opposite="dynamic", opposite_k=1.0, brightness=0.1,
        effect_defaults={"compressor": {"threshold_db": -20.0, "ratio": 2.0}},
    ),
    "dynamic": Modifier(
        words=("more dynamics", "dynamics", "dynamic range", "more dynamic range", "less compressed",
               "less compression", "not compressed", "uncompressed", "no compression", "not squashed", "less squashed",
               "don't squash it", "dont squash it", "do not squash it", "not so compressed", "not over compressed",
               "less limiting", "quieter master", "let it breathe"),
        label="more dynamic (a quieter master, -18 LUFS, no compressor)", opposite="loud_master", opposite_k=1.0,
        drops=("compressor",),
    ),
    "remaster": Modifier(
        words=("remaster", "remastered", "remastering", "remaster it", "master it", "master this", "master the song",
               "master the track", "mastered", "mastering", "mix and master", "mixed and mastered",
               "improve the audio", "improve the audio quality", "improve the sound", "improve the sound quality",
               "improve the quality", "better audio quality", "better sound quality", "better quality",
               "higher quality", "high quality", "hq", "hd", "hd audio", "enhance", "enhanced", "enhance the audio",
               "enhance the sound", "audio enhancement", "normalize", "normalise", "normalized", "normalised",
               "clean up the audio", "clean up the sound", "clean up the mix"),
        label="remastered", brightness=0.1, effects={"compressor": {"threshold_db": -20.0, "ratio": 2.0}},
        drops=("distortion", "bitcrush", "vinyl", "tape"),
    ),
    "gritty": Modifier(
        words=("gritty", "grit", "dirty", "grimy", "crunchy", "fuzzy", "fuzz", "distorted", "saturated",
               "lofi feel", "overdriven", "rough", "raspy", "gravelly", "hoarse"),
        opposite="clean",
    ),
    "groovy": Modifier(
        words=("groovy", "groovier", "groove heavy", "swinging", "swingy", "swung", "danceable groove", "groove more",
               "more groove", "more groovy", "grooves more"), swing=0.08,
        energy=0.1,
    ),
    "swing": Modifier(words=("swing", "shuffled"), swing=0.2),
    # "triplet feel", "in 6/8", "12/8": each beat in three (the off notes two thirds in); were unread
    "triplet": Modifier(words=("triplet feel", "triplet", "triplets", "6 8", "6 8 time", "12 8", "12 8 time",
                               "compound time"), label="triplet feel"),
    "underwater": Modifier(
        words=("underwater", "muffled", "under water", "submerged", "muted"),
        lowpass_hz=700.0, reverb=0.2, brightness=-0.8,
    ),
    "radio": Modifier(
        words=("radio", "telephone", "phone", "am radio", "walkie talkie", "megaphone", "old radio", "phone call",
               # a small speaker's thin, boxy sound (were unread)
               "phone speaker", "phone speakers", "cheap speaker", "cheap speakers", "laptop speaker",
               "laptop speakers", "tiny speaker", "tiny speakers", "small speaker", "small speakers",
               "bluetooth speaker", "bluetooth speakers"),
        effects={"highpass": {"cutoff_hz": 300.0}}, lowpass_hz=3400.0, brightness=-0.2,
    ),
    # the song itself slowed and reverbed, as the format is (it was a lo-fi hip-hop remix of it: a new band)
    "slowed": Modifier(
        words=("slowed", "slowed reverb", "slowed and reverb", "slowed reverbed", "slowed and reverbed",
               "chopped and screwed", "screwed", "daycore"),
        opposite="fast", tempo=0.8, reverb=0.35, vocal_reverb=0.3, mood="dreamy", varispeed=True,
    ),
    "sped_up": Modifier(
        # a "tiktok version" of a song is the song sped up, as a record (were unread)
        words=("sped up", "nightcore", "spedup", "speed up version", "tiktok", "tik tok", "tiktok version",
               "tiktok remix", "tik tok version", "tik tok remix"),
        label="sped up", opposite="slow", tempo=1.25, brightness=0.2, mood="energetic", varispeed=True,
    ),
    # "hawaiian", "aloha" (unread: a Pop remix): an acoustic remix whose strummed guitar is a ukulele's nylon strings
    "hawaiian": Modifier(
        words=("hawaiian", "hawaii", "aloha", "luau", "hawaiian style", "island vibes"),
        implies="acoustic", brightness=0.1, reverb=0.05, mood="happy", instruments={"guitar": P.NYLON_GUITAR},
    ),
    "festive": Modifier(
        words=("christmas", "xmas", "holiday", "holidays", "festive", "jingle", "winter", "snow", "sleigh"),
        mode="major", brightness=0.2, mood="happy", instruments={"arp": P.CELESTA},  # see "bells"
    ),
    "bass_boost": Modifier(
        words=("bass boosted", "bass boost", "bassy", "boomy", "subby", "deep bass", "heavy bass", "low end", "lows",
               "low frequencies", "bottom end", "more low end", "deeper", "more depth", "weightier", "muddy"),
        label="bass boosted", brightness=-0.25, energy=0.1, opposite="thin", opposite_k=1.0,
    ),
    # The sound's balance of lows and highs, asked as such: "cut the low end" was "Not slower" ("low" read as
    # "slow"), "boost the highs" and "less treble" were unread
    "thin": Modifier(
        words=("thin", "thinner", "less boomy", "less muddy", "not muddy", "less low end"), label="less low end",
        opposite="bass_boost", opposite_k=1.0, brightness=0.05, effects={"highpass": {"cutoff_hz": 120.0}},
    ),
    "treble": Modifier(
        words=("treble", "more treble", "highs", "high end", "top end", "high frequencies", "more air", "some air",
               "add air", "airier"),
        label="more treble",
        opposite="dull", opposite_k=1.0, brightness=0.35,
    ),
    "dull": Modifier(
        words=("dull", "duller", "less treble", "rolled off highs", "less harsh", "not harsh", "softer highs"),
        label="less treble", opposite="treble", opposite_k=1.0, brightness=-0.35,
    ),
    # the middle of the spectrum, where voices and guitars are: "boost the mids" and "scoop the mids" were unread
    # ("mids" ignored, a Pop remix made)
    "mids": Modifier(
        words=("mids", "midrange", "mid range", "mid frequencies", "middle frequencies", "more mids", "mid boost",
               "boosted mids", "boxy", "nasal", "honky"),
        label="more mids", opposite="scooped", opposite_k=1.0, effects={"mids": {"db": MIDS_DB}},
    ),
    "scooped": Modifier(
        words=("scooped", "scooped mids", "scoop the mids", "scoop", "less mids", "mid scoop", "fewer mids",
               "less midrange"),
        label="less mids", opposite="mids", opposite_k=1.0, effects={"mids": {"db": -MIDS_DB}},
    ),
}

# The one default of every effect: what "with delay", "add a phaser" set it to, and what the renderer takes for a
# parameter an effect leaves out (none of the tables' or plans' effects does). Modifiers keep their own values
# (the table above): "dreamy" brings a longer delay than "with delay" does.
E = EffectKind
EFFECT_DEFAULTS: dict[EffectKind, dict[str, float]] = {
    E.DELAY: {"seconds": 0.375, "feedback": 0.35, "mix": 0.2}, E.DISTORTION: {"drive_db": 8.0},
    E.VINYL: {"amount": 0.5}, E.TAPE: {"amount": 0.5}, E.CHORUS: {"depth": 0.4, "mix": 0.3},
    E.PHASER: {"depth": 0.5, "mix": 0.3}, E.BITCRUSH: {"bit_depth": 8.0, "rate_hz": 11025.0},
    E.LOWPASS: {"cutoff_hz": 2500.0},
    E.HIGHPASS: {"cutoff_hz": 200.0}, E.COMPRESSOR: {"threshold_db": -24.0, "ratio": 5.0}, E.WIDE: {"amount": 0.7},
    E.MONO: {"amount": 1.0},
    E.GAIN: {"db": 0.0}, E.RAIN: {"amount": 0.5}, E.WAVES: {"amount": 0.5}, E.CROWD: {"amount": 0.5},
    E.BIRDS: {"amount": 0.5}, E.FIRE: {"amount": 0.5},
    E.TELEPHONE: {"amount": 1.0}, E.MIDS: {"db": MIDS_DB},
}


# ---------------------------------------------------------------------------------------------------
# Checks, run on import


def _style_problems() -> list[str]:
    problems = []
    roles, grooves, kits = set(Role), set(Groove), set(Kit)
    effect_kinds = set(EffectKind)
    ids = [s.id for s in STYLE_TABLE]
    problems += [f"style {i!r} is listed twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if DEFAULT_STYLE not in ids:
        problems.append(f"the default style {DEFAULT_STYLE!r} is not in the table")
    for s in STYLE_TABLE:
        where = f"style {s.id!r}"
        for part, band in (("instruments", s.instruments), ("signature", s.signature)):
            problems += [f"{where}: {part} role {r!r} is not a Role" for r in band if r not in roles]
            problems += [f"{where}: {part} program {p!r} is not a Program" for p in band.values()
                         if not isinstance(p, Program)]
        if s.drums is not None and s.drums not in grooves:
            problems.append(f"{where}: drums {s.drums!r} is not a Groove")
        if s.drums_if_added not in grooves:
            problems.append(f"{where}: drums_if_added {s.drums_if_added!r} is not a Groove")
        if s.drum_kit not in kits or not isinstance(s.drum_kit, Kit):
            problems.append(f"{where}: drum_kit {s.drum_kit!r} is not a Kit")
        problems += [f"{where}: effect {e.kind!r} is not an EffectKind"
                     for e in s.effects if e.kind not in effect_kinds]
        if not s.tempo_range[0] < s.tempo_range[1]:
            problems.append(f"{where}: tempo_range {s.tempo_range} is not (low, high)")
        for name in ("swing", "energy", "keep_original", "reverb", "vocal_reverb"):
            if not 0.0 <= getattr(s, name) <= 1.0:
                problems.append(f"{where}: {name} outside 0..1")
        if not -1.0 <= s.brightness <= 1.0:
            problems.append(f"{where}: brightness outside -1..1")
        problems += [f"{where}: colour {c!r} is not #rrggbb" for c in s.palette
                     if len(c) != 7 or c[0] != "#" or any(ch not in "0123456789abcdef" for ch in c[1:])]
        if not s.words:
            problems.append(f"{where}: no word names it")
        if s.signature and not s.signature_label:
            problems.append(f"{where}: a signature needs a label")
    return problems


def _word_problems() -> list[str]:
    problems = []
    style_ids = {s.id for s in STYLE_TABLE}
    for word, entry in INSTRUMENT_WORDS.items():
        if entry.role not in set(Role):
            problems.append(f"instrument {word!r}: role {entry.role!r} is not a Role")
        if not isinstance(entry.program, Program) or entry.program not in entry.family:
            problems.append(f"instrument {word!r}: program {entry.program!r} is not a Program of its family")
    problems += [f"groove word {w!r}: {g!r} is not a Groove" for w, g in GROOVE_WORDS.items() if g not in set(Groove)]
    problems += [f"kit word {w!r}: {k!r} is not a Kit" for w, k in KIT_WORDS.items() if not isinstance(k, Kit)]
    problems += [f"artist {a!r}: {s!r} is not a style" for a, s in ARTIST_STYLES.items()
                 if s not in {spec.id for spec in STYLE_TABLE}]
    effect_values = set(EffectKind) | {"reverb", "vocal_reverb", "all"}
    problems += [f"effect word {w!r}: {e!r} is not an effect"
                 for w, e in EFFECT_WORDS.items() if e not in effect_values]
    problems += [f"dance {w!r} is not a meter word" for w in DANCE_STYLES if w not in METER_WORDS]
    problems += [f"dance {w!r}: {s!r} is not a style" for w, s in DANCE_STYLES.items() if s not in style_ids]
    if set(ACOUSTIC_SWAPS) != set(Role):
        problems.append("ACOUSTIC_SWAPS must name a program for every Role")
    if any(w != w.lower() for w in STOP_WORDS):
        problems.append("stop words are lower case")
    return problems


def _modifier_problems() -> list[str]:
    problems = []
    style_ids = {s.id for s in STYLE_TABLE}
    moods = {s.mood for s in STYLE_TABLE}
    effect_kinds = set(EffectKind)
    for name, m in MODIFIERS.items():
        where = f"modifier {name!r}"
        if m.opposite is not None and m.opposite not in MODIFIERS:
            problems.append(f"{where}: opposite {m.opposite!r} is not a modifier")
        if m.implies is not None and m.implies not in style_ids:
            problems.append(f"{where}: implies {m.implies!r}, not a style")
        if m.mood is not None and m.mood not in moods:
            problems.append(f"{where}: mood {m.mood!r} is no style's mood")
        if m.mode not in (None, "major", "minor"):
            problems.append(f"{where}: mode {m.mode!r}")
        if m.tempo <= 0:
            problems.append(f"{where}: tempo must be a positive factor")
        kinds = [*m.effects, *m.effect_defaults, *m.drops]
        problems += [f"{where}: effect {kind!r} is not an EffectKind" for kind in kinds if kind not in effect_kinds]
        for band in (m.instruments, m.instrument_defaults):
            problems += [f"{where}: role {r!r} is not a Role" for r in band if r not in set(Role)]
            problems += [f"{where}: {p!r} is not a Program" for p in band.values() if not isinstance(p, Program)]
    if set(EFFECT_DEFAULTS) != effect_kinds or not all(isinstance(kind, EffectKind) for kind in EFFECT_DEFAULTS):
        problems.append("EFFECT_DEFAULTS must hold one default for every EffectKind, keyed by it")
    return problems


def _effect_problems() -> list[str]:
    if set(EFFECT_PARAMS) != set(EffectKind):
        return ["EFFECT_PARAMS must name the parameters of every EffectKind"]
    effects = [(f"style {s.id!r}", e.kind, e.params) for s in STYLE_TABLE for e in s.effects]
    effects += [(f"modifier {n!r}", kind, params) for n, m in MODIFIERS.items()
                for kind, params in (*m.effects.items(), *m.effect_defaults.items())]
    effects += [("EFFECT_DEFAULTS", kind, params) for kind, params in EFFECT_DEFAULTS.items()]
    return [f"{where}: {kind} takes {EFFECT_PARAMS[kind]}, not {tuple(params)}"
            for where, kind, params in effects if kind in EFFECT_PARAMS and set(params) != set(EFFECT_PARAMS[kind])]


def _validate() -> None:
    problems = _style_problems() + _word_problems() + _modifier_problems() + _effect_problems()
    if problems:
        raise ValueError("remixes.engine.vocabulary: " + "; ".join(problems))


_validate()
