"""A provider for worker tests: records every run in $FAKE_PROVIDER_LOG (one line per run, appended
atomically) and returns tiny, real mp3/wav results quickly, so queue behaviour can be tested with
many tasks without running the engine."""
from __future__ import annotations

import os
import time

import numpy as np

from remixes.engine import encode_mp3, encode_wav
from remixes.services import TaskResult, VersionOutput


class RecordingProvider:
    name = "recording"

    def run(self, task, source, progress) -> TaskResult:
        with open(os.environ["FAKE_PROVIDER_LOG"], "a") as log:
            log.write(f"{task.pk} {os.getpid()}\n")
        for percent in (20, 60):
            progress("Rendering", percent)
            time.sleep(float(os.environ.get("FAKE_PROVIDER_SECONDS", "0.2")))
        silence = np.zeros((4410, 2), np.float32)
        return TaskResult(
            versions=[
                VersionOutput(index=i, mp3=encode_mp3(silence, 44100), wav=encode_wav(silence, 44100), duration=0.1,
                              lyrics="", lyrics_timestamped=[], peaks=[0.0] * 10)
                for i in (1, 2)
            ],
            style_plan={"style": "test"},
        )
