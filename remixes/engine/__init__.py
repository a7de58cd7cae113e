"""The remix engine: a pure library (no Django) that turns a song and a prompt into two remixes.

`remix()` (pipeline.py) reads as the stages: decode, analyse, plan, arrange, sing, master, encode.
Heavy modules (librosa, numba) load lazily so that `probe()` and the encoders stay cheap to import.
Importing the engine changes no environment variable: the programs that run it (Django's settings, the
CLI, the Makefile) point NUMBA_CACHE_DIR at var/numba so librosa's kernels compile once (~30 s cold).
"""

from .decode import AudioInfo, probe
from .encode import encode_mp3, encode_wav
from .errors import EmptyAudio, EngineError, SilentAudio, TooLong, TooShort, UndecodableAudio

_PIPELINE_NAMES = {"remix", "RemixRequest", "RemixResult", "VersionResult"}

__all__ = [
    "AudioInfo", "EmptyAudio", "EngineError", "RemixRequest", "RemixResult", "SilentAudio", "TooLong",
    "TooShort", "UndecodableAudio", "VersionResult", "encode_mp3", "encode_wav", "probe", "remix", "warm_up",
]


def __getattr__(name):
    if name in _PIPELINE_NAMES:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def warm_up() -> None:
    """Import every stage and trigger librosa's numba JIT on a tiny signal, so no request pays for
    compilation, and processes forked by a remix never import a module for the first time (an import
    lock held by another thread at fork time would hang the child)."""
    import importlib

    for stage in ("pipeline", "analyse", "arrange", "render", "master", "features", "style", "cover", "vocals"):
        importlib.import_module(f"{__name__}.{stage}")
    from .analyse import warm_up as _warm_up

    _warm_up()
