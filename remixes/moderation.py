"""Flags prompts and lyrics that need a human look before their outputs are served. Uses the
maintained word list of better-profanity (with its leetspeak variants) plus the operator's own
terms from MODERATION_EXTRA_TERMS, which may be phrases of several words.

better-profanity keeps its ~900 words as a list and finds a word by comparing it with each in
turn in pure Python, ~50 ms for a page of lyrics. Its own splitting of a token into words is
kept, so the answers stay its answers, but its list is swapped for `_Wordset`, which answers the
same `in` question with one regex per (length, first character) of the spellings it accepts."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache

from better_profanity import Profanity
from django.conf import settings

TOKEN = re.compile(r"[\w@$!*'-]+")


class _Wordset:
    """Stands in for Profanity.CENSOR_WORDSET, a list of VaryingString whose `text in words`
    compares `text` with each word in turn: equal if it has the word's length and each character
    is one that `char_map` allows for the word's character there (every substitute is a single
    character). Here a word is a regex of character classes, and the words are grouped by length
    and by the characters their variants can start with, so `in` tries only a few of them."""

    def __init__(self, words: list[str], char_map: Mapping[str, tuple[str, ...]]):
        groups: defaultdict[tuple[int, str], list[str]] = defaultdict(list)
        for word in words:
            spellings = [char_map.get(char, (char,)) for char in word]
            pattern = "".join("[" + "".join(map(re.escape, chars)) + "]" for chars in spellings)
            for first in spellings[0]:
                groups[len(word), first].append(pattern)
        self._patterns = {key: re.compile("|".join(group)) for key, group in groups.items()}
        self._count = len(words)

    def __len__(self) -> int:  # better-profanity reloads its default list into an empty wordset
        return self._count

    def __contains__(self, text: str) -> bool:
        pattern = self._patterns.get((len(text), text[:1]))
        return pattern is not None and pattern.fullmatch(text) is not None


@lru_cache(maxsize=4)
def _filter(extra_words: tuple[str, ...] = ()) -> Profanity:
    """better-profanity with the default list plus `extra_words` (as its add_censor_words takes
    them), its word list swapped for the fast `_Wordset` of the same words."""
    checker = Profanity()
    if extra_words:
        checker.add_censor_words(list(extra_words))
    checker.CENSOR_WORDSET = _Wordset([str(word) for word in checker.CENSOR_WORDSET], checker.CHARS_MAPPING)
    return checker


def _extra_terms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The operator's single-word terms and multi-word phrases, lower-cased."""
    terms = [term.strip().lower() for term in settings.MODERATION_EXTRA_TERMS if term.strip()]
    return tuple(t for t in terms if " " not in t), tuple(t for t in terms if " " in t)


def flagged_terms(text: str) -> list[str]:
    """The words (and operator phrases) of `text` that the lists match, in order, without repeats."""
    words, phrases = _extra_terms()
    checker = _filter(words)
    found: list[str] = []
    for token in TOKEN.findall(text or ""):
        if checker.contains_profanity(token) and token.lower() not in found:
            found.append(token.lower())
    folded = " ".join(TOKEN.findall((text or "").lower()))
    for phrase in phrases:
        if re.search(r"(?<!\w)" + re.escape(" ".join(phrase.split())) + r"(?!\w)", folded) and phrase not in found:
            found.append(phrase)
    return found


def check_request(prompt: str, lyrics: str) -> tuple[bool, str]:
    """(is_flagged, reason) for a remix request; the reason names the field and the terms."""
    reasons = []
    for label, text in (("prompt", prompt), ("lyrics", lyrics)):
        terms = flagged_terms(text)
        if terms:
            reasons.append(f"{label} contains flagged terms: {', '.join(terms[:5])}")
    return bool(reasons), "; ".join(reasons)
