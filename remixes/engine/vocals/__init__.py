"""Vocals for the remix engine: sung lyrics with word timings, re-voicing, the vocal chain, LRC.

`sing()` turns lyrics into a dry vocal on the remixed song's bars and melody; `revoice()` moves a kept
vocal toward a gender; `vocal_chain()` makes a vocal ready to sit in front of the mix.
"""

from .guide import SungVocal, VocalGuide
from .performer import sing

__all__ = ["SungVocal", "VocalGuide", "sing"]
