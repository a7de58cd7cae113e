"""Gets a task's source audio onto local disk for a provider: the stored upload, or the task's
audio_url fetched once through safehttp (then stored, probed and its credit hold settled)."""
from __future__ import annotations

import hashlib
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from . import safehttp, services
from .errors import SourceError
from .models import RemixTask, random_upload_path


@contextmanager
def local_source(task: RemixTask, attempt: int, workdir: Path):
    """Yield a local path of the task's audio; fetch it first when it came as a URL."""
    upload = task.upload
    if not upload.file:
        _fetch_into_upload(task, attempt, workdir)
        upload.refresh_from_db()
    try:
        path = Path(upload.file.path)
    except NotImplementedError:  # remote storage (S3): copy to the work folder
        path = workdir / ("source" + Path(upload.file.name).suffix)
        with upload.file.open("rb") as src, path.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
    yield path


def _fetch_into_upload(task: RemixTask, attempt: int, workdir: Path) -> None:
    from .engine import EngineError, probe

    url = task.upload.source_url
    suffix = Path(urlsplit(url).path).suffix.lower()[:6] or ".audio"
    target = workdir / ("download" + suffix)
    if urlsplit(url).scheme == "s3":
        _copy_from_s3(url, target)
    else:
        try:
            safehttp.download(url, target, max_bytes=settings.SAFEHTTP_MAX_BYTES)
        except safehttp.SafeHTTPError as exc:
            raise SourceError(f"The audio_url could not be fetched: {exc.user_message}") from None
    try:
        info = probe(target, max_seconds=settings.REMIX_MAX_SECONDS)
    except EngineError as exc:
        raise SourceError(exc.user_message) from None
    digest = hashlib.sha256()
    with target.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    with target.open("rb") as fh:
        stored = default_storage.save(random_upload_path(task.upload, target.name), File(fh))
    facts = services.AudioFacts(duration=info.duration, sample_rate=info.sample_rate, channels=info.channels)
    try:
        services.record_source(task.pk, attempt, facts, stored, target.stat().st_size, digest.hexdigest())
    except Exception:
        default_storage.delete(stored)
        raise


def _copy_from_s3(url: str, target: Path) -> None:
    """Read s3://bucket/key with the configured storage credentials (only when enabled)."""
    if not settings.S3_AUDIO_URLS_ENABLED:
        raise SourceError("s3:// paths are not enabled on this server.")
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    parts = urlsplit(url)
    options = settings.STORAGES["default"].get("OPTIONS", {})
    client = boto3.client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        region_name=options.get("region_name"),
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
    )
    try:
        head = client.head_object(Bucket=parts.netloc, Key=parts.path.lstrip("/"))
        if head["ContentLength"] > settings.SAFEHTTP_MAX_BYTES:
            raise SourceError(f"The file at audio_url is larger than {settings.MAX_UPLOAD_MB} MB.")
        client.download_file(parts.netloc, parts.path.lstrip("/"), str(target))
    except (BotoCoreError, ClientError) as exc:
        raise SourceError(f"The s3:// audio could not be read ({exc.__class__.__name__}).") from None
