"""The upstream provider: forwards a task to the hosted MusicGPT Remix API. MusicGPT answers with
its own task and conversion ids and later calls /webhooks/provider/<token>/ once per result
(2 conversions, 2 lyrics, 1 album cover); `parse_callback` turns each callback into the same
kind of result the local provider returns, which `tasks.apply_provider_event` applies."""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import requests
from django.conf import settings
from django.urls import reverse
from PIL import Image

from .. import safehttp
from ..models import RemixTask
from ..results import Progress, TaskResult, UpstreamFailure, UpstreamSubmission, VersionOutput
from ..errors import ProviderError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT, READ_TIMEOUT = 10, 120


def callback_url() -> str:
    return settings.SITE_URL + reverse("provider_webhook", args=[settings.PROVIDER_WEBHOOK_TOKEN])


class MusicGPTProvider:
    name = "musicgpt"

    def run(self, task: RemixTask, source: Path, progress: Progress) -> UpstreamSubmission:
        data = {"prompt": task.prompt, "webhook_url": callback_url()}
        if task.lyrics:
            data["lyrics"] = task.lyrics
        if task.gender:
            data["gender"] = task.gender
        progress("Sending to MusicGPT", 5)
        try:
            with source.open("rb") as fh:
                response = requests.post(
                    settings.MUSICGPT_BASE_URL + "/Remix",
                    headers={"Authorization": settings.MUSICGPT_API_KEY, "accept": "application/json"},
                    data=data,
                    files={"audio_file": (task.upload.display_name or source.name, fh)},
                    timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                    allow_redirects=False,
                )
        except requests.RequestException as exc:
            raise ProviderError(
                f"The upstream remix service could not be reached ({exc.__class__.__name__}).", retryable=True
            ) from None
        body = _json(response)
        if response.status_code == 200 and body.get("success") and body.get("task_id"):
            refs = {str(body.get("conversion_id_1", "")): 1, str(body.get("conversion_id_2", "")): 2}
            return UpstreamSubmission(provider_task_id=str(body["task_id"]), refs=refs)
        message = str(body.get("message") or body.get("detail") or f"HTTP {response.status_code}")[:300]
        retryable = response.status_code == 429 or response.status_code >= 500
        raise ProviderError(f"The upstream remix service refused the task: {message}", retryable=retryable)


def _json(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def parse_callback(task: RemixTask, payload: dict) -> TaskResult | UpstreamFailure | None:
    """What one MusicGPT callback says about `task`: a piece of its result (files fetched through
    safehttp), its failure, or None when it names no conversion we know. Writes nothing."""
    if payload.get("success") is False or str(payload.get("status", "")).upper() == "FAILED":
        reason = payload.get("reason") or payload.get("message") or "the upstream service could not remix this song"
        return UpstreamFailure(f"Remix failed upstream: {reason}. Your credits were refunded.")
    index = task.provider_refs.get(str(payload.get("conversion_id", "")))
    result = TaskResult()
    cover_url = payload.get("album_cover_path") or payload.get("image_url")
    if cover_url:
        cover = _fetch_bytes(cover_url)
        result.cover_png, result.cover_thumb_png = _cover_pngs(cover)
    elif index is not None:
        version = VersionOutput(index=index)
        if payload.get("conversion_path"):
            version.mp3 = _fetch_bytes(payload["conversion_path"])
            if payload.get("conversion_path_wav"):
                version.wav = _fetch_bytes(payload["conversion_path_wav"])
            if payload.get("conversion_duration") is not None:
                version.duration = float(payload["conversion_duration"])
        if isinstance(payload.get("lyrics"), str):
            version.lyrics = payload["lyrics"]
        timed = payload.get("lyrics_timestamped")
        if isinstance(timed, str) and timed.strip().startswith("["):
            timed = json.loads(timed)
        if isinstance(timed, list):
            version.lyrics_timestamped = timed
        result.versions.append(version)
    else:
        return None
    return result


def _fetch_bytes(url: str) -> bytes:
    try:
        return safehttp.fetch_bytes(url, max_bytes=settings.SAFEHTTP_MAX_BYTES)
    except safehttp.SafeHTTPError as exc:
        raise ProviderError(f"A result file could not be fetched from upstream: {exc.user_message}", retryable=True)


def _cover_pngs(data: bytes) -> tuple[bytes, bytes]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    outputs = []
    for size in (1024, 256):
        buffer = io.BytesIO()
        image.resize((size, size), Image.LANCZOS).save(buffer, format="PNG")
        outputs.append(buffer.getvalue())
    return outputs[0], outputs[1]
