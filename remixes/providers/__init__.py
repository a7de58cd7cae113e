"""Where remixing happens. A provider takes a claimed task and a local copy of its source audio and
either returns the finished result (the local engine) or hands the task to an upstream service whose
callbacks finish it later (MusicGPT). The configured one is chosen by REMIX_PROVIDER."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from ..errors import ProviderError
from ..models import RemixTask
from ..results import Progress, TaskResult, UpstreamSubmission

__all__ = ["Progress", "Provider", "ProviderError", "get_provider"]


class Provider(Protocol):
    name: str

    def run(self, task: RemixTask, source: Path, progress: Progress) -> TaskResult | UpstreamSubmission: ...


def get_provider(name: str | None = None) -> Provider:
    name = name or settings.REMIX_PROVIDER
    if name == "musicgpt":
        from .musicgpt import MusicGPTProvider

        return MusicGPTProvider()
    if name == "local":
        from .local import LocalProvider

        return LocalProvider()
    return import_string(name)()
