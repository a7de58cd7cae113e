"""What a provider hands back, as plain values: no Django, no database, no storage. `tasks.py` takes
them from a provider and gives them to `services.apply_result`, which stores the files."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# progress(stage, percent 0-100); raises when the task was taken away from this worker.
Progress = Callable[[str, int], None]

# Audio as encoded bytes, or a path to an encoded file the provider wrote (moved into storage as is).
Blob = bytes | Path

VERSION_STEMS = ("vocals", "instrumental")  # a version's stems (no "vocals" for an instrumental one)
SOURCE_STEMS = ("vocals", "accompaniment")  # the separated source song


@dataclass
class VersionOutput:
    index: int
    mp3: Blob | None = None
    wav: Blob | None = None
    duration: float | None = None
    lyrics: str | None = None
    lyrics_timestamped: list | None = None
    peaks: list | None = None
    stems: dict[str, Blob] = field(default_factory=dict)  # keys from VERSION_STEMS, mp3 192 kb/s


@dataclass
class TaskResult:
    """A provider's result; any part may be missing when results arrive piece by piece."""

    versions: list[VersionOutput] = field(default_factory=list)
    cover_png: bytes | None = None
    cover_thumb_png: bytes | None = None
    style_plan: dict | None = None
    source_duration: float | None = None
    source_stems: dict[str, Blob] = field(default_factory=dict)  # keys from SOURCE_STEMS, mp3 192 kb/s


@dataclass(frozen=True)
class AudioFacts:
    duration: float
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class FetchedAudio:
    """A song given by URL, downloaded to a local file and probed."""

    path: Path
    size: int
    sha256: str
    facts: AudioFacts


@dataclass(frozen=True)
class UpstreamSubmission:
    """An upstream provider accepted the task: its callbacks will bring the result later."""

    provider_task_id: str
    refs: dict[str, int]  # upstream conversion id -> our version index


@dataclass(frozen=True)
class UpstreamFailure:
    """An upstream callback saying the task failed."""

    reason: str
