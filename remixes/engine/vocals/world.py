"""pyworld (the WORLD vocoder), imported without setuptools' pkg_resources.

pyworld's package __init__ imports pkg_resources for its version string alone, which costs the process
that sings ~0.5 s of CPU (each remix with lyrics starts a singer). While pyworld is imported, a stand-in
answers that one question from the package's metadata; the extension module is the same. A process that
has already imported pyworld or pkg_resources gets them as they are."""

from __future__ import annotations

import sys
import types


def _import_pyworld():
    if "pyworld" in sys.modules or "pkg_resources" in sys.modules:
        import pyworld

        return pyworld
    from importlib.metadata import version

    stand_in = types.ModuleType("pkg_resources")
    stand_in.get_distribution = lambda name: types.SimpleNamespace(version=version(name))
    sys.modules["pkg_resources"] = stand_in
    try:
        import pyworld
    finally:
        if sys.modules.get("pkg_resources") is stand_in:
            del sys.modules["pkg_resources"]
    return pyworld


pyworld = _import_pyworld()
