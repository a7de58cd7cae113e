"""Turn a free-text prompt into a StylePlan: which style, tempo, meter, instruments and their levels, groove
and effects.

`interpret()` is the one entry point; it is pure, fast and never raises. Where the tempo is chosen:
`tempo_bpm` when the prompt names one, else the source tempo times `tempo_factor`, folded by octaves
into `tempo_range` by the renderer.
"""

from __future__ import annotations

import colorsys
import difflib
import functools
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace

MIN_BPM = 40.0
MAX_BPM = 240.0
MAX_PROMPT_CHARS = 2000

EFFECT_KINDS = (
    "highpass", "distortion", "bitcrush", "compressor", "chorus", "phaser", "delay", "tape", "lowpass",
    "vinyl", "wide", "gain",
)
ROLES = ("bass", "chords", "pad", "lead", "arp", "strings", "brass", "guitar")
GROOVES = (
    "boom_bap", "lofi", "four_on_floor", "techno", "breakbeat", "dnb", "trap", "rock", "metal", "punk",
    "shuffle", "swing_jazz", "bossa", "reggae", "funk", "disco", "half_time", "ballad", "march", "chip",
    "gospel", "dembow", "waltz", "jazz_waltz",
)
# Grooves written three beats to the bar; every other groove is in four.
GROOVES_IN_THREE = ("waltz", "jazz_waltz")
LEVEL_STEP_DB = 6.0   # one "less guitar" / "more bass", scaled by "a bit" or "much"
MAX_LEVEL_DB = 12.0   # the most a role is moved however often it is asked


@dataclass(frozen=True)
class Effect:
    kind: str
    params: dict


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

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tempo_range"] = list(self.tempo_range)
        data["instruments"] = dict(self.instruments)
        data["effects"] = [{"kind": e.kind, "params": dict(e.params)} for e in self.effects]
        for key in ("palette", "modifiers", "understood", "ignored_words"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict) -> StylePlan:
        values = dict(data)
        values["tempo_range"] = tuple(values["tempo_range"])
        values["instruments"] = dict(values["instruments"])
        values["levels"] = dict(values.get("levels") or {})
        values["effects"] = tuple(Effect(e["kind"], dict(e["params"])) for e in values["effects"])
        for key in ("palette", "modifiers", "understood", "ignored_words"):
            values[key] = tuple(values[key])
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in names})


# ---------------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True)
class _Style:
    id: str
    name: str
    tempo_range: tuple[float, float]
    instruments: dict
    drums: str | None
    drum_kit: int
    swing: float
    energy: float
    brightness: float
    reverb: float
    effects: tuple
    keep_original: float
    keep_vocals: bool
    vocal_reverb: float
    mood: str
    palette: tuple
    words: tuple  # nouns naming the style (phrases allowed)
    adjectives: tuple = ()  # "jazzy", "orchestral": name the style, but yield to a noun when both appear
    signature: dict = field(default_factory=dict)  # roles lent to another style when blended in
    signature_label: str = ""
    tempo_factor: float = 1.0
    drums_if_added: str = "ballad"


def _fx(kind: str, **params) -> Effect:
    return Effect(kind, params)


_STYLE_LIST = (
    _Style(
        "lofi", "Lo-fi hip-hop", (70, 90), {"bass": 33, "chords": 4, "pad": 89}, "lofi", 8, 0.2, 0.35, -0.5, 0.25,
        (_fx("compressor", threshold_db=-20.0, ratio=3.0), _fx("tape", amount=0.5),
         _fx("lowpass", cutoff_hz=3800.0), _fx("vinyl", amount=0.5)),
        0.55, True, 0.3, "nostalgic", ("#2b2d42", "#8d99ae", "#f2c6a0", "#e07a5f", "#3d405b"),
        ("lofi", "lo fi", "low fi", "lowfi", "lofi hip hop", "lo fi hip hop", "chillhop", "chill hop",
         "study beats", "lofi beats", "downtempo", "trip hop", "triphop", "jazzhop", "jazz hop"),
        ("lofied",), {"chords": 4}, "electric piano and vinyl crackle",
    ),
    _Style(
        "classical", "Classical", (60, 120), {"strings": 48, "chords": 0, "lead": 40, "bass": 43}, None, 48, 0.0,
        0.3, 0.0, 0.45, (), 0.25, False, 0.4, "calm", ("#f4ecd8", "#c9a227", "#7b2d26", "#3e2723", "#e8d5b5"),
        ("classical", "baroque", "chamber music", "string quartet", "symphony", "concerto", "sonata", "mozart",
         "bach", "beethoven", "chopin", "vivaldi", "opera", "gregorian chant", "chant", "choral"),
        ("classically",), {"strings": 48}, "strings",
    ),
    _Style(
        "jazz", "Jazz", (90, 180), {"bass": 32, "chords": 0, "lead": 66}, "swing_jazz", 40, 0.33, 0.45, 0.05, 0.25,
        (_fx("compressor", threshold_db=-18.0, ratio=2.0),), 0.4, True, 0.25, "romantic",
        ("#0b132b", "#1c2541", "#c9a227", "#5bc0be", "#f1e3c8"),
        ("jazz", "bebop", "smooth jazz", "big band", "jazz fusion", "swing jazz", "cool jazz"),
        ("jazzy",), {"lead": 66}, "saxophone and swing", drums_if_added="swing_jazz",
    ),
    _Style(
        "house", "House", (118, 128), {"bass": 38, "chords": 1, "pad": 89}, "four_on_floor", 24, 0.08, 0.7, 0.2,
        0.2, (_fx("highpass", cutoff_hz=35.0), _fx("compressor", threshold_db=-20.0, ratio=4.0)), 0.45, True,
        0.25, "happy", ("#1a1a2e", "#e94560", "#0f3460", "#f5f5f5", "#16213e"),
        ("house", "deep house", "tech house", "progressive house", "garage", "uk garage", "2 step",
         "tropical house", "funky house"),
        (), {"chords": 1}, "house piano", drums_if_added="four_on_floor",
    ),
    _Style(
        "edm", "EDM", (124, 132), {"bass": 38, "chords": 90, "lead": 81, "pad": 89, "arp": 81}, "four_on_floor", 24,
        0.0, 0.9, 0.35, 0.25,
        (_fx("highpass", cutoff_hz=30.0), _fx("compressor", threshold_db=-22.0, ratio=4.0), _fx("wide", amount=0.5)),
        0.35, True, 0.3, "energetic", ("#0d0221", "#ff2a6d", "#05d9e8", "#d1f7ff", "#650d89"),
        ("edm", "electronic dance", "big room", "festival", "electro", "dance music", "dance", "hardstyle",
         "future bass", "rave", "club", "electronica"),
        ("electronic",), {"lead": 81}, "saw lead", drums_if_added="four_on_floor",
    ),
    _Style(
        "techno", "Techno", (125, 140), {"bass": 39, "arp": 81, "pad": 95}, "techno", 24, 0.0, 0.8, -0.1, 0.2,
        (_fx("highpass", cutoff_hz=30.0), _fx("compressor", threshold_db=-20.0, ratio=4.0),
         _fx("delay", seconds=0.375, feedback=0.3, mix=0.15)),
        0.35, True, 0.3, "dark", ("#0a0a0a", "#3a3a3a", "#ff3c00", "#bdbdbd", "#1f1f1f"),
        ("techno", "minimal techno", "industrial", "acid", "acid techno", "berlin techno"),
        (), {"arp": 81}, "synth arpeggio", drums_if_added="techno",
    ),
    _Style(
        "trance", "Trance", (132, 140), {"bass": 38, "pad": 90, "lead": 81, "arp": 81}, "four_on_floor", 24, 0.0,
        0.85, 0.3, 0.35, (_fx("compressor", threshold_db=-20.0, ratio=3.0),
                          _fx("delay", seconds=0.34, feedback=0.35, mix=0.2), _fx("wide", amount=0.6)),
        0.35, True, 0.4, "epic", ("#10002b", "#5a189a", "#9d4edd", "#48cae4", "#e0aaff"),
        ("trance", "psytrance", "psy trance", "uplifting trance", "goa"),
        (), {"pad": 90}, "supersaw pads", drums_if_added="four_on_floor",
    ),
    _Style(
        "dnb", "Drum & bass", (165, 178), {"bass": 39, "pad": 89, "chords": 4}, "dnb", 24, 0.0, 0.85, 0.2, 0.2,
        (_fx("highpass", cutoff_hz=30.0), _fx("compressor", threshold_db=-20.0, ratio=4.0)), 0.35, True, 0.3,
        "energetic", ("#03071e", "#370617", "#dc2f02", "#ffba08", "#6a040f"),
        ("dnb", "drum and bass", "drum n bass", "drumnbass", "drum bass", "jungle", "liquid dnb", "neurofunk",
         "liquid funk"),
        (), {"bass": 39}, "reese bass", drums_if_added="dnb",
    ),
    _Style(
        "dubstep", "Dubstep", (140, 150), {"bass": 39, "lead": 81, "pad": 95}, "half_time", 24, 0.0, 0.9, 0.0, 0.2,
        (_fx("distortion", drive_db=6.0), _fx("compressor", threshold_db=-22.0, ratio=5.0)), 0.3, True, 0.3,
        "aggressive", ("#000000", "#39ff14", "#1b1b1b", "#7df9ff", "#2d0036"),
        ("dubstep", "brostep", "riddim", "wobble"),
        (), {"bass": 39}, "wobble bass", drums_if_added="half_time",
    ),
    _Style(
        "trap", "Trap", (130, 160), {"bass": 38, "pad": 89, "arp": 9}, "trap", 25, 0.0, 0.75, -0.1, 0.2,
        (_fx("compressor", threshold_db=-20.0, ratio=4.0),), 0.4, True, 0.25, "dark",
        ("#0b0b0f", "#6c2bd9", "#f72585", "#b5179e", "#2b2d42"),
        ("trap", "drill", "phonk", "grime", "trap beat"),
        (), {"bass": 38}, "808 bass", drums_if_added="trap",
    ),
    _Style(
        "hiphop", "Hip-hop (boom bap)", (85, 98), {"bass": 33, "chords": 0, "brass": 61}, "boom_bap", 8, 0.12, 0.6,
        -0.1, 0.15, (_fx("compressor", threshold_db=-18.0, ratio=3.0), _fx("tape", amount=0.25)), 0.45, True, 0.2,
        "energetic", ("#1b1b1b", "#f4a261", "#e9c46a", "#264653", "#e76f51"),
        ("hip hop", "hiphop", "boom bap", "boombap", "rap", "old school hip hop", "90s hip hop"),
        (), {}, "boom-bap drums", drums_if_added="boom_bap",
    ),
    _Style(
        "rock", "Rock", (100, 140), {"bass": 34, "guitar": 29, "chords": 0}, "rock", 8, 0.0, 0.75, 0.2, 0.15,
        (_fx("compressor", threshold_db=-18.0, ratio=3.0), _fx("distortion", drive_db=3.0)), 0.4, True, 0.2,
        "energetic", ("#1c1c1c", "#b71c1c", "#f5f5f5", "#616161", "#ff6f00"),
        ("rock", "rock and roll", "rock n roll", "rocknroll", "classic rock", "hard rock", "indie rock",
         "alternative", "alt rock", "grunge", "garage rock", "soft rock", "stoner rock", "britpop", "garage band",
         "shoegaze", "psychedelic rock", "surf rock", "rockabilly"),
        ("rocky",), {"guitar": 29}, "overdriven guitar", drums_if_added="rock",
    ),
    _Style(
        "metal", "Metal", (110, 180), {"bass": 34, "guitar": 30, "lead": 30}, "metal", 16, 0.0, 0.95, 0.1, 0.12,
        (_fx("distortion", drive_db=8.0), _fx("compressor", threshold_db=-20.0, ratio=4.0)), 0.3, True, 0.15,
        "aggressive", ("#000000", "#4a0000", "#8b0000", "#c0c0c0", "#1a1a1a"),
        ("metal", "heavy metal", "metalcore", "death metal", "thrash", "thrash metal", "djent", "nu metal",
         "black metal", "doom metal"),
        (), {"guitar": 30}, "distorted guitar", drums_if_added="metal",
    ),
    _Style(
        "punk", "Punk", (150, 200), {"bass": 34, "guitar": 30}, "punk", 0, 0.0, 0.95, 0.25, 0.1,
        (_fx("distortion", drive_db=6.0), _fx("compressor", threshold_db=-18.0, ratio=4.0)), 0.35, True, 0.1,
        "energetic", ("#111111", "#ff0054", "#ffbd00", "#f5f5f5", "#390099"),
        ("punk", "pop punk", "punk rock", "emo", "hardcore", "skate punk", "ska punk"),
        (), {"guitar": 30}, "fast power chords", drums_if_added="punk",
    ),
    _Style(
        "acoustic", "Acoustic / folk", (80, 120), {"guitar": 25, "bass": 32, "chords": 0}, "ballad", 40, 0.05, 0.35,
        0.1, 0.2, (_fx("compressor", threshold_db=-18.0, ratio=2.0),), 0.4, True, 0.2, "calm",
        ("#f1faee", "#a8dadc", "#7f5539", "#b08968", "#ddb892"),
        ("acoustic", "folk", "indie folk", "singer songwriter", "campfire", "folk song", "unplugged", "celtic",
         "irish", "medieval", "renaissance", "bard", "tavern", "sea shanty", "shanty"),
        ("folky",), {"guitar": 25}, "acoustic guitar", drums_if_added="ballad",
    ),
    _Style(
        "country", "Country", (90, 130), {"guitar": 25, "bass": 32, "lead": 110, "chords": 0}, "shuffle", 8, 0.1,
        0.6, 0.2, 0.15, (_fx("compressor", threshold_db=-18.0, ratio=2.5),), 0.4, True, 0.2, "happy",
        ("#fefae0", "#dda15e", "#bc6c25", "#606c38", "#283618"),
        ("country", "bluegrass", "western", "americana", "honky tonk", "country western", "hoedown", "cowboy"),
        (), {"lead": 110}, "fiddle", drums_if_added="shuffle",
    ),
    _Style(
        "reggae", "Reggae", (70, 90), {"bass": 33, "guitar": 27, "chords": 16}, "reggae", 0, 0.1, 0.5, 0.05, 0.2,
        (_fx("compressor", threshold_db=-18.0, ratio=3.0), _fx("delay", seconds=0.375, feedback=0.35, mix=0.18)),
        0.4, True, 0.3, "happy", ("#009b3a", "#fed100", "#000000", "#e8e8e8", "#c8102e"),
        ("reggae", "dub", "roots reggae", "ska", "dancehall", "rocksteady"),
        (), {"guitar": 27}, "offbeat guitar skank", drums_if_added="reggae",
    ),
    _Style(
        "bossa", "Bossa nova", (100, 140), {"guitar": 24, "bass": 32, "chords": 4, "lead": 73}, "bossa", 40, 0.05,
        0.35, 0.05, 0.2, (_fx("compressor", threshold_db=-20.0, ratio=2.0),), 0.4, True, 0.25, "romantic",
        ("#fff1e6", "#ff9f1c", "#2ec4b6", "#cbf3f0", "#e36414"),
        ("bossa nova", "bossa", "bossanova", "brazilian", "mpb", "elevator music", "muzak", "easy listening"),
        ("lounge", "cocktail", "elevator", "hotel lobby"), {"guitar": 24}, "nylon guitar", drums_if_added="bossa",
    ),
    _Style(
        "latin", "Latin (salsa)", (90, 125), {"chords": 0, "bass": 33, "brass": 61, "lead": 56}, "bossa", 0, 0.05,
        0.75, 0.3, 0.2, (_fx("compressor", threshold_db=-18.0, ratio=3.0),), 0.4, True, 0.2, "happy",
        ("#ffbe0b", "#fb5607", "#ff006e", "#8338ec", "#3a86ff"),
        ("latin", "salsa", "samba", "mambo", "cumbia", "merengue", "bachata", "tango", "flamenco"),
        ("tropical",), {"brass": 61}, "brass section", drums_if_added="bossa",
    ),
    _Style(
        "reggaeton", "Reggaeton", (88, 100), {"bass": 38, "chords": 4, "pad": 89, "lead": 81}, "dembow", 25, 0.0,
        0.8, 0.15, 0.15, (_fx("compressor", threshold_db=-20.0, ratio=4.0),), 0.4, True, 0.2, "energetic",
        ("#1b0036", "#ff006e", "#ffbe0b", "#00f5d4", "#3a0ca3"),
        ("reggaeton", "regueton", "dembow", "dem bow", "perreo", "urbano latino", "urbano", "latin urban",
         "musica urbana"),
        (), {"bass": 38}, "808 bass", drums_if_added="dembow",
    ),
    _Style(
        "funk", "Funk", (95, 115), {"bass": 36, "guitar": 28, "chords": 7, "brass": 61}, "funk", 0, 0.12, 0.75, 0.25,
        0.15, (_fx("compressor", threshold_db=-18.0, ratio=3.0),), 0.4, True, 0.15, "happy",
        ("#ff9e00", "#ff0054", "#9e0059", "#390099", "#ffbd00"),
        ("funk", "p funk", "g funk", "jazz funk"),
        ("funky",), {"bass": 36}, "slap bass", drums_if_added="funk",
    ),
    _Style(
        "disco", "Disco", (115, 128), {"bass": 33, "strings": 49, "guitar": 28, "chords": 0, "brass": 61}, "disco", 0,
        0.05, 0.8, 0.35, 0.2, (_fx("compressor", threshold_db=-18.0, ratio=3.0), _fx("phaser", depth=0.3, mix=0.15)),
        0.4, True, 0.25, "happy", ("#ff006e", "#ffbe0b", "#8338ec", "#fb5607", "#f8f9fa"),
        ("disco", "nu disco", "nudisco", "70s disco", "boogie"),
        (), {"strings": 49}, "disco strings", drums_if_added="disco",
    ),
    _Style(
        "synthwave", "Synthwave / 80s", (80, 118), {"bass": 38, "pad": 89, "lead": 81, "arp": 81, "chords": 90},
        "four_on_floor", 24, 0.0, 0.65, 0.1, 0.35,
        (_fx("chorus", depth=0.4, mix=0.3), _fx("delay", seconds=0.3, feedback=0.3, mix=0.18), _fx("wide", amount=0.5)),
        0.4, True, 0.4, "nostalgic", ("#2b0f54", "#ab1f65", "#ff4f69", "#ff8a00", "#00f0ff", "#0d0221"),
        ("synthwave", "synth wave", "retrowave", "outrun", "80s", "eighties", "1980s", "synthpop", "synth pop",
         "new wave", "chillwave", "darkwave"),
        (), {"arp": 81, "pad": 89}, "80s synth pads and arpeggios", drums_if_added="four_on_floor",
    ),
    _Style(
        "vaporwave", "Vaporwave", (60, 95), {"chords": 4, "pad": 89, "lead": 64, "bass": 35}, "half_time", 24, 0.05,
        0.35, -0.3, 0.5, (_fx("chorus", depth=0.5, mix=0.35), _fx("delay", seconds=0.45, feedback=0.3, mix=0.2),
                          _fx("tape", amount=0.4), _fx("lowpass", cutoff_hz=6000.0)),
        0.6, True, 0.5, "dreamy", ("#ff71ce", "#01cdfe", "#05ffa1", "#b967ff", "#fffb96"),
        ("vaporwave", "vapor wave", "vapourwave", "mallsoft", "future funk", "empty mall", "mall"),
        ("aesthetic",), {"lead": 64}, "slowed, chorused haze", tempo_factor=0.85, drums_if_added="half_time",
    ),
    _Style(
        "ambient", "Ambient", (60, 90), {"pad": 89, "strings": 92, "arp": 98}, None, 48, 0.0, 0.1, -0.1, 0.7,
        (_fx("chorus", depth=0.3, mix=0.2), _fx("delay", seconds=0.5, feedback=0.4, mix=0.3),
         _fx("lowpass", cutoff_hz=7000.0), _fx("wide", amount=0.7)),
        0.5, True, 0.6, "dreamy", ("#0b1d2a", "#1b4965", "#62b6cb", "#bee9e8", "#cae9ff"),
        ("ambient", "drone", "new age", "meditation", "soundscape", "space music", "chillout", "chill out",
         "relaxation", "spa"),
        ("atmospheric",), {"pad": 89}, "ambient pads", drums_if_added="half_time",
    ),
    _Style(
        "cinematic", "Cinematic / orchestral", (70, 110),
        {"strings": 48, "brass": 60, "pad": 52, "bass": 43, "chords": 0}, "half_time", 48, 0.0, 0.6, 0.0, 0.55,
        (_fx("compressor", threshold_db=-20.0, ratio=2.0), _fx("wide", amount=0.4)),
        0.35, True, 0.45, "epic", ("#0d1b2a", "#1b263b", "#c5a880", "#778da9", "#e0e1dd"),
        ("orchestra", "film score", "movie score", "symphonic orchestra", "orchestral", "cinematic", "film music"),
        # "soundtrack" and its kin yield to a genre noun: "video game soundtrack" is chiptune
        ("symphonic", "filmic", "soundtrack", "movie", "film", "trailer", "score"), {"strings": 48, "brass": 60},
        "strings and horns", drums_if_added="half_time",
    ),
    _Style(
        "chiptune", "Chiptune / 8-bit", (120, 160), {"bass": 80, "lead": 80, "arp": 81}, "chip", 24, 0.0, 0.7, 0.3,
        0.1, (_fx("bitcrush", bit_depth=6.0), _fx("lowpass", cutoff_hz=9000.0)), 0.15, False, 0.1, "happy",
        ("#0f380f", "#306230", "#8bac0f", "#9bbc0f", "#ff004d", "#29adff"),
        ("chiptune", "chip tune", "chiptunes", "8 bit", "8bit", "16 bit", "16bit", "video game", "videogame",
         "game boy", "gameboy", "nes", "retro game", "arcade", "pixel", "video game soundtrack", "game soundtrack",
         "video game music", "game music", "retro video game"),
        (), {"lead": 80}, "square-wave lead and bitcrushing", drums_if_added="chip",
    ),
    _Style(
        "rnb", "R&B / soul", (65, 100), {"bass": 33, "chords": 4, "pad": 89, "strings": 48}, "boom_bap", 0, 0.15,
        0.5, 0.0, 0.25, (_fx("compressor", threshold_db=-18.0, ratio=3.0), _fx("chorus", depth=0.2, mix=0.12)),
        0.45, True, 0.35, "romantic", ("#2d00f7", "#6a00f4", "#b100e8", "#e500a4", "#f20089"),
        ("rnb", "r and b", "r n b", "soul", "neo soul", "neosoul", "motown", "slow jam", "contemporary r and b"),
        ("soulful",), {"chords": 4}, "electric piano", drums_if_added="boom_bap",
    ),
    _Style(
        "gospel", "Gospel", (70, 120), {"chords": 16, "pad": 52, "bass": 33, "strings": 48}, "gospel", 0, 0.15, 0.65,
        0.2, 0.35, (_fx("compressor", threshold_db=-18.0, ratio=3.0),), 0.4, True, 0.4, "happy",
        ("#fff3b0", "#e09f3e", "#9e2a2b", "#540b0e", "#fdf0d5"),
        ("gospel", "church", "spiritual", "worship", "hymn", "praise"),
        (), {"chords": 16, "pad": 52}, "organ and choir", drums_if_added="gospel",
    ),
    _Style(
        "piano_ballad", "Piano ballad", (60, 80), {"chords": 0, "strings": 48, "bass": 32}, None, 40, 0.0, 0.2, 0.0,
        0.35, (_fx("compressor", threshold_db=-20.0, ratio=2.0),), 0.35, True, 0.35, "sad",
        ("#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"),
        ("piano ballad", "ballad", "power ballad", "solo piano", "piano version", "piano cover", "piano only",
         "just piano", "piano solo"),
        (), {"chords": 0}, "piano", drums_if_added="ballad",
    ),
    _Style(
        "blues", "Blues", (70, 110), {"guitar": 26, "chords": 0, "bass": 33, "lead": 22}, "shuffle", 0, 0.33, 0.55,
        0.0, 0.2, (_fx("compressor", threshold_db=-18.0, ratio=2.5), _fx("tape", amount=0.2)), 0.4, True, 0.25,
        "nostalgic", ("#03045e", "#0077b6", "#00b4d8", "#caf0f8", "#d4a373"),
        ("blues", "delta blues", "12 bar", "twelve bar", "chicago blues", "blues rock"),
        ("bluesy",), {"lead": 22}, "harmonica and shuffle", drums_if_added="shuffle",
    ),
    _Style(
        "pop", "Pop", (95, 125), {"bass": 33, "chords": 0, "pad": 89, "guitar": 25}, "rock", 24, 0.0, 0.6, 0.2, 0.2,
        (_fx("compressor", threshold_db=-18.0, ratio=3.0),), 0.55, True, 0.3, "happy",
        ("#ffafcc", "#bde0fe", "#a2d2ff", "#cdb4db", "#ffc8dd"),
        ("pop", "mainstream", "top 40", "indie pop", "electropop", "dance pop", "hyperpop", "bedroom pop", "dream pop"),
        ("poppy",), {"pad": 89}, "bright pop pads", drums_if_added="rock",
    ),
    _Style(
        "kpop", "K-pop", (100, 130), {"bass": 38, "chords": 90, "lead": 81, "arp": 81, "brass": 62}, "four_on_floor",
        24, 0.0, 0.85, 0.4, 0.2, (_fx("compressor", threshold_db=-20.0, ratio=4.0), _fx("wide", amount=0.4)), 0.4,
        True, 0.3, "energetic", ("#ff99c8", "#fcf6bd", "#d0f4de", "#a9def9", "#e4c1f9"),
        ("kpop", "k pop", "jpop", "j pop", "idol pop", "cpop", "c pop", "anime", "anime opening", "city pop"),
        (), {"brass": 62}, "synth brass hits", drums_if_added="four_on_floor",
    ),
    _Style(
        "afrobeats", "Afrobeats", (95, 115), {"bass": 33, "guitar": 27, "chords": 4, "arp": 12}, "funk", 0, 0.15,
        0.7, 0.2, 0.2, (_fx("compressor", threshold_db=-18.0, ratio=3.0),), 0.4, True, 0.25, "happy",
        ("#f77f00", "#fcbf49", "#eae2b7", "#003049", "#d62828"),
        ("afrobeats", "afrobeat", "afro beats", "afro beat", "afropop", "afro pop", "amapiano", "highlife"),
        (), {"arp": 12}, "marimba", drums_if_added="funk",
    ),
    _Style(
        "lullaby", "Lullaby", (60, 80), {"arp": 10, "chords": 0, "pad": 89}, None, 40, 0.0, 0.1, 0.1, 0.4,
        (_fx("lowpass", cutoff_hz=8000.0),), 0.3, True, 0.4, "calm",
        ("#fdf6ec", "#cde7f0", "#f7d6e0", "#b5c7ed", "#fff5c0"),
        ("lullaby", "lullabies", "nursery", "bedtime", "cradle song"),
        (), {"arp": 10}, "music box", drums_if_added="ballad",
    ),
)

STYLES: dict[str, _Style] = {s.id: s for s in _STYLE_LIST}
DEFAULT_STYLE = "pop"


def available_styles() -> list[tuple[str, str]]:
    """(id, display name) of every style, for help texts and forms."""
    return [(s.id, s.name) for s in _STYLE_LIST]


# ---------------------------------------------------------------------------------------------------
# Vocabulary: phrase -> (kind, value). Multi-word phrases are matched longest first.

# name, role, program, program families a refusal removes
_INSTRUMENTS = {
    "piano": ("chords", 0, range(0, 8)),
    "grand piano": ("chords", 0, range(0, 8)),
    "pianos": ("chords", 0, range(0, 8)),
    "keyboard": ("chords", 0, range(0, 8)),
    "electric piano": ("chords", 4, range(4, 6)),
    "rhodes": ("chords", 4, range(4, 6)),
    "wurlitzer": ("chords", 5, range(4, 6)),
    "keys": ("chords", 4, range(0, 8)),
    "clavinet": ("chords", 7, range(7, 8)),
    "harpsichord": ("chords", 6, range(6, 7)),
    "organ": ("chords", 16, range(16, 24)),
    "hammond": ("chords", 16, range(16, 24)),
    "church organ": ("chords", 19, range(16, 24)),
    "accordion": ("chords", 21, range(21, 24)),
    "harmonica": ("lead", 22, range(22, 23)),
    "guitar": ("guitar", 25, range(24, 32)),
    "guitars": ("guitar", 25, range(24, 32)),
    "acoustic guitar": ("guitar", 25, range(24, 26)),
    "nylon guitar": ("guitar", 24, range(24, 25)),
    "classical guitar": ("guitar", 24, range(24, 25)),
    "spanish guitar": ("guitar", 24, range(24, 25)),
    "jazz guitar": ("guitar", 26, range(26, 27)),
    "electric guitar": ("guitar", 27, range(26, 32)),
    "clean guitar": ("guitar", 27, range(26, 29)),
    "distorted guitar": ("guitar", 30, range(29, 31)),
    "heavy guitar": ("guitar", 30, range(29, 31)),
    "ukulele": ("guitar", 24, range(24, 25)),
    "banjo": ("guitar", 105, range(105, 106)),
    "mandolin": ("guitar", 105, range(105, 106)),
    "sitar": ("lead", 104, range(104, 105)),
    "bass": ("bass", 33, range(32, 40)),
    "bassline": ("bass", 33, range(32, 40)),
    "bass line": ("bass", 33, range(32, 40)),
    "bass guitar": ("bass", 33, range(32, 38)),
    "upright bass": ("bass", 32, range(32, 33)),
    "double bass": ("bass", 32, range(32, 33)),
    "slap bass": ("bass", 36, range(36, 38)),
    "synth bass": ("bass", 38, range(38, 40)),
    "808": ("bass", 38, range(38, 40)),
    "808s": ("bass", 38, range(38, 40)),
    "sub bass": ("bass", 38, range(38, 40)),
    "strings": ("strings", 48, range(40, 52)),
    "string section": ("strings", 48, range(40, 52)),
    "violins": ("strings", 48, range(40, 52)),
    "violin": ("lead", 40, range(40, 41)),
    "fiddle": ("lead", 110, range(110, 111)),
    "viola": ("strings", 41, range(41, 42)),
    "cello": ("strings", 42, range(42, 43)),
    "cellos": ("strings", 42, range(42, 43)),
    "pizzicato": ("strings", 45, range(45, 46)),
    "harp": ("arp", 46, range(46, 47)),
    "choir": ("pad", 52, range(52, 55)),
    "choirs": ("pad", 52, range(52, 55)),
    "trumpet": ("lead", 56, range(56, 57)),
    "trumpets": ("brass", 56, range(56, 57)),
    "trombone": ("brass", 57, range(57, 58)),
    "tuba": ("brass", 58, range(58, 59)),
    "french horn": ("brass", 60, range(60, 61)),
    "horns": ("brass", 61, range(56, 64)),
    "horn section": ("brass", 61, range(56, 64)),
    "brass": ("brass", 61, range(56, 64)),
    "synth brass": ("brass", 62, range(62, 64)),
    "sax": ("lead", 65, range(64, 68)),
    "saxophone": ("lead", 65, range(64, 68)),
    "saxophones": ("lead", 65, range(64, 68)),
    "tenor sax": ("lead", 66, range(64, 68)),
    "oboe": ("lead", 68, range(68, 69)),
    "bassoon": ("lead", 70, range(70, 71)),
    "clarinet": ("lead", 71, range(71, 72)),
    "flute": ("lead", 73, range(72, 76)),
    "flutes": ("lead", 73, range(72, 76)),
    "pan flute": ("lead", 75, range(75, 76)),
    "whistle": ("lead", 78, range(78, 79)),
    "whistling": ("lead", 78, range(78, 79)),
    "ocarina": ("lead", 79, range(79, 80)),
    "synth": ("lead", 81, range(80, 104)),
    "synths": ("lead", 81, range(80, 104)),
    "synthesizer": ("lead", 81, range(80, 104)),
    "synthesizers": ("lead", 81, range(80, 104)),
    "synth lead": ("lead", 81, range(80, 88)),
    "lead synth": ("lead", 81, range(80, 88)),
    "square wave": ("lead", 80, range(80, 81)),
    "pad": ("pad", 89, range(88, 96)),
    "pads": ("pad", 89, range(88, 96)),
    "synth pad": ("pad", 89, range(88, 96)),
    "synth pads": ("pad", 89, range(88, 96)),
    "arp": ("arp", 81, range(80, 88)),
    "arps": ("arp", 81, range(80, 88)),
    "arpeggio": ("arp", 81, range(80, 88)),
    "arpeggios": ("arp", 81, range(80, 88)),
    "arpeggiator": ("arp", 81, range(80, 88)),
    "supersaw": ("pad", 90, range(80, 104)),
    "supersaws": ("pad", 90, range(80, 104)),
    "bells": ("arp", 9, range(8, 16)),
    "glockenspiel": ("arp", 9, range(9, 10)),
    "celesta": ("arp", 8, range(8, 9)),
    "music box": ("arp", 10, range(10, 11)),
    "vibraphone": ("arp", 11, range(11, 12)),
    "marimba": ("arp", 12, range(12, 13)),
    "xylophone": ("arp", 13, range(13, 14)),
    "kalimba": ("arp", 108, range(108, 109)),
    "steel drums": ("arp", 114, range(114, 115)),
    "steel pan": ("arp", 114, range(114, 115)),
}
_INSTRUMENT_LABELS = {
    "pianos": "piano", "grand piano": "piano", "keyboard": "piano", "keys": "keys", "guitars": "guitar",
    "808s": "808", "bassline": "bass", "bass line": "bass", "violins": "strings", "cellos": "cello",
    "choirs": "choir", "trumpets": "trumpets", "sax": "saxophone", "saxophones": "saxophone", "flutes": "flute",
    "whistling": "whistle", "synths": "synth", "synthesizer": "synth", "synthesizers": "synth", "pads": "pads",
    "arps": "arpeggios", "arpeggio": "arpeggios", "arpeggiator": "arpeggios",
}
# a refused role family: "no synths" must also drop synth pads and arps
_SYNTH_PROGRAMS = set(range(80, 104)) | {38, 39, 50, 51, 62, 63}

_DRUM_WORDS = ("drums", "drum", "beat", "beats", "percussion", "drum kit", "drumkit", "drumbeat", "drum beat",
               "groove", "rhythm section", "kick", "kicks", "kick drum", "double kick", "snare", "snares", "hi hats",
               "hihats", "hats", "cymbals", "toms", "claps", "handclaps", "hand claps", "congas", "bongos", "tabla",
               "djembe", "shaker", "tambourine", "cowbell", "talking drums", "blast beats")
_GROOVE_WORDS = {
    "four on the floor": "four_on_floor", "four to the floor": "four_on_floor", "breakbeat": "breakbeat",
    "breakbeats": "breakbeat", "breaks": "breakbeat", "half time": "half_time", "halftime": "half_time",
    "shuffle": "shuffle", "march": "march", "marching": "march", "marching band": "march", "one drop": "reggae",
    "boom bap drums": "boom_bap", "trap drums": "trap", "trap hats": "trap",
}
_KIT_WORDS = {"brushes": 40, "brush": 40, "brushed drums": 40, "808 drums": 25, "tr 808": 25, "909": 24,
              "electronic drums": 24,
              "drum machine": 24, "live drums": 8, "acoustic drums": 8, "orchestral percussion": 48, "timpani": 48}
_VOCAL_WORDS = ("vocals", "vocal", "voice", "voices", "singing", "singer", "lyrics", "lead vocal", "lead vocals",
                "acapella", "a cappella", "vox")
_EFFECT_WORDS = {
    "reverb": "reverb", "reverbs": "reverb", "echo": "delay", "echoes": "delay", "echoey": "delay", "delay": "delay",
    "distortion": "distortion", "overdrive": "distortion", "vinyl": "vinyl", "crackle": "vinyl",
    "vinyl crackle": "vinyl", "record crackle": "vinyl", "tape": "tape", "tape saturation": "tape",
    "chorus": "chorus", "phaser": "phaser", "flanger": "phaser", "bitcrush": "bitcrush", "bitcrusher": "bitcrush",
    "bitcrushed": "bitcrush", "bit crush": "bitcrush", "filter": "lowpass", "filtered": "lowpass",
    "low pass": "lowpass", "lowpass": "lowpass", "high pass": "highpass", "highpass": "highpass",
    "sidechain": "compressor", "side chain": "compressor", "compression": "compressor", "stereo": "wide",
    "effects": "all", "fx": "all",
}

_MODIFIER_WORDS = {
    "slow": ("slow", "slower", "slowly", "slow tempo", "slow down", "slowed down", "laid back", "laidback",
             "unhurried", "low tempo", "downtempo feel", "lower tempo", "slower tempo", "lower bpm", "half speed",
             "reduce the tempo", "lower the tempo", "decrease the tempo", "drop the tempo", "turn down the tempo"),
    "fast": ("fast", "faster", "quick", "quicker", "speedy", "uptempo", "up tempo", "speed up", "speed it up",
             "rapid", "high tempo", "double time", "higher tempo", "faster tempo", "higher bpm", "double speed",
             "increase the tempo", "raise the tempo", "pick up the tempo", "up the tempo", "turn up the tempo"),
    "chill": ("chill", "chilled", "chilling", "calm", "calmer", "relaxing", "relaxed", "mellow", "smooth",
              "peaceful", "cozy", "cosy", "lazy", "easy", "easygoing", "serene", "tranquil", "soothing", "zen",
              "study", "studying", "focus", "concentration", "sunday", "coffee", "cafe", "rainy", "rain"),
    "energetic": ("energetic", "energy", "hype", "hyped", "pumping", "lively", "driving", "powerful", "intense",
                  "party", "upbeat", "bouncy", "banger", "danceable", "exciting", "punchy", "loud", "workout", "gym",
                  "running", "hyper", "anthem", "louder"),
    "dark": ("dark", "darker", "moody", "gloomy", "sinister", "ominous", "spooky", "haunting", "eerie", "creepy",
             "scary", "horror", "night", "nighttime", "midnight", "evil", "brooding", "mysterious", "noir", "gothic",
             "goth", "halloween", "villain", "late night"),
    "bright": ("bright", "brighter", "sunny", "shiny", "sparkly", "sparkling", "airy", "summer", "summery",
               "crisp", "glossy", "radiant"),
    "dreamy": ("dreamy", "dream", "dreamlike", "ethereal", "hazy", "floaty", "floating", "heavenly", "celestial",
               "surreal", "psychedelic", "trippy"),
    "spacious": ("spacious", "space", "spacey", "spacy", "wide", "wider", "huge space", "cavernous", "roomy",
                 "open", "expansive", "cathedral"),
    "vintage": ("vintage", "retro", "old", "older", "old school", "oldschool", "classic", "analog", "analogue",
                "old fashioned", "20s", "30s", "40s", "60s", "70s", "90s", "50s", "twenties", "sixties", "seventies",
                "nineties", "fifties",
                "throwback", "antique", "gramophone", "record player"),
    "heavy": ("heavy", "heavier", "hard", "harder", "fat", "thick", "crushing", "hard hitting",
              "hardhitting"),
    "minimal": ("hypnotic", "repetitive", "minimal", "minimalist", "minimalistic", "sparse", "stripped",
                "stripped down", "stripped back", "simple", "simpler", "bare", "barebones", "bare bones"),
    "acoustic": ("organic", "natural", "live", "live band", "real instruments", "unplugged feel"),
    "sad": ("sad", "sadder", "melancholic", "melancholy", "sorrowful", "emotional", "heartbreak", "heartbroken",
            "tearful", "somber", "sombre", "depressing", "lonely", "bittersweet", "blue", "tragic", "mournful"),
    "happy": ("happy", "happier", "joyful", "cheerful", "uplifting", "fun", "playful", "feel good", "feelgood",
              "positive", "optimistic", "bubbly", "sunshine", "euphoric", "carefree"),
    "epic": ("epic", "grand", "heroic", "majestic", "triumphant", "anthemic", "powerful epic", "big", "bigger", "huge",
             "massive",
             "dramatic", "monumental", "larger than life"),
    "aggressive": ("aggressive", "angry", "fierce", "brutal", "raw", "violent", "rage", "furious", "hardcore feel",
                   "savage", "wild", "screaming", "screamed", "shouted"),
    "soft": ("soft", "softer", "gentle", "gentler", "quiet", "quieter", "tender", "delicate", "subtle",
             "light", "lighter", "intimate", "whisper", "sleep", "sleepy", "lullaby feel"),
    "romantic": ("romantic", "love", "lovely", "sensual", "sexy", "seductive", "passionate", "sweet", "valentine"),
    "nostalgic": ("nostalgic", "nostalgia", "memories", "wistful", "sentimental", "reminiscent"),
    "warm": ("warm", "warmer", "warmth", "cozy warm", "rich warm"),
    "lush": ("lush", "rich", "full", "fuller", "layered", "thick layers", "luscious"),
    "dry": ("dry", "drier", "tight", "upfront"),
    "clean": ("clean", "cleaner", "polished", "modern", "pristine", "hifi", "hi fi", "crystal clear"),
    "gritty": ("gritty", "grit", "dirty", "grimy", "crunchy", "fuzzy", "fuzz", "distorted", "saturated", "lofi feel",
               "overdriven", "rough"),
    "groovy": ("groovy", "groove heavy", "swinging", "swingy", "swung", "danceable groove"),
    "swing": ("swing", "shuffled"),
    "underwater": ("underwater", "muffled", "under water", "submerged", "muted", "from another room"),
    "radio": ("radio", "telephone", "phone", "am radio", "walkie talkie", "megaphone", "old radio"),
    "slowed": ("slowed", "slowed reverb", "slowed and reverb", "slowed reverbed", "slowed and reverbed",
               "chopped and screwed", "screwed"),
    "sped_up": ("sped up", "nightcore", "spedup", "speed up version"),
    "festive": ("christmas", "xmas", "holiday", "holidays", "festive", "jingle", "winter", "snow", "sleigh"),
    "bass_boost": ("bass boosted", "bass boost", "bassy", "boomy", "subby", "deep bass", "heavy bass"),
}
_OPPOSITES = {
    "slow": "fast", "fast": "slow", "chill": "energetic", "energetic": "chill", "dark": "bright", "bright": "dark",
    "sad": "happy", "happy": "sad", "heavy": "soft", "soft": "heavy", "aggressive": "soft", "minimal": "lush",
    "lush": "minimal", "dry": "spacious", "spacious": "dry", "clean": "gritty", "gritty": "clean",
    "vintage": "clean", "slowed": "fast", "sped_up": "slow",
}
# a prompt with feelings but no genre: the genre those feelings suggest
_IMPLIED_STYLE = {
    "chill": "lofi", "sad": "piano_ballad", "epic": "cinematic", "energetic": "edm", "dreamy": "ambient",
    "aggressive": "metal", "heavy": "rock", "romantic": "rnb", "acoustic": "acoustic", "slowed": "lofi",
    "vintage": "lofi", "nostalgic": "lofi", "soft": "piano_ballad",
}

_DROP_CUES = ("no", "without", "drop", "remove", "removing", "minus", "mute", "muted", "lose", "cut", "kill",
              "ditch", "strip", "skip", "exclude", "excluding", "except", "take out", "get rid of", "leave out",
              "delete", "wo", "nix", "zero")
_NOT_CUES = ("not", "don't", "dont", "never", "isn't", "isnt", "shouldn't", "shouldnt", "nothing", "avoid",
             "neither", "nor", "non", "un", "no longer")
_LESS_CUES = ("less", "fewer", "reduce", "reduced", "lower", "tone down", "turn down", "lighter on", "bring down",
              "quieten", "soften")
# "more X" turns up an instrument already in the band, and adds it otherwise
_MORE_CUES = ("more", "extra", "lots of", "more of", "turn up", "boost", "boosted", "raise", "bring up", "crank up",
              "pump up", "emphasise", "emphasize", "amplify")
_ADD_CUES = ("with", "add", "adding", "plus", "featuring", "feat", "ft", "include", "including", "use", "using",
             "bring in", "throw in", "layer", "and some")
# Feelings that, next to an instrument, the drums or the vocals, ask for its level instead: "softer drums",
# "louder piano", "make the vocals quieter".
_LEVEL_COMPARATIVES = {"softer": "less", "quieter": "less", "louder": "more"}
_LEVELLED = ("instrument", "drums", "vocals")  # what a "softer" / "louder" next to it turns down or up
_KEEP_CUES = ("keep", "keeping", "retain", "preserve", "maintain", "leave")
_INTENSIFIERS = {"very": 1.5, "really": 1.5, "super": 1.6, "extra": 1.4, "extremely": 2.0, "much": 1.5,
                 "way": 1.6, "ultra": 1.8, "so": 1.3, "totally": 1.5, "insanely": 2.0, "mega": 1.8,
                 "a bit": 0.5, "bit": 0.5, "slightly": 0.5, "little": 0.5, "a little": 0.5, "somewhat": 0.6,
                 "kinda": 0.6, "kind of": 0.6, "sort of": 0.6, "a touch": 0.5, "touch": 0.5, "hint": 0.4,
                 "a hint of": 0.4, "mildly": 0.5, "lightly": 0.5, "gently": 0.6, "subtly": 0.5}
# beats to the bar; a dance in three also suggests a style when the prompt names none
_METER_WORDS = {
    "waltz": 3, "waltzes": 3, "viennese waltz": 3, "waltz time": 3, "minuet": 3, "menuet": 3, "mazurka": 3,
    "polonaise": 3, "3 4": 3, "3 4 time": 3, "in 3 4": 3, "in 3": 3, "in three": 3, "three four": 3,
    "three four time": 3, "three quarter time": 3, "triple meter": 3, "triple metre": 3, "triple time": 3,
    "4 4": 4, "4 4 time": 4, "in 4 4": 4, "common time": 4,
}
_DANCE_STYLES = {"waltz": "classical", "waltzes": "classical", "viennese waltz": "classical",
                 "minuet": "classical", "menuet": "classical", "mazurka": "classical", "polonaise": "classical"}
_GENDER_WORDS = ("male", "female", "man", "woman", "men", "women", "girl", "boy", "guy", "lady", "masculine",
                 "feminine", "baritone", "soprano", "alto", "tenor")
_MODE_WORDS = {"minor": "minor", "major": "major", "minor key": "minor", "major key": "major",
               "minor scale": "minor", "major scale": "major"}
_KEY_NAMES = {"a", "b", "c", "d", "e", "f", "g", "c#", "d#", "f#", "g#", "a#", "db", "eb", "gb", "ab", "bb",
              "sharp", "flat"}

_STOP_WORDS = frozenset("""
a an the and or but of to in on at for from by as like into onto over up down out off about around than then
it its it's this that these those there here my me mine i i'm im you your yours we our us they them their he she
his her him please pls plz can could would should will shall may might must make made makes making turn turned
turning transform transformed convert converted change changed changing give gives create do does doing done be
is are was were been being am sound sounds sounding sounded song songs track tracks tune tunes music musical
remix remixed remixing version versions cover style styled styles vibe vibes vibey vibing feel feels feeling
type kind sort genre mood some any all just also too very really bit little lot lots much most kinda sorta
key tempo bpm inspired influence influenced influences flavor flavour flavored flavoured way want wanna need
needs let lets let's something thing things have has had get got go going put piece tone sounding sort
what how who which when where why if else so such same own each every both either one two three yes
okay ok hey hi hello thanks thank cool nice good great awesome amazing beautiful vibe-y more less new
original instead rather quite pretty fairly enough overall whole entire part parts section sections
bring keep well still even only again into via per while until through throughout within across along
bpms beat-driven eh um uh oh yeah yo sure maybe perhaps please approach treatment rendition take
that's there's i'd we're you're they're what's who's isn't aren't can't won't day days morning evening
afternoon weekend baby babies kids children theme record band time times people someone anyone everyone
audio sample samples clip loop loops playing play played plays listen listening hear vibe-wise aesthetic-wise
""".split())


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
        (r"&", " and "),
        (r"\+", " plus "),
        (r"[-_/]", " "),
        # "turn the vocals down a bit" -> "turn down a bit the vocals": the cue before the thing it governs
        (r"\b(turn|bring)\s+((?:the|my|his|her|their|your)\s+)?([a-z0-9]+(?:\s+[a-z0-9]+)?)\s+(up|down)"
         r"((?:\s+(?:a\s+bit|a\s+little|a\s+touch|slightly|much|way))?)\b", r"\1 \4\5 \2\3"),
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

    for spec in _STYLE_LIST:
        for word in spec.words:
            add(word, "style", spec.id)
        for word in spec.adjectives:
            add(word, "style_adj", spec.id)
    for word, value in _INSTRUMENTS.items():
        add(word, "instrument", word)
    for canonical, words in _MODIFIER_WORDS.items():
        for word in words:
            add(word, "modifier", canonical)
    for word in _DRUM_WORDS:
        add(word, "drums", None)
    for word, groove in _GROOVE_WORDS.items():
        add(word, "groove", groove)
    for word, kit in _KIT_WORDS.items():
        add(word, "kit", kit)
    for word in _VOCAL_WORDS:
        add(word, "vocals", None)
    for word in ("instrumental", "karaoke", "backing track", "no vocals"):
        add(word, "instrumental", None)
    for word, kind in _EFFECT_WORDS.items():
        add(word, "effect", kind)
    for word, mode in _MODE_WORDS.items():
        add(word, "mode", mode)
    for word, beats in _METER_WORDS.items():
        add(word, "meter", beats)
    for word in _DROP_CUES:
        add(word, "drop", None)
    for word in _NOT_CUES:
        add(word, "not", None)
    for word in _LESS_CUES:
        add(word, "less", None)
    for word in _MORE_CUES:
        add(word, "more", None)
    for word in _ADD_CUES:
        add(word, "add", None)
    for word in _KEEP_CUES:
        add(word, "keep", None)
    for word, k in _INTENSIFIERS.items():
        add(word, "intensity", k)
    for word in _GENDER_WORDS:
        add(word, "gender", word)
    for word in ("solo", "solos", "melody", "melodies", "lead", "leads", "lead line", "riff", "riffs"):
        add(word, "solo", None)
    return vocab


_VOCAB = _build_vocabulary()
_MAX_PHRASE = max(len(k) for k in _VOCAB)
# single content words a misspelling may be read as (cues and tiny words excluded: too easy to hit by accident)
_FUZZY_TARGETS = sorted(
    k[0] for k, (kind, _) in _VOCAB.items()
    if len(k) == 1 and len(k[0]) >= 4 and kind not in ("drop", "not", "less", "more", "add", "keep", "intensity")
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
    polarity: str = "plain"  # "plain", or the cue governing it: "drop", "not", "less", "more", "add", "keep"
    intensity: float = 1.0
    after_pause: bool = False  # a comma or a full stop comes right before it


_BPM_PATTERNS = (
    re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:bpm|b\.p\.m\.?|beats per minute|beats a minute)"),
    re.compile(r"(?:bpm|tempo)\s*(?:of|at|to|is|=|:|~|around|about|near|set to)?\s*(?:of|at|to|around|about)?\s*"
               r"(\d{1,3}(?:\.\d+)?)\b"),
    re.compile(r"\b(?:at|to|around|about)\s+(\d{2,3}(?:\.\d+)?)\b(?!\s*(?:%|percent|seconds|s\b|sec|min|hz|db|k\b))"),
)


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
            if token in _KEY_NAMES and i + 1 < len(tokens) and tokens[i + 1] in ("minor", "major", "sharp", "flat"):
                i += 1
                continue
            if token in _STOP_WORDS or token in _KEY_NAMES:
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


@functools.lru_cache(maxsize=2048)
def _guess(token: str) -> tuple[str, ...] | None:
    """The vocabulary entry a misspelt word most likely meant ("clasical" -> "classical"), or None."""
    if token in _FUZZY_JOINED:
        return _FUZZY_JOINED[token]
    if len(token) < 3 or len(token) > 20 or not token.isalpha():
        return None
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

    spec: _Style
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

    @classmethod
    def from_style(cls, spec: _Style) -> _Draft:
        return cls(
            spec=spec, tempo_factor=spec.tempo_factor, tempo_range=spec.tempo_range, mode=None,
            instruments=dict(spec.instruments), drums=spec.drums, drum_kit=spec.drum_kit, swing=spec.swing,
            energy=spec.energy, brightness=spec.brightness, reverb=spec.reverb,
            effects={e.kind: dict(e.params) for e in spec.effects}, keep_original=spec.keep_original,
            keep_vocals=spec.keep_vocals, vocal_reverb=spec.vocal_reverb, mood=spec.mood, palette=list(spec.palette),
        )

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
    """Apply one canonical modifier at intensity k (1 normal, 0.5 "a bit", 1.5 "very")."""
    if name == "slow":
        d.tempo_factor *= 0.85 ** k
        d.energy -= 0.1 * k
    elif name == "fast":
        d.tempo_factor *= 1.15 ** k
        d.energy += 0.1 * k
    elif name == "chill":
        d.tempo_factor *= 0.93 ** k
        d.energy -= 0.2 * k
        d.reverb += 0.1 * k
        d.brightness -= 0.1 * k
        d.set_mood("calm")
    elif name == "energetic":
        d.tempo_factor *= 1.06 ** k
        d.energy += 0.25 * k
        d.brightness += 0.1 * k
        d.effects.setdefault("compressor", {"threshold_db": -20.0, "ratio": 4.0})
        d.set_mood("energetic")
    elif name == "dark":
        d.brightness -= 0.4 * k
        d.set_mode("minor")
        d.lowpass(7000.0 / k if k > 1 else 7000.0 + 6000.0 * (1 - k))
        d.set_mood("dark")
        d.palette = _shade_palette(d.palette, lightness=-0.18 * k)
    elif name == "bright":
        d.brightness += 0.4 * k
        if "lowpass" in d.effects:
            cutoff = d.effects["lowpass"]["cutoff_hz"] * (1 + k)
            if cutoff >= 12000.0:
                d.drop_effects("lowpass")
            else:
                d.effects["lowpass"] = {"cutoff_hz": cutoff}
        d.palette = _shade_palette(d.palette, lightness=0.15 * k)
    elif name == "dreamy":
        d.reverb += 0.25 * k
        d.vocal_reverb += 0.2 * k
        d.brightness -= 0.1 * k
        d.effect("chorus", depth=0.35, mix=min(0.5, 0.25 * k + 0.1))
        d.effects.setdefault("delay", {"seconds": 0.42, "feedback": 0.35, "mix": 0.2})
        d.instruments.setdefault("pad", 89)
        d.set_mood("dreamy")
    elif name == "spacious":
        d.reverb += 0.3 * k
        d.vocal_reverb += 0.2 * k
        d.effect("wide", amount=min(1.0, 0.6 * k))
        d.effects.setdefault("delay", {"seconds": 0.38, "feedback": 0.3, "mix": 0.15})
    elif name == "vintage":
        d.effect("vinyl", amount=min(1.0, 0.35 * k))
        d.effect("tape", amount=min(1.0, 0.5 * k))
        d.lowpass(9000.0)
        d.brightness -= 0.2 * k
        d.set_mood("nostalgic")
        d.palette = _shade_palette(d.palette, saturation=-0.25 * k)
    elif name == "heavy":
        d.energy += 0.2 * k
        # distortion on the whole mix suits guitar and bass music; an orchestra gets weight, not grit
        if "distortion" in d.effects or "guitar" in d.instruments or d.spec.energy >= 0.7:
            drive = d.effects.get("distortion", {}).get("drive_db", 0.0) + 5.0 * k
            d.effect("distortion", drive_db=min(drive, 18.0))
        d.effects.setdefault("compressor", {"threshold_db": -20.0, "ratio": 4.0})
        if d.drum_kit in (0, 8, 32, 40) and d.drums:
            d.drum_kit = 16
        d.brightness -= 0.05 * k
    elif name == "minimal":
        d.energy -= 0.25 * k
        for role in ("pad", "strings", "brass", "arp"):
            if role in d.instruments and len(d.instruments) > 2:
                d.instruments.pop(role)
        d.reverb -= 0.05 * k
        d.keep_original += 0.1 * k
    elif name == "acoustic":
        _make_acoustic(d)
    elif name == "sad":
        d.set_mode("minor")
        d.brightness -= 0.2 * k
        d.tempo_factor *= 0.93 ** k
        d.energy -= 0.15 * k
        d.set_mood("sad")
        d.palette = _shade_palette(d.palette, saturation=-0.3 * k, lightness=-0.05 * k)
    elif name == "happy":
        d.set_mode("major")
        d.brightness += 0.2 * k
        d.tempo_factor *= 1.04 ** k
        d.energy += 0.1 * k
        d.set_mood("happy")
        d.palette = _shade_palette(d.palette, saturation=0.2 * k, lightness=0.05 * k)
    elif name == "epic":
        if "strings" not in d.instruments and "pad" not in d.instruments:
            d.instruments["strings"] = 48
        d.effects.setdefault("wide", {"amount": 0.5})
        d.reverb += 0.2 * k
        d.energy += 0.2 * k
        if d.drums is None:
            d.drums, d.drum_kit = "half_time", 48
        d.set_mood("epic")
    elif name == "aggressive":
        d.energy += 0.3 * k
        drive = d.effects.get("distortion", {}).get("drive_db", 0.0) + 6.0 * k
        d.effect("distortion", drive_db=min(drive, 18.0))
        d.effect("compressor", threshold_db=-22.0, ratio=5.0)
        d.brightness += 0.1 * k
        d.set_mood("aggressive")
    elif name == "soft":
        d.energy -= 0.3 * k
        d.brightness -= 0.15 * k
        d.drop_effects("distortion", "bitcrush")
        d.set_mood("calm")
    elif name == "romantic":
        d.tempo_factor *= 0.96 ** k
        d.reverb += 0.1 * k
        d.set_mood("romantic")
    elif name == "nostalgic":
        d.effect("tape", amount=min(1.0, 0.3 * k))
        d.brightness -= 0.1 * k
        d.set_mood("nostalgic")
    elif name == "warm":
        d.brightness -= 0.2 * k
        d.effect("tape", amount=min(1.0, max(0.3 * k, d.effects.get("tape", {}).get("amount", 0.0))))
    elif name == "lush":
        d.reverb += 0.15 * k
        d.instruments.setdefault("pad", 89)
        d.instruments.setdefault("strings", 48)
        d.effects.setdefault("chorus", {"depth": 0.3, "mix": 0.2})
    elif name == "dry":
        d.reverb *= 0.3
        d.vocal_reverb *= 0.4
        d.drop_effects("delay")
    elif name == "clean":
        d.drop_effects("distortion", "bitcrush", "vinyl", "tape")
        d.brightness += 0.1 * k
    elif name == "gritty":
        drive = d.effects.get("distortion", {}).get("drive_db", 0.0) + 6.0 * k
        d.effect("distortion", drive_db=min(drive, 18.0))
        d.effect("tape", amount=min(1.0, 0.4 * k))
    elif name == "groovy":
        d.swing += 0.08 * k
        d.energy += 0.1 * k
    elif name == "swing":
        d.swing += 0.2 * k
    elif name == "underwater":
        d.lowpass(700.0)
        d.reverb += 0.2 * k
        d.brightness -= 0.8 * k
    elif name == "radio":
        d.effect("highpass", cutoff_hz=300.0)
        d.lowpass(3400.0)
        d.effect("distortion", drive_db=max(3.0, d.effects.get("distortion", {}).get("drive_db", 0.0)))
        d.brightness -= 0.2 * k
    elif name == "slowed":
        d.tempo_factor *= 0.8 ** k
        d.reverb += 0.35 * k
        d.vocal_reverb += 0.3 * k
        d.set_mood("dreamy")
    elif name == "sped_up":
        d.tempo_factor *= 1.25 ** k
        d.brightness += 0.2 * k
        d.set_mood("energetic")
    elif name == "festive":
        d.instruments["arp"] = 9
        d.set_mode("major")
        d.brightness += 0.2 * k
        d.set_mood("happy")
    elif name == "bass_boost":
        d.brightness -= 0.25 * k
        d.energy += 0.1 * k
        d.instruments["bass"] = 38 if d.instruments.get("bass", 38) >= 38 else d.instruments["bass"]
    if name not in d.modifiers:
        d.modifiers.append(name)


_ACOUSTIC_SWAPS = {"bass": 32, "chords": 0, "pad": 48, "lead": 73, "arp": 46, "strings": 48, "brass": 61,
                   "guitar": 25}


def _make_acoustic(d: _Draft) -> None:
    for role, program in list(d.instruments.items()):
        if program in _SYNTH_PROGRAMS or program in (4, 5, 7, 16, 17, 18, 26, 27, 28, 29, 30, 31, 36, 37):
            d.instruments[role] = _ACOUSTIC_SWAPS[role]
    d.instruments.setdefault("guitar", 25)
    if d.drums:
        d.drum_kit = 40 if d.energy < 0.5 else 8
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


def _blend(d: _Draft, other: _Style, weight: float) -> str:
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


def _add_instrument(d: _Draft, name: str, solo: bool) -> str:
    role, program, _ = _INSTRUMENTS[name]
    if name in ("guitar", "guitars") and "guitar" in d.spec.instruments:
        program = d.spec.instruments["guitar"]
    if name in ("bass", "bassline", "bass line") and "bass" in d.spec.instruments:
        program = d.spec.instruments["bass"]
    if name in ("synth", "synths", "synthesizer", "synthesizers") and "lead" in d.instruments:
        role, program = "pad", 90
    if solo and role not in ("lead",):
        role = "lead"
    d.instruments[role] = program
    return _INSTRUMENT_LABELS.get(name, name)


def _roles_playing(d: _Draft, name: str) -> list[str]:
    """The band's roles an instrument word refers to: "synths" is every synth, "bass" the bass role."""
    role, _, family = _INSTRUMENTS[name]
    programs = set(family) | (_SYNTH_PROGRAMS if name.startswith("synth") else set())
    return [r for r, program in d.instruments.items()
            if program in programs or (r == role and role in ("bass", "strings", "brass", "guitar", "pad", "arp"))]


def _refuse_instrument(d: _Draft, name: str) -> str:
    for role in _roles_playing(d, name):
        d.instruments.pop(role)
    return _INSTRUMENT_LABELS.get(name, name)


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
_GOVERNABLE = _THINGS + ("style", "style_adj", "modifier", "mode", "meter")
_CUES = ("drop", "not", "less", "more", "add", "keep")


def _mark_scopes(hits: list[_Hit]) -> None:
    """Resolve cues (no/not/less/more/with/keep/very) onto the words they govern, in place.

    A cue governs the next word within three tokens; a refusal, an addition or a level change runs on
    over a list of things ("no drums, bass or piano"), but not into the feelings that follow ("no drums, slow").
    """
    cue, cue_end, listing = None, -1, False
    intensity, intensity_end = 1.0, -1
    for hit in hits:
        if hit.kind in _CUES:
            cue, cue_end, listing = hit.kind, hit.end + 3, False
            continue
        if hit.kind == "intensity":
            intensity, intensity_end = float(hit.value), hit.end + 2
            cue_end = max(cue_end, hit.end + 3) if cue else cue_end
            continue
        if hit.start <= intensity_end:
            hit.intensity = intensity
        if hit.kind in ("modifier", "effect"):
            intensity_end = -1
        in_scope = cue is not None and hit.start <= cue_end and hit.kind in _GOVERNABLE
        if in_scope and listing and hit.kind not in _THINGS:
            in_scope = False
        if in_scope and hit.kind in ("style", "style_adj") and hit.start > cue_end - 1:
            in_scope = False
        if not in_scope:
            cue, listing = None, False
            continue
        hit.polarity = cue
        if hit.kind in _THINGS and cue != "not":
            cue_end, listing = hit.end + 3, True
        else:
            cue = None


def interpret(prompt: str) -> StylePlan:
    """Read a prompt ("make it lo-fi with chill beats, slower, no drums") into a StylePlan."""
    text = prompt if isinstance(prompt, str) else ("" if prompt is None else str(prompt))
    empty = not text.strip()
    text = _normalise(text[:MAX_PROMPT_CHARS])
    bpm, text, notes = _extract_bpm(text)
    _, hits, ignored, spell_notes = _tokens_and_hits(text)
    _reread_level_words(hits)
    _mark_scopes(hits)
    _reread_trailing_level_words(hits)
    _reread_style_words(hits)

    main_id, blended_ids, refused_ids = _choose_styles(hits)
    understood: list[str] = []
    if main_id is None:
        main_id, note = _default_style(hits, refused_ids, empty)
        understood.append(note)
    spec = STYLES[main_id]
    d = _Draft.from_style(spec)
    if not understood:
        understood.append(f"Style: {spec.name}")
    for other_id in blended_ids:
        weight = 0.35 if other_id == blended_ids[0] else 0.2
        borrowed = _blend(d, STYLES[other_id], weight)
        understood.append(f"Blended in: {STYLES[other_id].name} ({borrowed}); {spec.name} leads")
    for refused in refused_ids:
        understood.append(f"Not: {STYLES[refused].name}")

    _apply_hits(d, hits, understood)

    if bpm is not None:
        d.tempo_factor = 1.0
        understood.append(f"Tempo: {bpm:g} BPM")
    else:
        d.tempo_factor = min(max(d.tempo_factor, 0.5), 2.0)
        if abs(d.tempo_factor - 1.0) >= 0.02:
            word = "slower" if d.tempo_factor < 1 else "faster"
            understood.append(f"Tempo: {word} (x{d.tempo_factor:.2f})")
    understood.extend(notes)
    understood.extend(spell_notes)
    return _finish(d, bpm, understood, ignored)


def _reread_level_words(hits: list[_Hit]) -> None:
    """"softer drums", "louder vocals": a comparative right before a part asks for its level, not a feel."""
    for hit, after in zip(hits, hits[1:]):
        cue = _LEVEL_COMPARATIVES.get(hit.text)
        if cue and hit.kind == "modifier" and after.kind in _LEVELLED and after.start <= hit.end + 2:
            hit.kind, hit.value = cue, None


def _reread_trailing_level_words(hits: list[_Hit]) -> None:
    """"make the vocals softer", "drums a bit louder": the comparative after the part, in the same clause.

    Runs after the cues are resolved: a part already governed ("no drums softer", "with piano softer") keeps
    its cue, except that "with vocals louder" still means the vocals at a level.
    """
    for k, hit in enumerate(hits):
        cue = _LEVEL_COMPARATIVES.get(hit.text)
        if not cue or hit.kind != "modifier" or hit.after_pause:
            continue
        j = k - 1
        while j >= 0 and hits[j].kind == "intensity" and not hits[j].after_pause:
            j -= 1  # "drums a bit louder"
        part = hits[j] if j >= 0 else None
        if part is None or part.kind not in _LEVELLED or hit.start > part.end + 2:
            continue
        if part.polarity in ("plain", "keep") or (part.kind == "vocals" and part.polarity == "add"):
            part.polarity, part.intensity = cue, hit.intensity
            hit.kind = "consumed"


def _reread_style_words(hits: list[_Hit]) -> None:
    """Genre words that do not name the genre: refused ones, "jazz drums", "acoustic rock"."""
    for hit in hits:
        if hit.kind in ("style", "style_adj") and hit.polarity in ("drop", "not"):
            hit.kind = "refused_style"
    # "rock with jazz drums": a genre word before "drums" asks for that genre's groove only
    style_hits = [h for h in hits if h.kind in ("style", "style_adj")]
    for h, after in zip(hits, hits[1:]):
        if h in style_hits and after.kind == "drums" and after.start == h.end and len(style_hits) > 1:
            h.kind, h.value, h.end = "groove", STYLES[h.value].drums_if_added, after.end
            h.text = f"{h.text} {after.text}"
            after.kind = "consumed"
    # "acoustic" names a genre alone, but is a modifier of another genre ("acoustic rock")
    style_hits = [h for h in hits if h.kind == "style"]
    if any(h.value != "acoustic" for h in style_hits):
        for h in style_hits:
            if h.value == "acoustic":
                h.kind, h.value = "modifier", "acoustic"


def _default_style(hits: list[_Hit], refused_ids: list[str], empty: bool) -> tuple[str, str]:
    """The style for a prompt that names none, and the sentence saying why."""
    suggestions = [(h.text, _IMPLIED_STYLE.get(h.value) if h.kind == "modifier" else _DANCE_STYLES.get(h.text))
                   for h in hits if h.kind in ("modifier", "meter") and h.polarity == "plain"]
    word, implied = next(((w, s) for w, s in suggestions if s and s not in refused_ids), (None, None))
    style_id = implied or (DEFAULT_STYLE if DEFAULT_STYLE not in refused_ids else "lofi")
    name = STYLES[style_id].name
    if empty:
        return style_id, f"The prompt was empty, so a {name} remix is made."
    if implied:
        return style_id, f"Style: {name} (no genre named; \u201c{word}\u201d suggests it)"
    return style_id, f"No style recognised in the prompt, so a {name} remix is made."


def _apply_hits(d: _Draft, hits: list[_Hit], understood: list[str]) -> None:
    solo_positions = {h.start for h in hits if h.kind == "solo"}
    for hit in hits:
        polarity, k = hit.polarity, hit.intensity
        if hit.kind == "modifier":
            if polarity in ("drop", "not", "less"):
                opposite = _OPPOSITES.get(hit.value)
                if opposite:
                    _apply_modifier(d, opposite, 0.35)
                understood.append(f"Not {_MOD_LABEL.get(hit.value, hit.value)}"
                                  + (f": a little {_MOD_LABEL.get(opposite, opposite)} instead" if opposite else ""))
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
            label = _INSTRUMENT_LABELS.get(hit.value, hit.value)
            # A later word about the same instrument wins: "no guitar ... more guitar" adds it back.
            if polarity in ("drop", "not"):
                d.removes.append(_refuse_instrument(d, hit.value))
                d.adds = [added for added in d.adds if added != label]
            elif polarity == "less" and roles:
                _change_level(d, roles, label, -LEVEL_STEP_DB * k)
            elif polarity == "less":
                understood.append(f"Less {hit.text}: there is no {label} in this arrangement to turn down.")
            elif polarity == "more" and roles:
                _change_level(d, roles, label, LEVEL_STEP_DB * k)
            else:
                d.adds.append(_add_instrument(d, hit.value, solo=hit.end in solo_positions))
                d.removes = [removed for removed in d.removes if removed != label]
        elif hit.kind in ("drums", "groove", "kit"):
            _apply_drum_hit(d, hit, polarity)
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
        elif hit.kind == "gender":
            understood.append(f"Voice: \u201c{hit.text}\u201d is chosen with the gender option, not the prompt.")


_MOD_LABEL = {"sped_up": "sped up", "bass_boost": "bass boosted", "slow": "slower", "fast": "faster",
              "dark": "darker", "bright": "brighter"}


def _apply_drum_hit(d: _Draft, hit: _Hit, polarity: str) -> None:
    if polarity in ("drop", "not"):
        if hit.kind == "drums" or hit.kind == "groove":
            d.drums = None
            if "drums" not in d.removes:
                d.removes.append("drums")
        return
    if polarity == "less" or (polarity == "more" and hit.kind == "drums" and d.drums):
        if d.drums:
            _change_level(d, ["drums"], "drums", LEVEL_STEP_DB * hit.intensity * (1 if polarity == "more" else -1))
        else:
            d.notes.append(f"Less {hit.text}: there are no drums to turn down.")
        return
    if hit.kind == "drums":
        if d.drums is None:
            d.drums = d.spec.drums_if_added
            d.adds.append("drums")
    elif hit.kind == "groove":
        d.drums = hit.value
        d.adds.append(f"{hit.text} groove")
    elif hit.kind == "kit":
        d.drum_kit = hit.value
        if d.drums is None:
            d.drums = d.spec.drums_if_added
        d.adds.append(hit.text)


_EFFECT_DEFAULTS = {
    "delay": {"seconds": 0.375, "feedback": 0.35, "mix": 0.2}, "distortion": {"drive_db": 8.0},
    "vinyl": {"amount": 0.5}, "tape": {"amount": 0.5}, "chorus": {"depth": 0.4, "mix": 0.3},
    "phaser": {"depth": 0.5, "mix": 0.3}, "bitcrush": {"bit_depth": 8.0}, "lowpass": {"cutoff_hz": 2500.0},
    "highpass": {"cutoff_hz": 200.0}, "compressor": {"threshold_db": -24.0, "ratio": 5.0}, "wide": {"amount": 0.7},
}


def _apply_effect_hit(d: _Draft, kind: str, polarity: str, k: float) -> None:
    if polarity in ("drop", "not"):
        if kind == "all":
            d.effects.clear()
            d.reverb = min(d.reverb, 0.1)
            d.removes.append("effects")
        elif kind == "reverb":
            d.reverb, d.vocal_reverb = 0.0, min(d.vocal_reverb, 0.1)
            d.removes.append("reverb")
        else:
            d.drop_effects(kind)
            d.removes.append(kind)
        return
    if polarity == "less":
        if kind == "reverb":
            d.reverb *= 0.5
            d.vocal_reverb *= 0.5
        elif kind in d.effects:
            d.effects[kind] = {p: v * 0.5 if p in ("mix", "amount", "drive_db", "feedback") else v
                               for p, v in d.effects[kind].items()}
        d.notes.append(f"Less {kind}")
        return
    if kind == "all":
        return
    if kind == "reverb":
        d.reverb += 0.25 * k
        d.vocal_reverb += 0.2 * k
    elif kind == "lowpass":
        d.lowpass(_EFFECT_DEFAULTS["lowpass"]["cutoff_hz"])
        d.brightness -= 0.2
    else:
        d.effects[kind] = dict(_EFFECT_DEFAULTS[kind])
    d.adds.append(kind)


def _clamp(x: float, lo: float, hi: float) -> float:
    return float(min(max(x, lo), hi))


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
        understood.append("Feel: " + ", ".join(_MOD_LABEL.get(m, m).replace("_", " ") for m in feel))
    if d.mode:
        understood.append(f"Mode: {d.mode}")
    if d.adds:
        understood.append("Adds: " + ", ".join(dict.fromkeys(d.adds)))
    if d.removes:
        understood.append("Removes: " + ", ".join(dict.fromkeys(d.removes)))
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
    parts = [f"{plan.style_name} remix"]
    feel = [_MOD_LABEL.get(m, m).replace("_", " ") for m in plan.modifiers]
    if feel:
        parts.append(", ".join(feel))
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
    else:
        parts.append(f"around {plan.tempo_range[0]:.0f}-{plan.tempo_range[1]:.0f} BPM")
    return parts[0] + ": " + "; ".join(parts[1:]) + "."
