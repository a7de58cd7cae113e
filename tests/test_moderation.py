"""Moderation of prompts and lyrics: better-profanity's maintained list (with leetspeak), the
operator's extra terms and phrases, what a flagged submission records, and that the fast matcher
answers exactly as better-profanity's own contains_profanity does."""
from __future__ import annotations

import random

import pytest
from better_profanity import Profanity
from better_profanity.utils import get_complete_path_of_file, read_wordlist
from pydoc_data.topics import topics

from remixes import moderation
from remixes.models import RemixTask
from tests.test_views_helpers import submit_task


def test_it_passes_clean_prompts_and_lyrics():
    assert moderation.check_request("Make it lo-fi with chill beats", "It's a brand new day") == (False, "")


def test_it_flags_profanity_from_the_maintained_list_and_names_the_field():
    flagged, reason = moderation.check_request("make it sound like shit", "")
    assert flagged
    assert reason == "prompt contains flagged terms: shit"


def test_it_catches_leetspeak_variants_in_lyrics():
    flagged, reason = moderation.check_request("jazz", "what the fvck is this\nsh1t happens")
    assert flagged and reason.startswith("lyrics contains flagged terms:")
    assert "fvck" in reason and "sh1t" in reason


def test_it_does_not_flag_words_that_merely_contain_a_bad_word():
    assert moderation.check_request("classic assessment of the scunthorpe sound", "") == (False, "")


def test_it_adds_the_operators_extra_terms_and_phrases(settings):
    settings.MODERATION_EXTRA_TERMS = ["Grimbly", "burn it all"]
    flagged, reason = moderation.check_request("make GRIMBLY louder", "Tonight we   burn it ALL down")
    assert flagged
    assert reason == "prompt contains flagged terms: grimbly; lyrics contains flagged terms: burn it all"
    assert moderation.check_request("burn it allowed", "")[0] is False


def test_it_follows_a_change_of_extra_terms(settings):
    settings.MODERATION_EXTRA_TERMS = []
    assert moderation.check_request("zorblax", "")[0] is False
    settings.MODERATION_EXTRA_TERMS = ["zorblax"]
    assert moderation.check_request("zorblax", "")[0] is True


def test_it_reports_each_term_once():
    assert moderation.flagged_terms("shit shit SHIT") == ["shit"]


@pytest.mark.django_db
def test_a_flagged_submission_awaits_review(owner):
    task = submit_task(owner, prompt="make it shit")
    assert task.is_flagged and task.review_state == RemixTask.Review.PENDING
    assert "shit" in task.flag_reason
    assert not task.outputs_visible


DEFAULT_WORDS = sorted(set(read_wordlist(get_complete_path_of_file("profanity_wordlist.txt"))))
LEETSPEAK = Profanity().CHARS_MAPPING


def _disagreements(tokens: list[str], extra_words: tuple[str, ...] = ()) -> list[tuple[str, bool]]:
    """The tokens on which the fast matcher and better-profanity's own check differ, with the
    matcher's answer."""
    reference = Profanity()
    if extra_words:
        reference.add_censor_words(list(extra_words))
    checker = moderation._filter(extra_words)
    answers = [(token, checker.contains_profanity(token)) for token in tokens]
    return [(token, answer) for token, answer in answers if answer != reference.contains_profanity(token)]


def _forms(word: str) -> list[str]:
    """`word` as listed, in capitals, as tokens of text, with its spaces as separators a token keeps,
    and with punctuation around it."""
    pieces = moderation.TOKEN.findall(word)
    return [word, word.upper(), *pieces, "-".join(pieces), "_".join(pieces), "".join(pieces),
            f"{word}!", f"'{word}'s", f"--{word}", f"{word[:-1]}*{word[-1]}"]


def _leetspeak(word: str, rng: random.Random) -> str:
    return "".join(rng.choice(LEETSPEAK[char]) if char in LEETSPEAK and rng.random() < 0.6 else char
                   for char in word)


def _near_miss(word: str, rng: random.Random) -> str:
    at = rng.randrange(len(word))
    return word[:at] + rng.choice(["", "x", "1", "*", "@", "-", "!", word[at] * 2]) + word[at + 1:]


def test_the_matcher_answers_as_better_profanity_on_every_listed_word():
    tokens = [form for word in DEFAULT_WORDS for form in _forms(word)]
    assert _disagreements(tokens) == []
    assert sum(moderation._filter(()).contains_profanity(word) for word in DEFAULT_WORDS) > 0.9 * len(DEFAULT_WORDS)


def test_the_matcher_answers_as_better_profanity_on_leetspeak_and_near_misses():
    rng = random.Random(7)
    sample = rng.sample(DEFAULT_WORDS, 300)
    leet = [_leetspeak(word, rng) for word in sample for _ in range(3)]
    tokens = leet + [rng.choice([str.upper, str.title, str])(token) for token in leet]
    tokens += [_near_miss(word, rng) for word in sample for _ in range(2)]
    assert _disagreements(tokens) == []
    assert sum(moderation._filter(()).contains_profanity(token) for token in leet) > len(leet) // 2


def test_the_matcher_answers_as_better_profanity_on_ordinary_words_and_random_tokens():
    rng = random.Random(11)
    english = rng.sample(sorted(set(moderation.TOKEN.findall(" ".join(topics.values())))), 700)
    alphabet = "abcdefghiklmnopstuvz0134579@$!*'-_"
    random_tokens = ["".join(rng.choices(alphabet, k=rng.randint(1, 9))) for _ in range(500)]
    pool = english[:100] + [word for word in DEFAULT_WORDS if " " not in word and len(word) < 6]
    joined = [rng.choice("-_!'*").join(rng.sample(pool, 2)) for _ in range(300)]
    assert _disagreements(english + random_tokens + joined) == []


def test_it_flags_the_operators_single_words_in_their_leetspeak_variants_too(settings):
    settings.MODERATION_EXTRA_TERMS = ["Grimbly", "zorb-lax"]
    assert moderation.flagged_terms("GR1MB1Y and gr*mbly, not gr!mbly; zorb-l4x zorb_lax") == [
        "gr1mb1y", "gr*mbly", "zorb-l4x"]
    variants = ["grimbly", "gr1mb1y", "GR*MBLY", "grlmbly", "grimbly!", "grimbly-ish", "gr!mbly", "grimbl",
                "zorb-lax", "z0rb-l@x", "zorb_lax", "zorblax", "zorb", "-zorb-lax-"]
    assert _disagreements(variants, ("grimbly", "zorb-lax")) == []
