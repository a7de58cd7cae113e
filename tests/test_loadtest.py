"""`make loadtest` keeps working: a very short run against real gunicorn, PostgreSQL and Redis prints
every phase with only successful answers, the query counts and the verdict on each target. (The
figures themselves are a benchmark's business, never asserted here.)"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PHASES = ("bare JSON view", "POST /Remix (1 MB)", "GET byId", "job partial (htmx)", "ref: signed-in view",
          "ref: 1 MB upload read")


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="run once, in the SQLite pass")
def test_the_load_test_runs_and_reports_every_phase(postgres_url, redis_url):
    server = postgres_url.rsplit("/", 1)[0] + "/postgres"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))}
    env.update(LOADTEST_SECONDS="0.5", LOADTEST_CLIENTS="2", LOADTEST_WORKERS="1", LOADTEST_DATABASE_URL=server,
               LOADTEST_REDIS_URL=redis_url.rsplit("/", 1)[0] + "/14",
               LOADTEST_CACHE_URL=redis_url.rsplit("/", 1)[0] + "/13")
    result = subprocess.run([sys.executable, "-m", "tools.loadtest"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for phase in PHASES:
        row = next((line for line in out.splitlines() if line.startswith(phase)), None)
        assert row is not None, f"no row for {phase}:\n{out}"
        statuses = row.split("%", 1)[1]
        assert re.fullmatch(r"\s+200: \d+", statuses), f"{phase} had answers other than 200: {row}"
    assert re.search(r"SQL queries per request: job partial \d+, byId \d+", out)
    assert re.search(r"targets: submit >= 50% of bare: (met|NOT met)", out)
    assert "against the references:" in out
