"""Gets a task's source audio onto local disk for a provider: a local path of the stored upload
(copied out of remote storage when needed), and the download of an `audio_url` (through safehttp, or
s3:// with the storage's credentials), probed and hashed. Reads only: `tasks.py` hands a fetched
song to `services.attach_fetched_source`, which stores it and settles the credit hold."""
from __future__ import annotations

import hashlib
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.fields.files import FieldFile

from . import safehttp
from .errors import SourceError
from .results import AudioFacts, FetchedAudio


@contextmanager
def local_source(upload, workdir: Path):
    """Yield a local path of a stored upload's audio (a copy in `workdir` for remote storage)."""
    field_file: FieldFile = upload.file
    try:
        path = Path(field_file.path)
    except NotImplementedError:  # remote storage (S3): copy to the work folder
        path = workdir / ("source" + Path(field_file.name).suffix)
        with field_file.open("rb") as src, path.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
    yield path


def fetch_audio_url(url: str, workdir: Path) -> FetchedAudio:
    """Download a song given by URL into `workdir`, check it is audio we accept, and hash it."""
    from .engine import EngineError, probe

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
    return FetchedAudio(
        path=target, size=target.stat().st_size, sha256=digest.hexdigest(),
        facts=AudioFacts(duration=info.duration, sample_rate=info.sample_rate, channels=info.channels),
    )


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
