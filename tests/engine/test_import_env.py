"""Importing the app is side-effect free for the process environment (issue 13: housekeeping).

The bench and evaluation programs live in tools/, outside the package; the only module under remixes/
left out is the engine's command line, `python -m remixes.engine` (remixes/engine/__main__.py), which is
a program: it points numba's cache at var/numba before the engine loads."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, os, pkgutil
import django
django.setup()  # the site's settings (remixsite, not remixes) may set up the process: TZ, numba's cache
before = dict(os.environ)
import remixes
names = sorted(m.name for m in pkgutil.walk_packages(remixes.__path__, "remixes.")
               if m.name != "remixes.engine.__main__")
for name in names:
    importlib.import_module(name)
after = dict(os.environ)
changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
print(json.dumps({"modules": names, "changed": changed}))
"""


def test_importing_every_module_under_remixes_changes_no_environment_variable():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT / "var")}
    # The engine package itself is imported first in a bare environment (no Django), then every module of
    # the app with the site configured.
    bare = subprocess.run([sys.executable, "-c", "import os, json; b = dict(os.environ); import remixes.engine;"
                           " print(json.dumps(sorted(k for k in os.environ if b.get(k) != os.environ[k])))"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(bare.stdout.strip().splitlines()[-1]) == []
    site = {**env, "DJANGO_SETTINGS_MODULE": "remixsite.settings"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=site, capture_output=True, text=True,
                         timeout=300, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"remixes.engine.pipeline", "remixes.engine.vocals.performer", "remixes.views", "remixes.tasks"} \
        <= set(report["modules"])
    assert not any(name.rsplit(".", 1)[-1] in {"bench", "asr_bench", "evaluate"} for name in report["modules"])
    assert report["changed"] == []


def test_the_engine_command_line_starts_without_the_heavy_libraries():
    """What the remix's own process imports before its helpers fork is serial time in every remix: scipy
    (~0.2 s for scipy.fft alone), librosa, numba, onnxruntime, PIL and pedalboard load where they are used,
    most of them in the helpers."""
    heavy = ("scipy", "librosa", "numba", "onnxruntime", "PIL", "pedalboard")
    probe = (f"import json, sys; import remixes.engine.__main__; "
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
