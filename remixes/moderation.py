"""Flags prompts and lyrics that need a human look before their outputs are served. Uses the
maintained word list of better-profanity (with its leetspeak variants) plus the operator's own
terms from MODERATION_EXTRA_TERMS, which may be phrases of several words."""
from __future__ import annotations

import re
from functools import lru_cache

from better_profanity import Profanity
from django.conf import settings

TOKEN = re.compile(r"[\w@$!*'-]+")


@lru_cache(maxsize=4)
def _filter(extra_words: tuple[str, ...] = ()) -> Profanity:
    words = Profanity()
    words.load_censor_words()
    if extra_words:
        words.add_censor_words(list(extra_words))
    return words


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
