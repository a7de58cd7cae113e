"""The prompt reader's tables (remixes/engine/vocabulary.py): every entry is reachable, the tables agree
with the arranger, and interpret() still gives the plans it gave before the tables moved out of style.py."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from remixes.engine import arrange, style, vocabulary as V
from remixes.engine.style import interpret

GOLDEN = Path(__file__).with_name("style_plans.golden.json")


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(style._TOKEN_RE.findall(style._normalise(phrase)))


def _read_as(phrase: str):
    return style._VOCAB.get(_key(phrase))


# --- every entry is reachable ----------------------------------------------------------------------

@pytest.mark.parametrize("spec", V.STYLE_TABLE, ids=lambda s: s.id)
def test_every_style_word_reaches_its_style(spec):
    for word in spec.words:
        assert _read_as(word) == ("style", spec.id), word
        assert interpret(word).style == spec.id, word
    for word in spec.adjectives:
        assert _read_as(word) == ("style_adj", spec.id), word
        assert interpret(word).style == spec.id, word


@pytest.mark.parametrize("name", list(V.MODIFIERS))
def test_every_modifier_word_reaches_its_modifier_and_changes_the_plan(name):
    modifier = V.MODIFIERS[name]
    for word in modifier.words:
        assert _read_as(word) == ("modifier", name), word
        assert name in interpret(f"pop {word}").modifiers, word
    # the modifier does something beyond naming itself, on a style or two
    plain = {sid: interpret(sid).to_dict() for sid in ("pop", "lofi", "rock")}
    changed = False
    for sid, before in plain.items():
        after = interpret(f"{sid} {modifier.words[0]}").to_dict()
        ignore = {"modifiers", "understood", "summary"}
        changed |= any(after[k] != before[k] for k in before if k not in ignore)
    assert changed, name


def test_every_instrument_word_is_read_and_adds_or_refuses_something():
    for word, entry in V.INSTRUMENT_WORDS.items():
        assert _read_as(word) == ("instrument", word), word
        assert entry.program in entry.family, word
        added = interpret(f"classical with {word}")
        assert added.instruments != interpret("classical").instruments or (entry.label or word) in added.summary, word


@pytest.mark.parametrize("kind, table", [
    ("drums", V.DRUM_WORDS), ("vocals", V.VOCAL_WORDS), ("instrumental", V.INSTRUMENTAL_WORDS),
    ("drop", V.DROP_CUES), ("not", V.NOT_CUES), ("less", V.LESS_CUES), ("more", V.MORE_CUES),
    ("add", V.ADD_CUES), ("keep", V.KEEP_CUES), ("solo", V.SOLO_WORDS),
])
def test_every_word_of_a_list_is_read_as_its_kind(kind, table):
    assert [w for w in table if _read_as(w) != (kind, None)] == []


@pytest.mark.parametrize("kind, table", [
    ("groove", V.GROOVE_WORDS), ("kit", V.KIT_WORDS), ("effect", V.EFFECT_WORDS), ("mode", V.MODE_WORDS),
    ("meter", V.METER_WORDS), ("intensity", V.INTENSIFIERS),
])
def test_every_word_of_a_table_is_read_as_its_value(kind, table):
    assert [w for w, v in table.items() if _read_as(w) != (kind, v)] == []


def test_gender_words_are_read():
    assert [w for w in V.GENDER_WORDS if _read_as(w) != ("gender", w)] == []


def test_stop_words_can_all_match():
    # a stop word the vocabulary knows is read as that word first; one that is not a single token never matches
    assert sorted(w for w in V.STOP_WORDS if _key(w) in style._VOCAB) == []
    assert sorted(w for w in V.STOP_WORDS if _key(w) != (w,)) == []
    assert interpret("please make the song").ignored_words == ()


def test_every_groove_is_reachable_from_a_prompt():
    reached = {s.drums for s in V.STYLE_TABLE} | {s.drums_if_added for s in V.STYLE_TABLE}
    reached |= set(V.GROOVE_WORDS.values()) | set(V.GROOVES_IN_THREE)
    assert set(V.Groove) <= reached


def test_every_modifier_extra_belongs_to_a_modifier():
    assert set(style._MODIFIER_EXTRAS) <= set(V.MODIFIERS)


# --- one source of truth ---------------------------------------------------------------------------

def test_the_arranger_has_a_pattern_for_every_groove_and_no_other():
    assert set(arrange.GROOVES) == {g.value for g in V.Groove}
    assert style.GROOVES == tuple(g.value for g in V.Groove)


def test_the_arranger_s_grooves_are_keyed_by_the_groove_enum():
    assert all(type(groove) is V.Groove for groove in arrange.GROOVES)
    assert list(arrange.GROOVES) == list(V.Groove)  # the same grooves, in the enum's order


@pytest.mark.parametrize("groove", list(V.Groove))
def test_a_groove_pattern_is_one_bar_of_its_meter(groove):
    beats = 3 if groove in V.GROOVES_IN_THREE else 4
    assert {len(steps) for steps in arrange.GROOVES[groove].values()} == {4 * beats}


def test_every_effect_of_a_plan_sets_all_its_parameters():
    # so EFFECT_DEFAULTS (the renderer's only fallback) never decides a sound a plan meant to set
    for prompt in golden_prompts()[::7]:
        for effect in interpret(prompt).effects:
            assert set(effect.params) == set(V.EFFECT_PARAMS[effect.kind]), (prompt, effect)


def test_every_effect_has_one_default_with_all_its_parameters():
    assert set(V.EFFECT_DEFAULTS) == set(V.EffectKind)
    assert all(type(kind) is V.EffectKind for kind in V.EFFECT_DEFAULTS)
    for kind, params in V.EFFECT_DEFAULTS.items():
        assert set(params) == set(V.EFFECT_PARAMS[kind]), kind


def test_the_renderer_takes_a_missing_parameter_from_effect_defaults():
    """render.apply_effects has no fallback values of its own: an effect that leaves its parameters out
    sounds exactly like one that spells out EFFECT_DEFAULTS."""
    from remixes.engine.render import apply_effects

    rng = np.random.default_rng(5)
    audio = (rng.standard_normal((22050, 2)) * 0.1).astype(np.float32)
    for kind in V.EffectKind:
        bare = apply_effects(audio, (V.Effect(kind.value, {}),), 0.0, 0.0, seed=1)
        spelled = apply_effects(audio, (V.Effect(kind.value, dict(V.EFFECT_DEFAULTS[kind])),), 0.0, 0.0, seed=1)
        assert np.array_equal(bare, spelled), kind
    with pytest.raises(ValueError):
        apply_effects(audio, (V.Effect("flanger", {}),), 0.0, 0.0, seed=1)


def test_a_style_s_sound_is_declared_once():
    """StyleSpec is a StyleSound plus what names the style; the reader's working copy starts from every
    StyleSound field, and the plan carries each of them."""
    sound = [f.name for f in dataclasses.fields(V.StyleSound)]
    assert issubclass(V.StyleSpec, V.StyleSound)
    assert set(sound) <= {f.name for f in dataclasses.fields(style.StylePlan)}
    for spec in V.STYLE_TABLE:
        draft = style._Draft.from_style(spec)
        assert draft.effects == {e.kind: e.params for e in spec.effects} and draft.palette == list(spec.palette)
        assert all(getattr(draft, name) == getattr(spec, name) for name in sound
                   if name not in ("effects", "palette")), spec.id


def test_the_public_names_come_from_the_enums():
    assert style.ROLES == tuple(r.value for r in V.Role)
    assert style.EFFECT_KINDS == tuple(e.value for e in V.EffectKind)
    assert style.STYLES == {s.id: s for s in V.STYLE_TABLE}


def test_a_broken_table_is_refused_on_import(monkeypatch):
    bad = V.StyleSpec(**{**V.STYLE_TABLE[0].__dict__, "drums": "polka", "instruments": {"kazoo": V.P.FLUTE}})
    monkeypatch.setattr(V, "STYLE_TABLE", V.STYLE_TABLE + (bad,))
    with pytest.raises(ValueError, match="polka.*|kazoo"):
        V._validate()
    monkeypatch.setattr(V, "STYLE_TABLE", V.STYLE_TABLE[:-1])
    V._validate()


def test_programs_and_kits_are_general_midi_numbers():
    assert V.P.ACOUSTIC_GRAND_PIANO == 0 and V.P.STRING_ENSEMBLE_1 == 48 and V.P.GUNSHOT == 127
    assert len(V.Program) == 128
    assert interpret("lofi").instruments == {"bass": 33, "chords": 4, "pad": 89}
    assert type(interpret("lofi").drum_kit) is int


# --- behaviour pinned ------------------------------------------------------------------------------

def golden_prompts() -> list[str]:
    """Every word the reader knows, alone and in a few sentences; every modifier on every style."""
    prompts = [" ".join(k) for k in sorted(style._VOCAB)]
    first = {n: m.words[0] for n, m in V.MODIFIERS.items()}
    for name, word in first.items():
        prompts += [f"very {word}", f"no {word}", f"a bit {word} jazz", f"{word} and {first['dark']} lofi"]
        prompts += [f"{spec.words[0]} {word}" for spec in V.STYLE_TABLE]
    for word in V.INSTRUMENT_WORDS:
        prompts += [f"techno with {word}", f"no {word}", f"less {word}, louder drums", f"lofi {word} solo"]
    for word in [*V.EFFECT_WORDS, *V.KIT_WORDS, *V.GROOVE_WORDS]:
        prompts += [f"less {word}", f"classical with {word}"]
    for spec in V.STYLE_TABLE:
        prompts += [f"{spec.words[0]} hip hop", f"rock with {spec.words[0]} drums", f"{spec.words[0]} waltz, darker"]
    prompts += ["", "make it lo-fi with chill beats, slower, no drums", "120 bpm house", "at 300 bpm rock",
                "clasical with pianno", "turn the vocals down a bit", "instrumental, less vocals", "acoustic rock",
                "r&b 90's", "drum & bass 174 bpm", "no synths", "no effects", "video game soundtrack"]
    return list(dict.fromkeys(prompts))


def _digest(prompt: str) -> str:
    return hashlib.sha256(json.dumps(interpret(prompt).to_dict()).encode()).hexdigest()[:12]


def test_interpret_gives_the_pinned_plans():
    """The plans of ~2,700 prompts, pinned when the vocabulary moved into tables (the refactor changed none).

    A deliberate change of behaviour updates the pins: REMIX_UPDATE_STYLE_GOLDEN=1 pytest -k pinned
    """
    if os.environ.get("REMIX_UPDATE_STYLE_GOLDEN"):
        GOLDEN.write_text(json.dumps({p: _digest(p) for p in golden_prompts()}, indent=0) + "\n")
    pinned = json.loads(GOLDEN.read_text())
    changed = [p for p, digest in pinned.items() if _digest(p) != digest]
    assert changed == [], f"{len(changed)} of {len(pinned)} plans changed, e.g. {changed[:5]}"
