"""Vocals for the remix engine: sung lyrics with word timings, re-voicing, the vocal chain, LRC.

`sing()` turns lyrics into a dry vocal on the remixed song's bars and melody; `revoice()` moves a kept
vocal toward a gender; `vocal_chain()` makes a vocal ready to sit in front of the mix.

The singer (sing, prepare, release: the voice model, WORLD, espeak-ng) and revoice (Praat) are imported at
their first use: a process that only puts a vocal through the chain (a render helper, and the remix's main
process, which loads what they share before they fork) does not import them (~1 s of CPU).
"""

from .chain import vocal_chain
from .guide import SungVocal, VocalGuide
from .lrc import to_lrc

__all__ = ["SungVocal", "VocalGuide", "prepare", "release", "revoice", "sing", "to_lrc", "vocal_chain"]

_LAZY = {"prepare": "performer", "release": "performer", "sing": "performer", "revoice": "revoice"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
