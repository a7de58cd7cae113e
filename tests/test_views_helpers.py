"""Builders shared by the web tests (no tests here): a submitted task from a generated clip, and a
completed one whose results are applied through services, without running the engine."""
from __future__ import annotations

import io

import numpy as np

from remixes import services
from remixes.models import RemixTask
from tests.conftest import wav_bytes

LINES = [
    {
        "text": "Hello bright morning",
        "start": 0.1,
        "end": 0.5,
        "words": [
            {"word": "Hello", "start": 0.1, "end": 0.2},
            {"word": "bright", "start": 0.2, "end": 0.35},
            {"word": "morning", "start": 0.35, "end": 0.5},
        ],
    },
    {
        "text": "We sing along",
        "start": 0.55,
        "end": 0.95,
        "words": [
            {"word": "We", "start": 0.55, "end": 0.65},
            {"word": "sing", "start": 0.65, "end": 0.8},
            {"word": "along", "start": 0.8, "end": 0.95},
        ],
    },
]

PLAN = {
    "style": "lofi",
    "style_name": "Lo-fi hip hop",
    "mood": "chill",
    "summary": "Lo-fi hip hop at 80 BPM with dusty drums and a warm Rhodes.",
    "understood": ["Style: Lo-fi hip hop", "Tempo: slower (x0.85)"],
    "ignored_words": ["banana"],
    "engine": {"key": "C major", "source_tempo": 120.0, "tempo": 102.0, "notes": ["No vocal found to keep."]},
}


def tiny_mp3(seconds: float = 1.0) -> bytes:
    from remixes.engine import encode_mp3

    t = np.arange(int(44100 * seconds)) / 44100
    tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return encode_mp3(np.stack([tone, tone], axis=1), 44100)


def submit_task(owner, *, prompt: str = "Make it lo-fi with chill beats", lyrics: str = "", seconds: float = 5.0):
    return services.submit_remix(
        owner,
        services.RemixOptions(prompt=prompt, lyrics=lyrics),
        audio_file=io.BytesIO(wav_bytes(seconds)),
        audio_name="clip.wav",
        audio_facts=services.AudioFacts(duration=seconds, sample_rate=22050, channels=2),
    )


def complete_task(task: RemixTask, *, lines=None, plan=None, mp3: bytes | None = None) -> RemixTask:
    claimed = services.claim_task(task.task_id)
    assert claimed is not None
    audio = mp3 or tiny_mp3()
    versions = [
        services.VersionOutput(
            index=index,
            mp3=audio,
            wav=b"RIFF0000WAVEfmt ",
            duration=1.0,
            lyrics="Hello bright morning\nWe sing along",
            lyrics_timestamped=LINES if lines is None else lines,
            peaks=[round(abs(np.sin(i / 7)), 3) for i in range(200)],
        )
        for index in (1, 2)
    ]
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (90, 60, 200)).save(buffer, format="PNG")
    assert services.apply_result(
        task.task_id,
        services.TaskResult(
            versions=versions, cover_png=buffer.getvalue(), cover_thumb_png=buffer.getvalue(),
            style_plan=PLAN if plan is None else plan,
        ),
        attempt=claimed.attempts,
    )
    return RemixTask.objects.get(pk=task.task_id)
