"""Lyrics text: cleaning, verses and [Chorus] markup, numbers and symbols as words, language.

`parse_lyrics()` turns what a user typed into verses of lines; every line keeps the words the user
wrote (for display and timestamps) next to the words espeak-ng should say (for singing).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

MAX_LYRICS_CHARS = 2000

_SECTION_WORDS = {
    "chorus": "chorus", "refrain": "chorus", "hook": "chorus", "pre-chorus": "prechorus", "prechorus": "prechorus",
    "verse": "verse", "bridge": "bridge", "intro": "intro", "outro": "outro", "interlude": "interlude",
    "coro": "chorus", "estribillo": "chorus", "refrão": "chorus", "ritornello": "chorus",
}
_TAG_LINE = re.compile(r"^\s*[\[\(\{<]?\s*([A-Za-zÀ-ÿ\- ]+?)\s*(\d+)?\s*[\]\)\}>]?\s*:?\s*$")
_INLINE_MARKUP = re.compile(r"\[[^\]]*\]|\{[^}]*\}|<[^>]*>|\(\s*[x×]\s*\d+\s*\)|\b[x×]\d+\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"^(?P<pre>[$€£#]?)(?P<num>\d+(?:[.,]\d+)?)(?P<post>%|st|nd|rd|th|s|'s|k)?$", re.IGNORECASE
)
_SYMBOLS_EN = {"&": "and", "+": "plus", "@": "at", "=": "equals", "%": "percent", "#": "number", "$": "dollars",
               "€": "euros", "£": "pounds", "°": "degrees"}
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds"}
_WORD_CHARS = re.compile(r"[\w'’\-]+", re.UNICODE)

# langdetect code -> espeak-ng voice name, where the two differ.
_ESPEAK_NAMES = {"zh-cn": "cmn", "zh-tw": "cmn", "zh": "cmn", "no": "nb", "tl": "fil"}
_LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "sv": "Swedish", "pl": "Polish", "ru": "Russian", "ja": "Japanese", "ko": "Korean",
    "cmn": "Mandarin", "tr": "Turkish", "fi": "Finnish", "da": "Danish", "nb": "Norwegian", "cs": "Czech",
    "el": "Greek", "hu": "Hungarian", "ro": "Romanian", "uk": "Ukrainian", "ar": "Arabic", "hi": "Hindi",
}


@dataclass(frozen=True)
class Token:
    display: str   # as the user wrote it, punctuation included ("4,")
    spoken: str    # what is said ("four"); "" when the token has nothing to say


@dataclass(frozen=True)
class LyricLine:
    index: int                 # position in the whole lyrics (0-based)
    text: str                  # cleaned display text
    tokens: tuple[Token, ...]

    @property
    def spoken(self) -> str:
        return " ".join(t.spoken for t in self.tokens if t.spoken)


@dataclass(frozen=True)
class Verse:
    label: str | None          # "chorus", "verse", "bridge"... from markup, None when unmarked
    lines: tuple[LyricLine, ...]


@dataclass(frozen=True)
class Lyrics:
    verses: tuple[Verse, ...]
    language: str              # espeak-ng voice name used for pronunciation ("en", "es", ...)
    notes: tuple[str, ...]

    @property
    def lines(self) -> tuple[LyricLine, ...]:
        return tuple(line for verse in self.verses for line in verse.lines)


def parse_lyrics(text: str, language: str | None = None, voice_exists=None) -> Lyrics:
    """Split lyrics into verses (blank lines) and lines, read markup, and choose the pronunciation.

    `voice_exists(name) -> bool` checks an espeak-ng voice; by default the speech module is asked.
    """
    if voice_exists is None:
        from .speech import has_voice as voice_exists
    notes: list[str] = []
    text, was_cut = _normalised(text)
    if was_cut:
        notes.append(f"Lyrics longer than {MAX_LYRICS_CHARS} characters: cut at the last whole line before the limit.")

    blocks = _blocks(text)
    voice, language_notes = choose_language(_language_text(blocks), language, voice_exists)
    notes.extend(language_notes)
    lang = voice.split("-")[0]
    verses, index = [], 0
    for label, raw_lines in blocks:
        lines = []
        for raw in raw_lines:
            tokens = tuple(_tokens(raw, lang))
            if not any(t.spoken for t in tokens):
                continue
            lines.append(LyricLine(index, " ".join(t.display for t in tokens), tokens))
            index += 1
        if lines:
            verses.append(Verse(label, tuple(lines)))
    return Lyrics(tuple(verses), voice, tuple(notes))


def _blocks(text: str) -> list[tuple[str | None, list[str]]]:
    """Blank lines end a verse; a markup line ("[Chorus]") starts a new one and labels it."""
    blocks: list[tuple[str | None, list[str]]] = []
    label, lines = None, []

    def close():
        nonlocal label, lines
        if lines:
            blocks.append((label, lines))
        label, lines = None, []

    for raw in text.split("\n"):
        tag = _section_tag(raw)
        if tag is not None:
            close()
            label = tag
            continue
        cleaned = _clean_line(raw)
        if not cleaned:
            if not raw.strip():
                pending = label
                close()
                label = pending  # a tag followed by a blank line still labels the next lines
            continue
        lines.append(cleaned)
    close()
    return blocks


def _section_tag(raw: str) -> str | None:
    stripped = raw.strip()
    if not stripped:
        return None
    bracketed = stripped[0] in "[({<" and stripped[-1] in "])}>"
    match = _TAG_LINE.match(stripped)
    if not match:
        return None
    word = match.group(1).strip().lower()
    if word in _SECTION_WORDS and (bracketed or stripped.endswith(":") or word in ("chorus", "verse", "bridge")):
        return _SECTION_WORDS[word]
    if bracketed and stripped[0] == "[":
        return "other"  # "[Guitar solo]": markup, never sung
    return None


def _clean_line(raw: str) -> str:
    line = _INLINE_MARKUP.sub(" ", raw)
    line = "".join(ch for ch in line if unicodedata.category(ch)[0] in "LNPZS" or ch in "'’")
    line = line.replace("(", " ").replace(")", " ").replace("*", " ").replace("_", " ")
    return re.sub(r"\s+", " ", line).strip()


def _tokens(line: str, lang: str):
    for display in line.split(" "):
        spoken = _spoken(display, lang)
        if not spoken and not _WORD_CHARS.search(display):
            if display.strip() and display.strip() not in ",.;:!?-–—\"'“”‘’…":
                yield Token(display, "")
            continue
        yield Token(display, spoken)


def _spoken(token: str, lang: str) -> str:
    """The words to say for one written token: numbers and symbols become words."""
    core = token.strip(".,;:!?\"“”‘’«»…()[]-–—'")
    if not core:
        return ""
    match = _NUMBER.match(core)
    if match:
        return _number_words(match, lang)
    words = []
    for part in re.split(r"([&+@=%#$€£°])", core):
        if part in _SYMBOLS_EN:
            if lang == "en":
                words.append(_SYMBOLS_EN[part])
            continue
        found = _WORD_CHARS.findall(part)
        for piece in found:
            if any(ch.isdigit() for ch in piece):
                piece = re.sub(r"\d+", lambda m: " " + _say_number(int(m.group()), lang) + " ", piece)
            words.append(piece.replace("’", "'").strip("-"))
    return " ".join(w for w in " ".join(words).split() if w)


def _number_words(match: re.Match, lang: str) -> str:
    pre, num, post = match.group("pre"), match.group("num"), (match.group("post") or "").lower()
    if "," in num and lang == "en" and len(num.split(",")[-1]) == 3:
        num = num.replace(",", "")
    value = float(num.replace(",", ".")) if ("." in num or "," in num) else int(num)
    if post in ("st", "nd", "rd", "th") and isinstance(value, int):
        return _say_number(value, lang, to="ordinal")
    if post == "k" and isinstance(value, int):
        value *= 1000
    if isinstance(value, int) and post in ("s", "'s") and 1100 <= value <= 2099 and lang == "en":
        words = _say_number(value, lang, to="year")  # "1990s" -> "nineteen nineties"
        return words[:-1] + "ies" if words.endswith("y") else words + "s"
    if isinstance(value, int) and 1100 <= value <= 2099 and not pre and not post and len(num) == 4:
        words = _say_number(value, lang, to="year")
    else:
        words = _say_number(value, lang)
    if pre == "#" and lang == "en":
        words = "number " + words
    if pre in _CURRENCY and lang == "en":
        words += " " + _CURRENCY[pre]
    if post == "%" and lang == "en":
        words += " percent"
    return words


def _say_number(value, lang: str, to: str = "cardinal") -> str:
    from num2words import num2words

    try:
        words = num2words(value, lang=lang, to=to)
    except (NotImplementedError, KeyError, ValueError, OverflowError, TypeError):
        try:
            words = num2words(value, lang=lang)
        except (NotImplementedError, KeyError, ValueError, OverflowError, TypeError):
            return str(value)
    return words.replace(",", "")


def _normalised(text: str) -> tuple[str, bool]:
    """The lyrics NFC-normalised with plain newlines, cut at the last whole line within MAX_LYRICS_CHARS; and
    whether they were cut."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text) <= MAX_LYRICS_CHARS:
        return text, False
    cut = text.rfind("\n", 0, MAX_LYRICS_CHARS + 1)
    return text[: cut if cut > 0 else MAX_LYRICS_CHARS], True


def _language_text(blocks) -> str:
    """What the lyrics' language is detected from: their lines, markup and blank lines left out."""
    return " ".join(" ".join(lines) for _, lines in blocks)


@functools.lru_cache(maxsize=16)
def detect_language(text: str) -> tuple[str | None, float]:
    """langdetect's best guess (code, probability), or (None, 0) when the text is too short to tell; the
    answer is remembered for the same text. After detect_in_a_child(), langdetect runs in a forked child
    (started early by detect_soon, when it was)."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 12:
        return None, 0.0
    if _DETECT_IN_A_CHILD:
        pending = _PENDING.pop(text, None)
        answer = _child_answer(*pending) if pending else _in_a_child(_langdetect, text)
        if answer is not None:
            return answer
    return _langdetect(text)


_PENDING: dict[str, tuple[int, int]] = {}  # detection text -> (pid, read end) of a child detecting it


def detect_soon(lyrics: str) -> None:
    """After detect_in_a_child(): start detecting the language of `lyrics` (as parse_lyrics will ask for it) in a
    forked child now, so that it runs while this process does something else (the singer loads its voice)."""
    if not _DETECT_IN_A_CHILD:
        return
    text = _language_text(_blocks(_normalised(lyrics)[0]))
    if text not in _PENDING and sum(ch.isalpha() for ch in text) >= 12:
        _PENDING[text] = _child(_langdetect, text)


_DETECT_IN_A_CHILD = False


def detect_in_a_child() -> None:
    """From now on this process detects languages in a forked child: langdetect's profiles (~150 MB of
    Python objects, which this process would keep resident after freeing them) go with the child. For a
    single-threaded process that lives for one song, such as the remix's singer."""
    global _DETECT_IN_A_CHILD
    _DETECT_IN_A_CHILD = True


def _langdetect(text: str) -> tuple[str | None, float]:
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0  # langdetect is random otherwise
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None, 0.0
    return best.lang, best.prob


def _in_a_child(function, *args):
    """function(*args) in a forked child, its (small, picklable) result read back; None if the child fails."""
    return _child_answer(*_child(function, *args))


def _child(function, *args) -> tuple[int, int]:
    """function(*args) started in a forked child: (its pid, the read end of the pipe its result comes on)."""
    import os
    import pickle

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe and leave at once (no cleanup of the parent's state)
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                pickle.dump(function(*args), out)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _child_answer(pid: int, read: int):
    """The result _child's child sends, once it is done; None if it failed."""
    import os
    import pickle

    with os.fdopen(read, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    return pickle.loads(data)


def choose_language(text: str, language: str | None, voice_exists) -> tuple[str, list[str]]:
    """The espeak-ng voice to pronounce the lyrics with, and notes for the plan."""
    notes = []
    if language:
        code = language.strip().lower().replace("_", "-")
        for candidate in (_ESPEAK_NAMES.get(code, code), code.split("-")[0]):
            if voice_exists(candidate):
                return candidate, [f"Lyrics sung with {_name(candidate)} pronunciation (as requested)."]
        notes.append(f"No voice for language {language!r}: lyrics sung with English pronunciation.")
        return "en", notes
    code, probability = detect_language(text)
    if code is None or code == "en" or probability < 0.7:
        return "en", notes
    candidate = _ESPEAK_NAMES.get(code, code)
    if voice_exists(candidate):
        return candidate, [f"Lyrics look {_name(candidate)}: sung with espeak-ng's {_name(candidate)} voice."]
    return "en", [f"Lyrics look like language {code!r}, which the singing voice cannot pronounce: "
                  "sung with English pronunciation."]


def _name(code: str) -> str:
    return _LANGUAGE_NAMES.get(code, code)
