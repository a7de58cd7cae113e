"""Speech for sung lyrics: espeak-ng's library through ctypes, with word and phoneme events.

The command-line tools and PyPI wrappers only give audio; the library's synchronous mode hands us the
samples together with the position of every word and phoneme, which is what the singer needs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass

import numpy as np

_EVENT_WORD = 1
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6
_EVENT_PHONEME = 7
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_PARAM_RATE = 1
_PARAM_PITCH = 3
_PARAM_RANGE = 4
_PHONEMES_IPA = 0x02

# Phoneme mnemonics whose first character marks a vowel (syllable nucleus) across espeak-ng's languages.
_VOWEL_STARTS = set("aeiouyAEIOUVY@03&WQ")
_PAUSES = {"_", "_:", "_!", "_^", "||", "|", ""}


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Phoneme:
    name: str
    start: int          # sample index in the utterance
    end: int
    is_vowel: bool
    is_pause: bool


@dataclass(frozen=True)
class SpokenWord:
    text_position: int  # 0-based character offset of the word in the spoken text
    length: int         # characters
    start: int          # sample index where espeak-ng starts the word


@dataclass(frozen=True)
class Utterance:
    audio: np.ndarray                 # float32 mono at `sample_rate`
    sample_rate: int
    phonemes: tuple[Phoneme, ...]
    words: tuple[SpokenWord, ...]


class SpeechUnavailable(RuntimeError):
    pass


class _Espeak:
    """The espeak-ng library is one global synthesizer: every call goes through this object's lock."""

    def __init__(self):
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self.lib = ctypes.CDLL(name)
        except OSError as exc:
            raise SpeechUnavailable(f"espeak-ng library not found ({exc})") from exc
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetVoiceByName.restype = ctypes.c_int
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]
        self.lib.espeak_Synth.restype = ctypes.c_int
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        self.sample_rate = self.lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_DONT_EXIT
        )
        if self.sample_rate <= 0:
            raise SpeechUnavailable("espeak-ng failed to initialise")
        self.lock = threading.Lock()
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int, int, str]] = []
        self._callback = _CALLBACK(self._on_synth)  # keep a reference: ctypes does not
        self.lib.espeak_SetSynthCallback(self._callback)
        self._voice = None

    def _on_synth(self, wav, numsamples, events):
        if numsamples > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
        i = 0
        while True:
            event = events[i]
            if event.type == 0:  # espeakEVENT_LIST_TERMINATED
                break
            if event.type in (_EVENT_WORD, _EVENT_PHONEME, _EVENT_END):
                name = event.id.string.decode("utf-8", "replace") if event.type == _EVENT_PHONEME else ""
                self._events.append((event.type, event.text_position, event.length, event.audio_position, name))
            i += 1
        return 0

    def voice_exists(self, voice: str) -> bool:
        with self.lock:
            ok = self.lib.espeak_SetVoiceByName(voice.encode()) == 0
            self._voice = None
            return ok

    def ipa(self, text: str, voice: str) -> list[str]:
        """espeak-ng's IPA for `text`, one string per word it says (stress marks kept)."""
        with self.lock:
            if self._voice != voice:
                if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise SpeechUnavailable(f"espeak-ng has no voice {voice!r}")
                self._voice = voice
            pointer = ctypes.c_char_p(text.encode("utf-8"))
            words = []
            while pointer.value:
                chunk = self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, _PHONEMES_IPA)
                if chunk is None:
                    break
                words.extend(chunk.decode("utf-8", "replace").split())
        return words

    def phonemes(self, text: str, voice: str) -> list[str]:
        with self.lock:
            if self._voice != voice:
                if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise SpeechUnavailable(f"espeak-ng has no voice {voice!r}")
                self._voice = voice
            pointer = ctypes.c_char_p(text.encode("utf-8"))
            names = []
            while pointer.value:
                chunk = self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, ord("|") << 8)
                if chunk is None:
                    break
                for word in chunk.decode("utf-8", "replace").split():
                    names.extend(name.strip("'',%=") for name in word.split("|"))
        return [n for n in names if n]

    def synthesize(self, text: str, voice: str, rate: int, pitch: int) -> Utterance:
        with self.lock:
            if self._voice != voice:
                if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise SpeechUnavailable(f"espeak-ng has no voice {voice!r}")
                self._voice = voice
            self.lib.espeak_SetParameter(_PARAM_RATE, rate, 0)
            self.lib.espeak_SetParameter(_PARAM_PITCH, pitch, 0)
            self.lib.espeak_SetParameter(_PARAM_RANGE, 10, 0)  # flat intonation: the melody replaces it
            self._chunks, self._events = [], []
            data = text.encode("utf-8") + b"\0"
            buf = ctypes.create_string_buffer(data)
            err = self.lib.espeak_Synth(buf, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            if err != 0:
                raise SpeechUnavailable(f"espeak-ng synthesis failed (error {err})")
            chunks, events = self._chunks, self._events
            self._chunks, self._events = [], []
        audio = (np.concatenate(chunks).astype(np.float32) / 32768.0) if chunks else np.zeros(0, np.float32)
        return _utterance(audio, self.sample_rate, events)


def _utterance(audio: np.ndarray, sr: int, events) -> Utterance:
    n = len(audio)
    to_sample = lambda ms: int(min(n, max(0, round(ms * sr / 1000.0))))  # noqa: E731
    raw_phonemes = [(to_sample(ms), name) for kind, _, _, ms, name in events if kind == _EVENT_PHONEME]
    end_ms = [ms for kind, _, _, ms, _ in events if kind == _EVENT_END]
    phonemes = []
    for i, (start, name) in enumerate(raw_phonemes):
        end = raw_phonemes[i + 1][0] if i + 1 < len(raw_phonemes) else (to_sample(end_ms[-1]) if end_ms else n)
        end = max(end, start)
        clean = name.strip()
        is_pause = clean in _PAUSES or clean.startswith("_")
        is_vowel = not is_pause and clean[:1] in _VOWEL_STARTS
        phonemes.append(Phoneme(clean, start, end, is_vowel, is_pause))
    words = tuple(
        SpokenWord(text_position=max(0, pos - 1), length=length, start=to_sample(ms))
        for kind, pos, length, ms, _ in events if kind == _EVENT_WORD
    )
    return Utterance(audio, sr, tuple(phonemes), words)


_engine: _Espeak | None = None
_engine_lock = threading.Lock()


def _espeak() -> _Espeak:
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _Espeak()
        return _engine


def speak(text: str, voice: str = "en", rate: int = 150, pitch: int = 50) -> Utterance:
    """Speak one line; the result carries the samples and where each word and phoneme starts."""
    return _espeak().synthesize(text, voice, rate, pitch)


def phonemes_of(text: str, voice: str = "en") -> list[str]:
    """The phoneme names espeak-ng would say for `text` (stress marks removed), without audio."""
    return _espeak().phonemes(text, voice)


def ipa_of(text: str, voice: str = "en-us") -> list[str]:
    """The IPA espeak-ng would say for `text`, one string per spoken word (what Piper voices read)."""
    return _espeak().ipa(text, voice)


def has_voice(voice: str) -> bool:
    return _espeak().voice_exists(voice)
