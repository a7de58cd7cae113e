"""Where the engine's trained models live, and a clear error when one is missing.

`make setup` (scripts/setup-models.sh) builds every model file under var/models/ once; the engine only
reads them. Each loader caches its session per process (functools.cache), so a worker loads a model
once, not once per remix. REMIX_MODELS_DIR points elsewhere (e.g. a shared volume on more machines).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import EngineError

_DEFAULT_DIR = Path(__file__).resolve().parents[2] / "var" / "models"


class ModelMissing(EngineError):
    """A model file `make setup` should have built is not there."""


def models_dir() -> Path:
    return Path(os.environ.get("REMIX_MODELS_DIR") or _DEFAULT_DIR)


def model_path(name: str) -> Path:
    """The path of a model file under the models folder; ModelMissing when absent."""
    path = models_dir() / name
    if not path.exists():
        raise ModelMissing(f"The model file {path} is missing: run `make setup` to build it.")
    return path
