"""Prompt -> StylePlan: a table of real-world prompts, then the plan's contract (fields, ranges, JSON)."""

from __future__ import annotations

import json
import random
import string
import time

import pytest

from remixes.engine.style import (
    AS_IS_NAME, AS_IS_NOTE, EFFECT_KINDS, FADE_OUT_SECONDS, GROOVES, GROOVES_IN_THREE, MAX_LEVEL_DB, ROLES, STYLES,
    SWELL_DB, SectionChange, StylePlan, available_styles, interpret,
)

ANY = object()


def case(prompt, style, tempo="=", mode=None, drums=ANY, has=(), lacks=(), vocals=ANY, ignored=(), mods=()):
    """One row: tempo is "<" (slower), ">" (faster), "=" (as the source) or an explicit BPM."""
    return pytest.param(prompt, style, tempo, mode, drums, has, lacks, vocals, ignored, mods, id=prompt or "<empty>")


PROMPTS = [
    case("Make it sound like Lo-fi with chill beats", "lofi", "<", drums="lofi", mods=("chill",)),
    case("lofi", "lofi", drums="lofi"),
    case("lo fi study vibes", "lofi", "<"),
    case("LO-FI!!!", "lofi"),
    case("remix in classical slow vibe", "classical", "<", drums=None, vocals=False),
    case("orchestra version", "cinematic", has=("strings", "brass")),
    case("make it orchestral", "cinematic", has=("strings",)),
    case("8 bit video game remix", "chiptune", drums="chip", has={"lead": 80}),
    case("8-bit", "chiptune"),
    case("hiphop", "hiphop", drums="boom_bap"),
    case("old school hip-hop", "hiphop", drums="boom_bap"),
    case("d&b", "dnb", drums="dnb"),
    case("dnb but darker", "dnb", mode="minor", mods=("dark",)),
    case("drum and bass", "dnb", drums="dnb"),
    case("EDM festival banger", "edm", ">", drums="four_on_floor"),
    case("80s", "synthwave"),
    case("totally 80's retro synth", "synthwave", mods=("vintage",)),
    case("deep house", "house", drums="four_on_floor"),
    case("dark techno at 128 bpm, no vocals", "techno", 128.0, mode="minor", vocals=False),
    case("trap with 808s", "trap", drums="trap", has={"bass": 38}),
    case("hard rock", "rock", drums="rock", has=("guitar",)),
    case("heavy metal", "metal", drums="metal", has={"guitar": 30}),
    case("pop punk", "punk", drums="punk"),
    case("acoustic folk", "acoustic", has={"guitar": 25}),
    case("country with banjo", "country", has={"guitar": 105}),
    case("reggae", "reggae", drums="reggae"),
    case("bossanova", "bossa", drums="bossa", has={"guitar": 24}),
    case("funky disco", "disco", drums="disco"),
    case("funk with horns", "funk", drums="funk", has={"brass": 61}),
    case("synthwave at 100bpm", "synthwave", 100.0),
    case("ambient, spacious and dreamy", "ambient", drums=None, mods=("spacious", "dreamy")),
    case("cinematic epic trailer", "cinematic", mods=("epic",)),
    case("r&b", "rnb"),
    case("neo soul with rhodes", "rnb", has={"chords": 4}),
    case("gospel with choir", "gospel", drums="gospel", has={"pad": 52}),
    case("sad piano ballad", "piano_ballad", "<", mode="minor", drums=None),
    case("blues", "blues", drums="shuffle"),
    case("salsa", "latin", has=("brass",)),
    case("reggaeton", "reggaeton", drums="dembow", has={"bass": 38}),
    case("waltz", "classical", drums=None),
    case("k-pop", "kpop"),
    case("dubstep", "dubstep", drums="half_time"),
    case("trance", "trance"),
    case("slow jazz in a minor key with saxophone solo, no drums", "jazz", "<", mode="minor", drums=None,
         has={"lead": 65}),
    case("jazz in C major", "jazz", mode="major", drums="swing_jazz"),
    case("very slow lofi", "lofi", "<", mods=("slow",)),
    case("a bit faster rock", "rock", ">"),
    case("rock but not too fast", "rock", "<"),
    case("chill", "lofi", "<", mods=("chill",)),
    case("something sad", "piano_ballad", "<", mode="minor"),
    case("epic", "cinematic"),
    case("no drums or bass", "pop", drums=None, lacks=("bass",)),
    case("house without bass", "house", lacks=("bass",), drums="four_on_floor"),
    case("drop the vocals", "pop", vocals=False),
    case("instrumental lofi", "lofi", vocals=False),
    case("classical, keep the vocals", "classical", vocals=True),
    case("techno with no synths", "techno", lacks=("arp", "pad")),
    case("ambient with beats", "ambient", drums="half_time"),
    case("rock with jazz drums", "rock", drums="swing_jazz"),
    case("jazz hip hop", "hiphop", has={"lead": 66}),
    case("lofi with piano and strings", "lofi", has={"chords": 0, "strings": 48}),
    case("rock version but acoustic", "rock", mods=("acoustic",), has={"guitar": 25}),
    case("clasical", "classical"),
    case("synthwav", "synthwave"),
    case("raggae with banana purple vibes", "reggae", ignored=("banana", "purple")),
    case("tempo 120 techno", "techno", 120.0),
    case("at 90 bpm", "pop", 90.0),
    case("make it 500 bpm", "pop", "="),
    case("slowed + reverb", "pop", "<", mods=("slowed",)),  # the song itself, slowed (it was a lo-fi remix)
    case("nightcore", "pop", ">"),
    case("make it a tiktok remix", "pop", ">"),  # a tiktok version is the song sped up (was unread)
    case("make it sound like a retro video game soundtrack", "chiptune"),
    case("make it sound like it's playing in an empty mall in 1989", "vaporwave", "<"),
    case("movie soundtrack", "cinematic"),
    case("jazz lounge version with upright bass and brushed drums", "jazz", has={"bass": 32}),
    case("metalcore with double kick drums and screaming guitars", "metal", mods=("aggressive",)),
    case("lower the tempo and make it jazz", "jazz", "<"),
    case("house, increase the tempo", "house", ">"),
    case("", "pop"),
    case("asdkjh qwerty zxcvb", "pop", ignored=("asdkjh", "qwerty", "zxcvb")),
]


@pytest.mark.parametrize("prompt, style, tempo, mode, drums, has, lacks, vocals, ignored, mods", PROMPTS)
def test_it_reads_the_prompt(prompt, style, tempo, mode, drums, has, lacks, vocals, ignored, mods):
    plan = interpret(prompt)
    assert plan.style == style
    if tempo == "<":
        assert plan.tempo_bpm is None and plan.tempo_factor < 0.99
    elif tempo == ">":
        assert plan.tempo_bpm is None and plan.tempo_factor > 1.01
    elif tempo == "=":
        assert plan.tempo_bpm is None and abs(plan.tempo_factor - 1.0) < 0.02
    else:
        assert plan.tempo_bpm == tempo and plan.tempo_factor == 1.0
        assert plan.tempo_range[0] <= tempo <= plan.tempo_range[1]
    assert plan.mode == mode
    if drums is not ANY:
        assert plan.drums == drums
    wanted = has.items() if isinstance(has, dict) else ((role, ANY) for role in has)
    for role, program in wanted:
        assert role in plan.instruments
        assert program is ANY or plan.instruments[role] == program
    for role in lacks:
        assert role not in plan.instruments
    if vocals is not ANY:
        assert plan.keep_vocals is vocals
    assert set(plan.ignored_words) == set(ignored)
    for modifier in mods:
        assert modifier in plan.modifiers


def test_the_table_covers_at_least_40_prompts_and_24_styles():
    assert len(PROMPTS) >= 40
    assert len(STYLES) >= 24
    assert len({p.values[1] for p in PROMPTS}) >= 24


@pytest.mark.parametrize("spelling", ["lofi", "lo fi", "lo-fi", "Lo-Fi", "LOFI", "lowfi", "chillhop"])
def test_it_reads_every_spelling_of_lofi(spelling):
    assert interpret(spelling).style == "lofi"


@pytest.mark.parametrize("prompt, style", [
    ("orchestra", "cinematic"), ("orchestral", "cinematic"), ("8 bit", "chiptune"), ("8bit", "chiptune"),
    ("hiphop", "hiphop"), ("hip hop", "hiphop"), ("d&b", "dnb"), ("dnb", "dnb"), ("drum & bass", "dnb"),
    ("edm", "edm"), ("80s", "synthwave"), ("eighties", "synthwave"), ("rnb", "rnb"), ("R&B", "rnb"),
    ("rock'n'roll", "rock"), ("bossa nova", "bossa"),
])
def test_it_knows_the_synonyms(prompt, style):
    assert interpret(prompt).style == style


def test_slow_lowers_the_tempo_and_its_range():
    base, slow = interpret("house"), interpret("slow house")
    assert slow.tempo_factor < 1 and slow.tempo_range[1] < base.tempo_range[1]


def test_intensity_words_scale_a_modifier():
    bit, plain, very = (interpret(p).tempo_factor for p in ("a bit slower", "slower", "very slow"))
    assert very < plain < bit < 1


def test_dark_makes_it_darker_and_minor_and_bright_the_opposite():
    base, dark, bright = interpret("pop"), interpret("dark pop"), interpret("bright pop")
    assert dark.brightness < base.brightness < bright.brightness
    assert dark.brightness < 0 and dark.mode == "minor" and dark.mood == "dark"


def test_an_explicit_mode_wins_over_a_mood():
    assert interpret("dark synthwave in a major key").mode == "major"
    assert interpret("happy song in A minor").mode == "minor"


@pytest.mark.parametrize("modifier, field, direction", [
    ("chill", "energy", -1), ("energetic", "energy", +1), ("spacious", "reverb", +1), ("dreamy", "reverb", +1),
    ("heavy", "energy", +1), ("minimal", "energy", -1), ("vintage", "brightness", -1), ("soft", "energy", -1),
    ("aggressive", "energy", +1), ("dry", "reverb", -1), ("swing", "swing", +1), ("underwater", "brightness", -1),
])
def test_each_modifier_moves_its_field(modifier, field, direction):
    base, changed = interpret("pop"), interpret(f"{modifier} pop")
    assert (getattr(changed, field) - getattr(base, field)) * direction > 0
    assert changed.style == "pop"


def test_vintage_adds_vinyl_and_tape_and_heavy_adds_distortion_where_it_fits():
    kinds = lambda plan: {e.kind for e in plan.effects}  # noqa: E731
    assert {"vinyl", "tape"} <= kinds(interpret("vintage pop"))
    assert "distortion" in kinds(interpret("heavy pop"))
    assert "distortion" not in kinds(interpret("clean metal"))
    heavy_classical = interpret("heavy classical")
    assert "distortion" not in kinds(heavy_classical)
    assert heavy_classical.energy > interpret("classical").energy


def test_minimal_plays_fewer_instruments_and_lush_more():
    base = len(interpret("disco").instruments)
    assert len(interpret("minimal disco").instruments) < base
    assert len(interpret("lush acoustic").instruments) > len(interpret("acoustic").instruments)



@pytest.mark.parametrize("prompt", ["festive pop", "christmas lofi", "pop with bells"])
def test_bells_ring_on_a_celesta(prompt):
    # a glockenspiel's inharmonic partials put a C major arpeggio's chroma on F
    assert interpret(prompt).instruments["arp"] == 8


def test_only_the_word_glockenspiel_asks_for_one():
    assert interpret("festive pop with glockenspiel").instruments["arp"] == 9

def test_acoustic_swaps_synths_for_acoustic_instruments():
    plan = interpret("acoustic edm")
    assert plan.style == "edm"
    assert not any(80 <= p <= 103 or p in (38, 39) for p in plan.instruments.values())


def test_a_refusal_runs_over_a_list_but_not_into_the_next_feeling():
    plan = interpret("no drums, bass or piano, slow and dreamy")
    assert plan.drums is None
    assert "bass" not in plan.instruments and "chords" not in interpret("pop without piano").instruments
    assert plan.tempo_factor < 1 and "dreamy" in plan.modifiers


def test_an_ambient_remix_keeps_the_song_s_own_tempo():
    from remixes.engine.arrange import choose_timing

    # ambient's range spans an octave, so some octave of any song's tempo from 45 to 180 bpm lies in it
    plan = interpret("ambient")
    for source_tempo in (48.0, 60.0, 95.7, 112.35, 143.6, 175.0):
        assert choose_timing(plan, source_tempo, 10.0).rate == 1.0, source_tempo
    assert choose_timing(interpret("slow ambient"), 100.0, 10.0).rate < 0.97


def test_ambient_holds_the_song_s_roots_with_a_soft_bass():
    plan = interpret("ambient")
    assert plan.drums is None and {"pad", "bass"} <= set(plan.instruments)
    assert "bass" not in interpret("ambient, no bass").instruments


def test_no_reverb_and_no_effects_are_obeyed():
    assert interpret("ambient with no reverb").reverb == 0.0
    assert interpret("lofi without effects").effects == ()


def test_a_named_genre_refused_is_not_chosen():
    plan = interpret("not jazz, make it rock")
    assert plan.style == "rock"
    assert any("Jazz" in line for line in plan.understood)


def test_several_styles_are_blended_and_said_so():
    plan = interpret("lofi with a bit of jazz")
    assert plan.style == "lofi"
    assert plan.instruments.get("lead") == 66
    assert plan.swing > STYLES["lofi"].swing
    assert any(line.startswith("Blended in: Jazz") for line in plan.understood)


def test_understood_says_what_was_read_in_sentences():
    plan = interpret("lo-fi, slower, with piano, no drums, in a minor key")
    lines = set(plan.understood)
    assert "Style: Lo-fi hip-hop" in lines
    assert any(line.startswith("Tempo: slower (x0.") for line in lines)
    assert "Adds: piano" in lines and "Removes: drums" in lines and "Mode: minor" in lines
    assert plan.summary.startswith("Lo-fi hip-hop remix") and plan.summary.endswith(".")


def test_stop_words_are_not_reported_as_ignored():
    plan = interpret("Please could you make this song sound like it was a jazz version of the track")
    assert plan.style == "jazz" and plan.ignored_words == ()


def test_a_misspelling_is_read_and_reported():
    plan = interpret("orchestal")
    assert plan.style == "cinematic"
    assert any("orchestal" in line for line in plan.understood)


def test_an_empty_prompt_gets_a_default_plan_with_a_note():
    plan = interpret("   ")
    assert plan.style == "pop" and "empty" in plan.understood[0]


def test_gender_words_are_explained_not_applied():
    plan = interpret("jazz with female vocals")
    assert any("gender option" in line for line in plan.understood)
    assert "female" not in plan.ignored_words


def test_every_style_is_complete_and_consistent():
    for style_id, name in available_styles():
        plan = interpret(name)
        assert plan.style == style_id, name
        _assert_valid(plan)


def test_the_plan_round_trips_through_json():
    plan = interpret("dreamy synthwave with sax, no drums, 95 bpm, less bass, in 3/4")
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["style"] == "synthwave" and data["tempo_bpm"] == 95.0
    assert StylePlan.from_dict(data) == plan


def test_it_never_raises_on_odd_text():
    rng = random.Random(7)
    alphabet = string.printable + "éüß漢字🎵—’&"
    prompts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(200)]
    prompts += [None, 123, "no " * 500, "very " * 400 + "slow", "9" * 5000, "bpm bpm 0 bpm", "at 1e9 bpm"]
    for prompt in prompts:
        _assert_valid(interpret(prompt))


def best_time(prompt: str, repeats: int) -> float:
    """Fastest of several runs: the cost of the code, not of whatever else the machine is doing."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        interpret(prompt)
        timings.append(time.perf_counter() - start)
    return min(timings)


def test_a_typical_prompt_takes_under_10_ms():
    assert best_time("make it a dreamy lo-fi remix with piano, slower, no vocals, in a minor key", 20) < 0.010


def test_a_long_rambling_prompt_stays_fast():
    rng = random.Random(3)
    gibberish = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))
                         for _ in range(300))
    assert best_time(gibberish[:2000], 3) < 0.05


@pytest.mark.parametrize("prompt", ["waltz", "a viennese waltz", "minuet", "make it a mazurka", "Waltzes"])
def test_a_dance_in_three_means_classical_in_three_four(prompt):
    plan = interpret(prompt)
    assert plan.style == "classical" and plan.beats_per_bar == 3
    assert any("suggests it" in line for line in plan.understood)
    assert any(line.startswith("Meter: 3/4") for line in plan.understood) and "in 3/4" in plan.summary


@pytest.mark.parametrize("prompt, style, drums", [
    ("jazz waltz", "jazz", "jazz_waltz"), ("rock in 3/4", "rock", "waltz"), ("pop, in three", "pop", "waltz"),
    ("lofi in triple meter", "lofi", "waltz"), ("3/4 time reggaeton", "reggaeton", "waltz"),
    ("classical waltz", "classical", None),
])
def test_a_meter_of_three_keeps_the_style_and_plays_its_drums_in_three(prompt, style, drums):
    plan = interpret(prompt)
    assert (plan.style, plan.beats_per_bar, plan.drums) == (style, 3, drums)
    assert plan.ignored_words == ()


@pytest.mark.parametrize("prompt", ["classical", "rock", "rock in 4/4", "not a waltz, make it rock"])
def test_everything_else_stays_in_four(prompt):
    plan = interpret(prompt)
    assert plan.beats_per_bar == 4 and plan.drums not in GROOVES_IN_THREE and plan.ignored_words == ()


@pytest.mark.parametrize("prompt", ["reggaeton", "reggaetón remix", "dembow", "perreo", "urbano latino",
                                    "dark reggaeton"])
def test_reggaeton_has_its_own_style_with_the_dembow_groove(prompt):
    plan = interpret(prompt)
    assert plan.style == "reggaeton" and plan.drums == "dembow"
    assert 85 <= plan.tempo_range[0] <= plan.tempo_range[1] <= 100


@pytest.mark.parametrize("prompt", ["salsa", "samba", "cumbia", "latin"])
def test_the_other_latin_styles_keep_their_groove(prompt):
    assert (interpret(prompt).style, interpret(prompt).drums) == ("latin", "bossa")


def test_reggaeton_drums_lend_the_dembow_to_another_style():
    assert interpret("rock with reggaeton drums").drums == "dembow"


@pytest.mark.parametrize("prompt, levels", [
    ("rock, less guitar", {"guitar": -6.0}),
    ("rock with more bass", {"bass": 6.0}),
    ("more bass", {"bass": 6.0}),
    ("rock, softer drums", {"drums": -6.0}),
    ("rock, turn down the drums", {"drums": -6.0}),
    ("pop with louder piano", {"chords": 6.0}),
    ("classical, turn up the strings", {"strings": 6.0, "lead": 6.0, "bass": 6.0}),
    ("synthwave, quieter synths", {"bass": -6.0, "pad": -6.0, "lead": -6.0, "arp": -6.0, "chords": -6.0}),
    ("rock, a bit less guitar", {"guitar": -3.0}),
    ("rock, much more bass and less drums", {"bass": 9.0, "drums": -6.0}),
    ("less guitar and drums, slow", {"guitar": -6.0, "drums": -6.0}),
    ("rock, less guitar, less guitar, less guitar", {"guitar": -MAX_LEVEL_DB}),
])
def test_less_and_more_change_the_level_of_a_role(prompt, levels):
    plan = interpret(prompt)
    assert plan.levels == levels
    assert set(levels) <= set(plan.instruments) | {"drums"}


def test_a_level_change_is_reported_like_a_removal():
    plan = interpret("rock, less guitar, more bass, no piano")
    assert "Softer: guitar (-6 dB)" in plan.understood and "Louder: bass (+6 dB)" in plan.understood
    assert "Removes: piano" in plan.understood
    assert "louder bass" in plan.summary and "softer guitar" in plan.summary and "without piano" in plan.summary
    assert "guitar" in plan.instruments and "chords" not in plan.instruments


def test_a_level_cue_is_not_a_feeling_and_a_feeling_is_not_a_level():
    softer_drums = interpret("rock, softer drums")
    assert "soft" not in softer_drums.modifiers and softer_drums.energy == interpret("rock").energy
    less_dark = interpret("less dark")
    assert less_dark.levels == {} and "bright" in less_dark.modifiers
    assert "soft" in interpret("make it softer").modifiers and interpret("make it softer").levels == {}
    assert interpret("soft piano").levels == {}


def test_no_still_drops_and_more_still_adds_what_is_missing():
    assert "guitar" not in interpret("rock, no guitar").instruments
    assert interpret("rock without drums").drums is None
    techno = interpret("techno with more guitar")
    assert "guitar" in techno.instruments and techno.levels == {} and "Adds: guitar" in techno.understood


def test_turning_down_what_is_not_there_says_so():
    plan = interpret("techno, less guitar")
    assert plan.levels == {} and any("no guitar" in line for line in plan.understood)
    assert any("no drums" in line for line in interpret("classical, less drums").understood)


@pytest.mark.parametrize("prompt, style, db", [
    ("lo-fi with less vocals", "lofi", -6.0),
    ("rock, quieter vocals", "rock", -6.0),
    ("jazz with louder vocals", "jazz", 6.0),
    ("make the vocals softer", "pop", -6.0),
    ("turn the vocals up", "pop", 6.0),
    ("turn the vocals down", "pop", -6.0),
    ("vocals softer", "pop", -6.0),
    ("a bit less voice", "pop", -3.0),
    ("much louder vocals", "pop", 9.0),
    ("turn the lead vocals down a bit", "pop", -3.0),
    ("jazz with vocals louder", "jazz", 6.0),
    ("less vocals, less vocals, less vocals", "pop", -MAX_LEVEL_DB),
])
def test_a_vocal_level_request_is_a_level_not_a_feeling(prompt, style, db):
    plan = interpret(prompt)
    assert (plan.style, plan.levels, plan.keep_vocals) == (style, {"vocals": db}, True)
    assert plan.modifiers == () and plan.tempo_factor == interpret(style).tempo_factor
    assert plan.ignored_words == ()
    word = "Louder" if db > 0 else "Softer"
    assert f"{word}: vocals ({db:+g} dB)" in plan.understood
    assert f"{word.lower()} vocals" in plan.summary


def test_a_vocal_level_is_reported_with_the_instruments():
    plan = interpret("rock, less guitar and quieter vocals")
    assert plan.levels == {"guitar": -6.0, "vocals": -6.0}
    assert "Softer: guitar (-6 dB), vocals (-6 dB)" in plan.understood


def test_a_style_without_vocals_keeps_the_vocal_it_is_asked_to_turn_down():
    assert interpret("classical").keep_vocals is False
    plan = interpret("classical, vocals softer")
    assert plan.keep_vocals is True and plan.levels == {"vocals": -6.0}


@pytest.mark.parametrize("prompt", ["instrumental with louder vocals", "less vocals, no vocals"])
def test_removing_the_vocals_wins_over_their_level_and_says_so(prompt):
    plan = interpret(prompt)
    assert plan.keep_vocals is False and plan.levels == {}
    assert "Removes: vocals" in plan.understood
    assert any("also removes the vocals" in line for line in plan.understood)
    assert not any(line.startswith(("Softer:", "Louder:")) for line in plan.understood)


@pytest.mark.parametrize("prompt", ["rock, less guitar, no guitar", "rock with softer guitar and no guitar"])
def test_removing_an_instrument_wins_over_its_level_and_says_so(prompt):
    plan = interpret(prompt)
    assert "guitar" not in plan.levels
    assert any(line.startswith("Removes:") and "guitar" in line for line in plan.understood)
    assert not any(line.startswith(("Softer:", "Louder:")) for line in plan.understood)
    assert "guitar" not in plan.summary.split("without", 1)[0]


@pytest.mark.parametrize("prompt, feel, keep_vocals, adds", [
    ("soft piano", "soft", True, "Adds: piano"),
    ("make it softer", "soft", True, None),
    ("soft vocals", "soft", True, None),
    ("piano, softer", "soft", True, "Adds: piano"),
    ("no vocals", None, False, "Removes: vocals"),
    ("keep the vocals", None, True, "Keeps: vocals"),
])
def test_words_without_a_vocal_level_read_as_before(prompt, feel, keep_vocals, adds):
    plan = interpret(prompt)
    assert plan.levels == {} and plan.keep_vocals is keep_vocals
    assert plan.modifiers == ((feel,) if feel else ())
    assert adds is None or adds in plan.understood


def test_a_trailing_comparative_turns_an_instrument_down_too():
    assert interpret("rock, make the guitar softer").levels == {"guitar": -6.0}
    assert interpret("rock, turn the drums down").levels == {"drums": -6.0}
    assert interpret("turn the tempo up").tempo_factor > 1.1


def test_with_a_minor_key_asks_for_minor():
    assert interpret("jazz with a minor key").mode == "minor"
    assert interpret("jazz, not in a minor key").mode == "major"


def test_a_plan_stored_before_meters_and_levels_still_loads():
    data = interpret("rock").to_dict()
    del data["beats_per_bar"], data["levels"]
    plan = StylePlan.from_dict(data)
    assert plan.beats_per_bar == 4 and plan.levels == {}


def _assert_valid(plan: StylePlan) -> None:
    assert plan.style in STYLES
    assert 0.5 <= plan.tempo_factor <= 2.0
    assert 40 <= plan.tempo_range[0] <= plan.tempo_range[1] <= 240
    assert plan.mode in (None, "major", "minor")
    assert set(plan.instruments) <= set(ROLES)
    assert all(isinstance(p, int) and 0 <= p <= 127 for p in plan.instruments.values())
    assert plan.drums is None or plan.drums in GROOVES
    assert plan.drum_kit in (0, 8, 16, 24, 25, 32, 40, 48)
    assert 0 <= plan.swing <= 0.5 and 0 <= plan.energy <= 1 and -1 <= plan.brightness <= 1
    assert 0 <= plan.reverb <= 1 and 0 <= plan.keep_original <= 1 and 0 <= plan.vocal_reverb <= 1
    assert all(e.kind in EFFECT_KINDS for e in plan.effects)
    assert 4 <= len(plan.palette) <= 6 and all(len(c) == 7 and c.startswith("#") for c in plan.palette)
    assert plan.understood and plan.summary
    assert plan.beats_per_bar in (3, 4)
    assert plan.drums is None or (plan.drums in GROOVES_IN_THREE) == (plan.beats_per_bar == 3)
    assert set(plan.levels) <= set(ROLES) | {"drums", "vocals"}
    assert all(abs(db) <= MAX_LEVEL_DB for db in plan.levels.values())
    json.dumps(plan.to_dict())


@pytest.mark.parametrize("prompt, adds, removes", [
    ("rock without guitar but more guitar", True, False),
    ("rock with piano, actually no piano", False, True),
])
def test_the_later_word_about_an_instrument_wins(prompt, adds, removes):
    plan = interpret(prompt)
    added = any(line.startswith("Adds:") for line in plan.understood)
    removed = any(line.startswith("Removes:") for line in plan.understood)
    assert (added, removed) == (adds, removes), plan.understood


@pytest.mark.parametrize("prompt", ["hip hop", "boom bap", "reggae", "roots reggae"])
def test_hip_hop_and_reggae_play_a_drum_machine_and_hip_hop_an_808_bass(prompt):
    from remixes.engine.vocabulary import Kit, Program

    plan = interpret(prompt)
    assert plan.drum_kit == Kit.TR_808
    if plan.style == "hiphop":
        assert plan.instruments["bass"] == Program.SYNTH_BASS_1


@pytest.mark.parametrize("prompt, style, only, instruments, drums, vocals", [
    ("only drums and bass", "pop", ("drums", "bass"), {"bass"}, True, False),
    ("just drums and bass", "pop", ("drums", "bass"), {"bass"}, True, False),
    ("drums and bass only", "pop", ("drums", "bass"), {"bass"}, True, False),
    ("strip it down to piano and vocals", "piano_ballad", ("chords", "vocals"), {"chords"}, False, True),
    ("only piano", "piano_ballad", ("chords",), {"chords"}, False, False),
    ("piano only", "piano_ballad", ("chords",), {"chords"}, False, False),
    ("nothing but strings", "classical", ("strings",), {"strings"}, False, False),
    ("lo-fi with just piano", "lofi", ("chords",), {"chords"}, False, False),
    ("jazz, piano only, slower", "jazz", ("chords",), {"chords"}, False, False),
    ("no drums, only bass and guitar", "pop", ("bass", "guitar"), {"bass", "guitar"}, False, False),
])
def test_only_keeps_the_parts_named_and_leaves_out_the_rest(prompt, style, only, instruments, drums, vocals):
    """Before, "only drums and bass" read as "Adds: bass" over the whole band and "strip it down to piano and
    vocals" as "Removes: piano, vocals"."""
    plan = interpret(prompt)
    assert (plan.style, plan.only, set(plan.instruments), bool(plan.drums), plan.keep_vocals) == (
        style, only, instruments, drums, vocals)
    assert any(line.startswith("Only: ") for line in plan.understood) and "only " in plan.summary
    assert not any(line.startswith("Removes: piano") for line in plan.understood)


@pytest.mark.parametrize("prompt", ["just a little slower", "only lo-fi vibes", "lofi with more piano",
                                    "just make it jazzy", "keep only the vocals"])
def test_only_and_just_leave_feelings_genres_and_other_cues_alone(prompt):
    plan = interpret(prompt)
    assert plan.only == () and not any(line.startswith("Only: ") for line in plan.understood)
    assert plan == interpret(prompt.replace("just ", "").replace("only ", "")) or plan.style == "acappella"


def test_only_is_kept_through_the_plans_json():
    from remixes.engine.style import StylePlan

    plan = interpret("only drums and bass")
    assert StylePlan.from_dict(plan.to_dict()) == plan and plan.to_dict()["only"] == ["drums", "bass"]


@pytest.mark.parametrize("prompt, added, removed", [
    ("replace the guitar with a piano", "piano", "guitar"),
    ("swap the guitars for synths", "synth", "guitar"),
    ("change the guitar to violin", "violin", "guitar"),
    ("piano instead of guitar", "piano", "guitar"),
    ("rock with piano rather than guitar", "piano", "guitar"),
])
def test_a_swap_removes_one_part_and_adds_the_other(prompt, added, removed):
    """Before, "replace the guitar with a piano" added both."""
    plan = interpret(prompt)
    assert f"Adds: {added}" in plan.understood and f"Removes: {removed}" in plan.understood


@pytest.mark.parametrize("prompt, only", [
    ("keep the drums but remove everything else", ("drums",)),
    ("keep the vocals, drop the rest", ("vocals",)),
    ("mute everything but the vocals", ("vocals",)),
    ("remove everything except bass and drums", ("bass", "drums")),
])
def test_removing_everything_else_keeps_the_parts_named_alone(prompt, only):
    assert interpret(prompt).only == only


def test_everything_but_alone_removes_what_it_names_and_connectors_alone_ask_nothing():
    assert "Removes: drums" in interpret("everything but the drums").understood
    assert interpret("change the key to minor").mode == "minor"
    for prompt in ("lo-fi beats to study to", "make it jazz for a party", "switch it up"):
        plan = interpret(prompt)
        assert plan.only == () and not any(line.startswith(("Adds", "Removes")) for line in plan.understood)


def test_a_plural_of_a_two_word_instrument_is_that_instrument():
    """Before, "no electric guitars" read "electric" as "electronic", refused EDM and added a guitar."""
    assert interpret("acoustic version, no electric guitars").understood[1:] == ("Removes: electric guitar",)
    assert interpret("techno with grand pianos").instruments["chords"] == 0


def test_a_later_word_about_the_drums_wins():
    assert interpret("no drums, more drums").understood[1:] == ("Adds: drums",)
    assert interpret("with drums, no drums").understood[1:] == ("Removes: drums",)


@pytest.mark.parametrize("prompt, factor", [("speed it up by 20%", 1.2), ("make it 20% faster", 1.2),
                                            ("lofi, 10 percent slower", 0.9), ("slow it down by 25 %", 0.75),
                                            ("150% faster", 2.0)])
def test_a_tempo_change_in_percent_is_that_much(prompt, factor):
    """Before, "20% faster" was the word "faster" alone (x1.15) and "20" was left unread."""
    plan = interpret(prompt)
    assert plan.tempo_factor == pytest.approx(factor) and plan.ignored_words == ()


def test_a_level_word_a_few_words_after_its_part_still_reaches_it():
    plan = interpret("I want the singer to be louder")
    assert plan.levels == {"vocals": 6.0} and plan.style == "pop"


def test_a_swap_verb_without_a_second_part_takes_nothing_out():
    for prompt in ("switch up the drums", "change the drums"):
        plan = interpret(prompt)
        assert plan.drums and "Removes: drums" not in plan.understood


def test_drums_swapped_for_a_genre_play_that_genres_drums():
    plan = interpret("change the drums to a trap beat")
    assert (plan.style, plan.drums) == ("trap", "trap") and "Removes: drums" not in plan.understood


@pytest.mark.parametrize("prompt, style", [("make it sound like a 90s boy band", "pop"), ("girl group", "pop"),
                                           ("daycore", "pop")])  # (the song itself, slowed: as_is)
def test_band_kinds_and_daycore_are_read(prompt, style):
    """Before, "boy band" read as the voice option's "boy" and "daycore" was left unread."""
    plan = interpret(prompt)
    assert plan.style == style and plan.ignored_words == ()
    assert not any(line.startswith("Voice:") for line in plan.understood)


@pytest.mark.parametrize("prompt, factor", [("make it twice as fast", 2.0), ("double the tempo", 2.0),
                                            ("double speed", 2.0), ("half the speed", 0.5), ("half speed", 0.5)])
def test_twice_and_half_the_speed_are_that(prompt, factor):
    """Before, "half the speed" read "speed" as "speedy" and made it faster (x1.15); "twice" was unread."""
    plan = interpret(prompt)
    assert plan.tempo_factor == factor and plan.ignored_words == ()
    assert interpret("half time").tempo_factor == 1.0  # a groove, not a tempo


@pytest.mark.parametrize("prompt", ["keep it the same tempo", "same tempo but jazzier", "dont change the tempo",
                                    "don't change the tempo, make it metal", "techno, same speed"])
def test_the_same_tempo_is_the_songs_own_whatever_the_style(prompt):
    from remixes.engine.arrange import choose_timing

    plan = interpret(prompt)
    assert "Tempo: the song's own (not changed)" in plan.understood
    assert choose_timing(plan, 97.0, 180.0).rate == 1.0 and choose_timing(plan, 173.0, 180.0).rate == 1.0


def test_comparatives_of_genre_adjectives_name_the_genre():
    assert [interpret(p).style for p in ("jazzier", "funkier", "rockier", "bluesier", "poppier", "folkier")] == [
        "jazz", "funk", "rock", "blues", "pop", "acoustic"]


@pytest.mark.parametrize("prompt, expected", [
    ("not so much bass", "Softer: bass (-6 dB)"),             # was "Removes: bass"
    ("too much bass, tone it down", "Softer: bass (-6 dB)"),  # was "Adds: bass"
    ("the drums are too loud", "Softer: drums (-6 dB)"),      # was an energetic EDM remix
    ("the vocals are too quiet", "Louder: vocals (+6 dB)"),   # was a soft piano ballad
    ("no more drums", "Removes: drums"),                      # was "Louder: drums"
    ("turn the guitar off", "Removes: guitar"),               # was "Adds: guitar"
    ("drums off", "Removes: drums"),
    ("silence the guitars", "Removes: guitar"),               # was "Adds: guitar"
    ("stop the drums", "Removes: drums"),
    ("make it less rock and more pop", "Not: Rock"),          # was rock with pop blended in
])
def test_prompts_that_read_as_their_opposite_before(prompt, expected):
    assert expected in interpret(prompt).understood


def test_kick_off_takes_no_drum_out():
    plan = interpret("kick off with piano")  # (an overdub: the song's own drums play on)
    assert (plan.drums or "drums" in plan.own_parts) and "Adds: piano" in plan.understood and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, part", [
    ("make the chorus bigger", "the chorus"), ("bigger drums in the chorus", "the chorus"),
    ("make the drop hit harder", "the drop"), ("no drums in the verse", "the verse"),
    ("softer verses", "verses"), ("pop with a catchy chorus", "chorus"),  # (the chorus effect before)
])
def test_a_part_of_the_song_is_named_in_the_plan_not_read_as_an_effect_or_a_removal(prompt, part):
    """"make the chorus bigger" added the chorus effect; "make the drop hit harder" read "drop" as a removal. The
    plan says which part was named and what changes there (the rest of the song keeps its drums)."""
    plan = interpret(prompt)
    assert "chorus" not in {e.kind for e in plan.effects} - {e.kind for e in interpret("").effects}
    assert any(line.startswith("Song part: ") and f"\u201c{part}\u201d" in line for line in plan.understood)
    assert not any(line.startswith("Adds: chorus") for line in plan.understood)
    assert plan.removed == () and plan.drums and [change.words for change in plan.sections] == [part]


def test_no_reverb_on_the_vocals_keeps_the_vocals_dry():
    """It was "Removes: reverb, vocals": the vocals went."""
    plan, plain = interpret("pop, no reverb on the vocals"), interpret("pop")
    assert plan.keep_vocals and plan.vocal_reverb == 0.0 and plan.reverb == plain.reverb
    assert "Removes: vocal reverb" in plan.understood
    assert interpret("pop, more reverb on the vocals").vocal_reverb > plain.vocal_reverb
    assert interpret("pop, more reverb on the vocals").reverb == plain.reverb


def test_but_not_too_asks_a_little_of_what_was_asked():
    """"slower but not too slow" was "Not slower: a little faster instead" beside "slower"."""
    slower, some = interpret("slower").tempo_factor, interpret("slower but not too slow")
    assert slower < some.tempo_factor < 1.0 and not any(line.startswith("Not ") for line in some.understood)
    assert 1.0 < interpret("faster, but not too fast").tempo_factor < interpret("faster").tempo_factor
    assert interpret("rock but not too fast").tempo_factor < 1.0  # nothing asked before: a "not", as it was


@pytest.mark.parametrize("prompt, expected, not_expected", [
    ("crank the bass", "Louder: bass (+6 dB)", "Adds: bass"),
    ("sung by a woman", "Voice: female (the gender option, when the request gives one, wins)",
     "Read \u201csung\u201d as \u201cswung\u201d."),
    ("lower the key by two semitones", "Key: the whole mix moved -2 semitones (its tempo kept)", None),
    ("transpose it up", "Key: the whole mix moved +2 semitones (its tempo kept)", None),
    ("don't change the vocals", "Keeps: vocals", "Removes: vocals"),      # removed the vocals
    ("no new instruments", None, "Removes: vocals"),  # "instruments" was guessed as "instrumental": no vocals
    ("radio edit", "Feel: clean", "Feel: radio"),     # a mix for the radio, not the sound of an old one
    ("guitar louder than the piano", "Louder: guitar (+6 dB)", "Louder: piano (+6 dB)"),  # was the piano, louder
    ("no music just vocals", "Style: A cappella", "Not: A cappella"),                   # refused the a cappella
])
def test_everyday_requests_read_as_they_mean(prompt, expected, not_expected):
    understood = interpret(prompt).understood
    assert (expected is None or expected in understood) and not_expected not in understood


@pytest.mark.parametrize("prompt, style, artist", [
    ("in the style of daft punk", "house", "daft punk"),      # was Punk
    ("like a beatles song", "rock", "beatles"),               # was Pop, "beatles" read as "beats"
    ("make it sound like taylor swift", "pop", "taylor swift"),
    ("bob marley vibes", "reggae", "bob marley"),
])
def test_an_artist_suggests_their_style(prompt, style, artist):
    plan = interpret(prompt)
    assert plan.style == style and plan.understood[0].endswith(f"(\u201c{artist}\u201d suggests it)")
    assert not any(line.startswith("Read ") for line in plan.understood)


@pytest.mark.parametrize("prompt, style", [("happy hardcore", "edm"),   # was Punk ("hardcore")
                                           ("acid jazz", "jazz"),        # was Jazz with Techno blended in ("acid")
                                           ("indie", "rock")])           # was "No style recognised"
def test_genre_names_read_as_their_genre(prompt, style):
    plan = interpret(prompt)
    assert plan.style == style and plan.understood == (f"Style: {plan.style_name}",)


def test_a_genre_named_beside_an_artist_is_asked():
    """"this metallica song as a lullaby": the artist is the song's; the lullaby is asked, with no metal in it."""
    plan = interpret("turn this metallica song into a lullaby")
    assert plan.style == "lullaby" and plan.understood == ("Style: Lullaby",)


@pytest.mark.parametrize("prompt", ["add some chorus", "add the chorus effect", "add a chorus effect to the guitar"])
def test_the_chorus_effect_is_still_the_effect(prompt):
    plan = interpret(prompt)
    assert "chorus" in {e.kind for e in plan.effects} | {e.kind for e in plan.part_effects.get("guitar", ())}
    assert not any(line.startswith("Song part: ") for line in plan.understood)


@pytest.mark.parametrize("prompt, word", [("a longer drum fill", "longer"), ("busier drums", "busier"),
                                          ("tighter drums", "tighter"), ("a concert piano", "concert"),
                                          ("video game final battle", "final"), ("pool party", "pool"),
                                          ("k-pop style with a rap break", "break"), ("the high notes", "high"),
                                          ("a single guitar", "single"), ("a bad mix", "bad"),
                                          ("move it along", "move"), ("small amps", "small")])
def test_common_words_are_not_guessed_as_vocabulary_they_do_not_mean(prompt, word):
    """Before, "make it longer" was a bossa nova ("longer" read as "lounge"; it is now a longer version, said not
    to be made)."""
    plan = interpret(prompt)
    assert word in plan.ignored_words and not any(line.startswith("Read ") for line in plan.understood)


@pytest.mark.parametrize("prompt, level", [
    ("vocals in front", ("vocals", 6.0)), ("put the vocals up front", ("vocals", 6.0)),
    ("drums in the background", ("drums", -6.0)), ("guitar further back", ("guitar", -6.0)),
])
def test_a_place_in_the_mix_after_a_part_is_its_level(prompt, level):
    """Before, "front" and "background" were unread."""
    plan = interpret(prompt)
    assert plan.levels == dict([level]) and plan.ignored_words == ()
    assert interpret("lofi to study to, in the background").levels == {}  # no part before it: nothing


@pytest.mark.parametrize("prompt, factor", [("make it 20% faster", 1.2), ("twice as fast", 2.0),
                                            ("half the speed", 0.5), ("pop, 10 percent slower", 0.9)])
def test_a_tempo_asked_in_numbers_is_not_held_back_by_the_styles_range(prompt, factor):
    """A 143.5 bpm song made "20% faster" as Pop (95-125 bpm x 1.2) came out at 150 bpm, 4.5 % faster."""
    from remixes.engine.arrange import choose_timing

    for source in (80.0, 143.5):
        assert choose_timing(interpret(prompt), source, 60.0).rate == pytest.approx(factor)


def test_the_plan_names_the_instruments_taken_out():
    from remixes.engine.style import StylePlan

    assert interpret("rock, no guitar").removed == ("guitar",)
    assert interpret("no guitar, more guitar").removed == () and interpret("no drums").removed == ()
    plan = interpret("replace the guitar with a piano")
    assert plan.removed == ("guitar",) and StylePlan.from_dict(plan.to_dict()) == plan


# prompt -> (section, which, target, dB or None: left out, plays there only), one per change, in order
@pytest.mark.parametrize("prompt, changes", [
    ("no drums in the verse", [("verse", "every", "drums", None, False)]),
    ("drop the drums in the intro", [("intro", "every", "drums", None, False)]),
    ("no drums or bass in the intro",
     [("intro", "every", "drums", None, False), ("intro", "every", "bass", None, False)]),
    ("louder drums in the chorus", [("chorus", "every", "drums", 6.0, False)]),
    ("make the drums a bit louder in the chorus", [("chorus", "every", "drums", 3.0, False)]),
    ("more bass in the choruses and a slower tempo", [("chorus", "every", "bass", 6.0, False)]),
    ("a bit less vocals in the chorus", [("chorus", "every", "vocals", -3.0, False)]),
    ("make the intro instrumental", [("intro", "every", "vocals", None, False)]),
    ("remove the vocals from the intro", [("intro", "every", "vocals", None, False)]),
    ("no vocals in the first verse", [("verse", "first", "vocals", None, False)]),
    ("add strings in the chorus", [("chorus", "every", "strings", 0.0, True)]),
    ("in the chorus add a piano", [("chorus", "every", "piano", 4.0, False)]),  # Pop's chords are a piano
    ("ambient, add drums only in the chorus", [("chorus", "every", "drums", 0.0, True)]),
    ("make the chorus bigger", [("chorus", "every", "mix", 4.0, False)]),
    ("a bigger chorus", [("chorus", "every", "mix", 4.0, False)]),
    ("make the drop hit harder", [("chorus", "every", "mix", 4.0, False)]),
    ("the chorus should be louder", [("chorus", "every", "mix", 4.0, False)]),
    ("make the last chorus much louder", [("chorus", "last", "mix", 6.0, False)]),
    ("softer verses", [("verse", "every", "mix", -4.0, False)]),
    ("make the verse more chill and the chorus more energetic",
     [("verse", "every", "mix", -4.0, False), ("chorus", "every", "mix", 4.0, False)]),
    ("double the drums in the chorus", [("chorus", "every", "drums", 6.0, False)]),
    ("add drums in the chorus", [("chorus", "every", "drums", 4.0, False)]),
    ("just drums in the intro", [("intro", "every", "drums", 0.0, False)]),  # alone there (below)
    ("lofi, add a shaker in the chorus", [("chorus", "every", "shaker", 0.0, True)]),
    ("lofi, no drums in the verse, add strings in the chorus",
     [("verse", "every", "drums", None, False), ("chorus", "every", "strings", 0.0, True)]),
    ("bigger drums in the chorus", [("chorus", "every", "drums", 6.0, False)]),
    ("drums kick in at the chorus", [("chorus", "before", "drums", None, False)]),
    ("quiet intro, loud chorus", [("intro", "every", "mix", -4.0, False), ("chorus", "every", "mix", 4.0, False)]),
    ("lofi, no drums in the intro and outro",
     [("intro", "every", "drums", None, False), ("outro", "every", "drums", None, False)]),
    ("make the verses and choruses louder",
     [("chorus", "every", "mix", 4.0, False), ("verse", "every", "mix", 4.0, False)]),
    ("the verse and then a bigger chorus", [("chorus", "every", "mix", 4.0, False)]),
    ("put the bass up in the drop", [("chorus", "every", "bass", 6.0, False)]),
    ("drums only in the second half", [("second_half", "every", "drums", 0.0, True)]),  # restricted there
    ("hi hats only in the chorus", [("chorus", "every", "hats", 0.0, True)]),
    ("no drums in the second verse", [("verse", "2", "drums", None, False)]),
    ("lofi, no drums in the first half", [("first_half", "every", "drums", None, False)]),
    ("at the start no drums", [("start", "every", "drums", None, False)]),
    ("no drums after the chorus", [("chorus", "after", "drums", None, False)]),
    ("no drums until the chorus", [("chorus", "before", "drums", None, False)]),
    ("no vocals before the last chorus", [("chorus", "before_last", "vocals", None, False)]),
    ("softer before the drop", [("chorus", "before", "mix", -4.0, False)]),
    ("no drums in the intro and after the last chorus",
     [("intro", "every", "drums", None, False), ("chorus", "after_last", "drums", None, False)]),
])
def test_a_change_said_of_a_part_of_the_song_is_made_there_only(prompt, changes):
    """"no drums in the verse" took the drums out of the whole song; "make the chorus bigger" made the whole song
    cinematic; "make the intro instrumental" dropped the vocal everywhere. Now each is a change in that part of
    the song (StylePlan.sections), and nothing of it reaches the rest: no removal, level, feeling or style."""
    plan = interpret(prompt)
    assert [(c.section, c.which, c.target, c.db, c.only_there) for c in plan.sections] == changes
    alone = interpret(prompt.split(",")[0]) if "," in prompt else interpret("")
    assert plan.removed == () and plan.keep_vocals and plan.drums
    assert plan.levels == {} and not set(plan.modifiers) & {"epic", "heavy", "energetic", "soft", "chill"}
    if not any(only_there for *_, only_there in changes):
        assert plan.instruments == alone.instruments and plan.style == alone.style
    said = [line for line in plan.understood if line.startswith("Song part: ") and "whole song" not in line]
    assert len(said) == len(changes)


@pytest.mark.parametrize("prompt, changes", [
    # a part coming in: left out before that part of the song, or up to its end ("after")
    ("rock, drums come in at the chorus", [("chorus", "before", "drums", None)]),
    ("rock, the drums start at the first chorus", [("chorus", "before", "drums", None)]),
    ("rock, bring in the drums at the second verse", [("verse", "before_2", "drums", None)]),
    ("rock, the drums and bass come in after the intro",
     [("intro", "through", "drums", None), ("intro", "through", "bass", None)]),
    ("rock, no drums until after the intro", [("intro", "through", "drums", None)]),
    ("rock, intro with piano, then the drums kick in at the chorus",
     [("intro", "every", "piano", 4.0), ("chorus", "before", "drums", None)]),
    # going out: left out there, from its start on, or after its end
    ("rock, the guitar drops out in the verse", [("verse", "every", "guitar", None)]),
    ("rock, the drums drop out at the last chorus", [("chorus", "from_last", "drums", None)]),
    ("rock, the drums stop at the last chorus", [("chorus", "from_last", "drums", None)]),
    ("rock, no vocals after the second chorus", [("chorus", "after_2", "vocals", None)]),
    ("rock, drums only from the chorus on", [("chorus", "before", "drums", None)]),
    # fading in over the first seconds, out over the last
    ("rock, fade in the drums", [("fade_in", "8s", "drums", None)]),
    ("rock, let the drums come in slowly", [("fade_in", "8s", "drums", None)]),
    ("rock, slowly bring in the drums at the start", [("fade_in", "8s", "drums", None)]),
    ("rock, fade in the drums over 20 seconds", [("fade_in", "20s", "drums", None)]),
    ("rock, fade the guitar in over 4 bars", [("fade_in", "4bars", "guitar", None)]),
    ("rock, fade out the vocals at the end", [("fade_out", "8s", "vocals", None)]),
    ("rock, the vocals fade out", [("fade_out", "8s", "vocals", None)]),
])
def test_a_part_coming_in_going_out_or_fading_in_or_out(prompt, changes):
    """"drums come in at the chorus" kept the drums to the choruses, "the drums stop at the last chorus" turned them
    up there, "the drums start at the first chorus" cut the version to start there, "fade in the drums" was not
    read at all and "let the drums come in slowly" slowed the song. Each is now the part left out before or after
    that part of the song, or its level rising over the first seconds (falling over the last); none is a tempo, a
    length, a level or the whole version's fade."""
    plan = interpret(prompt)
    assert [(c.section, c.which, c.target, c.db) for c in plan.sections] == changes
    assert plan.tempo_factor == 1.0 and plan.start == "" and plan.fade_in == plan.fade_out == 0.0
    assert plan.levels == {} and plan.ignored_words == ()
    said = [line for line in plan.understood if line.startswith("Song part: ")]
    assert len(said) == len(changes)
    fades = [line for line in said if "fade" in line]
    assert all(("over the first" in line) == ("fade in" in line) for line in fades)


@pytest.mark.parametrize("prompt, change", [
    ("make the middle part quieter", ("middle", "mix", -4.0, False)),  # was a soft Piano ballad, "middle" unread
    ("add a guitar in the middle", ("middle", "guitar", 4.0, False)),
    ("add a sax solo at the end", ("end", "saxophone", 0.0, True)),  # was added to the whole song
    ("add a guitar solo in the chorus", ("chorus", "guitar", 4.0, False)),  # Pop plays a guitar: louder there
    ("no drums in the chorus section", ("chorus", "drums", None, False)),  # was "not told apart in the song"
])
def test_the_middle_a_solo_and_a_section_said_with_section_are_parts_of_the_song(prompt, change):
    plan = interpret(prompt)
    assert [(c.section, c.target, c.db, c.only_there) for c in plan.sections] == [change]
    assert plan.ignored_words == () and not any("alike" in line for line in plan.understood)
    assert interpret("make it sound like the middle east").style == "arabic"


@pytest.mark.parametrize("prompt, asked", [("make it sound happier but keep the sad lyrics", "happy"),
                                           ("dark lyrics over a happy beat", "happy")])
def test_a_feeling_of_the_songs_words_is_not_asked_of_the_remix(prompt, asked):
    """"keep the sad lyrics" made a remix asked to be happier sad, in minor."""
    plan = interpret(prompt)
    assert plan.modifiers == (asked,) and plan.mode == "major"


@pytest.mark.parametrize("prompt, style_id", [
    ("soft acoustic guitar with light percussion", "acoustic"),  # was a Piano ballad ("soft")
    ("piano and strings", "piano_ballad"), ("violin", "classical"), ("saxophone", "jazz"),  # were Pop
    ("a chill song with piano", "lofi"),  # a part added to a feeling: the feeling's
    ("a guitar solo with distortion", "pop"), ("put the guitar through a phaser", "pop"),  # a solo, an effect
    ("pan the guitar left", "pop"),  # a word before the part that is no description
])
def test_a_prompt_that_describes_its_band_suggests_the_style_of_its_first_part(prompt, style_id):
    assert interpret(prompt).style == style_id


@pytest.mark.parametrize("prompt, only", [("piano and vocals only", ("chords", "vocals")),
                                          ("guitar and vocals only", ("guitar", "vocals")),
                                          ("strip it back to just vocals and guitar", ("guitar", "vocals"))])
def test_a_part_and_vocals_only_is_that_part_and_the_vocals_not_a_cappella(prompt, only):
    """"vocals only" named A cappella before the part, which was then added to the voices."""
    plan = interpret(prompt)
    assert plan.only == only and plan.style != "acappella" and plan.keep_vocals


@pytest.mark.parametrize("prompt, read", [
    ("a darker, moodier version with more bass", "Feel: darker"), ("make it sound like a live concert in a stadium",
                                                                   "Feel: spacious"),
    ("club mix", "Style: EDM"), ("80s synthpop with gated reverb drums", "Reverb on the drums (that part alone)"),
    ("make it sound like a phone call", "Feel: radio"), ("a violin carrying the melody", "Adds: violin"),
    ("make it sound like an old record player", "Adds: vinyl"), ("a version for a yoga class", "Style: Ambient"),
    ("make it sound like a coffee shop", "Tempo: slower (x0.93)"), ("berlin", "Style: Techno (“berlin” suggests it)"),
    ("make it explode at the chorus", "Song part: “the chorus”: bigger: the band +4 dB there (the vocal +2 dB)"),
    ("make it build up slowly", "Build-ups: a snare roll and a noise riser rising into each chorus"),  # not slower
    ("a slow build into the chorus", "Build-ups: a snare roll and a noise riser rising into each chorus"),
    ("make it sound like two songs mashed together", "Not possible: a mashup needs a second song, and a remix takes "
                                                     "one: this one is remixed alone"),
    ("make the song loop seamlessly", "Not possible: a seamless loop is not made: the version ends as a song does "
                                      "(\u201cloop the chorus\u201d plays it again)"),
    ("a slowed down, reverb heavy version", "Adds: reverb"),  # was a Rock remix ("heavy")
    ("the bass is muddy", "Feel: less low end"),  # was more bass ("muddy")
    ("the mix is harsh", "Feel: less treble"),
    ("remove the background noise", "Not possible: noise is not removed: the song's own recording is kept as it "
                                    "was made"),
    ("trap remix with 808s and hi hat rolls", "Adds: 808, hi hat rolls groove"),
    ("afro house", "Style: House"), ("turn it into a musical theatre number", "Style: Cinematic / orchestral"),
    ("make it louder overall", "Feel: a louder master (-10 LUFS)"),  # (was EDM)
    ("normalize the volume", "Feel: remastered"),  # (was EDM)
    ("compress it more", "Adds: compressor"), ("no autotune", "Vocal: as it is sung (no pitch correction)"),
    ("add some percussion", "Adds: shaker, tambourine"),  # (nothing was heard: the drums the style has)
    ("sing it higher", "Voice: female (the gender option, when the request gives one, wins)"),
    ("operatic vocals", "Style: Classical"),
    ("rap the lyrics", "Not possible: the lyrics are sung, not rapped: a hip-hop remix is made"),
    ("make it sound like the end credits of a movie", "Style: Cinematic / orchestral"),  # ("the end" unsaid)
    ("make it sound futuristic", "Style: EDM"), ("rock with wah guitar", "Phaser on the guitar (that part alone)"),
    ("make it a reggae version with offbeat guitar skanks", "Style: Reggae"), ("lo-fi and dusty", "Feel: vintage"),
    ("make it sound like a jazz trio", "Style: Jazz"), ("make it a slow dance", "Style: R&B / soul"),  # (was EDM)
    ("swing version", "Style: Jazz"), ("melodic techno", "Style: Techno"), ("uk drill", "Style: Trap"),
])
def test_words_that_were_left_unread(prompt, read):
    plan = interpret(prompt)
    assert read in plan.understood and plan.ignored_words == ()


def test_a_guitar_solo_is_an_electric_lead():
    from remixes.engine.vocabulary import P

    assert interpret("add a guitar solo").instruments["lead"] == P.OVERDRIVEN_GUITAR  # (was the steel-string strum)
    assert interpret("lofi guitar solo").instruments["lead"] == P.CLEAN_GUITAR  # (a calm style: clean)
    assert interpret("acoustic guitar solo").instruments["lead"] == P.STEEL_GUITAR  # (as named)


def test_a_part_playing_the_melody_takes_the_lead():
    """"a piano playing the melody": the piano plays the song's melody (the lead), not only its chords."""
    from remixes.engine.vocabulary import P

    assert interpret("rock, a piano playing the melody").instruments["lead"] == P.ACOUSTIC_GRAND_PIANO
    assert "lead" not in interpret("rock with piano").instruments


@pytest.mark.parametrize("prompt, section, target", [
    ("a piano intro", "intro", "piano"), ("end with a piano outro", "outro", "piano"),  # was piano +4 dB there
    ("start with a piano intro", "intro", "piano"), ("rock, a drum intro", "intro", "drums")])
def test_a_parts_intro_or_outro_is_that_part_alone_there(prompt, section, target):
    plan = interpret(prompt)
    assert [(c.section, c.target, c.alone) for c in plan.sections] == [(section, target, True)]
    assert not any("alike" in line for line in plan.understood)


@pytest.mark.parametrize("prompt, section", [
    ("start quiet and get louder", "fade_in"), ("gradually get louder", "fade_in"), ("a crescendo", "fade_in"),
    ("lofi, get louder and louder", "fade_in"), ("start loud and get quieter", "fade_out"),
    ("decrescendo", "fade_out")])
def test_the_whole_song_getting_louder_or_quieter_is_a_swell_over_half_of_it(prompt, section):
    """"start quiet and get louder" was a soft Piano ballad made energetic; "a crescendo" was unread."""
    plan = interpret(prompt)
    assert [(c.section, c.which, c.target, c.db) for c in plan.sections] == [(section, "half", "mix", SWELL_DB)]
    assert plan.modifiers == () and plan.ignored_words == () and plan.as_is == ("lofi" not in prompt)


def test_a_part_in_the_chorus_only_is_there_and_the_version_is_not_cut_to_the_chorus():
    plan = interpret("distorted guitar in the chorus only")  # was cut to its first chorus
    assert plan.start == plan.end == "" and [(c.section, c.only_there) for c in plan.sections] == [("chorus", True)]
    assert interpret("autotune the chorus only").end == ""  # (said of the chorus: the autotune is the whole song's)
    for cut in ("rock, chorus only", "lofi just the chorus", "i want just the chorus", "keep only the chorus"):
        assert interpret(cut).end == "after_chorus", cut


@pytest.mark.parametrize("prompt, target, kinds, reverb", [
    ("reverb only on the chorus", "mix", [], 0.3), ("more reverb in the last chorus", "mix", [], 0.45),
    ("delay on the vocals in the chorus", "vocals", ["delay"], 0.0), ("make the vocals echo at the end", "vocals",
                                                                        ["delay"], 0.0),
    ("lofi, bitcrush the last chorus", "mix", ["bitcrush"], 0.0),
    ("in the chorus add a phaser", "mix", ["phaser"], 0.0),
    # a feeling that is a sound: its filters and room there ("radio": a 300 Hz highpass, a 3.4 kHz lowpass)
    ("make the verse sound like a radio", "mix", ["highpass", "lowpass"], 0.0),
    ("put a telephone effect on the intro", "mix", ["highpass", "lowpass"], 0.0),
    ("an underwater intro", "mix", ["lowpass"], 0.2),
])
def test_an_effect_said_of_a_part_of_the_song_is_there_alone(prompt, target, kinds, reverb):
    """"reverb only on the chorus", "delay on the vocals in the chorus" put the effect on the whole song ("the remix
    changes the whole song alike"): now there alone, on the whole song there or on its vocal."""
    plan = interpret(prompt)
    assert [(c.target, [e.kind for e in c.effects], c.reverb) for c in plan.sections] == [(target, kinds, reverb)]
    if "," in prompt:
        alone = interpret(prompt.split(",")[0])
        assert plan.effects == alone.effects and plan.reverb == alone.reverb and plan.vocal_effects == ()
    else:  # the song as it is, that effect there alone
        assert plan.effects == plan.vocal_effects == () and plan.reverb == 0.0
    assert plan.as_is == ("lofi" not in prompt) and not any("alike" in line for line in plan.understood)
    assert StylePlan.from_dict(plan.to_dict()) == plan


@pytest.mark.parametrize("prompt, changes", [
    ("louder drums in the chorus and softer in the verse", [("chorus", "drums", 6.0), ("verse", "drums", -6.0)]),
    ("more guitar in the chorus and less in the verse", [("chorus", "guitar", 6.0), ("verse", "guitar", -6.0)]),
    ("no drums in the intro but louder in the chorus", [("intro", "drums", None), ("chorus", "drums", 6.0)]),
    # its own part of the song, or after a pause: the whole band's there, as before
    ("louder drums in the chorus, softer verses", [("chorus", "drums", 6.0), ("verse", "mix", -4.0)]),
    ("no drums in the verse and a bigger chorus", [("verse", "drums", None), ("chorus", "mix", 4.0)]),
])
def test_a_level_said_of_the_next_part_of_the_song_is_the_same_parts(prompt, changes):
    """"louder drums in the chorus and softer in the verse" made the whole band softer in the verse."""
    plan = interpret(prompt)
    assert [(c.section, c.target, c.db) for c in plan.sections] == changes
    assert plan.modifiers == ()  # (no "soft" feel left over: it was a soft Piano ballad)


@pytest.mark.parametrize("prompt, start, end", [
    ("trim the silence", "after_silence", "before_silence"), ("cut the silence at the start", "after_silence", ""),
    ("remove the long silence at the end", "", "before_silence"),  # were "the start" / "the end" changing nothing
    ("skip the intro and trim the silence at the end", "after_intro", "before_silence")])
def test_the_silence_at_a_songs_start_or_end_is_asked_cut(prompt, start, end):
    plan = interpret(prompt)
    assert (plan.start, plan.end) == (start, end) and plan.as_is and plan.sections == ()
    assert plan.ignored_words == () and sum(line.startswith("Length:") for line in plan.understood) == 1 + (
        start != "" and end != "")


@pytest.mark.parametrize("prompt", ["jazz, don't remove the vocals", "do not remove the guitar",
                                    "please don't take out the piano", "never remove the bass"])
def test_a_removal_refused_keeps_the_part(prompt):
    """"don't remove the vocals" removed them."""
    plan = interpret(prompt)
    assert plan.removed == () and plan.keep_vocals and not any(line.startswith("Removes") for line in plan.understood)


@pytest.mark.parametrize("prompt, own", [("lofi but keep the original drums", ("drums",)),
                                         ("jazz, keep the song's own drums and bass", ("drums", "bass")),
                                         ("rock but keep the original bass", ("bass",))])
def test_the_songs_own_drums_or_bass_kept_are_its_stems(prompt, own):
    """"keep the original drums" changed nothing (the band's kit played over the song's drums at 8 %)."""
    plan = interpret(prompt)
    assert plan.own_parts == own and plan.removed == () and not any("Adds" in line for line in plan.understood)
    assert StylePlan.from_dict(plan.to_dict()) == plan


@pytest.mark.parametrize("prompt, roles", [
    ("same song but with a saxophone", ["lead"]), ("keep the original song but add strings", ["strings"]),
    ("add a choir to the original", ["pad"]), ("keep the original instrumental but add a choir", ["pad"])])
def test_parts_asked_over_the_song_as_it_is_are_an_overdub(prompt, roles):
    """"same song but with a saxophone" was a Pop remix with a saxophone; "keep the original instrumental but add a
    choir" removed the vocals ("instrumental"). Now the song as it is, its stems whole, and the parts asked alone."""
    plan = interpret(prompt)
    assert sorted(plan.instruments) == roles and plan.drums is None and plan.own_parts == ("accompaniment", "drums",
                                                                                            "bass")
    assert plan.effects == () and plan.reverb == 0.0 and plan.keep_vocals and not plan.as_is
    assert plan.style_name.startswith(AS_IS_NAME + ", with ") and plan.summary.startswith(AS_IS_NAME)
    assert interpret("keep the song as it is").as_is and interpret("same song but faster").as_is
    for added in ("add a saxophone", "add a guitar solo", "add drums"):  # parts added alone: over the song too
        assert interpret(added).own_parts == ("accompaniment", "drums", "bass"), added
    assert interpret("add strings and make it epic").style == "cinematic"  # (a style suggested: a remix)


def test_a_part_coming_in_that_the_style_lacks_is_added_from_there():
    plan = interpret("lofi with a saxophone coming in at the second chorus")
    assert "Adds: saxophone" in plan.understood and plan.instruments["lead"] in range(64, 72)
    assert [(c.section, c.which, c.target) for c in plan.sections] == [("chorus", "before_2", "saxophone")]
    playing = interpret("rock, the guitar comes in at the chorus")
    assert not any(line.startswith("Adds:") for line in playing.understood)


@pytest.mark.parametrize("prompt", ["fade in the drums", "drums come in at the chorus", "fade out the vocals",
                                    "no vocals after the last chorus", "the bass drops out in the verse"])
def test_a_part_of_the_songs_own_stems_changed_in_a_part_of_it_keeps_the_song_as_it_is(prompt):
    """No style named and only the song's own vocal, drums or bass changed in a part of it: the song's stems do it,
    as "no drums" does (it was a Pop remix, "fade out the vocals" took the vocal out of the whole song)."""
    plan = interpret(prompt)
    assert plan.as_is and plan.keep_vocals and len(plan.sections) == 1
    assert not any(line.startswith("Adds:") for line in plan.understood)
    assert not interpret("add strings in the chorus").as_is


def test_a_part_added_in_a_part_of_the_song_is_added_to_the_band():
    plan = interpret("rock, add strings in the chorus")
    assert "strings" in plan.instruments and plan.sections[0].roles == ("strings",)
    assert "Adds: strings" in plan.understood
    assert "Song part: \u201cthe chorus\u201d: strings play there only" in plan.understood


@pytest.mark.parametrize("prompt, said", [
    ("classical, no drums in the verse", "there are no drums in this remix to change there"),
    ("make the chorus rock", "the remix changes the whole song alike"),
    ("make the bridge bigger", "is not told apart in the song"),
    ("add strings in the bridge", "is not told apart in the song"),
    ("rock, keep the drums in the verse", "the remix changes the whole song alike"),
])
def test_what_a_part_of_the_song_cannot_change_is_said(prompt, said):
    plan = interpret(prompt)
    assert plan.sections == ()
    assert any(line.startswith("Song part: ") and said in line for line in plan.understood)


def test_a_plans_changes_in_parts_of_the_song_survive_its_json():
    plan = interpret("pop, no drums in the verse, add strings in the chorus")
    again = StylePlan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan and isinstance(again.sections[0], SectionChange)
    assert StylePlan.from_dict({k: v for k, v in plan.to_dict().items() if k != "sections"}).sections == ()


@pytest.mark.parametrize("prompt, refused", [("jazz, don't add drums", "drums"), ("ambient, no extra drums", "drums"),
                                             ("without adding drums", "drums"), ("rock, do not add a piano", "piano"),
                                             ("lofi, no new bass", "bass")])
def test_a_new_part_refused_is_left_out_of_the_band_and_the_songs_own_stays(prompt, refused):
    """"don't add drums" did nothing (a jazz remix kept its kit), "no extra drums" added drums; then both took the
    song's own drums out too ("Removes: drums"), which a prompt refusing a new part does not ask."""
    plan = interpret(prompt)
    assert not any(line.startswith("Removes") for line in plan.understood) and plan.removed == ()
    assert any(line.startswith(f"No new {refused}: the band plays no") for line in plan.understood)
    if refused in ("drums", "bass"):  # the song's own stem as it is, the band plays none (arrange: `instead`)
        assert plan.own_parts == (refused,)
    else:
        assert "piano" not in plan.instruments.values() and all(p not in range(0, 8) for p in plan.instruments.values())
    assert "Removes: drums" in interpret("jazz, no drums").understood  # (the song's own go too)


@pytest.mark.parametrize("prompt, db", [("boost the mids", 4.0), ("more midrange", 4.0), ("scoop the mids", -4.0),
                                        ("cut the mids", -4.0), ("the guitars sound boxy", -4.0),
                                        ("jazz with less mids", -4.0)])
def test_the_mids_asked_up_or_down_are_a_bell_on_the_mix(prompt, db):
    """"boost the mids", "scoop the mids" were unread ("mids" ignored, a Pop remix made)."""
    plan = interpret(prompt)
    assert [e.params for e in plan.effects if e.kind == "mids"] == [{"db": db}] and plan.ignored_words == ()
    assert plan.as_is == (not prompt.startswith("jazz"))  # a sound's balance alone: the song as it is


@pytest.mark.parametrize("prompt, expected", [
    ("the highs are too loud", ["Feel: less treble"]),             # a soft Piano ballad with more treble
    ("the highs are way too bright", ["Feel: less treble"]),       # darker, in minor, and more treble
    ("the highs are too harsh", ["Feel: less treble"]),            # more treble and less treble
    ("the low end is too much", ["Not bass boosted: less low end instead", "Feel: less low end"]),  # bass boosted
    ("the mids are too quiet", ["Feel: more mids"]),               # an EDM remix
    ("the reverb is too loud", ["Less reverb"]),                   # a soft Piano ballad with reverb added
    ("the treble is too loud and the vocals too quiet", ["Feel: less treble", "Louder: vocals (+6 dB)"]),
])
def test_a_sound_said_to_be_too_loud_or_too_much_is_turned_down(prompt, expected):
    plan = interpret(prompt)
    assert plan.understood[1:] == (*expected,) and plan.as_is


@pytest.mark.parametrize("prompt, style_id", [("make it sound like the 20s", "jazz"), ("1950s", "rock"),
                                              ("make it sound like the 60s", "rnb"), ("70s style", "disco"),
                                              ("nineties", "hiphop"), ("make it retro", "lofi"), ("60s rock", "rock")])
def test_a_decade_named_alone_suggests_its_music(prompt, style_id):
    """"make it sound like the 70s" was a lo-fi hip-hop remix (the vintage feel's style); a genre named still leads."""
    plan = interpret(prompt)
    assert plan.style == style_id and "vintage" in plan.modifiers


@pytest.mark.parametrize("prompt", ["make it sound like it was recorded in the 60s", "like an old recording"])
def test_an_old_recording_is_the_song_on_an_old_record(prompt):
    """Both were lo-fi hip-hop remixes ("old", "60s": the vintage feel; "recording" unread)."""
    plan = interpret(prompt)
    assert plan.as_is and [e.kind for e in plan.effects] == ["vinyl"] and plan.brightness < 0 and not plan.ignored_words


@pytest.mark.parametrize("prompt, tune, harmony, repeat", [
    ("make the singer sing in tune", "autotune", "", 0), ("the vocals are out of tune", "autotune", "", 0),
    ("pitch correct the vocals", "autotune", "", 0), ("layer the vocals", "", "harmony", 0), ("loop it", "", "", 1),
    ("loop it twice", "", "", 2)])
def test_everyday_asks_of_the_vocal_or_the_length_keep_the_song(prompt, tune, harmony, repeat):
    """All were unread (a Pop remix)."""
    plan = interpret(prompt)
    assert plan.as_is and (plan.vocal_tune, plan.vocal_harmony, plan.repeat) == (tune, harmony, repeat)
    assert interpret("slightly out of tune piano").vocal_tune == ""  # (a sound asked of a part, not a correction)


@pytest.mark.parametrize("prompt", ["remove the background noise", "loop it seamlessly",
                                    "mash it up with another song"])
def test_a_prompt_asking_only_what_cannot_be_made_keeps_the_song(prompt):
    """They were Pop remixes beside the note saying what is not possible."""
    plan = interpret(prompt)
    assert plan.as_is and any(line.startswith("Not possible: ") for line in plan.understood)


def test_the_second_take_of_a_song_kept_as_it_is_takes_the_treatment_further():
    from remixes.engine.style import stronger_take

    plan = interpret("add an echo, bitcrush it, make it mono, less treble")
    second, said = stronger_take(plan)
    params = {e.kind: e.params for e in second.effects}
    assert params["delay"]["mix"] > dict((e.kind, e.params) for e in plan.effects)["delay"]["mix"]
    assert params["bitcrush"]["bit_depth"] == 6.0 and params["mono"] == {"amount": 1.0}  # (all or nothing: kept)
    assert second.brightness < plan.brightness < 0 and any(line.startswith("bitcrush (") for line in said)
    assert stronger_take(interpret("lofi with an echo")) == (interpret("lofi with an echo"), [])  # a band: its seed
    assert stronger_take(interpret("nightcore, louder vocals"))[1] == ["brighter (+0.2 -> +0.3)"]
    assert interpret("slowed + reverb").as_is  # (the format: the song itself; it was a lo-fi hip-hop remix)


@pytest.mark.parametrize("prompt, voice, which", [("add harmonies to the chorus", "harmony", "every"),
                                                  ("double the vocals in the last chorus", "double", "last"),
                                                  ("lofi with backing vocals in the chorus", "harmony", "every")])
def test_a_second_voice_asked_in_a_part_of_the_song_sings_there(prompt, voice, which):
    """It was the whole song's, and the plan said "the remix changes the whole song alike"."""
    plan = interpret(prompt)
    assert plan.vocal_harmony == voice and [(c.section, c.which, c.voice) for c in plan.sections] == [
        ("chorus", which, voice)]
    assert not any(line.startswith("Vocal: ") for line in plan.understood) and plan.as_is == (voice == "double" or
                                                                                                prompt[0] == "a")
    assert StylePlan.from_dict(plan.to_dict()) == plan


@pytest.mark.parametrize("prompt, expected", [
    ("fade in slowly", ["Fade in: over the first 8 s"]),  # "slowly" was also a slower tempo
    ("slowly fade out the drums", ["Song part: \u201cfade out\u201d: drums fade out over the last 8 s"]),
    ("dry vocals", ["Removes: vocal reverb"]), ("make the vocals drier", ["Less vocal reverb"]),  # a Pop remix, dry
])
def test_how_a_fade_goes_or_how_dry_the_vocal_is_is_read_so(prompt, expected):
    plan = interpret(prompt)
    assert plan.as_is and list(plan.understood[1:]) == expected and plan.tempo_factor == 1.0


@pytest.mark.parametrize("prompt, style_id, blended", [("please make a version for a kids party", "kids", ()),
                                                       ("for kids", "kids", ()), ("rock for kids", "rock", ("kids",))])
def test_a_song_for_kids_is_a_kids_song(prompt, style_id, blended):
    """"a kids party" was EDM ("party"), "for kids" unread; an audience named beside a genre does not lead."""
    plan = interpret(prompt)
    assert plan.style == style_id and all(any(line.startswith("Blended in: Kids") for line in plan.understood)
                                          for _ in blended)


def test_a_parts_hook_is_its_riff_not_the_songs_chorus():
    """"a synth hook" was "Song part: hook: synth +4 dB there"."""
    plan = interpret("k-pop version with a catchy synth hook")
    assert plan.sections == () and "Adds: synth" in plan.understood
    assert [c.section for c in interpret("louder synths in the hook").sections] == ["chorus"]


@pytest.mark.parametrize("prompt, start, end, max_length", [
    ("make the intro shorter", "half_intro", "", 0.0),  # (the whole song cut to two thirds)
    ("shorten the outro", "", "half_outro", 0.0), ("make it a ringtone", "chorus", "", 30.0),  # (unread)
    ("end with a long fade out", "", "", 0.0)])  # ("the end" was read as a part of the song as well)
def test_a_part_shorter_a_ringtone_or_a_fade_at_the_end_are_read_so(prompt, start, end, max_length):
    plan = interpret(prompt)
    assert (plan.start, plan.end, plan.max_length) == (start, end, max_length) and plan.as_is
    assert not any(line.startswith("Song part") for line in plan.understood)


def test_a_steel_drum_is_the_steel_drums_and_an_instrument_general_midi_lacks_is_said_so():
    """"add a steel drum" added drums ("steel" unread); "add a didgeridoo" was unread (a Pop remix)."""
    assert "Adds: steel drum" in interpret("add a steel drum").understood
    assert interpret("make it sound like a haunted house").style == "cinematic"  # (it was House)
    assert not any(line.startswith("Not possible") for line in interpret("a piano and cello duet").understood)
    assert "lush" in interpret("add more layers").modifiers  # (unread)
    widened = interpret("widen it")  # ("widen" was unread: a Pop remix)
    assert widened.as_is and [e.kind for e in widened.effects] == ["wide"]
    mono_bass = interpret("make the bass mono")  # (the whole song was made mono, in a Pop remix)
    assert mono_bass.as_is and mono_bass.effects == () and mono_bass.understood[-1].startswith("Not possible: one part")
    sung_higher = interpret("sing it an octave higher")  # (the whole mix was moved an octave)
    assert (sung_higher.vocal_pitch, sung_higher.transpose) == (12, 0)
    plan = interpret("add a didgeridoo")
    assert plan.as_is and plan.understood[-1].startswith("Not possible: the band's General MIDI soundfont has no")


@pytest.mark.parametrize("prompt, modifier", [("make it dreamier", "dreamy"), ("make it less boring", "energetic"),
                                              ("beats to relax to", "chill"), ("add more layers", "lush")])
def test_more_feelings_are_read(prompt, modifier):
    plan = interpret(prompt)  # (each word was unread)
    assert modifier in plan.modifiers and plan.ignored_words == ()


@pytest.mark.parametrize("prompt", ["no new lyrics", "no extra vocals", "jazz, don't add vocals"])
def test_no_new_vocals_keeps_the_songs_own(prompt):
    """"no new lyrics" removed the song's vocal."""
    plan = interpret(prompt)
    assert plan.keep_vocals and plan.removed == () and "No new vocals: the song's own vocal is kept" in plan.understood


@pytest.mark.parametrize("prompt, part", [("make the bass hit harder", "bass"), ("make the kick hit harder", "kick"),
                                          ("punchier drums", "drums"), ("bigger drums", "drums")])
def test_a_part_asked_to_hit_harder_is_turned_up(prompt, part):
    """"make the bass hit harder" was a heavy Rock remix with a bass added; "punchier drums" was nothing."""
    plan = interpret(prompt)
    assert (plan.drum_pieces if part == "kick" else plan.levels) == {part: 6.0}
    assert plan.modifiers == () and plan.style == "pop"


@pytest.mark.parametrize("prompt", ["keep the original guitar", "rock but keep the original guitar",
                                    "keep the song's own piano"])
def test_the_songs_own_part_kept_is_not_a_new_one(prompt):
    """"keep the original guitar" added a new guitar; the song's guitar is in its accompaniment stem, which now
    stays louder under the band."""
    plan, plain = interpret(prompt), interpret(prompt.split(" but ")[0] if " but " in prompt else "")
    assert plan.instruments == plain.instruments and not any(line.startswith("Adds:") for line in plan.understood)
    assert plan.keep_original >= 0.9 > plain.keep_original
    assert any(line.startswith("Keeps: the song's own ") for line in plan.understood)
    assert interpret("keep the original tempo").understood[-1] == "Tempo: the song's own (not changed)"


@pytest.mark.parametrize("prompt, kind", [
    ("autotune the vocals", "autotune"), ("trap with heavy auto-tune", "autotune"), ("t-pain style", "autotune"),
    ("make the singer sound like a robot", "robot"), ("synthwave with a vocoder", "robot"), ("no autotune", ""),
    ("no drums, autotune", "autotune"),
])
def test_autotune_and_a_robot_voice_are_read(prompt, kind):
    """They were unread (nothing said); now the vocal's pitch is corrected (vocals/tune.py)."""
    plan = interpret(prompt)
    assert plan.vocal_tune == kind
    assert any(line.startswith("Vocal: ") for line in plan.understood)  # ("no autotune": as it is sung)
    assert ("Vocal: as it is sung (no pitch correction)" in plan.understood) == (not kind)


def test_groovier_is_groovy():
    assert interpret("make it groovier").modifiers == ("groovy",)


@pytest.mark.parametrize("prompt, modifier, brighter", [
    ("cut the low end", "thin", True), ("make it less muddy", "thin", True), ("boost the highs", "treble", True),
    ("more treble", "treble", True), ("less treble", "dull", False), ("cut the highs", "dull", False),
    ("more low end", "bass_boost", False),
])
def test_the_balance_of_lows_and_highs_is_read_as_such(prompt, modifier, brighter):
    """"cut the low end" was "Not slower" ("low" read as "slow"); "boost the highs" and "less treble" were unread."""
    plan, plain = interpret(f"pop, {prompt}"), interpret("pop")
    assert plan.modifiers == (modifier,) and plan.tempo_factor == plain.tempo_factor
    assert (plan.brightness > plain.brightness) == brighter and plan.brightness != plain.brightness
    assert ("highpass" in {e.kind for e in plan.effects}) == (modifier == "thin")


@pytest.mark.parametrize("prompt, modifier", [("make it suitable for a wedding first dance", "romantic"),
                                              ("make it less busy", "minimal"), ("make it sound far away", "spacious")])
def test_everyday_words_for_a_feeling_are_read(prompt, modifier):
    """The first dance was an EDM remix ("dance"); "less busy" and "far away" were unread."""
    assert interpret(prompt).modifiers == (modifier,)


@pytest.mark.parametrize("prompt", ["remove the background music", "no background music", "remove all the instruments",
                                    "without instruments", "isolate the vocals"])
def test_the_music_taken_away_leaves_the_voice(prompt):
    """These were unread (a Pop remix); "no music box" still takes the music box out."""
    assert interpret(prompt).style == "acappella"
    assert interpret("no new instruments").style == "pop" and interpret("no music box").style == "pop"


@pytest.mark.parametrize("prompt", ["a drum fill before the chorus", "add strings after the intro"])
def test_a_part_added_before_or_after_a_part_of_the_song_is_not_kept_to_a_stretch(prompt):
    """"a drum fill before the chorus" would have kept the drums out of every chorus: an addition said of the stretch
    before or after a part of the song is made as for the whole song."""
    plan = interpret(prompt)
    assert plan.sections == () and (plan.drums or "drums" in plan.own_parts)  # (the song's own, in an overdub)
    assert any("the remix changes the whole song alike" in line for line in plan.understood)


def test_put_up_and_push_down_move_a_part():
    assert interpret("put the bass up").levels == {"bass": 6.0}
    assert interpret("push the drums down a bit").levels == {"drums": -3.0}
    assert interpret("put the vocals up front").levels == {"vocals": 6.0}


def test_a_groove_named_first_is_not_replaced_by_a_genres_percussion_later():
    """"with a dembow beat ... add some latin percussion" played the bossa groove instead of the dembow."""
    plan = interpret("Reggaeton remix with dembow beat, keep the original vocals, add some latin percussion")
    assert plan.drums == "dembow" and any("latin percussion" in line for line in plan.understood)
    assert interpret("jazz with latin percussion").drums == "bossa"


def test_chords_are_not_guessed_as_the_chorus_effect():
    plan = interpret("lofi with soft piano chords")
    assert "chorus" not in {e.kind for e in plan.effects} and not any("Read" in line for line in plan.understood)


@pytest.mark.parametrize("prompt, wrong", [("slower pace", "spacious"), ("make her sing softer", "swing"),
                                           ("change the speed", "fast"), ("add some ambience", "ambient style"),
                                           ("electric bass", "edm")])
def test_everyday_words_are_not_guessed_as_a_feeling_or_a_genre(prompt, wrong):
    """"slower pace" was spacious ("pace" read as "space"), "make her sing softer" swung, "change the speed" was
    faster ("speedy"), "add some ambience" an Ambient remix, "electric bass" an EDM one."""
    plan = interpret(prompt)
    assert not any(line.startswith("Read ") for line in plan.understood)
    assert plan.style == "pop" and "swing" not in plan.modifiers and "fast" not in plan.modifiers
    assert interpret("make her sing softer").levels == {"vocals": -6.0}
    assert interpret("slower pace").modifiers == ("slow",)


@pytest.mark.parametrize("prompt", ["make it sound good right now", "i think it should be pop", "no matter what"])
def test_filler_words_ask_nothing(prompt):
    """"now" was read as "snow" (festive), "right" as "bright", "think" as "thin", "matter" as "fatter"."""
    plan = interpret(prompt)
    assert plan.modifiers == () and plan.style == "pop" and not any("Read" in line for line in plan.understood)


@pytest.mark.parametrize("prompt, word", [
    ("make it related to summer", "related"), ("a summary of the song", "summary"), ("make it fully acoustic", "fully"),
    ("raised in the mix", "raised"), ("an age old sound", "age"), ("a wide range", "range"),
])
def test_an_english_word_is_not_read_as_a_misspelling(prompt, word):
    """With the English word list (Debian's wamerican, installed by make setup), a word of it is never "read as"
    another: "related" was relaxed (chill), "summary" summery, "fully" full (lush), "age" and "range" rage."""
    from remixes.engine.style import ENGLISH_WORDS, _english_words

    assert word in _english_words(), f"{ENGLISH_WORDS} is missing: make setup installs it"
    assert not any(line.startswith(f"Read \u201c{word}\u201d") for line in interpret(prompt).understood)


@pytest.mark.parametrize("prompt, read", [("clasical with pianno", "classical"), ("reggea", "reggae"),
                                          ("synthwave with saxaphone", "saxophone"), ("with banjos", "banjo")])
def test_a_misspelling_or_a_plural_is_still_read(prompt, read):
    assert any(line.startswith("Read ") and f"\u201c{read}\u201d" in line for line in interpret(prompt).understood)


@pytest.mark.parametrize("prompt, pieces, drums_kept", [
    ("rock, no hi hats", {"hats": None}, True), ("remove the kick", {"kick": None}, True),
    ("more kick", {"kick": 6.0}, True), ("a bit less cymbals", {"cymbals": -3.0}, True),
    ("add claps", {"*": None, "claps": 0.0}, True),  # (over the song as it is: the claps alone)
    ("lofi with a shaker and a cowbell", {"shaker": 0.0, "cowbell": 0.0}, True),
    ("classical with a tambourine", {"*": None, "tambourine": 0.0}, True),
    ("christmas version with jingle bells", {"sleigh bells": 0.0}, True),  # (was a celesta: "bells")
])
def test_a_piece_of_the_kit_is_changed_alone(prompt, pieces, drums_kept):
    """"no hi hats" took every drum out, "more kick" turned the whole kit up, "add claps" did nothing."""
    plan = interpret(prompt)
    assert plan.drum_pieces == pieces and bool(plan.drums) == drums_kept
    assert "drums" not in plan.levels and "drums" not in plan.removed


def test_a_piece_of_the_kit_in_a_part_of_the_song():
    plan = interpret("rock, no hi hats in the verse")
    assert plan.drum_pieces == {"hats": 0.0} and plan.drums
    assert [(c.section, c.target, c.roles, c.db) for c in plan.sections] == [("verse", "hats", ("hats",), None)]


@pytest.mark.parametrize("prompt", ["in 6/8", "12/8 time", "triplet feel", "shuffle", "rock with blues drums"])
def test_a_triplet_feel_or_a_shuffle_is_swung(prompt):
    """"in 6/8" and "triplet feel" were unread; "shuffle" played the shuffle groove straight in a straight style."""
    assert interpret(prompt).swing == pytest.approx(0.33)
    assert interpret("blues with a triplet feel").swing == pytest.approx(0.33)  # not more than a triplet


@pytest.mark.parametrize("prompt, out, added", [("make the guitar sound like a synth", "guitar", "synth"),
                                                ("turn the guitar into a synth", "guitar", "synth"),
                                                ("the piano should sound like an organ", "piano", "organ")])
def test_an_instrument_made_to_sound_like_another_is_swapped_for_it(prompt, out, added):
    """These added both instruments."""
    plan = interpret(prompt)
    assert plan.removed == (out,) and f"Adds: {added}" in plan.understood
    assert interpret("turn it into a jazz song").style == "jazz" and interpret("turn up the bass").levels == {"bass": 6}


@pytest.mark.parametrize("prompt, style_id, lead", [("violin cover", "classical", "violin"),
                                                    ("ukulele cover", "acoustic", "ukulele"),
                                                    ("a slower cello version", "classical", "cello"),
                                                    ("sax cover", "jazz", "saxophone"),
                                                    ("music box version", "lullaby", "music box"),
                                                    ("harpsichord version", "classical", "harpsichord"),
                                                    ("accordion version", "polka", "accordion"),
                                                    ("choir version", "acappella", "choir"),
                                                    ("steel drums cover", "reggae", "steel drums"),
                                                    ("kalimba version", "lullaby", "kalimba"),
                                                    ("bagpipe version", "acoustic", "bagpipe")])
def test_an_instruments_cover_suggests_its_style_when_no_genre_is_named(prompt, style_id, lead):
    """"violin cover" was a Pop remix with a violin added."""
    plan = interpret(prompt)
    assert plan.style == style_id and f"Adds: {lead}" in plan.understood
    assert "suggests it" in plan.understood[0]
    assert interpret("rock with a violin cover").style == "rock"


def test_vocals_only_in_a_part_of_the_song_leave_the_band_out_there():
    """"vocals only in the intro" was an A cappella remix of the whole song."""
    plan = interpret("vocals only in the intro")
    assert plan.style == "pop" and [(c.section, c.target, c.db) for c in plan.sections] == [("intro", "mix", None)]
    assert interpret("vocals only").style == "acappella"


@pytest.mark.parametrize("prompt, levels", [("everything quieter except the vocals", {"vocals": 6.0}),
                                            ("everything louder but the drums", {"drums": -6.0})])
def test_everything_but_a_part_moved_moves_that_part_the_other_way(prompt, levels):
    """"everything quieter except the vocals" removed the vocals."""
    plan = interpret(prompt)
    assert plan.levels == levels and plan.keep_vocals and plan.modifiers == ()


@pytest.mark.parametrize("prompt, target, roles, added_there", [
    ("only piano in the intro", "piano", ("chords",), False), ("just drums in the intro", "drums", ("drums",), False),
    ("just piano and vocals in the intro", "piano and vocals", ("chords", "vocals"), False),
    ("only vocals and piano in the first verse", "vocals and piano", ("vocals", "chords"), False),
    ("only strings in the outro", "strings", ("strings",), True),
])
def test_only_some_parts_in_a_part_of_the_song_leave_the_rest_out_there(prompt, target, roles, added_there):
    """"only piano in the intro" made the whole remix piano only; "just drums in the intro" kept the drums out of the
    rest of the song. Now everything else is left out there, and a part the style lacks plays there only."""
    plan = interpret(prompt)
    alone = [c for c in plan.sections if c.alone]
    assert [(c.target, c.roles) for c in alone] == [(target, roles)] and plan.only == ()
    assert any(c.only_there for c in plan.sections) == added_there


@pytest.mark.parametrize("prompt, section, target, alone", [
    ("start with just piano and vocals then full band in the chorus", "start", "piano and vocals", True),
    ("open with only drums", "start", "drums", True), ("lofi, finish with strings", "end", "strings", False),
])
def test_start_with_and_end_with_name_the_start_and_the_end(prompt, section, target, alone):
    """"start with just piano and vocals" made the whole remix piano and vocals only."""
    plan = interpret(prompt)
    assert [(c.section, c.target, c.alone) for c in plan.sections] == [(section, target, alone)] and plan.only == ()
    assert any(f"Song part: \u201cthe {section}\u201d" in line for line in plan.understood)


def test_only_some_pieces_of_the_kit_play():
    """"kick and snare only" left the whole kit playing (and the band out)."""
    for prompt in ("kick and snare only", "drums: only kick and snare"):
        plan = interpret(prompt)
        assert plan.drum_pieces == {"*": None, "kick": 0.0, "snare": 0.0} and plan.only == ("drums",)


@pytest.mark.parametrize("prompt, voice", [("remix in a reggae vibe with female vocals", "female"),
                                           ("a male singer", "male"), ("sung by a woman", "female"),
                                           ("jazz with a soprano voice", "female"), ("a song about a girl", ""),
                                           ("no male vocals", ""), ("make it female", "")])
def test_a_voice_named_beside_the_vocals_is_the_voice(prompt, voice):
    """"with female vocals" in the prompt only said to use the gender option; now it is the voice when the request
    gives no gender (a gender word elsewhere, "a song about a girl", asks nothing)."""
    assert interpret(prompt).voice == voice


@pytest.mark.parametrize("prompt", ["the end result should be chill", "at the end of the day make it jazz",
                                    "in the end make it rock"])
def test_the_end_in_a_figure_of_speech_is_not_a_part_of_the_song(prompt):
    assert interpret(prompt).sections == () and not any("Song part" in line for line in interpret(prompt).understood)


@pytest.mark.parametrize("prompt, section, which", [("cut the drums for the first 8 bars", "start", "8bars"),
                                                    ("no drums for the first 30 seconds", "start", "30s"),
                                                    ("softer in the last 20 seconds", "end", "20s")])
def test_the_first_or_last_seconds_or_bars_are_a_part_of_the_song(prompt, section, which):
    """"no drums for the first 30 seconds" took the drums out of the whole song."""
    plan = interpret(prompt)
    assert [(c.section, c.which) for c in plan.sections] == [(section, which)] and plan.removed == ()
    assert plan.drums and plan.modifiers == ()


@pytest.mark.parametrize("prompt, target, alone", [
    ("mute everything in the intro except the piano", "piano", True),
    ("remove everything during the verse but the drums and the vocals", "drums and vocals", True),
    ("cut everything in the last chorus except the vocals", "mix", False),  # the band left out there
])
def test_everything_but_some_parts_in_a_part_of_the_song(prompt, target, alone):
    """"mute everything in the intro except the piano" changed the whole song alike."""
    plan = interpret(prompt)
    assert [(c.target, c.alone) for c in plan.sections] == [(target, alone)] and plan.only == ()


@pytest.mark.parametrize("prompt, refused", [("make it less rock", "rock"), ("make it less country", "country"),
                                             ("less electronic, more organic", "edm"), ("a little less jazzy", "jazz")])
def test_less_of_a_genre_is_not_that_genre(prompt, refused):
    """Each was a remix in the very genre it asks less of; "more organic" names a feeling that suggests one."""
    plan = interpret(prompt)
    assert plan.style != refused and f"Not: {STYLES[refused].name}" in plan.understood
    assert interpret("less electronic, more organic").style == "acoustic"


def test_a_feeling_of_an_effect_refused_is_the_effect_refused():
    """"without the heavy distortion" added distortion (the "without" was spent on "heavy")."""
    plan, plain = interpret("without the heavy distortion"), interpret("")
    assert "distortion" not in {e.kind for e in plan.effects} and "Removes: distortion" in plan.understood
    assert plan.energy == plain.energy
    assert "Less distortion" in interpret("less heavy distortion").understood


@pytest.mark.parametrize("prompt", ["clean vocals, no effects on the voice", "no effects on the vocals"])
def test_a_refusal_does_not_run_on_past_a_word_that_is_no_lists(prompt):
    """The voice after "no effects on the" was taken out with the effects; a list still runs on."""
    plan = interpret(prompt)
    assert plan.keep_vocals and "vocals" not in plan.removed and "Removes: effects" in plan.understood
    assert interpret("no drums, bass or piano").removed == ("bass", "piano")
    assert "Removes: drums, bass" in interpret("without drums or any bass").understood


@pytest.mark.parametrize("prompt, feel", [("make the guitar brighter", "Feel: brighter"),
                                          ("make the piano warmer", "Feel: warm"),
                                          ("make the bass less boomy", "Feel: less low end"),
                                          ("make the bass deeper", "Feel: bass boosted")])
def test_a_part_described_is_not_added(prompt, feel):
    """"make the guitar brighter" added a guitar to the band; the feeling is the whole mix's, and the plan says so."""
    plan = interpret(prompt)
    assert feel in plan.understood and not any(line.startswith("Adds:") for line in plan.understood)
    assert plan.instruments == interpret(feel.split(": ")[1].replace("less low end", "less boomy")).instruments
    assert any(line.startswith("Tone of the ") for line in plan.understood)


@pytest.mark.parametrize("prompt, levels", [("push the drums back", {"drums": -6.0}),
                                            ("push the drums back a bit", {"drums": -3.0}),
                                            ("sit the guitar back in the mix", {"guitar": -6.0}),
                                            ("make the vocals clearer", {"vocals": 6.0}),
                                            ("make the guitar louder and the drums softer",
                                             {"guitar": 6.0, "drums": -6.0})])
def test_a_part_pushed_back_or_made_clearer_moves(prompt, levels):
    """Each was unread, or (the last) "louder" went to the drums after it and "softer" made a piano ballad."""
    plan = interpret(prompt)
    assert {k: v for k, v in plan.levels.items() if k in levels} == levels and plan.style == "pop"
    assert interpret("make the kick louder and the snare softer").drum_pieces == {"kick": 6.0, "snare": -6.0}


def test_keep_everything_but_a_feeling_asks_that_feeling():
    """"keep everything but make it faster" was "Not faster: a little slower instead"."""
    assert interpret("keep everything but make it faster").tempo_factor > 1.05
    assert interpret("keep everything but the drums").drums is None


def test_a_small_club_is_a_room_not_a_club_remix():
    plan = interpret("make it sound like a live performance in a small club")  # was EDM
    assert plan.style == "acoustic" and "Feel: acoustic, small room" in plan.understood
    assert interpret("club remix").style == "edm"


def test_a_small_room_and_dimmed_lights():
    """"small room sound" was unread, "turn the lights down low" a heavy remix ("light" refused by "down")."""
    room, ambient = interpret("small room sound"), interpret("ambient in a small room")
    assert room.reverb == ambient.reverb < interpret("ambient").reverb and "Feel: small room" in room.understood
    assert "delay" not in {e.kind for e in ambient.effects}
    low = interpret("turn the lights down low")
    assert low.energy < interpret("").energy and "Feel: soft" in low.understood


@pytest.mark.parametrize("prompt, expected", [
    ("chill lofi but keep the vocals loud", "Louder: vocals (+6 dB)"),  # was "Feel: chill, energetic"
    ("loud drums", "Louder: drums (+6 dB)"),                            # was an energetic EDM remix
    ("something to cry to", "Feel: sad"),                               # was unread
    ("like a Disney song", "Style: Cinematic / orchestral (\u201cdisney\u201d suggests it)"),
    ("like a Bond theme", "Style: Cinematic / orchestral (\u201cbond theme\u201d suggests it)"),
])
def test_everyday_words_for_a_level_a_feeling_or_a_sound(prompt, expected):
    plan = interpret(prompt)
    assert expected in plan.understood and plan.ignored_words == ()
    assert interpret("make it loud").style == "edm"  # alone, loud is still a feeling


@pytest.mark.parametrize("prompt, harmony", [
    ("add backing vocals", "harmony"), ("add harmonies to the vocals", "harmony"), ("double the vocals", "double"),
    ("no backing vocals", ""), ("instrumental with harmonies", ""), ("lofi, harmonize the vocals", "harmony"),
    ("punk with gang vocals", "double"), ("stacked vocals", "harmony")])
def test_backing_vocals_and_a_doubled_vocal_are_asked_of_the_vocal(prompt, harmony):
    """They were unread ("double the vocals": the vocals +6 dB); an instrumental has no vocal to harmonise."""
    plan = interpret(prompt)
    assert plan.vocal_harmony == harmony and plan.levels.get("vocals", 0.0) == 0.0
    assert any(line.startswith("Vocal: ") for line in plan.understood) == bool(harmony)


@pytest.mark.parametrize("prompt, expected", [
    ("tone it down, it's too aggressive", "Not aggressive: a little soft instead"),  # was a Metal remix
    ("it is way too slow", "Not slower: a little faster instead"),                   # was slower
    ("the mix is too muddy", "Not bass boosted: less low end instead"),               # was unread
])
def test_too_before_a_feeling_refuses_it(prompt, expected):
    plan = interpret(prompt)
    assert expected in plan.understood and plan.style == "pop"
    assert interpret("add drums too, slower").tempo_factor < 1.0  # "too" elsewhere asks nothing


def test_a_part_made_more_prominent_and_a_bare_less_closing_a_clause():
    """"make the drums more prominent and the guitar less": "more" went on to the guitar (+6 dB), the drums unmoved."""
    assert interpret("make the drums more prominent and the guitar less").levels == {"drums": 6.0, "guitar": -6.0}
    assert interpret("the guitar less, more piano").levels == {"chords": 6.0, "guitar": -6.0}
    assert "Feel: clean" in interpret("make it sound expensive").understood


@pytest.mark.parametrize("prompt, kind", [
    ("lofi with rain sounds", "rain"), ("add rain sounds in the background", "rain"), ("with ocean waves", "waves"),
    ("lofi with waves crashing", "waves")])
def test_an_ambience_asked_is_a_bed_under_the_music(prompt, kind):
    """"rain sounds" was a chill feel alone, "ocean waves" unread; "rainy day vibes" is still a feel."""
    plan = interpret(prompt)
    assert kind in {e.kind for e in plan.effects} and f"Adds: {kind}" in " ".join(plan.understood)
    assert "rain" not in {e.kind for e in interpret("rainy day vibes").effects}
    assert "waves" not in {e.kind for e in interpret("lofi with a wave of synths").effects}
    assert "rain" not in {e.kind for e in interpret("lofi with rain sounds, no rain sounds").effects}


@pytest.mark.parametrize("prompt, transpose, key", [
    ("pitch it up", 2, None), ("pitch the song down a bit", -1, None), ("lower the key", -2, None),
    ("drop it an octave", -12, None), ("up two semitones", 2, None), ("transpose down 3 semitones", -3, None),
    ("+2 semitones", 2, None), ("a whole step higher", 2, None), ("raise the key by 2 semitones", 2, None),
    ("in the key of A minor", 0, 9), ("change the key to F sharp", 0, 6), ("in Eb major", 0, 3),
    ("lofi, in the key of e", 0, 4), ("in a minor key", 0, None), ("key change", 2, None),
    ("in a different key", 2, None),
    ("transpose it a semitone", 1, None), ("pop", 0, None)])
def test_a_key_or_a_move_of_the_pitch_asked_is_read(prompt, transpose, key):
    """Each was "Key: the song's own (the remix does not transpose)", or unread; "in a minor key" is a mode. A change
    asked with no move or key ("key change", "in a different key") was "asked to change, but not where to" (nothing
    moved): up a whole step."""
    plan = interpret(prompt)
    assert (plan.transpose, plan.key_tonic) == (transpose, key)
    assert plan.ignored_words == ()
    if transpose or key is not None:
        assert any(line.startswith("Key: ") and "moved" in line for line in plan.understood)
    assert interpret("in a minor key").mode == "minor"


@pytest.mark.parametrize("prompt, delta", [("make it 10 bpm faster", 10.0), ("speed up by 10 bpm", 10.0),
                                           ("slow it down by 5 bpm", -5.0), ("+8 bpm", 8.0),
                                           ("10 bpm slower, jazz", -10.0), ("120 bpm house", 0.0)])
def test_a_tempo_asked_relative_to_the_songs_is_that_many_bpm_more_or_less(prompt, delta):
    """"10 bpm faster" was x1.15 and "Tempo 10 BPM is outside 40-240 BPM, so it was not used"."""
    from remixes.engine.arrange import choose_timing

    plan = interpret(prompt)
    assert plan.tempo_delta == delta and not any("outside" in line for line in plan.understood)
    if delta:
        assert plan.tempo_bpm is None and f"Tempo: the song's own {delta:+g} BPM" in plan.understood
        for source in (95.7, 140.0):
            assert choose_timing(plan, source, 100.0).tempo == pytest.approx(source + delta)


@pytest.mark.parametrize("prompt, start, end, max_length, fraction", [
    ("make the song shorter", "", "", 0.0, 0.66), ("cut it down to 2 minutes", "", "", 120.0, 1.0),
    ("make a 30 second clip", "chorus", "", 30.0, 1.0), ("a clip for tiktok", "chorus", "", 30.0, 1.0),
    ("skip the intro and start at the chorus", "chorus", "", 0.0, 1.0), ("cut the intro", "after_intro", "", 0.0, 1.0),
    ("remove the outro", "", "before_outro", 0.0, 1.0), ("lofi, 90 second version", "", "", 90.0, 1.0),
    ("under 3 minutes", "", "", 180.0, 1.0), ("no drums in the intro", "", "", 0.0, 1.0),
    ("shorter drums", "", "", 0.0, 1.0)])
def test_a_length_or_a_start_or_an_end_asked_is_read(prompt, start, end, max_length, fraction):
    """Each was unread, or a part of the song that "the remix changes alike" ("skip the intro")."""
    plan = interpret(prompt)
    assert (plan.start, plan.end, plan.max_length, plan.length_fraction) == (start, end, max_length, fraction)
    if start or end or max_length or fraction < 1:
        assert any(line.startswith("Length: ") for line in plan.understood)
        assert not any(line.startswith("Song part") for line in plan.understood) and plan.ignored_words == ()


def test_everything_else_changed_to_a_genre_is_not_everything_else_removed():
    """"keep the vocals ... but change everything else to EDM" left only the vocals (an A cappella of them)."""
    plan = interpret("keep the vocals exactly the same but change everything else to EDM")
    assert plan.style == "edm" and plan.only == () and plan.keep_vocals
    assert interpret("keep the drums but remove everything else").only == ("drums",)


@pytest.mark.parametrize("prompt, dbs", [
    ("more energy in the chorus, less in the verses", {"chorus": 4.0, "verse": -4.0}),
    ("less in the verses", {"verse": -4.0}), ("less drums in the verses", {"verse": -6.0})])
def test_a_bare_less_or_more_before_a_part_of_the_song_moves_it(prompt, dbs):
    """"less in the verses" was unread: the verses were unchanged."""
    assert {change.section: change.db for change in interpret(prompt).sections} == dbs


@pytest.mark.parametrize("prompt, feel", [("the drums sound too busy, simplify them", "Feel: minimal"),
                                          ("simplify the arrangement", "Feel: minimal"),
                                          ("make it groove more", "Feel: groovy")])  # was the drums +6 dB
def test_busy_simple_and_groove_words(prompt, feel):
    plan = interpret(prompt)
    assert feel in plan.understood and plan.levels == {}


@pytest.mark.parametrize("prompt, style_id, levels", [
    ("play it on a grand piano", "piano_ballad", {}), ("played on a ukulele", "acoustic", {}),
    ("play it on the violin", "classical", {}), ("bring out the bass", "pop", {"bass": 6.0})])
def test_a_song_played_on_an_instrument_suggests_its_style_and_a_part_brought_out_is_up(prompt, style_id, levels):
    """Each was Pop with the instrument added ("bring out the bass": a bass added to the band)."""
    plan = interpret(prompt)
    assert plan.style == style_id and plan.levels == levels


@pytest.mark.parametrize("prompt, style_id", [
    ("make it sound like a piano", "piano_ballad"), ("make it sound like a music box", "lullaby"),
    ("it sounds like a violin", "classical"), ("make it sound like a synth", "synthwave"),
    ("make the guitar sound like a synth", "pop"), ("lofi that sounds like a piano", "lofi")])
def test_a_song_made_to_sound_like_an_instrument_suggests_its_style(prompt, style_id):
    """Each was Pop with the instrument added; a part made to sound like another is that part swapped, and a style
    named stays."""
    plan = interpret(prompt)
    assert plan.style == style_id
    assert ("suggests it" in plan.understood[0]) == (style_id not in ("pop", "lofi"))


def test_a_version_to_meditate_to_is_ambient_and_an_oud_is_not_loud():
    assert interpret("a version I can meditate to").style == "ambient"  # was Pop, unread
    plan = interpret("arabic style with oud")  # "oud" was read as "loud": an energetic remix
    assert "Adds: oud" in plan.understood and plan.energy == interpret("arabic").energy  # Arabic is a style now


@pytest.mark.parametrize("prompt, fade_out, removed_in_chorus", [
    ("fade out the vocals in the chorus", 0.0, "vocals"), ("fade out the music at the end", 8.0, None),
    ("fade out the drums", 0.0, None)])
def test_a_part_faded_out_is_that_part_and_not_the_whole_version(prompt, fade_out, removed_in_chorus):
    """"fade out the vocals in the chorus" faded the whole version out; "fade out the music at the end" named a part
    of the song nothing changed. "fade out the drums" took the drums out of the whole song: they now fade out over
    its last seconds (test_a_part_coming_in_going_out_or_fading_in_or_out)."""
    plan = interpret(prompt)
    assert plan.fade_out == fade_out
    if removed_in_chorus:
        assert [(c.section, c.target, c.db) for c in plan.sections] == [("chorus", removed_in_chorus, None)]
    assert not any(line.startswith("Song part") and "alike" in line for line in plan.understood)
    drums = interpret("fade out the drums")
    assert drums.removed == () and [(c.section, c.target) for c in drums.sections] == [("fade_out", "drums")]


@pytest.mark.parametrize("prompt, repeat, min_length", [
    ("extend it to 5 minutes", 0, 300.0), ("loop the chorus", 1, 0.0), ("repeat the chorus twice", 2, 0.0),
    ("repeat the chorus 3 times", 3, 0.0), ("extended mix", 1, 0.0), ("make it longer", 1, 0.0)])
def test_a_longer_version_asked_plays_the_last_chorus_again(prompt, repeat, min_length):
    """They were words not understood (or a part of the song "changed alike")."""
    plan = interpret(prompt)
    assert (plan.repeat, plan.min_length) == (repeat, min_length)
    assert any(line.startswith("Length: ") for line in plan.understood)
    assert plan.ignored_words == () and plan.sections == () and plan.max_length == 0.0


@pytest.mark.parametrize("prompt, max_length, min_length", [
    ("make it 30 seconds", 30.0, 22.5), ("make it 2 minutes long", 120.0, 90.0), ("make it one minute", 60.0, 45.0),
    ("lofi, make the song about 3 minutes", 180.0, 135.0), ("keep it under a minute", 60.0, 0.0),
    ("just the first minute", 60.0, 0.0), ("only the first 45 seconds", 45.0, 0.0),
    ("no drums in the first 30 seconds", 0.0, 0.0)])
def test_a_length_asked_as_such_is_that_length(prompt, max_length, min_length):
    """"make it 2 minutes long" (unread): a longer song cut to it, a shorter one played longer toward it; "just the
    first minute", "keep it under a minute" (unread): at most that, from the start. "the first 30 seconds" with a
    change is still that part of the song."""
    plan = interpret(prompt)
    assert (plan.max_length, plan.min_length) == (max_length, min_length)
    assert bool(max_length) == any(line.startswith("Length: ") for line in plan.understood)
    if max_length:
        assert plan.ignored_words == () and plan.start == ""


@pytest.mark.parametrize("prompt, said", [("mashup with another song", "a mashup needs a second song"),
                                          ("lofi mashup", "a mashup needs a second song"),
                                          ("make it a duet", "a duet's second singer"),
                                          ("sing it in spanish", "no translation"), ("add ad libs", "ad-libs"),
                                          ("use my voice", "your own voice"), ("add reverb to my voice", None)])
def test_what_cannot_be_made_is_said_plainly(prompt, said):
    """Each was a Pop remix with its words "not understood"; a style named stays, and the words are not unknown."""
    plan = interpret(prompt)
    notes = [line for line in plan.understood if line.startswith("Not possible: ")]
    assert (said in notes[0]) if said else notes == []
    assert not {"mashup", "duet", "ad", "libs", "voice"} & set(plan.ignored_words)
    assert plan.style == ("lofi" if "lofi" in prompt else "pop")


@pytest.mark.parametrize("prompt, style_id", [
    ("make it sound like tame impala", "synthwave"), ("in the style of metro boomin", "trap"),
    ("like fred again", "house"), ("make it sound like morgan wallen", "country"), ("like joji", "lofi"),
    ("dancing queen", "pop"), ("like a prince", "pop"), ("boss battle", "cinematic"), ("mario", "chiptune"),
    ("minecraft music", "ambient"), ("studio ghibli", "cinematic"), ("metal boss fight", "metal")])
def test_more_artists_suggest_their_style(prompt, style_id):
    """Each name was unread (a Pop remix); a common word that is also a band's name is not read as the band."""
    assert interpret(prompt).style == style_id


@pytest.mark.parametrize("prompt, reverb", [("10% reverb", 0.1), ("reverb at 30%", 0.25), ("50% reverb", 0.45),
                                            ("100% wet reverb", 0.45), ("0% reverb", 0.0), ("heavy reverb", 0.375)])
def test_a_reverb_amount_in_numbers_or_heavy_is_that_much(prompt, reverb):
    """"50% reverb" left the number unread ("reverb" alone); "heavy reverb" was a Rock remix (the heavy feeling)."""
    plan = interpret(prompt)
    assert plan.reverb == pytest.approx(reverb) and plan.as_is and plan.ignored_words == ()
    assert interpret("add reverb 10% faster").tempo_factor == pytest.approx(1.1)
    assert interpret("heavy drums").levels == {"drums": 6.0} and interpret("trap with heavy 808s").style == "trap"


@pytest.mark.parametrize("prompt, levels", [
    ("vocals louder and drums softer", {"vocals": 6.0, "drums": -6.0}),  # a Piano ballad with drums added before
    ("vocals slightly louder, drums softer", {"vocals": 3.0, "drums": -6.0}),  # the drums turned up before
    ("vocals 3db louder", {"vocals": 3.0}), ("turn up the vocals by 4 db", {"vocals": 3.0}),
    ("vocals 3 db louder, drums 9db softer", {"vocals": 3.0, "drums": -9.0}), ("bass louder by 12 db", {"bass": 12.0}),
    ("louder drums", {"drums": 6.0}), ("vocals louder than the drums", {"vocals": 6.0}),
    ("bass up, vocals down", {"bass": 6.0, "vocals": -6.0}),  # "Adds: bass" before
    ("turn the bass up and the vocals down", {"bass": 6.0, "vocals": -6.0}),  # both turned up before
    ("the bass up a bit", {"bass": 3.0}), ("vocals up", {"vocals": 6.0})])
def test_levels_of_two_parts_and_in_decibels(prompt, levels):
    """Two parts' levels joined by "and" were misread (the first comparative taken for the second part's); a number
    of decibels was unread (always 6 dB): now the nearest amount the reader weighs (3, 6, 9 or 12 dB)."""
    plan = interpret(prompt)
    assert plan.levels == levels and plan.ignored_words == () and plan.as_is


def test_finger_snaps_are_the_kits_claps():
    """"add finger snaps" was unread; General MIDI has no snap, so the claps (the nearest) play them."""
    plan = interpret("lofi with finger snaps")
    assert plan.drum_pieces.get("claps") == 0.0 and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, drums, vinyl, levels", [
    ("w/o drums", False, False, {}), ("lofi w/o vinyl", True, False, {}),
    ("more bass n drums", True, False, {"bass": 6.0, "drums": 6.0}), ("lofi", True, True, {})])
def test_chat_shorthand_is_read(prompt, drums, vinyl, levels):
    """"w/o drums" ("w", "o" unread) left the drums in; "bass n drums" turned up the bass alone."""
    plan = interpret(prompt)
    assert bool(plan.drums) == drums and ("vinyl" in [e.kind for e in plan.effects]) == vinyl
    assert plan.levels == levels and plan.ignored_words == ()
    assert interpret("drum n bass").style == "dnb" and interpret("rock n roll").style == "rock"


def test_surprise_me_draws_a_style_by_the_seed():
    """"surprise me", "random style", "you choose" were a Pop remix (the words unread): a style drawn by the request's
    seed, the same for the same seed, never one the prompt refused; a style named or suggested beside it wins."""
    from remixes.engine.style import SURPRISE_STYLES, surprise_plan

    assert interpret("surprise me").surprise and not interpret("surprise me").as_is
    drawn = [surprise_plan("surprise me", seed).style for seed in range(12)]
    assert set(drawn) <= set(SURPRISE_STYLES) and len(set(drawn)) >= 6
    assert drawn == [surprise_plan("surprise me", seed).style for seed in range(12)]
    refusing = {surprise_plan("surprise me, but no metal", seed).style for seed in range(len(SURPRISE_STYLES))}
    assert "metal" not in refusing
    plan = surprise_plan("random style, slower", 5)
    assert plan.surprise and plan.tempo_factor < 1 and "a surprise, drawn by the seed 5" in plan.understood[0]
    for prompt, style_id in (("jazz, surprise me", "jazz"), ("chill, surprise me", "lofi"),
                             ("add random glitches", "pop")):
        assert surprise_plan(prompt, 1).style == style_id and not surprise_plan(prompt, 1).surprise


@pytest.mark.parametrize("prompt, semitones, key, as_is", [
    ("up a fifth", 7, None, True), ("down a fourth", -5, None, True), ("raise it a minor third", 3, None, True),
    ("a perfect fifth higher", 7, None, True), ("in C major", 0, 0, True), ("in the key of F sharp minor", 0, 6, True),
    ("make it major", 0, None, False)])
def test_an_interval_moves_the_mix_and_a_key_with_its_mode_keeps_the_song(prompt, semitones, key, as_is):
    """"up a fifth" was unread; "in C major" was a Pop remix (the mode, asked with the key, blocked "as it is")."""
    plan = interpret(prompt)
    assert (plan.transpose, plan.key_tonic, plan.as_is) == (semitones, key, as_is) and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, cents", [("432hz", -31.77), ("tune it to 432 hz", -31.77),
                                           ("a 528 hz version", 15.67), ("lofi in 432hz", -31.77), ("432", 0.0),
                                           ("make it 432 bpm", 0.0)])
def test_a_tuning_asked_retunes_the_mix(prompt, cents):
    """"432 hz" was unread: the whole mix retuned so that its A is 432 Hz (from 440); a bare number is not it."""
    plan = interpret(prompt)
    assert plan.tuning == pytest.approx(cents, abs=0.01)
    assert any(line.startswith("Tuning: ") for line in plan.understood) == bool(cents)
    assert plan.as_is == bool(cents and "lofi" not in prompt)


@pytest.mark.parametrize("prompt, factor, repeat", [
    ("at 0.8x", 0.8, 0), ("1.5x speed", 1.5, 0), ("x1.25", 1.25, 0), ("75% speed", 0.75, 0), ("0.75x", 0.75, 0),
    ("repeat the chorus 2x", 1.0, 2), ("loop the chorus x3", 1.0, 3), ("lofi with 808s", None, 0)])
def test_a_speed_multiple_is_the_tempo_and_a_count_is_a_count(prompt, factor, repeat):
    """"0.8x", "1.5x speed" were unread ("0", "8x"); "repeat the chorus 2x" is the chorus twice more, not a speed."""
    plan = interpret(prompt)
    assert plan.repeat == repeat and plan.ignored_words == ()
    if factor is not None:
        assert plan.tempo_factor == pytest.approx(factor)


@pytest.mark.parametrize("prompt", ["keep only the chorus", "just the chorus", "chorus only", "lofi, just the chorus"])
def test_just_the_chorus_is_the_first_chorus_alone(prompt):
    """It was the chorus effect ("chorus only") or a part of the song that changed nothing; "only the chorus has drums"
    and "only piano in the chorus" are still changes there."""
    plan = interpret(prompt)
    assert (plan.start, plan.end) == ("chorus", "after_chorus") and "chorus" not in [e.kind for e in plan.effects]
    assert plan.as_is == ("lofi" not in prompt)
    assert not any(line.startswith("Song part") for line in plan.understood)
    assert interpret("only piano in the chorus").end == "" and interpret("only the chorus has drums").end == ""


@pytest.mark.parametrize("prompt, delta", [("make it 30 seconds longer", 30.0), ("make it a minute longer", 60.0),
                                           ("add a minute", 60.0), ("a minute shorter", -60.0), ("cut 30 seconds", -30.0),
                                           ("lofi, 30 seconds shorter", -30.0), ("make it longer", 0.0),
                                           ("add 30 seconds of silence", 0.0)])
def test_a_length_more_or_less_than_the_songs(prompt, delta):
    """"make it 30 seconds longer", "a minute shorter" were unread (or "longer" alone: one chorus more): the song's
    own length plus or minus that much (the pipeline cuts or repeats to it)."""
    plan = interpret(prompt)
    assert plan.length_delta == delta and (plan.max_length, plan.min_length) == (0.0, 0.0)
    assert any(line.startswith("Length: ") and "than the song" in line for line in plan.understood) == bool(delta)


@pytest.mark.parametrize("prompt, kinds", [
    ("put an echo on the voice", ["delay"]), ("add delay to the vocals", ["delay"]), ("echoey vocals", ["delay"]),
    ("distorted vocals", ["distortion"]), ("telephone vocals", ["telephone"]), ("megaphone vocals", ["telephone"]),
    ("put the vocals through a telephone filter", ["telephone"]), ("vocals with a chorus effect", ["chorus"]),
    ("echo", []), ("rock with distorted guitars and clean vocals", [])])
def test_an_effect_said_of_the_vocals_is_the_vocals_alone(prompt, kinds):
    """Each was an effect (or a feel) on the whole mix: "put an echo on the voice" delayed the band too."""
    plan = interpret(prompt)
    assert [e.kind for e in plan.vocal_effects] == kinds
    if kinds:
        assert not {e.kind for e in plan.effects} - {e.kind for e in interpret("").effects}
        assert any(line.startswith("Vocal effect: ") for line in plan.understood)


@pytest.mark.parametrize("prompt, voice", [("deeper voice", "male"), ("make it jazz with a deep voice", "male"),
                                           ("higher voice please", "female"), ("higher vocals", "female")])
def test_a_deeper_or_higher_voice_is_that_genders_voice(prompt, voice):
    """"deep voice" read "deep" as nothing ("deeper voice": bass boosted), "higher voice" was unread."""
    plan = interpret(prompt)
    assert plan.voice == voice and "bass_boost" not in plan.modifiers and plan.ignored_words == ()


@pytest.mark.parametrize("prompt", ["a 90s remix", "70s version", "make it a 60s track", "1990s remix",
                                    "fade out in 80s style", "clip the highs"])
def test_a_decade_is_not_a_length_nor_a_fade(prompt):
    """"a 90s remix" was cut to 90 seconds (a bare "s" read as seconds), "fade out in 80s style" faded over 30 s,
    "clip the highs" was a 30 second clip."""
    plan = interpret(prompt)
    assert plan.max_length == 0.0 and plan.fade_out in (0.0, FADE_OUT_SECONDS)
    assert not any(line.startswith("Length") for line in plan.understood)


def test_an_effect_on_everything_but_the_vocals_keeps_them_dry_and_not_gone():
    """"reverb on everything except the vocals" took the vocals out."""
    plan = interpret("reverb on everything except the vocals")
    assert plan.keep_vocals and plan.vocal_reverb == 0.0 and plan.reverb > interpret("").reverb
    assert interpret("mute everything except the vocals").only == ("vocals",)


@pytest.mark.parametrize("prompt, expected", [("the echo is too much", "Less delay"),  # was "Adds: delay"
                                              ("the reverb is too much", "Less reverb")])
def test_an_effect_said_to_be_too_much_is_less_of_it(prompt, expected):
    assert expected in interpret(prompt).understood


def test_a_part_an_effect_is_put_on_is_not_added():
    """"more delay on the guitars" added a guitar and a delay on the whole mix: the delay is the guitar's alone."""
    plan = interpret("more delay on the guitars")
    assert [e.kind for e in plan.part_effects["guitar"]] == ["delay"] and "delay" not in {e.kind for e in plan.effects}
    assert not any("guitar" in line for line in plan.understood if line.startswith("Adds"))


def _part_sound(plan, role: str) -> tuple[list[str], tuple[float, float]]:
    return [e.kind for e in plan.part_effects.get(role, ())], plan.part_rooms.get(role, (1.0, 0.0))


@pytest.mark.parametrize("prompt, role, kinds, room, added", [
    ("rock, delay on the guitar", "guitar", ["delay"], (1.0, 0.0), False),
    ("add a little delay to the piano", "chords", ["delay"], (1.0, 0.0), False),
    ("put some chorus on the bass", "bass", ["chorus"], (1.0, 0.0), False),
    ("synthwave, a phaser on the keys", "chords", ["phaser"], (1.0, 0.0), False),
    ("lofi, guitar with delay", "guitar", ["delay"], (1.0, 0.0), True),
    ("put the guitar through a phaser", "guitar", ["phaser"], (1.0, 0.0), True),
    ("piano with a chorus effect", "chords", ["chorus"], (1.0, 0.0), True),
    ("guitar delay", "guitar", ["delay"], (1.0, 0.0), True),
    ("rock, distorted bass", "bass", ["distortion"], (1.0, 0.0), True),
    ("funk, phased guitars", "guitar", ["phaser"], (1.0, 0.0), True),
    ("edm, bitcrushed drums", "drums", ["bitcrush"], (1.0, 0.0), False),
    ("techno, filtered drums", "drums", ["lowpass"], (1.0, 0.0), False),
    ("make the guitar sound more distorted", "guitar", ["distortion"], (1.0, 0.0), False),
    ("reggae, dub delay on the snare", "snare", ["delay"], (1.0, 0.0), False),
    ("lofi, reverb on the piano", "chords", [], (1.0, 0.25), False),
    ("house, piano with lots of reverb", "chords", [], (1.0, 0.375), True),
    ("rock, guitars drenched in reverb", "guitar", [], (1.0, 0.375), True),
    ("pop, drums with reverb", "drums", [], (1.0, 0.25), False),
    ("jazz, less reverb on the drums", "drums", [], (0.5, 0.0), False),
    ("make the drums drier", "drums", [], (0.5, 0.0), False),
    ("pop, no reverb on the drums", "drums", [], (0.0, 0.0), False),
    ("remove the reverb from the drums", "drums", [], (0.0, 0.0), False),
    ("jazz, dry drums", "drums", [], (0.0, 0.0), False),
    # "too dry": its opposite, on the part said (was the whole mix's "spacious" and the guitar added to the band)
    ("the guitar sounds too dry", "guitar", [], (1.0, 0.25), False),
    ("the piano is way too dry", "chords", [], (1.0, 0.25), False),
    ("rock, the drums sound too roomy", "drums", [], (0.5, 0.0), False),
    ("the guitars are distorted", "guitar", ["distortion"], (1.0, 0.0), False),
])
def test_an_effect_said_of_a_part_is_that_parts_alone(prompt, role, kinds, room, added):
    """Each was the whole mix's effect or reverb (or the whole mix's feel: "dry drums", "distorted bass"); a part
    only named beside it was added to the band, one asked with it ("guitar with delay") is asked still (the plan
    says "Adds:", though the band may have it)."""
    plan = interpret(prompt)
    style = interpret(prompt.split(",")[0] if "," in prompt else "")
    assert _part_sound(plan, role) == (kinds, room)
    assert [e.kind for e in plan.effects] == [e.kind for e in style.effects]
    assert (plan.reverb, plan.brightness, plan.modifiers) == (style.reverb, style.brightness, style.modifiers)
    assert any(line.endswith("(that part alone)") or "(dry)" in line for line in plan.understood)
    assert any(line.startswith("Adds:") for line in plan.understood) == added


def test_too_distorted_a_part_stays_the_whole_mixs_clean():
    """The band's own guitar sound is not an effect on it to take less of: the whole mix's "clean", as before."""
    plan = interpret("the guitars are too distorted")
    assert plan.part_effects == {} and plan.modifiers == ("clean",)


def test_an_effect_said_of_parts_listed_is_on_each():
    """"delay on the guitar and the vocals": the guitar's and the vocal's; "reverb on the piano and drums" both."""
    plan = interpret("delay on the guitar and the vocals")
    assert _part_sound(plan, "guitar") == (["delay"], (1.0, 0.0)) and [e.kind for e in plan.vocal_effects] == ["delay"]
    plan = interpret("reverb on the piano and drums")
    assert plan.part_rooms == {"chords": (1.0, 0.25), "drums": (1.0, 0.25)}
    assert "Reverb on the piano and the drums (those parts alone)" in plan.understood


@pytest.mark.parametrize("prompt", ["tight drums", "pop, guitar in the chorus", "lofi, reverb, piano",
                                    "more reverb", "distorted guitar", "a gritty mix with guitar"])
def test_a_sound_not_said_of_a_part_is_not_that_parts(prompt):
    """How the drums play ("tight"), a part of the song, a list, the whole mix's effect, an instrument named by
    its sound ("distorted guitar" is the overdriven program): no part's own effect."""
    plan = interpret(prompt)
    assert plan.part_effects == {} and plan.part_rooms == {}


@pytest.mark.parametrize("prompt, check", [
    ("a lot slower", lambda p: p.tempo_factor < interpret("slower").tempo_factor),  # was the same x0.85
    ("a lot more bass", lambda p: p.levels == {"bass": 9.0}),
    ("a lot less drums", lambda p: p.levels == {"drums": -9.0}),
    ("a lot of reverb", lambda p: p.reverb > interpret("reverb").reverb)])
def test_a_lot_is_more_of_it(prompt, check):
    assert check(interpret(prompt))


@pytest.mark.parametrize("prompt, style_id", [
    ("like coldplay", "pop"), ("like radiohead", "rock"), ("in the style of bruno mars", "funk"),
    ("like kanye", "hiphop"),
    ("like bach", "classical"), ("make this metallica song sound like enya", "ambient"),
    ("a beatles song like daft punk", "house"), ("like metallica", "metal")])
def test_more_artists_suggest_their_style_and_the_songs_own_artist_gives_way(prompt, style_id):
    """The first seven were Pop with the name unread, or (the song's artist named first) that artist's style."""
    plan = interpret(prompt)
    assert plan.style == style_id and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, build", [
    ("edm with a big drop", "build"), ("add a build up before the chorus", "build"), ("trance with risers", "riser"),
    ("add a drum roll before the chorus", "roll"), ("a drum roll into the chorus and a riser", "build"),
    ("add a snare roll", "roll"), ("no build up", ""), ("drop the bass", ""), ("add a drop", "build"),
    ("make the drop hit harder", "")])
def test_a_build_into_the_chorus_is_read(prompt, build):
    """Each was unread, or a song part's change that changed nothing ("before the chorus" is where a build goes)."""
    plan = interpret(prompt)
    assert plan.build == build
    if prompt.startswith("make the drop"):  # the song's drop: a part of it, made bigger there
        assert plan.sections != ()
    else:
        assert plan.sections == () and plan.ignored_words == ()
    assert any(line.startswith(("Build-ups:", "Risers:", "Drum rolls:")) for line in plan.understood) == bool(build)


@pytest.mark.parametrize("prompt, delivery", [
    ("whispered vocals", "whisper"), ("make her whisper the lyrics", "whisper"), ("asmr lofi", "whisper"),
    ("breathy vocals", "breathy"), ("lofi with a breathy female voice", "breathy"), ("soft airy vocals", "breathy"),
    ("husky voice", "breathy"), ("no whisper", ""), ("soft vocals", "")])
def test_how_the_voice_sings_is_read(prompt, delivery):
    """Both were unread ("whisper" was a soft feel: a piano ballad with the voice as it was)."""
    plan = interpret(prompt)
    assert plan.vocal_delivery == delivery and plan.ignored_words == ()
    assert any(line.startswith("Vocal: ") and ("whisper" in line or "breathy" in line)
               for line in plan.understood) == bool(delivery)


@pytest.mark.parametrize("prompt, semitones", [
    ("pitched up vocals", 12), ("pitch up the vocals", 12), ("pitched-up vocals", 12), ("chipmunk vocals", 12),
    ("vocals an octave higher", 12), ("pitch the vocals down an octave", -12),
    ("pitched down vocals", -12), ("demonic voice, phonk", -12), ("nightcore with pitched up vocals", 0),
    ("pitch it up", 0), ("turn the vocals up", 0), ("lower the vocals an octave", -12),  # (-6 dB before)
    ("raise the voice by an octave", 12), ("drop the vocals down an octave", -12), ("lower the vocals", 0),
    ("vocals down an octave", -12)])  # (the whole mix before)
def test_a_vocal_pitched_up_or_down_is_the_vocal_alone(prompt, semitones):
    """An octave, the vocal alone ("pitched up vocals" moved the whole mix +2; "chipmunk" was unread); nightcore's
    own speed already pitches the vocals up; "pitch it up" is still the whole mix."""
    plan = interpret(prompt)
    assert plan.vocal_pitch == semitones and plan.ignored_words == ()
    assert plan.transpose == (2 if prompt == "pitch it up" else 0)


@pytest.mark.parametrize("prompt, effect, modifier", [
    ("make it sound like a cassette", "tape", None), ("vhs", "tape", None), ("walkman", "tape", None),
    ("laptop speakers", None, "radio"), ("make it sound like it's on a cheap speaker", None, "radio"),
    ("add some air", None, "treble"), ("in the air", None, None)])
def test_a_cassette_a_small_speaker_and_air_are_read(prompt, effect, modifier):
    """Each was unread (a Pop remix): the tape's wow and saturation, a small speaker's thin band, more treble; "in the
    air" is none of them."""
    plan = interpret(prompt)
    assert (effect in [e.kind for e in plan.effects]) if effect else "tape" not in [e.kind for e in plan.effects]
    assert (modifier in plan.modifiers) if modifier else plan.modifiers == ()
    assert plan.as_is == bool(effect or modifier)


@pytest.mark.parametrize("prompt, style_id", [
    ("halloween version", "cinematic"), ("make it spooky", "cinematic"), ("scary", "cinematic"),
    ("lofi but spooky", "lofi"), ("make it darker", "pop"), ("haunting piano", "piano_ballad"),
    ("late night drive", "synthwave"), ("driving at night", "synthwave"), ("make it sound like heaven", "ambient")])
def test_spooky_a_night_drive_and_heaven_suggest_their_styles(prompt, style_id):
    """"halloween version", "make it spooky" were a Pop band in a minor key (now a film's orchestra, darker, in minor;
    "make it darker" alone is still Pop); "late night drive" was Pop ("driving at night" EDM), "heaven" unread."""
    plan = interpret(prompt)
    assert plan.style == style_id and plan.ignored_words == ()
    if "spooky" in prompt or "halloween" in prompt or "scary" in prompt:
        assert plan.mode == "minor" and plan.brightness < interpret(STYLES[style_id].words[0]).brightness


@pytest.mark.parametrize("prompt, style_id", [
    ("kizomba", "afrobeats"), ("gqom", "afrobeats"), ("norteno", "polka"), ("corridos", "polka"), ("banda", "polka"),
    ("fado", "acoustic"), ("chanson", "acoustic"), ("balkan brass", "march"), ("steel band", "reggae"),
    ("enka", "east_asian"), ("mandopop", "kpop"), ("sufi", "bollywood"), ("carnatic", "bollywood"),
    ("sitar version", "bollywood")])
def test_genres_the_reader_did_not_know_are_their_nearest_style(prompt, style_id):
    """Each was unread (a Pop remix): norteno and banda are accordion-and-tuba polkas at heart, fado and chanson a
    singer with acoustic guitars, a Balkan brass band a marching band's brass."""
    plan = interpret(prompt)
    assert plan.style == style_id and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, modifier", [("make it smoother", "chill"), ("give it more bounce", "energetic"),
                                              ("update the sound", "clean"), ("make it sound current", "clean"),
                                              ("make it bang", "energetic"), ("make it slap", "energetic")])
def test_slang_for_a_feel_is_that_feel(prompt, modifier):
    """Each was unread (a Pop remix); "slap bass" is still the bass."""
    plan = interpret(prompt)
    assert modifier in plan.modifiers and plan.ignored_words == ()
    assert "Adds: slap bass" in interpret("funk with slap bass").understood


def test_double_bass_drums_are_metals_kick_and_not_a_double_bass():
    """"metal with double bass drums" added a double bass (the orchestra's) to the band."""
    plan = interpret("heavy metal version with double bass drums")
    assert plan.style == "metal" and "double bass" not in " ".join(plan.understood) and plan.drums
    assert "Adds: double bass" in interpret("jazz with double bass").understood


@pytest.mark.parametrize("prompt, delivery, vocal_effects", [("sing it softly", "breathy", []),
                                                             ("raspy voice", "", ["distortion"]),
                                                             ("rock with gravelly vocals", "", ["distortion"])])
def test_a_soft_or_raspy_voice_is_the_vocals(prompt, delivery, vocal_effects):
    """Each was unread ("softly", "raspy", "gravelly"): a breathy delivery of new lyrics, a rough voice (the vocal's own
    distortion, as "gritty vocals")."""
    plan = interpret(prompt)
    assert plan.vocal_delivery == delivery and [e.kind for e in plan.vocal_effects] == vocal_effects
    assert plan.ignored_words == ()


@pytest.mark.parametrize("prompt, style_id, strength", [
    ("a light remix", "pop", 0.25), ("a subtle jazz remix", "jazz", 0.25), ("barely change it", "pop", 0.25),
    ("keep the original feel", "pop", 0.25), ("completely remix it", "pop", 0.9), ("a full edm remix", "edm", 0.9),
    ("totally transform it", "pop", 0.9), ("keep the original vocals", "pop", 0.0),
    ("a gentle lofi version", "lofi", 0.0)])
def test_how_much_of_a_remix_said_in_words(prompt, style_id, strength):
    """"a subtle remix" was a soft Piano ballad, "completely remix it" unread: the plan's strength, which the
    pipeline uses when the request leaves its own at the default; "keep the original vocals" is still the vocal."""
    plan = interpret(prompt)
    assert (plan.style, plan.strength) == (style_id, strength) and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, style_id", [("give it a summer vibe", "house"), ("beach party", "house"),
                                              ("autumn", "lofi"), ("lofi summer", "lofi"), ("sunny", "pop"),
                                              ("add beach sounds", "pop")])
def test_a_season_suggests_its_music(prompt, style_id):
    """"summer vibe" was the sound "brighter" alone (the song as it was), "autumn" unread: a tropical house and a
    nostalgic lo-fi when no style is named; "sunny" is still a brighter sound, "beach sounds" the waves."""
    plan = interpret(prompt)
    assert plan.style == style_id and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, voice", [("make the voice higher", "female"), ("make the vocals deeper", "male"),
                                           ("make the vocals louder", "")])
def test_a_voice_made_higher_or_deeper_is_that_voice(prompt, voice):
    """"make the voice higher" left "higher" unread; "make the vocals deeper" was a bass boost."""
    plan = interpret(prompt)
    assert plan.voice == voice and plan.ignored_words == () and "bass_boost" not in plan.modifiers


@pytest.mark.parametrize("prompt, semitones", [
    ("add a key change at the end", 1), ("key change for the last chorus", 1), ("modulate up for the final chorus", 1),
    ("truck driver key change", 1), ("pop with a key change", 1), ("a key change up a whole step at the end", 2),
    ("last chorus up a half step", 1), ("modulate up a whole step", 2), ("change the key", 0)])
def test_a_key_change_at_the_end_is_read(prompt, semitones):
    """It was "asked to change, but not where to" (and "at the end" a song part that changed nothing)."""
    plan = interpret(prompt)
    assert plan.key_change == semitones and plan.transpose == (0 if semitones else 2) and plan.ignored_words == ()
    assert not any(line.startswith("Song part") for line in plan.understood)
    assert any(line.startswith("Key change: up") for line in plan.understood) == bool(semitones)


@pytest.mark.parametrize("prompt, db", [("house with sidechain", 8.0), ("heavy sidechain", 12.0),
                                        ("a little sidechain", 4.0), ("subtle sidechain", 4.0),
                                        ("no sidechain", 0.0), ("pumping edm", 0.0)])
def test_sidechain_is_pumping_not_a_compressor(prompt, db):
    """"sidechain" added a compressor to the whole mix: now the band and the original duck on every beat."""
    plan = interpret(prompt)
    assert plan.pump == db and plan.ignored_words == ()
    if "sidechain" in prompt:  # no compressor of its own: the style's effects as they are (the song's: none)
        assert plan.effects == (() if plan.as_is else interpret(plan.style).effects)


@pytest.mark.parametrize("prompt, role, kinds, room", [
    ("guitar solo with delay", "lead", ["delay"], (1.0, 0.0)),
    ("the piano should be drier", "chords", [], (0.5, 0.0)),
    ("the drums need more reverb", "drums", [], (1.0, 0.25))])
def test_a_parts_sound_said_after_it_is_that_parts(prompt, role, kinds, room):
    """A solo between the part and its effect, or the part said to need it ("should be drier"): that part's own
    (each was the whole mix's, "the piano should be drier" a drier mix with a piano added)."""
    plan = interpret(prompt)
    assert _part_sound(plan, role) == (kinds, room) and plan.reverb == interpret("").reverb


@pytest.mark.parametrize("prompt, style", [("eurodance", "edm"), ("hi-nrg", "edm"), ("jersey club", "edm"),
                                           ("moombahton", "reggaeton"), ("idm", "techno")])
def test_more_genre_names_name_their_genre(prompt, style):
    """Each was unread (a Pop remix), "jersey club" EDM with "jersey" unread."""
    plan = interpret(prompt)
    assert plan.style == style and plan.ignored_words == ()


@pytest.mark.parametrize("prompt", ["make it mono", "lofi in mono", "a vintage mono mix"])
def test_mono_is_read(prompt):
    """"mono" was unread; the mix's sides go as one, after the style's own widening."""
    kinds = [e.kind for e in interpret(prompt).effects]
    assert kinds[-1] == "mono"


@pytest.mark.parametrize("prompt, seconds", [("end with a tape stop", 1.6), ("tape stop effect", 1.6),
                                             ("a slow vinyl stop at the end", 3.2), ("power down", 1.6),
                                             ("tape saturation", 0.0)])
def test_a_tape_stop_is_read(prompt, seconds):
    """"tape stop effect" was tape saturation with every effect removed ("stop" a refusal)."""
    plan = interpret(prompt)
    assert plan.tape_stop == pytest.approx(seconds) and "effects" not in plan.removed and plan.sections == ()
    assert ("tape" in [e.kind for e in plan.effects]) == (prompt == "tape saturation")


@pytest.mark.parametrize("prompt, chops", [("edm with vocal chops", True), ("chopped vocals", True),
                                           ("no vocal chops", False)])
def test_vocal_chops_are_read(prompt, chops):
    plan = interpret(prompt)
    assert plan.vocal_chops == chops and plan.ignored_words == ()


@pytest.mark.parametrize("prompt", ["make it polka", "oktoberfest version", "an oompah band", "klezmer",
                                    "bavarian beer hall"])
def test_polka_is_read(prompt):
    """Each was unread: a Pop remix."""
    plan = interpret(prompt)
    assert plan.style == "polka" and plan.ignored_words == () and plan.drums == "polka"


@pytest.mark.parametrize("prompt, style", [("make it hawaiian", "acoustic"), ("aloha vibes", "acoustic"),
                                           ("hawaiian reggae", "reggae")])
def test_hawaiian_is_a_ukulele(prompt, style):
    """"hawaiian" was unread (a Pop remix): the strummed guitar a ukulele's nylon strings, acoustic unless named."""
    plan = interpret(prompt)
    assert plan.style == style and plan.instruments["guitar"] == 24 and plan.ignored_words == ()


@pytest.mark.parametrize("prompt", ["make it sound japanese", "chinese traditional", "with erhu", "taiko drums",
                                    "chinese new year", "samurai"])
def test_east_asian_is_read(prompt):
    """Each was unread: a Pop remix ("koto" alone still adds a koto to it, "anime" is K-pop)."""
    plan = interpret(prompt)
    assert plan.style == "east_asian" and plan.ignored_words == () and plan.drums == "taiko"
    assert interpret("koto").style == "pop" and interpret("anime").style == "kpop"
    assert (interpret("jazz with taiko drums").style, interpret("jazz with taiko drums").drums) == ("jazz", "taiko")


@pytest.mark.parametrize("prompt, style", [
    ("marching band", "march"), ("make it a military march", "march"), ("brass band version", "march"),
    ("make it a march", "march"), ("drumline", "march"), ("circus music", "march"), ("national anthem", "march"),
    ("rock march", "rock"), ("jazz with a marching beat", "jazz"),
])
def test_a_marching_band_is_read(prompt, style):
    """Each was a Pop remix on the march groove (or, "national anthem", EDM); a style named beside the groove stays, on
    its beat."""
    plan = interpret(prompt)
    assert plan.style == style and plan.ignored_words == () and plan.drums == "march"


@pytest.mark.parametrize("prompt, style", [("make it a kids song", "kids"), ("children's song", "kids"),
                                           ("nursery rhyme", "kids"), ("cartoon theme", "kids"),
                                           ("lullaby for kids", "lullaby"), ("nursery", "lullaby")])
def test_a_kids_song_is_a_style_of_its_own(prompt, style):
    """"make it a kids song", "cartoon" were unread (a Pop remix), "nursery rhyme" a lullaby."""
    plan = interpret(prompt)
    assert plan.style == style and plan.ignored_words == ()


@pytest.mark.parametrize("prompt, as_is", [
    ("add reverb", True), ("8d audio", True), ("nightcore", True), ("remove the vocals", True),
    ("karaoke version", True), ("louder vocals", True), ("make it 20% faster", True), ("same song, just slower", True),
    ("add an echo on the vocals", True), ("add rain sounds", True), ("make it sound like a radio", True),
    ("bass boosted", True), ("end with a tape stop", True), ("fade out at the end", True), ("in the key of E", True),
    ("cut it down to 2 minutes", True), ("female vocals", True), ("keep the original but add some delay", True),
    ("remove the drums", True), ("no drums", True), ("a drumless version", True), ("more bass", True),
    ("less drums", True),
    ("change the singer to a man", True),
    # the song's own vocal tuned, robotic or doubled: the kept vocal is (they were a Pop remix)
    ("autotune the vocals", True), ("make the vocals sound like a robot", True), ("add harmonies to the vocals", True),
    ("lower the pitch of the vocals", True),  # the vocal alone an octave down (the whole mix was moved)
    ("make it sound like an old record player", True),  # its crackle on the song (was a lo-fi remix)
    # a style named or suggested, the band asked (a piece of its kit, a part inside the song's "other" stem), a
    # feeling, or nothing read: a remix as before
    ("no hi hats", False), ("remove the guitar", False), ("add some bass", False),
    ("lofi with reverb", False), ("slowed and reverb", True), ("more guitar", False),  # (the format: the song)
    ("make it happier", False), ("add a build up before the chorus", False), ("make it better", False), ("", False),
    ("same tempo", False), ("the vocals", False), ("make it cleaner", False),
    # the song's own vocal, drums or bass changed in a part of the song: its stems do it
    ("louder vocals in the chorus", True), ("no drums in the intro", True), ("fade in the drums", True),
    ("strings in the chorus", False),
])
def test_a_prompt_that_only_treats_the_sound_keeps_the_song_as_it_is(prompt, as_is):
    """"add reverb", "nightcore", "8d audio", "remove the vocals" named no style and were a Pop remix (a new band,
    the song stretched into Pop's 95-125 bpm): now the song's own arrangement, with only what was asked (none of
    Pop's compressor, reverb or brightness), at its own tempo or the one asked."""
    plan = interpret(prompt)
    assert plan.as_is == as_is
    assert (plan.understood[0] == AS_IS_NOTE) == as_is and (plan.style_name == AS_IS_NAME) == as_is
    if as_is:
        assert "compressor" not in {e.kind for e in plan.effects} and (plan.brightness == 0.0 or plan.modifiers)
        assert plan.mood == "" or plan.modifiers  # no Pop's "happy" on the job page: a feeling asked sets one
        assert plan.tempo_range[0] <= 50 and plan.tempo_range[1] >= 190
        reverb = 0.35 if prompt.startswith("slowed") else 0.25 if "reverb" in prompt else 0.0  # (slowed's own)
        assert plan.reverb == reverb and plan.summary.startswith(AS_IS_NAME)


@pytest.mark.parametrize("prompt, voice", [("change the singer to a man", "male"),
                                           ("change the vocals to female", "female"),
                                           ("swap the singer for a woman", "female"),
                                           ("replace the vocals with a male voice", "male")])
def test_a_vocal_swapped_for_a_voice_is_revoiced_not_removed(prompt, voice):
    """Each took the vocals out ("Removes: vocals"): the remix had no singer. Now the song's vocal stays, in that
    voice; "replace the vocals with a piano" still takes them out."""
    plan = interpret(prompt)
    assert plan.keep_vocals and plan.voice == voice and not any("Removes" in line for line in plan.understood)
    assert not interpret("replace the vocals with a piano").keep_vocals



@pytest.mark.parametrize("prompt, backwards", [("play it backwards", True), ("reverse the song", True),
                                               ("a reversed version", True), ("lofi reversed", True),
                                               ("play the song in reverse", True), ("reverse reverb", False),
                                               ("reverse the order of the verses", False)])
def test_playing_it_backwards_is_read(prompt, backwards):
    """Each was unread ("reverse" no word the reader knew); "reverse reverb" is not it."""
    plan = interpret(prompt)
    assert plan.reverse == backwards
    if backwards:  # alone, a treatment of the song as it is
        assert plan.as_is == ("lofi" not in prompt)


@pytest.mark.parametrize("prompt", ["applause at the end", "applause at the start and the end",
                                    "add applause at the beginning and at the end"])
def test_where_the_applause_goes_is_no_part_of_the_song_to_change(prompt):
    """A crowd claps at the start and the end: "and the end" was a song part that changed nothing (and said so)."""
    plan = interpret(prompt)
    assert "crowd" in {e.kind for e in plan.effects} and plan.sections == ()
    assert not any(line.startswith("Song part") for line in plan.understood)


@pytest.mark.parametrize("prompt", ["make it sound like a concert", "concert version", "like being at a concert",
                                    "a live show"])
def test_a_concert_is_a_live_audience(prompt):
    """Each was unread ("concert" alone no word the reader knew; "in concert", "live concert" were the crowd)."""
    plan = interpret(prompt)
    assert "crowd" in {e.kind for e in plan.effects} and plan.ignored_words == ()
