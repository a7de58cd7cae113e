"""Vocals for the remix engine: sung lyrics with word timings, re-voicing, the vocal chain, LRC.

`sing()` turns lyrics into a dry vocal on the remixed song's bars and melody; `revoice()` moves a kept
vocal toward a gender; `vocal_chain()` makes a vocal ready to sit in front of the mix.
"""

from .chain import vocal_chain
from .guide import SungVocal, VocalGuide
from .lrc import to_lrc
from .performer import prepare, release, sing
from .revoice import revoice

__all__ = ["SungVocal", "VocalGuide", "prepare", "release", "revoice", "sing", "to_lrc", "vocal_chain"]
