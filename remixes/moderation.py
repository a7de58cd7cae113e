"""Flags prompts and lyrics that need a human look before their outputs are served. Uses the
maintained word list of better-profanity (with its leetspeak variants) plus the operator's own
terms from MODERATION_EXTRA_TERMS."""
from __future__ import annotations

import re
from functools import lru_cache

from better_profanity import Profanity
from django.conf import settings


@lru_cache(maxsize=1)
def _filter() -> Profanity:
    words = Profanity()
    words.load_censor_words()
    if settings.MODERATION_EXTRA_TERMS:
        words.add_censor_words(settings.MODERATION_EXTRA_TERMS)
    return words


def flagged_terms(text: str) -> list[str]:
    """The words of `text` that the list matches, in order, without repeats."""
    words = _filter()
    found: list[str] = []
    for token in re.findall(r"[\w@$!*'-]+", text or ""):
        if words.contains_profanity(token) and token.lower() not in found:
            found.append(token.lower())
    return found


def check_request(prompt: str, lyrics: str) -> tuple[bool, str]:
    """(is_flagged, reason) for a remix request; the reason names the field and the terms."""
    reasons = []
    for label, text in (("prompt", prompt), ("lyrics", lyrics)):
        terms = flagged_terms(text)
        if terms:
            reasons.append(f"{label} contains flagged terms: {', '.join(terms[:5])}")
    return bool(reasons), "; ".join(reasons)
