"""Importing the engine is side-effect free for the process environment (issue 13: housekeeping)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, os, pkgutil, sys
import remixes.engine as engine
before = dict(os.environ)
# Programs kept in the package for now (their move to tools/ is pending) may set up their own process.
programs = {"__main__", "bench", "asr_bench", "evaluate"}
names = sorted(m.name for m in pkgutil.walk_packages(engine.__path__, engine.__name__ + ".")
               if m.name.rsplit(".", 1)[-1] not in programs)
for name in names:
    importlib.import_module(name)
after = dict(os.environ)
changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
print(json.dumps({"modules": names, "changed": changed}))
"""


def test_importing_every_engine_module_changes_no_environment_variable():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT / "var")}
    # The package itself is imported first in a bare environment, then every module of it.
    bare = subprocess.run([sys.executable, "-c", "import os, json; b = dict(os.environ); import remixes.engine;"
                           " print(json.dumps(sorted(k for k in os.environ if b.get(k) != os.environ[k])))"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(bare.stdout.strip().splitlines()[-1]) == []
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert "remixes.engine.pipeline" in report["modules"]
    assert report["changed"] == []
